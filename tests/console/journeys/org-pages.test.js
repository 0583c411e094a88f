// An organisation's pages, as the administrator of 广陵区 goes through them from the home page: the overview with
// its figures and charts and the organisations under it, the people with a search and the Excel export, one
// person's page where the work unit is corrected, and the audit log. Each page is kept as a screenshot.
const assert = require('node:assert/strict')
const fs = require('fs')
const { useStack } = require('../stack')

const c = useStack()

const NAV = ['概况', '人员', '暂不参加组织生活', '导入名册', '审核预告', '预告情况', '活动日历', '考勤与台账', '承诺践诺', '服务与时长', '领导干部履职',
  '代表来件', '督查', '整改', '年度考核', '活动日实况', '操作记录']

c.journey('the administrator of 广陵区 goes from the home page through the district\'s pages', async ({ page }) => {
  const admin = await c.signIn(page, 'org_admin', { orgCode: 'YZ-GL' })
  await c.screenshot(page, 'home-district-admin')
  await page.locator('a.org-link', { hasText: admin.org_name }).click()
  await page.waitForURL((u) => u.pathname === `/console/orgs/${admin.org_id}`)
  await c.screenshot(page, 'org-overview')
  assert.match(await page.locator('h1').innerText(), new RegExp(admin.org_name), 'the overview is titled with the district')
  assert.ok(await page.locator('svg.chart').count() >= 1, 'the overview draws its charts')
  const nav = (await page.locator('nav#org-nav a').allInnerTexts()).map((s) => s.trim())
  assert.deepEqual(nav, NAV, 'the organisation\'s menu links every subpage')
  const children = (await page.locator('main a.org-link').allInnerTexts()).map((s) => s.trim())
  assert.ok(children.includes(c.org('YZ-GL-DJ').name), `the committee under the district is linked (got ${children})`)

  await page.goto(`${c.baseUrl}/console/orgs/${admin.org_id}/people`) // back to the district (the person's page is their branch's)
  await c.screenshot(page, 'people')
  assert.ok(await page.locator('table#people tbody tr').count() > 1, 'the people of the district are listed')
  const someone = c.demo.participant_phones[1]
  await page.locator('input[name=q]').fill(someone)
  await Promise.all([page.waitForURL((u) => u.searchParams.get('q') === someone), page.locator('input[name=q]').press('Enter')])
  await c.screenshot(page, 'people-search')
  const rows = page.locator('table#people tbody tr')
  assert.equal(await rows.count(), 1, `searching for ${someone} finds one person`)
  assert.match(await rows.innerText(), new RegExp(someone), 'with that phone, shown whole to the administrator')

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a#export-xlsx').click()])
  const bytes = fs.readFileSync(await download.path())
  assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'the roster export is an XLSX (starts with PK)')

  await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/console/people/')), rows.locator('a').first().click()])
  await c.screenshot(page, 'person')
  await page.locator('#work_unit').fill('扬州市广陵区财政局')
  await Promise.all([page.waitForURL((u) => u.searchParams.get('done') === 'saved'), page.locator('#person-form button[type=submit]').click()])
  assert.equal(await page.locator('.flash.ok').innerText(), '已保存。')
  assert.equal(await page.locator('#work_unit').inputValue(), '扬州市广陵区财政局', 'the page shows what was saved')
  await page.goto(`${c.baseUrl}/console/orgs/${admin.org_id}/people`) // back to the district (the person's page is their branch's)

  await page.locator('nav#org-nav a', { hasText: '操作记录' }).click()
  await page.locator('table#audit').waitFor()
  await c.screenshot(page, 'audit')
  assert.match(await page.locator('h1').innerText(), /操作记录/)

  for (const [label, name] of [['导入名册', 'roster-district'], ['审核预告', 'reviews-district'], ['考勤与台账', 'attendance-district']]) {
    await page.locator('nav#org-nav a', { hasText: label }).click()
    await page.waitForLoadState()
    await c.screenshot(page, name)
    assert.equal(await page.locator('nav#org-nav a[aria-current=page]').innerText(), label, `${label} is the current page`)
  }
})
