// Community service (issue #6): the words for the server's slugs, the text of every claim result, and the views the
// community pages show — service items with their places and waitlist, claims, reports, suggestions, pairings,
// commitments and the yearly progress against the minimums.
const labels = require('./labels')

// ServiceItem.kind, in the order of the tabs.
const KINDS = [
  { key: 'item', label: '服务项目' },
  { key: 'post', label: '服务岗位' },
  { key: 'volunteer', label: '志愿服务' },
]

const VOLUNTEER_KINDS = [
  { key: 'visit', label: '走访慰问' },
  { key: 'labour', label: '义务劳动' },
  { key: 'practical', label: '为民办实事' },
  { key: 'community_service', label: '社区服务' },
]

// ServiceItem.phase: where signing up stands.
const ITEM_PHASES = {
  not_open_yet: '未开始报名',
  open: '报名中',
  closed: '报名已截止',
  cancelled: '已取消',
}

const CLAIM_STATUS = {
  claimed: '已认领',
  waitlisted: '候补中',
  offered: '候补递补待确认',
  cancelled: '已取消',
  declined: '已放弃递补',
  expired: '递补已过期',
  attended: '已参加',
  no_show: '未到场',
  walk_in: '现场签到（未认领）', // scanned a volunteer activity's QR without a claim (the server's, beyond the contract)
}

// A claim that holds, waits for or has used a place: claiming again is not offered.
const ACTIVE_CLAIM = ['claimed', 'waitlisted', 'offered', 'attended', 'walk_in']

// POST /service-items/{id}/claims answers every outcome with HTTP 200 and one of these.
const CLAIM_RESULT_TEXT = {
  ok: '认领成功',
  full: '名额已满，已加入候补',
  already_claimed: '您已认领该项目',
  not_open_yet: '报名尚未开始',
  closed: '报名已截止',
  not_reported: '请先到该社区报到',
  time_clash: '与您已认领的项目时间冲突',
}

const UNKNOWN_CLAIM_RESULT = '认领结果未知，请刷新后查看'

const REPORT_STATUS = {
  pending: '待社区审核',
  accepted: '已报到',
  declined: '未通过',
  withdrawn: '已撤回',
}

const HOUSEHOLD_KINDS = {
  empty_nest: '空巢老人',
  disabled: '残疾人',
  left_behind_child: '留守儿童',
  hardship: '困难群众',
}

// Commitment.category, with the emphasis of 承诺践诺 for each kind of member. The server sends the emphasis with a saved
// commitment (the same words); before the first one is saved the picker shows these.
const COMMITMENT_CATEGORIES = [
  { key: 'organ', label: '机关事业单位党员', emphasis: '机关事业单位党员：改进工作作风、联系服务基层' },
  { key: 'rural_community', label: '农村和社区党员', emphasis: '农村和社区党员：反映社情民意、为群众办实事解难事' },
  { key: 'enterprise', label: '企业和社会组织党员', emphasis: '企业和社会组织党员：关爱职工会员、提供优质服务' },
  { key: 'retired', label: '离退休党员', emphasis: '离退休党员：关心下一代、促进社会公益' },
]

const COMMITMENT_STATUS = {
  in_progress: '践诺中',
  completed: '已践诺',
}

// The lines of Progress, in the order the pages show them; `short` for the admins' table.
const PROGRESS_LINES = [
  { key: 'items', title: '认领服务项目', short: '项目', unit: '项' },
  { key: 'community_services', title: '参加社区服务', short: '社区服务', unit: '次' },
  { key: 'suggestions', title: '提出可行性建议', short: '建议', unit: '条' },
  { key: 'pairings', title: '结对帮扶', short: '结对', unit: '户' },
  { key: 'volunteer', title: '参加志愿服务', short: '志愿', unit: '次' },
]

