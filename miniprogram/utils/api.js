// The only caller of wx.request, wx.uploadFile and wx.downloadFile. HTTP status carries the class of failure, `code`
// the reason (see utils/errors.js).
const config = require('../config')
const auth = require('./auth')

const TIMEOUT_MS = 10000
// A photo of up to 10 MB on a slow phone network; a file or thumbnail coming down.
const UPLOAD_TIMEOUT_MS = 60000
const DOWNLOAD_TIMEOUT_MS = 30000

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

function isSuccess(res) {
  return res.statusCode >= 200 && res.statusCode < 300
}

const authHeader = (token) => (token ? { Authorization: `Bearer ${token}` } : {})

function send(method, path, data, token) {
  return new Promise((resolve, reject) => {
    wx.request({
      url: config.baseUrl() + path,
      method,
      data,
      timeout: TIMEOUT_MS,
      header: authHeader(token),
      success: resolve,
      fail: (err) => reject(transportError(err)),
    })
  })
}

// '?owner_type=activity&owner_id=12' (wx.uploadFile has no `data` to put a query in).
function queryString(query = {}) {
  const pairs = Object.entries(query).filter(([, value]) => value !== undefined && value !== null)
  return pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`
}

function parseJson(text) {
  try {
    return JSON.parse(text)
  } catch (err) {
    return text
  }
}

// wx.uploadFile answers with the body as text.
function sendFile(path, query, filePath, token) {
  return new Promise((resolve, reject) => {
    wx.uploadFile({
      url: config.baseUrl() + path + queryString(query),
      filePath,
      name: 'file',
      timeout: UPLOAD_TIMEOUT_MS,
      header: authHeader(token),
      success: (res) => resolve({ statusCode: res.statusCode, data: parseJson(res.data) }),
      fail: (err) => reject(transportError(err)),
    })
  })
}

// wx.downloadFile writes every answer to a temporary file, an error's JSON body too: that is read back for its code.
function fetchFile(path, token) {
  return new Promise((resolve, reject) => {
    wx.downloadFile({
      url: config.baseUrl() + path,
      timeout: DOWNLOAD_TIMEOUT_MS,
      header: authHeader(token),
      success: (res) => {
        if (isSuccess(res) || !res.tempFilePath) {
          resolve(res)
          return
        }
        let body = ''
        try {
          body = wx.getFileSystemManager().readFileSync(res.tempFilePath, 'utf8')
        } catch (err) {
          // no readable body: the status alone says what failed
        }
        resolve({ statusCode: res.statusCode, data: parseJson(body) })
      },
      fail: (err) => reject(transportError(err)),
    })
  })
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

let renewing = null // a single new visitor token in flight, as `refreshing`
function renewVisitorOnce() {
  renewing = renewing || auth.renewVisitor().then(
    () => { renewing = null; return null },
    (err) => { renewing = null; throw err },
  )
  return renewing
}

// A member of the public signs with their visitor token. A 401 means it expired (or the server no longer takes it): a
// silent WeChat login gives a new one, once for all that saw it, and the transfer is made again. A second 401 is a
// door closed to visitors: 请先绑定 (auth.unbound), never the 重新登录 modal, since there is no session to lose.
async function asVisitor(transfer, retried) {
  const token = auth.visitorToken()
  const res = await transfer(token)
  if (isSuccess(res)) return res
  const err = responseError(res)
  if (res.statusCode !== 401) throw err
  if (retried) throw new ApiError(401, 'auth.unbound', err.message)
  // Renewed once for all: a request that saw the old token waits for the renewal in flight, or starts it.
  if (renewing || auth.visitorToken() === token) await renewVisitorOnce()
  // eslint-disable-next-line no-use-before-define
  return withToken(transfer, true)
}

// `transfer(token)` sends once (wx.request, uploadFile or downloadFile) and resolves to the answer; an expired token is
// refreshed, once for all that saw it, and the transfer made again. Without an access token, a visitor token signs it.
async function withToken(transfer, retried = false) {
  const token = auth.accessToken()
  if (!token && auth.visitorToken()) return asVisitor(transfer, retried)
  const res = await transfer(token)
  if (isSuccess(res)) return res
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
  return withToken(transfer, true)
}

async function request(method, path, data) {
  return (await withToken((token) => send(method, path, data, token))).data
}

// The file at `filePath` (a wx temporary path) as the multipart part `file`, to `path` with `query`; resolves to the
// answer's JSON.
async function upload(path, query, filePath) {
  return (await withToken((token) => sendFile(path, query, filePath, token))).data
}

// What `path` answers (an image, a document), into a temporary file: resolves to its path, for <image src>,
// wx.previewImage or wx.openDocument, which cannot send the token themselves.
async function download(path) {
  return (await withToken((token) => fetchFile(path, token))).tempFilePath
}

module.exports = {
  ApiError,
  TIMEOUT_MS,
  UPLOAD_TIMEOUT_MS,
  DOWNLOAD_TIMEOUT_MS,
  SESSION_CODES,
  postWithoutToken,
  upload,
  download,
  get: (path, query) => request('GET', path, query),
  post: (path, body) => request('POST', path, body),
  put: (path, body) => request('PUT', path, body),
  // PATCH keeps every field the body leaves out; an explicit null clears a nullable one.
  patch: (path, body) => request('PATCH', path, body),
  del: (path) => request('DELETE', path),
}
