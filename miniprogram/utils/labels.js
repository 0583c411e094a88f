// Chinese words for the server's slugs. The server accepts a category's Chinese label as well as its slug, so the
// plan form sends the label it shows.
const PLAN_STATUS = {
  draft: '草稿',
  submitted: '待审核',
  returned: '已退回',
  filed: '已审核备案',
}

// In the order of 扬组发〔2014〕29号 §2, as the server lists them.
const CATEGORIES = [
  '支部党员大会', '支委会', '党小组会', '党课', '政治生日', '党务公开', '民主评议', '联系服务群众', '共建', '社区报到服务',
  '践行承诺', '志愿服务', '民主议政议事', '调查研究', '三下三联三交', '谈心谈话', '党代表接待', '调研视察', '提案', '市/县主题活动',
]

const PLAN_ACTIONS = {
  created: '创建计划',
  edited: '修改计划',
  submitted: '提交审核',
  returned: '退回修改',
  approved: '审核通过',
  filed: '报备案',
  published: '发布预告',
  participants_refreshed: '更新应参加人员',
}

const MEMBER_STATUS = {
  full: '正式党员',
  probationary: '预备党员',
  activist: '入党积极分子',
}

// Activities (a filed plan is an activity) and attendance.
const PHASES = {
  upcoming: '未开始',
  open: '签到中',
  closed: '已结束',
  cancelled: '已取消',
}

// GET /me/activities my_status and GET /me/attendance status.
const MY_STATUS = {
  expected: '待签到',
  present: '已签到',
  on_leave: '已请假',
  leave_pending: '请假待批',
  absent: '缺席',
  exempt: '暂不参加',
  guest: '列席',
}

// The organiser's roster (GET /activities/{id}/attendance), in the order the page groups it: who is missing first
// (`expected` until the activity is over, `absent` after).
const ROSTER_STATUS = {
  expected: '未签到',
  absent: '缺席',
  present: '已签到',
  guest: '列席',
  on_leave: '请假',
  exempt: '暂不参加组织生活',
}

const LEAVE_STATUS = {
  pending: '待审批',
  approved: '已批准',
  declined: '未批准',
  withdrawn: '已撤回',
}

const CHECKIN_METHODS = {
  scan: '扫码',
  late_sync: '离线补传',
  organiser: '组织人代签',
}

// GET /plans/{id}/deliveries: what happened to each person's WeChat notification of a plan. The server writes the
// day-before reminder as `remind_members`; `remind_day_before` is the contract's name for it.
const DELIVERY_KINDS = {
  preview: '预告',
  remind_day_before: '活动提醒',
  remind_members: '活动提醒',
}

const DELIVERY_STATUS = {
  sent: '已送达',
  told_in_person: '已当面告知',
  pending: '发送中',
  sending: '发送中',
  no_consent: '未订阅且未关注公众号',
  not_following: '已取消关注公众号',
  no_wechat: '未绑定微信',
  failed: '发送失败',
  unknown: '状态未知',
}

// What a status means for the secretary, under its heading.
const DELIVERY_NOTES = {
  no_consent: '需另行通知',
  not_following: '公众号消息发不出去，需另行通知',
  unknown: '服务器中断时正在发送，未重发',
}

// The channel that reached a person: the summary's figures, and the word beside each person reached.
const DELIVERY_CHANNELS = {
  subscribe: '订阅消息',
  official_account: '公众号',
  in_person: '当面告知',
}

const DELIVERY_VIA = {
  subscribe: '经订阅消息',
  official_account: '经公众号',
  in_person: '当面告知',
}

// Leaders' duties (issue 14). What a leading cadre logs (DutyKind), in the order of the form's picker.
const DUTY_KINDS = {
  research: '调查研究',
  stationed: '驻点调研',
  micro_research: '随机性微调研',
  contact_visit: '走访联系点',
  contact_org_life: '参加组织生活',
  contact_research: '专题调研',
  contact_lecture: '讲授主题党课',
  contact_review: '专项点评',
  research_report: '调研报告',
}

// The year's quotas (QuotaItem.kind), as the server names them; it sends its label with each, and these stand in when
// it does not. The server's unit in brackets (（天）) is left out: the figure beside the label has it.
const DUTY_QUOTAS = {
  research_days: '到基层调查研究',
  stationed_days: '驻点调研',
  micro_research: '随机性微调研',
  research_reports: '调研报告',
  contact_visits: '走访联系点',
  contact_org_life: '在联系点参加组织生活',
  contact_research: '在联系点进行专题调研',
  contact_lecture: '在联系点讲授主题党课',
  contact_review: '在联系点进行专项点评',
  talks: '谈心谈话',
  talks_with_secretaries: '与所属基层党组织书记谈心谈话',
  talks_with_members: '与所属党员谈心谈话',
}

