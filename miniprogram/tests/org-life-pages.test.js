// The pages of organisational life through the Page harness: 党务公开 (the list with its unread count, a notice with
// 我要提问, the publisher's 发布公开 and who has not read), 活动评价 (the stars, the refusals, the member's own answer,
// the branch's summary only from enough answers), 我的政治生日, a secretary's 政治生日 (month, 只看未完成, 记录 of the four
// items) and 结对共建 (the pairs, a pair's year, 登记 an exchange), and their entries on the home page.
const { signedIn } = require('./signed-in')
const { loadPage } = require('./page-harness')
const fixtures = require('./fixtures')

const shim = signedIn({ now: '2026-11-20T02:00:00Z' }) // 10:00 in Shanghai

const tap = (dataset) => ({ currentTarget: { dataset } })
const input = (field, value) => ({ currentTarget: { dataset: { field } }, detail: { value } })
const secretary = () => fixtures.me(['secretary', 6, '第一党支部'])

describe('党务公开', () => {
  const LIST = 'GET /api/v1/me/notices'

  test('my notices, newest first, the unread marked and counted; a tap opens one', async () => {
    shim.route(LIST, {
      status: 200,
      body: fixtures.myNotices([fixtures.notice(), fixtures.notice({ id: 102, kind: 'party', title: '支部换届选举结果', read: true })]),
    })
    const page = loadPage('pages/notices/index')
    await page.onLoad()
    expect(shim.requestsTo(LIST)[0].data).toEqual({ page: 1, per_page: 20 })
    expect(page.data).toMatchObject({ unread: 1, unreadText: '您有1条公开内容未读', hasMore: false, loadError: null })
    expect(page.data.items.map((n) => [n.id, n.kindText, n.title, n.read, n.publishedText])).toEqual([
      [101, '财务公开', '2026年第三季度党费收缴情况', false, '11月18日 周三 09:30'],
      [102, '党务公开', '支部换届选举结果', true, '11月18日 周三 09:30'],
    ])
    page.onOpen(tap({ id: 101 }))
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/notice/index?id=101' }])
  })

  test('the next page on reaching the bottom, without the rows already shown', async () => {
    // Page 2 repeats notice 101 (the list moved meanwhile) before 103.
    shim.route(LIST, (req) => {
      const items = req.data.page === 1 ? [fixtures.notice()] : [fixtures.notice(), fixtures.notice({ id: 103 })]
      return {
        status: 200,
        body: fixtures.myNotices(items, {
          page: {
            items, page: req.data.page, per_page: 20, total: 2,
          },
        }),
      }
    })
    const page = loadPage('pages/notices/index')
    await page.onLoad()
    expect(page.data.hasMore).toBe(true)
    await page.onReachBottom()
    expect(page.data.items.map((n) => n.id)).toEqual([101, 103])
    expect(page.data.hasMore).toBe(false)
  })

  test('nothing published to me yet; a failed load offers 重试', async () => {
    shim.route(LIST, { fail: 'request:fail' })
    const page = loadPage('pages/notices/index')
    await page.onLoad()
    expect(page.data.loadError).toMatchObject({ message: '网络连接失败，请检查网络后重试', retryable: true })
    shim.route(LIST, { status: 200, body: fixtures.myNotices([]) })
    await page.load()
    expect(page.data).toMatchObject({ items: [], unread: 0, unreadText: '公开内容您都已阅读', loadError: null })
  })
})