const { label } = labels
const phaseLabel = label(ITEM_PHASES)
const reportStatusLabel = label(REPORT_STATUS)
const householdKindLabel = label(HOUSEHOLD_KINDS)
const commitmentStatusLabel = label(COMMITMENT_STATUS)
const kindLabel = (key) => (KINDS.find((k) => k.key === key) || { label: key || '' }).label
const volunteerKindLabel = (key) => (VOLUNTEER_KINDS.find((k) => k.key === key) || { label: key || '' }).label
const commitmentCategory = (key) => COMMITMENT_CATEGORIES.find((c) => c.key === key) || null

// 2.5 → '2.5小时'; hours are sent as numbers with at most two decimals.
function hoursLabel(hours) {
  if (typeof hours !== 'number' || Number.isNaN(hours)) return ''
  return `${Math.round(hours * 100) / 100}小时`
}

// A Claim's status in Chinese, with the waitlist position or the hours where they say more.
function claimStatusText(claim) {
  if (!claim) return ''
  if (claim.status === 'waitlisted' && claim.waitlist_position) return `候补中（第${claim.waitlist_position}位）`
  if (claim.status === 'attended' && typeof claim.hours === 'number') return `已参加（${hoursLabel(claim.hours)}）`
  return CLAIM_STATUS[claim.status] || claim.status || ''
}

// A claim answer → one Chinese sentence. `full` says where on the waitlist the person now is; a result this client
// does not know yet shows the server's own message.
function claimResultText(answer) {
  const result = answer && answer.result
  if (result === 'full') {
    const position = answer.claim && answer.claim.waitlist_position
    return position ? `${CLAIM_RESULT_TEXT.full}（第${position}位）` : CLAIM_RESULT_TEXT.full
  }
  if (Object.prototype.hasOwnProperty.call(CLAIM_RESULT_TEXT, result)) return CLAIM_RESULT_TEXT[result]
  return (answer && answer.message) || UNKNOWN_CLAIM_RESULT
}

// '2026-12-05T09:00:00+08:00' – '2026-12-05T11:30:00+08:00' → '12月5日 09:00–11:30'; over several days both ends.
function timeRange(start, end) {
  if (!start) return ''
  if (!end) return labels.timeLabel(start)
  if (start.slice(0, 10) === end.slice(0, 10)) return `${labels.timeLabel(start)}–${labels.clockLabel(end)}`
  return `${labels.timeLabel(start)} 至 ${labels.timeLabel(end)}`
}

const pad = (n) => String(n).padStart(2, '0')

