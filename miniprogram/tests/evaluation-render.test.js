/**
 * @jest-environment jsdom
 */
// Renders the real templates of the democratic evaluation's and the inspections' pages with miniprogram-simulate, fed
// with the data their js produced through the Page harness (components/evidence-sheet and attachment-list rendered as
// themselves): what a member, a member of the public and a secretary read.
const { signedIn } = require('./signed-in')
const { loadPage } = require('./page-harness')
const { render, text, settleUntil } = require('./page-render')
const fixtures = require('./fixtures')

const shim = signedIn({ now: '2026-11-20T02:00:00Z' })

const tap = (dataset) => ({ currentTarget: { dataset } })
// miniprogram-simulate runs a real component's js with require(), which jest answers from its registry the second time:
// each render with real components gets a registry of its own, so the component registers itself again.
const renderAfresh = (...args) => {
  let comp
  jest.isolateModules(() => { comp = render(...args) })
  return comp
}
const closed = { id: 50, year: 2025, open: false, closed: true, opens_at: '2025-12-01T00:00:00+08:00', closes_at: '2025-12-20T23:59:59+08:00' }

async function myEvaluation(query, { campaign = fixtures.campaign(), results = null } = {}) {
  shim.route('GET /api/v1/me', { status: 200, body: fixtures.me() })
  shim.route('GET /api/v1/me/evaluations', { status: 200, body: [fixtures.campaignSummary(), fixtures.campaignSummary(closed)] })
  shim.route(`GET /api/v1/evaluations/${campaign.id}`, { status: 200, body: campaign })
  shim.route(`GET /api/v1/evaluations/${campaign.id}/members/1/evidence`, { status: 200, body: fixtures.evidenceSheet() })
  if (results) shim.route(`GET /api/v1/evaluations/${campaign.id}/results`, { status: 200, body: results })
  const page = loadPage('pages/evaluation/index')
  await page.onLoad(query)
  return page
}

test('民主评议: the campaign, my evidence sheet in words, my self-assessment and the secret ballots', async () => {
  const page = await myEvaluation()
  let shown = text(renderAfresh('pages/evaluation/index', page.data, { real: ['evidence-sheet'] }))
  expect(shown).toContain('2026年度民主评议党员▾（换一年）')
  expect(shown).toContain('2026年度民主评议党员评议中评议时间：11月16日周一00:00至11月30日周一23:59评议党组织（满意度测评）')
  expect(shown).toContain('我的2026年度表现以下情况由系统根据全年的记录汇总，您不需要填写。')
  expect(shown).toContain('参加组织生活应参加10次，出席8次，请假1次，缺席1次出勤率80%10月20日学习贯彻全会精神已签到11月20日主题党日缺席')
  expect(shown).toContain('社区服务和志愿服务尚未达到年度最低要求认领服务项目1/1项已完成参加社区服务1/2次未完成')
  expect(shown).toContain('承诺践诺本年度承诺2项，已完成1项')
  expect(shown).toContain('谈心谈话和活动评价接受谈心谈话2次评价活动5次')
  expect(shown).not.toContain('履职情况')
  expect(shown).toContain('我的自评对照党员标准')
  expect(shown).toContain('保存自评')
  expect(shown).toContain('评议不记名：您的选择和意见不和您的姓名一起保存，任何人都看不到是谁评的。每位同志只能评议一次，提交后不能修改。')
  expect(shown).toContain('已评议1人，还有1人未评议张三已评议李四评议')
  expect(shown).not.toContain('李伟芳') // not myself

  page.onBallotOpen(tap({ id: 4 }))
  shown = text(renderAfresh('pages/evaluation/index', page.data, { real: ['evidence-sheet'] }))
  expect(shown).toContain('李四您对李四同志的评议优秀合格基本合格不合格取消提交评议')
})

test('民主评议, closed: my result with its counts and comments, or fewer than five ballots said plainly', async () => {
  const campaign = fixtures.campaign({ ...closed, my_self_assessment: '一年来认真学习' })
  shim.route('GET /api/v1/evaluations/50/members/1/evidence', { status: 200, body: fixtures.evidenceSheet() })
  const page = await myEvaluation({ id: '50' }, { campaign, results: [fixtures.memberResult({ final_grade: 'excellent', meeting_date: '2025-12-28' })] })
  let shown = text(render('pages/evaluation/index', page.data))
  expect(shown).toContain('2025年度民主评议党员已结束')
  expect(shown).toContain('我的自评一年来认真学习')
  expect(shown).not.toContain('评议其他党员')
  expect(shown).toContain('我的评议结果收到评议7票优秀3票合格3票基本合格1票不合格0票党员的意见学习认真带头作用明显支部书记点评工作踏实评定等次优秀（2025年12月28日支部党员大会评定）')

  page.setData({ result: require('../utils/evaluation').resultView(fixtures.memberResult({ ballots: 2, counts: null, comments: [], secretary_comment: '' })) })
  shown = text(render('pages/evaluation/index', page.data))
  expect(shown).toContain('收到评议2票收到的评议不足5票，为保护评议人，不显示各等次票数和意见支部书记点评书记还没有点评评定等次支部党员大会尚未评定等次')
})