describe('一条公开内容', () => {
  async function open(query = { id: '101' }) {
    shim.route('GET /api/v1/notices/101', { status: 200, body: fixtures.notice({ read: true }) })
    const page = loadPage('pages/notice/index')
    await page.onLoad(query)
    return page
  }

  test('the notice is read (the server records it); a member does not see the readers', async () => {
    const page = await open()
    expect(page.data.notice).toMatchObject({
      title: '2026年第三季度党费收缴情况', kindText: '财务公开', orgName: '第一党支部', body: '本季度应缴党费12人，已全部缴纳，共计3600元。',
    })
    expect(page.data.readers).toBeNull()
    expect(shim.requests.map((r) => r.path)).toEqual(['/api/v1/notices/101'])
  })

  test('我要提问: checked, sent to the notice, then the question opens on the matter page', async () => {
    const page = await open()
    page.onAsk()
    expect(page.data.asking).toBe(true)
    await page.onSubmit()
    expect(page.data.formError).toBe('请填写质询标题')
    page.onInput(input('title', ' 党费为何比上季度少 '))
    page.onInput(input('body', '请说明原因'))
    shim.route('POST /api/v1/notices/101/questions', { status: 201, body: fixtures.matter({ id: 84, kind: 'question' }) })
    await page.onSubmit()
    expect(shim.requestsTo('POST /api/v1/notices/101/questions')[0].data).toEqual({ title: '党费为何比上季度少', body: '请说明原因' })
    expect(shim.toasts).toEqual(['质询已提交'])
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/matter/index?id=84' }])
    expect(page.data).toMatchObject({ asking: false, busy: false, form: { title: '', body: '' } })
  })

  test('a question refused is explained in Chinese, and what was typed stays', async () => {
    const page = await open()
    page.onAsk()
    page.onInput(input('title', '问题'))
    page.onInput(input('body', '内容'))
    shim.route('POST /api/v1/notices/101/questions', { status: 403, body: { code: 'auth.forbidden', message: 'no' } })
    await page.onSubmit()
    expect(shim.modals[0]).toMatchObject({ title: '质询未提交', content: '您没有权限进行此操作', confirmText: '知道了' })
    expect(shim.navigations).toEqual([])
    expect(page.data.form).toEqual({ title: '问题', body: '内容' })
  })

  test('the publisher (?staff=1) sees who has not read it', async () => {
    shim.route('GET /api/v1/notices/101/readers', { status: 200, body: fixtures.readers() })
    const page = await open({ id: '101', staff: '1' })
    expect(page.data.readers).toEqual({
      expected: 12,
      read: 10,
      text: '应读12人，已读10人，未读2人',
      unread: [{ id: 3, name: '张三', orgName: '第一党支部' }, { id: 4, name: '李四', orgName: '第一党支部' }],
    })
  })
})

describe('发布公开', () => {
  async function open(me = secretary()) {
    shim.route('GET /api/v1/me', { status: 200, body: me })
    const page = loadPage('pages/notice-form/index')
    await page.onLoad()
    return page
  }

  test('a notice of my branch: checked, published, then files and 查看阅读情况', async () => {
    const page = await open()
    expect(page.data.orgs).toEqual([{ id: 6, name: '第一党支部' }])
    await page.onSubmit()
    expect(page.data.formError).toBe('请填写标题')
    page.onPick(input('kindIndex', '2'))
    page.onPick(input('audienceIndex', '2'))
    page.onInput(input('title', '党费收缴情况'))
    page.onInput(input('body', '已全部缴纳'))
    await page.onSubmit()
    expect(page.data.formError).toBe('请填写社区编号（数字）')
    page.onInput(input('communityId', '2'))
    shim.route('POST /api/v1/orgs/6/notices', { status: 201, body: fixtures.notice({ id: 105, title: '党费收缴情况' }) })
    await page.onSubmit()
    expect(shim.requestsTo('POST /api/v1/orgs/6/notices')[0].data).toEqual({
      kind: 'finance', audience: 'public', community_id: 2, title: '党费收缴情况', body: '已全部缴纳',
    })
    expect(page.data.published).toEqual({ id: 105, title: '党费收缴情况' })
    page.onReaders()
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/notice/index?id=105&staff=1' }])
    page.onAnother()
    expect(page.data).toMatchObject({ published: null, form: { title: '', kindIndex: 0 } })
  })

  test('a refusal is shown; nobody without the role has an organisation to publish for', async () => {
    const page = await open()
    page.onInput(input('title', '标题'))
    page.onInput(input('body', '内容'))
    shim.route('POST /api/v1/orgs/6/notices', { status: 400, body: { code: 'life.invalid_input', message: 'bad' } })
    await page.onSubmit()
    expect(shim.modals[0]).toMatchObject({ title: '未能发布', content: '填写的内容有误，请检查后重试' })
    expect(page.data.published).toBeNull()

    const member = await open(fixtures.me())
    expect(member.data.orgs).toEqual([])
  })
})

