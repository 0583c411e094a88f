// 扫码登录电脑端: what the console's sign-in QR code holds (utils/console-sign-in.js), the page that asks before
// confirming (pages/console-sign-in) with every answer of POST /console-sign-ins/{code}/confirm, and the home page's
// entry, shown to staff only.
const { tokenPair } = require('./wx-shim')
const { signedIn } = require('./signed-in')
const { loadPage } = require('./page-harness')
const fixtures = require('./fixtures')

const CONFIRM = 'POST /api/v1/console-sign-ins/ABCD2345/confirm'

const shim = signedIn()
let consoleSignIn
beforeEach(() => {
  consoleSignIn = require('../utils/console-sign-in')
})

describe('parsing a scan', () => {
  test('the URL of the console\'s sign-in QR code gives its code', () => {
    expect(consoleSignIn.parseScan(fixtures.CONSOLE_URL)).toBe('ABCD2345')
  })

  test('options.q from WeChat\'s scanner is the same URL, URI-encoded', () => {
    const q = encodeURIComponent(fixtures.CONSOLE_URL)
    expect(q).toContain('%2Fconsole%2Fqr%2FABCD2345')
    expect(consoleSignIn.parseLaunchQuery(q)).toBe('ABCD2345')
  })

  test.each([
    ['a base with a path prefix and a port', 'http://127.0.0.1:8080/hdr/console/qr/ZZ99XY23'],
    ['a trailing slash', 'https://hd.example.cn/console/qr/ZZ99XY23/'],
    ['a query and a fragment', 'https://hd.example.cn/console/qr/ZZ99XY23?from=login#qr'],
    ['spaces and an upper-case scheme and host', '  HTTPS://HD.EXAMPLE.CN/console/qr/ZZ99XY23\n'],
  ])('accepts %s', (_, raw) => {
    expect(consoleSignIn.parseScan(raw)).toBe('ZZ99XY23')
  })

  test.each([
    ['an empty string', ''],
    ['not a string', 42],
    ['nothing', undefined],
    ['the code alone', 'ABCD2345'],
    ['another site\'s URL', 'https://mp.weixin.qq.com/s/abcdef'],
    ['a venue check-in QR', fixtures.VENUE_URL],
    ['the questionnaire\'s QR', 'https://hd.example.cn/e/51'],
    ['the console\'s sign-in page itself', 'https://hd.example.cn/console/login'],
    ['no code', 'https://hd.example.cn/console/qr/'],
    ['a lower-case code', 'https://hd.example.cn/console/qr/abcd2345'],
    ['a code with 0 or 1', 'https://hd.example.cn/console/qr/ABCD2301'],
    ['a code too short', 'https://hd.example.cn/console/qr/ABCD234'],
    ['a code too long', 'https://hd.example.cn/console/qr/ABCD23456'],
    ['a code with a symbol', 'https://hd.example.cn/console/qr/ABCD-345'],
    ['a further path segment', 'https://hd.example.cn/console/qr/ABCD2345/x'],
    ['another path', 'https://hd.example.cn/console/code/ABCD2345'],
    ['another scheme', 'weixin://console/qr/ABCD2345'],
    ['a member\'s card code', 'HDRCARD.3.abcdefgh.sig'],
  ])('rejects %s', (_, raw) => {
    expect(consoleSignIn.parseScan(raw)).toBeNull()
  })

  test('bad options.q values are rejected too', () => {
    expect(consoleSignIn.parseLaunchQuery(undefined)).toBeNull()
    expect(consoleSignIn.parseLaunchQuery('')).toBeNull()
    expect(consoleSignIn.parseLaunchQuery('%E0%A4%A')).toBeNull()
    expect(consoleSignIn.parseLaunchQuery(encodeURIComponent(fixtures.VENUE_URL))).toBeNull()
    expect(consoleSignIn.parseLaunchQuery(encodeURIComponent('https://hd.example.cn/console/qr/abcd2345'))).toBeNull()
  })

  test('the page\'s query: ?code= as given (well-formed only), else ?q=', () => {
    expect(consoleSignIn.codeFromQuery({ code: 'ABCD2345' })).toBe('ABCD2345')
    expect(consoleSignIn.codeFromQuery({ code: 'abcd2345' })).toBeNull()
    expect(consoleSignIn.codeFromQuery({ code: '../me' })).toBeNull()
    expect(consoleSignIn.codeFromQuery({ q: encodeURIComponent(fixtures.CONSOLE_URL), scancode_time: '1764000000' })).toBe('ABCD2345')
    expect(consoleSignIn.codeFromQuery({})).toBeNull()
    expect(consoleSignIn.codeFromQuery()).toBeNull()
    expect(consoleSignIn.pageFor('ABCD2345')).toBe('/pages/console-sign-in/index?code=ABCD2345')
    expect(consoleSignIn.NOT_A_CONSOLE_QR).toBe('这不是管理后台的登录二维码')
  })
})

