// utils/checkin.js: what a venue QR holds, the nonce, the request, the result texts and the cheap location.
const { signedIn } = require('./signed-in')
const fixtures = require('./fixtures')

const shim = signedIn()
let checkin
beforeEach(() => {
  checkin = require('../utils/checkin')
})

describe('parsing a scan', () => {
  test('the venue URL from wx.scanCode gives the activity code and the token', () => {
    expect(checkin.parseScan(fixtures.VENUE_URL)).toEqual({ activity_code: 'K7P2QX9M', token: 'Ab3dE5fG7hJ9kL1m' })
  })

  test('options.q from WeChat\'s scanner is the same URL, URI-encoded', () => {
    const q = encodeURIComponent(fixtures.VENUE_URL)
    expect(q).toContain('%2Fc%2FK7P2QX9M%3Ft%3D')
    expect(checkin.parseLaunchQuery(q)).toEqual({ activity_code: 'K7P2QX9M', token: 'Ab3dE5fG7hJ9kL1m' })
  })

  test('a base with a path prefix, other parameters, a trailing slash, a fragment and base64url characters', () => {
    expect(checkin.parseScan('http://127.0.0.1:8080/hdr/c/ABCDEFGH/?x=1&t=a-b_c1234567890Z#top'))
      .toEqual({ activity_code: 'ABCDEFGH', token: 'a-b_c1234567890Z' })
    expect(checkin.parseScan('  HTTPS://HDR.EXAMPLE.CN/c/K7P2QX9M?t=Ab3dE5fG7hJ9kL1m\n'))
      .toEqual({ activity_code: 'K7P2QX9M', token: 'Ab3dE5fG7hJ9kL1m' })
  })

  test.each([
    ['an empty string', ''],
    ['not a string', 42],
    ['plain text', 'K7P2QX9M'],
    ['another site\'s URL', 'https://mp.weixin.qq.com/s/abcdef'],
    ['no token', 'https://hdr.example.cn/c/K7P2QX9M'],
    ['an empty token', 'https://hdr.example.cn/c/K7P2QX9M?t='],
    ['a token in another parameter', 'https://hdr.example.cn/c/K7P2QX9M?token=Ab3dE5fG7hJ9kL1m'],
    ['a token with characters outside base64url', 'https://hdr.example.cn/c/K7P2QX9M?t=Ab3d%2BE5fG7hJ9kL1m'],
    ['a lower-case code', 'https://hdr.example.cn/c/k7p2qx9m?t=Ab3dE5fG7hJ9kL1m'],
    ['a code with 0, 1, O or I', 'https://hdr.example.cn/c/K7P2QX0M?t=Ab3dE5fG7hJ9kL1m'],
    ['a code too short', 'https://hdr.example.cn/c/K7P2QX9?t=Ab3dE5fG7hJ9kL1m'],
    ['a further path segment', 'https://hdr.example.cn/c/K7P2QX9M/x?t=Ab3dE5fG7hJ9kL1m'],
    ['another path', 'https://hdr.example.cn/d/K7P2QX9M?t=Ab3dE5fG7hJ9kL1m'],
    ['another scheme', 'weixin://c/K7P2QX9M?t=Ab3dE5fG7hJ9kL1m'],
    ['a bad percent-encoding', 'https://hdr.example.cn/c/K7P2QX9M?t=%E0%A4%A'],
    ['a member\'s card code', 'HDRCARD.3.abcdefgh.sig'],
  ])('rejects %s', (_, raw) => {
    expect(checkin.parseScan(raw)).toBeNull()
  })

  test('bad options.q values are rejected too', () => {
    expect(checkin.parseLaunchQuery(undefined)).toBeNull()
    expect(checkin.parseLaunchQuery('')).toBeNull()
    expect(checkin.parseLaunchQuery('%E0%A4%A')).toBeNull()
    expect(checkin.parseLaunchQuery(encodeURIComponent('https://hdr.example.cn/c/K7P2QX9M'))).toBeNull()
    expect(checkin.NOT_A_CHECKIN_QR).toBe('这不是活动签到二维码')
  })
})

test('a nonce is 16–64 characters of [A-Za-z0-9_-], and each scan gets its own', () => {
  const nonces = Array.from({ length: 200 }, () => checkin.newNonce())
  nonces.forEach((nonce) => expect(nonce).toMatch(/^[A-Za-z0-9_-]{16,64}$/))
  expect(new Set(nonces).size).toBe(200)
})

