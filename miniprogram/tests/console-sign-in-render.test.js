/**
 * @jest-environment jsdom
 */
// 扫码登录电脑端 rendered: what the person reads before confirming (the question, their name, the warning, the two
// buttons), after it and after each refusal; the home page's entry for staff.
const { signedIn } = require('./signed-in')
const { loadPage } = require('./page-harness')
const { render, text } = require('./page-render')
const fixtures = require('./fixtures')

const CONFIRM = 'POST /api/v1/console-sign-ins/ABCD2345/confirm'

const shim = signedIn()
beforeEach(() => {
  shim.route('GET /api/v1/me', { status: 200, body: fixtures.me(['secretary', 6, '第一党支部']) })
})

async function openPage(query = { code: 'ABCD2345' }) {
  const page = loadPage('pages/console-sign-in/index')
  await page.onLoad(query)
  return page
}

const shown = (page) => text(render('pages/console-sign-in/index', page.data))

test('before confirming: the question, as whom, the warning, 确认登录 and 取消', async () => {
  const says = shown(await openPage())
  expect(says).toContain('确认在电脑上登录活动日管理后台？')
  expect(says).toContain('将以您（李伟芳）的身份操作')
  expect(says).toContain('如果不是您本人在电脑前操作，请点“取消”。')
  expect(says).toContain('确认登录')
  expect(says).toContain('取消')
  expect(says).not.toContain('返回首页')
})

test('confirmed: 已登录，请在电脑上继续操作 and 返回首页 only', async () => {
  shim.route(CONFIRM, { status: 204 })
  const page = await openPage()
  await page.onConfirm()
  const says = shown(page)
  expect(says).toContain('已登录，请在电脑上继续操作')
  expect(says).toContain('返回首页')
  expect(says).not.toContain('确认登录')
  expect(says).not.toContain('取消')
})

test('expired: why, 重新扫码 and 返回首页; no right: why and 返回首页', async () => {
  shim.route(CONFIRM, fixtures.consoleRefusals.expired)
  let page = await openPage()
  await page.onConfirm()
  let says = shown(page)
  expect(says).toContain('二维码已过期，请在电脑上刷新后重新扫码')
  expect(says).toContain('重新扫码')
  expect(says).not.toContain('确认登录')

  shim.route(CONFIRM, fixtures.consoleRefusals.forbidden)
  page = await openPage()
  await page.onConfirm()
  says = shown(page)
  expect(says).toContain('您没有管理后台的权限')
  expect(says).toContain('返回首页')
  expect(says).not.toContain('重新扫码')
})

test('429: said under the warning, the buttons still there', async () => {
  shim.route(CONFIRM, fixtures.consoleRefusals.tooMany)
  const page = await openPage()
  await page.onConfirm()
  const says = shown(page)
  expect(says).toContain('操作太频繁，请过一分钟再试')
  expect(says).toContain('确认登录')
})

test('not a console code: said, with 返回首页', async () => {
  const says = shown(await openPage({ q: encodeURIComponent(fixtures.VENUE_URL) }))
  expect(says).toContain('这不是管理后台的登录二维码')
  expect(says).toContain('返回首页')
  expect(says).not.toContain('确认登录')
})

test('the home page shows 扫码登录电脑端 to staff, not to members', async () => {
  shim.route('GET /api/v1/me/preview', { status: 422, body: { code: 'calendar.year_missing', message: 'no year' } })
  shim.route('GET /api/v1/me/notices', { status: 200, body: fixtures.myNotices([]) })
  const home = async () => {
    const page = loadPage('pages/index/index')
    page.onShow()
    await page.load()
    return text(render('pages/index/index', page.data))
  }
  expect(await home()).toContain('扫码登录电脑端')

  shim.route('GET /api/v1/me', { status: 200, body: fixtures.me() })
  expect(await home()).not.toContain('扫码登录电脑端')
})
