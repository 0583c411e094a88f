// Party congress deputies (§二.4): the Chinese for the area's statuses and kinds, the views of duty slots, swaps,
// receptions and matters (cases, questions, proposals) with their timelines, the checks of the forms (made again by
// the server) and their bodies, and which steps of a matter the person looking at it may take.
const labels = require('./labels')
const month = require('./month')
const { blank, tooLong } = require('./form-checks')

// What a matter's raiser may be told by WeChat — a booking the day before, an answer when it comes — is sent with the
// server's reminder template (deputies.reception_page / matter_page in its configuration); the ids come from
// GET /notifications/templates (utils/subscribe.js), these are the kinds to ask consent for.
const SUBSCRIBE_KINDS = {
  booking: ['reminder'],
  answered: ['reminder'],
}

const MATTER_STATUS = {
  draft: '待联名确认',
  open: '待转交',
  submitted: '待立案',
  forwarded: '办理中',
  returned: '已退回',
  not_accepted: '不予立案',
  answered: '已答复',
  closed: '已办结',
}

const MATTER_KINDS = { case: '反映问题', question: '质询', proposal: '提案' }

const RATINGS = { satisfied: '满意', basic: '基本满意', unsatisfied: '不满意' }

// In the server's order, for the pickers.
const CATEGORIES = [
  { key: 'livelihood', label: '民生保障' },
  { key: 'party_building', label: '基层党建' },
  { key: 'economy', label: '经济发展' },
  { key: 'governance', label: '社会治理' },
  { key: 'environment', label: '生态环境' },
  { key: 'other', label: '其他' },
]

const RECEPTION_STATUS = {
  requested: '待代表确认',
  booked: '已预约',
  declined: '已婉拒',
  cancelled: '已取消',
  attended: '已接待',
  no_show: '未到',
}

const RECEPTION_KINDS = { booking: '预约接待', appointment: '约谈', invitation: '邀约' }

const SWAP_STATUS = { asked: '待对方确认', accepted: '已同意', declined: '已拒绝' }

// One step of a matter's timeline.
const ACTIONS = {
  raise: '提出',
  cosign: '联名确认',
  submit: '提交',
  accept: '立案交办',
  reject: '不予立案',
  forward: '转交办理',
  return: '退回',
  answer: '答复',
  rate: '评价',
  reopen: '不满意，重新办理',
  close: '办结',
  escalate: '逾期，报上级组织',
  make_private: '设为不公开',
}

const LEVELS = { city: '市党代表', county: '县党代表', township: '乡镇党代表' }

const statusLabel = labels.label(MATTER_STATUS)
const kindLabel = labels.label(MATTER_KINDS)
const ratingLabel = labels.label(RATINGS)
const receptionStatusLabel = labels.label(RECEPTION_STATUS)
const receptionKindLabel = labels.label(RECEPTION_KINDS)
const swapStatusLabel = labels.label(SWAP_STATUS)
const actionLabel = labels.label(ACTIONS)
const levelLabel = labels.label(LEVELS)
const categoryLabel = (key) => (CATEGORIES.find((c) => c.key === key) || { label: key || '' }).label

// The limits the server holds a matter's and a reception's texts to.
const LIMITS = {
  topic: 200, title: 100, body: 4000, raised: 4000, answer: 4000, reason: 1000, note: 1000, privateReason: 200,
  comment: 500, name: 50,
}
const MAX_CASES = 10
const MAX_COSIGNERS = 30
const MAX_UNAVAILABLE = 62

// ---- dates and times (the server's times are RFC 3339 in Asia/Shanghai)

// '2026-12-03' → '12月3日 周四'; another year than `today`'s names it.
function dayText(date, today = month.today()) {
  if (!date) return ''
  const year = date.slice(0, 4) === today.slice(0, 4) ? '' : `${date.slice(0, 4)}年`
  return `${year}${month.dayLabel(date)} ${month.weekday(date)}`
}

// '2026-12-03T09:00:00+08:00' → '12月3日 周四 09:00'.
function momentText(stamp, today = month.today()) {
  const date = /^\d{4}-\d{2}-\d{2}/.exec(stamp || '')
  return date ? `${dayText(date[0], today)} ${labels.clockLabel(stamp)}` : ''
}

// A date and a time picked on the phone (Asia/Shanghai) → RFC 3339, as the server takes it.
const stampOf = (date, time) => `${date}T${time}:00+08:00`

