// The member's home page once logged in, the subscription button, and the calendar page.
const { signedIn } = require('./signed-in')
const { settleUntil } = require('./settle')
const { loadPage } = require('./page-harness')
const fixtures = require('./fixtures')

const shim = signedIn({ now: '2026-11-30T17:00:00Z' }) // 1 December 01:00 in Beijing

const preview = {
  org_name: '第一党支部', month: '2026-12', version: 1, theme: '学习贯彻全会精神', category: '党课', date: '2026-12-21',
  start_time: '09:00', end_time: '11:00', place: '党群服务中心', requirements: '携带笔记本', organiser: '李伟芳',
}

// A GET /api/v1/me/preview answer for December 2026.
const december = (extra) => ({
  status: 200,
  body: { month: '2026-12', activity_day: '2026-12-21', preview_deadline: '2026-12-10', preview: null, plan_id: null, expected: false, ...extra },
})

async function openHome({ mine, me = fixtures.me() } = {}) {
  shim.route('GET /api/v1/me', { status: 200, body: me })
  shim.route('GET /api/v1/me/preview', mine)
  const page = loadPage('pages/index/index')
  page.onShow()
  await page.load()
  return page
}

describe('home page, logged in', () => {
  test('asks for this month in Beijing and shows the activity day, the preview and that I am expected', async () => {
    const page = await openHome({
      mine: december({ preview, plan_id: 11, expected: true }),
    })

    expect(shim.requestsTo('GET /api/v1/me/preview')[0].data).toEqual({ month: '2026-12' })
    expect(page.data.day).toMatchObject({ monthText: '2026年12月', activityDay: '12月21日 周一', deadline: '12月10日', expected: true })
    expect(page.data.day.preview).toMatchObject({ theme: '学习贯彻全会精神', when: '12月21日 周一 09:00–11:00', requirements: '携带笔记本' })
    expect(page.data).toMatchObject({ name: '李伟芳', fetching: false, loadError: null })
  })

  test('no preview yet, and not expected', async () => {
    const page = await openHome({
      mine: december(),
    })
    expect(page.data.day).toMatchObject({ preview: null, expected: false })
  })

  test('the entries follow my roles', async () => {
    const page = await openHome({
      me: fixtures.me(['secretary', 6, '第一党支部'], ['supervisor', 2, '区委']),
      mine: december(),
    })
    expect(page.data.entries.map((e) => e.title)).toEqual(['本月计划', '我的履职', '审核与督查', '活动日历'])

    page.onOpen({ currentTarget: { dataset: { url: '/pages/plan/index' } } })
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/plan/index' }])
  })

  test('a year without the official calendar fails only the day card', async () => {
    const page = await openHome({ mine: { status: 422, body: { code: 'calendar.year_missing', message: 'no 2026' } } })
    expect(page.data).toMatchObject({ day: null, dayError: '该年度的节假日安排尚未公布，暂无法确定活动日', loadError: null, name: '李伟芳' })
  })

  test('a network failure shows a retryable error, and pull-down refresh loads again', async () => {
    const page = await openHome({ mine: { fail: 'request:fail' } })
    expect(page.data.loadError).toMatchObject({ code: 'network', retryable: true })

    shim.route('GET /api/v1/me/preview', december())
    await page.onPullDownRefresh()
    expect(page.data.loadError).toBeNull()
    expect(page.data.day.activityDay).toBe('12月21日 周一')
    expect(shim.pullDownStops).toBe(1)
  })
})

