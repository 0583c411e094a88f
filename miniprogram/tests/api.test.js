const { installWx, tokenPair } = require('./wx-shim')
const { settleUntil } = require('./settle')

let shim
let api
let auth
beforeEach(() => {
  jest.resetModules()
  shim = installWx()
  api = require('../utils/api')
  auth = require('../utils/auth')
})

test('requests go to the configured base URL with the Bearer token and a 10 s timeout', async () => {
  auth.saveTokens(tokenPair('t1'))
  shim.route('GET /api/v1/me', { status: 200, body: { name: '张三' } })

  await expect(api.get('/api/v1/me')).resolves.toEqual({ name: '张三' })

  const [req] = shim.requests
  expect(req.url).toBe('http://127.0.0.1:8080/api/v1/me')
  expect(req.header.Authorization).toBe('Bearer t1-access')
  expect(req.timeout).toBe(10000)
})

test('without a token no Authorization header is sent', async () => {
  shim.route('GET /api/v1/health', { status: 200, body: 'ok' })
  await api.get('/api/v1/health')
  expect(shim.requests[0].header).not.toHaveProperty('Authorization')
})

test('put and del use their HTTP methods and send the body', async () => {
  shim.route('PUT /api/v1/items/1', (req) => ({ status: 200, body: req.data }))
  shim.route('DELETE /api/v1/items/1', { status: 204 })
  await expect(api.put('/api/v1/items/1', { title: '学习' })).resolves.toEqual({ title: '学习' })
  await api.del('/api/v1/items/1')
  expect(shim.requests.map((r) => r.method)).toEqual(['PUT', 'DELETE'])
})

test('a non-2xx answer becomes an ApiError with the server status, code and message', async () => {
  shim.route('POST /api/v1/things', { status: 400, body: { code: 'request.invalid_body', message: 'missing field `title`' } })

  const err = await api.post('/api/v1/things', {}).catch((e) => e)

  expect(err).toBeInstanceOf(api.ApiError)
  expect(err).toMatchObject({ status: 400, code: 'request.invalid_body', message: 'missing field `title`' })
})

test('a 5xx without a JSON body is reported as internal', async () => {
  shim.route('GET /api/v1/me', { status: 502, body: '<html>Bad Gateway</html>' })
  await expect(api.get('/api/v1/me')).rejects.toMatchObject({ status: 502, code: 'internal' })
})

test('a request that never reaches the server fails with code network', async () => {
  shim.route('GET /api/v1/me', { fail: 'request:fail errcode:-101 cronet_error_code:-101' })
  await expect(api.get('/api/v1/me')).rejects.toMatchObject({ status: 0, code: 'network' })
})

test('a timed-out request fails with code timeout', async () => {
  shim.route('GET /api/v1/me', { fail: 'request:fail timeout' })
  await expect(api.get('/api/v1/me')).rejects.toMatchObject({ status: 0, code: 'timeout' })
})

