// The deputies' pages through the Page harness (§二.4): 我的值班 (slots, 请人代班, swaps asked of me, unavailable days),
// 接待记录 (answering a request with a time or 婉拒, recording a reception with its cases), 党代表工作室 (a member's and
// a visitor's booking, a full slot, a meeting request, 接收提醒, cancelling, months and studios), 我的反映, 事项详情 (the
// timeline, rating, each step by who may take it), 提出质询, 提出提案 and 待办事项 (filters, paging).
const { signedIn } = require('./signed-in')
const { settleUntil } = require('./settle')
const { loadPage } = require('./page-harness')
const fixtures = require('./fixtures')

const shim = signedIn({ now: '2026-11-20T02:00:00Z' }) // 10:00 in Shanghai

const tap = (dataset) => ({ currentTarget: { dataset } })
const input = (field, value, extra = {}) => ({ currentTarget: { dataset: { field, ...extra } }, detail: { value } })
// GET /me of a deputy: the server's document has no deputy_level yet; the pages read it when it comes.
const deputyMe = (...grants) => ({ ...fixtures.me(...grants), deputy_level: 'city' })
const UNBOUND = {
  status: 200, body: { status: 'unbound', bind_ticket: 'ticket-9', expires_in: 600, visitor_token: 'vt-1' },
}

function asVisitor() {
  wx.removeStorageSync('hdr.accessToken')
  shim.loginCodes.push('wx-code-1')
  shim.route('POST /api/v1/auth/wechat', UNBOUND)
}

describe('我的值班', () => {
  const ROTA = 'GET /api/v1/me/rota'

  async function open(rota = fixtures.myRota()) {
    shim.route(ROTA, { status: 200, body: rota })
    shim.route('GET /api/v1/studios/3', { status: 200, body: fixtures.studio() })
    const page = loadPage('pages/my-rota/index')
    await page.onLoad()
    return page
  }

  test('my slots from this month on: time, studio, places, 已签到; my unavailable days', async () => {
    const page = await open()
    expect(page.data.shifts.map((s) => [s.when, s.studioName, s.placesText, s.checkedIn, s.canSwap])).toEqual([
      ['11月18日 周三 09:00–11:30', '文昌党代表工作室', '已预约 4/5人', true, false],
      ['11月25日 周三 09:00–11:30', '文昌党代表工作室', '已预约 2/5人', false, true],
    ])
    expect(page.data.dayChips).toEqual([{ day: '2026-12-02', text: '12月2日 周三' }])
    expect(page.data).toMatchObject({ swaps: [], today: '2026-11-20', lastDay: '2027-11-21', loadError: null })
    // No swap asked of me: no rota to look its slot up in
    expect(shim.requests.map((r) => r.path)).toEqual(['/api/v1/me/rota'])
  })

  test('a swap asked of me names its slot, found in my studio\'s rotas; 同意 asks first, then accepts', async () => {
    shim.route('GET /api/v1/studios/3/rota', (req) => ({
      status: 200,
      body: fixtures.rota(req.data.month === '2026-11'
        ? [fixtures.shift({ id: 53, day: '2026-11-26', deputy_id: 9, deputy_name: '王建国' })]
        : [], { month: req.data.month }),
    }))
    const page = await open(fixtures.myRota({
      swaps_asked_of_me: [fixtures.swap({ id: 72, shift_id: 53, from_id: 9, from_name: '王建国', to_id: 1, to_name: '李伟芳' })],
    }))
    expect(shim.requestsTo('GET /api/v1/studios/3/rota').map((r) => r.data.month)).toEqual(['2026-11', '2026-12'])
    expect(page.data.swaps).toEqual([expect.objectContaining({
      id: 72, text: '王建国请您代替值班', slotText: '11月26日 周四 09:00–11:30 · 文昌党代表工作室',
    })])

    shim.route('POST /api/v1/rota-swaps/72/accept', { status: 200, body: fixtures.swap({ id: 72, status: 'accepted' }) })
    await page.onSwapAnswer(tap({ id: 72, accept: false })) // the modal cancelled: nothing sent
    expect(shim.requestsTo('POST /api/v1/rota-swaps/72/decline')).toHaveLength(0)
    shim.modalAnswers.push(true)
    await page.onSwapAnswer(tap({ id: 72, accept: true }))
    expect(shim.modals[1]).toMatchObject({ title: '同意代班', confirmText: '同意代班', content: '同意后，这次值班（11月26日 周四 09:00–11:30 · 文昌党代表工作室）由您负责。' })
    expect(shim.requestsTo('POST /api/v1/rota-swaps/72/accept')).toHaveLength(1)
    expect(shim.toasts).toEqual(['已同意代班'])
    expect(shim.requestsTo(ROTA)).toHaveLength(2)
  })

  test('拒绝 a swap; a swap already answered is explained in Chinese', async () => {
    const page = await open(fixtures.myRota({ swaps_asked_of_me: [fixtures.swap({ id: 72, from_name: '王建国' })] }))
    shim.route('POST /api/v1/rota-swaps/72/decline', { status: 409, body: { code: 'deputy.wrong_state', message: 'answered' } })
    shim.modalAnswers.push(true)
    await page.onSwapAnswer(tap({ id: 72, accept: false }))
    expect(shim.modals.map((m) => m.title)).toEqual(['拒绝代班', '未能答复'])
    expect(shim.modals[1].content).toBe('该事项当前状态不能进行此操作，请刷新后查看最新进展')
    expect(page.data.busy).toBe(false)
  })

  test('请人代班: another deputy of the studio, picked, asked after a confirmation', async () => {
    const page = await open()
    await page.onSwapOpen(tap({ id: 51 })) // over: no swap
    expect(page.data.swapAt).toBeNull()
    await page.onSwapOpen(tap({ id: 52 }))
    expect(page.data).toMatchObject({ swapAt: 52, swapChoices: [{ id: 9, name: '王建国' }, { id: 12, name: '周敏' }], swapIndex: -1 })
    await page.onSwapSend()
    expect(page.data.swapError).toBe('请选择代班的党代表')
    page.onSwapPick({ detail: { value: '1' } })
    shim.route('POST /api/v1/rota-shifts/52/swaps', { status: 201, body: fixtures.swap({ to_id: 12, to_name: '周敏' }) })
    shim.modalAnswers.push(true)
    await page.onSwapSend()
    expect(shim.modals[0]).toMatchObject({ content: '请周敏代替您11月25日 周三 09:00–11:30的值班？对方同意后才算换班。', confirmText: '发送请求' })
    expect(shim.requestsTo('POST /api/v1/rota-shifts/52/swaps')[0].data).toEqual({ to_person_id: 12 })
    expect(shim.toasts).toEqual(['已发送代班请求'])
    expect(page.data.swapAt).toBeNull()
    // The studio is read once
    await page.onSwapOpen(tap({ id: 52 }))
    expect(shim.requestsTo('GET /api/v1/studios/3')).toHaveLength(1)
  })

  test('unavailable days: added in order, refused outside the coming year or twice, removed, saved together', async () => {
    const page = await open()
    page.onDayPick({ detail: { value: '2026-11-19' } })
    expect(page.data.dayError).toBe('只能登记今天起一年内的日子')
    page.onDayPick({ detail: { value: '2026-12-02' } })
    expect(page.data.dayError).toBe('这一天已经登记过了')
    page.onDayPick({ detail: { value: '2026-11-30' } })
    expect(page.data).toMatchObject({ days: ['2026-11-30', '2026-12-02'], daysChanged: true, dayError: '' })
    page.onDayRemove(tap({ day: '2026-12-02' }))
    expect(page.data.dayChips).toEqual([{ day: '2026-11-30', text: '11月30日 周一' }])
    shim.route('PUT /api/v1/me/unavailable-days', { status: 200, body: { days: ['2026-11-30'] } })
    await page.onDaysSave()
    expect(shim.requestsTo('PUT /api/v1/me/unavailable-days')[0].data).toEqual({ days: ['2026-11-30'] })
    expect(shim.toasts).toEqual(['已保存'])
  })

  test('a failed load is the error state with 重试', async () => {
    shim.route(ROTA, { fail: 'request:fail' })
    const page = loadPage('pages/my-rota/index')
    await page.onLoad()
    expect(page.data.loadError).toMatchObject({ message: '网络连接失败，请检查网络后重试', retryable: true })
    shim.route(ROTA, { status: 200, body: fixtures.myRota() })
    await page.onRetry()
    await settleUntil(() => page.data.shifts && page.data.shifts.length === 2)
    expect(page.data).toMatchObject({ loadError: null })
    expect(page.data.shifts).toHaveLength(2)
  })
})