// Where a count came from (QuotaItem.evidence[].source).
const EVIDENCE_SOURCES = {
  entry: '履职记录',
  checkin: '扫码签到',
  plan: '活动计划',
  talk: '谈心谈话记录',
}

const LEADER_LEVELS = {
  county_or_above: '县处级以上',
  township: '乡科级',
}

const PARTY_POSTS = {
  secretary: '书记',
  deputy_secretary: '副书记',
  committee_member: '委员',
  group_leader: '党小组长',
}

// A table's word for a slug; a slug the table does not know yet shows as itself rather than as nothing.
const label = (table) => (slug) => table[slug] || slug || ''
const phaseLabel = label(PHASES)
const myStatusLabel = label(MY_STATUS)
const rosterStatusLabel = label(ROSTER_STATUS)
const leaveStatusLabel = label(LEAVE_STATUS)
const methodLabel = label(CHECKIN_METHODS)
const deliveryKindLabel = label(DELIVERY_KINDS)
const deliveryStatusLabel = label(DELIVERY_STATUS)
const deliveryStatusNote = (status) => DELIVERY_NOTES[status] || ''
const deliveryChannelLabel = label(DELIVERY_CHANNELS)
// A channel this page does not know says nothing beside the name (its figure still counts it).
const deliveryViaLabel = (channel) => DELIVERY_VIA[channel] || ''
const dutyKindLabel = label(DUTY_KINDS)
// A quota's name: the server's (given) or ours, without its unit in brackets.
const dutyQuotaLabel = (kind, given) => String(given || DUTY_QUOTAS[kind] || kind || '').replace(/（[天次篇]）$/, '')
const evidenceSourceLabel = label(EVIDENCE_SOURCES)
const leaderLevelLabel = label(LEADER_LEVELS)
const partyPostLabel = label(PARTY_POSTS)

// 0.775 → '77.5%'; null when there is no rate (nobody expected).
function rateLabel(rate) {
  if (typeof rate !== 'number' || Number.isNaN(rate)) return ''
  return `${Math.round(rate * 1000) / 10}%`
}

function statusLabel(status) {
  return PLAN_STATUS[status] || status || ''
}

function actionLabel(action) {
  return PLAN_ACTIONS[action] || action
}

function memberStatusLabel(status) {
  return MEMBER_STATUS[status] || status
}

// 'occurred_at' as the server writes it ('2026-11-27T09:45:12.73+08:00', already Asia/Shanghai) → '11月27日 09:45'.
function timeLabel(stamp) {
  const match = /^\d{4}-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(stamp || '')
  return match ? `${Number(match[1])}月${Number(match[2])}日 ${match[3]}` : ''
}

// Only a reviewer's comment is written by a person; the server's own notes on other events are English and are
// replaced by what they mean (a publication with a note was late).
const HUMAN_COMMENTS = ['returned', 'approved']

// One line of a plan's history, ready for the template.
function historyItem(event) {
  let comment = HUMAN_COMMENTS.includes(event.action) ? event.comment || '' : ''
  if (event.action === 'published' && event.comment) comment = '超过10日发布，记为逾期'
  return {
    key: `${event.version}-${event.action}-${event.occurred_at}`,
    action: actionLabel(event.action),
    time: timeLabel(event.occurred_at),
    version: event.version,
    onBehalf: event.on_behalf,
    comment,
  }
}

// The flags of one row of GET /orgs/{id}/previews, in Chinese: 逾期 (late) and 未发布 (missing).
function previewFlags(row) {
  const flags = []
  if (row.late) flags.push('逾期')
  if (row.missing) flags.push('未发布')
  return flags
}

// '2026-11-20T14:02:11+08:00' → '14:02'.
function clockLabel(stamp) {
  const match = /T(\d{2}:\d{2})/.exec(stamp || '')
  return match ? match[1] : ''
}

module.exports = {
  PLAN_STATUS, CATEGORIES, PLAN_ACTIONS, MEMBER_STATUS, statusLabel, actionLabel, memberStatusLabel, timeLabel,
  historyItem, previewFlags,
  PHASES, MY_STATUS, ROSTER_STATUS, LEAVE_STATUS, CHECKIN_METHODS, phaseLabel, myStatusLabel, rosterStatusLabel,
  leaveStatusLabel, methodLabel, rateLabel, clockLabel,
  DELIVERY_KINDS, DELIVERY_STATUS, DELIVERY_NOTES, DELIVERY_CHANNELS, DELIVERY_VIA, deliveryKindLabel, deliveryStatusLabel,
  deliveryStatusNote, deliveryChannelLabel, deliveryViaLabel,
  DUTY_KINDS, DUTY_QUOTAS, EVIDENCE_SOURCES, LEADER_LEVELS, PARTY_POSTS, dutyKindLabel, dutyQuotaLabel, evidenceSourceLabel,
  leaderLevelLabel, partyPostLabel,
  label,
}