describe('订阅活动提醒', () => {
  // The template ids are loaded on show (GET /notifications/templates), before any tap.
  async function tap(page, templates = fixtures.templates()) {
    shim.route('GET /api/v1/notifications/templates', { status: 200, body: templates })
    await page.loadTemplates()
    const pending = page.onSubscribe()
    // WeChat shows the consent sheet only when asked within the tap itself.
    expect(shim.subscribeCalls).toEqual([['TPL_ACTIVITY_PREVIEW']])
    await pending
    return page
  }

  test('asks WeChat inside the tap, then POSTs the answers', async () => {
    shim.subscribeAnswer = { success: { TPL_ACTIVITY_PREVIEW: 'accept' } }
    shim.route('POST /api/v1/subscriptions', { status: 204, body: '' })
    const page = await tap(loadPage('pages/index/index'))

    expect(shim.requestsTo('POST /api/v1/subscriptions')[0].data).toEqual({ results: { TPL_ACTIVITY_PREVIEW: 'accept' } })
    expect(page.data).toMatchObject({ subscribing: false, subscribeNote: '已订阅活动提醒，发布预告后将通知您' })
  })

  test('a server without the endpoint (404) is explained in Chinese', async () => {
    shim.subscribeAnswer = { success: { TPL_ACTIVITY_PREVIEW: 'accept' } }
    shim.route('POST /api/v1/subscriptions', { status: 404, body: { code: 'request.not_found', message: 'no such route' } })
    const page = await tap(loadPage('pages/index/index'))
    expect(page.data.subscribeNote).toBe('服务器暂不支持订阅提醒，请稍后再试')
    expect(shim.modals).toHaveLength(0)
  })

  test('a refusal is still reported', async () => {
    shim.subscribeAnswer = { success: { TPL_ACTIVITY_PREVIEW: 'reject' } }
    shim.route('POST /api/v1/subscriptions', { status: 204, body: '' })
    const page = await tap(loadPage('pages/index/index'))
    expect(shim.requestsTo('POST /api/v1/subscriptions')[0].data).toEqual({ results: { TPL_ACTIVITY_PREVIEW: 'reject' } })
    expect(page.data.subscribeNote).toBe('您没有同意接收活动提醒，可随时再次订阅')
  })

  test('a network failure while reporting retries the report without asking WeChat again', async () => {
    shim.subscribeAnswer = { success: { TPL_ACTIVITY_PREVIEW: 'accept' } }
    let calls = 0
    shim.route('POST /api/v1/subscriptions', () => {
      calls += 1
      return calls === 1 ? { fail: 'request:fail' } : { status: 204, body: '' }
    })
    shim.modalAnswers.push(true)
    const page = await tap(loadPage('pages/index/index'))

    expect(calls).toBe(2)
    expect(shim.subscribeCalls).toHaveLength(1)
    expect(page.data.subscribeNote).toBe('已订阅活动提醒，发布预告后将通知您')
  })

  test('the ids are the server\'s: a reminder not yet granted is asked for too, each id once', async () => {
    shim.subscribeAnswer = { success: { P9: 'accept', R9: 'accept' } }
    shim.route('GET /api/v1/notifications/templates', {
      status: 200,
      body: {
        templates: [
          { kind: 'preview', template_id: 'P9', long_term: false, remaining: 0 },
          { kind: 'reminder', template_id: 'R9', long_term: true, remaining: 0 },
          { kind: 'offer', template_id: 'R9', long_term: true, remaining: 0 },
        ],
      },
    })
    shim.route('POST /api/v1/subscriptions', { status: 204, body: '' })
    const page = loadPage('pages/index/index')
    await page.loadTemplates()
    const pending = page.onSubscribe()
    expect(shim.subscribeCalls).toEqual([['P9', 'R9']])
    await pending
    expect(shim.requestsTo('POST /api/v1/subscriptions')[0].data).toEqual({ results: { P9: 'accept', R9: 'accept' } })
  })

  test('without the ids (not loaded) WeChat is not asked with a made-up id: the member is told, the ids reloaded', async () => {
    shim.route('GET /api/v1/notifications/templates', { fail: 'request:fail' })
    const page = loadPage('pages/index/index')
    await page.loadTemplates()
    await page.onSubscribe()
    expect(shim.subscribeCalls).toEqual([])
    expect(page.data.subscribeNote).toBe('暂时无法订阅提醒，请稍后重试')
    expect(shim.requestsTo('GET /api/v1/notifications/templates')).toHaveLength(2)
  })

  test('a used-up one-time consent is told, and tapping the notice asks again', async () => {
    shim.subscribeAnswer = { success: { TPL_ACTIVITY_PREVIEW: 'accept' } }
    shim.route('POST /api/v1/subscriptions', { status: 204, body: '' })
    let remaining = 1
    shim.route('GET /api/v1/notifications/templates', () => ({ status: 200, body: fixtures.templates({ preview: remaining }) }))
    const page = loadPage('pages/index/index')
    await page.loadTemplates()
    await page.onSubscribe() // consent given once: remaining 1
    expect(page.data.usedUpNotice).toBe('')

    remaining = 0 // the preview was sent: used up
    await page.loadTemplates()
    expect(page.data.usedUpNotice).toBe('您的活动预告提醒次数已用完，点此重新订阅')
    await page.onSubscribe()
    expect(shim.subscribeCalls).toEqual([['TPL_ACTIVITY_PREVIEW'], ['TPL_ACTIVITY_PREVIEW']])
  })

  test('never subscribed: the button, not the used-up notice', async () => {
    shim.route('GET /api/v1/notifications/templates', { status: 200, body: fixtures.templates({ preview: 0 }) })
    const page = loadPage('pages/index/index')
    await page.loadTemplates()
    expect(page.data.usedUpNotice).toBe('')
  })

  test('the templates are loaded on show', async () => {
    shim.route('GET /api/v1/notifications/templates', { status: 200, body: fixtures.templates() })
    const page = await openHome({ mine: december() })
    await settleUntil(() => page.templates)
    expect(shim.requestsTo('GET /api/v1/notifications/templates')).toHaveLength(1)
    expect(page.templates).toHaveLength(3)
  })

  test('subscription messages switched off in WeChat', async () => {
    shim.subscribeAnswer = { fail: { errCode: 20004, errMsg: 'requestSubscribeMessage:fail' } }
    const page = await tap(loadPage('pages/index/index'))
    expect(page.data.subscribeNote).toMatch(/关闭订阅消息/)
    expect(shim.requestsTo('POST /api/v1/subscriptions')).toHaveLength(0)
  })
})