describe('接待记录', () => {
  const LIST = 'GET /api/v1/me/deputy-receptions'
  const rows = () => [
    fixtures.reception({ id: 63, kind: 'appointment', status: 'requested', shift_id: null, meets_at: null, name: '赵六', person_id: null, phone: '138****5678' }),
    fixtures.reception(),
    fixtures.reception({ id: 60, status: 'attended', raised: '加装电梯', case_ids: [81] }),
    fixtures.reception({ id: 59, status: 'cancelled' }),
  ]

  async function open(list = rows()) {
    shim.route(LIST, { status: 200, body: list })
    const page = loadPage('pages/deputy-receptions/index')
    await page.onLoad()
    return page
  }

  test('待处理: requests to answer and receptions to record; 已结束: the rest with their cases', async () => {
    const page = await open()
    expect(page.data.open.map((r) => [r.id, r.kindText, r.statusText, r.when, r.canAnswer, r.canRecord])).toEqual([
      [63, '约谈', '待代表确认', '等待代表约定时间', true, false],
      [61, '预约接待', '已预约', '11月25日 周三 09:00', false, true],
    ])
    expect(page.data.done.map((r) => [r.id, r.statusText, r.caseIds])).toEqual([[60, '已接待', [81]], [59, '已取消', []]])
    page.onTab(tap({ tab: 'done' }))
    expect(page.data.tab).toBe('done')
    page.onOpenCase(tap({ id: 81 }))
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/matter/index?id=81' }])
  })

  test('约定时间: tomorrow at 09:00 to start with, a time past refused, then the answer in Shanghai time', async () => {
    const page = await open()
    page.onAnswerOpen(tap({ id: 63 }))
    expect(page.data).toMatchObject({ formAt: 63, formKind: 'answer', meeting: { date: '2026-11-21', time: '09:00' } })
    page.onMeetingPick(input('date', '2026-11-20'))
    await page.onAccept()
    expect(page.data.formError).toBe('见面时间要晚于现在')
    page.onMeetingPick(input('date', '2026-11-23'))
    page.onMeetingPick(input('time', '15:00'))
    shim.route('POST /api/v1/receptions/63/answer', { status: 200, body: fixtures.reception({ id: 63, kind: 'appointment', meets_at: '2026-11-23T15:00:00+08:00' }) })
    await page.onAccept()
    expect(shim.requestsTo('POST /api/v1/receptions/63/answer')[0].data).toEqual({ accept: true, meets_at: '2026-11-23T15:00:00+08:00' })
    expect(shim.toasts).toEqual(['已约定见面时间'])
    expect(page.data.formAt).toBeNull()
  })

  test('婉拒 after a confirmation', async () => {
    const page = await open()
    shim.route('POST /api/v1/receptions/63/answer', { status: 200, body: fixtures.reception({ id: 63, kind: 'appointment', status: 'declined' }) })
    shim.modalAnswers.push(true)
    await page.onDecline(tap({ id: 63 }))
    expect(shim.modals[0]).toMatchObject({ title: '婉拒约见', content: '婉拒赵六的约见请求吗？', confirmText: '婉拒' })
    expect(shim.requestsTo('POST /api/v1/receptions/63/answer')[0].data).toEqual({ accept: false })
    expect(shim.toasts).toEqual(['已婉拒'])
  })

  test('登记接待情况: came, what was raised, a case to follow up; each checked before sending', async () => {
    const page = await open()
    page.onRecordOpen(tap({ id: 61 }))
    await page.onRecordSave()
    expect(page.data.formError).toBe('请选择来访人是否到场')
    page.onCame(tap({ came: true }))
    page.onRecordInput(input('raised', '反映小区加装电梯'))
    page.onCaseAdd()
    await page.onRecordSave()
    expect(page.data.formError).toBe('第1件问题：请选择类别')
    page.onCasePick({ currentTarget: { dataset: { index: 0 } }, detail: { value: '0' } })
    page.onCaseInput(input('title', '加装电梯', { index: 0 }))
    page.onCaseInput(input('body', '6层无电梯，老人上下楼困难', { index: 0 }))
    shim.route('POST /api/v1/receptions/61/record', { status: 200, body: fixtures.reception({ status: 'attended', case_ids: [81] }) })
    await page.onRecordSave()
    expect(shim.requestsTo('POST /api/v1/receptions/61/record')[0].data).toEqual({
      came: true, raised: '反映小区加装电梯', cases: [{ category: 'livelihood', title: '加装电梯', body: '6层无电梯，老人上下楼困难' }],
    })
    expect(shim.toasts).toEqual(['已登记，1件问题待转交'])
  })

  test('nobody came: the cases typed go, and 未到 is recorded', async () => {
    const page = await open()
    page.onRecordOpen(tap({ id: 61 }))
    page.onCame(tap({ came: true }))
    page.onCaseAdd()
    page.onCaseAdd()
    page.onCaseRemove(tap({ index: 0 }))
    expect(page.data.record.cases).toHaveLength(1)
    page.onCame(tap({ came: false }))
    expect(page.data.record).toMatchObject({ came: false, cases: [] })
    shim.route('POST /api/v1/receptions/61/record', { status: 200, body: fixtures.reception({ status: 'no_show' }) })
    await page.onRecordSave()
    expect(shim.requestsTo('POST /api/v1/receptions/61/record')[0].data).toEqual({ came: false, raised: '', cases: [] })
    expect(shim.toasts).toEqual(['已登记'])
  })

  test('a refusal is said in Chinese and the form stays', async () => {
    const page = await open()
    page.onRecordOpen(tap({ id: 61 }))
    page.onCame(tap({ came: true }))
    shim.route('POST /api/v1/receptions/61/record', { status: 409, body: { code: 'deputy.wrong_state', message: 'recorded' } })
    await page.onRecordSave()
    expect(shim.modals[0]).toMatchObject({ title: '接待情况未登记', content: '该事项当前状态不能进行此操作，请刷新后查看最新进展' })
    expect(page.data).toMatchObject({ formAt: 61, busy: false })
  })
})

