// Organisational life beyond the activity day: 党务公开 (notices, their read receipts and the questions they raise),
// 活动评价 (a member's rating of an activity, and the branch's summary, shown only from enough answers), 政治生日
// (the joining date's anniversary and its four items) and 结对共建 (paired organisations' year). The Chinese of the
// server's kinds, the views the pages show and the checks of the forms (made again by the server).
const deputies = require('./deputies')
const labels = require('./labels')
const month = require('./month')
const { blank, tooLong } = require('./form-checks')

// ---- 党务公开

const NOTICE_KINDS = [
  { key: 'party', label: '党务公开' },
  { key: 'government', label: '政务公开' },
  { key: 'finance', label: '财务公开' },
]

const AUDIENCES = [
  { key: 'members', label: '本组织党员' },
  { key: 'subtree', label: '本组织及下级组织党员' },
  { key: 'public', label: '社区居民（公开）' },
]

const pick = (list) => (key) => (list.find((k) => k.key === key) || { label: key || '' }).label
const noticeKindLabel = pick(NOTICE_KINDS)
const audienceLabel = pick(AUDIENCES)

const LIMITS = {
  noticeTitle: 100, noticeBody: 10000, questionTitle: 100, questionBody: 4000, comment: 500, report: 4000, summary: 2000,
}

// A notice as a row of the list and as its page: the first line of the body for the list.
function noticeView(n, today = month.today()) {
  const body = String(n.body || '')
  return {
    id: n.id,
    title: n.title,
    body,
    excerpt: body.length > 40 ? `${body.slice(0, 40)}…` : body,
    kindText: noticeKindLabel(n.kind),
    audienceText: audienceLabel(n.audience),
    orgName: n.org_name,
    publishedText: deputies.momentText(n.published_at, today),
    read: Boolean(n.read),
  }
}

const unreadText = (unread) => (unread > 0 ? `您有${unread}条公开内容未读` : '公开内容您都已阅读')

const emptyQuestion = () => ({ title: '', body: '' })

// A question about a notice (质询): its title and content.
function questionProblem(form) {
  if (blank(form.title)) return '请填写质询标题'
  if (tooLong(form.title, LIMITS.questionTitle)) return `质询标题不超过${LIMITS.questionTitle}字`
  if (blank(form.body)) return '请填写质询内容'
  if (tooLong(form.body, LIMITS.questionBody)) return `质询内容不超过${LIMITS.questionBody}字`
  return ''
}

const questionRequest = (form) => ({ title: String(form.title).trim(), body: String(form.body).trim() })

const emptyNotice = () => ({
  kindIndex: 0, audienceIndex: 0, communityId: '', title: '', body: '',
})

function noticeProblem(form) {
  if (!NOTICE_KINDS[form.kindIndex]) return '请选择公开类别'
  const audience = AUDIENCES[form.audienceIndex]
  if (!audience) return '请选择公开范围'
  if (audience.key === 'public' && !/^[1-9]\d*$/.test(String(form.communityId || '').trim())) return '请填写社区编号（数字）'
  if (blank(form.title)) return '请填写标题'
  if (tooLong(form.title, LIMITS.noticeTitle)) return `标题不超过${LIMITS.noticeTitle}字`
  if (blank(form.body)) return '请填写公开内容'
  if (tooLong(form.body, LIMITS.noticeBody)) return `公开内容不超过${LIMITS.noticeBody}字`
  return ''
}

function noticeRequest(form) {
  const audience = AUDIENCES[form.audienceIndex].key
  return {
    kind: NOTICE_KINDS[form.kindIndex].key,
    audience,
    community_id: audience === 'public' ? Number(String(form.communityId).trim()) : null,
    title: String(form.title).trim(),
    body: String(form.body).trim(),
  }
}

function readersView(r) {
  return {
    expected: r.expected,
    read: r.read,
    text: `应读${r.expected}人，已读${r.read}人，未读${r.unread.length}人`,
    unread: r.unread.map((p) => ({ id: p.person_id, name: p.name, orgName: p.org_name })),
  }
}

// ---- 活动评价

const STARS = [1, 2, 3, 4, 5]
const RATING_TEXT = {
  1: '很不满意', 2: '不太满意', 3: '一般', 4: '满意', 5: '非常满意',
}

const starsText = (rating) => `${'★'.repeat(rating)}${'☆'.repeat(5 - rating)} ${RATING_TEXT[rating] || ''}`

// GET /activities/{id}/feedback → what the member's part of the page shows.
function feedbackView(f, today = month.today()) {
  const mine = f.mine ? { rating: f.mine.rating, comment: f.mine.comment || '', text: starsText(f.mine.rating) } : null
  let note = ''
  if (!mine && !f.can_answer) note = `评价时间：${deputies.momentText(f.opens_at, today)} 至 ${deputies.momentText(f.closes_at, today)}`
  return {
    canAnswer: Boolean(f.can_answer) && !mine,
    mine,
    note,
    closesText: deputies.momentText(f.closes_at, today),
  }
}

const emptyFeedback = () => ({ rating: 0, comment: '' })

function feedbackProblem(form) {
  if (!STARS.includes(form.rating)) return '请点选1到5颗星'
  if (tooLong(form.comment, LIMITS.comment)) return `留言不超过${LIMITS.comment}字`
  return ''
}

const feedbackRequest = (form) => ({ rating: form.rating, comment: String(form.comment || '').trim() })

