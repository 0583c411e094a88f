// utils/offline-queue.js and its hooks in app.js: scans without an answer wait in storage and are resent with the
// same nonce and scan time; any final answer removes them; a network failure or a 5xx keeps them; one flush at a time.
const path = require('path')
const { tokenPair } = require('./wx-shim')
const { signedIn } = require('./signed-in')
const fixtures = require('./fixtures')

const SCAN_TIME = '2026-11-20T14:01:00+08:00'
const scan = (nonce, extra = {}) => ({
  activity_code: 'K7P2QX9M', token: 'Ab3dE5fG7hJ9kL1m', nonce, scanned_at: SCAN_TIME, ...extra,
})
const NONCE_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
const NONCE_B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'

beforeEach(() => jest.useFakeTimers()) // the shim answers through timers: every wait below is on the fake clock
const shim = signedIn()
let queue
beforeEach(() => {
  queue = require('../utils/offline-queue')
})

// Moves the fake clock until `promise` settles, then returns it.
async function run(promise) {
  let settled = false
  promise.then(() => { settled = true }, () => { settled = true })
  for (let i = 0; !settled && i < 1000; i += 1) await jest.advanceTimersByTimeAsync(10) // eslint-disable-line no-await-in-loop
  return promise
}
const settle = () => jest.advanceTimersByTimeAsync(100)

const sentNonces = () => shim.requestsTo('POST /api/v1/checkins').map((r) => r.data.nonce)
// Answers per nonce: { [nonce]: answer }; a nonce not listed gets `ok`.
const answerBy = (answers) => (req) => answers[req.data.nonce] || { status: 200, body: fixtures.checkinAnswer('ok') }

describe('a fresh scan', () => {
  test('is sent at once, without scanned_at, and not queued when answered', async () => {
    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok') })

    const outcome = await run(queue.sendOrQueue(scan(NONCE_A)))

    expect(outcome).toMatchObject({ queued: false, answer: { result: 'ok' } })
    expect(shim.requests[0].data).toEqual({ activity_code: 'K7P2QX9M', token: 'Ab3dE5fG7hJ9kL1m', nonce: NONCE_A })
    expect(queue.items()).toEqual([])
  })

  test.each([
    ['no network', { fail: 'request:fail errcode:-101' }],
    ['a timeout', { fail: 'request:fail timeout' }],
    ['a 502', { status: 502, body: '<html>Bad Gateway</html>' }],
    ['a 503 with a code', { status: 503, body: { code: 'internal', message: 'overloaded' } }],
    ['a captive portal\'s 200 page', { status: 200, body: '<html>请登录 Wi-Fi</html>' }],
  ])('is queued with its scan time after %s', async (_, answer) => {
    shim.route('POST /api/v1/checkins', answer)

    const outcome = await run(queue.sendOrQueue(scan(NONCE_A, { location: { latitude: 1, longitude: 2, accuracy_m: 3 } })))

    expect(outcome.queued).toBe(true)
    expect(queue.items()).toEqual([scan(NONCE_A, { location: { latitude: 1, longitude: 2, accuracy_m: 3 } })])
  })

  test('a refusal (4xx) is not queued', async () => {
    shim.route('POST /api/v1/checkins', { status: 400, body: { code: 'request.invalid_body', message: 'bad nonce' } })
    await expect(run(queue.sendOrQueue(scan(NONCE_A)))).rejects.toMatchObject({ status: 400 })
    expect(queue.items()).toEqual([])
  })

  test('the same scan is queued once', () => {
    queue.enqueue(scan(NONCE_A))
    queue.enqueue(scan(NONCE_A))
    expect(queue.items()).toHaveLength(1)
  })
})

