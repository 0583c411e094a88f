// Importing a roster (导入名册): the secretary of 东关社区第二党支部 uploads a CSV in which one row has a bad phone
// number. Nothing is imported, and the per-row report flags that row (by its spreadsheet row number and column)
// and counts the rows that were fine. The corrected file then imports, and the new people are on the roster.
const assert = require('node:assert/strict')
const { useStack } = require('../stack')

const c = useStack()

const BRANCH = 'YZ-GL-DJ-02'
const GOOD = [
  ['钱晓东', '13911110001', '正式党员'],
  ['冯丽华', '13911110002', '预备党员'],
  ['韩志远', '13911110004', '正式党员'],
]
const BAD = ['蒋文博', '1391111', '正式党员'] // seven digits: not a mobile number
const BAD_ROW = 4 // the header is row 1, so the third data row is row 4

function csv(rows) {
  return Buffer.from(`${[['姓名', '手机号', '党员状态'], ...rows].map((r) => r.join(',')).join('\r\n')}\r\n`, 'utf8')
}

async function upload(page, name, rows) {
  const form = page.locator('form#roster-form')
  await form.locator('input[type=file][name=file]').setInputFiles({ name, mimeType: 'text/csv', buffer: csv(rows) })
  await Promise.all([page.waitForNavigation(), form.locator('[type=submit]').click()])
  await page.locator('#roster-summary').waitFor()
}

async function findPeople(page, orgId, q) {
  await page.goto(c.url(`/console/orgs/${orgId}/people?q=${encodeURIComponent(q)}`))
  return page.locator('table#people tbody tr', { hasText: q }).count()
}

c.journey('a roster with one bad row is refused with that row flagged and the good rows counted', async ({ page }) => {
  const secretary = await c.signIn(page, 'secretary', { orgCode: BRANCH })
  await c.visit(page, `/console/orgs/${secretary.org_id}/roster`, 'roster-form')

  await upload(page, '名册-有误.csv', [GOOD[0], GOOD[1], BAD, GOOD[2]])
  await c.screenshot(page, 'roster-report')
  const summary = await page.locator('#roster-summary').innerText()
  const wholeReport = await page.locator('main').innerText()
  assert.match(summary, /未导入/, `the summary says nothing was imported (got ${JSON.stringify(summary)})`)
  const flagged = page.locator('table#roster-report tr.row-error')
  assert.equal(await flagged.count(), 1, 'exactly one row is flagged')
  const report = await flagged.innerText()
  assert.match(report, new RegExp(`第${BAD_ROW}行`), `the flagged row names spreadsheet row ${BAD_ROW} (got ${JSON.stringify(report)})`)
  assert.match(report, /手机号/, 'and the column at fault')

  assert.equal(await findPeople(page, secretary.org_id, GOOD[0][1]), 0, 'the good rows were not imported either')

  // The report tells how many rows were fine, so the secretary knows the rest of the file passed.
  assert.match(wholeReport, new RegExp(`(?<!第)${GOOD.length}\\s*(行|人|条)`),
    `the report counts the ${GOOD.length} rows that were fine (the page says: ${JSON.stringify(summary)})`)
})

c.journey('the corrected roster imports and its people are on the roster', async ({ page }) => {
  const secretary = await c.signIn(page, 'secretary', { orgCode: BRANCH })
  await page.goto(c.url(`/console/orgs/${secretary.org_id}/roster`))
  await upload(page, '名册.csv', [GOOD[0], GOOD[1], [BAD[0], '13911110003', BAD[2]], GOOD[2]])
  await c.screenshot(page, 'roster-imported')
  const summary = await page.locator('#roster-summary').innerText()
  assert.match(summary, /新增\s*4\s*人/, `the summary counts the four new people (got ${JSON.stringify(summary)})`)
  assert.equal(await page.locator('table#roster-report tr.row-error').count(), 0, 'no row is flagged')

  assert.equal(await findPeople(page, secretary.org_id, '13911110003'), 1, 'the corrected row\'s person is on the roster')
  await c.screenshot(page, 'people-after-import')
})