test('评议党组织: five questions with three big answers each, then the thanks; closed and answered states', async () => {
  shim.route('GET /api/v1/evaluations/51/questionnaire', { status: 200, body: fixtures.questionnaire() })
  const page = loadPage('pages/org-evaluation/index')
  await page.onLoad({ id: '51' })
  let shown = text(render('pages/org-evaluation/index', page.data))
  expect(shown).toContain('第一党支部2026年度满意度测评请您对第一党支部一年来的工作作出评价。测评不记名，不需要填写姓名，每人只能参加一次。')
  expect(shown).toContain('1.组织生活经常、规范，“统一活动日”按时开展满意基本满意不满意2.')
  expect(shown.match(/基本满意/g)).toHaveLength(5)
  expect(shown).toContain('提交评议可以把本测评转发给党员群众，请他们参加评议。转发给党员群众')

  page.setData({ thanks: '感谢您的参与！您的评议已提交，每人只能参加一次。', questionnaire: { ...page.data.questionnaire, answered: true } })
  shown = text(render('pages/org-evaluation/index', page.data))
  expect(shown).toContain('感谢您的参与！您的评议已提交，每人只能参加一次。')
  expect(shown).not.toContain('提交评议')

  page.setData({ thanks: '', visitor: true, questionnaire: { ...page.data.questionnaire, answered: false, open: false } })
  shown = text(render('pages/org-evaluation/index', page.data))
  expect(shown).toContain('本次测评现在没有在进行，不能提交。')
  expect(shown).not.toContain('转发')
})

test('组织民主评议: the campaigns and 发起民主评议\'s form', async () => {
  shim.route('GET /api/v1/me', { status: 200, body: fixtures.me(['secretary', 6, '第一党支部']) })
  shim.route('GET /api/v1/orgs/6/evaluations', { status: 200, body: [fixtures.campaignSummary()] })
  const page = loadPage('pages/evaluation-secretary/index')
  await page.onLoad({})
  let shown = text(render('pages/evaluation-secretary/index', page.data))
  expect(shown).toContain('第一党支部')
  expect(shown).toContain('发起民主评议历次民主评议2026年度民主评议党员评议中评议时间：11月16日周一00:00至11月30日周一23:59查看和点评›')
  page.onOpenForm()
  shown = text(render('pages/evaluation-secretary/index', page.data))
  expect(shown).toContain('评议年度2026年度开始日期2026-11-20结束日期2026-12-04开始日0点开始，结束日24点结束，最长60天。')
  expect(shown).toContain('暂不发起确认发起')
})

test('组织民主评议, one campaign: results per member, the questionnaire\'s, a member\'s sheet and the grade form', async () => {
  shim.route('GET /api/v1/evaluations/50', { status: 200, body: fixtures.campaign(closed) })
  shim.route('GET /api/v1/evaluations/50/results', {
    status: 200,
    body: [
      fixtures.memberResult(),
      fixtures.memberResult({ person_id: 3, name: '张三', ballots: 2, counts: null, comments: [], self_assessment: '', secretary_comment: '' }),
    ],
  })
  shim.route('GET /api/v1/evaluations/50/questionnaire/results', {
    status: 200, body: [fixtures.audienceResult(), fixtures.audienceResult({ audience: 'public', answers: 3, questions: null })],
  })
  shim.route('GET /api/v1/evaluations/50/members/3/evidence', {
    status: 200, body: fixtures.evidenceSheet({ person_id: 3, name: '张三', duties: fixtures.dutyRow(), exempt: true, exempt_reason: '长期外出务工' }),
  })
  const page = loadPage('pages/evaluation-secretary/index')
  await page.onLoad({ id: '50' })
  let shown = text(renderAfresh('pages/evaluation-secretary/index', page.data, { real: ['evidence-sheet'] }))
  expect(shown).toContain('2025年度民主评议党员已结束')
  expect(shown).not.toContain('转发满意度测评')
  expect(shown).toContain('党员和群众评议党组织本支部党员：共6人参加1.组织生活经常、规范，“统一活动日”按时开展满意4人，基本满意1人，不满意1人')
  expect(shown).toContain('群众：共3人参加参加人数不足5人，为保护参加人，暂不显示结果')
  expect(shown).toContain('党员（3人）李伟芳收到评议7票优秀3票，合格3票，基本合格1票，不合格0票自评一年来认真学习党员的意见学习认真带头作用明显书记点评工作踏实评定等次：支部党员大会尚未评定等次查看表现点评评定等次')
  expect(shown).toContain('张三收到评议2票收到的评议不足5票，为保护评议人，不显示各等次票数和意见自评没有填写自评书记点评还没有点评')
  expect(shown).toContain('李四查看表现点评评定等次')

  await page.onSheet(tap({ id: 3 }))
  page.onFormOpen(tap({ kind: 'grade', id: 3 }))
  shown = text(renderAfresh('pages/evaluation-secretary/index', page.data, { real: ['evidence-sheet'] }))
  expect(shown).toContain('收起表现')
  expect(shown).toContain('已登记暂不参加组织生活：长期外出务工')
  expect(shown).toContain('履职情况（县处级以上·书记）尚未完成的履职要求：到基层调查研究12/30天')
  expect(shown).toContain('支部党员大会评定的等次请选择等次支部党员大会日期2026-11-20取消保存等次')
})