describe('flush', () => {
  test('resends with the same nonce and scanned_at, and drops the item after ok', async () => {
    queue.enqueue(scan(NONCE_A))
    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok', { late_sync: true }) })

    const outcome = await run(queue.flush())

    expect(shim.requests.map((r) => r.data)).toEqual([scan(NONCE_A)])
    expect(queue.items()).toEqual([])
    expect(wx.getStorageSync(queue.KEY)).toBe('') // removed, not left as []
    expect(outcome).toMatchObject({ sent: [{ item: scan(NONCE_A), answer: { result: 'ok' } }], dropped: [], kept: 0 })
  })

  test('already_checked_in (the first try did reach the server) is final too, as is a refusal like closed', async () => {
    queue.enqueue(scan(NONCE_A))
    queue.enqueue(scan(NONCE_B))
    shim.route('POST /api/v1/checkins', answerBy({
      [NONCE_A]: { status: 200, body: fixtures.checkinAnswer('already_checked_in') },
      [NONCE_B]: { status: 200, body: fixtures.checkinAnswer('closed') },
    }))

    const outcome = await run(queue.flush())

    expect(sentNonces()).toEqual([NONCE_A, NONCE_B])
    expect(queue.items()).toEqual([])
    expect(outcome.sent.map((s) => s.answer.result)).toEqual(['already_checked_in', 'closed'])
  })

  test.each([
    ['a network error', { fail: 'request:fail errcode:-101' }],
    ['a timeout', { fail: 'request:fail timeout' }],
    ['a 500', { status: 500, body: { code: 'internal', message: 'db down' } }],
    ['a 401 that the login cannot repair', { status: 401, body: { code: 'auth.token_invalid', message: 'bad token' } }],
    ['a server without the endpoint yet', { status: 404, body: { code: 'request.not_found', message: 'no route' } }],
  ])('keeps the item after %s, and sends it again next time with the same nonce', async (_, failure) => {
    queue.enqueue(scan(NONCE_A))
    shim.route('POST /api/v1/checkins', failure)

    const outcome = await run(queue.flush())
    expect(queue.items()).toEqual([scan(NONCE_A)])
    expect(outcome).toMatchObject({ sent: [], dropped: [], kept: 1 })

    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok') })
    await run(queue.flush())
    expect(sentNonces()).toEqual([NONCE_A, NONCE_A])
    expect(shim.requestsTo('POST /api/v1/checkins')[1].data).toEqual(scan(NONCE_A))
    expect(queue.items()).toEqual([])
  })

  test('a network failure stops the pass: the rest waits for the next flush rather than failing too', async () => {
    queue.enqueue(scan(NONCE_A))
    queue.enqueue(scan(NONCE_B))
    shim.route('POST /api/v1/checkins', { fail: 'request:fail errcode:-101' })

    await run(queue.flush())

    expect(sentNonces()).toEqual([NONCE_A])
    expect(queue.items().map((i) => i.nonce)).toEqual([NONCE_A, NONCE_B])
  })

  test('an item the server refuses outright (400) is dropped and reported, not resent for ever', async () => {
    queue.enqueue(scan(NONCE_A))
    queue.enqueue(scan(NONCE_B))
    shim.route('POST /api/v1/checkins', answerBy({
      [NONCE_A]: { status: 400, body: { code: 'request.invalid_body', message: 'token malformed' } },
    }))

    const outcome = await run(queue.flush())

    expect(queue.items()).toEqual([])
    expect(outcome.dropped).toEqual([{ item: scan(NONCE_A), error: { code: 'request.invalid_body', status: 400 } }])
    expect(outcome.sent.map((s) => s.item.nonce)).toEqual([NONCE_B])
  })

  test('two flushes at once send each item once', async () => {
    queue.enqueue(scan(NONCE_A))
    queue.enqueue(scan(NONCE_B))
    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok'), delay: 20 })

    const [first, second] = await run(Promise.all([queue.flush(), queue.flush()]))

    expect(sentNonces()).toEqual([NONCE_A, NONCE_B])
    expect(first).toBe(second)
    expect(queue.items()).toEqual([])
  })

  test('a scan queued during a flush goes in the same run when flush is asked again, and only once', async () => {
    queue.enqueue(scan(NONCE_A))
    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok'), delay: 20 })

    const running = queue.flush()
    queue.enqueue(scan(NONCE_B))
    const joined = queue.flush()
    const third = queue.flush()
    await run(Promise.all([running, joined, third]))

    expect(sentNonces()).toEqual([NONCE_A, NONCE_B])
    expect(queue.items()).toEqual([])

    await run(queue.flush()) // nothing left
    expect(sentNonces()).toHaveLength(2)
  })

  test('the result page\'s outcome is updated when its scan is answered', async () => {
    const checkin = require('../utils/checkin')
    checkin.saveOutcome({ nonce: NONCE_A, scannedAt: SCAN_TIME, queued: true, answer: null })
    queue.enqueue(scan(NONCE_A))
    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok') })

    await run(queue.flush())

    expect(checkin.loadOutcome(NONCE_A)).toMatchObject({ queued: false, answer: { result: 'ok' } })
  })
})

