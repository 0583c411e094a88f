// The organisers' check-in pages through the Page harness: the venue QR screen with its components/rotating-qr (on
// the fake clock), the attendance roster with organiser check-in, undo and leave decisions, exemptions, and the plan
// page's links to them.
const { signedIn } = require('./signed-in')
const { loadPage, loadScreen } = require('./page-harness')
const fixtures = require('./fixtures')

const shim = signedIn()

const tap = (dataset) => ({ currentTarget: { dataset } })

describe('venue QR screen', () => {
  const START = Date.parse('2026-11-20T06:00:10Z') // 14:00:10 in Beijing, a third into a 30 s window

  // GET /qr answers a new token per window, valid until the end of the current 30 s window by the server's clock.
  function routeQr({ windowSeconds = 30 } = {}) {
    let issued = 0
    shim.route('GET /api/v1/activities/12/qr', () => {
      issued += 1
      const now = Date.now()
      const validUntil = windowSeconds ? Math.floor(now / (windowSeconds * 1000) + 1) * windowSeconds * 1000 : now + 86400000
      return {
        status: 200,
        body: {
          url: `https://hdr.example.cn/c/K7P2QX9M?t=token${issued}xxxxxxxxxx`,
          token: `token${issued}xxxxxxxxxx`,
          window_seconds: windowSeconds,
          valid_until: new Date(validUntil).toISOString().replace('Z', '+00:00'),
          png_base64: `PNG${issued}`,
        },
      }
    })
  }

  function routeLive(options = {}) {
    let present = 30
    shim.route('GET /api/v1/activities/12/live', () => {
      present += 1
      return { status: 200, body: fixtures.live({ present }), ...options }
    })
  }

  async function open() {
    jest.useFakeTimers({ now: START })
    shim.route('GET /api/v1/activities/12', { status: 200, body: fixtures.activity() })
    const screen = loadScreen('pages/venue-qr/index', 'components/rotating-qr/index', { src: 'qrPath' })
    screen.load({ activity: '12' })
    screen.show()
    await jest.advanceTimersByTimeAsync(5)
    return screen
  }

  const qrFetches = () => shim.requestsTo('GET /api/v1/activities/12/qr').length
  const livePolls = () => shim.requestsTo('GET /api/v1/activities/12/live').length

  test('shows the code full screen with the title, and fetches it again only once valid_until has passed', async () => {
    routeQr()
    routeLive()
    const { page, part: qr } = await open()

    expect(page.data).toMatchObject({ qrPath: '/api/v1/activities/12/qr', theme: '学习贯彻全会精神', phaseText: '签到中' })
    expect(qr.data).toMatchObject({ qrSrc: 'data:image/png;base64,PNG1', windowSeconds: 30, loading: false })
    expect(shim.keepScreenOn).toBe(true)

    await jest.advanceTimersByTimeAsync(19000) // valid until 14:00:30, not for a whole window
    expect(qrFetches()).toBe(1)
    await jest.advanceTimersByTimeAsync(1500)
    expect(qrFetches()).toBe(2)
    expect(qr.data.qrSrc).toBe('data:image/png;base64,PNG2')

    await jest.advanceTimersByTimeAsync(30000)
    expect(qrFetches()).toBe(3)
  })

  test('a static code (window_seconds 0) is fetched once', async () => {
    routeQr({ windowSeconds: 0 })
    routeLive()
    const { part: qr } = await open()
    await jest.advanceTimersByTimeAsync(5 * 60 * 1000)
    expect(qrFetches()).toBe(1)
    expect(qr.data.windowSeconds).toBe(0)
    expect(livePolls()).toBeGreaterThan(250)
  })

  test('the live count is polled every second, one request at a time', async () => {
    routeQr()
    routeLive()
    const { page } = await open()
    expect(page.data.live).toMatchObject({ present: 31, expected: 40 })

    await jest.advanceTimersByTimeAsync(1000)
    expect(page.data.live.present).toBe(32)
    await jest.advanceTimersByTimeAsync(3000)
    expect(livePolls()).toBe(5)

    routeLive({ delay: 2500 }) // a slow network: no pile-up
    await jest.advanceTimersByTimeAsync(10000)
    expect(livePolls()).toBeLessThanOrEqual(5 + 4)
  })

  test('every timer stops when the page is closed, and when hidden until shown again', async () => {
    routeQr()
    routeLive()
    const screen = await open()

    screen.hide()
    expect(shim.keepScreenOn).toBe(false)
    const [qr, live] = [qrFetches(), livePolls()]
    await jest.advanceTimersByTimeAsync(120000)
    expect([qrFetches(), livePolls()]).toEqual([qr, live])

    screen.show()
    await jest.advanceTimersByTimeAsync(5)
    expect(qrFetches()).toBe(qr + 1)
    expect(shim.keepScreenOn).toBe(true)
    await jest.advanceTimersByTimeAsync(2000)
    expect(livePolls()).toBeGreaterThan(live)

    screen.unload()
    await jest.advanceTimersByTimeAsync(10) // answers already on their way
    expect(jest.getTimerCount()).toBe(0)
    const after = [qrFetches(), livePolls()]
    await jest.advanceTimersByTimeAsync(120000)
    expect([qrFetches(), livePolls()]).toEqual(after)
  })

  test('an answer arriving after the page closed starts nothing', async () => {
    routeQr()
    routeLive({ delay: 500 })
    const screen = await open()
    await jest.advanceTimersByTimeAsync(1700) // the second live poll (sent at 1.5 s, answered at 2 s) is in flight
    expect(livePolls()).toBe(2)
    screen.unload()
    await jest.advanceTimersByTimeAsync(1000)
    expect(jest.getTimerCount()).toBe(0)
    expect(livePolls()).toBe(2)
  })

  test('a failed refresh keeps the old code (dimmed) and tries again; a first failure is the error state', async () => {
    routeQr()
    routeLive()
    const screen = await open()
    shim.route('GET /api/v1/activities/12/qr', { fail: 'request:fail errcode:-101' })
    await jest.advanceTimersByTimeAsync(30500)
    expect(screen.part.data).toMatchObject({ qrSrc: 'data:image/png;base64,PNG1', qrStale: true, loadError: null })

    routeQr()
    await jest.advanceTimersByTimeAsync(3000)
    expect(screen.part.data).toMatchObject({ qrSrc: 'data:image/png;base64,PNG1', qrStale: false })
    screen.unload()
  })

  test('a refusal on the first fetch is shown, without 重试', async () => {
    shim.route('GET /api/v1/activities/12/qr', { status: 403, body: { code: 'auth.forbidden', message: 'no' } })
    routeLive()
    const screen = await open()
    expect(screen.part.data.loadError).toEqual({ code: 'auth.forbidden', message: '您没有权限进行此操作', retryable: false, signIn: false })
    await jest.advanceTimersByTimeAsync(10000)
    expect(qrFetches()).toBe(1)
    screen.unload()
  })

  test('with &branch (a themed activity), the branch\'s own venue code; the title left out when refused, the count as ever', async () => {
    jest.useFakeTimers({ now: START })
    shim.route('GET /api/v1/activities/12', { status: 403, body: { code: 'auth.forbidden', message: 'no' } })
    shim.route('GET /api/v1/activities/12/venues/6/qr', { status: 200, body: fixtures.branchVenueQr() })
    routeLive()
    const screen = loadScreen('pages/venue-qr/index', 'components/rotating-qr/index', { src: 'qrPath' })
    screen.load({ activity: '12', branch: '6' })
    screen.show()
    await jest.advanceTimersByTimeAsync(5)
    expect(screen.page.data).toMatchObject({ qrPath: '/api/v1/activities/12/venues/6/qr', theme: '', orgName: '' })
    expect(screen.part.data).toMatchObject({ qrSrc: 'data:image/png;base64,PNGB', loading: false, loadError: null })
    expect(shim.requestsTo('GET /api/v1/activities/12/venues/6/qr')).toHaveLength(1)
    expect(qrFetches()).toBe(0)
    expect(screen.page.data.live).toMatchObject({ present: 31, expected: 40 })

    shim.route('GET /api/v1/activities/12/live', { status: 403, body: { code: 'auth.forbidden', message: 'no' } })
    await jest.advanceTimersByTimeAsync(1000)
    expect(screen.page.data).toMatchObject({ live: { present: 31 }, liveStale: true })
    screen.unload()
  })
})

