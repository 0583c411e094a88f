// utils/evaluation.js and utils/supervision.js: every value of the server's enums in Chinese (grades, answers,
// audiences, rectification statuses, methods, verdicts), the views of campaigns, evidence sheets, ballots, results,
// the questionnaire and its results, rectification tasks and published rounds, and the checks and bodies of the forms;
// and the home page's entries for them (utils/roles.js).
const fixtures = require('./fixtures')
const evaluation = require('../utils/evaluation')
const roles = require('../utils/roles')
const supervision = require('../utils/supervision')
const openapi = require('./openapi.json')

const TODAY = '2026-11-20'
const enumOf = (name) => openapi.components.schemas[name].enum

describe('the Chinese of every value the server sends', () => {
  test('grades, answers and the questionnaire\'s audiences', () => {
    expect(enumOf('Grade').map(evaluation.gradeLabel)).toEqual(['优秀', '合格', '基本合格', '不合格'])
    expect(enumOf('Satisfaction').map(evaluation.answerLabel)).toEqual(['满意', '基本满意', '不满意'])
    expect(['member', 'public'].map(evaluation.audienceLabel)).toEqual(['本支部党员', '群众'])
  })

  test('rectification statuses, inspection methods and verdicts', () => {
    expect(enumOf('RectificationStatus').map(supervision.statusLabel)).toEqual(['待整改', '已报整改情况', '退回重新整改', '整改通过'])
    expect(enumOf('InspectionMethod').map(supervision.methodLabel)).toEqual(['实地查看', '调阅记录', '走访座谈'])
    expect(enumOf('Verdict').map(supervision.verdictLabel)).toEqual(['好', '较好', '一般', '差'])
  })
})

describe('campaigns', () => {
  test('the year, the period and whether it is open, closed or still to come', () => {
    expect(evaluation.campaignView(fixtures.campaignSummary(), TODAY)).toEqual({
      id: 51,
      year: 2026,
      title: '2026年度民主评议党员',
      period: '11月16日 周一 00:00 至 11月30日 周一 23:59',
      closesOn: '2026-11-30',
      open: true,
      closed: false,
      state: 'open',
      stateText: '评议中',
      tone: 'done',
    })
    expect(evaluation.campaignView(fixtures.campaignSummary({ open: false, closed: true }), TODAY))
      .toMatchObject({ state: 'closed', stateText: '已结束' })
    expect(evaluation.campaignView(fixtures.campaignSummary({ open: false }), TODAY)).toMatchObject({ state: 'soon', stateText: '未开始' })
    expect(evaluation.campaignView(fixtures.campaignSummary({ year: 2025, opens_at: '2025-12-01T00:00:00+08:00' }), TODAY).period)
      .toMatch(/^2025年12月1日 周一 00:00 至/)
  })

  test('the one asked for is shown first, else one open now, else the newest', () => {
    const list = [{ id: 52, open: false }, { id: 51, open: true }, { id: 50, open: false }]
    expect(evaluation.chosenIndex(list, 50)).toBe(2)
    expect(evaluation.chosenIndex(list, 0)).toBe(1)
    expect(evaluation.chosenIndex([{ id: 52, open: false }, { id: 50, open: false }], 99)).toBe(0)
    expect(evaluation.chosenIndex([], 0)).toBe(0)
  })
})

describe('the evidence sheet', () => {
  test('attendance with its rate and each activity, service, commitments, talks and feedback, in words', () => {
    const view = evaluation.evidenceView(fixtures.evidenceSheet())
    expect(view).toMatchObject({
      name: '李伟芳',
      year: 2026,
      exempt: '',
      commitments: '本年度承诺2项，已完成1项',
      duties: null,
      talks: '接受谈心谈话2次',
      feedback: '评价活动5次',
    })
    expect(view.attendance).toEqual({
      text: '应参加10次，出席8次，请假1次，缺席1次',
      rateText: '出勤率80%',
      low: false,
      activities: [
        { id: 12, text: '10月20日 学习贯彻全会精神', statusText: '已签到', missed: false },
        { id: 13, text: '11月20日 主题党日', statusText: '缺席', missed: true },
      ],
    })
    expect(view.service.summary).toBe('尚未达到年度最低要求')
    expect(view.service.lines.map((l) => [l.title, l.figure, l.stateText])).toEqual([
      ['认领服务项目', '1/1项', '已完成'], ['参加社区服务', '1/2次', '未完成'], ['提出可行性建议', '0/1条', '未完成'],
      ['结对帮扶', '1/1户', '已完成'], ['参加志愿服务', '2/2次', '已完成'],
    ])
  })

  test('an exemption with its reason, no activity yet, no commitment, a low rate, and duties with what is behind', () => {
    const view = evaluation.evidenceView(fixtures.evidenceSheet({
      exempt: true,
      exempt_reason: '长期外出务工',
      commitments: 0,
      attendance: fixtures.personYear({ expected: 0, present: 0, on_leave: 0, absent: 0, rate: null, activities: [] }),
      duties: fixtures.dutyRow(),
    }))
    expect(view.exempt).toBe('已登记暂不参加组织生活：长期外出务工')
    expect(view.attendance).toMatchObject({ rateText: '本年度还没有需要参加的活动', activities: [] })
    expect(view.commitments).toBe('本年度没有作出承诺')
    expect(view.duties).toEqual({
      post: '县处级以上 · 书记',
      text: '尚未完成的履职要求：',
      behind: [{ key: 'research_days', text: '到基层调查研究 12/30天' }],
    })
    const low = fixtures.evidenceSheet({ attendance: fixtures.personYear({ rate: 0.5, below_threshold: true }) })
    expect(evaluation.evidenceView(low).attendance).toMatchObject({ rateText: '出勤率50%', low: true })
    expect(evaluation.evidenceView(fixtures.evidenceSheet({ duties: fixtures.dutyRow({ met_all: true, behind: [] }) })).duties.text)
      .toBe('各项履职要求均已完成')
  })
})