describe('活动评价', () => {
  const FEEDBACK = 'GET /api/v1/activities/12/feedback'

  async function open(body = fixtures.myFeedback(), query = { id: '12' }) {
    shim.route(FEEDBACK, { status: 200, body })
    const page = loadPage('pages/feedback/index')
    await page.onLoad(query)
    return page
  }

  test('the stars, an optional comment, then my own answer', async () => {
    const page = await open()
    expect(page.data.view).toMatchObject({ canAnswer: true, mine: null, closesText: '11月23日 周一 11:00' })
    await page.onSubmit()
    expect(page.data.formError).toBe('请点选1到5颗星')
    page.onStar(tap({ rating: 4 }))
    page.onInput({ detail: { value: ' 内容很实在 ' } })
    shim.route('POST /api/v1/activities/12/feedback', { status: 201, body: { rating: 4, comment: '内容很实在' } })
    shim.route(FEEDBACK, { status: 200, body: fixtures.myFeedback({ can_answer: false, mine: { rating: 4, comment: '内容很实在' } }) })
    await page.onSubmit()
    expect(shim.requestsTo('POST /api/v1/activities/12/feedback')[0].data).toEqual({ rating: 4, comment: '内容很实在' })
    expect(shim.toasts).toEqual(['感谢您的评价'])
    expect(page.data.view).toMatchObject({ canAnswer: false, mine: { rating: 4, comment: '内容很实在', text: '★★★★☆ 满意' } })
  })

  test('a refusal says why in Chinese, on the form', async () => {
    const page = await open()
    page.onStar(tap({ rating: 5 }))
    shim.route('POST /api/v1/activities/12/feedback', { status: 409, body: { code: 'feedback.closed', message: 'closed' } })
    await page.onSubmit()
    expect(page.data.formError).toBe('现在不在评价时间内（活动结束后3天内可以评价）')
    expect(shim.modals).toEqual([])
    shim.route('POST /api/v1/activities/12/feedback', { status: 403, body: { code: 'feedback.not_attended', message: 'no' } })
    await page.onSubmit()
    expect(page.data.formError).toBe('您没有参加这次活动，不能评价')
  })

  test('not (or no longer) open: when it can be given', async () => {
    const page = await open(fixtures.myFeedback({ can_answer: false }))
    expect(page.data.view).toMatchObject({ canAnswer: false, mine: null, note: '评价时间：11月20日 周五 11:00 至 11月23日 周一 11:00' })
  })

  test('the branch\'s summary: bars, average and comments only from enough answers', async () => {
    shim.route('GET /api/v1/activities/12/feedback/summary', { status: 200, body: fixtures.feedbackSummary() })
    const page = loadPage('pages/feedback/index')
    await page.onLoad({ id: '12', summary: '1' })
    expect(page.data.view).toBeNull()
    expect(page.data.summary).toMatchObject({ enough: true, text: '共8人评价', average: '4.1' })
    expect(page.data.summary.bars.map((b) => [b.label, b.count, b.width])).toEqual([
      ['5星', 4, 100], ['4星', 2, 50], ['3星', 1, 25], ['2星', 1, 25], ['1星', 0, 0],
    ])
    expect(page.data.summary.comments.map((c) => c.text)).toEqual(['内容很实在', '时间安排合理'])

    shim.route('GET /api/v1/activities/12/feedback/summary', {
      status: 200, body: fixtures.feedbackSummary({ answers: 3, enough: false, distribution: null, average: null, comments: [] }),
    })
    await page.load()
    expect(page.data.summary).toMatchObject({ enough: false, text: '答复人数不足5人，暂不显示', bars: [] })
  })

  test('a member who checked in finds 活动评价 on 我的活动; the secretary finds the summary on the attendance page', async () => {
    shim.route('GET /api/v1/me/activities', {
      status: 200,
      body: [fixtures.myActivity({ phase: 'closed', checked_in_at: '2026-11-20T09:02:00+08:00' }), fixtures.myActivity({ activity_id: 13, checked_in_at: null })],
    })
    const page = loadPage('pages/my-activities/index')
    await page.onLoad()
    expect(page.data.items.map((i) => i.canRate)).toEqual([true, false])
    page.onRate(tap({ id: page.data.items[0].id }))
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: `/pages/feedback/index?id=${page.data.items[0].id}` }])

    const attendance = loadPage('pages/attendance/index')
    attendance.setData({ activityId: 12 })
    attendance.onFeedback()
    expect(shim.navigations[1]).toEqual({ kind: 'navigateTo', url: '/pages/feedback/index?id=12&summary=1' })
  })
})