test('整改任务: each task\'s requirement, what was found, the deadline in red once overdue, and where it stands', async () => {
  shim.route('GET /api/v1/me', { status: 200, body: fixtures.me(['secretary', 6, '第一党支部']) })
  shim.route('GET /api/v1/orgs/6/rectifications', {
    status: 200, body: fixtures.tasksPage([fixtures.task(), fixtures.task({ id: 62, status: 'accepted' }), fixtures.task({ id: 63, overdue: true })]),
  })
  const page = loadPage('pages/rectifications/index')
  await page.onLoad()
  const comp = render('pages/rectifications/index', page.data)
  const shown = text(comp)
  expect(shown).toContain('全部已逾期共3项')
  expect(shown).toContain('第一党支部待整改补全会议记录，建立签名制度发现的问题：会议记录不完整，缺少参会人员签名整改期限：2026年12月20日报送整改情况›')
  expect(shown).toContain('整改通过补全会议记录，建立签名制度发现的问题：会议记录不完整，缺少参会人员签名整改期限：2026年12月20日查看›')
  expect(shown).toContain('整改期限：2026年12月20日（已逾期）')
  expect(comp.dom.querySelectorAll('.overdue')).toHaveLength(1)
  expect(shown).toContain('没有更多了')
})

test('一项整改任务: the finding, the requirement, the evidence files with 上传, and the answer form', async () => {
  shim.route('GET /api/v1/rectifications/61', { status: 200, body: fixtures.task() })
  shim.route('GET /api/v1/attachments', { status: 200, body: [fixtures.attachment({ id: 95, owner_type: 'rectification', owner_id: 61, file_type: 'pdf', name: '签名册.pdf' })] })
  const page = loadPage('pages/rectification/index')
  await page.onLoad({ id: '61' })
  const comp = render('pages/rectification/index', page.data, { real: ['attachment-list'] })
  await settleUntil(() => text(comp).includes('签名册.pdf'))
  expect(shim.requestsTo('GET /api/v1/attachments').map((r) => r.data)).toEqual([{ owner_type: 'rectification', owner_id: 61 }])
  let shown = text(comp)
  expect(shown).toContain('第一党支部待整改督查发现的问题会议记录不完整，缺少参会人员签名整改要求补全会议记录，建立签名制度整改期限：2026年12月20日')
  expect(shown).toContain('请按整改要求整改，在期限前报送整改情况，并上传整改材料。')
  expect(shown).toContain('整改材料')
  expect(shown).toContain('签名册.pdf')
  expect(shown).toContain('上传整改材料照片')
  expect(shown).toContain('整改情况报送整改情况')

  page.setData({ task: require('../utils/supervision').taskView(fixtures.task({
    status: 'accepted', answer: '已补全', answered_at: '2026-11-18T10:00:00+08:00', decided_at: '2026-11-19T15:30:00+08:00',
  }), '2026-11-20') })
  shown = text(render('pages/rectification/index', page.data))
  expect(shown).toContain('督查组意见（11月19日周四15:30）无')
  expect(shown).toContain('报送的整改情况（11月18日周三10:00）已补全')
  expect(shown).not.toContain('整改情况报送整改情况') // no form
})

test('督查通报: the round, its method, a correction and its reason, my organisation\'s verdict; or not inspected', async () => {
  shim.route('GET /api/v1/me/inspection-results', {
    status: 200,
    body: [fixtures.publishedRound(), fixtures.publishedRound({ round_id: 82, title: '党建工作抽查', method: 'records_review', version: 2, correction_reason: '更正评定', result: null })],
  })
  const page = loadPage('pages/inspection-results/index')
  await page.onLoad()
  const shown = text(render('pages/inspection-results/index', page.data))
  expect(shown).toContain('实地查看·督查日期：2026年11月5日第四季度组织生活督查通报日期：2026年11月18日督查了12个支部，总体较好。第一党支部的结果：较好会议记录待完善')
  expect(shown).toContain('调阅记录·督查日期：2026年11月5日已更正党建工作抽查通报日期：2026年11月18日·第2版（更正）更正原因：更正评定督查了12个支部，总体较好。本次督查没有检查您所在的组织。')
})
