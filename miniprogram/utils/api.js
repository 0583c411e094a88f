// The only caller of wx.request. HTTP status carries the class of failure, `code` the reason (see utils/errors.js).
const config = require('../config')
const auth = require('./auth')

const TIMEOUT_MS = 10000

class ApiError extends Error {
  constructor(status, code, message) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
  }
}

// wx.request reports a timeout only through errMsg ("request:fail timeout"); anything else that never reached
// the server is a network failure.
function transportError(err) {
  const message = (err && err.errMsg) || ''
  return new ApiError(0, /timeout|timed out/i.test(message) ? 'timeout' : 'network', message)
}

function responseError(res) {
  const body = res.data && typeof res.data === 'object' ? res.data : {}
  const fallbackCode = res.statusCode >= 500 ? 'internal' : 'unknown'
  return new ApiError(res.statusCode, body.code || fallbackCode, body.message || '')
}

function send(method, path, data, token) {
  return new Promise((resolve, reject) => {
    wx.request({
      url: config.baseUrl() + path,
      method,
      data,
      timeout: TIMEOUT_MS,
      header: token ? { Authorization: `Bearer ${token}` } : {},
      success: resolve,
      fail: (err) => reject(transportError(err)),
    })
  })
}

function isSuccess(res) {
  return res.statusCode >= 200 && res.statusCode < 300
}

// For the auth endpoints themselves: no token, and no refresh on failure (auth.js decides what a failure means).
async function postWithoutToken(path, data) {
  const res = await send('POST', path, data, '')
  if (isSuccess(res)) return res.data
  throw responseError(res)
}

let refreshing = null // a single refresh in flight, shared by every request that saw an expired token
function refreshOnce() {
  refreshing = refreshing || auth.refresh().then(
    () => { refreshing = null; return null },
    (err) => { refreshing = null; throw err },
  )
  return refreshing
}

// A session that no refresh can repair: the person must sign in again (utils/session.js offers 重新登录).
const SESSION_CODES = ['auth.token_invalid', 'auth.token_missing', 'auth.refresh_rejected']

function sessionLost(err) {
  if (err && err.status === 401 && SESSION_CODES.includes(err.code)) require('./session').offerSignIn(err)
  return err
}

async function request(method, path, data, retried = false) {
  const token = auth.accessToken()
  const res = await send(method, path, data, token)
  if (isSuccess(res)) return res.data
  const err = responseError(res)
  if (res.statusCode !== 401 || err.code !== 'auth.token_expired' || retried) throw sessionLost(err)
  // A parallel request may already have replaced the token this one was sent with; then retrying is enough.
  if (auth.accessToken() === token) {
    try {
      await refreshOnce()
    } catch (refreshErr) {
      throw sessionLost(refreshErr)
    }
  }
  return request(method, path, data, true)
}

module.exports = {
  ApiError,
  TIMEOUT_MS,
  SESSION_CODES,
  postWithoutToken,
  get: (path, query) => request('GET', path, query),
  post: (path, body) => request('POST', path, body),
  put: (path, body) => request('PUT', path, body),
  // PATCH keeps every field the body leaves out; an explicit null clears a nullable one.
  patch: (path, body) => request('PATCH', path, body),
  del: (path) => request('DELETE', path),
}