describe('an expired access token', () => {
  const expired = { status: 401, body: { code: 'auth.token_expired', message: 'the access token has expired' } }
  const acceptOnly = (token, body) => (req) => (req.header.Authorization === `Bearer ${token}` ? { status: 200, body } : expired)

  test('two parallel requests that both see it share exactly one refresh and both succeed', async () => {
    auth.saveTokens(tokenPair('old'))
    shim.route('GET /api/v1/a', acceptOnly('new-access', 'A'))
    shim.route('GET /api/v1/b', acceptOnly('new-access', 'B'))
    shim.route('POST /api/v1/auth/refresh', { status: 200, body: tokenPair('new'), delay: 20 })

    await expect(Promise.all([api.get('/api/v1/a'), api.get('/api/v1/b')])).resolves.toEqual(['A', 'B'])

    expect(shim.requestsTo('POST /api/v1/auth/refresh')).toHaveLength(1)
    expect(shim.requestsTo('POST /api/v1/auth/refresh')[0].data).toEqual({ refresh_token: 'old-refresh' })
    expect(shim.requestsTo('GET /api/v1/a')).toHaveLength(2)
    expect(shim.requestsTo('GET /api/v1/b')).toHaveLength(2)
    expect(auth.accessToken()).toBe('new-access')
  })

  test('a request whose token another request already refreshed retries without refreshing again', async () => {
    auth.saveTokens(tokenPair('old'))
    shim.route('GET /api/v1/a', acceptOnly('new-access', 'A'))
    // b's 401 arrives only after a's refresh has finished.
    shim.route('GET /api/v1/b', (req) => (req.header.Authorization === 'Bearer new-access'
      ? { status: 200, body: 'B' }
      : { ...expired, delay: 50 }))
    shim.route('POST /api/v1/auth/refresh', { status: 200, body: tokenPair('new') })

    await expect(Promise.all([api.get('/api/v1/a'), api.get('/api/v1/b')])).resolves.toEqual(['A', 'B'])
    expect(shim.requestsTo('POST /api/v1/auth/refresh')).toHaveLength(1)
  })

  test('a second expiry after the retry is not retried again', async () => {
    auth.saveTokens(tokenPair('old'))
    shim.route('GET /api/v1/a', expired)
    shim.route('POST /api/v1/auth/refresh', { status: 200, body: tokenPair('new') })

    await expect(api.get('/api/v1/a')).rejects.toMatchObject({ status: 401, code: 'auth.token_expired' })
    expect(shim.requestsTo('GET /api/v1/a')).toHaveLength(2)
    expect(shim.requestsTo('POST /api/v1/auth/refresh')).toHaveLength(1)
  })

  test('other 401 codes are not refreshed', async () => {
    auth.saveTokens(tokenPair('old'))
    shim.route('GET /api/v1/a', { status: 401, body: { code: 'auth.token_invalid', message: 'bad signature' } })

    await expect(api.get('/api/v1/a')).rejects.toMatchObject({ code: 'auth.token_invalid' })
    expect(shim.requestsTo('POST /api/v1/auth/refresh')).toHaveLength(0)
    await new Promise((resolve) => setTimeout(resolve, 5)) // the modal's answer
  })

  test.each(['auth.token_invalid', 'auth.token_missing', 'auth.refresh_rejected'])(
    'a lost session (%s) offers 重新登录 once, which forgets the session and reLaunches sign-in',
    async (code) => {
      auth.saveTokens(tokenPair('old'))
      wx.setStorageSync('hdr.me', { id: 1, name: '李伟芳' })
      shim.route('GET /api/v1/a', { status: 401, body: { code, message: 'no' } })
      shim.route('GET /api/v1/b', { status: 401, body: { code, message: 'no' } })
      shim.modalAnswers.push(true)

      await Promise.allSettled([api.get('/api/v1/a'), api.get('/api/v1/b')])
      await settleUntil(() => shim.navigations.length > 0)

      expect(shim.modals).toEqual([expect.objectContaining({ title: '需要重新登录', confirmText: '重新登录', showCancel: false })])
      expect(shim.navigations).toEqual([{ kind: 'reLaunch', url: '/pages/index/index' }])
      expect([auth.accessToken(), wx.getStorageSync('hdr.me')]).toEqual(['', ''])
    },
  )

  test('PATCH goes out as PATCH with the body as given', async () => {
    auth.saveTokens(tokenPair('t'))
    shim.route('PATCH /api/v1/plans/11', { status: 200, body: { id: 11 } })
    await expect(api.patch('/api/v1/plans/11', { theme: 'x', latitude: null })).resolves.toEqual({ id: 11 })
    expect(shim.requestsTo('PATCH /api/v1/plans/11')[0].data).toEqual({ theme: 'x', latitude: null })
  })

  test('a failed refresh fails every waiting request with its error, and the next expiry refreshes afresh', async () => {
    auth.saveTokens(tokenPair('old'))
    shim.route('GET /api/v1/a', acceptOnly('new-access', 'A'))
    shim.route('GET /api/v1/b', acceptOnly('new-access', 'B'))
    shim.route('POST /api/v1/auth/refresh', { fail: 'request:fail timeout' })

    const results = await Promise.allSettled([api.get('/api/v1/a'), api.get('/api/v1/b')])
    expect(results.map((r) => r.reason && r.reason.code)).toEqual(['timeout', 'timeout'])
    expect(shim.requestsTo('POST /api/v1/auth/refresh')).toHaveLength(1)

    shim.route('POST /api/v1/auth/refresh', { status: 200, body: tokenPair('new') })
    await expect(api.get('/api/v1/a')).resolves.toBe('A')
    expect(shim.requestsTo('POST /api/v1/auth/refresh')).toHaveLength(2)
  })
})

