// The pages of the democratic evaluation and of inspections through the Page harness: 民主评议 (the campaigns, my
// evidence sheet, the self-assessment, secret ballots once each, my result after the close), 评议党组织 (a member's and a
// visitor's answer, once, refusals said plainly, shared by link), 组织民主评议 (opening a campaign, a member's evidence
// sheet, comment and grade, the results), 整改任务 and its page (paging, 已逾期, the answer), 督查通报, and their entries
// on the home page.
const { signedIn } = require('./signed-in')
const { loadPage } = require('./page-harness')
const fixtures = require('./fixtures')

const shim = signedIn({ now: '2026-11-20T02:00:00Z' }) // 10:00 in Shanghai

const tap = (dataset) => ({ currentTarget: { dataset } })
const input = (value) => ({ detail: { value } })
const pick = (field, value) => ({ currentTarget: { dataset: { field } }, detail: { value } })
const secretary = () => fixtures.me(['secretary', 6, '第一党支部'])
const closed = (overrides = {}) => ({ id: 50, year: 2025, open: false, closed: true, opens_at: '2025-12-01T00:00:00+08:00', closes_at: '2025-12-20T23:59:59+08:00', ...overrides })

describe('民主评议', () => {
  const bothYears = () => [fixtures.campaignSummary(), fixtures.campaignSummary(closed())]
  function routes({ me = fixtures.me(), list = bothYears(), campaign = fixtures.campaign() } = {}) {
    shim.route('GET /api/v1/me', { status: 200, body: me })
    shim.route('GET /api/v1/me/evaluations', { status: 200, body: list })
    shim.route('GET /api/v1/evaluations/51', { status: 200, body: campaign })
    shim.route('GET /api/v1/evaluations/51/members/1/evidence', { status: 200, body: fixtures.evidenceSheet() })
  }

  async function open(query) {
    const page = loadPage('pages/evaluation/index')
    await page.onLoad(query)
    return page
  }

  test('the open campaign first, my evidence sheet, my self-assessment and every other member to rate', async () => {
    routes()
    const page = await open()
    expect(page.data).toMatchObject({ loadError: null, campaignIndex: 0, member: true, selfText: '', selfSaved: '', result: null })
    expect(page.data.campaigns.map((c) => [c.title, c.stateText])).toEqual([['2026年度民主评议党员', '评议中'], ['2025年度民主评议党员', '已结束']])
    expect(page.data.campaign).toMatchObject({ id: 51, open: true, period: '11月16日 周一 00:00 至 11月30日 周一 23:59' })
    expect(page.data.evidence).toMatchObject({ name: '李伟芳', commitments: '本年度承诺2项，已完成1项' })
    expect(page.data.ballots).toMatchObject({ done: 1, left: 1, progress: '已评议1人，还有1人未评议' })
    expect(page.data.ballots.others.map((m) => [m.name, m.rated])).toEqual([['张三', true], ['李四', false]])
    expect(shim.requestsTo('GET /api/v1/evaluations/51/results')).toEqual([])
    expect(wx.getStorageSync('hdr.me')).toEqual({ id: 1, name: '李伟芳' }) // who I am, kept for the next page
  })

  test('the self-assessment: required, then saved (PUT) and shown as saved', async () => {
    routes()
    const page = await open()
    await page.onSelfSave()
    expect(page.data.selfError).toBe('请填写自评内容')
    expect(shim.requestsTo('PUT /api/v1/evaluations/51/self-assessment')).toEqual([])

    page.onSelfInput(input(' 一年来认真学习。\n按时参加组织生活。 '))
    shim.route('PUT /api/v1/evaluations/51/self-assessment', { status: 204 })
    shim.route('GET /api/v1/evaluations/51', { status: 200, body: fixtures.campaign({ my_self_assessment: '一年来认真学习。\n按时参加组织生活。' }) })
    await page.onSelfSave()
    expect(shim.requestsTo('PUT /api/v1/evaluations/51/self-assessment')[0].data).toEqual({ text: '一年来认真学习。\n按时参加组织生活。' })
    expect(shim.toasts).toEqual(['自评已保存'])
    expect(page.data).toMatchObject({ selfSaved: '一年来认真学习。\n按时参加组织生活。', busy: false })
  })

  test('a ballot: a grade is required, said back to confirm, sent once, then the member shows 已评议', async () => {
    routes()
    const page = await open()
    page.onBallotOpen(tap({ id: 4 }))
    await page.onBallotSend()
    expect(page.data.ballotError).toBe('请选择评议等次')

    page.onGrade(tap({ grade: 'basically_qualified' }))
    page.onBallotInput(input('希望多参加志愿服务'))
    await page.onBallotSend() // 再想想
    expect(shim.modals).toEqual([{
      title: '提交评议', content: '您对李四同志的评议是“基本合格”。评议不记名，提交后不能修改。', showCancel: true, confirmText: '确认提交', cancelText: '再想想',
    }])
    expect(shim.requestsTo('POST /api/v1/evaluations/51/ballots')).toEqual([])

    shim.modalAnswers.push(true)
    shim.route('POST /api/v1/evaluations/51/ballots', { status: 204 })
    const rated = fixtures.campaign().members.map((m) => ({ ...m, rated_by_me: m.person_id !== 1 }))
    shim.route('GET /api/v1/evaluations/51', { status: 200, body: fixtures.campaign({ members: rated }) })
    await page.onBallotSend()
    expect(shim.requestsTo('POST /api/v1/evaluations/51/ballots')[0].data).toEqual({ subject_id: 4, grade: 'basically_qualified', comment: '希望多参加志愿服务' })
    expect(shim.toasts).toEqual(['评议已提交'])
    expect(page.data).toMatchObject({ ballotAt: 0, ballotForm: { grade: '', comment: '' } })
    expect(page.data.ballots.progress).toBe('您已评议全部2位同志，感谢您的参与')
  })

  test('a ballot already cast (from another phone) is said and the list read again; a network failure offers 重试', async () => {
    routes()
    const page = await open()
    page.onBallotOpen(tap({ id: 4 }))
    page.onGrade(tap({ grade: 'qualified' }))
    shim.modalAnswers.push(true)
    shim.route('POST /api/v1/evaluations/51/ballots', { status: 409, body: { code: 'evaluation.already_voted', message: 'already' } })
    await page.onBallotSend()
    expect(shim.modals).toHaveLength(1) // the confirmation only
    expect(shim.toasts).toEqual(['您已评议过李四同志，每人只能评议一次'])
    expect(shim.requestsTo('GET /api/v1/evaluations/51')).toHaveLength(2)
    expect(page.data.ballotAt).toBe(0)

    page.onBallotOpen(tap({ id: 4 }))
    page.onGrade(tap({ grade: 'qualified' }))
    shim.modalAnswers.push(true, false)
    shim.route('POST /api/v1/evaluations/51/ballots', { fail: 'request:fail' })
    await page.onBallotSend()
    expect(shim.modals[2]).toMatchObject({ title: '评议未提交', content: '网络连接失败，请检查网络后重试', confirmText: '重试' })
    expect(page.data.ballotAt).toBe(4) // the form stays, with the grade picked
    expect(page.data.ballotForm.grade).toBe('qualified')
  })

  test('a closed campaign (?id=): my own result, null counts said as fewer than five ballots', async () => {
    routes()
    shim.route('GET /api/v1/evaluations/50', { status: 200, body: fixtures.campaign(closed({ my_self_assessment: '认真学习' })) })
    shim.route('GET /api/v1/evaluations/50/members/1/evidence', { status: 200, body: fixtures.evidenceSheet({ year: 2025 }) })
    shim.route('GET /api/v1/evaluations/50/results', {
      status: 200, body: [fixtures.memberResult({ ballots: 3, counts: null, comments: [], final_grade: 'qualified', meeting_date: '2025-12-28' })],
    })
    const page = await open({ id: '50' })
    expect(page.data).toMatchObject({ campaignIndex: 1, selfSaved: '认真学习', campaign: { id: 50, state: 'closed' } })
    expect(page.data.result).toMatchObject({
      ballotsText: '收到评议3票',
      enough: false,
      tooFew: '收到的评议不足5票，为保护评议人，不显示各等次票数和意见',
      finalText: '合格（2025年12月28日支部党员大会评定）',
    })
  })

  test('another year from the picker; the questionnaire from 评议党组织', async () => {
    routes()
    const page = await open()
    shim.route('GET /api/v1/evaluations/50', { status: 200, body: fixtures.campaign(closed()) })
    shim.route('GET /api/v1/evaluations/50/members/1/evidence', { status: 200, body: fixtures.evidenceSheet({ year: 2025 }) })
    shim.route('GET /api/v1/evaluations/50/results', { status: 200, body: [fixtures.memberResult()] })
    await page.onCampaign(input('1'))
    expect(page.data).toMatchObject({ campaignIndex: 1, campaign: { id: 50 }, result: { enough: true, ballotsText: '收到评议7票' } })
    page.onQuestionnaire()
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/org-evaluation/index?id=50' }])
  })

  test('someone the campaign does not evaluate reads it only; no campaign yet is the empty state', async () => {
    routes({ me: { ...fixtures.me(), id: 9 } })
    const page = await open()
    expect(page.data).toMatchObject({ member: false, evidence: null })
    expect(shim.requests.some((r) => r.path.includes('/evidence'))).toBe(false)

    routes({ list: [] })
    const none = await open()
    expect(none.data).toMatchObject({ campaign: null, campaigns: [], loadError: null })
  })
})

