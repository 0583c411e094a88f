// The secretary's pages through the Page harness: the plan form, the plan page and the participants list.
const { installWx } = require('./wx-shim')
const { signedIn } = require('./signed-in')
const { settleUntil } = require('./settle')
const { loadPage } = require('./page-harness')
const fixtures = require('./fixtures')

const shim = signedIn({ now: '2026-12-05T02:00:00Z' }) // 5 December, Beijing

const input = (field, value) => ({ currentTarget: { dataset: { field } }, detail: { value } })
const DECEMBER = { '2026-12': { day: '2026-12-21', reason: '12月20日为星期日，顺延至下一工作日' } }

describe('plan form', () => {
  async function openNewForm() {
    shim.route('GET /api/v1/calendar/2026', { status: 200, body: fixtures.calendar(2026, { moved: DECEMBER }) })
    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me(['secretary', 6, '第一党支部']) })
    const page = loadPage('pages/plan-form/index')
    await page.onLoad({ branch: '6', month: '2026-12' })
    return page
  }

  function fill(page) {
    page.onInput(input('theme', '学习贯彻全会精神'))
    page.onCategory({ detail: { value: '3' } })
    page.onInput(input('place', '党群服务中心'))
  }

  test('a new plan starts on the branch\'s activity day with me as organiser', async () => {
    const page = await openNewForm()

    expect(shim.requestsTo('GET /api/v1/calendar/2026')[0].data).toEqual({ org: 6 })
    expect(page.data).toMatchObject({ activityDay: '2026-12-21', activityDayText: '12月21日 周一', editing: false })
    expect(page.data.form).toMatchObject({ date: '2026-12-21', organiser: '李伟芳', categoryIndex: -1, dateReason: '' })
    expect(page.data.range).toEqual({ first: '2026-12-01', last: '2026-12-31' })
  })

  test('required fields are checked before anything is sent', async () => {
    const page = await openNewForm()

    await page.onSave()

    expect(page.data.fieldErrors).toEqual({ theme: '请填写活动主题', category: '请选择活动类别', place: '请填写活动地点' })
    expect(shim.requestsTo('POST /api/v1/orgs/6/plans')).toHaveLength(0)
  })

  test('another date than the activity day needs 改期原因', async () => {
    const page = await openNewForm()
    fill(page)

    page.onDate({ detail: { value: '2026-12-22' } })
    await page.onSave()

    expect(page.data.fieldErrors).toEqual({ dateReason: '活动日期不是本月活动日（12月21日），请填写改期原因' })
    expect(shim.requests.filter((r) => r.method === 'POST')).toHaveLength(0)

    page.onInput(input('dateReason', '   '))
    await page.onSave()
    expect(page.data.fieldErrors.dateReason).toMatch(/改期原因/)
  })

  test('the end must come after the start', async () => {
    const page = await openNewForm()
    fill(page)

    page.onTime(input('startTime', '14:00'))
    page.onTime(input('endTime', '14:00'))
    await page.onSave()
    expect(page.data.fieldErrors).toEqual({ time: '结束时间须晚于开始时间' })

    page.onTime(input('endTime', '13:30'))
    await page.onSave()
    expect(page.data.fieldErrors).toEqual({ time: '结束时间须晚于开始时间' })
    expect(shim.requests.filter((r) => r.method === 'POST')).toHaveLength(0)
  })

  test('a valid form is POSTed with the Chinese category and the reason, then the page closes', async () => {
    shim.route('POST /api/v1/orgs/6/plans', { status: 201, body: fixtures.plan() })
    const page = await openNewForm()
    fill(page)
    page.onDate({ detail: { value: '2026-12-22' } })
    page.onInput(input('dateReason', '21日全体党员参加区里集中培训'))
    page.onTime(input('startTime', '14:30'))
    page.onTime(input('endTime', '16:30'))

    await page.onSave()

    expect(page.data.fieldErrors).toEqual({})
    expect(shim.requestsTo('POST /api/v1/orgs/6/plans')[0].data).toEqual({
      month: '2026-12',
      theme: '学习贯彻全会精神',
      category: '党课',
      date: '2026-12-22',
      date_reason: '21日全体党员参加区里集中培训',
      start_time: '14:30',
      end_time: '16:30',
      place: '党群服务中心',
      requirements: '',
      organiser: '李伟芳',
    })
    expect(shim.navigations).toEqual([{ kind: 'navigateBack' }])
  })

  test('back on the activity day, no reason is sent', async () => {
    shim.route('POST /api/v1/orgs/6/plans', { status: 201, body: fixtures.plan() })
    const page = await openNewForm()
    fill(page)
    page.onDate({ detail: { value: '2026-12-22' } })
    page.onInput(input('dateReason', '原因'))
    page.onDate({ detail: { value: '2026-12-21' } })

    await page.onSave()

    expect(shim.requestsTo('POST /api/v1/orgs/6/plans')[0].data).toMatchObject({ date: '2026-12-21', date_reason: null })
  })

  async function openEdit(plan) {
    shim.route('GET /api/v1/calendar/2026', { status: 200, body: fixtures.calendar(2026, { moved: DECEMBER }) })
    shim.route('GET /api/v1/plans/11', { status: 200, body: plan })
    shim.route('PATCH /api/v1/plans/11', (req) => ({ status: 200, body: fixtures.plan({ theme: req.data.theme }) }))
    const page = loadPage('pages/plan-form/index')
    await page.onLoad({ branch: '6', month: '2026-12', plan: '11' })
    return page
  }

  test('editing loads the plan and PATCHes only the fields the form shows; a filed plan warns of review', async () => {
    const page = await openEdit(fixtures.plan({ status: 'filed', category_label: '支委会', latitude: 32.39, longitude: 119.41 }))

    expect(page.data).toMatchObject({ editing: true, refiling: true, hasLocation: true })
    expect(page.data.form).toMatchObject({ theme: '学习贯彻全会精神', categoryIndex: 1, place: '党群服务中心' })
    page.onInput(input('theme', '新主题'))
    await page.onSave()

    // Not month, not the coordinates (not touched here), never the check-in window or the invited activists.
    expect(shim.requestsTo('PATCH /api/v1/plans/11')[0].data).toEqual({
      theme: '新主题',
      category: '支委会',
      date: '2026-12-21',
      date_reason: null,
      start_time: '09:00',
      end_time: '11:00',
      place: '党群服务中心',
      requirements: '',
      organiser: '李伟芳',
    })
    expect(shim.requestsTo('PUT /api/v1/plans/11')).toHaveLength(0)
    expect(shim.requestsTo('GET /api/v1/me')).toHaveLength(0)
  })

  test('在地图上选择地点 fills the place (the name, else the address) and the GCJ-02 coordinates, which are then sent', async () => {
    const page = await openEdit(fixtures.plan())
    shim.chosenLocation = { name: '', address: '扬州市邗江区文昌西路1号', latitude: 32.3912, longitude: 119.4101 }
    await page.onChooseLocation()
    expect(page.data.form).toMatchObject({ place: '扬州市邗江区文昌西路1号', latitude: 32.3912, longitude: 119.4101 })
    expect(page.data.hasLocation).toBe(true)

    shim.chosenLocation = { name: '文昌社区党群服务中心', address: '文昌西路1号', latitude: 32.3913, longitude: 119.4102 }
    await page.onChooseLocation()
    await page.onSave()
    expect(shim.requestsTo('PATCH /api/v1/plans/11')[0].data).toMatchObject({
      place: '文昌社区党群服务中心', latitude: 32.3913, longitude: 119.4102,
    })
  })

  test('清除地图位置 sends explicit nulls; a cancelled picker changes nothing', async () => {
    const page = await openEdit(fixtures.plan({ latitude: 32.39, longitude: 119.41 }))
    await page.onChooseLocation() // cancelled
    expect(page.data.form).toMatchObject({ latitude: 32.39, longitude: 119.41, locationChanged: false })
    expect(shim.modals).toEqual([])
    page.onClearLocation()
    await page.onSave()
    expect(shim.requestsTo('PATCH /api/v1/plans/11')[0].data).toMatchObject({ latitude: null, longitude: null })
  })

  test('a new plan with a map position POSTs its coordinates', async () => {
    shim.route('POST /api/v1/orgs/6/plans', { status: 201, body: fixtures.plan() })
    const page = await openNewForm()
    fill(page)
    shim.chosenLocation = { name: '党群服务中心', address: 'x', latitude: 32.39, longitude: 119.41 }
    await page.onChooseLocation()
    await page.onSave()
    expect(shim.requestsTo('POST /api/v1/orgs/6/plans')[0].data).toMatchObject({ latitude: 32.39, longitude: 119.41 })
  })

  test('a network failure while saving offers 重试, which sends again', async () => {
    let calls = 0
    shim.route('POST /api/v1/orgs/6/plans', () => {
      calls += 1
      return calls === 1 ? { fail: 'request:fail timeout' } : { status: 201, body: fixtures.plan() }
    })
    const page = await openNewForm()
    fill(page)
    shim.modalAnswers.push(true)

    await page.onSave()

    expect(shim.modals).toEqual([expect.objectContaining({ title: '保存失败', confirmText: '重试' })])
    expect(calls).toBe(2)
    expect(shim.navigations).toEqual([{ kind: 'navigateBack' }])
    expect(page.data.saving).toBe(false)
  })
})

