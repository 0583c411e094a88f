// Makes the shim's wx.request, wx.uploadFile and wx.downloadFile perform real HTTP with Node's fetch, following their
// contracts:
//
//   wx.request({ url, method = 'GET', data, header, timeout = 60000, dataType = 'json', success, fail, complete })
//
// - GET/HEAD: an object `data` becomes the query string; other methods send it as the body, JSON-encoded unless the
//   content-type is application/x-www-form-urlencoded (wx's default content-type is application/json).
// - Every HTTP answer, 4xx/5xx included, goes to success({ statusCode, data, header, cookies, errMsg }); `data` is the
//   parsed JSON when dataType is 'json' and the body parses, the text otherwise ('' for an empty body).
// - Only a request that got no answer goes to fail({ errMsg }): 'request:fail timeout', 'request:fail abort', or
//   'request:fail <reason>' (connection refused, DNS, …).
// - It returns a RequestTask with abort().
//
//   wx.uploadFile({ url, filePath, name, header, formData, timeout, success, fail, complete })
//
// - POSTs multipart/form-data: the formData fields, then the file at `filePath` (a path on disk here) as the part
//   `name`, its filename the file's own name. Every HTTP answer goes to success({ statusCode, data, header, errMsg }),
//   `data` the body as text (WeChat does not parse it); a file that is not there fails, as do requests without an
//   answer ('uploadFile:fail …').
//
//   wx.downloadFile({ url, header, timeout, success, fail, complete })
//
// - GETs `url` and writes the body, whatever the status, to a new file in a temporary folder of this device
//   (shim.tempDir, removed by shim.removeTempFiles()): success({ statusCode, tempFilePath, header, errMsg }).
//
// wx.getFileSystemManager().readFileSync(path, encoding) reads such files (and any other) from disk.
//
// Every call is logged in shim.requests ({ method, path, url, data, header, timeout }, with kind, query, filePath and
// name for uploads and downloads as the unit shim logs them, plus `status` once answered), so tests can assert on what
// the mini-program actually sent.
const crypto = require('crypto')
const fs = require('fs')
const os = require('os')
const path = require('path')

const DEFAULT_TIMEOUT_MS = 60000

function hasHeader(header, name) {
  return Object.keys(header).some((key) => key.toLowerCase() === name)
}

function headerValue(header, name) {
  const key = Object.keys(header).find((k) => k.toLowerCase() === name)
  return key ? String(header[key]) : ''
}

function queryValue(value) {
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value)
}

function withQuery(url, data) {
  if (data === undefined || data === null) return url
  if (typeof data === 'string') return data === '' ? url : `${url}${url.includes('?') ? '&' : '?'}${data}`
  const parsed = new URL(url)
  Object.entries(data)
    .filter(([, value]) => value !== undefined)
    .forEach(([key, value]) => parsed.searchParams.append(key, queryValue(value)))
  return parsed.toString()
}

function encodeBody(data, header) {
  if (data === undefined || data === null) return undefined
  if (typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data
  if (/application\/x-www-form-urlencoded/i.test(headerValue(header, 'content-type'))) {
    const form = new URLSearchParams()
    Object.entries(data).forEach(([key, value]) => form.append(key, queryValue(value)))
    return form.toString()
  }
  return JSON.stringify(data)
}

function failureReason(err) {
  const cause = err && err.cause
  return (cause && (cause.code || cause.message)) || (err && err.message) || 'unknown error'
}

// Sends with fetch within `timeout`; `read(res)` turns an answer into what success gets. The rest of wx's callback
// contract is here: fail({ errMsg: '<api>:fail timeout' | 'abort' | reason }) when there was no answer, complete()
// after either, and a task with abort().
function transfer(api, { target, init, timeout, logged }, read, { success, fail, complete }) {
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => { timedOut = true; controller.abort() }, timeout)
  const settle = (callback, result) => {
    clearTimeout(timer)
    if (callback) callback(result)
    if (complete) complete(result)
  }
  fetch(target, { ...init, signal: controller.signal })
    .then(async (res) => {
      const result = await read(res)
      logged.status = res.status
      return { statusCode: res.status, header: Object.fromEntries(res.headers.entries()), errMsg: `${api}:ok`, ...result }
    })
    .then(
      (result) => settle(success, result),
      (err) => {
        let errMsg
        if (timedOut) errMsg = `${api}:fail timeout`
        else if (controller.signal.aborted) errMsg = `${api}:fail abort`
        else errMsg = `${api}:fail ${failureReason(err)}`
        settle(fail, { errMsg })
      },
    )
  return { abort: () => controller.abort() }
}