describe('the self-assessment and ballots', () => {
  test('a self-assessment or a comment is required, up to 4000 characters', () => {
    expect(evaluation.selfProblem('  ')).toBe('请填写自评内容')
    expect(evaluation.selfProblem('好'.repeat(4001))).toBe('自评内容不超过4000字')
    expect(evaluation.selfProblem('认真学习')).toBe('')
    expect(evaluation.commentProblem('')).toBe('请填写点评内容')
  })

  test('every other member, who is rated, and how far I got', () => {
    const view = evaluation.ballotsView(fixtures.campaign().members, 1)
    expect(view).toEqual({
      others: [{ id: 3, name: '张三', rated: true }, { id: 4, name: '李四', rated: false }],
      done: 1,
      left: 1,
      progress: '已评议1人，还有1人未评议',
    })
    const all = fixtures.campaign().members.map((m) => ({ ...m, rated_by_me: true }))
    expect(evaluation.ballotsView(all, 1).progress).toBe('您已评议全部2位同志，感谢您的参与')
    expect(evaluation.ballotsView([{ person_id: 1, name: '李伟芳', rated_by_me: false }], 1).progress).toBe('本支部没有其他需要评议的党员')
  })

  test('a ballot needs one of the four grades; the comment is optional, up to 500 characters', () => {
    expect(evaluation.ballotProblem(evaluation.emptyBallot())).toBe('请选择评议等次')
    expect(evaluation.ballotProblem({ grade: 'good', comment: '' })).toBe('请选择评议等次')
    expect(evaluation.ballotProblem({ grade: 'qualified', comment: '好'.repeat(501) })).toBe('意见不超过500字')
    expect(evaluation.ballotProblem({ grade: 'basically_qualified', comment: '' })).toBe('')
    expect(evaluation.ballotRequest(4, { grade: 'excellent', comment: ' 带头作用明显 ' }))
      .toEqual({ subject_id: 4, grade: 'excellent', comment: '带头作用明显' })
  })
})

describe('results', () => {
  test('counts per grade and the comments from five ballots on; the grade with its meeting', () => {
    expect(evaluation.resultView(fixtures.memberResult({ final_grade: 'excellent', meeting_date: '2026-12-05' }))).toEqual({
      id: 1,
      name: '李伟芳',
      ballots: 7,
      enough: true,
      ballotsText: '收到评议7票',
      tooFew: '',
      counts: [
        { key: 'excellent', label: '优秀', count: 3 }, { key: 'qualified', label: '合格', count: 3 },
        { key: 'basically_qualified', label: '基本合格', count: 1 }, { key: 'unqualified', label: '不合格', count: 0 },
      ],
      comments: [{ key: 0, text: '学习认真' }, { key: 1, text: '带头作用明显' }],
      selfAssessment: '一年来认真学习',
      secretaryComment: '工作踏实',
      finalGrade: '优秀',
      finalText: '优秀（2026年12月5日支部党员大会评定）',
    })
  })

  test('null counts: fewer than five ballots, said so; no grade yet', () => {
    const view = evaluation.resultView(fixtures.memberResult({ ballots: 2, counts: null, comments: [] }))
    expect(view).toMatchObject({
      enough: false,
      counts: [],
      tooFew: '收到的评议不足5票，为保护评议人，不显示各等次票数和意见',
      finalGrade: '',
      finalText: '支部党员大会尚未评定等次',
    })
  })
})