describe('plan page', () => {
  const secretary = fixtures.me(['secretary', 6, '第一党支部'])

  async function openWith(plans) {
    shim.route('GET /api/v1/me', { status: 200, body: secretary })
    shim.route('GET /api/v1/orgs/6/plans', { status: 200, body: plans })
    const page = loadPage('pages/plan/index')
    page.onLoad({})
    await page.onShow()
    return page
  }

  test('finds my branch from /me and shows this month\'s plan with its status in Chinese', async () => {
    const page = await openWith([fixtures.plan()])

    expect(shim.requestsTo('GET /api/v1/orgs/6/plans')[0].data).toEqual({ month: '2026-12' })
    expect(page.data.branches).toEqual([{ id: 6, name: '第一党支部' }])
    expect(page.data.plan).toMatchObject({
      statusText: '草稿', category: '党课', when: '12月21日 周一 09:00–11:00', canSubmit: true, canEdit: true, canPublish: false,
    })
    expect(page.data.loading).toBe(false)
  })

  test('submitting shows 待审核 and no more submit or edit', async () => {
    shim.route('POST /api/v1/plans/11/submit', {
      status: 200,
      body: fixtures.plan({ status: 'submitted', history: [fixtures.event('created'), fixtures.event('submitted')] }),
    })
    const page = await openWith([fixtures.plan()])

    await page.onSubmit()

    expect(shim.requestsTo('POST /api/v1/plans/11/submit')).toHaveLength(1)
    expect(page.data.plan).toMatchObject({ status: 'submitted', statusText: '待审核', canSubmit: false, canEdit: false })
    expect(page.data.plan.history.map((h) => h.action)).toEqual(['提交审核', '创建计划'])
    expect(shim.toasts).toEqual(['已提交审核'])
    expect(page.data.busy).toBe(false)
  })

  test('a returned plan shows the reviewer\'s comment and may be submitted again', async () => {
    const returned = fixtures.plan({
      status: 'returned',
      review_comment: '请补充活动要求',
      history: [fixtures.event('created'), fixtures.event('submitted'), fixtures.event('returned', { comment: '请补充活动要求' })],
    })
    const page = await openWith([returned])

    expect(page.data.plan).toMatchObject({ statusText: '已退回', reviewComment: '请补充活动要求', canSubmit: true })
    expect(page.data.plan.history[0]).toMatchObject({ action: '退回修改', comment: '请补充活动要求' })
  })

  test('a wrong state from the server is explained, without a retry', async () => {
    shim.route('POST /api/v1/plans/11/submit', { status: 409, body: { code: 'plan.wrong_state', message: 'x' } })
    const page = await openWith([fixtures.plan()])

    await page.onSubmit()

    expect(shim.modals).toEqual([expect.objectContaining({ content: '计划状态已变化，请下拉刷新后重试', showCancel: false })])
    expect(shim.requestsTo('POST /api/v1/plans/11/submit')).toHaveLength(1)
  })

  test('a filed plan can be published; by the 10th without a warning', async () => {
    const filed = fixtures.plan({ status: 'filed', history: [fixtures.event('filed')] })
    shim.route('POST /api/v1/plans/11/publish', {
      status: 200,
      body: { ...filed, published_at: '2026-12-05T10:00:00+08:00', history: [fixtures.event('filed'), fixtures.event('published')] },
    })
    const page = await openWith([filed])
    expect(page.data.plan).toMatchObject({ statusText: '已审核备案', canPublish: true, publishText: '发布预告', canSubmit: false })

    await page.onPublish()

    expect(shim.modals).toHaveLength(0)
    expect(page.data.plan).toMatchObject({ canPublish: false, publishedText: '已发布第1版预告（12月5日 10:00）' })
  })

  test('after the 10th publishing warns that it will count as late, and can be called off', async () => {
    Date.now.mockReturnValue(Date.parse('2026-12-10T16:30:00Z')) // 11 December 00:30 in Beijing
    const filed = fixtures.plan({ status: 'filed', history: [fixtures.event('filed')] })
    shim.route('POST /api/v1/plans/11/publish', { status: 200, body: { ...filed, published_at: '2026-12-11T00:30:00+08:00' } })
    const page = await openWith([filed])

    await page.onPublish()
    expect(shim.modals[0]).toMatchObject({ title: '已过预告截止日', confirmText: '仍要发布' })
    expect(shim.modals[0].content).toContain('12月10日')
    expect(shim.requestsTo('POST /api/v1/plans/11/publish')).toHaveLength(0)

    shim.modalAnswers.push(true)
    await page.onPublish()
    expect(shim.requestsTo('POST /api/v1/plans/11/publish')).toHaveLength(1)
  })

  test('a filed new version after a publication offers 重新发布预告', async () => {
    const v2 = fixtures.plan({
      status: 'filed', version: 2, published_at: '2026-12-03T09:00:00+08:00',
      history: [fixtures.event('published'), fixtures.event('edited', { version: 2 }), fixtures.event('filed', { version: 2 })],
    })
    const page = await openWith([v2])
    expect(page.data.plan).toMatchObject({ canPublish: true, publishText: '重新发布预告', publishedText: '已发布第1版预告（12月3日 09:00）' })
  })

  test('no plan yet is the empty state; not a secretary asks for no plans', async () => {
    const page = await openWith([])
    expect(page.data.plan).toBeNull()
    expect(page.data.branches).toHaveLength(1)

    jest.resetModules()
    installWx() // someone else on a fresh phone: `shim` is now that one
    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me(['reviewer', 5, '党委']) })
    const other = loadPage('pages/plan/index')
    other.onLoad({})
    await other.onShow()
    expect(other.data).toMatchObject({ branches: [], plan: null, loadError: null })
    expect(shim.requests.map((r) => r.path)).toEqual(['/api/v1/me'])
  })

  test('a network failure while loading offers 重试; pull-down refresh reloads and stops the spinner', async () => {
    shim.route('GET /api/v1/me', { fail: 'request:fail' })
    const page = loadPage('pages/plan/index')
    page.onLoad({})
    await page.onShow()
    expect(page.data.loadError).toEqual({ code: 'network', message: '网络连接失败，请检查网络后重试', retryable: true, signIn: false })

    shim.route('GET /api/v1/me', { status: 200, body: secretary })
    shim.route('GET /api/v1/orgs/6/plans', { status: 200, body: [fixtures.plan()] })
    await page.onPullDownRefresh()
    expect(page.data.loadError).toBeNull()
    expect(page.data.plan.statusText).toBe('草稿')
    expect(shim.pullDownStops).toBe(1)
  })

  test('another month is chosen with the month picker', async () => {
    const page = await openWith([])
    page.onMonth({ detail: { value: '2027-01' } })
    await settleUntil(() => shim.requestsTo('GET /api/v1/orgs/6/plans').length === 2)
    expect(page.data.monthText).toBe('2027年1月')
    expect(shim.requestsTo('GET /api/v1/orgs/6/plans').map((r) => r.data.month)).toEqual(['2026-12', '2027-01'])
  })
})

