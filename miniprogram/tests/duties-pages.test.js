// The leaders' duties pages through the Page harness (issue 14): 我的履职 (the year's quotas, what is missing, the
// sources, logging, 修改 and 更正, another year, someone else's progress read-only), 谈心谈话 (whom, the date, the
// notes, my talks) and 履职情况 (who is behind, pages, the filter, a tap opening a person's progress).
const { signedIn } = require('./signed-in')
const { loadPage } = require('./page-harness')
const duties = require('../utils/duties')
const fixtures = require('./fixtures')

const shim = signedIn({ now: '2026-11-20T02:00:00Z' })

const tap = (dataset) => ({ currentTarget: { dataset } })
const pick = (field, value) => ({ currentTarget: { dataset: { field } }, detail: { value } })
const kindIndex = (key) => duties.KINDS.findIndex((k) => k.key === key)

const PROGRESS = 'GET /api/v1/people/1/duties'
const ENTRIES = 'GET /api/v1/me/duties'

describe('我的履职', () => {
  function route({ entries = [fixtures.dutyEntry()], contacts = [fixtures.contactPoint()], progress = fixtures.dutyProgress() } = {}) {
    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me(['secretary', 6, '第一党支部']) })
    shim.route(PROGRESS, { status: 200, body: progress })
    shim.route(ENTRIES, { status: 200, body: entries })
    shim.route('GET /api/v1/me/contact-points', { status: 200, body: contacts })
  }

  async function open(query = {}, routes = {}) {
    route(routes)
    const page = loadPage('pages/my-duties/index')
    await page.onLoad(query)
    return page
  }

  test('the year\'s quotas with what is missing and who is owed a talk, my entries and contact points', async () => {
    const page = await open()
    expect(shim.requestsTo(PROGRESS)[0].data).toEqual({ year: 2026 })
    expect(shim.requestsTo(ENTRIES)[0].data).toEqual({ year: 2026 })
    expect(wx.getStorageSync('hdr.me')).toEqual({ id: 1, name: '李伟芳' })
    expect(page.data).toMatchObject({ year: 2026, readOnly: false, loading: false, loadError: null })
    expect(page.data.progress.items.map((q) => [q.label, q.figure, q.stateText])).toEqual([
      ['到基层调查研究', '12/30天', '还差18天'],
      ['走访联系点', '2/2次', '已完成'],
      ['随机性微调研', '2次', '不作数量要求'],
      ['与所属党员谈心谈话', '1/4次', '还差3次'],
    ])
    expect(page.data.progress.missing.map((m) => m.text)).toEqual(['到基层调查研究：还差18天', '与所属党员谈心谈话：还差3次'])
    expect(page.data.progress.owed.map((o) => o.text)).toEqual(['与张三谈心谈话：还差1次', '与李四谈心谈话：还差2次'])
    expect(page.data.entries).toEqual([expect.objectContaining({ id: 31, kindText: '调查研究', editable: true })])
    expect(page.data.contacts.map((c) => c.orgName)).toEqual(['第一党支部'])
  })

  test('the sources of a count open and close', async () => {
    const page = await open()
    page.onToggleEvidence(tap({ key: 'contact_visits' }))
    expect(page.data.expanded).toEqual({ contact_visits: true })
    page.onToggleEvidence(tap({ key: 'contact_visits' }))
    expect(page.data.expanded).toEqual({ contact_visits: false })
  })

  test('another year: everything is read again for it, and a late answer for the year left sets nothing', async () => {
    const page = await open()
    shim.route(PROGRESS, (req) => ({
      status: 200, delay: req.data.year === 2025 ? 30 : 0, body: fixtures.dutyProgress({ year: req.data.year }),
    }))
    const late = page.onYear(tap({ step: -1 }))
    expect(page.data).toMatchObject({ year: 2025, progress: null, entries: [] })
    await page.onYear(tap({ step: 1 }))
    await late
    expect(shim.requestsTo(PROGRESS).map((r) => r.data.year)).toEqual([2026, 2025, 2026])
    expect(page.data.progress.year).toBe(2026)
  })

  test('logging a period of research: the form, its checks, the POST, then the numbers again', async () => {
    const page = await open()
    page.onLogOpen()
    expect(page.data).toMatchObject({ formAt: 'new', form: { kindIndex: -1, startsOn: '2026-11-20' } })
    await page.onSave()
    expect(page.data.fieldErrors).toEqual({ kind: '请选择履职类型' })

    page.onKind({ detail: { value: String(kindIndex('research')) } })
    expect(page.data.names).toMatchObject({ date: '开始日期', showsPlace: true })
    page.onFormPick(pick('startsOn', '2026-11-16'))
    page.onFormPick(pick('endsOn', '2026-11-18'))
    await page.onSave()
    expect(page.data.fieldErrors).toEqual({ place: '请填写地点' })
    expect(shim.requestsTo('POST /api/v1/me/duties')).toHaveLength(0)

    page.onFormInput(pick('place', '湾头镇'))
    page.onFormInput(pick('topic', '乡村振兴'))
    shim.route('POST /api/v1/me/duties', { status: 201, body: fixtures.dutyEntry({ id: 33 }) })
    await page.onSave()
    expect(shim.requestsTo('POST /api/v1/me/duties')[0].data).toEqual({
      kind: 'research', starts_on: '2026-11-16', ends_on: '2026-11-18', place: '湾头镇', topic: '乡村振兴', summary: '',
    })
    expect(shim.toasts).toEqual(['已记录'])
    expect(page.data).toMatchObject({ formAt: null, fieldErrors: {}, busy: false })
    expect(shim.requestsTo(PROGRESS)).toHaveLength(2)
  })

  test('a start moved past the end takes the end along', async () => {
    const page = await open()
    page.onLogOpen()
    page.onKind({ detail: { value: String(kindIndex('stationed')) } })
    page.onFormPick(pick('startsOn', '2026-11-01'))
    expect(page.data.form).toMatchObject({ startsOn: '2026-11-01', endsOn: '2026-11-20' })
    page.onFormPick(pick('endsOn', '2026-11-03'))
    page.onFormPick(pick('startsOn', '2026-11-10'))
    expect(page.data.form).toMatchObject({ startsOn: '2026-11-10', endsOn: '2026-11-10' })
  })

  test('a visit to my contact point: the only one is chosen, and its organisation is sent', async () => {
    const page = await open()
    page.onLogOpen()
    page.onKind({ detail: { value: String(kindIndex('contact_visit')) } })
    expect(page.data.form.contactIndex).toBe(0)
    expect(page.data.names.showsPlace).toBe(false)
    shim.route('POST /api/v1/me/duties', { status: 201, body: fixtures.dutyEntry({ id: 34, kind: 'contact_visit' }) })
    await page.onSave()
    expect(shim.requestsTo('POST /api/v1/me/duties')[0].data).toEqual({
      kind: 'contact_visit', starts_on: '2026-11-20', ends_on: '2026-11-20', org_id: 6, topic: '', summary: '',
    })
  })

  test('without a contact point a contact-point kind says whom to ask', async () => {
    const page = await open({}, { contacts: [] })
    page.onLogOpen()
    page.onKind({ detail: { value: String(kindIndex('contact_lecture')) } })
    page.onFormInput(pick('topic', '学习党章'))
    await page.onSave()
    expect(page.data.fieldErrors).toEqual({ contact: '您还没有联系点，请联系组织部门设置' })
  })

  test('the server\'s refusal is said in Chinese, and the form stays as filled in', async () => {
    const page = await open()
    page.onLogOpen()
    page.onKind({ detail: { value: String(kindIndex('micro_research')) } })
    page.onFormInput(pick('place', '菜市场'))
    shim.route('POST /api/v1/me/duties', { status: 409, body: { code: 'duty.overlap', message: 'overlaps entry 31' } })
    await page.onSave()
    expect(shim.modals).toEqual([expect.objectContaining({
      title: '未能记录', content: '这段时间已有同类记录，请勿重复登记，如需改动请修改原记录', confirmText: '知道了',
    })])
    expect(page.data).toMatchObject({ formAt: 'new', busy: false, form: { kindIndex: kindIndex('micro_research') } })
  })

  test('修改 while the server allows it: the form on the entry, the kind kept, a PATCH of the fields shown', async () => {
    const page = await open()
    page.onEdit(tap({ id: 31 }))
    expect(page.data).toMatchObject({
      formAt: 31, formTitle: '修改记录', formOf: '调查研究 11月2日至11月5日（共4天）', form: { editing: 31, corrects: 0, place: '东关街道', startsOn: '2026-11-02' },
    })
    expect(shim.scrolls).toEqual([{ selector: '.duty-form', duration: 300 }])
    page.onFormInput(pick('summary', '走访四个社区'))
    shim.route('PATCH /api/v1/duty-entries/31', { status: 200, body: fixtures.dutyEntry({ summary: '走访四个社区' }) })
    await page.onSave()
    expect(shim.requestsTo('PATCH /api/v1/duty-entries/31')[0].data).toEqual({
      starts_on: '2026-11-02', ends_on: '2026-11-05', place: '东关街道', topic: '基层减负落实情况', summary: '走访四个社区',
    })
    expect(shim.toasts).toEqual(['已保存修改'])
    expect(page.data.formAt).toBeNull()
  })

  test('修改 answered duty.correction_closed offers 新增更正记录, which POSTs the form as a correction', async () => {
    const page = await open()
    page.onEdit(tap({ id: 31 }))
    page.onFormInput(pick('topic', '基层减负'))
    shim.route('PATCH /api/v1/duty-entries/31', { status: 409, body: { code: 'duty.correction_closed', message: 'too late' } })
    shim.route('POST /api/v1/me/duties', { status: 201, body: fixtures.dutyEntry({ id: 35, corrects: 31 }) })
    shim.modalAnswers.push(true)
    await page.onSave()
    expect(shim.modals).toEqual([expect.objectContaining({ title: '已过修改期限', confirmText: '新增更正记录', cancelText: '暂不更正' })])
    expect(page.data.formTitle).toBe('更正记录')
    expect(shim.requestsTo('POST /api/v1/me/duties')[0].data).toEqual({
      kind: 'research', starts_on: '2026-11-02', ends_on: '2026-11-05', place: '东关街道', topic: '基层减负', summary: '走访三个社区', corrects: 31,
    })
    expect(shim.toasts).toEqual(['已新增更正记录'])
    expect(page.data.formAt).toBeNull()
  })

  test('修改 too late and 暂不更正: nothing is sent, and the entries are read again', async () => {
    const page = await open()
    page.onEdit(tap({ id: 31 }))
    shim.route('PATCH /api/v1/duty-entries/31', { status: 409, body: { code: 'duty.correction_closed', message: 'too late' } })
    await page.onSave()
    expect(shim.requestsTo('POST /api/v1/me/duties')).toHaveLength(0)
    expect(shim.requestsTo(ENTRIES)).toHaveLength(2)
    expect(page.data.formAt).toBe(31)
  })

  test('更正 once the editing time is over: a new entry that corrects the old one', async () => {
    const page = await open({}, { entries: [fixtures.dutyEntry({ editable_until: '2026-11-12T09:00:00+08:00' })] })
    expect(page.data.entries[0]).toMatchObject({ editable: false, correctable: true })
    page.onCorrect(tap({ id: 31 }))
    expect(page.data).toMatchObject({ formTitle: '更正记录', form: { editing: 0, corrects: 31, kindIndex: kindIndex('research') } })
    page.onFormPick(pick('endsOn', '2026-11-06'))
    shim.route('POST /api/v1/me/duties', { status: 201, body: fixtures.dutyEntry({ id: 36, corrects: 31 }) })
    await page.onSave()
    expect(shim.requestsTo('POST /api/v1/me/duties')[0].data).toMatchObject({ corrects: 31, ends_on: '2026-11-06' })
    expect(shim.requestsTo('PATCH /api/v1/duty-entries/31')).toHaveLength(0)
  })

  test('记录谈话 opens the talk form on the person owed; 谈心谈话 on nobody', async () => {
    const page = await open()
    page.onTalk(tap({ person: 4, name: '李四' }))
    page.onTalk(tap({}))
    expect(shim.navigations).toEqual([
      { kind: 'navigateTo', url: '/pages/talk-form/index?year=2026&person=4&name=%E6%9D%8E%E5%9B%9B' },
      { kind: 'navigateTo', url: '/pages/talk-form/index?year=2026' },
    ])
  })

  test('someone else\'s progress (from 履职情况) is read-only: no entries, no contact points, no /me', async () => {
    shim.route('GET /api/v1/people/9/duties', { status: 200, body: fixtures.dutyProgress({ person_id: 9, name: '吴十' }) })
    const page = loadPage('pages/my-duties/index')
    await page.onLoad({ person: '9', year: '2025' })
    expect(shim.requestsTo('GET /api/v1/people/9/duties')[0].data).toEqual({ year: 2025 })
    expect(shim.requests.map((r) => r.path)).toEqual(['/api/v1/people/9/duties'])
    expect(page.data).toMatchObject({ readOnly: true, year: 2025, progress: { name: '吴十' } })
  })

  test('a failed load is the error state with 重试; pull-down loads again', async () => {
    route()
    shim.route(PROGRESS, { fail: 'request:fail' })
    const page = loadPage('pages/my-duties/index')
    await page.onLoad({})
    expect(page.data.loadError).toMatchObject({ message: '网络连接失败，请检查网络后重试', retryable: true })
    shim.route(PROGRESS, { status: 200, body: fixtures.dutyProgress() })
    await page.onPullDownRefresh()
    expect(page.data).toMatchObject({ loadError: null, loading: false })
    expect(shim.pullDownStops).toBe(1)
  })
})

