// Signing in by QR: the sign-in page shows a one-time code; a staff member confirms it from their phone (here: the
// API call the mini-program makes, with their bearer token) and the waiting browser is signed in by itself, without
// anyone reloading it. A code signs in once, and only staff may confirm one.
const assert = require('node:assert/strict')
const { useStack } = require('../stack')

const c = useStack()
const CODE = /^[A-Z2-9]{8}$/

async function shownCode(page) {
  await page.goto(c.url('/console/login'))
  const code = (await page.locator('#qr-sign-in code#qr-code').innerText()).trim()
  assert.match(code, CODE, `the page shows an 8-character one-time code (got ${JSON.stringify(code)})`)
  const qr = await page.locator('img#qr-image').evaluate((img) => ({ complete: img.complete, width: img.naturalWidth }))
  assert.ok(qr.complete && qr.width > 0, `the QR image is drawn (${JSON.stringify(qr)})`)
  return code
}

c.journey('a reviewer confirms the shown code on the phone and the browser is signed in without a reload', async ({ page, context }) => {
  const code = await shownCode(page)
  await c.screenshot(page, 'login-qr')
  let loads = 0
  page.on('load', () => { loads += 1 })

  const reviewer = c.login('reviewer')
  const token = await c.apiToken(reviewer.phone)
  const confirmed = await c.api('POST', `/api/v1/console-sign-ins/${code}/confirm`, token)
  assert.ok(confirmed.status >= 200 && confirmed.status < 300,
    `confirming the code answers 2xx (got ${confirmed.status} ${JSON.stringify(confirmed.body)})`)

  const started = Date.now()
  await page.waitForURL((u) => u.pathname === '/console/', { timeout: 5000 })
    .catch((err) => { throw new Error(`the waiting page did not go to /console/ within 5 s: ${err.message}`) })
  await page.locator('h1').waitFor()
  await c.screenshot(page, 'home-after-qr')
  assert.match(await page.locator('h1').innerText(), new RegExp(reviewer.name), `the home page greets ${reviewer.name}`)
  assert.ok(await c.sessionCookie(context), 'the browser now holds a session cookie')
  assert.equal(loads, 1, 'only the page\'s own move to the home page loaded a document (nobody reloaded)')
  assert.ok(Date.now() - started < 5000)

  const again = await c.api('POST', `/api/v1/console-sign-ins/${code}/confirm`, token)
  assert.ok([404, 409].includes(again.status), `a spent code cannot be confirmed again (got ${again.status})`)
})

c.journey('a member without a staff role cannot confirm a code, and the page keeps waiting', async ({ page, context }) => {
  const code = await shownCode(page)
  const staffPhones = new Set(c.demo.console_logins.map((l) => l.phone))
  const member = c.demo.participant_phones.find((p) => !staffPhones.has(p) && p !== c.demo.organiser_phone)
  assert.ok(member, 'the demo has a plain member among the participants')
  const refused = await c.api('POST', `/api/v1/console-sign-ins/${code}/confirm`, await c.apiToken(member))
  assert.equal(refused.status, 403, `a plain member is refused (got ${refused.status} ${JSON.stringify(refused.body)})`)

  await page.waitForTimeout(1500)
  assert.equal(new URL(page.url()).pathname, '/console/login', 'the browser is still on the sign-in page')
  assert.equal(await c.sessionCookie(context), undefined, 'and holds no session')
})

c.journey('a code confirmed for one browser does not sign in another that only saw it', async ({ page, context }) => {
  const code = await shownCode(page)
  // Someone else's browser (another context: other cookies) loads the sign-in page too; it gets a code of its own.
  const onlooker = await c.stack.browser.newContext()
  try {
    const other = await onlooker.newPage()
    await other.goto(c.url('/console/login'))
    const token = await c.apiToken(c.login('supervisor').phone)
    const confirmed = await c.api('POST', `/api/v1/console-sign-ins/${code}/confirm`, token)
    assert.ok(confirmed.status >= 200 && confirmed.status < 300, `confirmed (got ${confirmed.status})`)
    await page.waitForURL((u) => u.pathname === '/console/', { timeout: 5000 })
    await other.waitForTimeout(1500)
    assert.equal(new URL(other.url()).pathname, '/console/login', 'the onlooker\'s browser is still signed out')
    const cookies = await onlooker.cookies(`${c.baseUrl}/console/`)
    assert.equal(cookies.find((k) => k.name === 'hdr_console'), undefined, 'the onlooker holds no session')
  } finally {
    await onlooker.close()
  }
  assert.ok(await c.sessionCookie(context), 'the browser that showed the code is signed in')
})