describe('党代表工作室', () => {
  function route({ studios = fixtures.studiosPage(), shifts, mine = [] } = {}) {
    const rotaShifts = shifts || [
      fixtures.shift({ id: 51, day: '2026-11-18' }),
      fixtures.shift(),
      fixtures.shift({ id: 54, day: '2026-11-26', deputy_id: 9, deputy_name: '王建国', booked: 5 }),
    ]
    shim.route('GET /api/v1/studios', { status: 200, body: studios })
    shim.route('GET /api/v1/studios/3', { status: 200, body: fixtures.studio() })
    shim.route('GET /api/v1/studios/3/rota', (req) => ({ status: 200, body: fixtures.rota(req.data.month === '2026-11' ? rotaShifts : [], { month: req.data.month }) }))
    shim.route('GET /api/v1/me/receptions', { status: 200, body: mine })
    shim.route('GET /api/v1/notifications/templates', { status: 200, body: fixtures.templates({ reminder: 0 }) })
  }

  async function open(query = {}, routes = {}) {
    route(routes)
    const page = loadPage('pages/studio/index')
    await page.onLoad(query)
    return page
  }

  test('a member sees the studio, its deputies and this month\'s rota with the places free', async () => {
    const page = await open()
    expect(shim.requestsTo('GET /api/v1/studios')[0].data).toEqual({ page: 1, per_page: 100 })
    expect(shim.requestsTo('GET /api/v1/studios/3/rota')[0].data).toEqual({ month: '2026-11' })
    expect(page.data).toMatchObject({ visitor: false, monthText: '2026年11月', loadError: null })
    expect(page.data.studio).toMatchObject({ name: '文昌党代表工作室', address: '文昌中路88号党群服务中心二楼', orgName: '街道党工委' })
    expect(page.data.studio.deputies.map((d) => `${d.name}（${d.levelText}）`)).toEqual(['李伟芳（市党代表）', '王建国（县党代表）', '周敏（党代表）'])
    expect(page.data.shifts.map((s) => [s.when, s.deputyName, s.freeText, s.canBook])).toEqual([
      ['11月18日 周三 09:00–11:30', '李伟芳', '已结束', false],
      ['11月25日 周三 09:00–11:30', '李伟芳', '还可预约3人', true],
      ['11月26日 周四 09:00–11:30', '王建国', '已约满', false],
    ])
    expect(shim.requests.every((r) => r.header.Authorization === 'Bearer t-access')).toBe(true)
  })

  test('预约 as a member: the topic alone, then 接收提醒 asks WeChat for the reminder inside the tap', async () => {
    const page = await open()
    page.onBookOpen(tap({ id: 54 })) // full
    expect(page.data.formKind).toBe('')
    page.onBookOpen(tap({ id: 52 }))
    expect(page.data).toMatchObject({ formKind: 'booking', formAt: 52, formTitle: '预约：11月25日 周三 09:00–11:30（李伟芳值班）' })
    expect(shim.scrolls).toEqual([{ selector: '.request', duration: 300 }])
    await page.onFormSend()
    expect(page.data.formError).toBe('请填写您想反映的事情')
    page.onFormInput(input('topic', ' 小区加装电梯 '))
    shim.route('POST /api/v1/rota-shifts/52/bookings', { status: 201, body: fixtures.reception({ phone: '13900000000' }) })
    await page.onFormSend()
    expect(shim.requestsTo('POST /api/v1/rota-shifts/52/bookings')[0].data).toEqual({ topic: '小区加装电梯' })
    expect(shim.toasts).toEqual(['预约成功'])
    expect(page.data).toMatchObject({ formKind: '', sent: '预约成功，请按时到工作室。' })
    expect(shim.requestsTo('GET /api/v1/studios/3/rota')).toHaveLength(2)

    shim.subscribeAnswer = { success: { TPL_ACTIVITY_REMINDER: 'accept' } }
    shim.route('POST /api/v1/subscriptions', { status: 204, body: '' })
    const asking = page.onSubscribe()
    expect(shim.subscribeCalls).toEqual([['TPL_ACTIVITY_REMINDER']]) // called in the tap, before anything was awaited
    await asking
    expect(shim.requestsTo('POST /api/v1/subscriptions')[0].data).toEqual({ results: { TPL_ACTIVITY_REMINDER: 'accept' } })
    expect(page.data.consentNote).toBe('已开启提醒，接待前一天会通过微信通知您')
  })

  test('接收提醒 once already granted asks nothing; without the templates it says so', async () => {
    route()
    shim.route('GET /api/v1/notifications/templates', { status: 200, body: fixtures.templates({ reminder: 1 }) })
    const page = loadPage('pages/studio/index')
    await page.onLoad({})
    await settleUntil(() => page.templates) // read before any tap
    await page.onSubscribe()
    expect(shim.subscribeCalls).toEqual([])
    expect(page.data.consentNote).toBe('您已开启提醒，接待前一天会通过微信通知您')
    page.templates = null
    await page.onSubscribe()
    expect(page.data.consentNote).toBe('暂时无法订阅提醒，请稍后重试')
  })

  test('a slot taken meanwhile: 已约满 in Chinese, and the rota read again', async () => {
    const page = await open()
    page.onBookOpen(tap({ id: 52 }))
    page.onFormInput(input('topic', '加装电梯'))
    shim.route('POST /api/v1/rota-shifts/52/bookings', { status: 409, body: { code: 'deputy.slot_full', message: 'full' } })
    await page.onFormSend()
    expect(shim.modals[0]).toMatchObject({ title: '未能预约', content: '这个时段已约满，请选择其他时段', confirmText: '知道了' })
    expect(shim.requestsTo('GET /api/v1/studios/3/rota')).toHaveLength(2)
    expect(page.data.sent).toBe('')
  })

  test('约见 a named deputy', async () => {
    const page = await open()
    page.onMeetOpen(tap({ id: 9 }))
    expect(page.data).toMatchObject({ formKind: 'meeting', formAt: 9, formTitle: '约见王建国' })
    page.onFormInput(input('topic', '河道整治'))
    shim.route('POST /api/v1/deputies/9/meeting-requests', { status: 201, body: fixtures.reception({ kind: 'appointment', status: 'requested', shift_id: null, meets_at: null, deputy_id: 9 }) })
    await page.onFormSend()
    expect(shim.requestsTo('POST /api/v1/deputies/9/meeting-requests')[0].data).toEqual({ topic: '河道整治' })
    expect(shim.toasts).toEqual(['已发送约见请求'])
    expect(page.data.sent).toBe('约见请求已发送，代表确认后会约定时间。')
  })

  test('a member of the public: the visitor token of an unbound login, a name and a mobile number, no templates', async () => {
    asVisitor()
    const page = await open()
    expect(shim.requestsTo('POST /api/v1/auth/wechat')).toHaveLength(1)
    expect(page.data.visitor).toBe(true)
    expect(shim.requestsTo('GET /api/v1/studios')[0].header.Authorization).toBe('Bearer vt-1')
    expect(shim.requestsTo('GET /api/v1/notifications/templates')).toHaveLength(0)

    page.onBookOpen(tap({ id: 52 }))
    page.onFormInput(input('topic', '加装电梯'))
    await page.onFormSend()
    expect(page.data.formError).toBe('请填写您的姓名')
    page.onFormInput(input('name', '赵六'))
    page.onFormInput(input('phone', '1381234567'))
    await page.onFormSend()
    expect(page.data.formError).toBe('请填写正确的手机号码（11位）')
    page.onFormInput(input('phone', '138 1234 5678'))
    shim.route('POST /api/v1/rota-shifts/52/bookings', { status: 201, body: fixtures.reception({ person_id: null, name: '赵六', phone: '13812345678' }) })
    await page.onFormSend()
    expect(shim.requestsTo('POST /api/v1/rota-shifts/52/bookings')[0]).toMatchObject({
      data: { topic: '加装电梯', name: '赵六', phone: '13812345678' }, header: { Authorization: 'Bearer vt-1' },
    })
    expect(page.data.sent).toBe('预约成功，请按时到工作室。您可在下方“我的预约和约见”中查看。')
    // The name and number typed stay for the next booking
    page.onMeetOpen(tap({ id: 12 }))
    expect(page.data.form).toEqual({ topic: '', name: '赵六', phone: '138 1234 5678' })
  })

  test('a visitor over the day\'s limit is told to try tomorrow', async () => {
    asVisitor()
    const page = await open()
    page.onBookOpen(tap({ id: 52 }))
    page.onFormInput(input('topic', '加装电梯'))
    page.onFormInput(input('name', '赵六'))
    page.onFormInput(input('phone', '13812345678'))
    shim.route('POST /api/v1/rota-shifts/52/bookings', { status: 429, body: { code: 'deputy.too_many_requests', message: 'too many' } })
    await page.onFormSend()
    expect(shim.modals[0].content).toBe('今天的预约次数已达上限，请明天再试')
  })

  test('my bookings and requests with 取消 while still to come', async () => {
    const page = await open({}, { mine: [fixtures.reception(), fixtures.reception({ id: 60, status: 'attended' })] })
    expect(page.data.mine.map((r) => [r.id, r.statusText, r.canCancel])).toEqual([[61, '已预约', true], [60, '已接待', false]])
    shim.route('POST /api/v1/receptions/61/cancel', { status: 200, body: fixtures.reception({ status: 'cancelled' }) })
    shim.modalAnswers.push(true)
    await page.onCancel(tap({ id: 61 }))
    expect(shim.modals[0]).toMatchObject({ title: '取消预约', content: '取消11月25日 周三 09:00的预约接待吗？', confirmText: '确认取消' })
    expect(shim.requestsTo('POST /api/v1/receptions/61/cancel')).toHaveLength(1)
    expect(shim.toasts).toEqual(['已取消'])
  })

  test('months from this one on; ?id= opens that studio; 换一个工作室', async () => {
    const other = fixtures.studio({ id: 4, name: '东关党代表工作室' })
    route({ studios: fixtures.studiosPage([fixtures.studio(), other]) })
    shim.route('GET /api/v1/studios/4', { status: 200, body: other })
    shim.route('GET /api/v1/studios/4/rota', { status: 200, body: fixtures.rota([], { studio_id: 4 }) })
    const page = loadPage('pages/studio/index')
    await page.onLoad({ id: '4' })
    expect(page.data).toMatchObject({ studioIndex: 1, studio: { name: '东关党代表工作室' } })
    await page.onStudio({ detail: { value: '0' } })
    expect(page.data.studio.name).toBe('文昌党代表工作室')
    await page.onMonth(tap({ step: -1 }))
    expect(page.data.month).toBe('2026-11')
    await page.onMonth(tap({ step: 1 }))
    expect(page.data).toMatchObject({ month: '2026-12', monthText: '2026年12月', shifts: [] })
    expect(shim.requestsTo('GET /api/v1/studios/3/rota').map((r) => r.data.month)).toEqual(['2026-11', '2026-12'])
  })

  test('no studio yet: the empty state; a failure: the error with 重试', async () => {
    const page = await open({}, { studios: fixtures.studiosPage([]) })
    expect(page.data).toMatchObject({ studio: null, loadError: null, loading: false })
    shim.route('GET /api/v1/studios', { status: 503, body: { code: 'server.busy', message: 'busy' } })
    const failing = loadPage('pages/studio/index')
    await failing.onLoad({})
    expect(failing.data.loadError).toMatchObject({ message: '使用人数较多，请稍后再试', retryable: true })
  })
})