describe('我的政治生日', () => {
  const MINE = 'GET /api/v1/me/political-birthday'

  test('the day, the years in the Party and the four items', async () => {
    shim.route(MINE, {
      status: 200, body: fixtures.birthday({ celebration: fixtures.celebration({ oath_renewed: true, talk_id: 41 }) }),
    })
    const page = loadPage('pages/my-birthday/index')
    await page.onLoad()
    expect(page.data.birthday).toMatchObject({
      dayText: '12月3日 周四', yearsText: '党龄25年', joinText: '2001年12月3日入党', state: '支部已安排，以下内容完成后会记录在这里',
    })
    expect(page.data.birthday.items.map((i) => [i.label, i.text])).toEqual([
      ['思想汇报', '未完成'], ['重温入党誓词', '已完成'], ['书记谈心交流', '已完成'], ['参观学习', '未完成'],
    ])
  })

  test('not yet celebrated; no joining date on the roster says whom to ask', async () => {
    shim.route(MINE, { status: 200, body: fixtures.birthday() })
    const page = loadPage('pages/my-birthday/index')
    await page.onLoad()
    expect(page.data.birthday).toMatchObject({ planned: false, state: '支部还没有安排这次政治生日活动' })

    shim.route(MINE, { status: 404, body: { code: 'life.not_found', message: 'no joining date' } })
    await page.load()
    expect(page.data).toMatchObject({ birthday: null, missing: '没有找到相关记录（名册中可能没有您的入党日期），请联系支部书记', loadError: null })
  })

  test('a failed load offers 重试', async () => {
    shim.route(MINE, { fail: 'request:fail' })
    const page = loadPage('pages/my-birthday/index')
    await page.onLoad()
    expect(page.data.loadError).toMatchObject({ retryable: true })
  })
})

