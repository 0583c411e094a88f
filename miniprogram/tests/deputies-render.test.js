/**
 * @jest-environment jsdom
 */
// Renders the real templates of the deputies' pages with miniprogram-simulate, fed with the data their js produced
// through the Page harness: what a deputy, a member, a member of the public and a handling organisation read.
const { installWx } = require('./wx-shim')
const { signedIn } = require('./signed-in')
const { loadPage } = require('./page-harness')
const { render, text } = require('./page-render')
const fixtures = require('./fixtures')

const shim = signedIn({ now: '2026-11-20T02:00:00Z' })

const tap = (dataset) => ({ currentTarget: { dataset } })
const input = (field, value, extra = {}) => ({ currentTarget: { dataset: { field, ...extra } }, detail: { value } })
const deputyMe = (...grants) => ({ ...fixtures.me(...grants), deputy_level: 'city' })

function asVisitor() {
  wx.removeStorageSync('hdr.accessToken')
  shim.loginCodes.push('wx-code-1')
  shim.route('POST /api/v1/auth/wechat', {
    status: 200, body: { status: 'unbound', bind_ticket: 'ticket-9', expires_in: 600, visitor_token: 'vt-1' },
  })
}

test('我的值班: a swap asked of me, my slots with 已签到 and 请人代班, the swap form, my unavailable days', async () => {
  shim.route('GET /api/v1/me/rota', {
    status: 200,
    body: fixtures.myRota({
      shifts: [fixtures.shift({ id: 50, day: '2026-11-11' }), fixtures.shift({ id: 51, day: '2026-11-18', checked_in: true }), fixtures.shift()],
      swaps_asked_of_me: [fixtures.swap({ id: 72, shift_id: 99, from_name: '王建国' })],
    }),
  })
  shim.route('GET /api/v1/studios/3/rota', { status: 200, body: fixtures.rota([]) })
  shim.route('GET /api/v1/studios/3', { status: 200, body: fixtures.studio() })
  const page = loadPage('pages/my-rota/index')
  await page.onLoad()
  await page.onSwapOpen(tap({ id: 52 }))
  page.onDayPick({ detail: { value: '2026-12-09' } })
  const shown = text(render('pages/my-rota/index', page.data))
  expect(shown).toContain('值班时请在工作室扫描门口的二维码签到，记为到岗。扫码签到')
  expect(shown).toContain('请您代班（1）王建国请您代替值班值班时间请与对方确认拒绝同意')
  expect(shown).toContain('我的值班安排11月11日周三09:00–11:30未签到文昌党代表工作室已预约2/5人')
  expect(shown).toContain('11月18日周三09:00–11:30已签到文昌党代表工作室')
  expect(shown).toContain('11月25日周三09:00–11:30文昌党代表工作室已预约2/5人取消请谁代班请选择发送请求')
  expect(shown).toContain('不能值班的日子登记后，以后排班会避开这些日子；已经排好的值班，请用“请人代班”。12月2日周三删除12月9日周三删除＋添加一天保存')
})

