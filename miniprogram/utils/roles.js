// What the roles of GET /me ({ role, org_id, org_name }[]) let a person do in the mini-program. The server
// decides every request again; this only chooses which pages and organisations to offer.
const REVIEW_ROLES = ['reviewer', 'org_admin']
const SUPERVISE_ROLES = ['reviewer', 'org_admin', 'supervisor']

// The organisations where I hold one of `roles`, each once, in the order of my grants.
function orgsWith(me, roles) {
  const seen = new Set()
  return ((me && me.roles) || [])
    .filter((grant) => roles.includes(grant.role) && !seen.has(grant.org_id) && seen.add(grant.org_id))
    .map((grant) => ({ id: grant.org_id, name: grant.org_name }))
}

const COMMUNITY_ROLES = ['community_admin', 'volunteer_lead']

const secretaryBranches = (me) => orgsWith(me, ['secretary'])
const reviewOrgs = (me) => orgsWith(me, REVIEW_ROLES)
const superviseOrgs = (me) => orgsWith(me, SUPERVISE_ROLES)
const communityOrgs = (me) => orgsWith(me, COMMUNITY_ROLES)

// Who has duties to log (issue 14): a leading cadre (leader_level), a secretary (party_post, or the secretary role of a
// branch: talks with each member). GET /me gives leader_level and party_post when the server sends them.
const hasDuties = (me) => Boolean(me && (me.leader_level || me.party_post === 'secretary')) || secretaryBranches(me).length > 0

// The home page's entries: the page router of the mini-program.
function entriesFor(me) {
  const entries = []
  if (secretaryBranches(me).length > 0) {
    entries.push({ key: 'plan', title: '本月计划', hint: '制定、报审并发布本支部活动预告', url: '/pages/plan/index' })
  }
  if (hasDuties(me)) {
    entries.push({ key: 'my-duties', title: '我的履职', hint: '调查研究、联系点、谈心谈话的年度完成情况', url: '/pages/my-duties/index' })
  }
  if (superviseOrgs(me).length > 0) {
    entries.push({ key: 'review', title: '审核与督查', hint: '审核下级支部计划，查看预告发布情况', url: '/pages/review/index' })
  }
  if (reviewOrgs(me).length > 0) {
    entries.push({
      key: 'exemptions', title: '暂不参加组织生活', hint: '登记、撤销按规定暂不参加组织生活的党员', url: '/pages/exemptions/index',
    })
  }
  if (reviewOrgs(me).length > 0) {
    entries.push({
      key: 'duties-overview', title: '履职情况', hint: '领导干部年度履职要求的完成情况', url: '/pages/duties-overview/index',
    })
  }
  if (communityOrgs(me).length > 0) {
    entries.push({
      key: 'community-admin', title: '社区管理', hint: '发布服务项目与志愿服务，审核报到，登记服务时长', url: '/pages/community-admin/index',
    })
  }
  entries.push({ key: 'calendar', title: '活动日历', hint: '全年每月活动日与预告截止日', url: '/pages/calendar/index' })
  return entries
}

// Every bound person takes part in activities (check-in and their own attendance) and in community service (reporting
// to a community, claiming items, commitments), once logged in (`me` known).
function memberEntries(me) {
  if (!me) return []
  return [
    { key: 'scan', title: '扫码签到', url: '/pages/scan/index' },
    { key: 'activities', title: '我的活动', url: '/pages/my-activities/index' },
    { key: 'attendance', title: '我的考勤', url: '/pages/my-attendance/index' },
    { key: 'card', title: '我的签到码', url: '/pages/my-card/index' },
    { key: 'community', title: '社区服务', url: '/pages/community/index' },
    { key: 'my-service', title: '我的服务', url: '/pages/my-service/index' },
  ]
}

// Staff who read an organisation (READ_DIRECTORY on the server) see what it and those under it must answer (待办事项).
const INBOX_ROLES = ['secretary', 'reviewer', 'org_admin', 'supervisor']
const inboxOrgs = (me) => orgsWith(me, INBOX_ROLES)

// Party congress deputies (§二.4). GET /me gives deputy_level when the server sends it (a deputy on the roster).
const isDeputy = (me) => Boolean(me && me.deputy_level)