describe('participants page', () => {
  test('lists the expected participants and refreshes them from the roster', async () => {
    shim.route('GET /api/v1/plans/11/participants', {
      status: 200, body: [{ person_id: 1, name: '王芳', status: 'full', invited: false }],
    })
    shim.route('POST /api/v1/plans/11/participants/refresh', {
      status: 200,
      body: [
        { person_id: 1, name: '王芳', status: 'full', invited: false },
        { person_id: 2, name: '李强', status: 'activist', invited: true },
      ],
    })
    const page = loadPage('pages/participants/index')
    await page.onLoad({ plan: '11' })
    expect(page.data.people).toEqual([{ id: 1, name: '王芳', status: '正式党员', invited: false }])

    await page.onRefreshRoster()
    expect(page.data.people[1]).toEqual({ id: 2, name: '李强', status: '入党积极分子', invited: true })
    expect(shim.toasts).toEqual(['已按最新名册更新'])
  })

  test('after the activity day the list is fixed, and the server says so', async () => {
    shim.route('GET /api/v1/plans/11/participants', { status: 200, body: [] })
    shim.route('POST /api/v1/plans/11/participants/refresh', { status: 409, body: { code: 'plan.wrong_state', message: 'x' } })
    const page = loadPage('pages/participants/index')
    await page.onLoad({ plan: '11' })

    await page.onRefreshRoster()

    expect(shim.modals[0]).toMatchObject({ title: '更新失败', showCancel: false })
    expect(page.data.refreshing).toBe(false)
  })
})