const MEDIA_TYPES = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp' }

// A multipart/form-data body: the fields, then the file as the part `name`.
function multipart(name, filePath, formData = {}) {
  const boundary = `----WxHttpBoundary${crypto.randomBytes(12).toString('hex')}`
  const fileName = path.basename(filePath)
  const type = MEDIA_TYPES[path.extname(fileName).toLowerCase()] || 'application/octet-stream'
  const body = Buffer.concat([
    ...Object.entries(formData).map(([key, value]) => Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${value}\r\n`,
    )),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${fileName}"\r\n`
      + `Content-Type: ${type}\r\n\r\n`),
    fs.readFileSync(filePath),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  return { body, contentType: `multipart/form-data; boundary=${boundary}` }
}

function useRealHttp(shim) {
  shim.wx.request = function request(options) {
    const {
      url, data, header = {}, timeout = DEFAULT_TIMEOUT_MS, dataType = 'json',
    } = options
    const method = String(options.method || 'GET').toUpperCase()
    const sentHeader = { ...header }
    if (!hasHeader(sentHeader, 'content-type')) sentHeader['content-type'] = 'application/json'
    const bodyless = method === 'GET' || method === 'HEAD'
    const target = bodyless ? withQuery(url, data) : url

    const logged = { method, path: new URL(url).pathname, url: target, data, header, timeout }
    shim.requests.push(logged)

    const init = { method, headers: sentHeader, body: bodyless ? undefined : encodeBody(data, sentHeader) }
    return transfer('request', { target, init, timeout, logged }, async (res) => {
      const text = await res.text()
      let parsed = text
      if (dataType === 'json' && text !== '') {
        try { parsed = JSON.parse(text) } catch (err) { parsed = text }
      }
      return { data: parsed, cookies: typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [] }
    }, options)
  }

  shim.wx.uploadFile = function uploadFile(options) {
    const {
      url, filePath, name, header = {}, formData, timeout = DEFAULT_TIMEOUT_MS, fail, complete,
    } = options
    const { pathname, searchParams } = new URL(url)
    const logged = {
      kind: 'upload', method: 'POST', path: pathname, url, query: Object.fromEntries(searchParams), filePath, name, header, timeout,
    }
    shim.requests.push(logged)
    let form
    try {
      form = multipart(name, filePath, formData)
    } catch (err) {
      const result = { errMsg: `uploadFile:fail file not found ${filePath}` }
      setTimeout(() => {
        if (fail) fail(result)
        if (complete) complete(result)
      }, 0)
      return { abort() {} }
    }
    const init = { method: 'POST', headers: { ...header, 'content-type': form.contentType }, body: form.body }
    return transfer('uploadFile', { target: url, init, timeout, logged }, async (res) => ({ data: await res.text() }), options)
  }

  shim.wx.downloadFile = function downloadFile(options) {
    const { url, header = {}, timeout = DEFAULT_TIMEOUT_MS } = options
    const logged = { kind: 'download', method: 'GET', path: new URL(url).pathname, url, header, timeout }
    shim.requests.push(logged)
    return transfer('downloadFile', { target: url, init: { method: 'GET', headers: header }, timeout, logged }, async (res) => {
      if (!shim.tempDir) shim.tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wx-http-'))
      const tempFilePath = path.join(shim.tempDir, `tmp_${crypto.randomBytes(8).toString('hex')}`)
      fs.writeFileSync(tempFilePath, Buffer.from(await res.arrayBuffer()))
      return { tempFilePath }
    }, options)
  }

  shim.wx.getFileSystemManager = () => ({
    readFileSync: (filePath, encoding) => fs.readFileSync(filePath, encoding),
  })

  shim.removeTempFiles = () => {
    if (shim.tempDir) fs.rmSync(shim.tempDir, { recursive: true, force: true })
    shim.tempDir = null
  }
  return shim
}

module.exports = { useRealHttp, DEFAULT_TIMEOUT_MS }
