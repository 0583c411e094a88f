// utils/duties.js: the kinds, the logging form's checks and bodies, the talk form, and the views of progress, entries,
// talks and the organisation department's rows.
const duties = require('../utils/duties')
const fixtures = require('./fixtures')

const TODAY = '2026-11-20'
const kindIndex = (key) => duties.KINDS.findIndex((k) => k.key === key)
const contacts = [fixtures.contactPoint(), fixtures.contactPoint({ id: 6, org_id: 7, org_name: '第二党支部', valid_until: '2026-06-30' })]
  .map(duties.contactView)
const form = (key, fields = {}) => ({ ...duties.emptyForm(TODAY), kindIndex: kindIndex(key), ...fields })

test('the kinds in Chinese, which are periods and which name a contact point', () => {
  expect(duties.KINDS.map((k) => k.label)).toEqual([
    '调查研究', '驻点调研', '随机性微调研', '走访联系点', '参加组织生活', '专题调研', '讲授主题党课', '专项点评', '调研报告',
  ])
  expect(duties.KINDS.filter((k) => k.period).map((k) => k.key)).toEqual(['research', 'stationed', 'contact_research'])
  expect(duties.KINDS.filter((k) => k.contact).map((k) => k.key))
    .toEqual(['contact_visit', 'contact_org_life', 'contact_research', 'contact_lecture', 'contact_review'])
})

test('the fields are named for the kind; a report has a title and no place, a contact-point kind no place', () => {
  expect(duties.fieldsFor(duties.KINDS[kindIndex('research')])).toMatchObject({ date: '开始日期', topic: '主题', showsPlace: true })
  expect(duties.fieldsFor(duties.KINDS[kindIndex('research_report')]))
    .toMatchObject({ date: '完成日期', topic: '报告题目', summary: '主要内容', showsPlace: false })
  expect(duties.fieldsFor(duties.KINDS[kindIndex('contact_lecture')])).toMatchObject({ date: '日期', topic: '党课题目', showsPlace: false })
  expect(duties.fieldsFor(duties.KINDS[kindIndex('stationed')]).place).toBe('驻点单位或地点')
})

test('contact points read with their period', () => {
  expect(contacts.map((c) => c.text)).toEqual(['第一党支部（2026-01-01 起）', '第二党支部（2026-01-01 起，至 2026-06-30）'])
  expect(duties.covers(contacts[1], '2026-06-30')).toBe(true)
  expect(duties.covers(contacts[1], '2026-07-01')).toBe(false)
  expect(duties.covers(contacts[0], '2025-12-31')).toBe(false)
})

describe('the logging form\'s checks', () => {
  test('a kind first', () => {
    expect(duties.validate(duties.emptyForm(TODAY), contacts, TODAY)).toEqual({ kind: '请选择履职类型' })
  })

  test('research: where, an end not before the start, nothing after today, at most a year', () => {
    expect(duties.validate(form('research'), contacts, TODAY)).toEqual({ place: '请填写地点' })
    const filled = form('research', { place: '东关街道', topic: '基层减负' })
    expect(duties.validate(filled, contacts, TODAY)).toEqual({})
    expect(duties.validate({ ...filled, startsOn: '2026-11-10', endsOn: '2026-11-09' }, contacts, TODAY))
      .toEqual({ date: '结束日期不能早于开始日期' })
    expect(duties.validate({ ...filled, endsOn: '2026-11-21' }, contacts, TODAY)).toEqual({ date: '结束日期不能晚于今天' })
    expect(duties.validate({ ...filled, startsOn: '2026-11-21', endsOn: '2026-11-21' }, contacts, TODAY))
      .toEqual({ date: '日期不能晚于今天' })
    expect(duties.validate({ ...filled, summary: '字'.repeat(4001) }, contacts, TODAY)).toEqual({ summary: '情况简述不超过4000字' })
    expect(duties.validate({ ...filled, startsOn: '2025-11-19' }, contacts, TODAY)).toEqual({ date: '一条记录最长一年，请分开记录' })
    expect(duties.validate({ ...filled, startsOn: '2025-11-20' }, contacts, TODAY)).toEqual({})
  })

  test('a one-day kind ignores the end; a report needs its title, a stay or micro research where', () => {
    expect(duties.validate(form('micro_research', { endsOn: '2026-01-01', place: '菜市场' }), contacts, TODAY)).toEqual({})
    expect(duties.validate(form('stationed'), contacts, TODAY)).toEqual({ place: '请填写驻点单位或地点' })
    expect(duties.validate(form('contact_lecture', { contactIndex: 0 }), contacts, TODAY)).toEqual({})
    expect(duties.validate(form('research_report'), contacts, TODAY)).toEqual({ topic: '请填写报告题目' })
  })

  test('a contact-point kind needs one of my contact points, and one that covers the date', () => {
    expect(duties.validate(form('contact_visit'), contacts, TODAY)).toEqual({ contact: '请选择联系点' })
    expect(duties.validate(form('contact_visit'), [], TODAY)).toEqual({ contact: '您还没有联系点，请联系组织部门设置' })
    expect(duties.validate(form('contact_visit', { contactIndex: 1 }), contacts, TODAY)).toEqual({ contact: '这段时间第二党支部不是您的联系点' })
    expect(duties.validate(form('contact_visit', { contactIndex: 1, startsOn: '2026-05-01' }), contacts, TODAY)).toEqual({})
    const across = form('contact_research', { contactIndex: 1, startsOn: '2026-06-29', endsOn: '2026-07-02' })
    expect(duties.validate(across, contacts, TODAY)).toEqual({ contact: '这段时间第二党支部不是您的联系点' })
    expect(duties.validate({ ...across, endsOn: '2026-06-30' }, contacts, TODAY)).toEqual({})
  })
})

