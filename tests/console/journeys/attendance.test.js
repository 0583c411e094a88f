// Attendance and ledger (考勤与台账): the administrator of 广陵区 looks at this month for 东关街道党工委, sees
// 东关社区第一党支部 under 80 % (its activity is today and nobody has checked in yet), and downloads the month's
// ledger as an Excel workbook.
const assert = require('node:assert/strict')
const fs = require('fs')
const { useStack, shanghaiMonth } = require('../stack')

const c = useStack()

c.journey('the attendance page flags a branch under 80 % and serves the month\'s ledger as XLSX', async ({ page }) => {
  await c.signIn(page, 'org_admin', { orgCode: 'YZ-GL' })
  const committee = c.org('YZ-GL-DJ')
  const branch = c.org(c.demo.branch_code)
  const month = shanghaiMonth()
  const response = await c.visit(page, `/console/orgs/${committee.id}/attendance?month=${month}`, 'attendance')
  assert.equal(response.status(), 200)

  const row = page.locator('table#attendance tbody tr', { hasText: branch.name })
  assert.equal(await row.count(), 1, `${branch.name} has a row this month`)
  assert.match(await row.getAttribute('class') || '', /\bbelow\b/, 'its row is marked as under 80 %')
  assert.match(await row.innerText(), /不足80%/, 'and says so in words')

  const link = page.locator('a#ledger-download')
  assert.match(await link.innerText(), /台账/, 'the download is labelled as the ledger')
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
  const file = await download.path()
  const bytes = fs.readFileSync(file)
  assert.ok(bytes.length > 100, `the workbook has content (${bytes.length} bytes)`)
  assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'the download is an XLSX (a ZIP: starts with PK)')
  assert.match(download.suggestedFilename(), /\.xlsx$/, `it is named *.xlsx (got ${download.suggestedFilename()})`)
  fs.mkdirSync(c.stack.artifacts, { recursive: true })
  await download.saveAs(`${c.stack.artifacts}/ledger-${month}.xlsx`)
})