describe('autoFlush', () => {
  test('does nothing when nothing waits or nobody is logged in', async () => {
    await expect(run(queue.autoFlush())).resolves.toBeNull()
    queue.enqueue(scan(NONCE_A))
    wx.removeStorageSync('hdr.accessToken')
    await expect(run(queue.autoFlush())).resolves.toBeNull()
    expect(shim.requests).toHaveLength(0)
  })

  test('tells the member what became of their scans', async () => {
    queue.enqueue(scan(NONCE_A))
    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok') })
    await run(queue.autoFlush())
    expect(shim.toasts).toEqual(['离线签到已提交：签到成功'])

    queue.enqueue(scan(NONCE_B))
    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('closed') })
    await run(queue.autoFlush())
    expect(shim.modals).toEqual([expect.objectContaining({ title: '离线签到未成功', content: '签到已结束' })])
  })
})

test('autoFlush called again while one runs sends nothing twice and tells once', async () => {
  queue.enqueue(scan(NONCE_A))
  shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok'), delay: 20 })
  await run(Promise.all([queue.autoFlush(), queue.autoFlush()]))
  expect(sentNonces()).toEqual([NONCE_A])
  expect(shim.toasts).toEqual(['离线签到已提交：签到成功'])
})

describe('app.js', () => {
  function loadApp() {
    let definition = null
    global.App = (def) => { definition = def }
    jest.isolateModules(() => require(path.join(__dirname, '..', 'app.js')))
    delete global.App
    return definition
  }

  test('flushes on launch and on show, and whenever the network comes back', async () => {
    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok') })
    queue.enqueue(scan(NONCE_A))
    const app = loadApp()

    app.onLaunch()
    app.onShow() // WeChat calls both at launch
    await settle()
    expect(sentNonces()).toEqual([NONCE_A])
    expect(shim.toasts).toEqual(['离线签到已提交：签到成功'])
    expect(shim.networkListeners).toHaveLength(1)

    queue.enqueue(scan(NONCE_B))
    shim.setNetwork(false)
    await settle()
    expect(sentNonces()).toEqual([NONCE_A])
    shim.setNetwork(true)
    await settle()
    expect(sentNonces()).toEqual([NONCE_A, NONCE_B])

    queue.enqueue(scan('cccccccccccccccccccccccccccccccc'))
    app.onShow()
    await settle()
    expect(sentNonces()).toHaveLength(3)
  })
})