// The deputies' entries of the home page: the studios and my own cases for everyone — members of the public too, before
// or without binding (`me` null) —, asking a question for every member, the rota, receptions and proposals for
// deputies, and the inbox for staff.
function deputyEntries(me) {
  const entries = [
    { key: 'studio', title: '党代表工作室', hint: '预约党代表接待，约见党代表', url: '/pages/studio/index' },
    { key: 'my-matters', title: '我的反映', hint: '反映的问题、质询和提案的办理进展', url: '/pages/my-matters/index' },
  ]
  if (me) entries.push({ key: 'question-form', title: '提出质询', hint: '向党组织提出质询，限期答复', url: '/pages/question-form/index' })
  if (isDeputy(me)) {
    entries.push(
      { key: 'my-rota', title: '我的值班', hint: '工作室值班安排、代班和不能值班的日子', url: '/pages/my-rota/index' },
      { key: 'deputy-receptions', title: '接待记录', hint: '答复约见请求，登记接待情况', url: '/pages/deputy-receptions/index' },
      { key: 'proposal-form', title: '提出提案', hint: '联名提出提案', url: '/pages/proposal-form/index' },
    )
  }
  if (inboxOrgs(me).length > 0) {
    entries.push({ key: 'matters-inbox', title: '待办事项', hint: '需要答复的问题、质询和提案', url: '/pages/matters-inbox/index' })
  }
  return entries
}

// Organisational life (党务公开, 政治生日, 结对共建): every member reads the notices and their own political birthday;
// a secretary keeps the branch's birthdays and pairs; a secretary or an organisation's admin publishes notices.
const NOTICE_ROLES = ['secretary', 'org_admin']
const noticeOrgs = (me) => orgsWith(me, NOTICE_ROLES)

function lifeEntries(me) {
  if (!me) return []
  const entries = [
    { key: 'notices', title: '党务公开', hint: '党务、政务、财务公开内容，可以提出质询', url: '/pages/notices/index' },
    { key: 'my-birthday', title: '我的政治生日', hint: '入党纪念日和党龄', url: '/pages/my-birthday/index' },
  ]
  if (noticeOrgs(me).length > 0) {
    entries.push({ key: 'notice-form', title: '发布公开', hint: '发布党务公开内容，查看谁还没有阅读', url: '/pages/notice-form/index' })
  }
  if (secretaryBranches(me).length > 0) {
    entries.push(
      { key: 'birthdays', title: '政治生日', hint: '本支部党员的政治生日，记录四项内容', url: '/pages/birthdays/index' },
      { key: 'pairs', title: '结对共建', hint: '结对组织的联合活动、交流和帮扶', url: '/pages/pairs/index' },
    )
  }
  return entries
}

// 集中主题活动: a secretary shows the venue code of their own branch at the themed activities of a higher organisation
// the branch joins (its members check in at their branch's venue).
function themedEntries(me) {
  if (secretaryBranches(me).length === 0) return []
  return [{ key: 'themed-venues', title: '集中主题活动', hint: '本支部参加的集中主题活动，出示本支部签到码', url: '/pages/themed-venues/index' }]
}

// 民主评议 and 督查考评: every member takes part in the branch's evaluation and reads what inspections published to their
// organisation; a secretary runs the branch's evaluation; whoever organises an organisation (secretary, org_admin:
// ORGANISE on the server) answers its rectification tasks.
const RECTIFY_ROLES = ['secretary', 'org_admin']
const rectifyOrgs = (me) => orgsWith(me, RECTIFY_ROLES)

function evaluationEntries(me) {
  if (!me) return []
  const entries = [
    { key: 'evaluation', title: '民主评议', hint: '年度民主评议党员：自评、互评，查看评议结果', url: '/pages/evaluation/index' },
    { key: 'inspection-results', title: '督查通报', hint: '上级党组织督查考评的通报和本组织的结果', url: '/pages/inspection-results/index' },
  ]
  if (secretaryBranches(me).length > 0) {
    entries.push({
      key: 'evaluation-secretary', title: '组织民主评议', hint: '发起民主评议，逐一点评，记录评定等次', url: '/pages/evaluation-secretary/index',
    })
  }
  if (rectifyOrgs(me).length > 0) {
    entries.push({ key: 'rectifications', title: '整改任务', hint: '督查发现问题的整改，按期报送整改情况', url: '/pages/rectifications/index' })
  }
  return entries
}

// 扫码登录电脑端: staff of some organisation sign in to the browser console (电脑端管理后台) by scanning its QR code —
// the roles the server lets in (its CONSOLE_ROLES; a volunteer lead or a plain member uses the mini-program only).
const CONSOLE_ROLES = ['org_admin', 'secretary', 'reviewer', 'supervisor', 'community_admin']
const canUseConsole = (me) => orgsWith(me, CONSOLE_ROLES).length > 0

module.exports = {
  CONSOLE_ROLES, canUseConsole,
  RECTIFY_ROLES, rectifyOrgs, evaluationEntries,
  themedEntries,
  NOTICE_ROLES, noticeOrgs, lifeEntries,
  INBOX_ROLES, inboxOrgs, isDeputy, deputyEntries,
  REVIEW_ROLES, SUPERVISE_ROLES, COMMUNITY_ROLES, orgsWith, secretaryBranches, reviewOrgs, superviseOrgs, communityOrgs,
  hasDuties, entriesFor, memberEntries,
}