// Milliseconds left → '剩余 05:09', '剩余 1:05:09', '剩余 2天 01:05:09' (whole seconds, rounded up); '' once run out.
function countdownLabel(ms) {
  if (!(ms > 0)) return ''
  const total = Math.ceil(ms / 1000)
  const days = Math.floor(total / 86400)
  const hours = Math.floor((total % 86400) / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = total % 60
  const mmss = `${pad(minutes)}:${pad(seconds)}`
  let clock = mmss
  if (days > 0) clock = `${pad(hours)}:${mmss}`
  else if (hours > 0) clock = `${hours}:${mmss}`
  return days > 0 ? `剩余 ${days}天 ${clock}` : `剩余 ${clock}`
}

// How long an offer has left, by this phone's clock.
function offerLeft(claim, now = Date.now()) {
  const until = Date.parse((claim && claim.offer_expires_at) || '')
  return Number.isNaN(until) ? 0 : until - now
}

function claimView(c) {
  return {
    id: c.id,
    itemId: c.item_id,
    itemTitle: c.item_title || '',
    personId: c.person_id,
    personName: c.person_name || '',
    status: c.status,
    statusText: claimStatusText(c),
    position: c.waitlist_position || 0,
    hours: typeof c.hours === 'number' ? c.hours : null,
    hoursText: hoursLabel(c.hours),
    checkedIn: c.checked_in_at ? labels.timeLabel(c.checked_in_at) : '',
    offerExpiresAt: c.offer_expires_at || '',
    offerUntil: c.offer_expires_at ? labels.timeLabel(c.offer_expires_at) : '',
    active: ACTIVE_CLAIM.includes(c.status),
  }
}

// A ServiceItem as the list and the detail page show it.
function itemView(item) {
  const claim = item.my_claim ? claimView(item.my_claim) : null
  const taken = Number(item.taken) || 0
  const capacity = Number(item.capacity) || 0
  const waitlist = Number(item.waitlist) || 0
  const full = taken >= capacity
  const signupOpen = item.phase === 'open'
  const beforeClose = item.phase === 'open' || item.phase === 'not_open_yet'
  const isVolunteer = item.kind === 'volunteer'
  return {
    id: item.id,
    communityId: item.community_id,
    communityName: item.community_name || '',
    kind: item.kind,
    kindText: isVolunteer && item.volunteer_kind
      ? `${kindLabel(item.kind)}·${volunteerKindLabel(item.volunteer_kind)}` : kindLabel(item.kind),
    isVolunteer,
    title: item.title,
    description: item.description || '',
    when: timeRange(item.starts_at, item.ends_at),
    place: item.place || '',
    skills: item.skills || '',
    signup: `${labels.timeLabel(item.signup_opens_at)} 至 ${labels.timeLabel(item.signup_closes_at)}`,
    phase: item.phase,
    phaseText: phaseLabel(item.phase),
    capacity,
    taken,
    waitlist,
    full,
    placesText: `已认领 ${taken}/${capacity}`,
    waitlistText: waitlist > 0 ? `候补 ${waitlist} 人` : '',
    claim,
    canClaim: signupOpen && !(claim && claim.active),
    claimButton: full ? '名额已满，加入候补' : '认领',
    canCancel: Boolean(claim) && ['claimed', 'waitlisted'].includes(claim.status) && beforeClose,
    offered: Boolean(claim) && claim.status === 'offered',
    canScan: isVolunteer && Boolean(claim) && claim.status === 'claimed' && !claim.checkedIn,
  }
}

// One row of GET /me/service-claims: the claim with its item's kind, time, place and community.
function myClaimView(c) {
  const kindText = kindLabel(c.item_kind)
  const communityName = c.community_name || ''
  return {
    ...claimView(c),
    kindText,
    when: c.starts_at ? labels.timeLabel(c.starts_at) : '',
    place: c.place || '',
    communityName,
    meta: [communityName, kindText].filter(Boolean).join(' · '),
  }
}

const reportView = (r) => ({
  id: r.id,
  personId: r.person_id,
  personName: r.person_name || '',
  communityId: r.community_id,
  communityName: r.community_name || '',
  status: r.status,
  statusText: reportStatusLabel(r.status),
  created: labels.timeLabel(r.created_at),
  decided: r.decided_at ? labels.timeLabel(r.decided_at) : '',
})

// My reports that still count: an accepted one, or one waiting for the community.
const LIVE_REPORT = ['pending', 'accepted']

const suggestionView = (s) => ({
  id: s.id,
  communityId: s.community_id,
  personName: s.person_name || '',
  title: s.title,
  content: s.content,
  answer: s.answer || '',
  answered: s.answered_at ? labels.timeLabel(s.answered_at) : '',
  created: labels.timeLabel(s.created_at),
  statusText: s.answer ? '已答复' : '待答复',
})

// Newest first.
const byDateDesc = (field) => (a, b) => String(b[field] || '').localeCompare(String(a[field] || ''))

const pairingView = (p) => ({
  id: p.id,
  started: p.started_at ? p.started_at.slice(0, 10) : '',
  household: {
    id: p.household.id,
    kindText: householdKindLabel(p.household.kind),
    name: p.household.name,
    address: p.household.address || '',
    phone: p.household.phone || '',
    notes: p.household.notes || '',
  },
  visits: (p.visits || []).slice().sort(byDateDesc('visited_on')).map((v) => ({
    id: v.id, date: v.visited_on, note: v.note,
  })),
})

function commitmentView(c) {
  if (!c) return null
  const category = commitmentCategory(c.category)
  return {
    id: c.id,
    year: c.year,
    category: c.category,
    categoryText: category ? category.label : c.category,
    emphasis: c.emphasis || (category ? category.emphasis : ''),
    content: c.content,
    status: c.status,
    statusText: commitmentStatusLabel(c.status),
    completed: c.completed_at ? labels.timeLabel(c.completed_at) : '',
    completionNote: c.completion_note || '',
    updates: (c.updates || []).slice().sort(byDateDesc('created_at')).map((u, i) => ({
      key: `${u.created_at}-${i}`, note: u.note, time: labels.timeLabel(u.created_at),
    })),
    inProgress: c.status === 'in_progress',
  }
}

// One line of Progress: done against required; a requirement of 0 does not apply to this person.
function progressLine(line, counts) {
  const done = (counts && Number(counts.done)) || 0
  const required = (counts && Number(counts.required)) || 0
  let state = 'done'
  if (required === 0) state = 'none'
  else if (done < required) state = 'todo'
  return {
    key: line.key,
    title: line.title,
    short: line.short,
    done,
    required,
    figure: required === 0 ? `${done}${line.unit}` : `${done}/${required}${line.unit}`,
    state,
    stateText: { done: '已完成', todo: '未完成', none: '不作要求' }[state],
  }
}

// 6.5 → '6.5', 6 → '6', 2.25 → '2.3': hours as people say them.
function formatHours(hours) {
  return String(Math.round(hours * 10) / 10)
}

function progressView(p) {
  const lines = PROGRESS_LINES.map((line) => progressLine(line, p[line.key]))
  const behind = typeof p.behind === 'boolean' ? p.behind : lines.some((l) => l.state === 'todo')
  return {
    personId: p.person_id,
    name: p.name || '',
    year: p.year,
    organ: Boolean(p.in_service_organ),
    lines,
    behind,
    summary: behind ? '尚未达到年度最低要求' : '已达到年度最低要求',
    todo: lines.filter((l) => l.state === 'todo').map((l) => l.short).join('、'),
    // Confirmed by the organisers; older servers do not send it.
    hoursText: typeof p.hours === 'number' && p.hours > 0 ? `全年志愿服务${formatHours(p.hours)}小时` : '',
  }
}

// An hours field as typed → a number ≥ 0, or null when it is not one ('', '-1', '2h', '1e3').
const MAX_HOURS = 24 // the server takes 0–24 hours per person and item
function parseHours(text) {
  const trimmed = String(text === undefined || text === null ? '' : text).trim()
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return null
  const hours = Number(trimmed)
  return Number.isFinite(hours) && hours >= 0 ? hours : null
}

module.exports = {
  KINDS,
  VOLUNTEER_KINDS,
  ITEM_PHASES,
  CLAIM_STATUS,
  ACTIVE_CLAIM,
  CLAIM_RESULT_TEXT,
  UNKNOWN_CLAIM_RESULT,
  REPORT_STATUS,
  LIVE_REPORT,
  HOUSEHOLD_KINDS,
  COMMITMENT_CATEGORIES,
  COMMITMENT_STATUS,
  PROGRESS_LINES,
  phaseLabel,
  reportStatusLabel,
  householdKindLabel,
  commitmentStatusLabel,
  kindLabel,
  volunteerKindLabel,
  commitmentCategory,
  hoursLabel,
  claimStatusText,
  claimResultText,
  timeRange,
  countdownLabel,
  offerLeft,
  claimView,
  itemView,
  myClaimView,
  reportView,
  suggestionView,
  pairingView,
  commitmentView,
  progressLine,
  progressView,
  parseHours,
  MAX_HOURS,
}
