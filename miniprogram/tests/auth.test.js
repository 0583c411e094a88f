const { installWx, tokenPair } = require('./wx-shim')

let shim
let api
let auth
beforeEach(() => {
  jest.resetModules()
  shim = installWx()
  auth = require('../utils/auth')
  api = require('../utils/api')
})

test('tokens are kept in storage under hdr. keys and clear() removes them', () => {
  auth.saveTokens(tokenPair('t1'))
  expect(auth.accessToken()).toBe('t1-access')
  expect(auth.isLoggedIn()).toBe(true)
  expect([...shim.storage.keys()].every((key) => key.startsWith('hdr.'))).toBe(true)

  auth.clear()
  expect(auth.accessToken()).toBe('')
  expect(auth.isLoggedIn()).toBe(false)
  expect(shim.storage.size).toBe(0)
})

test('login sends the wx.login code without a token and stores the pair on ok', async () => {
  shim.loginCodes.push('wx-code-1')
  shim.route('POST /api/v1/auth/wechat', { status: 200, body: { status: 'ok', ...tokenPair('t1') } })

  await expect(auth.login()).resolves.toEqual({ status: 'ok' })

  const [req] = shim.requestsTo('POST /api/v1/auth/wechat')
  expect(req.data).toEqual({ code: 'wx-code-1' })
  expect(req.header).not.toHaveProperty('Authorization')
  expect(auth.accessToken()).toBe('t1-access')
  expect(wx.getStorageSync('hdr.refreshToken')).toBe('t1-refresh')
})

test('login returns the bind ticket for an unbound user and stores nothing', async () => {
  shim.loginCodes.push('wx-code-1')
  shim.route('POST /api/v1/auth/wechat', { status: 200, body: { status: 'unbound', bind_ticket: 'ticket-9' } })

  await expect(auth.login()).resolves.toEqual({ status: 'unbound', bindTicket: 'ticket-9' })
  expect(shim.storage.size).toBe(0)
})

test('login reports a failed wx.login as auth.wx_login_failed without calling the server', async () => {
  await expect(auth.login()).rejects.toMatchObject({ code: 'auth.wx_login_failed' })
  expect(shim.requests).toHaveLength(0)
})

test('login passes server errors through as ApiError', async () => {
  shim.loginCodes.push('wx-code-1')
  shim.route('POST /api/v1/auth/wechat', { status: 401, body: { code: 'auth.code_used', message: 'code been used' } })
  const err = await auth.login().catch((e) => e)
  expect(err).toBeInstanceOf(api.ApiError)
  expect(err).toMatchObject({ status: 401, code: 'auth.code_used' })
})

test('bind sends the ticket with the invite code and stores the pair', async () => {
  shim.route('POST /api/v1/auth/bind', { status: 200, body: tokenPair('t2') })

  await auth.bind('ticket-9', 'ABCD1234')

  expect(shim.requestsTo('POST /api/v1/auth/bind')[0].data).toEqual({ bind_ticket: 'ticket-9', invite_code: 'ABCD1234' })
  expect(auth.accessToken()).toBe('t2-access')
})

test('a rejected invite code leaves the user logged out', async () => {
  shim.route('POST /api/v1/auth/bind', { status: 400, body: { code: 'auth.invite_invalid', message: 'unknown invite code' } })
  await expect(auth.bind('ticket-9', 'WRONG')).rejects.toMatchObject({ code: 'auth.invite_invalid' })
  expect(auth.isLoggedIn()).toBe(false)
})

test('refresh exchanges the refresh token for a new pair', async () => {
  auth.saveTokens(tokenPair('old'))
  shim.route('POST /api/v1/auth/refresh', { status: 200, body: tokenPair('new') })

  await auth.refresh()

  expect(shim.requestsTo('POST /api/v1/auth/refresh')[0].data).toEqual({ refresh_token: 'old-refresh' })
  expect(auth.accessToken()).toBe('new-access')
  expect(shim.requestsTo('POST /api/v1/auth/wechat')).toHaveLength(0)
})

test('refresh falls back to a silent login when the refresh token is rejected', async () => {
  auth.saveTokens(tokenPair('old'))
  shim.loginCodes.push('wx-code-2')
  shim.route('POST /api/v1/auth/refresh', { status: 401, body: { code: 'auth.refresh_rejected', message: 'revoked' } })
  shim.route('POST /api/v1/auth/wechat', { status: 200, body: { status: 'ok', ...tokenPair('fresh') } })

  await auth.refresh()

  expect(shim.requestsTo('POST /api/v1/auth/wechat')[0].data).toEqual({ code: 'wx-code-2' })
  expect(auth.accessToken()).toBe('fresh-access')
  expect(wx.getStorageSync('hdr.refreshToken')).toBe('fresh-refresh')
})

test('refresh without a stored refresh token logs in directly', async () => {
  shim.loginCodes.push('wx-code-3')
  shim.route('POST /api/v1/auth/wechat', { status: 200, body: { status: 'ok', ...tokenPair('fresh') } })

  await auth.refresh()

  expect(shim.requestsTo('POST /api/v1/auth/refresh')).toHaveLength(0)
  expect(auth.accessToken()).toBe('fresh-access')
})

test('when the fallback login finds the user unbound, refresh fails with auth.unbound and the ticket', async () => {
  auth.saveTokens(tokenPair('old'))
  shim.loginCodes.push('wx-code-2')
  shim.route('POST /api/v1/auth/refresh', { status: 401, body: { code: 'auth.refresh_rejected', message: 'revoked' } })
  shim.route('POST /api/v1/auth/wechat', { status: 200, body: { status: 'unbound', bind_ticket: 'ticket-7' } })

  await expect(auth.refresh()).rejects.toMatchObject({ code: 'auth.unbound', bindTicket: 'ticket-7' })
  expect(auth.isLoggedIn()).toBe(false)
})

test('other refresh failures are passed on without logging in', async () => {
  auth.saveTokens(tokenPair('old'))
  shim.route('POST /api/v1/auth/refresh', { fail: 'request:fail' })

  await expect(auth.refresh()).rejects.toMatchObject({ code: 'network' })
  expect(shim.requestsTo('POST /api/v1/auth/wechat')).toHaveLength(0)
  expect(auth.accessToken()).toBe('old-access')
})

test('an API call with an expired token and a rejected refresh token recovers through a silent login', async () => {
  auth.saveTokens(tokenPair('old'))
  shim.loginCodes.push('wx-code-4')
  shim.route('GET /api/v1/me', (req) => (req.header.Authorization === 'Bearer fresh-access'
    ? { status: 200, body: { name: '李四' } }
    : { status: 401, body: { code: 'auth.token_expired', message: 'expired' } }))
  shim.route('POST /api/v1/auth/refresh', { status: 401, body: { code: 'auth.refresh_rejected', message: 'revoked' } })
  shim.route('POST /api/v1/auth/wechat', { status: 200, body: { status: 'ok', ...tokenPair('fresh') } })

  await expect(api.get('/api/v1/me')).resolves.toEqual({ name: '李四' })
})