describe('谈心谈话', () => {
  const TALKS = 'GET /api/v1/me/talks'

  async function open(query = {}, talks = [fixtures.talk()]) {
    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me() })
    shim.route(PROGRESS, { status: 200, body: fixtures.dutyProgress() })
    shim.route(TALKS, { status: 200, body: talks })
    const page = loadPage('pages/talk-form/index')
    await page.onLoad(query)
    return page
  }

  test('whom to talk with: who is owed a talk, then whom I talked with; then 其他人员; my talks of the year', async () => {
    const page = await open({}, [
      fixtures.talk(),
      fixtures.talk({ id: 42, with_person_id: 8, with_name: '周八' }),
      fixtures.talk({ id: 43, leader_id: 9, leader_name: '王书记', with_person_id: 1, with_name: '李伟芳', notes: '谈履职' }),
    ])
    expect(shim.requestsTo(TALKS)[0].data).toEqual({ year: 2026 })
    expect(page.data.choices).toEqual([
      '张三（本年已谈1次，还差1次）', '李四（本年尚未谈话，还差2次）', '周八（本年已谈1次）', '其他人员（填写姓名）',
    ])
    expect(page.data.form).toMatchObject({ personIndex: -1, date: '2026-11-20' })
    expect(page.data.talks.map((t) => [t.withText, t.date, t.notes])).toEqual([
      ['与张三谈话', '11月10日', '谈明年工作打算'], ['与周八谈话', '11月10日', '谈明年工作打算'], ['王书记与您谈话', '11月10日', '谈履职'],
    ])
  })

  test('opened on a person from 我的履职, that person is chosen', async () => {
    const page = await open({ year: '2026', person: '4', name: '%E6%9D%8E%E5%9B%9B' })
    expect(page.data.people[page.data.form.personIndex]).toMatchObject({ personId: 4, name: '李四' })
  })

  test('recording a talk with someone on the roster: the checks, the POST, the form emptied, the list again', async () => {
    const page = await open()
    await page.onSave()
    expect(page.data.formError).toBe('请选择谈话对象')
    page.onPerson({ detail: { value: '1' } })
    page.onDate({ detail: { value: '2026-11-21' } })
    await page.onSave()
    expect(page.data.formError).toBe('谈话日期不能晚于今天')

    page.onDate({ detail: { value: '2026-11-18' } })
    page.onInput(pick('notes', '了解思想和工作情况'))
    shim.route('POST /api/v1/me/talks', { status: 201, body: fixtures.talk({ id: 45, with_person_id: 4, with_name: '李四' }) })
    await page.onSave()
    expect(shim.requestsTo('POST /api/v1/me/talks')[0].data).toEqual({ with_person_id: 4, talked_on: '2026-11-18', notes: '了解思想和工作情况' })
    expect(shim.toasts).toEqual(['已记录谈话'])
    expect(page.data).toMatchObject({ formError: '', form: { personIndex: -1, notes: '' } })
    expect(shim.requestsTo(TALKS)).toHaveLength(2)
  })

  test('someone not on the roster by name, without notes', async () => {
    const page = await open()
    page.onPerson({ detail: { value: String(page.data.people.length) } })
    await page.onSave()
    expect(page.data.formError).toBe('请填写谈话对象的姓名')
    page.onInput(pick('name', '王某'))
    shim.route('POST /api/v1/me/talks', { status: 201, body: fixtures.talk({ with_person_id: null, with_name: '王某', notes: '' }) })
    await page.onSave()
    expect(shim.requestsTo('POST /api/v1/me/talks')[0].data).toEqual({ with_name: '王某', talked_on: '2026-11-20', notes: '' })
  })

  test('a talk with oneself is refused in Chinese and the form is kept', async () => {
    const page = await open()
    page.onPerson({ detail: { value: '0' } })
    page.onInput(pick('notes', '谈心'))
    shim.route('POST /api/v1/me/talks', { status: 400, body: { code: 'duty.talk_with_self', message: 'self' } })
    await page.onSave()
    expect(shim.modals).toEqual([expect.objectContaining({ title: '谈话未记录', content: '谈话对象不能是您本人，请重新选择' })])
    expect(page.data.form).toMatchObject({ personIndex: 0, notes: '谈心' })
  })
})

