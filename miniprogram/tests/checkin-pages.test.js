// The member's check-in pages through the Page harness: scanning (camera or WeChat's scanner), the result page, my
// activities with leave, my attendance, my card, and the home page's entries to them.
const { tokenPair } = require('./wx-shim')
const { signedIn } = require('./signed-in')
const { settleUntil } = require('./settle')
const { loadPage } = require('./page-harness')
const fixtures = require('./fixtures')

const shim = signedIn({ now: '2026-11-20T06:01:30Z' }) // 20 November 14:01:30 in Beijing

const lastRedirect = () => shim.navigations.filter((n) => n.kind === 'redirectTo').pop()
const nonceOf = (url) => /nonce=([A-Za-z0-9_-]+)/.exec(url)[1]

// Scans on a fresh scan page and opens the result page it redirects to.
async function scanAndOpenResult(result = fixtures.VENUE_URL) {
  const scan = loadPage('pages/scan/index')
  shim.scanAnswers.push({ result })
  await scan.onScan()
  const redirect = lastRedirect()
  if (!redirect) return { scan, result: null }
  const page = loadPage('pages/checkin-result/index')
  page.onLoad({ nonce: nonceOf(redirect.url) })
  return { scan, result: page }
}

describe('scan page', () => {
  test('scans with the camera only, sends code, token and a fresh nonce, then shows the result', async () => {
    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok') })

    const { scan, result } = await scanAndOpenResult()

    expect(shim.scanCalls).toEqual([{ onlyFromCamera: true, scanType: ['qrCode'] }])
    const [req] = shim.requestsTo('POST /api/v1/checkins')
    expect(req.data).toEqual({ activity_code: 'K7P2QX9M', token: 'Ab3dE5fG7hJ9kL1m', nonce: expect.stringMatching(/^[A-Za-z0-9_-]{16,64}$/) })
    expect(lastRedirect().url).toBe(`/pages/checkin-result/index?nonce=${req.data.nonce}`)
    expect(scan.data).toMatchObject({ busy: false, error: '' })
    expect(result.data).toMatchObject({ text: '签到成功', tone: 'success', queued: false })
  })

  test('opened by WeChat\'s scanner with options.q, it checks in without the camera', async () => {
    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok') })
    const scan = loadPage('pages/scan/index')

    await scan.onLoad({ q: encodeURIComponent(fixtures.VENUE_URL), scancode_time: '1763618490' })

    expect(shim.scanCalls).toHaveLength(0)
    expect(shim.requestsTo('POST /api/v1/checkins')[0].data).toEqual({
      activity_code: 'K7P2QX9M', token: 'Ab3dE5fG7hJ9kL1m', nonce: expect.any(String), scancode_time: 1763618490,
    })
    expect(lastRedirect().url).toMatch(/^\/pages\/checkin-result\/index\?nonce=/)
  })

  test('anything else than a venue QR is refused before sending', async () => {
    const scan = loadPage('pages/scan/index')
    shim.scanAnswers.push({ result: 'https://mp.weixin.qq.com/s/abcdef' })
    await scan.onScan()
    expect(scan.data.error).toBe('这不是活动签到二维码')

    await scan.onLoad({ q: encodeURIComponent('https://hdr.example.cn/c/K7P2QX9M') })
    expect(scan.data.error).toBe('这不是活动签到二维码')
    expect(shim.requests).toHaveLength(0)
    expect(shim.navigations).toHaveLength(0)
  })

  test('a cancelled scan does nothing', async () => {
    const scan = loadPage('pages/scan/index')
    await scan.onScan()
    expect(shim.requests).toHaveLength(0)
    expect(scan.data).toMatchObject({ busy: false, error: '' })
    expect(shim.modals).toEqual([])
    expect(shim.toasts).toEqual([])
  })

  test('a camera refused says how to allow it (去设置); any other failure asks to scan again', async () => {
    const scan = loadPage('pages/scan/index')
    shim.scanAnswers.push({ fail: 'scanCode:fail auth deny' })
    shim.modalAnswers.push(true)
    await scan.onScan()
    await settleUntil(() => shim.openSettingCalls > 0)
    expect(shim.modals).toEqual([expect.objectContaining({
      title: '无法使用相机', content: expect.stringContaining('设置中允许本小程序使用摄像头'), confirmText: '去设置',
    })])
    expect(shim.openSettingCalls).toBe(1)

    shim.scanAnswers.push({ fail: 'scanCode:fail system error' })
    await scan.onScan()
    expect(shim.toasts).toEqual(['扫码失败，请重试'])
    expect(shim.requests).toHaveLength(0)
  })

  test('scancode_time only when opened by WeChat\'s scanner, and only a whole number of seconds', async () => {
    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok') })
    await scanAndOpenResult()
    expect(shim.requestsTo('POST /api/v1/checkins')[0].data).not.toHaveProperty('scancode_time')

    const scan = loadPage('pages/scan/index')
    await scan.onLoad({ q: encodeURIComponent(fixtures.VENUE_URL), scancode_time: 'yesterday' })
    expect(shim.requestsTo('POST /api/v1/checkins')[1].data).not.toHaveProperty('scancode_time')
  })

  test('a scan opened by WeChat\'s scanner and queued offline keeps its scancode_time for the resend', async () => {
    shim.route('POST /api/v1/checkins', { fail: 'request:fail errcode:-101' })
    const scan = loadPage('pages/scan/index')
    await scan.onLoad({ q: encodeURIComponent(fixtures.VENUE_URL), scancode_time: '1763618490' })
    expect(wx.getStorageSync('hdr.checkinQueue')[0]).toMatchObject({ scancode_time: 1763618490, scanned_at: '2026-11-20T14:01:30+08:00' })
    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok', { late_sync: true }) })
    await require('../utils/offline-queue').flush()
    expect(shim.requestsTo('POST /api/v1/checkins')[1].data).toMatchObject({ scancode_time: 1763618490, scanned_at: '2026-11-20T14:01:30+08:00' })
  })

  test('the location in GCJ-02: asked once when never asked; refused means no location sent; given means sent', async () => {
    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok') })
    await scanAndOpenResult() // never asked: WeChat asks, the member refuses (the shim's getLocation fails)
    expect(shim.locationTypes).toEqual(['gcj02'])
    expect(shim.requests[0].data).not.toHaveProperty('location')

    shim.authSetting['scope.userLocation'] = false // refused before: not asked again while scanning
    await scanAndOpenResult()
    expect(shim.locationCalls).toBe(1)
    expect(shim.requestsTo('POST /api/v1/checkins')[1].data).not.toHaveProperty('location')
    shim.requests.length = 0

    shim.authSetting['scope.userLocation'] = true
    shim.location = { latitude: 32.39, longitude: 119.41, accuracy: 30 }
    await scanAndOpenResult()
    expect(shim.requestsTo('POST /api/v1/checkins')[0].data.location).toEqual({ latitude: 32.39, longitude: 119.41, accuracy_m: 30 })
    expect(shim.locationTypes).toEqual(['gcj02', 'gcj02'])
  })

  test('without a network the scan is queued with its time, and the result page says so', async () => {
    shim.route('POST /api/v1/checkins', { fail: 'request:fail errcode:-101' })

    const { result } = await scanAndOpenResult()

    const [queued] = wx.getStorageSync('hdr.checkinQueue')
    expect(queued).toEqual({
      activity_code: 'K7P2QX9M', token: 'Ab3dE5fG7hJ9kL1m', nonce: shim.requests[0].data.nonce, scanned_at: '2026-11-20T14:01:30+08:00',
    })
    expect(result.data).toMatchObject({
      queued: true, queueNote: '已加入离线队列，联网后自动提交', timeText: '扫码时间 11月20日 14:01', tone: 'pending',
    })
  })

  test('a refusal that is not the network is shown on the scan page', async () => {
    shim.route('POST /api/v1/checkins', { status: 403, body: { code: 'auth.forbidden', message: 'no' } })
    const { scan } = await scanAndOpenResult()
    expect(scan.data.error).toBe('您没有权限进行此操作')
    expect(wx.getStorageSync('hdr.checkinQueue')).toBe('')
    expect(shim.navigations).toHaveLength(0)
  })

  test('opened from WeChat\'s scanner before logging in on this phone: logs in silently first', async () => {
    wx.removeStorageSync('hdr.accessToken')
    shim.loginCodes.push('wx-code-1')
    shim.route('POST /api/v1/auth/wechat', { status: 200, body: { status: 'ok', ...tokenPair('t2') } })
    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok') })
    const scan = loadPage('pages/scan/index')

    await scan.onLoad({ q: encodeURIComponent(fixtures.VENUE_URL) })

    expect(shim.requestsTo('POST /api/v1/checkins')[0].header.Authorization).toBe('Bearer t2-access')
  })

  test('an unbound WeChat user is sent to bind first', async () => {
    wx.removeStorageSync('hdr.accessToken')
    shim.loginCodes.push('wx-code-1')
    shim.route('POST /api/v1/auth/wechat', { status: 200, body: { status: 'unbound', bind_ticket: 'tk' } })
    const scan = loadPage('pages/scan/index')

    await scan.onLoad({ q: encodeURIComponent(fixtures.VENUE_URL) })

    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/login/index?ticket=tk' }])
    expect(scan.data.error).toBe('请先绑定组织后再扫码签到')
    expect(shim.requestsTo('POST /api/v1/checkins')).toHaveLength(0)
  })

  test('shows how many scans wait, and 立即提交 sends them', async () => {
    wx.setStorageSync('hdr.checkinQueue', [{ activity_code: 'K7P2QX9M', token: 'tok', nonce: 'n'.repeat(32), scanned_at: '2026-11-20T14:00:00+08:00' }])
    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok') })
    const scan = loadPage('pages/scan/index')
    scan.onShow()
    expect(scan.data.pending).toBe(1)

    await scan.onFlush()

    expect(shim.requestsTo('POST /api/v1/checkins')[0].data.nonce).toBe('n'.repeat(32))
    expect(scan.data.pending).toBe(0)
  })
})