describe('政治生日 (secretary)', () => {
  const LIST = 'GET /api/v1/orgs/6/political-birthdays'

  async function open(rows) {
    shim.route('GET /api/v1/me', { status: 200, body: secretary() })
    shim.route(LIST, { status: 200, body: rows })
    const page = loadPage('pages/birthdays/index')
    await page.onLoad()
    return page
  }

  test('this month\'s birthdays of my branch; another month, 只看未完成', async () => {
    const page = await open([
      fixtures.birthday({ celebration: fixtures.celebration() }),
      fixtures.birthday({ person_id: 3, name: '张三', birthday: '2026-12-20', years: 3 }),
    ])
    expect(shim.requestsTo(LIST)[0].data).toEqual({ year: 2026, month: 11 })
    expect(page.data.monthText).toBe('2026年11月')
    expect(page.data.items.map((b) => [b.name, b.planned, b.yearsText])).toEqual([['李伟芳', true, '党龄25年'], ['张三', false, '党龄3年']])
    await page.onMonth({ detail: { value: '2026-12' } })
    await page.onPending()
    expect(shim.requestsTo(LIST).map((r) => r.data)).toEqual([
      { year: 2026, month: 11 }, { year: 2026, month: 12 }, { year: 2026, month: 12, pending: true },
    ])
  })

  test('记录: the report, the oath, the visit and my talk with the member', async () => {
    const page = await open([fixtures.birthday({ celebration: fixtures.celebration() })])
    page.onEdit(tap({ id: 121 }))
    expect(page.data).toMatchObject({ editing: 121, form: { report: '', oathRenewed: false, visitDone: false, talked: false, talk: false } })
    page.onInput({ detail: { value: '学习体会' } })
    page.onToggle(tap({ field: 'oathRenewed' }))
    page.onToggle(tap({ field: 'talk' }))
    shim.route('PATCH /api/v1/political-birthdays/121', {
      status: 200, body: fixtures.birthday({ celebration: fixtures.celebration({ report: '学习体会', oath_renewed: true, talk_id: 41 }) }),
    })
    await page.onSave()
    expect(shim.requestsTo('PATCH /api/v1/political-birthdays/121')[0].data).toEqual({
      report: '学习体会', oath_renewed: true, visit_done: false, secretary_talk: true,
    })
    expect(shim.toasts).toEqual(['已记录'])
    expect(page.data).toMatchObject({ editing: 0, form: null })
    expect(page.data.items[0].items.map((i) => i.done)).toEqual([true, true, true, false])
  })

  test('a refusal stays on the form; no birthday this month', async () => {
    const page = await open([fixtures.birthday({ celebration: fixtures.celebration() })])
    page.onEdit(tap({ id: 121 }))
    shim.route('PATCH /api/v1/political-birthdays/121', { status: 403, body: { code: 'auth.forbidden', message: 'no' } })
    await page.onSave()
    expect(page.data).toMatchObject({ editing: 121, formError: '您没有权限进行此操作', busy: false })

    const empty = await open([])
    expect(empty.data.items).toEqual([])
  })

  const PLANS = 'GET /api/v1/orgs/6/plans'
  const CELEBRATE = 'POST /api/v1/plans/15/political-birthdays'
  const pendingRows = () => [
    fixtures.birthday({ celebration: fixtures.celebration() }),
    fixtures.birthday({ person_id: 3, name: '张三', birthday: '2026-11-25', years: 3 }),
    fixtures.birthday({ person_id: 4, name: '李四', birthday: '2026-11-28', years: 8 }),
  ]

  test('安排政治生日活动: this month\'s 政治生日 plan, the members ticked, added, then the list read again', async () => {
    const page = await open(pendingRows())
    expect(page.data.unplanned).toBe(2)
    shim.route(PLANS, { status: 200, body: [fixtures.plan({ id: 14, month: '2026-11' }), fixtures.birthdayPlan()] })
    await page.onArrange()
    expect(shim.requestsTo(PLANS)[0].data).toEqual({ month: '2026-11' })
    expect(page.data).toMatchObject({
      arranging: true, noPlan: '', arrangeBusy: false, plans: [{ id: 15, text: '过政治生日 重温入党誓词（11月27日）' }],
    })
    await page.onCelebrate()
    expect(page.data.arrangeError).toBe('请勾选要安排的同志')
    expect(shim.requestsTo(CELEBRATE)).toEqual([])

    page.onPick(tap({ id: 1 })) // 李伟芳, already celebrated, cannot be ticked
    page.onPick(tap({ id: 3 }))
    page.onPick(tap({ id: 4 }))
    page.onPick(tap({ id: 4 }))
    expect(page.data.items.map((b) => b.picked)).toEqual([false, true, false])
    const celebrated = fixtures.birthday({
      person_id: 3, name: '张三', birthday: '2026-11-25', years: 3, celebration: fixtures.celebration({ id: 122, plan_id: 15 }),
    })
    shim.route(CELEBRATE, { status: 200, body: [celebrated] })
    shim.route(LIST, { status: 200, body: [pendingRows()[0], celebrated, pendingRows()[2]] })
    await page.onCelebrate()
    expect(shim.requestsTo(CELEBRATE)[0].data).toEqual({ person_ids: [3] })
    expect(shim.toasts).toEqual(['已安排1位同志'])
    expect(shim.requestsTo(LIST)).toHaveLength(2)
    expect(page.data).toMatchObject({ arranging: false, plans: [], arrangeError: '', unplanned: 1 })
    expect(page.data.items.map((b) => [b.name, b.planned, b.celebrationId, b.picked])).toEqual([
      ['李伟芳', true, 121, false], ['张三', true, 122, false], ['李四', false, 0, false],
    ])
  })

  test('no 政治生日 plan this month says to make one first; 返回 closes it', async () => {
    const page = await open(pendingRows())
    shim.route(PLANS, { status: 200, body: [fixtures.plan({ month: '2026-11' }), fixtures.birthdayPlan({ id: 16, org_id: 7 })] })
    await page.onArrange()
    expect(page.data).toMatchObject({ arranging: true, plans: [], noPlan: '请先制定本月“政治生日”主题的活动计划' })
    await page.onCelebrate()
    expect(shim.requests.filter((r) => r.method === 'POST')).toEqual([])
    page.onArrangeCancel()
    expect(page.data).toMatchObject({ arranging: false, noPlan: '' })

    await page.onMonth({ detail: { value: '2026-12' } })
    shim.route(PLANS, { status: 200, body: [] })
    await page.onArrange()
    expect(shim.requestsTo(PLANS)[1].data).toEqual({ month: '2026-12' })
    expect(page.data.noPlan).toBe('请先制定本月“政治生日”主题的活动计划')
  })

  test('a refusal (already celebrated, a wrong member) stays on the form with the ticks; a failed read of the plans is shown', async () => {
    const page = await open(pendingRows())
    shim.route(PLANS, { status: 200, body: [fixtures.birthdayPlan()] })
    await page.onArrange()
    page.onPick(tap({ id: 3 }))
    page.onPick(tap({ id: 4 }))
    shim.route(CELEBRATE, { status: 409, body: { code: 'life.conflict', message: 'already celebrated this year' } })
    await page.onCelebrate()
    expect(shim.requestsTo(CELEBRATE)[0].data).toEqual({ person_ids: [3, 4] })
    expect(page.data).toMatchObject({ arranging: true, arrangeBusy: false, arrangeError: '该同志今年的政治生日已经登记过了' })
    expect(page.data.items.map((b) => b.picked)).toEqual([false, true, true])
    shim.route(CELEBRATE, { status: 400, body: { code: 'life.invalid_input', message: 'not a member of the branch' } })
    await page.onCelebrate()
    expect(page.data.arrangeError).toBe('填写的内容有误，请检查后重试')
    expect(shim.toasts).toEqual([])
    expect(shim.requestsTo(LIST)).toHaveLength(1)

    shim.route(PLANS, { fail: 'request:fail' })
    await page.onArrange()
    expect(page.data).toMatchObject({ arranging: true, plans: [], noPlan: '', arrangeError: '网络连接失败，请检查网络后重试' })
  })
})