describe('POST /api/v1/checkins', () => {
  test('sends the code, token and nonce; scanned_at and location only when given', async () => {
    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok') })

    await expect(checkin.checkIn({ activity_code: 'K7P2QX9M', token: 'tok', nonce: 'n'.repeat(32) }))
      .resolves.toMatchObject({ result: 'ok' })
    await checkin.checkIn({
      activity_code: 'K7P2QX9M',
      token: 'tok',
      nonce: 'm'.repeat(32),
      scanned_at: '2026-11-20T14:01:00+08:00',
      location: { latitude: 32.39, longitude: 119.41, accuracy_m: 30 },
    })

    const [plain, late] = shim.requestsTo('POST /api/v1/checkins')
    expect(plain.data).toEqual({ activity_code: 'K7P2QX9M', token: 'tok', nonce: 'n'.repeat(32) })
    expect(plain.header.Authorization).toBe('Bearer t-access')
    expect(late.data).toEqual({
      activity_code: 'K7P2QX9M',
      token: 'tok',
      nonce: 'm'.repeat(32),
      scanned_at: '2026-11-20T14:01:00+08:00',
      location: { latitude: 32.39, longitude: 119.41, accuracy_m: 30 },
    })
  })

  test('the organiser\'s check-in sends who and the reason to the activity', async () => {
    shim.route('POST /api/v1/activities/12/checkins', { status: 200, body: fixtures.checkinAnswer('ok') })
    await checkin.organiserCheckIn(12, { person_id: 5 }, '无智能手机')
    expect(shim.requests[0].data).toEqual({ person_id: 5, reason: '无智能手机' })
  })
})

describe('result texts', () => {
  const answer = (result, extra) => fixtures.checkinAnswer(result, extra)

  test('every result of the contract has its own Chinese sentence', () => {
    expect({
      ok: checkin.resultText(answer('ok')),
      already_checked_in: checkin.resultText(answer('already_checked_in')),
      invalid_token: checkin.resultText(answer('invalid_token')),
      window_expired: checkin.resultText(answer('window_expired')),
      not_open_yet: checkin.resultText(answer('not_open_yet')),
      closed: checkin.resultText(answer('closed')),
      not_expected: checkin.resultText(answer('not_expected')),
      exempt: checkin.resultText(answer('exempt')),
      cancelled: checkin.resultText(answer('cancelled')),
      location_far: checkin.resultText(answer('location_far')),
    }).toEqual({
      ok: '签到成功',
      already_checked_in: '您已签到（首次签到时间 14:02）',
      invalid_token: '二维码无效，请重新扫描现场二维码',
      window_expired: '二维码已过期，请扫描屏幕上最新的二维码',
      not_open_yet: '签到尚未开始',
      closed: '签到已结束',
      not_expected: '您不在本次活动应到名单中，已按列席人员登记',
      exempt: '您已按规定暂不参加组织生活，本次到场已登记',
      cancelled: '本次活动已取消',
      location_far: '您不在活动地点附近，无法签到',
    })
  })

  test('the client\'s text wins over the server\'s message for known results', () => {
    expect(checkin.resultText(answer('closed', { message: 'closed at 17:00' }))).toBe('签到已结束')
  })

  test('already checked in without a time still reads well', () => {
    expect(checkin.resultText(answer('already_checked_in', { checked_in_at: null }))).toBe('您已签到')
  })

  test('an unknown result shows the server\'s message, or a fallback', () => {
    expect(checkin.resultText(answer('paused', { message: '签到已暂停，请稍候' }))).toBe('签到已暂停，请稍候')
    expect(checkin.resultText(answer('paused', { message: '' }))).toBe('签到结果未知，请向活动组织人核实')
    expect(checkin.resultText(null)).toBe('签到结果未知，请向活动组织人核实')
    expect(checkin.resultText({ result: 'toString' })).toBe('签到结果未知，请向活动组织人核实')
  })

  test('the organiser reads about the member', () => {
    expect(checkin.resultText(answer('ok'), { organiser: true })).toBe('代签成功')
    expect(checkin.resultText(answer('already_checked_in'), { organiser: true })).toBe('该同志已签到（首次签到时间 14:02）')
    expect(checkin.resultText(answer('closed'), { organiser: true })).toBe('签到已结束')
  })

  test('tone: counted, recorded, refused', () => {
    expect(['ok', 'already_checked_in', 'not_expected', 'exempt', 'window_expired'].map((r) => checkin.resultTone(answer(r))))
      .toEqual(['success', 'success', 'notice', 'notice', 'fail'])
  })

  test('live figures for the pages', () => {
    expect(checkin.liveView(fixtures.live())).toEqual({
      present: 31, expected: 40, onLeave: 2, guests: 1, absent: 7, rate: '77.5%', below: true,
    })
    expect(checkin.liveView(null)).toBeNull()
  })
})