test('接待记录: a request with 婉拒 / 约定时间, the record form with a case, and the ended ones with their cases', async () => {
  shim.route('GET /api/v1/me/deputy-receptions', {
    status: 200,
    body: [
      fixtures.reception({ id: 63, kind: 'appointment', status: 'requested', shift_id: null, meets_at: null, name: '赵六', phone: '138****5678', topic: '河道整治' }),
      fixtures.reception(),
      fixtures.reception({ id: 60, status: 'attended', raised: '加装电梯', case_ids: [81] }),
    ],
  })
  const page = loadPage('pages/deputy-receptions/index')
  await page.onLoad()
  page.onRecordOpen(tap({ id: 61 }))
  page.onCame(tap({ came: true }))
  page.onCaseAdd()
  page.onCaseInput(input('title', '加装电梯', { index: 0 }))
  let shown = text(render('pages/deputy-receptions/index', page.data))
  expect(shown).toContain('待处理（2）已结束（1）')
  expect(shown).toContain('赵六约谈·待代表确认时间：等待代表约定时间工作室：文昌党代表工作室电话：138****5678想反映：河道整治婉拒约定时间')
  expect(shown).toContain('张三预约接待·已预约时间：11月25日周三09:00')
  expect(shown).toContain('来访人是否到场已到场未到场反映的情况需要跟进的问题（1）第1件删除请选择类别')
  expect(shown).toContain('＋添加一件问题取消保存')
  expect(shown).not.toContain('登记接待情况') // its form is open instead

  page.onTab(tap({ tab: 'done' }))
  shown = text(render('pages/deputy-receptions/index', page.data))
  expect(shown).toContain('张三预约接待·已接待时间：11月25日周三09:00想反映：小区加装电梯反映的情况：加装电梯查看登记的问题（编号81）›')
})

function routeStudio(mine = [fixtures.reception()]) {
  shim.route('GET /api/v1/studios', { status: 200, body: fixtures.studiosPage() })
  shim.route('GET /api/v1/studios/3', { status: 200, body: fixtures.studio() })
  shim.route('GET /api/v1/studios/3/rota', { status: 200, body: fixtures.rota([fixtures.shift(), fixtures.shift({ id: 54, day: '2026-11-26', deputy_name: '王建国', booked: 5 })]) })
  shim.route('GET /api/v1/me/receptions', { status: 200, body: mine })
  shim.route('GET /api/v1/notifications/templates', { status: 200, body: fixtures.templates({ reminder: 0 }) })
}

test('党代表工作室 for a member: the studio, deputies with 约见, the rota with places, the form, my bookings', async () => {
  routeStudio()
  const page = loadPage('pages/studio/index')
  await page.onLoad({})
  page.onBookOpen(tap({ id: 52 }))
  const shown = text(render('pages/studio/index', page.data))
  expect(shown).toContain('文昌党代表工作室地址：文昌中路88号党群服务中心二楼街道党工委')
  expect(shown).toContain('预约：11月25日周三09:00–11:30（李伟芳值班）您想反映的事情取消确认预约')
  expect(shown).not.toContain('手机号码')
  expect(shown).toContain('驻站党代表李伟芳（市党代表）约见王建国（县党代表）约见周敏（党代表）约见')
  expect(shown).toContain('2026年11月值班安排')
  expect(shown).toContain('11月25日周三09:00–11:30还可预约3人值班代表：李伟芳预约')
  expect(shown).toContain('11月26日周四09:00–11:30已约满值班代表：王建国我的预约')
  expect(shown).toContain('我的预约和约见预约接待·李伟芳已预约时间：11月25日周三09:00工作室：文昌党代表工作室想反映：小区加装电梯取消')
})

test('党代表工作室 after a member\'s booking offers 接收提醒; a visitor is asked for a name and a number, and offered none', async () => {
  routeStudio()
  let page = loadPage('pages/studio/index')
  await page.onLoad({})
  page.onBookOpen(tap({ id: 52 }))
  page.onFormInput(input('topic', '加装电梯'))
  shim.route('POST /api/v1/rota-shifts/52/bookings', { status: 201, body: fixtures.reception() })
  await page.onFormSend()
  expect(text(render('pages/studio/index', page.data))).toContain('预约成功，请按时到工作室。接收提醒')

  jest.resetModules()
  installWx() // someone else on a fresh phone: `shim` is now that one
  asVisitor()
  routeStudio([])
  page = loadPage('pages/studio/index')
  await page.onLoad({})
  page.onBookOpen(tap({ id: 52 }))
  let shown = text(render('pages/studio/index', page.data))
  expect(shown).toContain('您还没有绑定党组织，也可以预约：请填写您的姓名和手机号码。')
  expect(shown).toContain('您想反映的事情您的姓名手机号码取消确认预约')
  expect(shown).not.toContain('我的预约和约见')
  page.onFormInput(input('topic', '加装电梯'))
  page.onFormInput(input('name', '赵六'))
  page.onFormInput(input('phone', '13812345678'))
  shim.route('POST /api/v1/rota-shifts/52/bookings', { status: 201, body: fixtures.reception({ person_id: null }) })
  await page.onFormSend()
  shown = text(render('pages/studio/index', page.data))
  expect(shown).toContain('预约成功，请按时到工作室。您可在下方“我的预约和约见”中查看。')
  expect(shown).not.toContain('接收提醒')
})