describe('我的反映', () => {
  test('a deputy\'s cases, questions and proposals: status, deadline, overdue; a tap opens one', async () => {
    shim.route('GET /api/v1/me', { status: 200, body: deputyMe() })
    shim.route('GET /api/v1/me/matters', {
      status: 200,
      body: [
        fixtures.matter({ timeline: [] }),
        fixtures.matter({ id: 80, timeline: [], overdue: true, due_on: '2026-11-18' }),
        fixtures.matter({ id: 79, kind: 'proposal', status: 'submitted', number: '市党代表提案 2026-017', due_on: null, timeline: [] }),
      ],
    })
    const page = loadPage('pages/my-matters/index')
    await page.onLoad()
    expect(page.data).toMatchObject({ visitor: false, deputy: true })
    expect(page.data.items.map((m) => [m.kindText, m.statusText, m.deadline, m.overdue])).toEqual([
      ['反映问题', '办理中', '办理期限：11月27日 周五', false],
      ['反映问题', '办理中 · 已逾期', '办理期限：11月18日 周三', true],
      ['提案', '待立案', '', false],
    ])
    page.onOpen(tap({ id: 80 }))
    page.onGo(tap({ url: '/pages/proposal-form/index' }))
    expect(shim.navigations).toEqual([
      { kind: 'navigateTo', url: '/pages/matter/index?id=80' },
      { kind: 'navigateTo', url: '/pages/proposal-form/index' },
    ])
  })

  test('a member of the public reads theirs with the visitor token, without /me', async () => {
    asVisitor()
    shim.route('GET /api/v1/me/matters', { status: 200, body: [fixtures.matter({ timeline: [], raiser_phone: '13812345678' })] })
    const page = loadPage('pages/my-matters/index')
    await page.onLoad()
    expect(page.data).toMatchObject({ visitor: true, deputy: false })
    expect(page.data.items).toHaveLength(1)
    expect(shim.requestsTo('GET /api/v1/me')).toHaveLength(0)
    expect(shim.requestsTo('GET /api/v1/me/matters')[0].header.Authorization).toBe('Bearer vt-1')
  })

  test('a failure is the error state; shown again, the list is read again', async () => {
    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me() })
    shim.route('GET /api/v1/me/matters', { status: 500, body: { code: 'internal', message: 'boom' } })
    const page = loadPage('pages/my-matters/index')
    await page.onLoad()
    expect(page.data.loadError).toMatchObject({ message: '服务器开小差了，请稍后重试', retryable: true })
    shim.route('GET /api/v1/me/matters', { status: 200, body: [] })
    await page.onPullDownRefresh()
    expect(page.data).toMatchObject({ loadError: null, items: [] })
    page.onShow()
    await settleUntil(() => shim.requestsTo('GET /api/v1/me/matters').length === 3)
    expect(shim.requestsTo('GET /api/v1/me/matters')).toHaveLength(3)
  })
})