describe('result page', () => {
  const open = async (answer) => {
    shim.route('POST /api/v1/checkins', { status: 200, body: answer })
    return (await scanAndOpenResult()).result
  }

  test('window_expired: the text, no time, and 重新扫码', async () => {
    const page = await open(fixtures.checkinAnswer('window_expired'))
    expect(page.data).toMatchObject({
      text: '二维码已过期，请扫描屏幕上最新的二维码', tone: 'fail', timeText: '', rescan: true, queued: false,
    })
    page.onScanAgain()
    expect(shim.navigations.pop()).toEqual({ kind: 'redirectTo', url: '/pages/scan/index' })
  })

  test('ok: the check-in time, the activity and the live count', async () => {
    const page = await open(fixtures.checkinAnswer('ok'))
    expect(page.data).toMatchObject({
      text: '签到成功',
      timeText: '签到时间 11月20日 14:02',
      theme: '学习贯彻全会精神',
      orgName: '第一党支部',
      live: { present: 31, expected: 40, rate: '77.5%' },
      rescan: false,
    })
  })

  test('already checked in shows the first time', async () => {
    const page = await open(fixtures.checkinAnswer('already_checked_in', { checked_in_at: '2026-11-20T13:45:02+08:00' }))
    expect(page.data.text).toBe('您已签到（首次签到时间 13:45）')
    expect(page.data.timeText).toBe('签到时间 11月20日 13:45')
  })

  test('location_far explains what to do', async () => {
    const page = await open(fixtures.checkinAnswer('location_far'))
    expect(page.data).toMatchObject({
      text: '您不在活动地点附近，无法签到', hint: '请到活动地点附近后重新扫码', rescan: true, settings: false,
    })
  })

  test('location_missing is told apart: allow the location in 设置 (去设置 opens it), then scan again', async () => {
    const page = await open(fixtures.checkinAnswer('location_missing', { location_far: false }))
    expect(page.data).toMatchObject({
      text: '未获取到您的位置。请在设置中允许本小程序使用位置信息，然后重新扫码。', tone: 'fail', settings: true, rescan: true,
    })
    page.onOpenSetting()
    expect(shim.openSettingCalls).toBe(1)
  })

  test('a queued scan, sent with 立即提交 once the network is back, then shows its answer', async () => {
    shim.route('POST /api/v1/checkins', { fail: 'request:fail errcode:-101' })
    const { result } = await scanAndOpenResult()
    expect(result.data.queued).toBe(true)

    await result.onSendNow()
    expect(result.data.queued).toBe(true)
    expect(shim.toasts).toContain('网络仍不可用，联网后将自动提交')

    shim.route('POST /api/v1/checkins', { status: 200, body: fixtures.checkinAnswer('ok', { late_sync: true }) })
    await result.onSendNow()
    expect(result.data).toMatchObject({ queued: false, text: '签到成功', lateSync: true })
    const nonces = shim.requestsTo('POST /api/v1/checkins').map((r) => r.data.nonce)
    expect(new Set(nonces).size).toBe(1)
    expect(shim.requestsTo('POST /api/v1/checkins')[2].data.scanned_at).toBe('2026-11-20T14:01:30+08:00')
  })

  test('an unknown nonce', () => {
    const page = loadPage('pages/checkin-result/index')
    page.onLoad({ nonce: 'nothing' })
    expect(page.data).toMatchObject({ found: false, text: '未找到本次签到结果，请重新扫码' })
  })
})