describe('the secretary\'s forms', () => {
  test('a campaign: this year or the last, whole days in Shanghai, at most 60 days', () => {
    const years = evaluation.yearChoices(TODAY)
    expect(years).toEqual([{ year: 2026, label: '2026年度' }, { year: 2025, label: '2025年度' }])
    const form = evaluation.emptyCampaign(TODAY)
    expect(form).toEqual({ yearIndex: 0, opens: TODAY, closes: '2026-12-04' })
    expect(evaluation.campaignProblem(form, years)).toBe('')
    expect(evaluation.campaignRequest({ ...form, yearIndex: 1 }, years)).toEqual({
      year: 2025, opens_at: '2026-11-20T00:00:00+08:00', closes_at: '2026-12-04T23:59:59+08:00',
    })
    expect(evaluation.campaignProblem({ ...form, closes: '2026-11-19' }, years)).toBe('结束日期不能早于开始日期')
    expect(evaluation.campaignProblem({ ...form, closes: '2027-01-19' }, years)).toBe('')
    expect(evaluation.campaignProblem({ ...form, closes: '2027-01-20' }, years)).toBe('评议时间最长60天')
    expect(evaluation.campaignProblem({ ...form, yearIndex: 2 }, years)).toBe('请选择评议的年度')
  })

  test('a grade and the day of the branch meeting: after the close, not after today', () => {
    const form = { ...evaluation.emptyGrade(TODAY), gradeIndex: 1 }
    expect(evaluation.gradeProblem(evaluation.emptyGrade(TODAY), '2026-11-15', TODAY)).toBe('请选择评定等次')
    expect(evaluation.gradeProblem(form, '2026-11-15', TODAY)).toBe('')
    expect(evaluation.gradeProblem({ ...form, meetingDate: '2026-11-14' }, '2026-11-15', TODAY)).toBe('大会日期应在评议结束之后，且不晚于今天')
    expect(evaluation.gradeProblem({ ...form, meetingDate: '2026-11-21' }, '2026-11-15', TODAY)).toBe('大会日期应在评议结束之后，且不晚于今天')
    expect(evaluation.gradeRequest(form)).toEqual({ grade: 'qualified', meeting_date: TODAY })
  })
})

describe('the questionnaire on the branch', () => {
  test('its questions numbered; every one answered before sending', () => {
    const view = evaluation.questionnaireView(fixtures.questionnaire())
    expect(view).toMatchObject({ id: 51, title: '第一党支部2026年度满意度测评', open: true, answered: false })
    expect(view.questions[0]).toEqual({ index: 0, number: 1, text: '组织生活经常、规范，“统一活动日”按时开展' })
    const answers = evaluation.emptyAnswers(5)
    expect(evaluation.answersProblem(answers)).toBe('请回答第1题（共5题）')
    answers.fill('satisfied', 0, 3)
    expect(evaluation.answersProblem(answers)).toBe('请回答第4题（共5题）')
    answers.fill('dissatisfied', 3)
    expect(evaluation.answersProblem(answers)).toBe('')
    expect(evaluation.answersRequest(answers)).toEqual({
      answers: ['satisfied', 'satisfied', 'satisfied', 'dissatisfied', 'dissatisfied'],
    })
  })

  test('results per audience, from five answers on', () => {
    const members = evaluation.audienceResultView(fixtures.audienceResult())
    expect(members).toMatchObject({ label: '本支部党员', text: '本支部党员：共6人参加', enough: true, tooFew: '' })
    expect(members.questions[0]).toEqual({
      key: 0,
      text: '1. 组织生活经常、规范，“统一活动日”按时开展',
      counts: [
        { key: 'satisfied', label: '满意', count: 4 }, { key: 'basically_satisfied', label: '基本满意', count: 1 },
        { key: 'dissatisfied', label: '不满意', count: 1 },
      ],
    })
    expect(evaluation.audienceResultView(fixtures.audienceResult({ audience: 'public', answers: 3, questions: null }))).toMatchObject({
      text: '群众：共3人参加', enough: false, questions: [], tooFew: '参加人数不足5人，为保护参加人，暂不显示结果',
    })
  })
})