describe('signing out and the person', () => {
  test('退出登录 asks, revokes the refresh token, forgets the person and starts again at sign-in', async () => {
    wx.setStorageSync('hdr.refreshToken', 't-refresh')
    shim.route('POST /api/v1/auth/logout', { status: 204, body: '' })
    const page = await openHome({ mine: december() })
    expect(wx.getStorageSync('hdr.me')).toEqual({ id: 1, name: '李伟芳' }) // cached at sign-in
    wx.setStorageSync('hdr.checkinQueue', [{ activity_code: 'K7P2QX9M', token: 'Ab3dE5fG7hJ9kL1m', nonce: 'n'.repeat(32), scanned_at: '2026-11-30T10:00:00+08:00', person_id: 1 }])

    shim.modalAnswers.push(true)
    await page.onSignOut()

    expect(shim.modals.pop()).toMatchObject({ title: '退出登录', confirmText: '确认退出' })
    expect(shim.requestsTo('POST /api/v1/auth/logout')[0].data).toEqual({ refresh_token: 't-refresh' })
    expect(['hdr.accessToken', 'hdr.refreshToken', 'hdr.me'].map((k) => wx.getStorageSync(k))).toEqual(['', '', ''])
    expect(wx.getStorageSync('hdr.checkinQueue')).toHaveLength(1) // the owner's, kept for their next sign-in
    expect(shim.navigations.pop()).toEqual({ kind: 'reLaunch', url: '/pages/index/index' })
  })

  test('signing out works without the network too, and nothing happens when the member says no', async () => {
    const page = await openHome({ mine: december() })
    await page.onSignOut()
    expect(wx.getStorageSync('hdr.accessToken')).not.toBe('')

    wx.setStorageSync('hdr.refreshToken', 't-refresh')
    shim.route('POST /api/v1/auth/logout', { fail: 'request:fail' })
    shim.modalAnswers.push(true)
    await page.onSignOut()
    expect(wx.getStorageSync('hdr.accessToken')).toBe('')
    expect(shim.navigations.pop()).toEqual({ kind: 'reLaunch', url: '/pages/index/index' })
  })

  test('scans of mine dropped while someone else was signed in are told at my next sign-in, once', async () => {
    wx.setStorageSync('hdr.checkinQueueNotices', { 1: [{ activity_code: 'K7P2QX9M', scanned_at: '2026-11-20T14:01:00+08:00' }] })
    await openHome({ mine: december() })
    expect(shim.modals).toEqual([expect.objectContaining({
      title: '离线签到未能提交', content: expect.stringContaining('11-20 14:01'),
    })])
    await openHome({ mine: december() })
    expect(shim.modals).toHaveLength(1)
  })

  test('a lost session anywhere offers 重新登录, which starts again at sign-in', async () => {
    shim.route('GET /api/v1/me', { status: 401, body: { code: 'auth.token_invalid', message: 'bad signature' } })
    shim.route('GET /api/v1/me/preview', december())
    shim.modalAnswers.push(true)
    const page = loadPage('pages/index/index')
    page.onShow()
    await page.load()
    await settleUntil(() => shim.navigations.some((n) => n.kind === 'reLaunch'))

    expect(shim.modals).toEqual([expect.objectContaining({ title: '需要重新登录', confirmText: '重新登录', showCancel: false })])
    expect(shim.navigations).toContainEqual({ kind: 'reLaunch', url: '/pages/index/index' })
    expect(wx.getStorageSync('hdr.accessToken')).toBe('')
  })
})