describe('履职情况', () => {
  const LIST = 'GET /api/v1/orgs/5/duties'

  async function open(pages = [fixtures.dutiesPage([fixtures.dutyRow()])]) {
    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me(['reviewer', 5, '街道党工委'], ['secretary', 6, '第一党支部']) })
    shim.route(LIST, (req) => ({ status: 200, body: pages[Math.min(req.data.page, pages.length) - 1] }))
    const page = loadPage('pages/duties-overview/index')
    await page.onLoad()
    return page
  }

  test('who under my organisation is behind this year, each with org, post and what is behind', async () => {
    const page = await open()
    expect(page.data.orgs).toEqual([{ id: 5, name: '街道党工委' }])
    expect(shim.requestsTo(LIST)[0].data).toEqual({ year: 2026, page: 1, per_page: 20, behind_only: true })
    expect(page.data.items).toEqual([{
      id: 1, name: '李伟芳', orgName: '第一党支部', post: '县处级以上 · 书记', metAll: false,
      behind: [{ key: 'research_days', text: '到基层调查研究 12/30天' }],
    }])
    expect(page.data).toMatchObject({ total: 1, hasMore: false })
  })

  test('everyone, another year, and more on reaching the bottom', async () => {
    const rows = (from, n) => Array.from({ length: n }, (_, i) => fixtures.dutyRow({ person_id: from + i, name: `干部${from + i}` }))
    const page = await open([
      fixtures.dutiesPage(rows(1, 20), { total: 25 }),
      fixtures.dutiesPage(rows(21, 5), { total: 25, page: 2 }),
    ])
    expect(page.data).toMatchObject({ total: 25, hasMore: true })
    await page.onReachBottom()
    expect(shim.requestsTo(LIST)[1].data).toEqual({ year: 2026, page: 2, per_page: 20, behind_only: true })
    expect(page.data.items).toHaveLength(25)
    expect(page.data.hasMore).toBe(false)

    await page.onBehindOnly()
    expect(shim.requestsTo(LIST)[2].data).toEqual({ year: 2026, page: 1, per_page: 20 })
    await page.onYear(tap({ step: -1 }))
    expect(shim.requestsTo(LIST)[3].data).toEqual({ year: 2025, page: 1, per_page: 20 })
  })

  test('a tap opens that person\'s progress for the year shown', async () => {
    const page = await open()
    page.onOpen(tap({ id: 1 }))
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/my-duties/index?person=1&year=2026' }])
  })

  test('without a reviewing role there is no list to ask for', async () => {
    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me(['secretary', 6, '第一党支部']) })
    const page = loadPage('pages/duties-overview/index')
    await page.onLoad()
    expect(page.data).toMatchObject({ orgs: [], items: [], loadError: null })
    expect(shim.requestsTo('GET /api/v1/orgs/6/duties')).toHaveLength(0)
  })

  test('a refusal is said in Chinese, without 重试', async () => {
    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me(['reviewer', 5, '街道党工委']) })
    shim.route(LIST, { status: 403, body: { code: 'auth.forbidden', message: 'no' } })
    const page = loadPage('pages/duties-overview/index')
    await page.onLoad()
    expect(page.data.loadError).toMatchObject({ message: '您没有权限进行此操作', retryable: false })
  })
})
