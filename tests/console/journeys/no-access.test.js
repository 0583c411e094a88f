// Roles decide what the console shows: a branch secretary who opens the city's page gets the Chinese no-access
// page with status 403, and none of the city's figures.
const assert = require('node:assert/strict')
const { useStack } = require('../stack')

const c = useStack()

c.journey('a branch secretary opening the city\'s page gets 无权访问 with status 403', async ({ page }) => {
  await c.signIn(page, 'secretary', { orgCode: c.demo.branch_code })
  const city = c.demo.organisations.find((o) => o.kind === 'city')
  for (const [suffix, name] of [['', 'no-access-city'], ['/people', 'no-access-city-people'], ['/live', 'no-access-city-live']]) {
    const response = await c.visit(page, `/console/orgs/${city.id}${suffix}`, name)
    assert.equal(response.status(), 403, `GET /console/orgs/${city.id}${suffix} answers 403`)
    assert.equal((await page.locator('h1').innerText()).trim(), '无权访问', 'the page says 无权访问')
    assert.equal(await page.locator('table#people, svg.chart, #board-total').count(), 0, 'and shows none of the city\'s data')
  }
})
