// utils/deputies.js (§二.4): the Chinese of every status, the views of slots, receptions and matters, the forms' checks
// and bodies, and which steps of a matter whom the buttons offer; the deputies' home entries (utils/roles.js).
const deputies = require('../utils/deputies')
const roles = require('../utils/roles')
const doc = require('./openapi.json')
const fixtures = require('./fixtures')

const NOW = Date.parse('2026-11-20T02:00:00Z') // 10:00 in Shanghai
const TODAY = '2026-11-20'

describe('the Chinese of every value the server sends', () => {
  test.each([
    ['MatterStatus', deputies.MATTER_STATUS],
    ['MatterKind', deputies.MATTER_KINDS],
    ['Rating', deputies.RATINGS],
    ['ReceptionStatus', deputies.RECEPTION_STATUS],
    ['ReceptionKind', deputies.RECEPTION_KINDS],
    ['SwapStatus', deputies.SWAP_STATUS],
    ['MatterAction', deputies.ACTIONS],
    ['DeputyLevel', deputies.LEVELS],
  ])('%s', (schema, table) => {
    expect(Object.keys(table).sort()).toEqual([...doc.components.schemas[schema].enum].sort())
  })

  test('categories in the server\'s order, and the words the issue gives', () => {
    expect(deputies.CATEGORIES.map((c) => c.key)).toEqual(doc.components.schemas.Category.enum)
    expect(deputies.CATEGORIES.map((c) => c.label)).toEqual(['民生保障', '基层党建', '经济发展', '社会治理', '生态环境', '其他'])
    expect(deputies.MATTER_STATUS).toMatchObject({ draft: '待联名确认', forwarded: '办理中', not_accepted: '不予立案', closed: '已办结' })
    expect(deputies.RECEPTION_STATUS).toMatchObject({ requested: '待代表确认', no_show: '未到' })
    expect(deputies.statusLabel('someday')).toBe('someday')
  })
})

describe('duty slots', () => {
  test('a slot to come: its time, the places and 请人代班', () => {
    expect(deputies.shiftView(fixtures.shift(), NOW, TODAY)).toMatchObject({
      when: '11月25日 周三 09:00–11:30',
      placesText: '已预约 2/5人',
      free: 3,
      freeText: '还可预约3人',
      canBook: true,
      canSwap: true,
      checkedIn: false,
      missed: false,
    })
  })

  test('a slot over: 已签到 with the scan, 未签到 without; neither booked nor swapped', () => {
    const done = deputies.shiftView(fixtures.shift({ day: '2026-11-18', checked_in: true }), NOW, TODAY)
    expect(done).toMatchObject({ freeText: '已结束', canBook: false, canSwap: false, checkedIn: true, missed: false })
    expect(deputies.shiftView(fixtures.shift({ day: '2026-11-18' }), NOW, TODAY).missed).toBe(true)
  })

  test('a slot going on now, a full one, one with a swap waiting, one next year', () => {
    const now = deputies.shiftView(fixtures.shift({ day: '2026-11-20', starts_at: '2026-11-20T09:30:00+08:00', ends_at: '2026-11-20T11:30:00+08:00' }), NOW, TODAY)
    expect(now).toMatchObject({ freeText: '正在接待', canBook: false, missed: false })
    expect(deputies.shiftView(fixtures.shift({ booked: 5 }), NOW, TODAY)).toMatchObject({ freeText: '已约满', canBook: false, free: 0 })
    expect(deputies.shiftView(fixtures.shift({ pending_swap: fixtures.swap() }), NOW, TODAY))
      .toMatchObject({ canSwap: false, swapText: '已请王建国代班，等待对方答复' })
    expect(deputies.shiftView(fixtures.shift({ day: '2027-01-06' }), NOW, TODAY).when).toBe('2027年1月6日 周三 09:00–11:30')
  })

  test('a swap asked of me, with its slot when found and without', () => {
    const asked = fixtures.swap({ id: 72, shift_id: 53, from_name: '王建国' })
    const slot = deputies.shiftView(fixtures.shift({ id: 53, day: '2026-11-26' }), NOW, TODAY)
    expect(deputies.swapView(asked, slot)).toMatchObject({ text: '王建国请您代替值班', slotText: '11月26日 周四 09:00–11:30 · 文昌党代表工作室' })
    expect(deputies.swapView(asked, undefined).slotText).toBe('值班时间请与对方确认')
  })

  test('whom I may ask to take my slot: the studio\'s other deputies', () => {
    expect(deputies.swapChoices(fixtures.studio(), 1)).toEqual([{ id: 9, name: '王建国' }, { id: 12, name: '周敏' }])
  })

  test('an unavailable day is from today to a year ahead, once, at most 62', () => {
    expect(deputies.unavailableProblem([], '2026-11-20', TODAY)).toBe('')
    expect(deputies.unavailableProblem([], '2026-11-19', TODAY)).toBe('只能登记今天起一年内的日子')
    expect(deputies.unavailableProblem([], '2027-11-21', TODAY)).toBe('')
    expect(deputies.unavailableProblem([], '2027-11-22', TODAY)).toBe('只能登记今天起一年内的日子')
    expect(deputies.unavailableProblem(['2026-12-02'], '2026-12-02', TODAY)).toBe('这一天已经登记过了')
    expect(deputies.unavailableProblem(Array(62).fill('x'), '2026-12-03', TODAY)).toBe('最多登记62天')
    expect(deputies.unavailableProblem([], '', TODAY)).toBe('请选择日期')
  })
})