describe('事项详情', () => {
  const MATTER = 'GET /api/v1/matters/81'
  const STEPS = 'POST /api/v1/matters/81/steps'

  async function open(matter, me = fixtures.me(), query = { id: '81' }) {
    shim.route(MATTER, { status: 200, body: matter })
    shim.route('GET /api/v1/me', { status: 200, body: me })
    shim.route('GET /api/v1/people/1/constituency', { status: 200, body: fixtures.constituency() })
    shim.route('GET /api/v1/notifications/templates', { status: 200, body: fixtures.templates({ reminder: 0 }) })
    const page = loadPage('pages/matter/index')
    await page.onLoad(query)
    return page
  }

  const answered = (extra = {}) => fixtures.matter({
    status: 'answered',
    answer: '已协调街道，明年一季度开工',
    answered_at: '2026-11-18T16:00:00+08:00',
    timeline: [
      ...fixtures.matter().timeline,
      fixtures.timelineEntry('answer', 'answered', { actor_name: '王书记', org: { id: 6, name: '第一党支部' }, note: '已协调街道，明年一季度开工', at: '2026-11-18T16:00:00+08:00' }),
    ],
    ...extra,
  })

  test('the matter and its timeline, oldest first; the raiser (a visitor) rates it, 不满意 sending it back', async () => {
    asVisitor()
    const page = await open(answered({ raiser_phone: '13812345678' }))
    expect(shim.requestsTo('GET /api/v1/me')).toHaveLength(0)
    expect(page.data).toMatchObject({ visitor: true, canRate: true, steps: [] })
    expect(page.data.matter).toMatchObject({ title: '小区加装电梯', statusText: '已答复', answer: '已协调街道，明年一季度开工', handlerName: '第一党支部' })
    expect(page.data.matter.timeline.map((t) => `${t.action} ${t.at} ${t.who}${t.org ? ` ${t.org}` : ''}`)).toEqual([
      '提出 11月12日 周四 10:00 李伟芳', '转交办理 11月12日 周四 11:00 李伟芳 第一党支部', '答复 11月18日 周三 16:00 王书记 第一党支部',
    ])
    expect(page.data.ratingNote).toBe('选择“不满意”，将退回承办单位重新办理一次（只能退回一次）。')

    await page.onRate()
    expect(page.data.ratingError).toBe('请先选择您的评价')
    page.onRatingPick(tap({ rating: 'unsatisfied' }))
    page.onCommentInput({ detail: { value: ' 时间太晚 ' } })
    shim.route('POST /api/v1/matters/81/rating', { status: 200, body: fixtures.matter({ rounds: 2, rating: 'unsatisfied' }) })
    shim.route(MATTER, { status: 200, body: fixtures.matter({ rounds: 2, rating: 'unsatisfied' }) })
    await page.onRate()
    expect(shim.requestsTo('POST /api/v1/matters/81/rating')[0]).toMatchObject({
      data: { rating: 'unsatisfied', comment: '时间太晚' }, header: { Authorization: 'Bearer vt-1' },
    })
    expect(shim.subscribeCalls).toEqual([]) // visitors are not sent WeChat messages
    expect(shim.toasts).toEqual(['已退回重新办理'])
    expect(page.data.canRate).toBe(false)
  })

  test('a member sending it back is asked, inside the tap, for consent to hear of the second answer', async () => {
    const page = await open(answered(), { ...fixtures.me(), name: '张三', id: 3 })
    await settleUntil(() => page.templates)
    expect(page.data.canRate).toBe(true)
    page.onRatingPick(tap({ rating: 'unsatisfied' }))
    shim.subscribeAnswer = { success: { TPL_ACTIVITY_REMINDER: 'accept' } }
    shim.route('POST /api/v1/subscriptions', { status: 204, body: '' })
    shim.route('POST /api/v1/matters/81/rating', { status: 200, body: fixtures.matter({ rounds: 2 }) })
    const rating = page.onRate()
    expect(shim.subscribeCalls).toEqual([['TPL_ACTIVITY_REMINDER']])
    await rating
    expect(shim.requestsTo('POST /api/v1/matters/81/rating')[0].data).toEqual({ rating: 'unsatisfied', comment: '' })
  })

  test('满意 asks nothing and closes it; rated twice is said in Chinese', async () => {
    const page = await open(answered(), { ...fixtures.me(), name: '张三', id: 3 })
    page.onRatingPick(tap({ rating: 'satisfied' }))
    shim.route('POST /api/v1/matters/81/rating', { status: 409, body: { code: 'deputy.already_rated', message: 'rated' } })
    await page.onRate()
    expect(shim.subscribeCalls).toEqual([])
    expect(shim.modals[0]).toMatchObject({ title: '评价未提交', content: '您已评价过，不能重复评价' })
  })

  test('the case\'s deputy forwards it to an organisation of the constituency, or to one by its number', async () => {
    const page = await open(fixtures.matter({ status: 'open', handler_org: null, due_on: null }), deputyMe(['secretary', 6, '第一党支部']))
    expect(page.data.steps.map((s) => s.label)).toEqual(['转交办理', '办结'])
    await page.onStepOpen(tap({ step: 'forward' }))
    expect(page.data.orgs.map((o) => o.text)).toEqual(['街道党工委', '第一党支部', '其他组织（填写组织编号）'])
    await page.onStepSend()
    expect(page.data.stepError).toBe('请选择组织')
    page.onStepPick({ detail: { value: '2' } })
    page.onStepInput(input('orgNumber', '十二'))
    await page.onStepSend()
    expect(page.data.stepError).toBe('请填写正确的组织编号（数字）')
    page.onStepInput(input('orgNumber', '12'))
    shim.route(STEPS, { status: 200, body: fixtures.matter({ handler_org: { id: 12, name: '城管中队' } }) })
    await page.onStepSend()
    expect(shim.requestsTo(STEPS)[0].data).toEqual({ step: 'forward', org_id: 12 })
    expect(shim.toasts).toEqual(['已转交'])
    expect(page.data.stepAt).toBe('')
  })

  test('办结 needs a note', async () => {
    const page = await open(fixtures.matter({ status: 'open', handler_org: null }), deputyMe())
    await page.onStepOpen(tap({ step: 'close' }))
    await page.onStepSend()
    expect(page.data.stepError).toBe('请填写办结说明')
    page.onStepInput(input('text', '已当面解答'))
    shim.route(STEPS, { status: 200, body: fixtures.matter({ status: 'closed' }) })
    await page.onStepSend()
    expect(shim.requestsTo(STEPS)[0].data).toEqual({ step: 'close', note: '已当面解答' })
  })

  test('the handling organisation answers or returns a case; opened from the inbox of the one above, too', async () => {
    const page = await open(fixtures.matter({ deputy_id: 9 }), fixtures.me(['secretary', 6, '第一党支部']))
    expect(page.data.steps.map((s) => s.step)).toEqual(['answer', 'return'])
    await page.onStepOpen(tap({ step: 'answer' }))
    page.onStepInput(input('text', '已协调街道'))
    shim.route(STEPS, { status: 200, body: answered() })
    await page.onStepSend()
    expect(shim.requestsTo(STEPS)[0].data).toEqual({ step: 'answer', answer: '已协调街道' })
    expect(shim.toasts).toEqual(['已答复'])

    const above = await open(fixtures.matter({ deputy_id: 9 }), fixtures.me(['org_admin', 5, '街道党工委']), { id: '81', org: '5' })
    expect(above.data.steps.map((s) => s.step)).toEqual(['answer', 'return'])
    await above.onStepOpen(tap({ step: 'return' }))
    page.onStepInput(input('text', ''))
    above.onStepInput(input('text', '不属于本单位职责'))
    await above.onStepSend()
    expect(shim.requestsTo(STEPS)[1].data).toEqual({ step: 'return', reason: '不属于本单位职责' })
  })

  test('a question is made private with a reason; a step refused is said in Chinese', async () => {
    const page = await open(fixtures.matter({ kind: 'question', deputy_id: null, status: 'answered' }), fixtures.me(['secretary', 6, '第一党支部']))
    expect(page.data.steps.map((s) => s.label)).toEqual(['设为不公开'])
    await page.onStepOpen(tap({ step: 'make_private' }))
    page.onStepInput(input('text', '涉及个人隐私'))
    shim.route(STEPS, { status: 403, body: { code: 'auth.forbidden', message: 'no' } })
    await page.onStepSend()
    expect(shim.requestsTo(STEPS)[0].data).toEqual({ step: 'make_private', reason: '涉及个人隐私' })
    expect(shim.modals[0]).toMatchObject({ title: '未能设为不公开', content: '您没有权限进行此操作' })
  })

  test('a proposal: a co-signer confirms, the lead waits for them and then submits', async () => {
    const draft = (confirmed) => fixtures.matter({
      kind: 'proposal', status: 'draft', handler_org: null, due_on: null, addressed_org: { id: 5, name: '街道党工委' },
      cosigners: [{ person_id: 9, name: '王建国', confirmed }],
    })
    const cosigner = await open(draft(false), { ...deputyMe(), id: 9, name: '王建国' })
    expect(cosigner.data.steps.map((s) => s.label)).toEqual(['确认联名'])
    shim.route(STEPS, { status: 200, body: draft(true) })
    shim.modalAnswers.push(true)
    await cosigner.onStepOpen(tap({ step: 'cosign' }))
    expect(shim.modals[0]).toMatchObject({ title: '确认联名', confirmText: '确认联名' })
    expect(shim.requestsTo(STEPS)[0].data).toEqual({ step: 'cosign' })

    const waiting = await open(draft(false), deputyMe())
    expect(waiting.data).toMatchObject({ steps: [], waiting: '等待王建国确认联名后才能提交' })
    const lead = await open(draft(true), deputyMe())
    expect(lead.data.steps.map((s) => s.label)).toEqual(['提交提案'])
    await lead.onStepOpen(tap({ step: 'submit' })) // the modal cancelled
    expect(shim.requestsTo(STEPS)).toHaveLength(1)
  })

  test('the committee accepts a proposal and names its handler', async () => {
    const submitted = fixtures.matter({
      kind: 'proposal', status: 'submitted', number: '市党代表提案 2026-017', deputy_id: 9, handler_org: null, addressed_org: { id: 5, name: '街道党工委' },
    })
    const page = await open(submitted, fixtures.me(['org_admin', 5, '街道党工委']))
    expect(page.data.steps.map((s) => s.label)).toEqual(['立案交办', '不予立案'])
    await page.onStepOpen(tap({ step: 'accept' }))
    expect(shim.requestsTo('GET /api/v1/people/1/constituency')).toHaveLength(0) // not a deputy
    expect(page.data.orgs.map((o) => o.text)).toEqual(['街道党工委', '其他组织（填写组织编号）'])
    page.onStepPick({ detail: { value: '1' } })
    page.onStepInput(input('orgNumber', '6'))
    shim.route(STEPS, { status: 200, body: fixtures.matter({ kind: 'proposal' }) })
    await page.onStepSend()
    expect(shim.requestsTo(STEPS)[0].data).toEqual({ step: 'accept', handler_org_id: 6 })
    expect(shim.toasts).toEqual(['已立案交办'])
  })

  test('a matter the person may not read: the error state without 重试', async () => {
    shim.route(MATTER, { status: 404, body: { code: 'deputy.not_found', message: 'no such matter' } })
    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me() })
    const page = loadPage('pages/matter/index')
    await page.onLoad({ id: '81' })
    expect(page.data.loadError).toMatchObject({ message: '该记录不存在或您无权查看，请下拉刷新', retryable: false })
  })
})