describe('督查考评', () => {
  test('a task: the deadline, overdue, where it stands, the answer and the decision', () => {
    expect(supervision.taskView(fixtures.task(), TODAY)).toEqual({
      id: 61,
      orgName: '第一党支部',
      finding: '会议记录不完整，缺少参会人员签名',
      requirement: '补全会议记录，建立签名制度',
      deadline: '整改期限：2026年12月20日',
      overdue: false,
      status: 'open',
      statusText: '待整改',
      tone: 'todo',
      waiting: true,
      answer: '',
      answeredText: '',
      decisionNote: '',
      decidedText: '',
      escalated: '',
    })
    expect(supervision.taskView(fixtures.task({
      status: 'returned', overdue: true, escalated_to_org_id: 5, answer: '已补全', answered_at: '2026-11-18T10:00:00+08:00',
      decision_note: '请附上照片', decided_at: '2026-11-19T15:30:00+08:00',
    }), TODAY)).toMatchObject({
      statusText: '退回重新整改', waiting: true, overdue: true, escalated: '逾期未报整改情况，已报告上级党组织',
      answeredText: '11月18日 周三 10:00', decisionNote: '请附上照片', decidedText: '11月19日 周四 15:30',
    })
    expect(['answered', 'accepted'].map((status) => supervision.taskView(fixtures.task({ status }), TODAY)))
      .toEqual([expect.objectContaining({ waiting: false, tone: 'wait' }), expect.objectContaining({ waiting: false, tone: 'done' })])
    expect(['open', 'returned', 'answered', 'accepted'].map((status) => supervision.nextStep({ status }))).toEqual([
      '请按整改要求整改，在期限前报送整改情况，并上传整改材料。',
      '整改情况被退回，请按督查组意见重新整改后再次报送。',
      '整改情况已报送，请等待督查组审核。',
      '整改已通过督查组审核。',
    ])
  })

  test('the answer is required, up to 2000 characters', () => {
    expect(supervision.answerProblem(' ')).toBe('请填写整改情况')
    expect(supervision.answerProblem('改'.repeat(2001))).toBe('整改情况不超过2000字')
    expect(supervision.answerRequest(' 已补全 ')).toEqual({ action: 'answer', note: '已补全' })
  })

  test('a published round: method, dates, a correction with its reason, my organisation\'s verdict', () => {
    expect(supervision.roundView(fixtures.publishedRound())).toEqual({
      id: 81,
      title: '第四季度组织生活督查',
      methodText: '实地查看',
      plannedText: '督查日期：2026年11月5日',
      publishText: '通报日期：2026年11月18日',
      summary: '督查了12个支部，总体较好。',
      corrected: false,
      versionText: '',
      correctionReason: '',
      result: { orgName: '第一党支部', verdict: 'fair', verdictText: '较好', comment: '会议记录待完善' },
    })
    expect(supervision.roundView(fixtures.publishedRound({ version: 2, correction_reason: '更正评定', result: null, method: 'interviews' })))
      .toMatchObject({ methodText: '走访座谈', corrected: true, versionText: '第2版（更正）', correctionReason: '更正评定', result: null })
  })
})

describe('the home page\'s entries', () => {
  test('every member: 民主评议 and 督查通报; a secretary also 组织民主评议; secretaries and admins 整改任务', () => {
    expect(roles.evaluationEntries(null)).toEqual([])
    expect(roles.evaluationEntries(fixtures.me()).map((e) => [e.title, e.url])).toEqual([
      ['民主评议', '/pages/evaluation/index'], ['督查通报', '/pages/inspection-results/index'],
    ])
    expect(roles.evaluationEntries(fixtures.me(['secretary', 6, '第一党支部'])).map((e) => e.key))
      .toEqual(['evaluation', 'inspection-results', 'evaluation-secretary', 'rectifications'])
    expect(roles.evaluationEntries(fixtures.me(['org_admin', 5, '街道党工委'])).map((e) => e.key))
      .toEqual(['evaluation', 'inspection-results', 'rectifications'])
    expect(roles.evaluationEntries(fixtures.me(['supervisor', 2, '市委组织部'])).map((e) => e.key)).toEqual(['evaluation', 'inspection-results'])
    expect(roles.rectifyOrgs(fixtures.me(['secretary', 6, '第一党支部'], ['org_admin', 5, '街道党工委'])))
      .toEqual([{ id: 6, name: '第一党支部' }, { id: 5, name: '街道党工委' }])
  })
})

describe('the questionnaire\'s QR link', () => {
  test.each([
    ['https://hd.example.cn/e/51', 51],
    ['https://hd.example.cn/prefix/e/7/', 7],
    ['https://hd.example.cn/e/51?from=poster', 51],
    ['https://hd.example.cn/c/ABCDEFGH?t=abcdefgh', null],
    ['https://hd.example.cn/e/0', null],
    ['https://hd.example.cn/e/12x', null],
    ['ftp://hd.example.cn/e/5', null],
    ['%E0%A4%A', null],
  ])('%s → %s', (url, id) => {
    const q = url.startsWith('%') ? url : encodeURIComponent(url)
    expect(evaluation.campaignFromLaunchQuery(q)).toBe(id)
  })

  test('nothing or not text is no campaign', () => {
    expect(evaluation.campaignFromLaunchQuery('')).toBeNull()
    expect(evaluation.campaignFromLaunchQuery(undefined)).toBeNull()
    expect(evaluation.campaignFromLaunchQuery(51)).toBeNull()
  })
})