describe('whose scans: the queue belongs to the person who scanned', () => {
  const ZHANG = { id: 3, name: '张三' }
  const LI = { id: 4, name: '李四' }
  const NOW = Date.parse('2026-11-20T08:00:00Z') // 16:00 in Beijing, two hours after SCAN_TIME
  const signIn = (person, mark) => {
    wx.setStorageSync('hdr.session', mark)
    if (person) wx.setStorageSync('hdr.me', person)
    else wx.removeStorageSync('hdr.me')
  }

  beforeEach(() => { jest.setSystemTime(NOW) })

  test('each queued scan records who made it (the person from /me and the sign-in)', () => {
    signIn(ZHANG, 's-zhang')
    queue.enqueue(scan(NONCE_A))
    expect(queue.items()).toEqual([{ ...scan(NONCE_A), person_id: 3, session: 's-zhang' }])
  })

  test('another account signed in later never sends them; their owner does at the next sign-in', async () => {
    signIn(ZHANG, 's-zhang')
    queue.enqueue(scan(NONCE_A))
    signIn(LI, 's-li')
    queue.enqueue(scan(NONCE_B))
    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok') })

    const outcome = await run(queue.flush())
    expect(sentNonces()).toEqual([NONCE_B])
    expect(outcome.kept).toBe(0) // nothing of 李四's waits
    expect(queue.items().map((i) => i.nonce)).toEqual([NONCE_A]) // 张三's stays
    expect(queue.pendingCount()).toBe(0)

    signIn(ZHANG, 's-zhang-2')
    expect(queue.pendingCount()).toBe(1)
    await run(queue.flush())
    expect(sentNonces()).toEqual([NONCE_B, NONCE_A])
    expect(queue.items()).toEqual([])
  })

  test('a scan made before the person was known goes with the sign-in that made it, and is then stamped', async () => {
    signIn(null, 's-zhang')
    queue.enqueue(scan(NONCE_A)) // /me not read yet in this sign-in
    expect(queue.items()[0]).toEqual({ ...scan(NONCE_A), session: 's-zhang' })
    signIn(null, 's-li') // someone else signs in on the phone before it was sent
    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok') })
    await run(queue.flush())
    expect(sentNonces()).toEqual([])

    signIn(null, 's-zhang') // (the same sign-in again, e.g. the silent re-login kept it)
    wx.setStorageSync('hdr.me', ZHANG)
    shim.route('POST /api/v1/checkins', { fail: 'request:fail errcode:-101' })
    await run(queue.flush())
    expect(queue.items()[0]).toMatchObject({ nonce: NONCE_A, person_id: 3 }) // stamped once the person is known
  })

  test('when the person is not cached, /me is read to tell the scans apart', async () => {
    signIn(ZHANG, 's-zhang')
    queue.enqueue(scan(NONCE_A))
    signIn(null, 's-new')
    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me() }) // id 1: not 张三
    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok') })
    await run(queue.flush())
    expect(sentNonces()).toEqual([])
    expect(wx.getStorageSync('hdr.me')).toEqual({ id: 1, name: '李伟芳' })
  })

  test('other people\'s scans past the offline limit (24 h) are dropped, and their owner is told once at sign-in', async () => {
    signIn(ZHANG, 's-zhang')
    queue.enqueue(scan(NONCE_A))
    signIn(LI, 's-li')
    jest.setSystemTime(NOW + 21 * 3600 * 1000) // 23 h after the scan
    await run(queue.flush())
    expect(queue.items()).toHaveLength(1) // not yet

    jest.setSystemTime(NOW + 23 * 3600 * 1000) // 25 h after
    await run(queue.flush())
    expect(queue.items()).toEqual([])
    expect(sentNonces()).toEqual([])
    expect(queue.noticesFor(4)).toEqual([])
    const dropped = queue.noticesFor(3)
    expect(dropped).toEqual([{ activity_code: 'K7P2QX9M', scanned_at: SCAN_TIME }])
    expect(queue.noticeText(dropped)).toMatch(/^您在本机离线扫码的 1 次签到（11-20 14:01）超过24小时未能提交，已作废/)
    expect(queue.noticesFor(3)).toEqual([]) // told once
  })

  test('the signed-in person\'s own old scans are still sent: the server answers them', async () => {
    signIn(ZHANG, 's-zhang')
    queue.enqueue(scan(NONCE_A))
    jest.setSystemTime(NOW + 48 * 3600 * 1000)
    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('offline_refused') })
    const outcome = await run(queue.flush())
    expect(outcome.sent.map((s) => s.answer.result)).toEqual(['offline_refused'])
  })

  test('autoFlush under another account tells nothing about the scans it did not send', async () => {
    signIn(ZHANG, 's-zhang')
    queue.enqueue(scan(NONCE_A))
    signIn(LI, 's-li')
    await run(queue.autoFlush())
    expect(shim.requests).toEqual([])
    expect(shim.toasts).toEqual([])
    expect(shim.modals).toEqual([])
  })
})

test('signing in afresh (login or bind) starts a new sign-in mark and forgets the cached person', async () => {
  const auth = require('../utils/auth')
  wx.setStorageSync('hdr.me', { id: 3, name: '张三' })
  shim.loginCodes.push('c1')
  shim.route('POST /api/v1/auth/wechat', { status: 200, body: { status: 'ok', ...tokenPair('x') } })
  await run(auth.login())
  const first = auth.sessionId()
  expect(first).not.toBe('')
  expect(wx.getStorageSync('hdr.me')).toBe('')

  // The silent re-login of a rejected refresh token is the same WeChat user: the mark stays.
  shim.loginCodes.push('c2')
  shim.route('POST /api/v1/auth/refresh', { status: 401, body: { code: 'auth.refresh_rejected', message: 'revoked' } })
  await run(auth.refresh())
  expect(auth.sessionId()).toBe(first)
})