describe('提出质询', () => {
  async function open(me = fixtures.me(['reviewer', 5, '街道党工委'])) {
    shim.route('GET /api/v1/me', { status: 200, body: me })
    shim.route('GET /api/v1/people/1/constituency', { status: 200, body: fixtures.constituency({ orgs: [{ id: 2, name: '市委' }] }) })
    shim.route('GET /api/v1/notifications/templates', { status: 200, body: fixtures.templates({ reminder: 0 }) })
    const page = loadPage('pages/question-form/index')
    await page.onLoad()
    await settleUntil(() => page.templates)
    return page
  }

  test('to my own organisation, one of my roles, or another by number; the checks; consent, then the question opens', async () => {
    const page = await open()
    expect(page.data.orgs.map((o) => o.text)).toEqual(['您所在的党组织', '街道党工委', '其他组织（填写组织编号）'])
    expect(page.data.form.orgIndex).toBe(0)
    await page.onSubmit()
    expect(page.data.formError).toBe('请选择质询类别')
    page.onPick({ currentTarget: { dataset: { field: 'categoryIndex' } }, detail: { value: '3' } })
    page.onInput(input('title', '老旧小区改造进度'))
    await page.onSubmit()
    expect(page.data.formError).toBe('请填写质询内容')
    page.onInput(input('body', '改造何时完成？'))
    page.onPick({ currentTarget: { dataset: { field: 'orgIndex' } }, detail: { value: '1' } })
    shim.subscribeAnswer = { success: { TPL_ACTIVITY_REMINDER: 'reject' } }
    shim.route('POST /api/v1/subscriptions', { status: 204, body: '' })
    shim.route('POST /api/v1/questions', { status: 201, body: fixtures.matter({ id: 82, kind: 'question' }) })
    const sending = page.onSubmit()
    expect(shim.subscribeCalls).toEqual([['TPL_ACTIVITY_REMINDER']])
    await sending
    expect(shim.requestsTo('POST /api/v1/questions')[0].data).toEqual({
      org_id: 5, category: 'governance', title: '老旧小区改造进度', body: '改造何时完成？',
    })
    expect(shim.toasts).toEqual(['质询已提交'])
    expect(shim.navigations).toEqual([{ kind: 'redirectTo', url: '/pages/matter/index?id=82' }])
  })

  test('a deputy may ask any organisation: their constituency\'s are offered too', async () => {
    const page = await open(deputyMe())
    expect(page.data.orgs.map((o) => o.text)).toEqual(['您所在的党组织', '市委', '其他组织（填写组织编号）'])
  })

  test('a member asking an organisation not above them is refused in Chinese, the form kept', async () => {
    const page = await open(fixtures.me())
    page.onPick({ currentTarget: { dataset: { field: 'orgIndex' } }, detail: { value: '1' } })
    page.onInput(input('orgNumber', '77'))
    page.onPick({ currentTarget: { dataset: { field: 'categoryIndex' } }, detail: { value: '0' } })
    page.onInput(input('title', '标题'))
    page.onInput(input('body', '内容'))
    shim.route('POST /api/v1/questions', { status: 400, body: { code: 'deputy.invalid_input', message: 'a member asks their own organisation or one above it' } })
    await page.onSubmit()
    expect(shim.requestsTo('POST /api/v1/questions')[0].data.org_id).toBe(77)
    expect(shim.modals[0]).toMatchObject({ title: '质询未提交', content: '填写的内容有误，请检查后重试' })
    expect(page.data.form.title).toBe('标题')
    expect(shim.navigations).toEqual([])
  })
})

