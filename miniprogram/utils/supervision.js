// 督查考评 (§三.3) as the inspected organisation sees it: the results published to it (督查通报: the round, how it
// inspected, the summary, a corrected version and why, the organisation's own verdict) and its rectification tasks
// (整改: what was found, what must be put right by when, the answer it sends, the inspectors' decision). The Chinese of
// the server's statuses, methods and verdicts, the views the pages show and the answer's check (made again by the server).
const deputies = require('./deputies')
const labels = require('./labels')
const month = require('./month')
const { blank, tooLong } = require('./form-checks')

const STATUS = {
  open: '待整改',
  answered: '已报整改情况',
  returned: '退回重新整改',
  accepted: '整改通过',
}

// The tag's colour: waiting for us, waiting for the inspectors, done.
const TONES = { open: 'todo', returned: 'todo', answered: 'wait', accepted: 'done' }

const METHODS = { site_visit: '实地查看', records_review: '调阅记录', interviews: '走访座谈' }

const VERDICTS = {
  good: '好', fair: '较好', needs_improvement: '一般', poor: '差',
}

const statusLabel = labels.label(STATUS)
const methodLabel = labels.label(METHODS)
const verdictLabel = labels.label(VERDICTS)

const LIMITS = { answer: 2000 }

// A task waits for the organisation's answer while open or returned; only then may it answer and add files.
const waiting = (status) => status === 'open' || status === 'returned'

// '2026-12-31' → '2026年12月31日'.
const dateText = (date) => (date ? `${date.slice(0, 4)}年${month.dayLabel(date)}` : '')

// A Task as a row of the list and as its page.
function taskView(t, today = month.today()) {
  return {
    id: t.id,
    orgName: t.org_name,
    finding: t.finding,
    requirement: t.requirement,
    deadline: `整改期限：${dateText(t.deadline)}`,
    overdue: Boolean(t.overdue),
    status: t.status,
    statusText: statusLabel(t.status),
    tone: TONES[t.status] || '',
    waiting: waiting(t.status),
    answer: t.answer || '',
    answeredText: t.answered_at ? deputies.momentText(t.answered_at, today) : '',
    decisionNote: t.decision_note || '',
    decidedText: t.decided_at ? deputies.momentText(t.decided_at, today) : '',
    escalated: t.escalated_to_org_id ? '逾期未报整改情况，已报告上级党组织' : '',
  }
}

// What the page says of where a task stands, before the answer form or the decision.
function nextStep(t) {
  if (t.status === 'open') return '请按整改要求整改，在期限前报送整改情况，并上传整改材料。'
  if (t.status === 'returned') return '整改情况被退回，请按督查组意见重新整改后再次报送。'
  if (t.status === 'answered') return '整改情况已报送，请等待督查组审核。'
  return '整改已通过督查组审核。'
}

function answerProblem(note) {
  if (blank(note)) return '请填写整改情况'
  if (tooLong(note, LIMITS.answer)) return `整改情况不超过${LIMITS.answer}字`
  return ''
}

const answerRequest = (note) => ({ action: 'answer', note: String(note).trim() })

// A PublishedRound: the round, its method, the version shown (a correction says why), my organisation's result.
function roundView(r) {
  const result = r.result ? {
    orgName: r.result.org_name,
    verdict: r.result.verdict,
    verdictText: verdictLabel(r.result.verdict),
    comment: r.result.comment || '',
  } : null
  return {
    id: r.round_id,
    title: r.title,
    methodText: methodLabel(r.method),
    plannedText: `督查日期：${dateText(r.planned_on)}`,
    publishText: `通报日期：${dateText(r.publish_on)}`,
    summary: r.summary,
    corrected: r.version > 1,
    versionText: r.version > 1 ? `第${r.version}版（更正）` : '',
    correctionReason: r.correction_reason || '',
    result,
  }
}

module.exports = {
  STATUS, TONES, METHODS, VERDICTS, LIMITS,
  statusLabel, methodLabel, verdictLabel, waiting, taskView, nextStep, answerProblem, answerRequest, roundView,
}
