// 民主评议 (§二.1, §三.2): a branch's yearly evaluation of its members — the evidence sheet the server assembles from
// the records (nobody retypes it), the self-assessment, secret ballots on every other member (once each, no name kept
// with a grade), the secretary's comment and the branch meeting's final grade — and the questionnaire on the branch
// answered by its members and the public (党员和群众评议党组织). The Chinese of the server's grades and answers, the views
// the pages show and the checks of the forms (made again by the server).
const community = require('./community')
const deputies = require('./deputies')
const duties = require('./duties')
const labels = require('./labels')
const month = require('./month')
const { blank, tooLong } = require('./form-checks')

const GRADES = [
  { key: 'excellent', label: '优秀' },
  { key: 'qualified', label: '合格' },
  { key: 'basically_qualified', label: '基本合格' },
  { key: 'unqualified', label: '不合格' },
]

const ANSWERS = [
  { key: 'satisfied', label: '满意' },
  { key: 'basically_satisfied', label: '基本满意' },
  { key: 'dissatisfied', label: '不满意' },
]

const AUDIENCES = { member: '本支部党员', public: '群众' }

const pick = (list) => (key) => (list.find((k) => k.key === key) || { label: key || '' }).label
const gradeLabel = pick(GRADES)
const answerLabel = pick(ANSWERS)
const audienceLabel = labels.label(AUDIENCES)

// The server's MIN_BALLOTS: below it a member's counts (and a questionnaire audience's) stay hidden.
const MIN_BALLOTS = 5
// A campaign is open for at most this many days.
const MAX_DAYS = 60
const LIMITS = { text: 4000, comment: 500 }

// ---- campaigns

function stateOf(c) {
  if (c.open) return { state: 'open', stateText: '评议中', tone: 'done' }
  if (c.closed) return { state: 'closed', stateText: '已结束', tone: '' }
  return { state: 'soon', stateText: '未开始', tone: 'wait' }
}

// A CampaignSummary or a Campaign: its year, its period and whether it is open.
function campaignView(c, today = month.today()) {
  return {
    id: c.id,
    year: c.year,
    title: `${c.year}年度民主评议党员`,
    period: `${deputies.momentText(c.opens_at, today)} 至 ${deputies.momentText(c.closes_at, today)}`,
    closesOn: String(c.closes_at || '').slice(0, 10),
    open: Boolean(c.open),
    closed: Boolean(c.closed),
    ...stateOf(c),
  }
}

// Which campaign a page shows first: the one asked for, else one open now, else the newest (the list is newest first).
function chosenIndex(campaigns, wanted) {
  const asked = campaigns.findIndex((c) => c.id === wanted)
  if (asked >= 0) return asked
  return Math.max(campaigns.findIndex((c) => c.open), 0)
}

// ---- the evidence sheet (GET /evaluations/{id}/members/{person}/evidence)

const count = (n) => Number(n) || 0

function attendanceView(a) {
  const expected = count(a.expected)
  const rate = labels.rateLabel(a.rate)
  return {
    text: `应参加${expected}次，出席${count(a.present)}次，请假${count(a.on_leave)}次，缺席${count(a.absent)}次`,
    rateText: expected > 0 && rate ? `出勤率${rate}` : '本年度还没有需要参加的活动',
    low: Boolean(a.below_threshold),
    activities: (a.activities || []).map((e) => ({
      id: e.activity_id,
      text: `${month.dayLabel(e.activity_date)} ${e.theme}`,
      statusText: labels.myStatusLabel(e.status),
      missed: e.status === 'absent',
    })),
  }
}