describe('提出提案', () => {
  test('not a deputy: the page says so and asks nothing more', async () => {
    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me() })
    const page = loadPage('pages/proposal-form/index')
    await page.onLoad()
    expect(page.data.deputy).toBe(false)
    expect(shim.requests.map((r) => r.path)).toEqual(['/api/v1/me'])
  })

  test('a deputy drafts with co-signers ticked from the studios\' deputies; the proposal then opens', async () => {
    shim.route('GET /api/v1/me', { status: 200, body: deputyMe() })
    shim.route('GET /api/v1/people/1/constituency', { status: 200, body: fixtures.constituency() })
    shim.route('GET /api/v1/studios', { status: 200, body: fixtures.studiosPage([fixtures.studio(), fixtures.studio({ id: 4, deputies: [{ person_id: 9, name: '王建国', level: 'county' }, { person_id: 15, name: '孙丽', level: null }] })]) })
    shim.route('GET /api/v1/notifications/templates', { status: 200, body: fixtures.templates({ reminder: 1 }) })
    const page = loadPage('pages/proposal-form/index')
    await page.onLoad()
    expect(page.data.cosigners).toEqual([
      { id: 9, text: '王建国（县党代表）' }, { id: 12, text: '周敏（党代表）' }, { id: 15, text: '孙丽（党代表）' },
    ])
    expect(page.data.orgs.map((o) => o.text)).toEqual(['街道党工委', '第一党支部', '其他组织（填写组织编号）'])
    page.onPick({ currentTarget: { dataset: { field: 'categoryIndex' } }, detail: { value: '0' } })
    page.onInput(input('title', '关于增设社区助老食堂的提案'))
    page.onInput(input('body', '建议在各社区增设助老食堂'))
    await page.onSubmit()
    expect(page.data.formError).toBe('请选择组织')
    page.onPick({ currentTarget: { dataset: { field: 'orgIndex' } }, detail: { value: '0' } })
    page.onCosigners({ detail: { value: ['9', '15'] } })
    shim.route('POST /api/v1/proposals', { status: 201, body: fixtures.matter({ id: 83, kind: 'proposal', status: 'draft' }) })
    await page.onSubmit()
    expect(shim.subscribeCalls).toEqual([]) // the long-term reminder is already granted
    expect(shim.requestsTo('POST /api/v1/proposals')[0].data).toEqual({
      category: 'livelihood', title: '关于增设社区助老食堂的提案', body: '建议在各社区增设助老食堂', addressed_org_id: 5, cosigner_ids: [9, 15],
    })
    expect(shim.toasts).toEqual(['已起草，等待联名代表确认'])
    expect(shim.navigations).toEqual([{ kind: 'redirectTo', url: '/pages/matter/index?id=83' }])
  })
})