describe('attendance roster', () => {
  const person = (id, name, status, extra = {}) => ({
    person_id: id, name, status, checkin_id: null, checked_in_at: null, method: null, location_far: false, ...extra,
  })
  const roster = (counts = {}) => ({
    activity: fixtures.activity(),
    counts: {
      expected: 5, present: 2, on_leave: 1, absent: 2, guests: 1, exempt: 1, rate: 0.4, below_threshold: true, ...counts,
    },
    people: [
      person(1, '张三', 'present', { checkin_id: 31, checked_in_at: '2026-11-20T14:02:11+08:00', method: 'scan' }),
      person(2, '李四', 'expected'),
      person(3, '王五', 'on_leave', { note: '出差' }),
      person(4, '赵六', 'present', { checkin_id: 32, checked_in_at: '2026-11-20T14:05:00+08:00', method: 'organiser', location_far: true }),
      person(5, '钱七', 'expected'),
      person(6, '孙八', 'guest', { checkin_id: 33, checked_in_at: '2026-11-20T14:06:00+08:00', method: 'late_sync' }),
      person(7, '周九', 'exempt'),
    ],
  })
  const leaves = [
    fixtures.leave({ id: 8, person_name: '王五', status: 'approved', decision_comment: '同意' }),
    fixtures.leave({ id: 9, person_name: '李四', status: 'pending', reason: '身体不适' }),
  ]

  async function open(body = roster()) {
    shim.route('GET /api/v1/activities/12/attendance', { status: 200, body })
    shim.route('GET /api/v1/activities/12/leave', { status: 200, body: leaves })
    const page = loadPage('pages/attendance/index')
    await page.onLoad({ activity: '12' })
    return page
  }

  test('grouped by status, who is missing first, with the counts and the rate flagged below 80 %', async () => {
    const page = await open()

    expect(page.data.groups.map((g) => [g.title, g.count, g.people.map((p) => p.name)])).toEqual([
      ['未签到', 2, ['李四', '钱七']],
      ['已签到', 2, ['张三', '赵六']],
      ['列席', 1, ['孙八']],
      ['请假', 1, ['王五']],
      ['暂不参加组织生活', 1, ['周九']],
    ])
    expect(page.data.counts).toEqual({
      expected: 5, present: 2, onLeave: 1, absent: 2, guests: 1, exempt: 1, rate: '40%', below: true,
    })
    expect(page.data.groups[1].people[1]).toMatchObject({ time: '14:05', method: '组织人代签', far: true, canUndo: true, canCheckIn: false })
    expect(page.data.groups[0].people[0]).toMatchObject({ canCheckIn: true, canUndo: false })
    expect(page.data.groups[3].people[0]).toMatchObject({ note: '出差', canCheckIn: true })
    expect(page.data.activity).toEqual({ theme: '学习贯彻全会精神', line: '11月20日 14:00–16:00 · 党群服务中心 · 签到中' })
  })

  test('会议照片: a tab of its own, for the activity of the page (its photos: attachment-list.test.js)', async () => {
    const page = await open()
    expect(page.data).toMatchObject({ tab: 'roster', activityId: 12 })
    page.onTab({ currentTarget: { dataset: { tab: 'photos' } } })
    expect(page.data.tab).toBe('photos')
    expect(shim.requestsTo('GET /api/v1/activities/12/attendance')).toHaveLength(1) // the roster is not read again
  })

  test('the server\'s flat answer (activity fields beside the counts), after the activity: 缺席, no rate', async () => {
    const { activity, ...rest } = roster({ expected: 0, present: 0, absent: 0, rate: null, below_threshold: false })
    const page = await open({
      ...rest,
      activity_id: 12,
      theme: '学习贯彻全会精神',
      activity_date: '2026-11-20',
      org_name: '第一党支部',
      people: [person(2, '李四', 'absent'), person(7, '周九', 'exempt', { note: '年老体弱' })],
    })
    expect(page.data.activity).toEqual({ theme: '学习贯彻全会精神', line: '11月20日 · 第一党支部' })
    expect(page.data.groups.map((g) => [g.title, g.count])).toEqual([['缺席', 1], ['暂不参加组织生活', 1]])
    expect(page.data.groups[0].people[0].canCheckIn).toBe(true)
    expect(page.data.counts).toMatchObject({ rate: '—', below: false })
  })

  test('80 % and above is not flagged', async () => {
    const page = await open(roster({ rate: 0.8, below_threshold: false }))
    expect(page.data.counts).toMatchObject({ rate: '80%', below: false })
    const noFlag = await open(roster({ rate: 0.79, below_threshold: undefined }))
    expect(noFlag.data.counts.below).toBe(true)
  })

  test('checking someone in from the roster requires a reason', async () => {
    const page = await open()

    shim.modalAnswers.push({ confirm: true, content: '  ' })
    await page.onPick(tap({ id: 2, name: '李四' }))
    expect(shim.toasts).toEqual(['请填写代签原因'])

    await page.onPick(tap({ id: 2, name: '李四' })) // cancelled
    expect(shim.requestsTo('POST /api/v1/activities/12/checkins')).toHaveLength(0)

    shim.route('POST /api/v1/activities/12/checkins', { status: 200, body: fixtures.checkinAnswer('ok') })
    shim.modalAnswers.push({ confirm: true, content: '无智能手机' })
    await page.onPick(tap({ id: 2, name: '李四' }))
    expect(shim.modals[2]).toMatchObject({ title: '为李四代签', editable: true, placeholderText: '如：无智能手机' })
    expect(shim.requestsTo('POST /api/v1/activities/12/checkins')[0].data).toEqual({ person_id: 2, reason: '无智能手机' })
    expect(shim.toasts).toEqual(['请填写代签原因', '代签成功'])
    expect(shim.requestsTo('GET /api/v1/activities/12/attendance')).toHaveLength(2) // reloaded
  })

  test('scanning a member\'s card sends the card code with the reason', async () => {
    const page = await open()
    shim.route('POST /api/v1/activities/12/checkins', { status: 200, body: fixtures.checkinAnswer('already_checked_in') })
    shim.scanAnswers.push({ result: ' HDRCARD.3.abcdefgh.sig ' })
    shim.modalAnswers.push({ confirm: true, content: '手机没电' })

    await page.onScanCard()

    expect(shim.scanCalls).toEqual([{ onlyFromCamera: true, scanType: undefined }])
    expect(shim.requestsTo('POST /api/v1/activities/12/checkins')[0].data).toEqual({ card_code: 'HDRCARD.3.abcdefgh.sig', reason: '手机没电' })
    expect(shim.toasts).toEqual(['该同志已签到（首次签到时间 14:02）'])
  })

  test('scanning a card also needs the reason; a venue QR is not a card', async () => {
    const page = await open()
    shim.scanAnswers.push({ result: 'HDRCARD.3.abcdefgh.sig' })
    shim.modalAnswers.push({ confirm: true, content: '' })
    await page.onScanCard()
    shim.scanAnswers.push({ result: fixtures.VENUE_URL })
    await page.onScanCard()

    expect(shim.toasts).toEqual(['请填写代签原因', '这是现场签到二维码，请扫描党员的“我的签到码”'])
    expect(shim.requestsTo('POST /api/v1/activities/12/checkins')).toHaveLength(0)
  })

  test('a refused check-in is shown in a dialog', async () => {
    const page = await open()
    shim.route('POST /api/v1/activities/12/checkins', { status: 200, body: fixtures.checkinAnswer('closed') })
    shim.modalAnswers.push({ confirm: true, content: '补签' })
    await page.onPick(tap({ id: 5, name: '钱七' }))
    expect(shim.modals[1]).toEqual({ title: '未能签到', content: '签到已结束', showCancel: false, confirmText: '知道了' })
  })

  test('a network failure offers 重试 with the same person and reason', async () => {
    const page = await open()
    let calls = 0
    shim.route('POST /api/v1/activities/12/checkins', () => {
      calls += 1
      return calls === 1 ? { fail: 'request:fail timeout' } : { status: 200, body: fixtures.checkinAnswer('ok') }
    })
    shim.modalAnswers.push({ confirm: true, content: '无智能手机' }, true)
    await page.onPick(tap({ id: 2, name: '李四' }))
    expect(shim.modals[1]).toMatchObject({ title: '代签失败', confirmText: '重试' })
    expect(shim.requestsTo('POST /api/v1/activities/12/checkins').map((r) => r.data))
      .toEqual([{ person_id: 2, reason: '无智能手机' }, { person_id: 2, reason: '无智能手机' }])
  })

  test('undoing a check-in requires a reason', async () => {
    const page = await open()
    shim.route('POST /api/v1/checkins/32/undo', { status: 200, body: { undone: true } })

    shim.modalAnswers.push({ confirm: true, content: '' })
    await page.onUndo(tap({ checkin: 32, name: '赵六' }))
    expect(shim.requestsTo('POST /api/v1/checkins/32/undo')).toHaveLength(0)
    expect(shim.toasts).toEqual(['请填写撤销原因'])

    shim.modalAnswers.push({ confirm: true, content: '代签错人' })
    await page.onUndo(tap({ checkin: 32, name: '赵六' }))
    expect(shim.requestsTo('POST /api/v1/checkins/32/undo')[0].data).toEqual({ reason: '代签错人' })
    expect(shim.toasts).toEqual(['请填写撤销原因', '已撤销签到'])
  })

  test('leave requests: pending first; approving asks first, declining needs a reason', async () => {
    const page = await open()
    expect(page.data.leaves.map((l) => [l.id, l.statusText])).toEqual([[9, '待审批'], [8, '已批准']])
    expect(page.data.pendingLeaves).toBe(1)
    shim.route('POST /api/v1/leave/9/decision', (req) => ({ status: 200, body: fixtures.leave({ id: 9, status: req.data.approve ? 'approved' : 'declined' }) }))

    await page.onApprove(tap({ id: 9, name: '李四' })) // not confirmed
    shim.modalAnswers.push({ confirm: true, content: '' })
    await page.onDecline(tap({ id: 9, name: '李四' }))
    expect(shim.requestsTo('POST /api/v1/leave/9/decision')).toHaveLength(0)
    expect(shim.toasts).toEqual(['不批准时请填写理由'])

    shim.modalAnswers.push(true)
    await page.onApprove(tap({ id: 9, name: '李四' }))
    shim.modalAnswers.push({ confirm: true, content: '支部党员大会不得请假' })
    await page.onDecline(tap({ id: 9, name: '李四' }))
    expect(shim.requestsTo('POST /api/v1/leave/9/decision').map((r) => r.data)).toEqual([
      { approve: true, comment: null }, { approve: false, comment: '支部党员大会不得请假' },
    ])
  })

  test('a failed load is retryable, and pull-down refresh loads again', async () => {
    shim.route('GET /api/v1/activities/12/attendance', { status: 502, body: '' })
    shim.route('GET /api/v1/activities/12/leave', { status: 200, body: [] })
    const page = loadPage('pages/attendance/index')
    await page.onLoad({ activity: '12' })
    expect(page.data.loadError).toMatchObject({ code: 'internal', retryable: true })

    shim.route('GET /api/v1/activities/12/attendance', { status: 200, body: roster() })
    await page.onPullDownRefresh()
    expect(page.data.loadError).toBeNull()
    expect(page.data.groups).toHaveLength(5)
    expect(shim.pullDownStops).toBe(1)
  })
})