describe('calendar page', () => {
  test('twelve rows for this year in Beijing, with 顺延原因 where the day moved', async () => {
    shim.route('GET /api/v1/calendar/2026', {
      status: 200, body: fixtures.calendar(2026, { moved: { '2026-12': { day: '2026-12-21', reason: '12月20日为星期日' } } }),
    })
    Date.now.mockReturnValue(Date.parse('2025-12-31T16:00:00Z')) // 1 January 2026 in Beijing
    const page = loadPage('pages/calendar/index')
    await page.onLoad({})

    expect(page.data.year).toBe(2026)
    expect(page.data.rows).toHaveLength(12)
    expect(page.data.rows[11]).toEqual({
      month: '2026-12', monthText: '12月', day: '12月21日 周一', moved: '12月20日为星期日', deadline: '12月10日', current: false,
    })
    expect(page.data.rows[0]).toMatchObject({ moved: '', current: true })
  })

  test('a year without the official arrangement is the empty state, not an error', async () => {
    shim.route('GET /api/v1/calendar/2027', { status: 404, body: { code: 'calendar.year_missing', message: 'no 2027' } })
    const page = loadPage('pages/calendar/index')
    await page.onLoad({ year: '2027' })
    expect(page.data).toMatchObject({ missing: true, loadError: null, rows: [] })
  })

  test('network failures are retryable, and the year can be changed', async () => {
    shim.route('GET /api/v1/calendar/2026', { fail: 'request:fail' })
    const page = loadPage('pages/calendar/index')
    await page.onLoad({ year: '2026' })
    expect(page.data.loadError).toMatchObject({ retryable: true })

    shim.route('GET /api/v1/calendar/2025', { status: 200, body: fixtures.calendar(2025) })
    page.onYear({ currentTarget: { dataset: { step: '-1' } } })
    await settleUntil(() => page.data.year === 2025 && page.data.loadError === null && page.data.rows.length === 12)
    expect(page.data).toMatchObject({ year: 2025, loadError: null })
    expect(page.data.rows).toHaveLength(12)
  })
})
