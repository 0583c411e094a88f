// The oversight pages, as the city's inspector reads them: previews on time / late / missing per branch, commitments
// made and kept, each member's year of service against the minimums (with its Excel), the inspection rounds, the
// activity calendar, deputies' cases with their deadlines, the leaders
// behind on their quotas (with the Excel download), the rectification tasks, and the yearly assessment with each
// score's lines and the rankings of the districts. Each page is kept as a screenshot.
const assert = require('node:assert/strict')
const fs = require('fs')
const { useStack } = require('../stack')

const c = useStack()

c.journey('the city\'s inspector reads previews, duties, rectifications and the assessment', async ({ page }) => {
  const inspector = await c.signIn(page, 'supervisor', { orgCode: 'YZ' })
  await page.goto(`${c.baseUrl}/console/orgs/${inspector.org_id}`)

  await page.locator('nav#org-nav a', { hasText: '预告情况' }).click()
  await page.locator('table#previews').waitFor()
  await c.screenshot(page, 'previews')
  assert.match(await page.locator('#previews-summary').innerText(), /共\d+个支部：按时\d+个，迟报\d+个，未报\d+个/)
  assert.ok(await page.locator('table#previews tbody tr').count() >= 5, 'every branch of the city has a row')

  await page.locator('nav#org-nav a', { hasText: '领导干部履职' }).click()
  await page.locator('table#duties').waitFor()
  await c.screenshot(page, 'duties')
  assert.match(await page.locator('h1').innerText(), /领导干部履职/)
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a#duties-xlsx').click()])
  assert.equal(fs.readFileSync(await download.path()).subarray(0, 2).toString('latin1'), 'PK', 'an XLSX workbook')

  await page.locator('nav#org-nav a', { hasText: '承诺践诺' }).click()
  await page.locator('table#commitments').waitFor()
  await c.screenshot(page, 'commitments')
  assert.match(await page.locator('#commitments-summary').innerText(), /共\d+人作出承诺，其中\d+人已完成；\d+人尚未作出承诺/)

  await page.locator('nav#org-nav a', { hasText: '服务与时长' }).click()
  await page.locator('table#minimums').waitFor()
  await c.screenshot(page, 'service')
  assert.match(await page.locator('#service-summary').innerText(), /共\d+人，\d+人未达到年度最低要求/)
  const [sheet] = await Promise.all([page.waitForEvent('download'), page.locator('a#service-xlsx').click()])
  assert.equal(fs.readFileSync(await sheet.path()).subarray(0, 2).toString('latin1'), 'PK', 'an XLSX workbook')

  await page.locator('nav#org-nav a', { hasText: '督查' }).click()
  await page.locator('table#rounds').waitFor()
  await c.screenshot(page, 'inspections')

  await page.locator('nav#org-nav a', { hasText: '活动日历' }).click()
  await page.locator('table#calendar').waitFor()
  await c.screenshot(page, 'calendar')
  assert.equal(await page.locator('table#calendar tbody tr').count(), 12, 'a row for each month')

  await page.locator('nav#org-nav a', { hasText: '代表来件' }).click()
  await page.locator('table#matters').waitFor()
  await c.screenshot(page, 'matters')
  assert.match(await page.locator('h1').innerText(), /党代表反映问题、质询和提案/)
  assert.ok(await page.locator('table#matters tbody tr').count() >= 1, 'the demo\'s cases are listed (or the page says there are none)')

  await page.locator('nav#org-nav a', { hasText: '整改' }).click()
  await page.locator('table#rectifications').waitFor()
  await c.screenshot(page, 'rectifications')

  await page.locator('nav#org-nav a', { hasText: '年度考核' }).click()
  await page.waitForLoadState()
  await c.screenshot(page, 'assessment')
  assert.match(await page.locator('h1').innerText(), /年度基层党建工作考核/)
  const rankings = page.locator('table#rankings tbody tr')
  assert.ok(await rankings.count() >= 1, 'the districts under the city are ranked')
})
