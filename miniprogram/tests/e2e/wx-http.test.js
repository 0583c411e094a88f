// The HTTP-performing wx.request, wx.uploadFile and wx.downloadFile the end-to-end tests rely on, checked against a
// local Node server: they must keep WeChat's contracts, or the end-to-end tests would prove less than they claim.
// Needs no Rust binaries.
const fs = require('fs')
const http = require('http')
const os = require('os')
const path = require('path')
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
      if (url.pathname === '/file') return res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.from([0xff, 0xd8, 0xff, 0x00]))
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
afterEach(() => shim.removeTempFiles())

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

describe('files', () => {
  let dir
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wx-http-test-')) })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  const upload = (options) => new Promise((resolve) => {
    wx.uploadFile({ ...options, success: (res) => resolve({ success: res }), fail: (err) => resolve({ fail: err }) })
  })
  const download = (options) => new Promise((resolve) => {
    wx.downloadFile({ ...options, success: (res) => resolve({ success: res }), fail: (err) => resolve({ fail: err }) })
  })

  test('uploadFile POSTs multipart/form-data: the fields, then the file as the part `name` with its own filename', async () => {
    const file = path.join(dir, '会议.png')
    fs.writeFileSync(file, 'PNGDATA')
    const { success } = await upload({
      url: `${base}/up?owner_type=activity&owner_id=12`, filePath: file, name: 'file', formData: { note: '现场' }, header: { Authorization: 'Bearer t' },
    })

    expect(seen.method).toBe('POST')
    expect(seen.headers.authorization).toBe('Bearer t')
    const boundary = /^multipart\/form-data; boundary=(\S+)$/.exec(seen.headers['content-type'])[1]
    expect(seen.body).toBe(`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\n现场\r\n`
      + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="会议.png"\r\nContent-Type: image/png\r\n\r\n`
      + `PNGDATA\r\n--${boundary}--\r\n`)
    expect(success).toMatchObject({ statusCode: 200, errMsg: 'uploadFile:ok' })
    expect(typeof success.data).toBe('string') // WeChat hands the body over as text
    expect(shim.requests[0]).toMatchObject({
      kind: 'upload', method: 'POST', path: '/up', query: { owner_type: 'activity', owner_id: '12' }, filePath: file, name: 'file', status: 200,
    })
  })

  test('uploadFile of a file that is not there fails without sending; one without an answer fails like a request', async () => {
    expect(await upload({ url: `${base}/up`, filePath: path.join(dir, 'gone.jpg'), name: 'file' }))
      .toEqual({ fail: { errMsg: expect.stringMatching(/^uploadFile:fail file not found/) } })
    expect(seen).toBeNull()
    const file = path.join(dir, 'a.jpg')
    fs.writeFileSync(file, 'x')
    expect(await upload({ url: `${base}/slow`, filePath: file, name: 'file', timeout: 100 })).toEqual({ fail: { errMsg: 'uploadFile:fail timeout' } })
  })

  test('downloadFile writes the body, whatever the status, to a temporary file that readFileSync reads', async () => {
    const { success } = await download({ url: `${base}/file`, header: { Authorization: 'Bearer t' } })
    expect(seen.headers.authorization).toBe('Bearer t')
    expect(success).toMatchObject({ statusCode: 200, errMsg: 'downloadFile:ok' })
    expect([...fs.readFileSync(success.tempFilePath)]).toEqual([0xff, 0xd8, 0xff, 0x00])
    expect(path.dirname(success.tempFilePath)).toBe(shim.tempDir)

    const refused = (await download({ url: `${base}/teapot` })).success
    expect(refused.statusCode).toBe(418)
    expect(JSON.parse(wx.getFileSystemManager().readFileSync(refused.tempFilePath, 'utf8'))).toMatchObject({ code: 'x.y' })
    expect(shim.requests.map((r) => [r.kind, r.path, r.status])).toEqual([['download', '/file', 200], ['download', '/teapot', 418]])
  })

  test('through api.js: an upload answers its JSON, a refused download its code', async () => {
    wx.setStorageSync('apiBaseOverride', base)
    const api = require('../../utils/api')
    const file = path.join(dir, 'b.jpg')
    fs.writeFileSync(file, 'y')
    await expect(api.upload('/up', { owner_type: 'duty_entry', owner_id: 3 }, file)).resolves.toMatchObject({ code: 'x.y' })
    expect(new URL(seen.url, base).searchParams.get('owner_type')).toBe('duty_entry')
    await expect(api.download('/teapot')).rejects.toMatchObject({ status: 418, code: 'x.y' })
    expect(fs.readFileSync(await api.download('/file'))[1]).toBe(0xd8)
  })
})