// The date `days` after `date` (YYYY-MM-DD).
function addDays(date, days) {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

// What the page says after asking WeChat for consent (subscribe.askQuietly's outcome): `when` is what the person is
// told of ('接待前一天', '有答复时').
function consentText(outcome, when) {
  if (!outcome.asked) return `您已开启提醒，${when}会通过微信通知您`
  if (outcome.error) return require('./errors').messageFor(outcome.error)
  if (!outcome.saved) return '服务器暂不支持订阅提醒，请稍后再试'
  const yes = Object.values(outcome.results).some((a) => a === 'accept' || a === 'acceptWithAudio')
  return yes ? `已开启提醒，${when}会通过微信通知您` : '您没有同意接收提醒，可随时再点“接收提醒”'
}

// ---- duty slots and swaps

// A Shift → what a card shows; `now` decides whether it has begun (no booking, no swap) or ended.
function shiftView(shift, now = Date.now(), today = month.today(now)) {
  const begun = Date.parse(shift.starts_at) <= now
  const ended = Date.parse(shift.ends_at) <= now
  const free = Math.max(shift.capacity - shift.booked, 0)
  const swap = shift.pending_swap || null
  let freeText = `还可预约${free}人`
  if (ended) freeText = '已结束'
  else if (begun) freeText = '正在接待'
  else if (free === 0) freeText = '已约满'
  return {
    id: shift.id,
    studioId: shift.studio_id,
    studioName: shift.studio_name,
    day: shift.day,
    when: `${dayText(shift.day, today)} ${labels.clockLabel(shift.starts_at)}–${labels.clockLabel(shift.ends_at)}`,
    deputyId: shift.deputy_id,
    deputyName: shift.deputy_name,
    placesText: `已预约 ${shift.booked}/${shift.capacity}人`,
    free,
    freeText,
    checkedIn: Boolean(shift.checked_in),
    begun,
    ended,
    // A slot over without the deputy's scan at the studio.
    missed: ended && !shift.checked_in,
    canBook: !begun && free > 0,
    canSwap: !begun && !swap,
    swapText: swap ? `已请${swap.to_name}代班，等待对方答复` : '',
  }
}

// A swap asked of me → its card; `slot` is the shiftView of the slot when it could be found (the swap names only
// its id).
function swapView(swap, slot) {
  return {
    id: swap.id,
    shiftId: swap.shift_id,
    fromName: swap.from_name,
    text: `${swap.from_name}请您代替值班`,
    slotText: slot ? `${slot.when} · ${slot.studioName}` : '值班时间请与对方确认',
    statusText: swapStatusLabel(swap.status),
  }
}

// The deputies of a studio I may ask to take my slot: everyone but me.
const swapChoices = (studio, myId) => (studio.deputies || [])
  .filter((d) => d.person_id !== myId)
  .map((d) => ({ id: d.person_id, name: d.name }))

// A day to add to my unavailable days: '' when it can be added, else why not.
function unavailableProblem(days, day, today = month.today()) {
  if (blank(day)) return '请选择日期'
  if (day < today || day > addDays(today, 366)) return '只能登记今天起一年内的日子'
  if (days.includes(day)) return '这一天已经登记过了'
  if (days.length >= MAX_UNAVAILABLE) return `最多登记${MAX_UNAVAILABLE}天`
  return ''
}

const dayChip = (day, today) => ({ day, text: dayText(day, today) })

// ---- studios

function studioView(studio) {
  return {
    id: studio.id,
    name: studio.name,
    address: studio.address,
    orgName: studio.org_name,
    deputies: (studio.deputies || []).map((d) => ({
      id: d.person_id, name: d.name, levelText: d.level ? levelLabel(d.level) : '党代表',
    })),
  }
}

// ---- receptions (bookings, meeting requests, invitations)

function receptionView(r, today = month.today()) {
  const live = r.status === 'requested' || r.status === 'booked'
  let when = momentText(r.meets_at, today)
  if (!when) when = r.status === 'requested' ? '等待代表约定时间' : ''
  return {
    id: r.id,
    kind: r.kind,
    kindText: receptionKindLabel(r.kind),
    status: r.status,
    statusText: receptionStatusLabel(r.status),
    tone: { booked: 'done', attended: 'done', requested: 'wait', no_show: 'todo' }[r.status] || '',
    studioName: r.studio_name,
    deputyName: r.deputy_name,
    name: r.name,
    phone: r.phone,
    topic: r.topic,
    raised: r.raised || '',
    when,
    caseIds: r.case_ids || [],
    canCancel: live,
    canAnswer: r.kind === 'appointment' && r.status === 'requested',
    canRecord: r.status === 'booked',
  }
}

// A mainland mobile number as the server takes it (spaces, dashes and +86 allowed), or '' when it is not one.
function mobile(raw) {
  const digits = String(raw || '').replace(/[\s\u3000-]/g, '').replace(/^(\+86|0086|86(?=\d{11}$))/, '')
  return /^1[3-9]\d{9}$/.test(digits) ? digits : ''
}

// A booking or a request for a meeting: the topic; a member of the public gives a name and a phone too.
function bookingProblem(form, visitor) {
  if (blank(form.topic)) return '请填写您想反映的事情'
  if (tooLong(form.topic, LIMITS.topic)) return `反映的事情不超过${LIMITS.topic}字`
  if (!visitor) return ''
  if (blank(form.name)) return '请填写您的姓名'
  if (tooLong(form.name, LIMITS.name)) return `姓名不超过${LIMITS.name}字`
  if (!mobile(form.phone)) return '请填写正确的手机号码（11位）'
  return ''
}

function bookingRequest(form, visitor) {
  const body = { topic: String(form.topic).trim() }
  if (visitor) Object.assign(body, { name: String(form.name).trim(), phone: mobile(form.phone) })
  return body
}

const emptyBooking = () => ({ topic: '', name: '', phone: '' })

// The deputy's answer to a request for a meeting: a date and a time in the coming year.
function meetingProblem(form, now = Date.now()) {
  if (blank(form.date) || blank(form.time)) return '请选择见面的日期和时间'
  const at = Date.parse(stampOf(form.date, form.time))
  if (!(at > now)) return '见面时间要晚于现在'
  if (at > now + 366 * 24 * 60 * 60 * 1000) return '见面时间要在一年之内'
  return ''
}

// ---- matters (cases, questions, proposals)

const emptyCase = () => ({ categoryIndex: -1, title: '', body: '' })

// A case, question or proposal's own fields: '' when they can be sent, else the first problem.
function caseProblem(form, what = '') {
  if (!CATEGORIES[form.categoryIndex]) return `请选择${what}类别`
  if (blank(form.title)) return `请填写${what}标题`
  if (tooLong(form.title, LIMITS.title)) return `${what}标题不超过${LIMITS.title}字`
  if (blank(form.body)) return `请填写${what}内容`
  if (tooLong(form.body, LIMITS.body)) return `${what}内容不超过${LIMITS.body}字`
  return ''
}

const caseBody = (form) => ({
  category: CATEGORIES[form.categoryIndex].key, title: String(form.title).trim(), body: String(form.body).trim(),
})

// The record of a reception: who came, what was raised, and the cases to follow up (only from someone who came).
function recordProblem(form) {
  if (form.came === null || form.came === undefined) return '请选择来访人是否到场'
  if (tooLong(form.raised, LIMITS.raised)) return `反映的情况不超过${LIMITS.raised}字`
  if (!form.came) return ''
  if (form.cases.length > MAX_CASES) return `一次接待最多登记${MAX_CASES}件问题`
  const index = form.cases.findIndex((c) => caseProblem(c))
  return index < 0 ? '' : `第${index + 1}件问题：${caseProblem(form.cases[index])}`
}

function recordRequest(form) {
  return {
    came: Boolean(form.came),
    raised: String(form.raised || '').trim(),
    cases: form.came ? form.cases.map(caseBody) : [],
  }
}

const emptyRecord = () => ({ came: null, raised: '', cases: [] })

// The organisations a form offers (each once, in the order given), then 其他组织 with a number typed.
const OTHER_ORG = '其他组织（填写组织编号）'
function orgChoices(...lists) {
  const seen = new Set()
  const orgs = lists.flat().filter((o) => o && o.id && !seen.has(o.id) && seen.add(o.id))
  return orgs.map((o) => ({ id: o.id, name: o.name, text: o.name })).concat({ id: 0, name: '', text: OTHER_ORG })
}

// The organisation chosen, or typed when 其他组织 is chosen: its id, or 0.
function chosenOrg(choices, index, typed) {
  const choice = choices[index]
  if (!choice) return 0
  if (choice.id) return choice.id
  const id = Number(String(typed || '').trim())
  return Number.isInteger(id) && id > 0 ? id : 0
}

function orgProblem(choices, index, typed) {
  if (!choices[index]) return '请选择组织'
  return chosenOrg(choices, index, typed) ? '' : '请填写正确的组织编号（数字）'
}

function questionRequest(form, choices) {
  return { org_id: chosenOrg(choices, form.orgIndex, form.orgNumber), ...caseBody(form) }
}

function proposalRequest(form, choices) {
  return {
    ...caseBody(form),
    addressed_org_id: chosenOrg(choices, form.orgIndex, form.orgNumber),
    cosigner_ids: form.cosignerIds.map(Number),
  }
}

// The deadline, the overdue flag and the tone of a matter's status badge.
function deadline(m, today) {
  if (!m.due_on || !['forwarded', 'submitted'].includes(m.status)) return ''
  return `办理期限：${dayText(m.due_on, today)}`
}

const toneOf = (m) => {
  if (m.overdue) return 'todo'
  if (m.status === 'answered' || m.status === 'closed') return 'done'
  if (m.status === 'returned' || m.status === 'not_accepted') return 'todo'
  return 'wait'
}

// A row of a list of matters.
function matterRow(m, today = month.today()) {
  return {
    id: m.id,
    kind: m.kind,
    kindText: kindLabel(m.kind),
    number: m.number || '',
    title: m.title,
    status: m.status,
    statusText: m.overdue ? `${statusLabel(m.status)} · 已逾期` : statusLabel(m.status),
    tone: toneOf(m),
    categoryText: categoryLabel(m.category),
    raiserName: m.raiser_name,
    deputyName: m.deputy_name || '',
    handlerName: (m.handler_org && m.handler_org.name) || '',
    addressedName: (m.addressed_org && m.addressed_org.name) || '',
    deadline: deadline(m, today),
    overdue: Boolean(m.overdue),
    escalatedText: m.escalated_to ? `逾期未答复，已报${m.escalated_to.name}` : '',
    createdText: momentText(m.created_at, today),
  }
}

function timelineView(entry, index, today = month.today()) {
  const org = entry.org ? entry.org.name : ''
  return {
    key: `${index}-${entry.action}`,
    action: actionLabel(entry.action),
    who: entry.actor_name || '系统',
    org,
    note: entry.note || '',
    at: momentText(entry.at, today),
  }
}

// One matter with everything its page shows.
function matterView(m, today = month.today()) {
  return {
    ...matterRow(m, today),
    body: m.body,
    raiserPhone: m.raiser_phone || '',
    answer: m.answer || '',
    answeredText: momentText(m.answered_at, today),
    ratingText: m.rating ? ratingLabel(m.rating) : '',
    rounds: m.rounds,
    privateReason: m.private_reason || '',
    cosigners: (m.cosigners || []).map((c) => ({
      id: c.person_id, name: c.name, confirmed: c.confirmed, text: `${c.name}${c.confirmed ? '（已确认）' : '（待确认）'}`,
    })),
    timeline: (m.timeline || []).map((entry, i) => timelineView(entry, i, today)),
  }
}

// ---- who may do what with a matter (the server decides again; this only chooses the buttons)

const HANDLE = ['secretary', 'org_admin'] // answer, return, make private: the handling organisation
const ACCEPT_PROPOSALS = ['org_admin'] // the committee a proposal was submitted to

const holds = (me, roles, orgIds) => ((me && me.roles) || [])
  .some((grant) => roles.includes(grant.role) && orgIds.includes(grant.org_id))

// The raiser: a visitor reads only what they raised; a member's view does not name the raiser's id, so the name is
// compared (a namesake is refused by the server, auth.forbidden).
const isRaiser = (m, viewer) => viewer.visitor || Boolean(viewer.me && m.raiser_name === viewer.me.name)

// Whether the rating buttons show: the raiser of an answered matter not yet rated.
const canRate = (m, viewer) => m.status === 'answered' && isRaiser(m, viewer)

// The steps of POST /matters/{id}/steps, with what each asks for: `org` (a picker of organisations), `text` (a
// required text into `field`), or nothing but a confirmation.
const STEPS = {
  forward: { label: '转交办理', ask: 'org', field: 'org_id', title: '转交给哪个组织办理', done: '已转交' },
  close: { label: '办结', ask: 'text', field: 'note', title: '办结说明', placeholder: '如：已当面解答，群众表示满意', max: LIMITS.note, done: '已办结' },
  answer: { label: '答复', ask: 'text', field: 'answer', title: '答复内容', placeholder: '办理情况和结果', max: LIMITS.answer, done: '已答复' },
  return: { label: '退回', ask: 'text', field: 'reason', title: '退回原因', placeholder: '如：不属于本单位职责范围', max: LIMITS.reason, done: '已退回' },
  make_private: { label: '设为不公开', ask: 'text', field: 'reason', title: '不公开的理由', placeholder: '如：涉及个人隐私', max: LIMITS.privateReason, done: '已设为不公开' },
  cosign: { label: '确认联名', confirm: '确认以您的名义联名提出这件提案吗？', done: '已确认联名' },
  submit: { label: '提交提案', confirm: '提交后提案将送交立案，不能再修改。确定提交吗？', done: '已提交' },
  accept: { label: '立案交办', ask: 'org', field: 'handler_org_id', title: '交给哪个组织办理', done: '已立案交办' },
  reject: { label: '不予立案', ask: 'text', field: 'reason', title: '不予立案的理由', placeholder: '请写明理由', max: LIMITS.reason, done: '已决定不予立案' },
}

// The steps `viewer` ({ visitor, me: GET /me, orgId: the organisation whose inbox opened the matter }) may take now,
// each { step, label, … } from STEPS.
function stepsFor(m, viewer) {
  if (viewer.visitor || !viewer.me) return []
  const { me } = viewer
  const context = viewer.orgId ? [viewer.orgId] : []
  const steps = []
  const handler = m.handler_org ? [m.handler_org.id, ...context] : []
  const handles = handler.length > 0 && holds(me, HANDLE, handler)
  if (m.kind === 'case' && m.deputy_id === me.id && (m.status === 'open' || m.status === 'returned')) {
    steps.push('forward', 'close')
  }
  if (m.status === 'forwarded' && handles) {
    steps.push('answer')
    if (m.kind === 'case') steps.push('return')
  }
  if (m.kind === 'question' && !m.private_reason && handles && ['forwarded', 'answered', 'closed'].includes(m.status)) {
    steps.push('make_private')
  }
  if (m.kind === 'proposal' && m.status === 'draft') {
    if ((m.cosigners || []).some((c) => c.person_id === me.id && !c.confirmed)) steps.push('cosign')
    if (m.deputy_id === me.id && (m.cosigners || []).every((c) => c.confirmed)) steps.push('submit')
  }
  if (m.kind === 'proposal' && m.status === 'submitted' && m.addressed_org
    && holds(me, ACCEPT_PROPOSALS, [m.addressed_org.id, ...context])) {
    steps.push('accept', 'reject')
  }
  return steps.map((step) => ({ step, ...STEPS[step] }))
}

// The co-signers a lead deputy still waits for, as a sentence ('' when none).
function waitingFor(m) {
  const waiting = (m.cosigners || []).filter((c) => !c.confirmed)
  return m.kind === 'proposal' && m.status === 'draft' && waiting.length > 0
    ? `等待${waiting.map((c) => c.name).join('、')}确认联名后才能提交`
    : ''
}

// What a step asks for: '' when it can be sent.
function stepProblem(step, form, choices) {
  const spec = STEPS[step]
  if (spec.ask === 'org') return orgProblem(choices, form.orgIndex, form.orgNumber)
  if (spec.ask === 'text') {
    if (blank(form.text)) return `请填写${spec.title}`
    if (tooLong(form.text, spec.max)) return `${spec.title}不超过${spec.max}字`
  }
  return ''
}

function stepBody(step, form, choices) {
  const spec = STEPS[step]
  const body = { step }
  if (spec.ask === 'org') body[spec.field] = chosenOrg(choices, form.orgIndex, form.orgNumber)
  if (spec.ask === 'text') body[spec.field] = String(form.text).trim()
  return body
}

// What the raiser reads under the rating buttons: 不满意 sends it back once.
function ratingNote(m) {
  return m.rounds < 2
    ? '选择“不满意”，将退回承办单位重新办理一次（只能退回一次）。'
    : '这是重新办理后的答复，评价后即办结。'
}

module.exports = {
  SUBSCRIBE_KINDS, MATTER_STATUS, MATTER_KINDS, RATINGS, CATEGORIES, RECEPTION_STATUS, RECEPTION_KINDS, SWAP_STATUS,
  ACTIONS, LEVELS, LIMITS, MAX_CASES, MAX_COSIGNERS, MAX_UNAVAILABLE, STEPS, HANDLE, ACCEPT_PROPOSALS, OTHER_ORG,
  statusLabel, kindLabel, ratingLabel, receptionStatusLabel, receptionKindLabel, swapStatusLabel, actionLabel, levelLabel,
  categoryLabel, dayText, momentText, stampOf, addDays, consentText,
  shiftView, swapView, swapChoices, unavailableProblem, dayChip, studioView,
  receptionView, mobile, bookingProblem, bookingRequest, emptyBooking, meetingProblem,
  emptyCase, caseProblem, caseBody, recordProblem, recordRequest, emptyRecord,
  orgChoices, chosenOrg, orgProblem, questionRequest, proposalRequest,
  matterRow, matterView, timelineView, isRaiser, canRate, stepsFor, waitingFor, stepProblem, stepBody, ratingNote,
}