describe('the bodies', () => {
  test('POST: a period with its end, the fields trimmed; a one-day kind ends the day it starts', () => {
    const research = form('research', { startsOn: '2026-11-02', endsOn: '2026-11-05', place: ' 东关街道 ', topic: '基层减负', summary: '' })
    expect(duties.toRequest(research, contacts)).toEqual({
      kind: 'research', starts_on: '2026-11-02', ends_on: '2026-11-05', place: '东关街道', topic: '基层减负', summary: '',
    })
    expect(duties.toRequest(form('micro_research', { endsOn: '2026-01-01' }), contacts))
      .toEqual({ kind: 'micro_research', starts_on: TODAY, ends_on: TODAY, place: '', topic: '', summary: '' })
  })

  test('POST: a contact-point kind names the organisation and sends no place; a correction names what it corrects', () => {
    const visit = form('contact_visit', { contactIndex: 0, place: '不发送', topic: '了解困难', corrects: 31 })
    expect(duties.toRequest(visit, contacts)).toEqual({
      kind: 'contact_visit', starts_on: TODAY, ends_on: TODAY, org_id: 6, topic: '了解困难', summary: '', corrects: 31,
    })
  })

  test('PATCH: the form\'s fields without the kind, an emptied one cleared', () => {
    const edited = duties.fromEntry(fixtures.dutyEntry(), contacts)
    expect(edited).toMatchObject({ kindIndex: kindIndex('research'), editing: 31, corrects: 0, place: '东关街道' })
    expect(duties.toPatch({ ...edited, summary: '  ' }, contacts)).toEqual({
      starts_on: '2026-11-02', ends_on: '2026-11-05', place: '东关街道', topic: '基层减负落实情况', summary: '',
    })
    const visit = fixtures.dutyEntry({ kind: 'contact_visit', org_id: 7, org_name: '第二党支部', starts_on: '2026-05-01', ends_on: '2026-05-01' })
    expect(duties.fromEntry(visit, contacts, { correct: true })).toMatchObject({ contactIndex: 1, editing: 0, corrects: 31 })
  })
})

test('entries: when, where, 修改 until editable_until, 更正 after, neither once corrected', () => {
  const now = Date.parse('2026-11-20T02:00:00Z')
  expect(duties.entryView(fixtures.dutyEntry(), now)).toMatchObject({
    kindText: '调查研究', when: '11月2日至11月5日（共4天）', where: '东关街道', editable: true, correctable: false,
    editableUntil: '11月25日 09:00',
  })
  expect(duties.entryView(fixtures.dutyEntry({ editable_until: '2026-11-12T09:00:00+08:00' }), now))
    .toMatchObject({ editable: false, correctable: true, editableUntil: '' })
  expect(duties.entryView(fixtures.dutyEntry({ superseded: true }), now)).toMatchObject({ editable: false, correctable: false })
  const visit = fixtures.dutyEntry({
    kind: 'contact_visit', kind_label: '', starts_on: '2026-03-12', ends_on: '2026-03-12', org_name: '第一党支部', corrects: 30,
  })
  expect(duties.entryView(visit, now)).toMatchObject({ kindText: '走访联系点', when: '3月12日', where: '第一党支部', isCorrection: true })
  expect(duties.periodLabel('2025-12-30', '2026-01-02')).toBe('2025年12月30日至2026年1月2日（共4天）')
})