test('我的反映: each matter with its status and deadline, an overdue one in red; a visitor pointed to the studios', async () => {
  asVisitor()
  shim.route('GET /api/v1/me/matters', {
    status: 200,
    body: [fixtures.matter({ timeline: [] }), fixtures.matter({ id: 80, title: '路灯不亮', overdue: true, due_on: '2026-11-18', timeline: [] })],
  })
  const page = loadPage('pages/my-matters/index')
  await page.onLoad()
  const comp = render('pages/my-matters/index', page.data)
  const shown = text(comp)
  expect(shown).toContain('预约党代表您可以到党代表工作室预约接待')
  expect(shown).not.toContain('提出质询')
  expect(shown).toContain('反映问题办理中小区加装电梯民生保障·11月12日周四10:00办理期限：11月27日周五查看进展›')
  expect(shown).toContain('反映问题办理中·已逾期路灯不亮民生保障·11月12日周四10:00办理期限：11月18日周三（已逾期）查看进展›')
  expect(comp.querySelectorAll('.overdue').map((n) => n.dom.textContent)).toEqual(['办理期限：11月18日 周三（已逾期）'])
})

test('事项详情: the matter, the answer, the rating with its note, and the timeline oldest first', async () => {
  asVisitor()
  shim.route('GET /api/v1/matters/81', {
    status: 200,
    body: fixtures.matter({
      status: 'answered',
      raiser_phone: '13812345678',
      answer: '已协调街道，明年一季度开工',
      answered_at: '2026-11-18T16:00:00+08:00',
      timeline: [
        ...fixtures.matter().timeline,
        fixtures.timelineEntry('answer', 'answered', { actor_name: '王书记', org: { id: 6, name: '第一党支部' }, note: '已协调街道，明年一季度开工', at: '2026-11-18T16:00:00+08:00' }),
      ],
    }),
  })
  const page = loadPage('pages/matter/index')
  await page.onLoad({ id: '81' })
  page.onRatingPick(tap({ rating: 'basic' }))
  const comp = render('pages/matter/index', page.data)
  const shown = text(comp)
  expect(shown).toContain('反映问题已答复小区加装电梯类别：民生保障提出人：张三（13812345678）党代表：李伟芳承办单位：第一党支部')
  expect(shown).toContain('具体内容老旧小区6层无电梯，老人上下楼困难')
  expect(shown).toContain('答复（11月18日周三16:00）已协调街道，明年一季度开工')
  expect(shown).toContain('您对答复满意吗？满意基本满意不满意选择“不满意”，将退回承办单位重新办理一次（只能退回一次）。')
  expect(shown).toContain('提交评价')
  expect(shown).not.toContain('办理转交')
  expect(shown).toContain('办理过程提出11月12日周四10:00·李伟芳转交办理11月12日周四11:00·李伟芳·第一党支部答复11月18日周三16:00·王书记·第一党支部已协调街道，明年一季度开工')
  expect(comp.querySelectorAll('.rating')).toHaveLength(3)
})