describe('待办事项', () => {
  const LIST = 'GET /api/v1/orgs/6/matters'

  async function open(pages = [fixtures.mattersPage([fixtures.matter({ timeline: [] })])], me = fixtures.me(['secretary', 6, '第一党支部'], ['reviewer', 5, '街道党工委'])) {
    shim.route('GET /api/v1/me', { status: 200, body: me })
    shim.route(LIST, (req) => ({ status: 200, body: pages[Math.min(req.data.page, pages.length) - 1] }))
    const page = loadPage('pages/matters-inbox/index')
    await page.onLoad()
    return page
  }

  test('what my organisation must answer, with deadlines; a tap opens it with the organisation', async () => {
    const page = await open()
    expect(page.data.orgs).toEqual([{ id: 6, name: '第一党支部' }, { id: 5, name: '街道党工委' }])
    expect(shim.requestsTo(LIST)[0].data).toEqual({ page: 1, per_page: 20 })
    expect(page.data.items.map((m) => [m.title, m.statusText, m.deadline, m.handlerName])).toEqual([
      ['小区加装电梯', '办理中', '办理期限：11月27日 周五', '第一党支部'],
    ])
    page.onOpen(tap({ id: 81 }))
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/matter/index?id=81&org=6' }])
  })

  test('by kind, status and 只看逾期, each from the first page; more on reaching the bottom', async () => {
    const rows = (from, n) => Array.from({ length: n }, (_, i) => fixtures.matter({ id: from + i, timeline: [] }))
    const page = await open([
      fixtures.mattersPage(rows(1, 20), { total: 23 }),
      fixtures.mattersPage(rows(21, 3), { total: 23, page: 2 }),
    ])
    expect(page.data).toMatchObject({ total: 23, hasMore: true })
    await page.onReachBottom()
    expect(shim.requestsTo(LIST)[1].data).toEqual({ page: 2, per_page: 20 })
    expect(page.data).toMatchObject({ hasMore: false })
    expect(page.data.items).toHaveLength(23)

    await page.onKind(tap({ kind: 'question' }))
    expect(shim.requestsTo(LIST)[2].data).toEqual({ page: 1, per_page: 20, kind: 'question' })
    await page.onStatus({ detail: { value: String(page.data.statuses.findIndex((s) => s.key === 'submitted')) } })
    expect(shim.requestsTo(LIST)[3].data).toEqual({ page: 1, per_page: 20, kind: 'question', status: 'submitted' })
    await page.onOverdueOnly()
    expect(shim.requestsTo(LIST)[4].data).toEqual({
      page: 1, per_page: 20, kind: 'question', status: 'submitted', overdue: true,
    })
    await page.onOrg({ detail: { value: '1' } })
    expect(shim.requestsTo('GET /api/v1/orgs/5/matters')).toHaveLength(1)
  })

  test('without a role that reads an organisation there is nothing to ask for', async () => {
    const page = await open(undefined, fixtures.me(['community_admin', 30, '文昌社区']))
    expect(page.data).toMatchObject({ orgs: [], items: [], loadError: null })
    expect(shim.requestsTo(LIST)).toHaveLength(0)
  })

  test('a refusal is said in Chinese, without 重试', async () => {
    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me(['secretary', 6, '第一党支部']) })
    shim.route(LIST, { status: 403, body: { code: 'auth.forbidden', message: 'no' } })
    const page = loadPage('pages/matters-inbox/index')
    await page.onLoad()
    expect(page.data.loadError).toMatchObject({ message: '您没有权限进行此操作', retryable: false })
  })
})
