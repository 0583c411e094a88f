// Tokens and the login flows. Pages call login()/bind(); api.js calls accessToken() and refresh().
const KEYS = {
  accessToken: 'hdr.accessToken',
  refreshToken: 'hdr.refreshToken',
}

// api.js needs this module to sign requests and this module sends through api.js. Requiring it when a call is
// made, not at load time, keeps that cycle out of module loading whichever of the two is required first.
const api = () => require('./api')

function apiError(status, code, message) {
  const { ApiError } = api()
  return new ApiError(status, code, message)
}

function accessToken() {
  return wx.getStorageSync(KEYS.accessToken) || ''
}

function isLoggedIn() {
  return accessToken() !== ''
}

function saveTokens(pair) {
  wx.setStorageSync(KEYS.accessToken, pair.access_token)
  wx.setStorageSync(KEYS.refreshToken, pair.refresh_token)
}

function clear() {
  Object.values(KEYS).forEach((key) => wx.removeStorageSync(key))
}

function wxLoginCode() {
  return new Promise((resolve, reject) => {
    const failed = (errMsg) => reject(apiError(0, 'auth.wx_login_failed', errMsg || 'wx.login failed'))
    wx.login({
      success: (res) => (res.code ? resolve(res.code) : failed(res.errMsg)),
      fail: (err) => failed(err && err.errMsg),
    })
  })
}

// Resolves to { status: 'ok' } with the tokens stored, or { status: 'unbound', bindTicket } when this WeChat user
// has not yet joined an organisation: the ticket and an invite code then go to bind().
async function login() {
  const code = await wxLoginCode()
  const body = await api().postWithoutToken('/api/v1/auth/wechat', { code })
  if (body.status === 'unbound') return { status: 'unbound', bindTicket: body.bind_ticket }
  saveTokens(body)
  return { status: 'ok' }
}

async function bind(bindTicket, inviteCode) {
  saveTokens(await api().postWithoutToken('/api/v1/auth/bind', { bind_ticket: bindTicket, invite_code: inviteCode }))
}

// A rejected refresh token (revoked, or expired itself) is not the user's problem: log in again silently. Only a user
// who turns out to be unbound gets an error, `auth.unbound`, carrying the ticket the bind page needs.
async function refresh() {
  const refreshToken = wx.getStorageSync(KEYS.refreshToken)
  if (refreshToken) {
    try {
      saveTokens(await api().postWithoutToken('/api/v1/auth/refresh', { refresh_token: refreshToken }))
      return
    } catch (err) {
      if (err.code !== 'auth.refresh_rejected') throw err
    }
  }
  clear()
  const result = await login()
  if (result.status === 'unbound') {
    const err = apiError(401, 'auth.unbound', 'this WeChat user is not bound to an organisation')
    err.bindTicket = result.bindTicket
    throw err
  }
}

module.exports = { KEYS, accessToken, isLoggedIn, saveTokens, clear, login, bind, refresh }
