// Members of the public on no roster (§二.4): the login that answers `unbound` gives a visitor token, kept by
// utils/auth.js and sent by utils/api.js while no access token is held; it opens only the public's doors. An expired
// one is replaced by a silent login; a door closed to visitors says 请先绑定, never 重新登录. Binding still works and
// replaces it.
const { installWx, tokenPair } = require('./wx-shim')
const { settleUntil } = require('./settle')
const { loadPage } = require('./page-harness')

const UNBOUND = (token) => ({
  status: 200, body: { status: 'unbound', bind_ticket: 'ticket-9', expires_in: 600, visitor_token: token },
})

let shim
let auth
let api
beforeEach(() => {
  jest.resetModules()
  shim = installWx()
  auth = require('../utils/auth')
  api = require('../utils/api')
})

test('an unbound login keeps the visitor token and returns the ticket; the person is not logged in', async () => {
  shim.loginCodes.push('wx-code-1')
  shim.route('POST /api/v1/auth/wechat', UNBOUND('vt-1'))
  await expect(auth.login()).resolves.toEqual({ status: 'unbound', bindTicket: 'ticket-9' })
  expect(wx.getStorageSync('hdr.visitorToken')).toBe('vt-1')
  expect(auth.isLoggedIn()).toBe(false)
  expect(auth.isVisitor()).toBe(true)
})

test('binding replaces the visitor token with the person\'s tokens; signing out forgets both', async () => {
  wx.setStorageSync('hdr.visitorToken', 'vt-1')
  shim.route('POST /api/v1/auth/bind', { status: 200, body: tokenPair('t2') })
  await auth.bind('ticket-9', 'ABCD1234')
  expect(auth.accessToken()).toBe('t2-access')
  expect(auth.visitorToken()).toBe('')
  expect(auth.isVisitor()).toBe(false)
  wx.setStorageSync('hdr.visitorToken', 'vt-2')
  await auth.signOut()
  expect(auth.visitorToken()).toBe('')
})

test('visit(): signed in or holding a visitor token, nothing is sent; otherwise a silent login decides', async () => {
  wx.setStorageSync('hdr.accessToken', 'a')
  await expect(auth.visit()).resolves.toBe('member')
  wx.removeStorageSync('hdr.accessToken')
  wx.setStorageSync('hdr.visitorToken', 'vt-1')
  await expect(auth.visit()).resolves.toBe('visitor')
  expect(shim.requests).toHaveLength(0)

  wx.removeStorageSync('hdr.visitorToken')
  shim.loginCodes.push('wx-code-1')
  shim.route('POST /api/v1/auth/wechat', UNBOUND('vt-2'))
  await expect(auth.visit()).resolves.toBe('visitor')
  expect(auth.visitorToken()).toBe('vt-2')

  wx.removeStorageSync('hdr.visitorToken')
  shim.loginCodes.push('wx-code-2')
  shim.route('POST /api/v1/auth/wechat', { status: 200, body: { status: 'ok', ...tokenPair('t3') } })
  await expect(auth.visit()).resolves.toBe('member')
  expect(auth.accessToken()).toBe('t3-access')
})

test('requests are signed with the visitor token while there is no access token, and with the access token once there is', async () => {
  wx.setStorageSync('hdr.visitorToken', 'vt-1')
  shim.route('GET /api/v1/me/matters', { status: 200, body: [] })
  await api.get('/api/v1/me/matters')
  wx.setStorageSync('hdr.accessToken', 'a-1')
  await api.get('/api/v1/me/matters')
  expect(shim.requestsTo('GET /api/v1/me/matters').map((r) => r.header.Authorization)).toEqual(['Bearer vt-1', 'Bearer a-1'])
})

