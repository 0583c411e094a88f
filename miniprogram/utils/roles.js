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

module.exports = {
  REVIEW_ROLES, SUPERVISE_ROLES, COMMUNITY_ROLES, orgsWith, secretaryBranches, reviewOrgs, superviseOrgs, communityOrgs,
  hasDuties, entriesFor, memberEntries,
}
