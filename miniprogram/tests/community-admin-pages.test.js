// The community admins' pages through the Page harness: 社区管理 (publishing with the form's checks, reports,
// suggestions, the progress table), the claim roster with attendance confirmation (hours a number ≥ 0), and the
// volunteer activity's rotating QR on the fake clock, whose timers stop on hide and unload.
const { signedIn } = require('./signed-in')
const { loadPage, loadScreen } = require('./page-harness')
const fixtures = require('./fixtures')

const shim = signedIn()

const tap = (dataset) => ({ currentTarget: { dataset } })
const NOW = Date.parse('2026-11-20T06:07:00Z') // 14:07 in Beijing
const ITEMS = 'GET /api/v1/communities/30/service-items'

describe('社区管理', () => {
  async function open(grants = [['community_admin', 30, '文昌社区']]) {
    jest.spyOn(Date, 'now').mockReturnValue(NOW)
    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me(...grants) })
    shim.route(ITEMS, { status: 200, body: fixtures.itemsPage([fixtures.serviceItem({ taken: 5, waitlist: 1 })]) })
    const page = loadPage('pages/community-admin/index')
    await page.onLoad()
    return page
  }

  test('my communities from /me; the items of the one shown, with places, waitlist and links', async () => {
    const page = await open([['volunteer_lead', 30, '文昌社区'], ['secretary', 6, '第一党支部'], ['community_admin', 31, '东关社区']])
    expect(page.data.orgs).toEqual([{ id: 30, name: '文昌社区' }, { id: 31, name: '东关社区' }])
    expect(shim.requestsTo(ITEMS)[0].data).toEqual({ kind: 'item', page: 1 })
    expect(page.data.items.map((i) => [i.title, i.placesText, i.waitlistText])).toEqual([['为独居老人代购生活用品', '已认领 5/5', '候补 1 人']])

    page.onRoster(tap({ id: 21 }))
    page.onQr(tap({ id: 21 }))
    expect(shim.navigations).toEqual([
      { kind: 'navigateTo', url: '/pages/service-roster/index?item=21' },
      { kind: 'navigateTo', url: '/pages/service-qr/index?item=21' },
    ])

    shim.route('GET /api/v1/communities/31/service-items', { status: 200, body: fixtures.itemsPage([]) })
    await page.onOrg({ detail: { value: '1' } })
    expect(shim.requestsTo('GET /api/v1/communities/31/service-items')).toHaveLength(1)
    expect(page.data.items).toEqual([])
  })

  test('without a community role the page says so and asks nothing more', async () => {
    const page = await open([['secretary', 6, '第一党支部']])
    expect(page.data.orgs).toEqual([])
    expect(shim.requestsTo(ITEMS)).toHaveLength(0)
  })

  test('publishing: the form\'s problems are shown and nothing is sent until it is right', async () => {
    const page = await open()
    page.onPublishToggle()
    expect(page.data.publishing).toBe(true)
    expect(page.data.form).toMatchObject({ opensDate: '2026-11-20', opensTime: '14:07', startDate: '2026-11-21' })

    await page.onPublish()
    expect(page.data.fieldErrors).toEqual({ title: '请填写标题', capacity: '名额须为不小于1的整数', place: '请填写地点' })

    const input = (field, value) => page.onFormInput({ currentTarget: { dataset: { field } }, detail: { value } })
    const pick = (field, value) => page.onFormPick({ currentTarget: { dataset: { field } }, detail: { value } })
    input('title', '重阳节走访慰问')
    input('capacity', '1')
    input('place', '文昌社区')
    pick('kindIndex', '2')
    pick('endTime', '08:00')
    await page.onPublish()
    expect(page.data.fieldErrors).toEqual({ volunteerKind: '请选择志愿服务类别', time: '结束时间须晚于开始时间' })
    expect(shim.requests.filter((r) => r.method === 'POST')).toHaveLength(0)

    pick('volunteerKindIndex', '0')
    pick('endTime', '11:00')
    shim.route('POST /api/v1/communities/30/service-items', { status: 201, body: fixtures.serviceItem({ id: 26, kind: 'volunteer' }) })
    await page.onPublish()

    expect(shim.requestsTo('POST /api/v1/communities/30/service-items')[0].data).toEqual({
      kind: 'volunteer',
      volunteer_kind: 'visit',
      title: '重阳节走访慰问',
      description: '',
      capacity: 1,
      starts_at: '2026-11-21T09:00:00+08:00',
      ends_at: '2026-11-21T11:00:00+08:00',
      place: '文昌社区',
      skills: '',
      signup_opens_at: '2026-11-20T14:07:00+08:00',
      signup_closes_at: '2026-11-21T09:00:00+08:00',
    })
    expect(shim.toasts).toEqual(['已发布'])
    expect(page.data).toMatchObject({ publishing: false, kind: 'volunteer', fieldErrors: {} })
    expect(shim.requestsTo(ITEMS).map((r) => r.data.kind)).toEqual(['item', 'volunteer'])
  })

  test('reports: accepting and declining both ask first', async () => {
    const page = await open()
    shim.route('GET /api/v1/communities/30/reports', { status: 200, body: [fixtures.report({ status: 'pending', decided_at: null })] })
    await page.onTab(tap({ tab: 'reports' }))
    expect(shim.requestsTo('GET /api/v1/communities/30/reports')[0].data).toEqual({ status: 'pending' })
    expect(page.data.reports.map((r) => [r.personName, r.statusText])).toEqual([['张三', '待社区审核']])

    shim.route('POST /api/v1/community-reports/51/decision', (req) => ({
      status: 200, body: fixtures.report({ status: req.data.accept ? 'accepted' : 'declined' }),
    }))
    await page.onAccept(tap({ id: 51, name: '张三' })) // cancelled
    expect(shim.requestsTo('POST /api/v1/community-reports/51/decision')).toHaveLength(0)

    shim.modalAnswers.push(true)
    await page.onAccept(tap({ id: 51, name: '张三' }))
    shim.modalAnswers.push(true)
    await page.onDecline(tap({ id: 51, name: '张三' }))
    expect(shim.modals[1]).toMatchObject({ title: '接收报到', content: '接收张三到本社区报到？' })
    expect(shim.requestsTo('POST /api/v1/community-reports/51/decision').map((r) => r.data))
      .toEqual([{ accept: true }, { accept: false }])
    expect(shim.toasts).toEqual(['已接收', '已不接收'])
  })

  test('suggestions: unanswered first; an answer needs its text', async () => {
    const page = await open()
    shim.route('GET /api/v1/communities/30/suggestions', {
      status: 200,
      body: [
        fixtures.suggestion({ id: 60, answer: '已采纳', answered_at: '2026-11-15T10:00:00+08:00', created_at: '2026-11-14T10:00:00+08:00' }),
        fixtures.suggestion(),
      ],
    })
    await page.onTab(tap({ tab: 'suggestions' }))
    expect(page.data.suggestions.map((s) => [s.id, s.statusText])).toEqual([[61, '待答复'], [60, '已答复']])
    expect(page.data.unanswered).toBe(1)

    shim.route('POST /api/v1/suggestions/61/answer', { status: 200, body: fixtures.suggestion({ answer: '已安排' }) })
    shim.modalAnswers.push({ confirm: true, content: '' })
    await page.onAnswer(tap({ id: 61, title: '增设助老餐桌' }))
    expect(shim.toasts).toEqual(['请填写答复内容'])
    shim.modalAnswers.push({ confirm: true, content: '已安排下月试点' })
    await page.onAnswer(tap({ id: 61, title: '增设助老餐桌' }))
    expect(shim.modals[1]).toMatchObject({ title: '答复：增设助老餐桌', editable: true })
    expect(shim.requestsTo('POST /api/v1/suggestions/61/answer').map((r) => r.data)).toEqual([{ answer: '已安排下月试点' }])
  })

  test('progress: who is behind this year, line by line; or everyone', async () => {
    const page = await open()
    shim.route('GET /api/v1/orgs/30/progress', {
      status: 200,
      body: [fixtures.progress(), fixtures.progress({ person_id: 4, name: '李四', volunteer: { done: 1, required: 2 } })],
    })
    await page.onTab(tap({ tab: 'progress' }))
    expect(shim.requestsTo('GET /api/v1/orgs/30/progress')[0].data).toEqual({ year: 2026, behind: true })
    expect(page.data.progressRows.map((r) => [r.name, r.todo])).toEqual([['张三', '社区服务、建议'], ['李四', '社区服务、建议、志愿']])
    expect(page.data.progressRows[0].lines.map((l) => `${l.short} ${l.figure} ${l.stateText}`)).toEqual([
      '项目 1/1项 已完成', '社区服务 1/2次 未完成', '建议 0/1条 未完成', '结对 1/1户 已完成', '志愿 2/2次 已完成',
    ])

    await page.onBehindOnly()
    expect(shim.requestsTo('GET /api/v1/orgs/30/progress')[1].data).toEqual({ year: 2026 })
  })

  test('a failed load is retryable and pull-down refreshes the tab shown', async () => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW)
    shim.route('GET /api/v1/me', { fail: 'request:fail' })
    const page = loadPage('pages/community-admin/index')
    await page.onLoad()
    expect(page.data.loadError).toMatchObject({ code: 'network', retryable: true })

    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me(['community_admin', 30, '文昌社区']) })
    shim.route(ITEMS, { status: 200, body: fixtures.itemsPage([fixtures.serviceItem()]) })
    await page.onPullDownRefresh()
    expect(page.data.loadError).toBeNull()
    expect(page.data.items).toHaveLength(1)
    expect(shim.pullDownStops).toBe(1)
  })
})