test('the confirmation is POST /console-sign-ins/{code}/confirm with the bearer token and no body', async () => {
  shim.route(CONFIRM, { status: 204 })
  await consoleSignIn.confirm('ABCD2345')
  const [req] = shim.requestsTo(CONFIRM)
  expect(req.header).toEqual({ Authorization: 'Bearer t-access' })
  expect(req.data).toBeUndefined()
})

test('every refusal reads in Chinese, with 您', () => {
  const errors = require('../utils/errors')
  const text = (name) => consoleSignIn.failureText(fixtures.consoleRefusals[name].body)
  expect(text('expired')).toBe('二维码已过期，请在电脑上刷新后重新扫码')
  expect(text('used')).toBe('这个二维码已经使用过了，请在电脑上刷新后重新扫码')
  expect(text('forbidden')).toBe('您没有管理后台的权限')
  expect(text('tooMany')).toBe('操作太频繁，请过一分钟再试')
  ;['console.sign_in_not_found', 'console.sign_in_used', 'console.too_many_requests', 'console.csrf_refused']
    .forEach((code) => expect(errors.MESSAGES[code]).toMatch(/[\u4e00-\u9fff]/))
  // auth.forbidden elsewhere keeps its general sentence
  expect(errors.messageFor({ code: 'auth.forbidden' })).toBe('您没有权限进行此操作')
})

