// Forms carry the session's CSRF token: a POST with a forged or missing token is refused with status 403 and the
// page 页面已过期, and nothing happens (the logout does not log out; the sign-in does not sign in).
const assert = require('node:assert/strict')
const { useStack } = require('../stack')

const c = useStack()

// Submits the form after `tamper` changed it in the page, and returns the response to the POST.
async function submitTampered(page, formSelector, tamper) {
  await page.locator(formSelector).evaluate(tamper)
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.locator(`${formSelector} [type=submit]`).click(),
  ])
  await page.waitForLoadState()
  return response
}

async function expectExpiredPage(page, response, name) {
  await c.screenshot(page, name)
  assert.equal(response.status(), 403, `the POST is refused with 403 (got ${response.status()})`)
  assert.equal((await page.locator('h1').innerText()).trim(), '页面已过期', 'the page says 页面已过期')
}

async function stillSignedIn(page, who) {
  await page.goto(c.url('/console/'))
  assert.equal(new URL(page.url()).pathname, '/console/', 'the session is still there')
  assert.match(await page.locator('h1').innerText(), new RegExp(who.name))
}

c.journey('logging out with a forged CSRF token is refused and the session stays', async ({ page }) => {
  const who = await c.signIn(page, 'org_admin', { orgCode: 'YZ-GL' })
  const response = await submitTampered(page, 'form#logout-form', (form) => {
    form.querySelector('input[name=csrf]').value = 'forged-token-forged-token-forged-token-1234'
  })
  await expectExpiredPage(page, response, 'csrf-forged')
  await stillSignedIn(page, who)
})

c.journey('logging out without a CSRF token is refused and the session stays', async ({ page }) => {
  const who = await c.signIn(page, 'org_admin', { orgCode: 'YZ-GL' })
  const response = await submitTampered(page, 'form#logout-form', (form) => {
    form.querySelector('input[name=csrf]').remove()
  })
  await expectExpiredPage(page, response, 'csrf-missing')
  await stillSignedIn(page, who)
})

c.journey('signing in with a forged CSRF token is refused and starts no session', async ({ page, context }) => {
  const who = c.login('supervisor')
  await page.goto(c.url('/console/login'))
  await page.locator('form#password-form input[name=phone]').fill(who.phone)
  await page.locator('form#password-form input[name=password]').fill(who.password)
  const response = await submitTampered(page, 'form#password-form', (form) => {
    form.querySelector('input[name=csrf]').value = 'forged-token-forged-token-forged-token-1234'
  })
  await expectExpiredPage(page, response, 'csrf-sign-in-forged')
  assert.equal(await c.sessionCookie(context), undefined, 'no session cookie was set')
})
