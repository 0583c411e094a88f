// Makes the shim's wx.request perform real HTTP with Node's fetch, following wx.request's contract:
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
// Requests are still logged in shim.requests ({ method, path, url, data, header, timeout }, plus `status` once
// answered), so tests can assert on what the mini-program actually sent.

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

function useRealHttp(shim) {
  shim.wx.request = function request(options) {
    const {
      url, data, header = {}, timeout = DEFAULT_TIMEOUT_MS, dataType = 'json', success, fail, complete,
    } = options
    const method = String(options.method || 'GET').toUpperCase()
    const sentHeader = { ...header }
    if (!hasHeader(sentHeader, 'content-type')) sentHeader['content-type'] = 'application/json'
    const bodyless = method === 'GET' || method === 'HEAD'
    const target = bodyless ? withQuery(url, data) : url

    const logged = { method, path: new URL(url).pathname, url: target, data, header, timeout }
    shim.requests.push(logged)

    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => { timedOut = true; controller.abort() }, timeout)
    const settle = (callback, result) => {
      clearTimeout(timer)
      if (callback) callback(result)
      if (complete) complete(result)
    }

    fetch(target, {
      method,
      headers: sentHeader,
      body: bodyless ? undefined : encodeBody(data, sentHeader),
      signal: controller.signal,
    })
      .then(async (res) => {
        const text = await res.text()
        let parsed = text
        if (dataType === 'json' && text !== '') {
          try { parsed = JSON.parse(text) } catch (err) { parsed = text }
        }
        logged.status = res.status
        return {
          statusCode: res.status,
          data: parsed,
          header: Object.fromEntries(res.headers.entries()),
          cookies: typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [],
          errMsg: 'request:ok',
        }
      })
      .then(
        (result) => settle(success, result),
        (err) => {
          let errMsg
          if (timedOut) errMsg = 'request:fail timeout'
          else if (controller.signal.aborted) errMsg = 'request:fail abort'
          else errMsg = `request:fail ${failureReason(err)}`
          settle(fail, { errMsg })
        },
      )

    return { abort: () => controller.abort() }
  }
  return shim
}

module.exports = { useRealHttp, DEFAULT_TIMEOUT_MS }