describe('the confirmation page', () => {
  async function openPage(query = { code: 'ABCD2345' }, { me = fixtures.me(['secretary', 6, '第一党支部']) } = {}) {
    shim.route('GET /api/v1/me', { status: 200, body: me })
    const page = loadPage('pages/console-sign-in/index')
    await page.onLoad(query)
    return page
  }

  test('asks first, naming the person, and sends nothing before 确认登录', async () => {
    const page = await openPage()
    expect(page.data).toMatchObject({
      code: 'ABCD2345', invalid: false, name: '李伟芳', phase: 'ask', busy: false, error: '', loading: false, loadError: null,
    })
    expect(shim.requestsTo(CONFIRM)).toHaveLength(0)
  })

  test('确认登录 → 204: 已登录, then 返回首页', async () => {
    shim.route(CONFIRM, { status: 204 })
    const page = await openPage()

    const sending = page.onConfirm()
    expect(page.data.busy).toBe(true)
    await page.onConfirm() // a second tap while it is out sends nothing
    await sending

    expect(shim.requestsTo(CONFIRM)).toHaveLength(1)
    expect(shim.requestsTo(CONFIRM)[0]).toMatchObject({ header: { Authorization: 'Bearer t-access' }, data: undefined })
    expect(page.data).toMatchObject({ phase: 'done', busy: false, error: '' })
    await page.onConfirm() // done: nothing more is sent
    expect(shim.requestsTo(CONFIRM)).toHaveLength(1)

    page.onHome()
    expect(shim.navigations).toEqual([{ kind: 'reLaunch', url: '/pages/index/index' }])
  })

  test('opened by WeChat\'s scanner with ?q=', async () => {
    shim.route(CONFIRM, { status: 204 })
    const page = await openPage({ q: encodeURIComponent(fixtures.CONSOLE_URL), scancode_time: '1764000000' })
    expect(page.data).toMatchObject({ code: 'ABCD2345', name: '李伟芳', phase: 'ask' })
    await page.onConfirm()
    expect(page.data.phase).toBe('done')
  })

  test('取消 sends nothing and goes back', async () => {
    shim.pages = ['pages/index/index', 'pages/console-sign-in/index']
    const page = await openPage()
    page.onCancel()
    expect(shim.navigations).toEqual([{ kind: 'navigateBack' }])
    expect(shim.requestsTo(CONFIRM)).toHaveLength(0)
  })

  test('取消 on a page WeChat\'s scanner opened (nothing to go back to) goes home', async () => {
    shim.pages = ['pages/console-sign-in/index']
    const page = await openPage({ q: encodeURIComponent(fixtures.CONSOLE_URL) })
    page.onCancel()
    expect(shim.navigations).toEqual([{ kind: 'reLaunch', url: '/pages/index/index' }])
    expect(shim.requestsTo(CONFIRM)).toHaveLength(0)
  })

  test.each([
    ['expired or unknown (404)', 'expired', '二维码已过期，请在电脑上刷新后重新扫码', true],
    ['already used (409)', 'used', '这个二维码已经使用过了，请在电脑上刷新后重新扫码', true],
    ['no right to the console (403)', 'forbidden', '您没有管理后台的权限', false],
  ])('%s ends here in Chinese', async (_, name, text, rescan) => {
    shim.route(CONFIRM, fixtures.consoleRefusals[name])
    const page = await openPage()
    await page.onConfirm()
    expect(page.data).toMatchObject({ phase: 'failed', finalText: text, rescan, busy: false })
    expect(shim.modals).toEqual([])
    await page.onConfirm()
    expect(shim.requestsTo(CONFIRM)).toHaveLength(1)
  })

  test('too many requests (429) is said next to the button, which stays', async () => {
    shim.route(CONFIRM, fixtures.consoleRefusals.tooMany)
    const page = await openPage()
    await page.onConfirm()
    expect(page.data).toMatchObject({ phase: 'ask', error: '操作太频繁，请过一分钟再试', busy: false })
    expect(shim.modals).toEqual([])

    shim.route(CONFIRM, { status: 204 })
    await page.onConfirm()
    expect(page.data).toMatchObject({ phase: 'done', error: '' })
  })

  test('no network: 重试 sends it again', async () => {
    let calls = 0
    shim.route(CONFIRM, () => {
      calls += 1
      return calls === 1 ? { fail: 'request:fail' } : { status: 204 }
    })
    shim.modalAnswers.push(true)
    const page = await openPage()
    await page.onConfirm()
    expect(shim.modals[0]).toMatchObject({ title: '登录未完成', content: '网络连接失败，请检查网络后重试', confirmText: '重试' })
    expect(shim.requestsTo(CONFIRM)).toHaveLength(2)
    expect(page.data.phase).toBe('done')
  })

  test('no network and no 重试: said next to the button', async () => {
    shim.route(CONFIRM, { fail: 'request:fail timeout' })
    shim.modalAnswers.push(false)
    const page = await openPage()
    await page.onConfirm()
    expect(page.data).toMatchObject({ phase: 'ask', error: '请求超时，请稍后重试', busy: false })
  })

  test('a timeout, then 409: perhaps the first try went through, and the page says so', async () => {
    let calls = 0
    shim.route(CONFIRM, () => {
      calls += 1
      return calls === 1 ? { fail: 'request:fail timeout' } : fixtures.consoleRefusals.used
    })
    shim.modalAnswers.push(true)
    const page = await openPage()
    await page.onConfirm()
    expect(page.data).toMatchObject({ phase: 'failed', finalText: consoleSignIn.MAYBE_MINE, rescan: true })
    expect(page.data.finalText).toContain('请看电脑上是否已经登录')
  })

  test('after an expired code, 重新扫码 asks about the new one; a QR code of something else is said', async () => {
    shim.route(CONFIRM, fixtures.consoleRefusals.expired)
    const page = await openPage()
    await page.onConfirm()
    expect(page.data.phase).toBe('failed')

    shim.scanAnswers.push({ result: fixtures.VENUE_URL })
    await page.onRescan()
    expect(shim.modals[0]).toMatchObject({ content: expect.stringContaining('这不是管理后台的登录二维码'), showCancel: false })
    expect(page.data).toMatchObject({ phase: 'failed', code: 'ABCD2345' })

    shim.scanAnswers.push({ result: 'https://hd.example.cn/console/qr/QRST6789' })
    await page.onRescan()
    expect(shim.scanCalls[1]).toEqual({ onlyFromCamera: true, scanType: ['qrCode'] })
    expect(page.data).toMatchObject({ phase: 'ask', code: 'QRST6789', finalText: '', error: '' })
    shim.route('POST /api/v1/console-sign-ins/QRST6789/confirm', { status: 204 })
    await page.onConfirm()
    expect(page.data.phase).toBe('done')
  })

  test('anything else than a console code: said, no request at all', async () => {
    for (const query of [{}, { code: 'abc' }, { q: encodeURIComponent(fixtures.VENUE_URL) }]) {
      shim.requests.length = 0
      // eslint-disable-next-line no-await-in-loop
      const page = await openPage(query)
      expect(page.data).toMatchObject({ invalid: true, code: '' })
      expect(shim.requests).toEqual([])
    }
  })

  test('reading /me fails: the error with 重试, then the question', async () => {
    shim.route('GET /api/v1/me', { fail: 'request:fail' })
    const page = loadPage('pages/console-sign-in/index')
    await page.onLoad({ code: 'ABCD2345' })
    expect(page.data.loadError).toMatchObject({ code: 'network', retryable: true })

    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me() })
    await page.load()
    expect(page.data).toMatchObject({ loadError: null, name: '李伟芳', phase: 'ask' })
  })

  test('opened by WeChat\'s scanner before signing in on this phone: a WeChat login first', async () => {
    wx.removeStorageSync('hdr.accessToken')
    shim.loginCodes.push('wx-code-1')
    shim.route('POST /api/v1/auth/wechat', { status: 200, body: { status: 'ok', ...tokenPair('t2') } })
    shim.route(CONFIRM, { status: 204 })
    const page = await openPage({ q: encodeURIComponent(fixtures.CONSOLE_URL) })
    expect(page.data).toMatchObject({ name: '李伟芳', phase: 'ask', loadError: null })
    await page.onConfirm()
    expect(shim.requestsTo(CONFIRM)[0].header).toEqual({ Authorization: 'Bearer t2-access' })
  })

  test('a WeChat user not bound yet is sent to bind, and nothing is confirmed', async () => {
    wx.removeStorageSync('hdr.accessToken')
    shim.loginCodes.push('wx-code-1')
    shim.route('POST /api/v1/auth/wechat', {
      status: 200, body: { status: 'unbound', bind_ticket: 'tk', expires_in: 600, visitor_token: 'vt' },
    })
    const page = await openPage({ q: encodeURIComponent(fixtures.CONSOLE_URL) })
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/login/index?ticket=tk' }])
    expect(page.data.loadError).toMatchObject({ code: 'auth.unbound', message: '请先使用邀请码绑定账号' })
    expect(shim.requestsTo('GET /api/v1/me')).toHaveLength(0)
    expect(shim.requestsTo(CONFIRM)).toHaveLength(0)
  })
})