describe('exemptions', () => {
  const exemption = (overrides = {}) => ({
    id: 4, person_id: 9, person_name: '吴十', reason: '年老体弱', valid_from: '2026-01-01', valid_until: null,
    approved_by_name: '李伟芳', approved_at: '2026-01-01T10:00:00+08:00', revoked_at: null, ...overrides,
  })

  async function open() {
    jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-20T02:00:00Z'))
    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me(['reviewer', 5, '街道党工委'], ['secretary', 6, '第一党支部']) })
    shim.route('GET /api/v1/orgs/5/exemptions', {
      status: 200,
      body: [
        exemption(),
        exemption({ id: 5, person_name: '郑一', valid_until: '2026-06-30' }),
        exemption({ id: 6, person_name: '冯二', revoked_at: '2026-03-01T09:00:00+08:00' }),
      ],
    })
    const page = loadPage('pages/exemptions/index')
    await page.onLoad()
    return page
  }

  test('the list of my reviewing organisation, with each one\'s state', async () => {
    const page = await open()
    expect(page.data.orgs).toEqual([{ id: 5, name: '街道党工委' }])
    expect(page.data.items.map((x) => [x.name, x.period, x.stateText, x.canRevoke])).toEqual([
      ['吴十', '2026-01-01 至 长期', '有效', true],
      ['郑一', '2026-01-01 至 2026-06-30', '已到期', false],
      ['冯二', '2026-01-01 至 长期', '已撤销', false],
    ])
  })

  test('adding one: find the person, give a reason, from today for good unless an end is set', async () => {
    const page = await open()
    page.onAdd()
    expect(page.data.form).toMatchObject({ validFrom: '2026-11-20', validUntil: '' })

    await page.onSave()
    expect(page.data.formError).toBe('请先查找并选择人员')

    shim.route('GET /api/v1/orgs/5/people', { status: 200, body: { items: [{ id: 9, name: '吴十', phone: '13900000009', exempt: false }], page: 1, per_page: 20, total: 1 } })
    page.onQuery({ detail: { value: '吴十' } })
    await page.onSearch()
    expect(shim.requestsTo('GET /api/v1/orgs/5/people')[0].data).toEqual({ q: '吴十', per_page: 20 })
    page.onPickPerson(tap({ id: 9 }))
    await page.onSave()
    expect(page.data.formError).toBe('请填写暂不参加组织生活的原因')

    page.onReason({ detail: { value: '长期卧病' } })
    page.onDate({ currentTarget: { dataset: { field: 'validUntil' } }, detail: { value: '2026-11-01' } })
    await page.onSave()
    expect(page.data.formError).toBe('结束日期不能早于开始日期')

    page.onLongTerm()
    shim.route('POST /api/v1/people/9/exemptions', { status: 201, body: exemption({ id: 7 }) })
    await page.onSave()
    expect(shim.requestsTo('POST /api/v1/people/9/exemptions')[0].data).toEqual({ reason: '长期卧病', valid_from: '2026-11-20', valid_until: null })
    expect(page.data.adding).toBe(false)
    expect(shim.requestsTo('GET /api/v1/orgs/5/exemptions')).toHaveLength(2)
  })

  test('revoking needs a reason', async () => {
    const page = await open()
    shim.route('POST /api/v1/exemptions/4/revoke', { status: 200, body: exemption({ revoked_at: '2026-11-20T10:00:00+08:00' }) })
    shim.modalAnswers.push({ confirm: true, content: '' })
    await page.onRevoke(tap({ id: 4, name: '吴十' }))
    expect(shim.requestsTo('POST /api/v1/exemptions/4/revoke')).toHaveLength(0)

    shim.modalAnswers.push({ confirm: true, content: '已恢复参加组织生活' })
    await page.onRevoke(tap({ id: 4, name: '吴十' }))
    expect(shim.requestsTo('POST /api/v1/exemptions/4/revoke')[0].data).toEqual({ reason: '已恢复参加组织生活' })
    expect(shim.toasts).toEqual(['请填写撤销原因', '已撤销'])
  })
})