describe('receptions and their forms', () => {
  test('a booking, a request waiting for the deputy, an attended one', () => {
    expect(deputies.receptionView(fixtures.reception(), TODAY)).toMatchObject({
      kindText: '预约接待', statusText: '已预约', when: '11月25日 周三 09:00', canCancel: true, canRecord: true, canAnswer: false, tone: 'done',
    })
    expect(deputies.receptionView(fixtures.reception({ kind: 'appointment', status: 'requested', meets_at: null }), TODAY)).toMatchObject({
      kindText: '约谈', statusText: '待代表确认', when: '等待代表约定时间', canAnswer: true, canRecord: false, canCancel: true,
    })
    expect(deputies.receptionView(fixtures.reception({ status: 'attended', case_ids: [81] }), TODAY))
      .toMatchObject({ canCancel: false, canRecord: false, caseIds: [81] })
  })

  test('a member books with the topic; a member of the public with a name and a mobile number', () => {
    expect(deputies.bookingProblem({ topic: ' ' }, false)).toBe('请填写您想反映的事情')
    expect(deputies.bookingProblem({ topic: '长'.repeat(201) }, false)).toBe('反映的事情不超过200字')
    expect(deputies.bookingProblem({ topic: '加装电梯' }, false)).toBe('')
    expect(deputies.bookingRequest({ topic: ' 加装电梯 ', name: 'x', phone: 'y' }, false)).toEqual({ topic: '加装电梯' })
    expect(deputies.bookingProblem({ topic: '加装电梯', name: '', phone: '' }, true)).toBe('请填写您的姓名')
    expect(deputies.bookingProblem({ topic: '加装电梯', name: '赵六', phone: '1381234567' }, true)).toBe('请填写正确的手机号码（11位）')
    expect(deputies.bookingProblem({ topic: '加装电梯', name: '赵六', phone: '12812345678' }, true)).toBe('请填写正确的手机号码（11位）')
    expect(deputies.bookingRequest({ topic: '加装电梯', name: ' 赵六 ', phone: '+86 138-1234-5678' }, true))
      .toEqual({ topic: '加装电梯', name: '赵六', phone: '13812345678' })
  })

  test('a meeting time is in the coming year, sent in Shanghai time', () => {
    expect(deputies.meetingProblem({ date: '2026-11-20', time: '09:00' }, NOW)).toBe('见面时间要晚于现在')
    expect(deputies.meetingProblem({ date: '2026-11-20', time: '15:00' }, NOW)).toBe('')
    expect(deputies.meetingProblem({ date: '2027-12-01', time: '15:00' }, NOW)).toBe('见面时间要在一年之内')
    expect(deputies.meetingProblem({ date: '', time: '15:00' }, NOW)).toBe('请选择见面的日期和时间')
    expect(deputies.stampOf('2026-11-23', '15:00')).toBe('2026-11-23T15:00:00+08:00')
  })

  test('a record: whether they came; cases only from someone who came, each complete', () => {
    const form = deputies.emptyRecord()
    expect(deputies.recordProblem(form)).toBe('请选择来访人是否到场')
    const incomplete = { came: true, raised: '电梯', cases: [deputies.emptyCase()] }
    expect(deputies.recordProblem(incomplete)).toBe('第1件问题：请选择类别')
    const full = { came: true, raised: ' 电梯 ', cases: [{ categoryIndex: 0, title: '加装电梯', body: '6层无电梯' }] }
    expect(deputies.recordProblem(full)).toBe('')
    expect(deputies.recordRequest(full)).toEqual({ came: true, raised: '电梯', cases: [{ category: 'livelihood', title: '加装电梯', body: '6层无电梯' }] })
    expect(deputies.recordRequest({ ...full, came: false })).toEqual({ came: false, raised: '电梯', cases: [] })
    expect(deputies.recordProblem({ came: true, raised: '', cases: Array(11).fill(full.cases[0]) })).toBe('一次接待最多登记10件问题')
  })
})