describe('my activities', () => {
  const pendingLeave = fixtures.leave({ person_name: '张三' })

  async function open(list) {
    shim.route('GET /api/v1/me/activities', { status: 200, body: list })
    const page = loadPage('pages/my-activities/index')
    await page.onLoad()
    return page
  }

  test('each activity with my status and what I can do', async () => {
    const page = await open([
      fixtures.myActivity(),
      fixtures.myActivity({ activity_id: 13, phase: 'open', my_status: 'expected' }),
      fixtures.myActivity({ activity_id: 14, my_status: 'leave_pending', leave: pendingLeave }),
      fixtures.myActivity({ activity_id: 15, phase: 'closed', my_status: 'present', checked_in_at: '2026-10-20T14:03:00+08:00' }),
    ])

    expect(page.data.items.map((i) => [i.id, i.phaseText, i.statusText, i.canScan, i.canLeave, i.canWithdraw])).toEqual([
      [12, '未开始', '待签到', false, true, false],
      [13, '签到中', '待签到', true, true, false],
      [14, '未开始', '请假待批', false, false, true],
      [15, '已结束', '已签到', false, false, false],
    ])
    expect(page.data.items[0]).toMatchObject({ when: '11月20日 周五 14:00–16:00', place: '党群服务中心', orgName: '第一党支部' })
    expect(page.data.items[2].leave).toEqual({ id: 7, statusText: '待审批', reason: '出差', comment: '' })
    expect(page.data.items[3].checkedIn).toBe('签到时间 10月20日 14:03')
  })

  test('requesting leave asks for the reason, POSTs it and shows the new status', async () => {
    const page = await open([fixtures.myActivity()])
    shim.route('POST /api/v1/activities/12/leave', { status: 201, body: pendingLeave })
    shim.route('GET /api/v1/me/activities', { status: 200, body: [fixtures.myActivity({ my_status: 'leave_pending', leave: pendingLeave })] })
    shim.modalAnswers.push({ confirm: true, content: ' 出差 ' })

    await page.onLeave({ currentTarget: { dataset: { id: 12 } } })

    expect(shim.modals[0]).toMatchObject({ title: '请假原因', editable: true })
    expect(shim.requestsTo('POST /api/v1/activities/12/leave')[0].data).toEqual({ reason: '出差' })
    expect(shim.toasts).toEqual(['已提交请假申请'])
    expect(page.data.items[0]).toMatchObject({ statusText: '请假待批', canLeave: false, canWithdraw: true })
  })

  test('no reason, no request; cancelling neither', async () => {
    const page = await open([fixtures.myActivity()])
    shim.modalAnswers.push({ confirm: true, content: '   ' })
    await page.onLeave({ currentTarget: { dataset: { id: 12 } } })
    expect(shim.toasts).toEqual(['请填写请假原因'])

    await page.onLeave({ currentTarget: { dataset: { id: 12 } } }) // cancelled
    expect(shim.requests.filter((r) => r.method === 'POST')).toHaveLength(0)
  })

  test('too late to ask for leave is explained, without 重试', async () => {
    const page = await open([fixtures.myActivity()])
    shim.route('POST /api/v1/activities/12/leave', { status: 409, body: { code: 'leave.too_late', message: 'started' } })
    shim.modalAnswers.push({ confirm: true, content: '临时有事' })

    await page.onLeave({ currentTarget: { dataset: { id: 12 } } })

    expect(shim.modals[1]).toEqual({ title: '请假未提交', content: '活动已经开始，不能再请假', showCancel: false, confirmText: '知道了' })
  })

  test('a network failure offers 重试, which sends the same reason again', async () => {
    const page = await open([fixtures.myActivity()])
    let calls = 0
    shim.route('POST /api/v1/activities/12/leave', () => {
      calls += 1
      return calls === 1 ? { fail: 'request:fail timeout' } : { status: 201, body: pendingLeave }
    })
    shim.modalAnswers.push({ confirm: true, content: '出差' }, true)

    await page.onLeave({ currentTarget: { dataset: { id: 12 } } })

    expect(shim.requestsTo('POST /api/v1/activities/12/leave').map((r) => r.data)).toEqual([{ reason: '出差' }, { reason: '出差' }])
  })

  test('withdrawing asks first, then POSTs to the leave', async () => {
    const page = await open([fixtures.myActivity({ my_status: 'leave_pending', leave: pendingLeave })])
    shim.route('POST /api/v1/leave/7/withdraw', { status: 200, body: { ...pendingLeave, status: 'withdrawn' } })
    shim.route('GET /api/v1/me/activities', { status: 200, body: [fixtures.myActivity({ leave: { ...pendingLeave, status: 'withdrawn' } })] })
    shim.modalAnswers.push(true)

    await page.onWithdraw({ currentTarget: { dataset: { leave: 7 } } })

    expect(shim.modals[0]).toMatchObject({ title: '撤回请假', confirmText: '确认撤回', cancelText: '暂不撤回' })
    expect(shim.requestsTo('POST /api/v1/leave/7/withdraw')).toHaveLength(1)
    expect(page.data.items[0]).toMatchObject({ statusText: '待签到', canLeave: true, canWithdraw: false })
    expect(page.data.items[0].leave.statusText).toBe('已撤回')
  })

  test('loading: empty, a retryable network error, and pull-down refresh', async () => {
    shim.route('GET /api/v1/me/activities', { fail: 'request:fail' })
    const page = loadPage('pages/my-activities/index')
    await page.onLoad()
    expect(page.data.loadError).toMatchObject({ code: 'network', retryable: true })

    shim.route('GET /api/v1/me/activities', { status: 200, body: [] })
    await page.onPullDownRefresh()
    expect(page.data).toMatchObject({ loadError: null, items: [], loading: false })
    expect(shim.pullDownStops).toBe(1)
  })
})