describe('评议党组织', () => {
  const PATH = '/api/v1/evaluations/51/questionnaire'

  async function open(body = fixtures.questionnaire()) {
    shim.route(`GET ${PATH}`, { status: 200, body })
    const page = loadPage('pages/org-evaluation/index')
    await page.onLoad({ id: '51' })
    return page
  }

  const answerAll = (page, answer = 'satisfied') => page.data.questionnaire.questions.forEach((q) => page.onAnswer(tap({ index: q.index, answer })))

  test('a member answers every question once; a missing answer is named', async () => {
    const page = await open()
    expect(page.data).toMatchObject({ visitor: false, answers: ['', '', '', '', ''], questionnaire: { title: '第一党支部2026年度满意度测评', open: true } })
    page.onAnswer(tap({ index: 0, answer: 'satisfied' }))
    page.onAnswer(tap({ index: 1, answer: 'dissatisfied' }))
    await page.onSubmit()
    expect(page.data.formError).toBe('请回答第3题（共5题）')
    expect(shim.requestsTo(`POST ${PATH}`)).toEqual([])

    ;[2, 3, 4].forEach((index) => page.onAnswer(tap({ index, answer: 'basically_satisfied' })))
    shim.route(`POST ${PATH}`, { status: 204 })
    shim.route(`GET ${PATH}`, { status: 200, body: fixtures.questionnaire({ answered: true }) })
    await page.onSubmit()
    expect(shim.requestsTo(`POST ${PATH}`)[0].data).toEqual({
      answers: ['satisfied', 'dissatisfied', 'basically_satisfied', 'basically_satisfied', 'basically_satisfied'],
    })
    expect(shim.toasts).toEqual(['评议已提交'])
    expect(page.data).toMatchObject({ thanks: '感谢您的参与！您的评议已提交，每人只能参加一次。', questionnaire: { answered: true }, formError: '' })
  })

  test('WeChat\'s scanner opens the questionnaire from its QR code; any other link is named, nothing is asked', async () => {
    shim.route(`GET ${PATH}`, { status: 200, body: fixtures.questionnaire() })
    const scanned = loadPage('pages/org-evaluation/index')
    await scanned.onLoad({ q: encodeURIComponent('https://hd.example.cn/e/51') })
    expect(scanned.data).toMatchObject({ id: 51, notQuestionnaire: false, questionnaire: { open: true } })

    const stranger = loadPage('pages/org-evaluation/index')
    await stranger.onLoad({ q: encodeURIComponent('https://hd.example.cn/c/ABCDEFGH?t=x') })
    expect(stranger.data.notQuestionnaire).toBe(true)
    expect(shim.requestsTo(`GET ${PATH}`)).toHaveLength(1)
  })

  test('a member of the public answers with the visitor token of their WeChat login', async () => {
    wx.removeStorageSync('hdr.accessToken')
    wx.setStorageSync('hdr.visitorToken', 'visitor-1')
    const page = await open()
    expect(page.data.visitor).toBe(true)
    answerAll(page)
    shim.route(`POST ${PATH}`, { status: 204 })
    await page.onSubmit()
    expect(shim.requests.map((r) => r.header.Authorization)).toEqual(['Bearer visitor-1', 'Bearer visitor-1', 'Bearer visitor-1'])
  })

  test('no token at all: a silent WeChat login gives the visitor token first', async () => {
    wx.removeStorageSync('hdr.accessToken')
    shim.loginCodes.push('wx-code-1')
    shim.route('POST /api/v1/auth/wechat', { status: 200, body: { status: 'unbound', bind_ticket: 'tk', expires_in: 600, visitor_token: 'visitor-2' } })
    const page = await open()
    expect(page.data).toMatchObject({ visitor: true, loadError: null })
    expect(shim.requestsTo(`GET ${PATH}`)[0].header.Authorization).toBe('Bearer visitor-2')
  })

  test('already answered (another phone), closed meanwhile, too many attempts: said plainly, never a bare failure', async () => {
    const page = await open()
    answerAll(page)
    shim.route(`POST ${PATH}`, { status: 409, body: { code: 'evaluation.already_voted', message: 'already' } })
    shim.route(`GET ${PATH}`, { status: 200, body: fixtures.questionnaire({ answered: true }) })
    await page.onSubmit()
    expect(shim.modals).toEqual([])
    expect(page.data).toMatchObject({ thanks: '您已参加过本次测评，每人只能参加一次。感谢您的参与！', questionnaire: { answered: true } })

    const late = await open()
    answerAll(late)
    shim.route(`POST ${PATH}`, { status: 409, body: { code: 'evaluation.wrong_state', message: 'not open' } })
    shim.route(`GET ${PATH}`, { status: 200, body: fixtures.questionnaire({ open: false }) })
    await late.onSubmit()
    expect(late.data).toMatchObject({ formError: '现在不在民主评议的时间内，或结果尚未公布', thanks: '', questionnaire: { open: false } })

    const busy = await open()
    answerAll(busy)
    shim.route(`POST ${PATH}`, { status: 429, body: { code: 'evaluation.too_many_requests', message: 'slow down' } })
    await busy.onSubmit()
    expect(busy.data).toMatchObject({ formError: '提交次数过多，请过一小时再试', thanks: '' })
    shim.route(`POST ${PATH}`, { status: 503, body: { code: 'evaluation.temporarily_unavailable', message: 'cache down' } })
    await busy.onSubmit()
    expect(busy.data.formError).toBe('系统繁忙，暂时不能提交，请稍后再试')
    expect(shim.modals).toEqual([])
  })

  test('shared with the campaign in the link, for the branch to hand out', async () => {
    const page = await open()
    expect(page.onShareAppMessage()).toEqual({ title: '请您评议第一党支部（2026年度满意度测评）', path: '/pages/org-evaluation/index?id=51' })
  })

  test('a campaign that does not exist is the error state', async () => {
    shim.route(`GET ${PATH}`, { status: 404, body: { code: 'evaluation.not_found', message: 'no campaign' } })
    const page = loadPage('pages/org-evaluation/index')
    await page.onLoad({ id: '51' })
    expect(page.data.loadError).toMatchObject({ message: '没有找到这次民主评议，请下拉刷新', retryable: false })
  })
})