describe('the claim roster and attendance', () => {
  const ATTENDANCE = 'POST /api/v1/service-items/21/attendance'
  const claims = () => [
    fixtures.claim({ id: 1, person_id: 3, person_name: '张三', checked_in_at: '2026-11-22T09:02:00+08:00' }),
    fixtures.claim({ id: 2, person_id: 4, person_name: '李四' }),
    fixtures.claim({ id: 3, person_id: 5, person_name: '王五', status: 'attended', hours: 1.5 }),
    fixtures.claim({ id: 4, person_id: 6, person_name: '赵六', status: 'waitlisted', waitlist_position: 2 }),
    fixtures.claim({ id: 5, person_id: 7, person_name: '钱七', status: 'offered', offer_expires_at: '2026-11-21T12:00:00+08:00' }),
    fixtures.claim({ id: 6, person_id: 8, person_name: '孙八', status: 'cancelled' }),
    fixtures.claim({ id: 7, person_id: 9, person_name: '周九', status: 'walk_in', checked_in_at: '2026-11-22T09:05:00+08:00' }),
  ]

  async function open() {
    shim.route('GET /api/v1/service-items/21', { status: 200, body: fixtures.serviceItem({ taken: 3, waitlist: 2 }) })
    shim.route('GET /api/v1/service-items/21/claims', { status: 200, body: claims() })
    const page = loadPage('pages/service-roster/index')
    await page.onLoad({ item: '21' })
    return page
  }

  test('who claimed, ticked if they scanned on site or were confirmed, the item\'s length as hours; the waitlist in order', async () => {
    const page = await open()
    expect(page.data.rows.map((r) => [r.name, r.statusText, r.present, r.hours])).toEqual([
      ['张三', '已认领', true, '2.5'],
      ['李四', '已认领', false, '2.5'],
      ['王五', '已参加（1.5小时）', true, '1.5'],
      ['周九', '现场签到（未认领）', true, '2.5'],
    ])
    expect(page.data.rows[0].checkedIn).toBe('11月22日 09:02')
    expect(page.data.presentCount).toBe(3)
    expect(page.data.waiting.map((c) => [c.personName, c.statusText])).toEqual([['钱七', '候补递补待确认'], ['赵六', '候补中（第2位）']])
    expect(page.data.others.map((c) => [c.personName, c.statusText])).toEqual([['孙八', '已取消']])
  })

  test('hours must be a number ≥ 0 (and at most 24) for everyone ticked', async () => {
    const page = await open()
    page.onPresent(tap({ index: 1 }))
    expect(page.data.presentCount).toBe(4)

    for (const bad of ['', '-1', 'abc', '2小时']) {
      page.onHours({ currentTarget: { dataset: { index: 1 } }, detail: { value: bad } })
      page.onHours({ currentTarget: { dataset: { index: 2 } }, detail: { value: '-0.5' } })
      // eslint-disable-next-line no-await-in-loop
      await page.onConfirm()
      expect(page.data.rows[1].error).toBe('请填写不小于0的数字')
      expect(page.data.rows[2].error).toBe('请填写不小于0的数字')
      expect(page.data.formError).toBe('有2人的服务时长填写有误')
    }
    expect(page.data.rows[0].error).toBe('')
    page.onHours({ currentTarget: { dataset: { index: 1 } }, detail: { value: '24.5' } }) // the server takes 0–24
    await page.onConfirm()
    expect(page.data.rows[1].error).toBe('不超过24小时')
    expect(shim.modals).toEqual([])
    expect(shim.requestsTo(ATTENDANCE)).toHaveLength(0)

    // Unticking someone drops their hours from the check; typing clears the mark.
    page.onPresent(tap({ index: 2 }))
    page.onHours({ currentTarget: { dataset: { index: 1 } }, detail: { value: '0' } })
    expect(page.data.rows[1].error).toBe('')
    shim.route(ATTENDANCE, { status: 200, body: [] })
    shim.modalAnswers.push(true)
    await page.onConfirm()
    expect(page.data.formError).toBe('')
    expect(shim.requestsTo(ATTENDANCE)[0].data).toEqual({
      entries: [{ person_id: 3, hours: 2.5 }, { person_id: 4, hours: 0 }, { person_id: 9, hours: 2.5 }],
    })
  })

  test('confirming names who will be recorded as absent, and asks first', async () => {
    const page = await open()
    page.onHours({ currentTarget: { dataset: { index: 0 } }, detail: { value: '3' } })
    await page.onConfirm() // cancelled
    expect(shim.modals[0]).toEqual({ title: '确认考勤', content: '到场 3 人，其余 1 人将记为未到场。确认提交？', showCancel: true, confirmText: '确认提交', cancelText: '返回修改' })
    expect(shim.requestsTo(ATTENDANCE)).toHaveLength(0)

    shim.route(ATTENDANCE, { status: 200, body: [] })
    shim.modalAnswers.push(true)
    await page.onConfirm()
    expect(shim.requestsTo(ATTENDANCE)[0].data).toEqual({
      entries: [{ person_id: 3, hours: 3 }, { person_id: 5, hours: 1.5 }, { person_id: 9, hours: 2.5 }],
    })
    expect(shim.toasts).toEqual(['已确认考勤'])
    expect(shim.requestsTo('GET /api/v1/service-items/21/claims')).toHaveLength(2)
  })

  test('before the item starts the server refuses, and the page says why', async () => {
    const page = await open()
    shim.route(ATTENDANCE, { status: 409, body: { code: 'community.wrong_state', message: 'attendance is confirmed once the activity has started' } })
    shim.modalAnswers.push(true)
    await page.onConfirm()
    expect(shim.modals[1]).toEqual({ title: '考勤未提交', content: '活动开始后才能确认考勤', showCancel: false, confirmText: '知道了' })
    expect(shim.requestsTo(ATTENDANCE)).toHaveLength(1)
  })

  test('a network failure offers 重试 with the same entries', async () => {
    const page = await open()
    let calls = 0
    shim.route(ATTENDANCE, () => {
      calls += 1
      return calls === 1 ? { fail: 'request:fail timeout' } : { status: 200, body: [] }
    })
    shim.modalAnswers.push(true, true)
    await page.onConfirm()
    expect(shim.modals[1]).toMatchObject({ title: '考勤未提交', confirmText: '重试' })
    const sent = shim.requestsTo(ATTENDANCE).map((r) => r.data)
    expect(sent).toHaveLength(2)
    expect(sent[1]).toEqual(sent[0])
  })
})