test('事项详情 for the case\'s deputy: 转交办理 and 办结, the organisations and the number typed for 其他组织', async () => {
  shim.route('GET /api/v1/matters/81', { status: 200, body: fixtures.matter({ status: 'open', handler_org: null, due_on: null, overdue: false }) })
  shim.route('GET /api/v1/me', { status: 200, body: deputyMe() })
  shim.route('GET /api/v1/people/1/constituency', { status: 200, body: fixtures.constituency() })
  shim.route('GET /api/v1/notifications/templates', { status: 200, body: fixtures.templates() })
  const page = loadPage('pages/matter/index')
  await page.onLoad({ id: '81' })
  await page.onStepOpen(tap({ step: 'forward' }))
  page.onStepPick({ detail: { value: '2' } })
  const shown = text(render('pages/matter/index', page.data))
  expect(shown).toContain('办理转交办理办结转交给哪个组织办理其他组织（填写组织编号）')
  expect(shown).toContain('取消确定转交办理')
  expect(render('pages/matter/index', page.data).querySelectorAll('.org-number')).toHaveLength(1)
  expect(shown).not.toContain('您对答复满意吗')
})

test('待办事项: the organisation, kinds, filters, rows with deadlines and overdue flags', async () => {
  shim.route('GET /api/v1/me', { status: 200, body: fixtures.me(['secretary', 6, '第一党支部']) })
  shim.route('GET /api/v1/orgs/6/matters', {
    status: 200,
    body: fixtures.mattersPage([
      fixtures.matter({ timeline: [], overdue: true, due_on: '2026-11-18', escalated_to: { id: 5, name: '街道党工委' }, raiser_name: '赵六' }),
      fixtures.matter({ id: 82, kind: 'question', title: '河道整治', deputy_id: null, deputy_name: null, timeline: [] }),
    ]),
  })
  const page = loadPage('pages/matters-inbox/index')
  await page.onLoad()
  const comp = render('pages/matters-inbox/index', page.data)
  const shown = text(comp)
  expect(shown).toContain('第一党支部全部反映问题质询提案全部状态▾只看逾期共2件')
  expect(shown).toContain('反映问题办理中·已逾期小区加装电梯提出人：赵六·党代表：李伟芳承办单位：第一党支部办理期限：11月18日周三（已逾期）逾期未答复，已报街道党工委办理›')
  expect(shown).toContain('质询办理中河道整治提出人：张三承办单位：第一党支部办理期限：11月27日周五办理›没有更多了')
  expect(comp.querySelectorAll('.overdue')).toHaveLength(2)
})

test('提出质询 and 提出提案: their fields, and 其他组织 asks for the number', async () => {
  shim.route('GET /api/v1/me', { status: 200, body: deputyMe() })
  shim.route('GET /api/v1/people/1/constituency', { status: 200, body: fixtures.constituency() })
  shim.route('GET /api/v1/studios', { status: 200, body: fixtures.studiosPage() })
  shim.route('GET /api/v1/notifications/templates', { status: 200, body: fixtures.templates() })
  const question = loadPage('pages/question-form/index')
  await question.onLoad()
  question.onPick({ currentTarget: { dataset: { field: 'orgIndex' } }, detail: { value: String(question.data.orgs.length - 1) } })
  let shown = text(render('pages/question-form/index', question.data))
  expect(shown).toContain('向哪个党组织提出其他组织（填写组织编号）类别请选择标题具体内容提交质询')
  const proposal = loadPage('pages/proposal-form/index')
  await proposal.onLoad()
  shown = text(render('pages/proposal-form/index', proposal.data))
  expect(shown).toContain('类别请选择提案标题提案内容提交给请选择联名代表（选填）王建国（县党代表）周敏（党代表）起草提案')
})

test('the home page before signing in offers 党代表工作室 and 我的反映', () => {
  wx.removeStorageSync('hdr.accessToken')
  const page = loadPage('pages/index/index')
  page.onShow()
  const shown = text(render('pages/index/index', page.data))
  expect(shown).toContain('微信登录党代表工作室预约党代表接待，约见党代表我的反映反映的问题、质询和提案的办理进展活动日历')
})