describe('the home page\'s 扫码登录电脑端', () => {
  const roles = () => require('../utils/roles')

  test('the staff roles the server lets into the console, and no one else', () => {
    const staff = ['org_admin', 'secretary', 'reviewer', 'supervisor', 'community_admin']
    expect(roles().CONSOLE_ROLES).toEqual(staff)
    staff.forEach((role) => {
      expect([role, roles().canUseConsole(fixtures.me([role, 6, '第一党支部']))]).toEqual([role, true])
    })
    expect(roles().canUseConsole(fixtures.me())).toBe(false)
    expect(roles().canUseConsole(fixtures.me(['volunteer_lead', 30, '文昌社区']))).toBe(false)
    expect(roles().canUseConsole({ ...fixtures.me(), deputy_level: 'city' })).toBe(false)
    expect(roles().canUseConsole(null)).toBe(false)
  })

  async function openHome(me) {
    shim.route('GET /api/v1/me', { status: 200, body: me })
    shim.route('GET /api/v1/me/preview', { status: 422, body: { code: 'calendar.year_missing', message: 'no year' } })
    shim.route('GET /api/v1/notifications/templates', { status: 200, body: fixtures.templates() })
    shim.route('GET /api/v1/me/notices', { status: 200, body: fixtures.myNotices([]) })
    const page = loadPage('pages/index/index')
    page.onShow()
    await page.load()
    return page
  }

  test('shown to staff only', async () => {
    expect((await openHome(fixtures.me(['reviewer', 2, '区委']))).data.consoleEntry).toBe(true)
    expect((await openHome(fixtures.me())).data.consoleEntry).toBe(false)
    expect((await openHome(fixtures.me(['volunteer_lead', 30, '文昌社区']))).data.consoleEntry).toBe(false)
  })

  test('hidden again when the session turns out to be gone', async () => {
    const page = await openHome(fixtures.me(['secretary', 6, '第一党支部']))
    expect(page.data.consoleEntry).toBe(true)
    page.loadFailed({ status: 401, code: 'auth.token_expired' })
    expect(page.data.consoleEntry).toBe(false)
  })

  test('scans from the camera and opens the page with the code', async () => {
    const page = await openHome(fixtures.me(['secretary', 6, '第一党支部']))
    shim.scanAnswers.push({ result: fixtures.CONSOLE_URL })
    await page.onConsoleScan()
    expect(shim.scanCalls).toEqual([{ onlyFromCamera: true, scanType: ['qrCode'] }])
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/console-sign-in/index?code=ABCD2345' }])
    expect(shim.requestsTo(CONFIRM)).toHaveLength(0) // the page asks first
  })

  test('a QR code of anything else: 这不是管理后台的登录二维码, and nowhere to go', async () => {
    const page = await openHome(fixtures.me(['secretary', 6, '第一党支部']))
    shim.scanAnswers.push({ result: fixtures.VENUE_URL })
    await page.onConsoleScan()
    expect(shim.modals).toEqual([{
      title: '扫码登录电脑端',
      content: '这不是管理后台的登录二维码。请扫描电脑上管理后台登录页显示的二维码。',
      showCancel: false,
      confirmText: '知道了',
    }])
    expect(shim.navigations).toEqual([])
  })

  test('a cancelled scan says nothing; a refused camera offers 去设置', async () => {
    const page = await openHome(fixtures.me(['secretary', 6, '第一党支部']))
    shim.scanAnswers.push({ fail: 'scanCode:fail cancel' })
    await page.onConsoleScan()
    expect(shim.modals).toEqual([])

    shim.scanAnswers.push({ fail: 'scanCode:fail auth deny' })
    await page.onConsoleScan()
    expect(shim.modals).toEqual([expect.objectContaining({ title: '无法使用相机', confirmText: '去设置' })])
    expect(shim.navigations).toEqual([])
  })
})