describe('matters', () => {
  test('a row: kind, status, deadline; overdue in red and said', () => {
    expect(deputies.matterRow(fixtures.matter(), TODAY)).toMatchObject({
      kindText: '反映问题', statusText: '办理中', tone: 'wait', categoryText: '民生保障', deadline: '办理期限：11月27日 周五', overdue: false,
      handlerName: '第一党支部', createdText: '11月12日 周四 10:00',
    })
    expect(deputies.matterRow(fixtures.matter({ overdue: true, due_on: '2026-11-18', escalated_to: { id: 5, name: '街道党工委' } }), TODAY))
      .toMatchObject({ statusText: '办理中 · 已逾期', tone: 'todo', overdue: true, escalatedText: '逾期未答复，已报街道党工委' })
    expect(deputies.matterRow(fixtures.matter({ status: 'closed' }), TODAY)).toMatchObject({ tone: 'done', deadline: '' })
  })

  test('the page: the timeline oldest first with who and where, the answer, the rating, co-signers', () => {
    const view = deputies.matterView(fixtures.matter({
      answer: '已协调加装', answered_at: '2026-11-18T16:00:00+08:00', rating: 'basic',
      cosigners: [{ person_id: 9, name: '王建国', confirmed: true }, { person_id: 12, name: '周敏', confirmed: false }],
      timeline: [...fixtures.matter().timeline, fixtures.timelineEntry('escalate', 'forwarded', { actor_name: null, note: '逾期未答复（期限 2026-11-27）' })],
    }), TODAY)
    expect(view.timeline.map((t) => [t.action, t.who, t.org, t.at, t.note])).toEqual([
      ['提出', '李伟芳', '', '11月12日 周四 10:00', ''],
      ['转交办理', '李伟芳', '第一党支部', '11月12日 周四 11:00', ''],
      ['逾期，报上级组织', '系统', '', '11月12日 周四 10:00', '逾期未答复（期限 2026-11-27）'],
    ])
    expect(view).toMatchObject({ answer: '已协调加装', answeredText: '11月18日 周三 16:00', ratingText: '基本满意' })
    expect(view.cosigners.map((c) => c.text)).toEqual(['王建国（已确认）', '周敏（待确认）'])
  })

  const me = (...grants) => fixtures.me(...grants)
  const steps = (m, viewer) => deputies.stepsFor(m, viewer).map((s) => s.step)

  test('the case\'s deputy forwards or closes it while open or returned', () => {
    const viewer = { visitor: false, me: me() }
    expect(steps(fixtures.matter({ status: 'open', handler_org: null }), viewer)).toEqual(['forward', 'close'])
    expect(steps(fixtures.matter({ status: 'returned', handler_org: null }), viewer)).toEqual(['forward', 'close'])
    expect(steps(fixtures.matter({ status: 'open', deputy_id: 9 }), viewer)).toEqual([])
    expect(steps(fixtures.matter(), viewer)).toEqual([])
  })

  test('the handling organisation\'s secretaries and admins answer and return; questions are made private, never returned', () => {
    const secretary = { visitor: false, me: me(['secretary', 6, '第一党支部']) }
    expect(steps(fixtures.matter({ deputy_id: 9 }), secretary)).toEqual(['answer', 'return'])
    expect(steps(fixtures.matter({ kind: 'question', deputy_id: null }), secretary)).toEqual(['answer', 'make_private'])
    expect(steps(fixtures.matter({ kind: 'question', status: 'answered', deputy_id: null }), secretary)).toEqual(['make_private'])
    expect(steps(fixtures.matter({ kind: 'question', status: 'answered', private_reason: '隐私' }), secretary)).toEqual([])
    expect(steps(fixtures.matter({ deputy_id: 9 }), { visitor: false, me: me(['reviewer', 6, '第一党支部']) })).toEqual([])
    // From the inbox of the organisation above the handler
    expect(steps(fixtures.matter({ deputy_id: 9 }), { visitor: false, me: me(['org_admin', 5, '街道党工委']), orgId: 5 })).toEqual(['answer', 'return'])
    expect(steps(fixtures.matter({ deputy_id: 9 }), { visitor: false, me: me(['org_admin', 5, '街道党工委']) })).toEqual([])
  })

  test('a proposal: co-signers confirm, the lead submits once all have, the committee accepts or rejects', () => {
    const draft = (cosigners) => fixtures.matter({
      kind: 'proposal', status: 'draft', handler_org: null, addressed_org: { id: 5, name: '街道党工委' }, cosigners,
    })
    const lead = { visitor: false, me: me() }
    expect(steps(draft([{ person_id: 9, name: '王建国', confirmed: false }]), lead)).toEqual([])
    expect(deputies.waitingFor(draft([{ person_id: 9, name: '王建国', confirmed: false }]))).toBe('等待王建国确认联名后才能提交')
    expect(steps(draft([{ person_id: 9, name: '王建国', confirmed: true }]), lead)).toEqual(['submit'])
    expect(steps(draft([]), lead)).toEqual(['submit'])
    const cosigner = { visitor: false, me: { ...me(), id: 9, name: '王建国' } }
    expect(steps(draft([{ person_id: 9, name: '王建国', confirmed: false }]), cosigner)).toEqual(['cosign'])
    const submitted = { ...draft([]), status: 'submitted', deputy_id: 9 }
    expect(steps(submitted, { visitor: false, me: me(['org_admin', 5, '街道党工委']) })).toEqual(['accept', 'reject'])
    expect(steps(submitted, { visitor: false, me: me(['secretary', 5, '街道党工委']) })).toEqual([])
  })

  test('visitors take no steps; the raiser rates an answered matter (a visitor always being its raiser)', () => {
    const answered = fixtures.matter({ status: 'answered' })
    expect(steps(answered, { visitor: true, me: null })).toEqual([])
    expect(deputies.canRate(answered, { visitor: true, me: null })).toBe(true)
    expect(deputies.canRate(answered, { visitor: false, me: { ...me(), name: '张三' } })).toBe(true)
    expect(deputies.canRate(answered, { visitor: false, me: me() })).toBe(false)
    expect(deputies.canRate(fixtures.matter(), { visitor: true, me: null })).toBe(false)
    expect(deputies.ratingNote({ rounds: 1 })).toContain('不满意')
    expect(deputies.ratingNote({ rounds: 2 })).toBe('这是重新办理后的答复，评价后即办结。')
  })

  test('organisations to choose: each once, then 其他组织 with a number typed', () => {
    const choices = deputies.orgChoices([{ id: 5, name: '街道党工委' }], [{ id: 6, name: '第一党支部' }, { id: 5, name: '街道党工委' }])
    expect(choices.map((c) => c.text)).toEqual(['街道党工委', '第一党支部', '其他组织（填写组织编号）'])
    expect(deputies.chosenOrg(choices, 1, '')).toBe(6)
    expect(deputies.orgProblem(choices, -1, '')).toBe('请选择组织')
    expect(deputies.orgProblem(choices, 2, '十二')).toBe('请填写正确的组织编号（数字）')
    expect(deputies.chosenOrg(choices, 2, ' 12 ')).toBe(12)
  })

  test('step bodies: an organisation, a required text, or the step alone', () => {
    const choices = deputies.orgChoices([{ id: 6, name: '第一党支部' }])
    expect(deputies.stepBody('forward', { orgIndex: 0 }, choices)).toEqual({ step: 'forward', org_id: 6 })
    expect(deputies.stepBody('accept', { orgIndex: 1, orgNumber: '14' }, choices)).toEqual({ step: 'accept', handler_org_id: 14 })
    expect(deputies.stepProblem('answer', { text: ' ' }, choices)).toBe('请填写答复内容')
    expect(deputies.stepProblem('make_private', { text: '长'.repeat(201) }, choices)).toBe('不公开的理由不超过200字')
    expect(deputies.stepBody('return', { text: ' 不属于本单位 ' }, choices)).toEqual({ step: 'return', reason: '不属于本单位' })
    expect(deputies.stepBody('close', { text: '已解答' }, choices)).toEqual({ step: 'close', note: '已解答' })
    expect(deputies.stepBody('cosign', {}, choices)).toEqual({ step: 'cosign' })
  })

  test('a question and a proposal as the server takes them', () => {
    const choices = deputies.orgChoices([{ id: 6, name: '第一党支部' }])
    const form = {
      orgIndex: 0, orgNumber: '', categoryIndex: 4, title: ' 河道整治 ', body: '何时完成', cosignerIds: ['9', '12'],
    }
    expect(deputies.caseProblem({ ...form, title: '' }, '质询')).toBe('请填写质询标题')
    expect(deputies.questionRequest(form, choices)).toEqual({ org_id: 6, category: 'environment', title: '河道整治', body: '何时完成' })
    expect(deputies.proposalRequest(form, choices)).toEqual({
      category: 'environment', title: '河道整治', body: '何时完成', addressed_org_id: 6, cosigner_ids: [9, 12],
    })
  })

  test('what is said after asking for consent', () => {
    expect(deputies.consentText({ asked: false }, '接待前一天')).toBe('您已开启提醒，接待前一天会通过微信通知您')
    expect(deputies.consentText({ asked: true, saved: true, results: { T: 'accept' } }, '接待前一天')).toBe('已开启提醒，接待前一天会通过微信通知您')
    expect(deputies.consentText({ asked: true, saved: true, results: { T: 'reject' } }, '接待前一天')).toBe('您没有同意接收提醒，可随时再点“接收提醒”')
    expect(deputies.consentText({ asked: true, error: { code: 'subscribe.switched_off' } }, '接待前一天')).toContain('您已关闭订阅消息')
  })
})

describe('the deputies\' home entries', () => {
  const keys = (me) => roles.deputyEntries(me).map((e) => e.key)

  test('党代表工作室 and 我的反映 for everyone, before signing in too; 提出质询 for members', () => {
    expect(keys(null)).toEqual(['studio', 'my-matters'])
    expect(keys(fixtures.me())).toEqual(['studio', 'my-matters', 'question-form'])
  })

  test('the rota, receptions and proposals for deputies (deputy_level on /me); the inbox for staff', () => {
    expect(keys({ ...fixtures.me(), deputy_level: 'city' })).toEqual(['studio', 'my-matters', 'question-form', 'my-rota', 'deputy-receptions', 'proposal-form'])
    ;['secretary', 'reviewer', 'org_admin', 'supervisor'].forEach((role) => {
      expect(keys(fixtures.me([role, 5, '街道党工委']))).toContain('matters-inbox')
    })
    expect(keys(fixtures.me(['community_admin', 30, '文昌社区']))).not.toContain('matters-inbox')
    expect(roles.deputyEntries({ ...fixtures.me(), deputy_level: 'township' }).find((e) => e.key === 'my-rota'))
      .toMatchObject({ title: '我的值班', url: '/pages/my-rota/index' })
  })
})