// The branch's summary: the bars (the longest full width) only when enough answered.
function summaryView(s) {
  const rule = `评价不记名，答复满${s.min_answers}人才显示结果。`
  if (!s.enough || !s.distribution) {
    return {
      enough: false, answers: s.answers, text: `答复人数不足${s.min_answers}人，暂不显示`, rule, bars: [], average: '', comments: [],
    }
  }
  const most = Math.max(...s.distribution, 1)
  return {
    enough: true,
    answers: s.answers,
    text: `共${s.answers}人评价`,
    rule,
    average: typeof s.average === 'number' ? (Math.round(s.average * 10) / 10).toFixed(1) : '',
    bars: s.distribution.map((n, i) => ({
      stars: i + 1, label: `${i + 1}星`, count: n, width: Math.round((n / most) * 100),
    })).reverse(),
    comments: s.comments.map((c, i) => ({ key: i, text: c })),
  }
}

// ---- 政治生日

const ITEMS = [
  { key: 'report', label: '思想汇报' },
  { key: 'oath_renewed', label: '重温入党誓词' },
  { key: 'talk', label: '书记谈心交流' },
  { key: 'visit_done', label: '参观学习' },
]

function itemsOf(c) {
  const done = c ? {
    report: Boolean(c.report && c.report.trim()),
    oath_renewed: c.oath_renewed,
    talk: Boolean(c.talk_id),
    visit_done: c.visit_done,
  } : {}
  return ITEMS.map((item) => ({
    key: item.key, label: item.label, done: Boolean(done[item.key]), text: done[item.key] ? '已完成' : '未完成',
  }))
}

function birthdayView(b, today = month.today()) {
  const c = b.celebration
  let state = '支部还没有安排这次政治生日活动'
  if (c) state = c.complete ? '四项内容都已完成' : '支部已安排，以下内容完成后会记录在这里'
  return {
    id: b.person_id,
    celebrationId: c ? c.id : 0,
    name: b.name,
    orgName: b.org_name,
    joinText: `${b.join_date.slice(0, 4)}年${month.dayLabel(b.join_date)}入党`,
    dayText: deputies.dayText(b.birthday, today),
    yearsText: `党龄${b.years}年`,
    planned: Boolean(c),
    complete: Boolean(c && c.complete),
    state,
    report: c ? c.report : '',
    oathRenewed: Boolean(c && c.oath_renewed),
    visitDone: Boolean(c && c.visit_done),
    talked: Boolean(c && c.talk_id),
    items: itemsOf(c),
  }
}

// ---- 结对共建

const ENTRY_KINDS = [
  { key: 'exchange', label: '交流学习' },
  { key: 'help', label: '帮扶' },
]
const entryKindLabel = pick(ENTRY_KINDS)

function pairView(p) {
  return {
    id: p.id,
    names: `${p.org_a.name} ⇄ ${p.org_b.name}`,
    orgs: [p.org_a, p.org_b],
    period: `${p.starts_on} 至 ${p.ends_on}`,
    goals: p.goals,
  }
}

function pairYearView(y, today = month.today()) {
  return {
    pair: pairView(y.pair),
    year: y.year,
    counts: `联合活动${y.joint_activities.length}次，交流学习${y.exchanges}次，帮扶${y.help_given}次`,
    joint: y.joint_activities.map((a) => ({
      id: a.plan_id,
      theme: a.theme,
      when: deputies.dayText(a.date, today),
      host: `${a.host.name}主办`,
      sides: a.sides.map((s) => ({
        id: s.org.id, text: `${s.org.name}：应到${s.expected}人，实到${s.present}人${s.rate === null || s.rate === undefined ? '' : `，出勤率${labels.rateLabel(s.rate)}`}`,
      })),
    })),
    entries: y.entries.map((e) => ({
      id: e.id, kindText: entryKindLabel(e.kind), when: deputies.dayText(e.on, today), orgName: e.org.name, summary: e.summary,
    })),
  }
}

const emptyEntry = (today = month.today()) => ({
  orgIndex: 0, kindIndex: 0, on: today, summary: '',
})

function entryProblem(form, orgs, today = month.today()) {
  if (!orgs[form.orgIndex]) return '请选择登记的组织'
  if (!ENTRY_KINDS[form.kindIndex]) return '请选择类别'
  if (blank(form.on) || form.on > today) return '请选择日期（不晚于今天）'
  if (blank(form.summary)) return '请填写做了什么'
  if (tooLong(form.summary, LIMITS.summary)) return `内容不超过${LIMITS.summary}字`
  return ''
}

const entryRequest = (form, orgs) => ({
  org_id: orgs[form.orgIndex].id, kind: ENTRY_KINDS[form.kindIndex].key, on: form.on, summary: String(form.summary).trim(),
})

module.exports = {
  NOTICE_KINDS, AUDIENCES, LIMITS, STARS, RATING_TEXT, ITEMS, ENTRY_KINDS,
  noticeKindLabel, audienceLabel, noticeView, unreadText, emptyQuestion, questionProblem, questionRequest,
  emptyNotice, noticeProblem, noticeRequest, readersView,
  starsText, feedbackView, emptyFeedback, feedbackProblem, feedbackRequest, summaryView,
  itemsOf, birthdayView, entryKindLabel, pairView, pairYearView, emptyEntry, entryProblem, entryRequest,
}
