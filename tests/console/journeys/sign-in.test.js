// Signing in with phone and password: the demo's branch secretary lands on the home page with their branch;
// a wrong password gets the Chinese error and no session; the form is reachable by keyboard, with a visible focus.
const assert = require('node:assert/strict')
const { useStack } = require('../stack')

const c = useStack()

c.journey('a branch secretary signs in with phone and password and lands on the home page', async ({ page, context }) => {
  await c.visit(page, '/console/login', 'login')
  await assert.doesNotReject(page.locator('h1').filter({ hasText: '活动日管理后台' }).waitFor(),
    'the sign-in page is titled 活动日管理后台')

  const who = await c.signIn(page, 'secretary', { orgCode: c.demo.branch_code })
  assert.equal(new URL(page.url()).pathname, '/console/', 'signing in leads to the home page')
  await c.screenshot(page, 'home')
  const heading = await page.locator('h1').innerText()
  assert.match(heading, new RegExp(who.name), `the home page greets ${who.name}`)
  const orgs = await page.locator('a.org-link').allInnerTexts()
  assert.deepEqual(orgs.map((s) => s.trim()), [who.org_name], 'the home page lists the one branch they are secretary of')

  const cookie = await c.sessionCookie(context)
  assert.ok(cookie, 'the browser holds a session cookie')
  assert.equal(cookie.httpOnly, true, 'scripts cannot read the session cookie')
  assert.equal(cookie.sameSite, 'Strict', 'the session cookie is SameSite=Strict')
  assert.equal(cookie.secure, false, 'on loopback the cookie goes over plain HTTP')
})

c.journey('a wrong password gets the error text and no session', async ({ page, context }) => {
  const who = c.login('reviewer')
  await page.goto(c.url('/console/login'))
  const form = page.locator('form#password-form')
  await form.locator('input[name=phone]').fill(who.phone)
  await form.locator('input[name=password]').fill(`${who.password}-wrong`)
  await form.locator('[type=submit]').click()

  const error = page.locator('.flash.error')
  await error.waitFor()
  await c.screenshot(page, 'login-wrong-password')
  assert.equal(await error.getAttribute('role'), 'alert', 'the error is announced to screen readers')
  assert.match(await error.innerText(), /密码/, 'the error says, in Chinese, that the phone or password is wrong')
  assert.equal(new URL(page.url()).pathname, '/console/login', 'the sign-in page is shown again')
  assert.equal(await c.sessionCookie(context), undefined, 'no session cookie was set')

  await page.goto(c.url('/console/'))
  assert.equal(new URL(page.url()).pathname, '/console/login', 'the home page still sends the browser to sign in')
})

c.journey('Tab reaches the sign-in form\'s fields, and the focused field shows an outline', async ({ page }) => {
  await page.goto(c.url('/console/login'))
  const focusOrder = []
  const focused = {}
  for (let i = 0; i < 12 && !(focused.phone && focused.password && focused.submit); i += 1) {
    await page.keyboard.press('Tab')
    const el = await page.evaluate(() => {
      const active = document.activeElement
      const style = getComputedStyle(active)
      return {
        name: active.getAttribute('name'),
        type: active.getAttribute('type'),
        form: active.form ? active.form.id : null,
        outlineStyle: style.outlineStyle,
        outlineWidth: style.outlineWidth,
      }
    })
    const key = el.form === 'password-form' && (el.name || (el.type === 'submit' ? 'submit' : null))
    if (key && !focused[key]) {
      focused[key] = el
      focusOrder.push(key)
      if (key === 'phone') await c.screenshot(page, 'login-keyboard-focus-phone')
    }
  }
  assert.ok(focused.phone, `Tab reaches the phone field (reached: ${focusOrder.join(', ') || 'nothing'})`)
  assert.ok(focused.password, `Tab reaches the password field (reached: ${focusOrder.join(', ') || 'nothing'})`)
  assert.ok(focusOrder.indexOf('phone') < focusOrder.indexOf('password'), 'the phone comes before the password')
  for (const key of ['phone', 'password', 'submit']) {
    const el = focused[key]
    if (!el) continue
    assert.notEqual(el.outlineStyle, 'none', `the focused ${key} has a visible outline (outline-style ${el.outlineStyle})`)
    assert.notEqual(el.outlineWidth, '0px', `the focused ${key}'s outline has a width`)
  }
})