describe('结对共建', () => {
  async function open(pairs = [fixtures.pair()]) {
    shim.route('GET /api/v1/me', { status: 200, body: secretary() })
    shim.route('GET /api/v1/orgs/6/pairs', { status: 200, body: pairs })
    const page = loadPage('pages/pairs/index')
    await page.onLoad()
    return page
  }

  test('my branch\'s pairs; a pair\'s year with each side\'s attendance', async () => {
    const page = await open()
    expect(page.data.pairs).toEqual([expect.objectContaining({
      id: 131, names: '第一党支部 ⇄ 市供电公司党支部', period: '2026-01-01 至 2027-12-31',
    })])
    shim.route('GET /api/v1/org-pairs/131/year', { status: 200, body: fixtures.pairYear() })
    await page.onOpen(tap({ id: 131 }))
    expect(shim.requestsTo('GET /api/v1/org-pairs/131/year')[0].data).toEqual({ year: 2026 })
    expect(page.data.year.counts).toBe('联合活动1次，交流学习1次，帮扶0次')
    expect(page.data.year.joint[0].sides.map((s) => s.text)).toEqual([
      '第一党支部：应到12人，实到11人，出勤率91.7%', '市供电公司党支部：应到8人，实到6人，出勤率75%',
    ])
    expect(page.data.year.entries).toEqual([{
      id: 141, kindText: '交流学习', when: '10月15日 周四', orgName: '第一党支部', summary: '到供电公司交流党建经验',
    }])
  })

  test('登记 an exchange for my side; the year is read again', async () => {
    const page = await open()
    shim.route('GET /api/v1/org-pairs/131/year', { status: 200, body: fixtures.pairYear() })
    await page.onOpen(tap({ id: 131 }))
    page.onAdd()
    expect(page.data.form).toEqual({ orgIndex: 0, kindIndex: 0, on: '2026-11-20', summary: '' })
    await page.onSave()
    expect(page.data.formError).toBe('请填写做了什么')
    page.onPick(input('kindIndex', '1'))
    page.onInput({ detail: { value: '捐赠图书200册' } })
    shim.route('POST /api/v1/org-pairs/131/entries', { status: 201, body: fixtures.pairEntry({ kind: 'help' }) })
    await page.onSave()
    expect(shim.requestsTo('POST /api/v1/org-pairs/131/entries')[0].data).toEqual({
      org_id: 6, kind: 'help', on: '2026-11-20', summary: '捐赠图书200册',
    })
    expect(shim.toasts).toEqual(['已登记'])
    expect(shim.requestsTo('GET /api/v1/org-pairs/131/year')).toHaveLength(2)
    expect(page.data.form).toBeNull()
  })

  test('no pairs yet; a refused entry is shown on the form', async () => {
    const none = await open([])
    expect(none.data.pairs).toEqual([])
    const page = await open()
    shim.route('GET /api/v1/org-pairs/131/year', { status: 200, body: fixtures.pairYear() })
    await page.onOpen(tap({ id: 131 }))
    page.onAdd()
    page.onInput({ detail: { value: '交流' } })
    shim.route('POST /api/v1/org-pairs/131/entries', { status: 403, body: { code: 'auth.forbidden', message: 'no' } })
    await page.onSave()
    expect(page.data.formError).toBe('您没有权限进行此操作')
  })
})