function evidenceView(sheet) {
  const service = community.progressView(sheet.service)
  const commitments = count(sheet.commitments)
  const row = sheet.duties ? duties.overviewRow(sheet.duties) : null
  return {
    personId: sheet.person_id,
    name: sheet.name,
    year: sheet.year,
    attendance: attendanceView(sheet.attendance),
    exempt: sheet.exempt ? `已登记暂不参加组织生活${sheet.exempt_reason ? `：${sheet.exempt_reason}` : ''}` : '',
    service: { lines: service.lines, summary: service.summary },
    commitments: commitments === 0 ? '本年度没有作出承诺' : `本年度承诺${commitments}项，已完成${count(sheet.commitments_completed)}项`,
    duties: row ? {
      post: row.post,
      text: row.metAll ? '各项履职要求均已完成' : '尚未完成的履职要求：',
      behind: row.behind,
    } : null,
    talks: `接受谈心谈话${count(sheet.talks_received)}次`,
    feedback: `评价活动${count(sheet.feedback_given)}次`,
  }
}

// ---- self-assessment and ballots

function textProblem(text, what) {
  if (blank(text)) return `请填写${what}`
  if (tooLong(text, LIMITS.text)) return `${what}不超过${LIMITS.text}字`
  return ''
}

const selfProblem = (text) => textProblem(text, '自评内容')
const commentProblem = (text) => textProblem(text, '点评内容')

// The other members of the campaign, each with whether I have rated them, and how far I have got.
function ballotsView(members, myId) {
  const others = (members || []).filter((m) => m.person_id !== myId)
    .map((m) => ({ id: m.person_id, name: m.name, rated: Boolean(m.rated_by_me) }))
  const done = others.filter((m) => m.rated).length
  const left = others.length - done
  let progress = `已评议${done}人，还有${left}人未评议`
  if (others.length === 0) progress = '本支部没有其他需要评议的党员'
  else if (left === 0) progress = `您已评议全部${others.length}位同志，感谢您的参与`
  return { others, done, left, progress }
}

const emptyBallot = () => ({ grade: '', comment: '' })

function ballotProblem(form) {
  if (!GRADES.some((g) => g.key === form.grade)) return '请选择评议等次'
  if (tooLong(form.comment, LIMITS.comment)) return `意见不超过${LIMITS.comment}字`
  return ''
}

const ballotRequest = (subjectId, form) => ({
  subject_id: subjectId, grade: form.grade, comment: String(form.comment || '').trim(),
})

// ---- results (after the campaign closed)

function resultView(r) {
  const enough = Array.isArray(r.counts)
  return {
    id: r.person_id,
    name: r.name,
    ballots: r.ballots,
    enough,
    ballotsText: `收到评议${r.ballots}票`,
    tooFew: enough ? '' : `收到的评议不足${MIN_BALLOTS}票，为保护评议人，不显示各等次票数和意见`,
    counts: enough ? GRADES.map((g, i) => ({ key: g.key, label: g.label, count: r.counts[i] || 0 })) : [],
    comments: (r.comments || []).map((text, i) => ({ key: i, text })),
    selfAssessment: r.self_assessment || '',
    secretaryComment: r.secretary_comment || '',
    finalGrade: r.final_grade ? gradeLabel(r.final_grade) : '',
    finalText: r.final_grade
      ? `${gradeLabel(r.final_grade)}${r.meeting_date ? `（${r.meeting_date.slice(0, 4)}年${month.dayLabel(r.meeting_date)}支部党员大会评定）` : ''}`
      : '支部党员大会尚未评定等次',
  }
}

// ---- the secretary's forms: opening a campaign, the final grade

// Days from `from` to `to` (YYYY-MM-DD).
function daysBetween(from, to) {
  const at = (d) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)))
  return Math.round((at(to) - at(from)) / 86400000)
}

// The years a campaign may evaluate: this one or the last.
const yearChoices = (today = month.today()) => {
  const year = Number(today.slice(0, 4))
  return [year, year - 1].map((y) => ({ year: y, label: `${y}年度` }))
}

const emptyCampaign = (today = month.today()) => ({ yearIndex: 0, opens: today, closes: deputies.addDays(today, 14) })

