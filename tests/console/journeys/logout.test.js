// Logging out ends the session: the browser is back on the sign-in page, going back to a page it had open sends it
// to sign in again, and the old cookie is worthless even to someone who copied it.
const assert = require('node:assert/strict')
const { useStack, http } = require('../stack')

const c = useStack()

c.journey('logout ends the session, and going back to a page leads to the sign-in page', async ({ page, context }) => {
  const admin = await c.signIn(page, 'org_admin', { orgCode: 'YZ-GL' })
  await c.visit(page, `/console/orgs/${admin.org_id}`, 'org-before-logout')
  const cookie = await c.sessionCookie(context)
  assert.ok(cookie, 'signed in')

  await page.locator('header form#logout-form [type=submit]').click()
  await page.waitForURL((u) => u.pathname === '/console/login')
  await c.screenshot(page, 'after-logout')
  assert.equal(await c.sessionCookie(context), undefined, 'the browser no longer holds a session cookie')

  await page.goBack()
  await page.waitForURL((u) => u.pathname === '/console/login')
  assert.equal(new URL(page.url()).pathname, '/console/login', 'going back to the organisation page asks to sign in')

  await page.goto(c.url(`/console/orgs/${admin.org_id}`))
  const url = new URL(page.url())
  assert.equal(url.pathname, '/console/login', 'opening the page again asks to sign in')
  assert.equal(url.searchParams.get('next'), `/console/orgs/${admin.org_id}`, 'and remembers where the browser was going')

  const replay = await http(c.baseUrl, 'GET', `/console/orgs/${admin.org_id}`, {
    headers: { cookie: `${cookie.name}=${cookie.value}` },
  })
  assert.equal(replay.status, 303, `the old cookie no longer opens a page (got ${replay.status})`)
  assert.match(replay.headers.get('location') || '', /^\/console\/login/, 'it is sent to sign in')
})
