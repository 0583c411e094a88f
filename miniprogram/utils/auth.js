// Tokens and the login flows. Pages call login()/bind() (and visit() on the pages open to the public); api.js calls
// accessToken(), visitorToken(), refresh() and renewVisitor().
const KEYS = {
  accessToken: 'hdr.accessToken',
  refreshToken: 'hdr.refreshToken',
  // A member of the public on no roster (the login answered `unbound`): it opens only the public's doors — the deputies'
  // studios, their own bookings and cases — and is never sent while an access token is held.
  visitorToken: 'hdr.visitorToken',
}

// api.js needs this module to sign requests and this module sends through api.js. Requiring it when a call is
// made, not at load time, keeps that cycle out of module loading whichever of the two is required first.
const api = () => require('./api')
const paths = require('./paths')

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

function visitorToken() {
  return wx.getStorageSync(KEYS.visitorToken) || ''
}

// Not signed in, but able to use the public's doors.
function isVisitor() {
  return !isLoggedIn() && visitorToken() !== ''
}

function saveTokens(pair) {
  wx.setStorageSync(KEYS.accessToken, pair.access_token)
  wx.setStorageSync(KEYS.refreshToken, pair.refresh_token)
  wx.removeStorageSync(KEYS.visitorToken)
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

// A sign-in session: a random mark made at each sign-in (login or bind from a page, not the silent re-login of
// refresh(), which is the same WeChat user). The offline queue marks scans with it, so a scan queued before the
// person's id was known is still sent only under the sign-in that made it. Kept apart from KEYS: clear() keeps it.
const SESSION_KEY = 'hdr.session'
// Who is signed in ({ id, name } from GET /me), cached by utils/account.js; forgotten at each new sign-in.
const PERSON_KEY = 'hdr.me'

function sessionId() {
  return wx.getStorageSync(SESSION_KEY) || ''
}

function newSession() {
  const mark = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
  wx.setStorageSync(SESSION_KEY, mark)
  wx.removeStorageSync(PERSON_KEY)
}

// Resolves to { status: 'ok' } with the tokens stored, or { status: 'unbound', bindTicket } when this WeChat user
// has not yet joined an organisation: the ticket and an invite code then go to bind(). The visitor token that comes
// with `unbound` is kept, so that the public pages work before binding (or without it).
async function login({ silent = false } = {}) {
  const code = await wxLoginCode()
  const body = await api().postWithoutToken(paths.authWechat(), { code })
  if (body.status === 'unbound') {
    if (body.visitor_token) wx.setStorageSync(KEYS.visitorToken, body.visitor_token)
    return { status: 'unbound', bindTicket: body.bind_ticket }
  }
  if (!silent || !sessionId()) newSession()
  saveTokens(body)
  return { status: 'ok' }
}

// A page open to the public (党代表工作室, 我的反映, a matter) makes sure it can send something: signed in, or a visitor
// token, or else a silent WeChat login that gives one of the two. Resolves 'member' or 'visitor'.
async function visit() {
  if (isLoggedIn()) return 'member'
  if (visitorToken()) return 'visitor'
  const result = await login({ silent: true })
  return result.status === 'ok' ? 'member' : 'visitor'
}

// A visitor token the server no longer takes (it expires like an access token and has no refresh token): a silent
// WeChat login gives a new one — or the tokens, if this WeChat user was bound meanwhile.
async function renewVisitor() {
  await login({ silent: true })
}

async function bind(bindTicket, inviteCode) {
  const pair = await api().postWithoutToken(paths.authBind(), { bind_ticket: bindTicket, invite_code: inviteCode })
  newSession()
  saveTokens(pair)
}

// 退出登录: the server revokes the refresh token (and its login) — best effort, a failure there must not keep anyone
// signed in on this phone — then the tokens, the session mark and the person's cached data go. Queued offline scans
// stay: they belong to their owner (utils/offline-queue.js) and wait for that person's next sign-in.
const PERSON_DATA = [PERSON_KEY, SESSION_KEY, 'hdr.lastCheckin', 'hdr.community', 'hdr.previewSubscribed']

async function signOut() {
  const refreshToken = wx.getStorageSync(KEYS.refreshToken)
  if (refreshToken) {
    try {
      await api().postWithoutToken(paths.authLogout(), { refresh_token: refreshToken })
    } catch (err) {
      // Signed out on this phone all the same; the refresh token expires on its own.
    }
  }
  clear()
  PERSON_DATA.forEach((key) => wx.removeStorageSync(key))
}

// A rejected refresh token (revoked, or expired itself) is not the user's problem: log in again silently. Only a user
// who turns out to be unbound gets an error, `auth.unbound`, carrying the ticket the bind page needs.
async function refresh() {
  const refreshToken = wx.getStorageSync(KEYS.refreshToken)
  if (refreshToken) {
    try {
      saveTokens(await api().postWithoutToken(paths.authRefresh(), { refresh_token: refreshToken }))
      return
    } catch (err) {
      if (err.code !== 'auth.refresh_rejected') throw err
    }
  }
  clear()
  const result = await login({ silent: true })
  if (result.status === 'unbound') {
    const err = apiError(401, 'auth.unbound', 'this WeChat user is not bound to an organisation')
    err.bindTicket = result.bindTicket
    throw err
  }
}

module.exports = {
  KEYS, SESSION_KEY, PERSON_KEY, PERSON_DATA, accessToken, isLoggedIn, visitorToken, isVisitor, saveTokens, clear, sessionId,
  login, visit, renewVisitor, bind, refresh, signOut,
}