describe('the home page\'s entries', () => {
  test('every member: 党务公开 and 我的政治生日; a secretary also 发布公开, 政治生日 and 结对共建', () => {
    const roles = require('../utils/roles')
    expect(roles.lifeEntries(null)).toEqual([])
    expect(roles.lifeEntries(fixtures.me()).map((e) => [e.title, e.url])).toEqual([
      ['党务公开', '/pages/notices/index'], ['我的政治生日', '/pages/my-birthday/index'],
    ])
    expect(roles.lifeEntries(secretary()).map((e) => e.url)).toEqual([
      '/pages/notices/index', '/pages/my-birthday/index', '/pages/notice-form/index', '/pages/birthdays/index', '/pages/pairs/index',
    ])
    expect(roles.lifeEntries(fixtures.me(['org_admin', 5, '街道党工委'])).map((e) => e.key)).toEqual(['notices', 'my-birthday', 'notice-form'])
  })

  test('the home page\'s 党务公开 entry says how many notices are unread', async () => {
    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me() })
    shim.route('GET /api/v1/me/preview', {
      status: 200, body: { month: '2026-11', activity_day: '2026-11-20', preview_deadline: '2026-11-10', preview: null, plan_id: null, expected: false },
    })
    shim.route('GET /api/v1/me/notices', { status: 200, body: fixtures.myNotices([fixtures.notice()], { unread: 3 }) })
    const page = loadPage('pages/index/index')
    await page.load()
    await page.loadUnread()
    expect(shim.requestsTo('GET /api/v1/me/notices')[0].data).toEqual({ page: 1, per_page: 1 })
    expect(page.data.lifeEntries.map((e) => e.title)).toEqual(['党务公开（3条未读）', '我的政治生日'])
  })

  test('the server\'s birthday greeting (birthday_page in its configuration) opens a page that exists', () => {
    const app = require('../app.json')
    expect(app.pages).toContain('pages/my-birthday/index')
  })
})