describe('组织民主评议', () => {
  test('my branch\'s campaigns; 发起民主评议 with this year and two weeks from today, then the campaign opens', async () => {
    shim.route('GET /api/v1/me', { status: 200, body: secretary() })
    shim.route('GET /api/v1/orgs/6/evaluations', { status: 200, body: [fixtures.campaignSummary(closed())] })
    const page = loadPage('pages/evaluation-secretary/index')
    await page.onLoad({})
    expect(page.data).toMatchObject({ id: 0, orgs: [{ id: 6, name: '第一党支部' }], today: '2026-11-20' })
    expect(page.data.campaigns.map((c) => [c.title, c.stateText])).toEqual([['2025年度民主评议党员', '已结束']])

    page.onOpenForm()
    page.onFormPick(pick('closes', '2026-11-19'))
    await page.onStart()
    expect(page.data.formError).toBe('结束日期不能早于开始日期')
    page.onFormPick(pick('closes', '2026-12-04'))
    shim.route('POST /api/v1/orgs/6/evaluations', { status: 201, body: fixtures.campaign() })
    await page.onStart()
    expect(shim.requestsTo('POST /api/v1/orgs/6/evaluations')[0].data).toEqual({
      year: 2026, opens_at: '2026-11-20T00:00:00+08:00', closes_at: '2026-12-04T23:59:59+08:00',
    })
    expect(shim.toasts).toEqual(['已发起民主评议'])
    expect(page.data.opening).toBe(false)
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/evaluation-secretary/index?id=51' }])
  })

  test('the same year twice is said next to the button; a tap on a campaign opens it', async () => {
    shim.route('GET /api/v1/me', { status: 200, body: secretary() })
    shim.route('GET /api/v1/orgs/6/evaluations', { status: 200, body: [fixtures.campaignSummary()] })
    const page = loadPage('pages/evaluation-secretary/index')
    await page.onLoad({})
    page.onOpenForm()
    shim.route('POST /api/v1/orgs/6/evaluations', { status: 409, body: { code: 'evaluation.wrong_state', message: 'already open' } })
    await page.onStart()
    expect(shim.modals).toEqual([])
    expect(page.data).toMatchObject({ formError: '这一年度的民主评议已经发起过了，请在下面的列表中查看', opening: true, busy: false })
    page.onCampaignOpen(tap({ id: 51 }))
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/evaluation-secretary/index?id=51' }])
    expect(page.onShareAppMessage()).toEqual({ title: '活动日', path: '/pages/index/index' })
  })

  test('a member who is not a secretary of any branch is told so', async () => {
    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me() })
    const page = loadPage('pages/evaluation-secretary/index')
    await page.onLoad({})
    expect(page.data).toMatchObject({ orgs: [], campaigns: [], loadError: null })
  })

  test('an open campaign: each member\'s evidence sheet (read once), and 点评 saved', async () => {
    shim.route('GET /api/v1/evaluations/51', { status: 200, body: fixtures.campaign() })
    shim.route('GET /api/v1/evaluations/51/members/3/evidence', { status: 200, body: fixtures.evidenceSheet({ person_id: 3, name: '张三' }) })
    const page = loadPage('pages/evaluation-secretary/index')
    await page.onLoad({ id: '51' })
    expect(page.data).toMatchObject({ id: 51, campaign: { state: 'open' }, audiences: [] })
    expect(page.data.members.map((m) => [m.name, m.result])).toEqual([['李伟芳', null], ['张三', null], ['李四', null]])
    expect(shim.requests.some((r) => r.path.endsWith('/results'))).toBe(false)

    await page.onSheet(tap({ id: 3 }))
    expect(page.data).toMatchObject({ sheetAt: 3, sheet: { name: '张三' } })
    await page.onSheet(tap({ id: 3 }))
    expect(page.data).toMatchObject({ sheetAt: 0, sheet: null })
    await page.onSheet(tap({ id: 3 }))
    expect(page.data.sheet.name).toBe('张三')
    expect(shim.requestsTo('GET /api/v1/evaluations/51/members/3/evidence')).toHaveLength(1)

    page.onFormOpen(tap({ kind: 'comment', id: 3 }))
    await page.onCommentSave()
    expect(page.data.memberError).toBe('请填写点评内容')
    page.onCommentInput(input('学习认真，希望多参加志愿服务。'))
    shim.route('PUT /api/v1/evaluations/51/members/3/comment', { status: 204 })
    await page.onCommentSave()
    expect(shim.requestsTo('PUT /api/v1/evaluations/51/members/3/comment')[0].data).toEqual({ text: '学习认真，希望多参加志愿服务。' })
    expect(shim.toasts).toEqual(['点评已保存'])
    expect(page.data).toMatchObject({ formKind: '', formAt: 0 })
  })

  test('a member\'s evidence sheet that cannot be read says why', async () => {
    shim.route('GET /api/v1/evaluations/51', { status: 200, body: fixtures.campaign() })
    shim.route('GET /api/v1/evaluations/51/members/3/evidence', { status: 404, body: { code: 'evaluation.not_found', message: 'member' } })
    const page = loadPage('pages/evaluation-secretary/index')
    await page.onLoad({ id: '51' })
    await page.onSheet(tap({ id: 3 }))
    expect(page.data).toMatchObject({ sheetAt: 3, sheet: null, sheetError: '没有找到这次民主评议，请下拉刷新' })
  })

  test('a closed campaign: everyone\'s result, the questionnaire\'s, and 评定等次 with the meeting\'s day', async () => {
    shim.route('GET /api/v1/evaluations/50', { status: 200, body: fixtures.campaign(closed()) })
    shim.route('GET /api/v1/evaluations/50/results', {
      status: 200,
      body: [
        fixtures.memberResult(),
        fixtures.memberResult({ person_id: 3, name: '张三', ballots: 2, counts: null, comments: [], secretary_comment: '', final_grade: 'qualified', meeting_date: '2025-12-28' }),
      ],
    })
    shim.route('GET /api/v1/evaluations/50/questionnaire/results', {
      status: 200, body: [fixtures.audienceResult(), fixtures.audienceResult({ audience: 'public', answers: 3, questions: null })],
    })
    const page = loadPage('pages/evaluation-secretary/index')
    await page.onLoad({ id: '50' })
    expect(page.data.campaign).toMatchObject({ state: 'closed', closesOn: '2025-12-20' })
    expect(page.data.members.map((m) => [m.name, m.result && m.result.ballotsText])).toEqual([
      ['李伟芳', '收到评议7票'], ['张三', '收到评议2票'], ['李四', null],
    ])
    expect(page.data.audiences.map((a) => [a.text, a.enough])).toEqual([['本支部党员：共6人参加', true], ['群众：共3人参加', false]])

    page.onFormOpen(tap({ kind: 'grade', id: 3 }))
    expect(page.data.gradeForm).toEqual({ gradeIndex: 1, meetingDate: '2026-11-20' }) // 合格, as recorded
    page.onFormOpen(tap({ kind: 'grade', id: 1 }))
    expect(page.data.gradeForm.gradeIndex).toBe(-1)
    await page.onGradeSave()
    expect(page.data.memberError).toBe('请选择评定等次')
    page.onGradePick(pick('gradeIndex', '0'))
    page.onGradePick(pick('meetingDate', '2025-12-19'))
    await page.onGradeSave()
    expect(page.data.memberError).toBe('大会日期应在评议结束之后，且不晚于今天')
    page.onGradePick(pick('meetingDate', '2025-12-26'))
    shim.route('PUT /api/v1/evaluations/50/members/1/grade', { status: 204 })
    await page.onGradeSave()
    expect(shim.requestsTo('PUT /api/v1/evaluations/50/members/1/grade')[0].data).toEqual({ grade: 'excellent', meeting_date: '2025-12-26' })
    expect(shim.toasts).toEqual(['评定等次已记录'])
  })

  test('转发满意度测评 shares the questionnaire on the branch', async () => {
    shim.route('GET /api/v1/evaluations/51', { status: 200, body: fixtures.campaign() })
    const page = loadPage('pages/evaluation-secretary/index')
    await page.onLoad({ id: '51' })
    expect(page.onShareAppMessage()).toEqual({ title: '请您评议我们支部（2026年度满意度测评）', path: '/pages/org-evaluation/index?id=51' })
    page.onQuestionnaire()
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/org-evaluation/index?id=51' }])
  })
})