describe('plan page links', () => {
  async function openPlan(status, overrides = {}) {
    jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-20T02:00:00Z'))
    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me(['secretary', 6, '第一党支部']) })
    shim.route('GET /api/v1/orgs/6/plans', { status: 200, body: [fixtures.plan({ id: 12, month: '2026-11', status, ...overrides })] })
    const page = loadPage('pages/plan/index')
    page.onLoad()
    await page.onShow()
    return page
  }

  test('a filed plan is the activity: 现场签到码 and 考勤名单 open with its id', async () => {
    const page = await openPlan('filed')
    expect(page.data.plan.isActivity).toBe(true)
    page.onVenueQr()
    page.onAttendance()
    expect(shim.navigations).toEqual([
      { kind: 'navigateTo', url: '/pages/venue-qr/index?activity=12' },
      { kind: 'navigateTo', url: '/pages/attendance/index?activity=12' },
    ])
  })

  test('a plan not yet filed has no check-in', async () => {
    const page = await openPlan('submitted')
    expect(page.data.plan.isActivity).toBe(false)
  })

  test('送达情况 only once a preview was published; it opens with the plan id', async () => {
    const filed = await openPlan('filed', { history: [fixtures.event('filed')] })
    expect(filed.data.plan.hasPreview).toBe(false)

    const plan = fixtures.plan({ id: 12, month: '2026-11', status: 'filed', history: [fixtures.event('filed')] })
    shim.route('POST /api/v1/plans/12/publish', {
      status: 200,
      body: { ...plan, published_at: '2026-11-05T10:00:00+08:00', history: [fixtures.event('filed'), fixtures.event('published')] },
    })
    await filed.onPublish()
    expect(filed.data.plan.hasPreview).toBe(true)
    filed.onDeliveries()
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/deliveries/index?plan=12' }])
  })
})
