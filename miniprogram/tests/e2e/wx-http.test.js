// The HTTP-performing wx.request the end-to-end test relies on, checked against a local Node server: it must keep
// wx.request's contract, or the end-to-end test would prove less than it claims. Needs no Rust binaries.
const http = require('http')
const { installWx } = require('../wx-shim')
const { useRealHttp } = require('./wx-http')

let server
let base
let seen
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => { body += chunk })
    req.on('end', () => {
      seen = { method: req.method, url: req.url, headers: req.headers, body }
      const url = new URL(req.url, 'http://x')
      if (url.pathname === '/slow') return setTimeout(() => res.end('late'), 1000)
      if (url.pathname === '/text') return res.writeHead(502, { 'content-type': 'text/html' }).end('<b>Bad Gateway</b>')
      if (url.pathname === '/empty') return res.writeHead(204).end()
      return res.writeHead(url.pathname === '/teapot' ? 418 : 200, { 'content-type': 'application/json', 'x-request-id': 'r1' })
        .end(JSON.stringify({ code: 'x.y', echo: body }))
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${server.address().port}`
})
afterAll(() => new Promise((resolve) => {
  server.close(resolve)
  server.closeAllConnections() // fetch keeps connections alive; do not wait out their idle timeout
}))

let shim
beforeEach(() => {
  jest.resetModules()
  shim = useRealHttp(installWx())
  seen = null
})

const call = (options) => new Promise((resolve) => {
  const outcome = {}
  wx.request({
    ...options,
    success: (res) => { outcome.success = res },
    fail: (err) => { outcome.fail = err },
    complete: () => resolve(outcome),
  })
})

test('GET puts object data in the query string and sends the headers with a JSON content-type', async () => {
  const { success } = await call({ url: `${base}/q`, data: { year: 2026, policy: '下一工作日' }, header: { Authorization: 'Bearer t' } })

  expect(seen.method).toBe('GET')
  expect(new URL(seen.url, base).searchParams.get('policy')).toBe('下一工作日')
  expect(new URL(seen.url, base).searchParams.get('year')).toBe('2026')
  expect(seen.headers.authorization).toBe('Bearer t')
  expect(seen.headers['content-type']).toBe('application/json')
  expect(seen.body).toBe('')
  expect(success).toMatchObject({ statusCode: 200, errMsg: 'request:ok', header: { 'x-request-id': 'r1' } })
  expect(shim.requests[0]).toMatchObject({ method: 'GET', path: '/q', status: 200 })
})

test('POST sends object data as JSON, or as a form when the content-type says so', async () => {
  const json = await call({ url: `${base}/p`, method: 'post', data: { name: '张三' } })
  expect(seen.method).toBe('POST')
  expect(JSON.parse(seen.body)).toEqual({ name: '张三' })
  expect(json.success.data).toEqual({ code: 'x.y', echo: '{"name":"张三"}' })

  await call({
    url: `${base}/p`, method: 'PUT', data: { a: '1 2', b: 'c' }, header: { 'Content-Type': 'application/x-www-form-urlencoded' },
  })
  expect(seen.method).toBe('PUT')
  expect(seen.body).toBe('a=1+2&b=c')
})

test('a 4xx/5xx answer still goes to success; a body that is not JSON stays text, an empty one is ""', async () => {
  expect((await call({ url: `${base}/teapot` })).success).toMatchObject({ statusCode: 418, data: { code: 'x.y' } })
  expect((await call({ url: `${base}/text` })).success).toMatchObject({ statusCode: 502, data: '<b>Bad Gateway</b>' })
  expect((await call({ url: `${base}/empty`, method: 'DELETE' })).success).toMatchObject({ statusCode: 204, data: '' })
})

test('no answer within the timeout fails with "request:fail timeout", which api.js calls a timeout', async () => {
  const { fail, success } = await call({ url: `${base}/slow`, timeout: 100 })
  expect(success).toBeUndefined()
  expect(fail).toEqual({ errMsg: 'request:fail timeout' })
})

test('an aborted request fails with "request:fail abort"', async () => {
  const outcome = new Promise((resolve) => {
    const task = wx.request({ url: `${base}/slow`, fail: resolve })
    setTimeout(() => task.abort(), 20)
  })
  await expect(outcome).resolves.toEqual({ errMsg: 'request:fail abort' })
})

test('a server that is not there is a network failure through api.js', async () => {
  const closed = http.createServer()
  await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const { port } = closed.address()
  await new Promise((resolve) => closed.close(resolve))
  wx.setStorageSync('apiBaseOverride', `http://127.0.0.1:${port}`)
  const api = require('../../utils/api')

  const err = await api.get('/api/v1/me').catch((e) => e)

  expect(err).toMatchObject({ status: 0, code: 'network' })
  expect(err.message).toMatch(/^request:fail /)
})