describe('files: wx.uploadFile and wx.downloadFile with the token', () => {
  const expired = { status: 401, body: { code: 'auth.token_expired', message: 'the access token has expired' } }

  test('an upload sends the file as the part `file`, the query in the URL, the Bearer token and a 60 s timeout', async () => {
    auth.saveTokens(tokenPair('t1'))
    shim.route('POST /api/v1/attachments', { status: 201, body: { id: 91 } })

    await expect(api.upload('/api/v1/attachments', { owner_type: 'duty_entry', owner_id: 31 }, 'wxfile://tmp_1.jpg'))
      .resolves.toEqual({ id: 91 })

    const [req] = shim.requests
    expect(req).toMatchObject({
      kind: 'upload',
      url: 'http://127.0.0.1:8080/api/v1/attachments?owner_type=duty_entry&owner_id=31',
      filePath: 'wxfile://tmp_1.jpg',
      name: 'file',
      header: { Authorization: 'Bearer t1-access' },
      timeout: api.UPLOAD_TIMEOUT_MS,
    })
    expect(api.UPLOAD_TIMEOUT_MS).toBe(60000)
  })

  test('an upload refused reads its code from the text WeChat gives back', async () => {
    auth.saveTokens(tokenPair('t1'))
    shim.route('POST /api/v1/attachments', { status: 415, body: { code: 'attachment.unsupported_type', message: 'only JPEG…' } })
    await expect(api.upload('/api/v1/attachments', {}, 'wxfile://tmp_1.jpg'))
      .rejects.toMatchObject({ status: 415, code: 'attachment.unsupported_type', message: 'only JPEG…' })
    shim.route('POST /api/v1/attachments', { status: 502, body: '<html>Bad Gateway</html>' })
    await expect(api.upload('/api/v1/attachments', {}, 'wxfile://tmp_1.jpg')).rejects.toMatchObject({ status: 502, code: 'internal' })
    shim.route('POST /api/v1/attachments', { fail: 'request:fail timeout' })
    await expect(api.upload('/api/v1/attachments', {}, 'wxfile://tmp_1.jpg')).rejects.toMatchObject({ status: 0, code: 'timeout' })
  })

  test('an expired token is refreshed for an upload and a download as for a request, then each is sent again', async () => {
    auth.saveTokens(tokenPair('old'))
    const fresh = (body) => (req) => (req.header.Authorization === 'Bearer new-access' ? { status: 200, body } : expired)
    shim.route('POST /api/v1/attachments', fresh({ id: 91 }))
    shim.route('GET /api/v1/attachments/91/thumbnail', fresh('JPEG'))
    shim.route('POST /api/v1/auth/refresh', { status: 200, body: tokenPair('new'), delay: 10 })

    const [added, thumb] = await Promise.all([
      api.upload('/api/v1/attachments', {}, 'wxfile://tmp_1.jpg'),
      api.download('/api/v1/attachments/91/thumbnail'),
    ])

    expect(added).toEqual({ id: 91 })
    expect(shim.files.get(thumb)).toBe('JPEG')
    expect(shim.requestsTo('POST /api/v1/auth/refresh')).toHaveLength(1)
    expect(shim.requestsTo('POST /api/v1/attachments')).toHaveLength(2)
    expect(shim.requestsTo('GET /api/v1/attachments/91/thumbnail').map((r) => r.kind)).toEqual(['download', 'download'])
  })

  test('a download resolves to its temporary file; a refusal is read from the file it wrote', async () => {
    auth.saveTokens(tokenPair('t1'))
    shim.route('GET /api/v1/attachments/91/content', { status: 200, body: 'JPEG-BYTES' })
    const file = await api.download('/api/v1/attachments/91/content')
    expect(shim.files.get(file)).toBe('JPEG-BYTES')
    expect(shim.requests[0]).toMatchObject({
      url: 'http://127.0.0.1:8080/api/v1/attachments/91/content', header: { Authorization: 'Bearer t1-access' }, timeout: 30000,
    })

    shim.route('GET /api/v1/attachments/92/content', { status: 404, body: { code: 'attachment.not_found', message: 'no such attachment' } })
    await expect(api.download('/api/v1/attachments/92/content'))
      .rejects.toMatchObject({ status: 404, code: 'attachment.not_found' })
    shim.route('GET /api/v1/attachments/92/content', { fail: 'request:fail' })
    await expect(api.download('/api/v1/attachments/92/content')).rejects.toMatchObject({ status: 0, code: 'network' })
  })
})