function campaignProblem(form, years) {
  if (!years[form.yearIndex]) return '请选择评议的年度'
  if (blank(form.opens) || blank(form.closes)) return '请选择开始和结束日期'
  if (form.closes < form.opens) return '结束日期不能早于开始日期'
  if (daysBetween(form.opens, form.closes) > MAX_DAYS) return `评议时间最长${MAX_DAYS}天`
  return ''
}

// The whole of both days, in Asia/Shanghai.
const campaignRequest = (form, years) => ({
  year: years[form.yearIndex].year,
  opens_at: `${form.opens}T00:00:00+08:00`,
  closes_at: `${form.closes}T23:59:59+08:00`,
})

const emptyGrade = (today = month.today()) => ({ gradeIndex: -1, meetingDate: today })

// The branch meeting is held after the campaign closed, and not in the future.
function gradeProblem(form, closesOn, today = month.today()) {
  if (!GRADES[form.gradeIndex]) return '请选择评定等次'
  if (blank(form.meetingDate)) return '请选择支部党员大会的日期'
  if (form.meetingDate < closesOn || form.meetingDate > today) return '大会日期应在评议结束之后，且不晚于今天'
  return ''
}

const gradeRequest = (form) => ({ grade: GRADES[form.gradeIndex].key, meeting_date: form.meetingDate })

// ---- the questionnaire on the branch

function questionnaireView(q) {
  return {
    id: q.campaign_id,
    orgName: q.org_name,
    year: q.year,
    title: `${q.org_name}${q.year}年度满意度测评`,
    open: Boolean(q.open),
    answered: Boolean(q.answered),
    questions: (q.questions || []).map((text, i) => ({ index: i, number: i + 1, text })),
  }
}

const emptyAnswers = (n) => Array(n).fill('')

function answersProblem(answers) {
  const missing = answers.findIndex((a) => !ANSWERS.some((k) => k.key === a))
  return missing >= 0 ? `请回答第${missing + 1}题（共${answers.length}题）` : ''
}

const answersRequest = (answers) => ({ answers: answers.slice() })

function audienceResultView(a) {
  const enough = Array.isArray(a.questions)
  return {
    key: a.audience,
    label: audienceLabel(a.audience),
    answers: a.answers,
    text: `${audienceLabel(a.audience)}：共${a.answers}人参加`,
    enough,
    tooFew: enough ? '' : `参加人数不足${MIN_BALLOTS}人，为保护参加人，暂不显示结果`,
    questions: enough ? a.questions.map((q, i) => ({
      key: i,
      text: `${i + 1}. ${q.question}`,
      counts: ANSWERS.map((k, j) => ({ key: k.key, label: k.label, count: q.counts[j] || 0 })),
    })) : [],
  }
}

// `options.q` of the questionnaire page opened by WeChat's scanner: the QR holds `{public_base}/e/{campaign}` (the
// server's `/questionnaire/qr`), URI-encoded once → the campaign's id, or null for any other link.
function campaignFromLaunchQuery(q) {
  if (typeof q !== 'string' || q === '') return null
  let url
  try {
    url = decodeURIComponent(q)
  } catch (err) {
    return null
  }
  const match = /^https?:\/\/[^/?#\s]+(?:\/[^?#\s]*)?\/e\/([1-9][0-9]{0,15})\/?(?:[?#]\S*)?$/i.exec(url.trim())
  return match ? Number(match[1]) : null
}

module.exports = {
  campaignFromLaunchQuery,
  GRADES, ANSWERS, AUDIENCES, MIN_BALLOTS, MAX_DAYS, LIMITS,
  gradeLabel, answerLabel, audienceLabel,
  campaignView, chosenIndex, evidenceView, selfProblem, commentProblem,
  ballotsView, emptyBallot, ballotProblem, ballotRequest, resultView,
  daysBetween, yearChoices, emptyCampaign, campaignProblem, campaignRequest, emptyGrade, gradeProblem, gradeRequest,
  questionnaireView, emptyAnswers, answersProblem, answersRequest, audienceResultView,
}