describe('my attendance', () => {
  const year = {
    year: 2026, expected: 11, present: 9, on_leave: 1, absent: 1, rate: 0.818,
    activities: [
      { activity_id: 12, theme: '学习贯彻全会精神', activity_date: '2026-11-20', org_name: '第一党支部', status: 'present', checked_in_at: '2026-11-20T14:02:11+08:00' },
      { activity_id: 11, theme: '主题党日', activity_date: '2026-10-20', org_name: '第一党支部', status: 'absent', checked_in_at: null },
    ],
  }

  test('this year in Beijing: the figures and the list', async () => {
    shim.route('GET /api/v1/me/attendance', { status: 200, body: year })
    const page = loadPage('pages/my-attendance/index')
    await page.onLoad({})

    expect(shim.requests[0].data).toEqual({ year: 2026 })
    expect(page.data.summary).toEqual({ expected: 11, present: 9, onLeave: 1, absent: 1, rate: '81.8%' })
    expect(page.data.rows.map((r) => [r.date, r.statusText, r.checkedIn])).toEqual([
      ['11月20日 周五', '已签到', '14:02'], ['10月20日 周二', '缺席', ''],
    ])
  })

  test('another year, and a year with nothing', async () => {
    shim.route('GET /api/v1/me/attendance', { status: 200, body: { ...year, year: 2025, expected: 0, present: 0, on_leave: 0, absent: 0, rate: null, activities: [] } })
    const page = loadPage('pages/my-attendance/index')
    page.setData({ year: 2026 })
    await page.onYear({ currentTarget: { dataset: { step: '-1' } } })
    expect(shim.requests[0].data).toEqual({ year: 2025 })
    expect(page.data.summary.rate).toBe('—')
    expect(page.data.rows).toEqual([])
  })
})