describe('整改任务', () => {
  const LIST = 'GET /api/v1/orgs/6/rectifications'

  test('my organisation\'s tasks, 20 a page; 已逾期 filters; a tap opens one', async () => {
    shim.route('GET /api/v1/me', { status: 200, body: secretary() })
    shim.route(LIST, (req) => {
      const items = req.data.page === 1 ? [fixtures.task()] : [fixtures.task(), fixtures.task({ id: 62, overdue: true, status: 'returned' })]
      return { status: 200, body: fixtures.tasksPage(items, { page: req.data.page, total: 2 }) }
    })
    const page = loadPage('pages/rectifications/index')
    await page.onLoad()
    expect(shim.requestsTo(LIST)[0].data).toEqual({ page: 1, per_page: 20 })
    expect(page.data).toMatchObject({ orgs: [{ id: 6, name: '第一党支部' }], total: 2, hasMore: true })
    expect(page.data.items.map((t) => [t.id, t.statusText, t.deadline, t.overdue])).toEqual([[61, '待整改', '整改期限：2026年12月20日', false]])
    await page.onReachBottom()
    expect(page.data.items.map((t) => [t.id, t.statusText, t.overdue])).toEqual([[61, '待整改', false], [62, '退回重新整改', true]])
    expect(page.data.hasMore).toBe(false)

    shim.route(LIST, { status: 200, body: fixtures.tasksPage([]) })
    await page.onFilter(tap({ filter: 'overdue' }))
    expect(shim.requestsTo(LIST).pop().data).toEqual({ page: 1, per_page: 20, overdue: true })
    expect(page.data).toMatchObject({ filter: 'overdue', items: [], total: 0 })

    page.onOpen(tap({ id: 62 }))
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/rectification/index?id=62' }])
  })

  test('someone who organises nothing has nothing to answer', async () => {
    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me() })
    const page = loadPage('pages/rectifications/index')
    await page.onLoad()
    expect(page.data).toMatchObject({ orgs: [], items: [], loadError: null })
    expect(shim.requestsTo(LIST)).toEqual([])
  })
})