describe('the location for a scan (GCJ-02)', () => {
  test('refused before: not asked again, no location', async () => {
    shim.authSetting['scope.userLocation'] = false
    await expect(checkin.scanLocation()).resolves.toBeNull()
    expect(shim.locationCalls).toBe(0)
  })

  test('never asked: WeChat asks once; refusing now is no location', async () => {
    await expect(checkin.scanLocation()).resolves.toBeNull()
    expect(shim.locationTypes).toEqual(['gcj02'])

    shim.location = { latitude: 32.39, longitude: 119.41, accuracy: 12 }
    await expect(checkin.scanLocation()).resolves.toEqual({ latitude: 32.39, longitude: 119.41, accuracy_m: 12 })
  })

  test('sent when granted and quick, in GCJ-02', async () => {
    shim.authSetting['scope.userLocation'] = true
    shim.location = { latitude: 32.39, longitude: 119.41, accuracy: 29.6 }
    await expect(checkin.scanLocation()).resolves.toEqual({ latitude: 32.39, longitude: 119.41, accuracy_m: 30 })
    expect(shim.locationTypes).toEqual(['gcj02'])
  })

  test('given up after the budget, and a failure is no location', async () => {
    jest.useFakeTimers()
    shim.authSetting['scope.userLocation'] = true
    shim.location = { latitude: 32.39, longitude: 119.41, accuracy: 30, delay: 10000 }
    const pending = checkin.scanLocation(1200)
    let settled
    pending.then((value) => { settled = value })
    await jest.advanceTimersByTimeAsync(1199)
    expect(settled).toBeUndefined()
    await jest.advanceTimersByTimeAsync(1)
    expect(settled).toBeNull()

    shim.location = { fail: 'getLocation:fail system permission denied' }
    const failed = checkin.scanLocation()
    await jest.advanceTimersByTimeAsync(10)
    await expect(failed).resolves.toBeNull()
    await jest.advanceTimersByTimeAsync(10000) // the first, late answer changes nothing
    expect(settled).toBeNull()
    expect(jest.getTimerCount()).toBe(0) // and the second's budget timer was cleared when it was answered
  })
})

test('scancode_time from the launch options: whole seconds or nothing', () => {
  expect(checkin.scancodeTime({ scancode_time: '1763618490' })).toBe(1763618490)
  expect(checkin.scancodeTime({ scancode_time: 1763618490 })).toBe(1763618490)
  ;[{}, null, { scancode_time: '' }, { scancode_time: 'x' }, { scancode_time: '1.5' }, { scancode_time: '-3' }]
    .forEach((options) => expect(checkin.scancodeTime(options)).toBeNull())
})

test('location_missing and location_far read differently', () => {
  expect(checkin.resultText(fixtures.checkinAnswer('location_missing')))
    .toBe('未获取到您的位置。请在设置中允许本小程序使用位置信息，然后重新扫码。')
  expect(checkin.resultText(fixtures.checkinAnswer('location_far'))).toBe('您不在活动地点附近，无法签到')
})

test('the body carries scancode_time only when given', async () => {
  shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok') })
  await checkin.checkIn({ activity_code: 'K7P2QX9M', token: 'Ab3dE5fG7hJ9kL1m', nonce: 'n'.repeat(32), scancode_time: 1763618490 })
  await checkin.checkIn({ activity_code: 'K7P2QX9M', token: 'Ab3dE5fG7hJ9kL1m', nonce: 'm'.repeat(32) })
  const [first, second] = shim.requestsTo('POST /api/v1/checkins')
  expect(first.data.scancode_time).toBe(1763618490)
  expect(second.data).not.toHaveProperty('scancode_time')
})

test('the outcome of the last scan is kept for the result page, and updated by a later answer', () => {
  checkin.saveOutcome({ nonce: 'n1', scannedAt: '2026-11-20T14:01:00+08:00', queued: true, answer: null })
  expect(checkin.loadOutcome('other')).toBeNull()
  checkin.recordAnswer('other', fixtures.checkinAnswer('ok'))
  expect(checkin.loadOutcome('n1')).toMatchObject({ queued: true, answer: null })
  checkin.recordAnswer('n1', fixtures.checkinAnswer('ok'))
  expect(checkin.loadOutcome('n1')).toMatchObject({ queued: false, answer: { result: 'ok' } })
})