describe('the volunteer activity\'s QR', () => {
  const START = Date.parse('2026-11-22T01:00:10Z') // 09:00:10 in Beijing, a third into a 30 s window
  const QR = 'GET /api/v1/service-items/26/qr'

  function routeQr({ windowSeconds = 30 } = {}) {
    let issued = 0
    shim.route(QR, () => {
      issued += 1
      const now = Date.now()
      const validUntil = windowSeconds ? Math.floor(now / (windowSeconds * 1000) + 1) * windowSeconds * 1000 : now + 86400000
      return {
        status: 200,
        body: {
          url: `https://hdr.example.cn/c/V7P2QX9M?t=token${issued}xxxxxxxxxx`,
          token: `token${issued}xxxxxxxxxx`,
          window_seconds: windowSeconds,
          valid_until: new Date(validUntil).toISOString().replace('Z', '+00:00'),
          png_base64: `PNG${issued}`,
        },
      }
    })
  }

  async function open() {
    jest.useFakeTimers({ now: START })
    shim.route('GET /api/v1/service-items/26', {
      status: 200, body: fixtures.serviceItem({ id: 26, kind: 'volunteer', volunteer_kind: 'labour', title: '社区环境整治' }),
    })
    const screen = loadScreen('pages/service-qr/index', 'components/rotating-qr/index', { src: 'qrPath' })
    screen.load({ item: '26' })
    screen.show()
    await jest.advanceTimersByTimeAsync(5)
    return screen
  }

  const fetches = () => shim.requestsTo(QR).length

  test('full screen with the title; fetched again once valid_until has passed', async () => {
    routeQr()
    const screen = await open()
    const { page, part: qr } = screen
    expect(page.data).toMatchObject({
      qrPath: '/api/v1/service-items/26/qr', title: '社区环境整治', line: '文昌社区 · 11月22日 09:00–11:30 · 文昌社区党群服务中心',
    })
    expect(qr.data).toMatchObject({ qrSrc: 'data:image/png;base64,PNG1', windowSeconds: 30, loading: false })
    expect(shim.keepScreenOn).toBe(true)
    await jest.advanceTimersByTimeAsync(19000)
    expect(fetches()).toBe(1)
    await jest.advanceTimersByTimeAsync(1500)
    expect(fetches()).toBe(2)
    expect(qr.data.qrSrc).toBe('data:image/png;base64,PNG2')
    screen.unload()
  })

  test('every timer stops on unload, and an answer still in flight is ignored', async () => {
    routeQr()
    const screen = await open()
    expect(jest.getTimerCount()).toBe(1)
    screen.unload()
    expect(jest.getTimerCount()).toBe(0)
    expect(shim.keepScreenOn).toBe(false)
    await jest.advanceTimersByTimeAsync(5 * 60 * 1000)
    expect(fetches()).toBe(1)
  })

  test('hidden: stopped; shown again: fetched at once and rotating again; a late answer from before is ignored', async () => {
    routeQr()
    const screen = await open()
    screen.hide()
    expect(jest.getTimerCount()).toBe(0)
    await jest.advanceTimersByTimeAsync(60000)
    expect(fetches()).toBe(1)

    screen.show()
    await jest.advanceTimersByTimeAsync(5)
    expect(fetches()).toBe(2)
    expect(jest.getTimerCount()).toBe(1)

    // A fetch answered after the page closed changes nothing and schedules nothing: the next rotation is asked at
    // 09:01:30.2, answered 100 ms later, and the page closes in between.
    shim.route(QR, { status: 200, body: { url: '', token: '', window_seconds: 30, valid_until: '', png_base64: 'LATE' }, delay: 100 })
    await jest.advanceTimersByTimeAsync(20250)
    expect(fetches()).toBe(3)
    screen.unload()
    await jest.advanceTimersByTimeAsync(200)
    expect(screen.part.data.qrSrc).not.toBe('data:image/png;base64,LATE')
    expect(jest.getTimerCount()).toBe(0)
  })

  test('a static code is fetched once; a network failure keeps the code shown, flagged, and tries again', async () => {
    routeQr({ windowSeconds: 0 })
    const screen = await open()
    await jest.advanceTimersByTimeAsync(5 * 60 * 1000)
    expect(fetches()).toBe(1)
    screen.unload()

    jest.useRealTimers()
    routeQr()
    const rotating = await open()
    shim.route(QR, { fail: 'request:fail' })
    await jest.advanceTimersByTimeAsync(20500)
    expect(rotating.part.data).toMatchObject({ qrSrc: 'data:image/png;base64,PNG1', qrStale: true, loadError: null })
    routeQr()
    await jest.advanceTimersByTimeAsync(3000)
    expect(rotating.part.data.qrStale).toBe(false)
    rotating.unload()
    expect(jest.getTimerCount()).toBe(0)
  })
})