test('my card: the png full width and the code', async () => {
  shim.route('GET /api/v1/me/card', { status: 200, body: { code: 'HDRCARD.3.abcdefgh.sig', png_base64: 'iVBORw0KGgo=' } })
  const page = loadPage('pages/my-card/index')
  await page.onLoad()
  expect(page.data).toMatchObject({ code: 'HDRCARD.3.abcdefgh.sig', src: 'data:image/png;base64,iVBORw0KGgo=', loadError: null })
})

test('the home page offers 扫码签到, 我的活动, 我的考勤, 我的签到码, 社区服务 and 我的服务 once logged in', async () => {
  shim.route('GET /api/v1/me', { status: 200, body: fixtures.me() })
  shim.route('GET /api/v1/me/preview', {
    status: 200, body: { month: '2026-11', activity_day: '2026-11-20', preview_deadline: '2026-11-10', preview: null, plan_id: null, expected: false },
  })
  const page = loadPage('pages/index/index')
  expect(page.data.memberEntries).toEqual([])
  page.onShow()
  await page.load()

  expect(page.data.memberEntries.map((e) => e.title)).toEqual(['扫码签到', '我的活动', '我的考勤', '我的签到码', '社区服务', '我的服务'])
  page.onOpen({ currentTarget: { dataset: { url: page.data.memberEntries[0].url } } })
  expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/scan/index' }])
})