describe('progress', () => {
  test('a quota as a bar: done/required, what is short, 已完成 once met; a count without a quota has no bar', () => {
    const { items } = duties.progressView(fixtures.dutyProgress())
    expect(items.map((q) => [q.label, q.figure, q.percent, q.stateText, q.counted, q.met])).toEqual([
      ['到基层调查研究', '12/30天', 40, '还差18天', false, false],
      ['走访联系点', '2/2次', 100, '已完成', false, true],
      ['随机性微调研', '2次', 100, '不作数量要求', true, true],
      ['与所属党员谈心谈话', '1/4次', 25, '还差3次', false, false],
    ])
    expect(items[1].evidence).toEqual([
      { key: 'contact_visits-0', date: '3月12日', source: '履职记录', orgName: '第一党支部', detail: '走访联系点' },
      { key: 'contact_visits-1', date: '6月20日', source: '扫码签到', orgName: '第一党支部', detail: '主题党日活动' },
    ])
  })

  test('what is missing, who is still owed a talk, and the verdict', () => {
    const view = duties.progressView(fixtures.dutyProgress())
    expect(view.missing.map((m) => m.text)).toEqual(['到基层调查研究：还差18天', '与所属党员谈心谈话：还差3次'])
    expect(view.owed.map((o) => [o.personId, o.text])).toEqual([[3, '与张三谈心谈话：还差1次'], [4, '与李四谈心谈话：还差2次']])
    expect(view).toMatchObject({ metAll: false, summary: '本年度履职要求尚未全部完成', name: '李伟芳', orgName: '第一党支部' })
    expect(duties.progressView(fixtures.dutyProgress({ items: [] })).summary).toBe('本年度没有需要统计的履职要求')
  })

  test('a per-person quota may be short with its total reached: 未完成, and the people say who', () => {
    const item = { kind: 'talks_with_members', label: '', required: 4, done: 4, met: false, owed: [{ person_id: 4, name: '李四', owed: 1 }] }
    expect(duties.quotaView(item)).toMatchObject({ label: '与所属党员谈心谈话', stateText: '未完成', percent: 100 })
  })
})

describe('talks', () => {
  test('whom the form offers: who is owed a talk, then whom I talked with, each once', () => {
    const progress = duties.progressView(fixtures.dutyProgress())
    const talks = [
      fixtures.talk(),
      fixtures.talk({ id: 42, with_person_id: 8, with_name: '周八' }),
      fixtures.talk({ id: 43, with_person_id: null, with_name: '群众王某' }),
      fixtures.talk({ id: 44, leader_id: 9, leader_name: '王书记', with_person_id: 1, with_name: '李伟芳' }),
    ]
    expect(duties.talkPeople(progress, talks, 1).map((p) => [p.personId, p.text])).toEqual([
      [3, '张三（本年已谈1次，还差1次）'],
      [4, '李四（本年尚未谈话，还差2次）'],
      [8, '周八（本年已谈1次）'],
    ])
    expect(talks.map((t) => duties.talkView(t, 1).withText)).toEqual(['与张三谈话', '与周八谈话', '与群众王某谈话', '王书记与您谈话'])
  })

  test('the talk form: someone picked or a name typed, a date not after today, the notes if any', () => {
    const people = [{ personId: 3, name: '张三', text: '张三' }]
    const talk = (fields) => ({ ...duties.emptyTalk(TODAY), ...fields })
    expect(duties.talkProblem(talk({}), people, TODAY)).toBe('请选择谈话对象')
    expect(duties.talkProblem(talk({ personIndex: 1 }), people, TODAY)).toBe('请填写谈话对象的姓名')
    expect(duties.talkProblem(talk({ personIndex: 0, date: '2026-11-21' }), people, TODAY)).toBe('谈话日期不能晚于今天')
    expect(duties.talkProblem(talk({ personIndex: 0 }), people, TODAY)).toBe('')
    expect(duties.talkProblem(talk({ personIndex: 0, notes: '字'.repeat(4001) }), people, TODAY)).toBe('谈话要点不超过4000字')
    expect(duties.talkRequest(talk({ personIndex: 0, notes: ' 谈心 ' }), people))
      .toEqual({ with_person_id: 3, talked_on: TODAY, notes: '谈心' })
    expect(duties.talkRequest(talk({ personIndex: 1, name: ' 王某 ', notes: '谈心' }), people))
      .toEqual({ with_name: '王某', talked_on: TODAY, notes: '谈心' })
  })
})

test('a row of the organisation department\'s list: post and what is behind, in Chinese', () => {
  expect(duties.overviewRow(fixtures.dutyRow({
    behind: [
      { kind: 'research_days', label: '到基层调查研究（天）', required: 30, done: 12 },
      { kind: 'talks', label: '', required: 4, done: 1 },
    ],
  }))).toEqual({
    id: 1, name: '李伟芳', orgName: '第一党支部', post: '县处级以上 · 书记', metAll: false,
    behind: [{ key: 'research_days', text: '到基层调查研究 12/30天' }, { key: 'talks', text: '谈心谈话 1/4次' }],
  })
  expect(duties.overviewRow(fixtures.dutyRow({ leader_level: null, party_post: null, met_all: true, behind: [] })))
    .toMatchObject({ post: '', metAll: true, behind: [] })
})