describe('一项整改任务', () => {
  const TASK = 'GET /api/v1/rectifications/61'
  const STEPS = 'POST /api/v1/rectifications/61/steps'

  async function open(body = fixtures.task()) {
    shim.route(TASK, { status: 200, body })
    const page = loadPage('pages/rectification/index')
    await page.onLoad({ id: '61' })
    return page
  }

  test('what was found, what to put right by when; the answer confirmed and sent', async () => {
    const page = await open()
    expect(page.data).toMatchObject({
      task: { waiting: true, statusText: '待整改', requirement: '补全会议记录，建立签名制度' },
      next: '请按整改要求整改，在期限前报送整改情况，并上传整改材料。',
    })
    await page.onAnswer()
    expect(page.data.noteError).toBe('请填写整改情况')

    page.onNoteInput(input('已补全三季度会议记录'))
    await page.onAnswer() // 再检查一下
    expect(shim.modals).toEqual([{
      title: '报送整改情况', content: '报送后由督查组审核，审核前不能修改。请确认整改材料已经上传。', showCancel: true, confirmText: '确认报送', cancelText: '再检查一下',
    }])
    expect(shim.requestsTo(STEPS)).toEqual([])

    shim.modalAnswers.push(true)
    const answered = fixtures.task({ status: 'answered', answer: '已补全三季度会议记录', answered_at: '2026-11-20T10:00:00+08:00' })
    shim.route(STEPS, { status: 200, body: answered })
    shim.route(TASK, { status: 200, body: answered })
    await page.onAnswer()
    expect(shim.requestsTo(STEPS)[0].data).toEqual({ action: 'answer', note: '已补全三季度会议记录' })
    expect(shim.toasts).toEqual(['整改情况已报送'])
    expect(page.data).toMatchObject({
      note: '', task: { waiting: false, statusText: '已报整改情况', answeredText: '11月20日 周五 10:00' }, next: '整改情况已报送，请等待督查组审核。',
    })
  })

  test('a task that moved meanwhile is said, with no 重试', async () => {
    const page = await open()
    page.onNoteInput(input('已补全'))
    shim.modalAnswers.push(true)
    shim.route(STEPS, { status: 409, body: { code: 'supervision.wrong_state', message: 'changed' } })
    await page.onAnswer()
    expect(shim.modals[1]).toEqual({ title: '整改情况未报送', content: '整改任务的状态已变化，请下拉刷新后查看', showCancel: false, confirmText: '知道了' })
  })

  test('a returned task shows the inspectors\' note and waits for a new answer; one not found is the error state', async () => {
    const page = await open(fixtures.task({
      status: 'returned', answer: '已补全', answered_at: '2026-11-18T10:00:00+08:00', decision_note: '请附上签名册照片', decided_at: '2026-11-19T15:30:00+08:00',
    }))
    expect(page.data.task).toMatchObject({ waiting: true, decisionNote: '请附上签名册照片', statusText: '退回重新整改' })

    shim.route(TASK, { status: 404, body: { code: 'supervision.not_found', message: 'no task' } })
    const gone = loadPage('pages/rectification/index')
    await gone.onLoad({ id: '61' })
    expect(gone.data.loadError).toMatchObject({ message: '没有找到这项整改任务或督查记录，请返回后下拉刷新' })
  })
})