test('an expired visitor token is renewed by a silent login, once for all the requests that saw it', async () => {
  wx.setStorageSync('hdr.visitorToken', 'vt-old')
  shim.loginCodes.push('wx-code-1')
  shim.route('POST /api/v1/auth/wechat', UNBOUND('vt-new'))
  shim.route('GET /api/v1/studios', (req) => (req.header.Authorization === 'Bearer vt-new'
    ? { status: 200, body: { items: [], page: 1, per_page: 20, total: 0 } }
    : { status: 401, body: { code: 'auth.token_expired', message: 'expired' } }))
  shim.route('GET /api/v1/me/receptions', (req) => (req.header.Authorization === 'Bearer vt-new'
    ? { status: 200, body: [] }
    : { status: 401, body: { code: 'auth.token_invalid', message: 'expired visitor token' } }))
  await Promise.all([api.get('/api/v1/studios'), api.get('/api/v1/me/receptions')])
  expect(shim.requestsTo('POST /api/v1/auth/wechat')).toHaveLength(1)
  expect(auth.visitorToken()).toBe('vt-new')
  expect(shim.modals).toEqual([])
})

test('a door closed to visitors (401 with a fresh token too) is auth.unbound: 请先绑定, and no 重新登录 modal', async () => {
  wx.setStorageSync('hdr.visitorToken', 'vt-1')
  shim.loginCodes.push('wx-code-1')
  shim.route('POST /api/v1/auth/wechat', UNBOUND('vt-2'))
  shim.route('GET /api/v1/me/rota', { status: 401, body: { code: 'auth.token_invalid', message: 'not an access token' } })
  const err = await api.get('/api/v1/me/rota').catch((e) => e)
  expect(err).toMatchObject({ status: 401, code: 'auth.unbound' })
  expect(require('../utils/errors').messageFor(err)).toBe('请先使用邀请码绑定账号')
  expect(shim.requestsTo('GET /api/v1/me/rota')).toHaveLength(2)
  expect(shim.modals).toEqual([])
})

test('a visitor\'s other failures pass through as they are', async () => {
  wx.setStorageSync('hdr.visitorToken', 'vt-1')
  shim.route('POST /api/v1/rota-shifts/52/bookings', { status: 429, body: { code: 'deputy.too_many_requests', message: 'too many' } })
  await expect(api.post('/api/v1/rota-shifts/52/bookings', { topic: 'x' })).rejects.toMatchObject({ status: 429, code: 'deputy.too_many_requests' })
  expect(shim.requestsTo('POST /api/v1/auth/wechat')).toHaveLength(0)
})

test('the home page: an unbound login keeps the visitor token, goes to the bind page, and the public entries stay', async () => {
  shim.loginCodes.push('wx-code-1')
  shim.route('POST /api/v1/auth/wechat', UNBOUND('vt-1'))
  const page = loadPage('pages/index/index')
  page.onShow()
  expect(page.data.deputyEntries.map((e) => e.title)).toEqual(['党代表工作室', '我的反映'])
  await page.onLogin()
  expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/login/index?ticket=ticket-9' }])
  expect(page.data.loggedIn).toBe(false)
  expect(auth.visitorToken()).toBe('vt-1')
  page.onOpen({ currentTarget: { dataset: { url: '/pages/studio/index' } } })
  expect(shim.navigations[1]).toEqual({ kind: 'navigateTo', url: '/pages/studio/index' })
})

test('the home page of a deputy lists the rota, receptions and proposals', async () => {
  wx.setStorageSync('hdr.accessToken', 'a-1')
  shim.route('GET /api/v1/me', { status: 200, body: { ...require('./fixtures').me(['secretary', 6, '第一党支部']), deputy_level: 'city' } })
  shim.route('GET /api/v1/me/preview', { status: 404, body: { code: 'calendar.year_missing', message: 'none' } })
  shim.route('GET /api/v1/notifications/templates', { status: 200, body: require('./fixtures').templates() })
  const page = loadPage('pages/index/index')
  page.onShow()
  await settleUntil(() => page.data.deputyEntries.length > 2) // more than everyone's two, once /me is known
  expect(page.data.deputyEntries.map((e) => e.title)).toEqual([
    '党代表工作室', '我的反映', '提出质询', '我的值班', '接待记录', '提出提案', '待办事项',
  ])
})