describe('督查通报', () => {
  test('what was published to my organisation, with my organisation\'s result; nothing yet', async () => {
    shim.route('GET /api/v1/me/inspection-results', {
      status: 200, body: [fixtures.publishedRound(), fixtures.publishedRound({ round_id: 82, version: 2, correction_reason: '更正评定', result: null })],
    })
    const page = loadPage('pages/inspection-results/index')
    await page.onLoad()
    expect(page.data.items.map((r) => [r.title, r.methodText, r.corrected, r.result && r.result.verdictText])).toEqual([
      ['第四季度组织生活督查', '实地查看', false, '较好'], ['第四季度组织生活督查', '实地查看', true, null],
    ])
    shim.route('GET /api/v1/me/inspection-results', { status: 200, body: [] })
    await page.onPullDownRefresh()
    expect(page.data.items).toEqual([])
    expect(shim.pullDownStops).toBe(1)
  })
})

describe('the home page', () => {
  test('lists 民主评议 and 督查通报 for a member, and a secretary\'s own entries', async () => {
    shim.route('GET /api/v1/me', { status: 200, body: secretary() })
    shim.route('GET /api/v1/me/preview', {
      status: 200, body: { month: '2026-11', activity_day: '2026-11-20', preview_deadline: '2026-11-10', preview: null, plan_id: null, expected: false },
    })
    const page = loadPage('pages/index/index')
    await page.load()
    expect(page.data.evaluationEntries.map((e) => e.title)).toEqual(['民主评议', '督查通报', '组织民主评议', '整改任务'])
    page.onOpen(tap({ url: '/pages/evaluation/index' }))
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/evaluation/index' }])
  })

  test('every new page is registered in app.json', () => {
    const app = require('../app.json')
    ;['evaluation', 'org-evaluation', 'evaluation-secretary', 'rectifications', 'rectification', 'inspection-results']
      .forEach((name) => expect(app.pages).toContain(`pages/${name}/index`))
  })
})
