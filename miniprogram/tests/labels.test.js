const labels = require('../utils/labels')
const roles = require('../utils/roles')

test('plan statuses read in Chinese', () => {
  expect(['draft', 'submitted', 'returned', 'filed'].map(labels.statusLabel))
    .toEqual(['草稿', '待审核', '已退回', '已审核备案'])
  expect(labels.statusLabel('someday')).toBe('someday')
  expect(labels.statusLabel(null)).toBe('')
})

test('the twenty categories are the server\'s Chinese labels, in its order', () => {
  expect(labels.CATEGORIES).toEqual([
    '支部党员大会', '支委会', '党小组会', '党课', '政治生日', '党务公开', '民主评议', '联系服务群众', '共建', '社区报到服务',
    '践行承诺', '志愿服务', '民主议政议事', '调查研究', '三下三联三交', '谈心谈话', '党代表接待', '调研视察', '提案', '市/县主题活动',
  ])
})

test('preview rows are flagged 逾期 and 未发布', () => {
  expect(labels.previewFlags({ late: true, missing: true })).toEqual(['逾期', '未发布'])
  expect(labels.previewFlags({ late: true, missing: false })).toEqual(['逾期'])
  expect(labels.previewFlags({ late: false, missing: true })).toEqual(['未发布'])
  expect(labels.previewFlags({ late: false, missing: false })).toEqual([])
})

test('history lines keep reviewers\' comments and translate the server\'s own notes', () => {
  const event = (action, comment) => ({
    version: 2, action, actor_person_id: 1, on_behalf: true, comment, occurred_at: '2026-11-27T09:45:12.73+08:00',
  })
  expect(labels.historyItem(event('returned', '请补充活动要求'))).toMatchObject({
    action: '退回修改', comment: '请补充活动要求', time: '11月27日 09:45', version: 2, onBehalf: true,
  })
  expect(labels.historyItem(event('filed', 'filed with organisation 2')).comment).toBe('')
  expect(labels.historyItem(event('published', 'published after the 10th')).comment).toBe('超过10日发布，记为逾期')
  expect(labels.historyItem(event('published', null)).comment).toBe('')
  expect(labels.memberStatusLabel('probationary')).toBe('预备党员')
})

test('check-in words: phases, my status, the roster, leave, methods, rates and clock times', () => {
  expect(['upcoming', 'open', 'closed', 'cancelled'].map(labels.phaseLabel)).toEqual(['未开始', '签到中', '已结束', '已取消'])
  expect(['expected', 'present', 'on_leave', 'leave_pending', 'absent', 'exempt'].map(labels.myStatusLabel))
    .toEqual(['待签到', '已签到', '已请假', '请假待批', '缺席', '暂不参加'])
  expect(['expected', 'present', 'on_leave', 'absent', 'exempt', 'guest'].map(labels.rosterStatusLabel))
    .toEqual(['未签到', '已签到', '请假', '缺席', '暂不参加组织生活', '列席'])
  expect(['pending', 'approved', 'declined', 'withdrawn'].map(labels.leaveStatusLabel)).toEqual(['待审批', '已批准', '未批准', '已撤回'])
  expect(['scan', 'late_sync', 'organiser'].map(labels.methodLabel)).toEqual(['扫码', '离线补传', '组织人代签'])
  expect(labels.phaseLabel('paused')).toBe('paused')
  expect([0.775, 1, 0, 0.8, 1 / 3].map(labels.rateLabel)).toEqual(['77.5%', '100%', '0%', '80%', '33.3%'])
  expect(labels.rateLabel(null)).toBe('')
  expect(labels.clockLabel('2026-11-20T14:02:11+08:00')).toBe('14:02')
  expect(labels.clockLabel(null)).toBe('')
})

test('delivery words: kinds, statuses, what they mean and the channels', () => {
  expect(['preview', 'remind_day_before', 'remind_members'].map(labels.deliveryKindLabel)).toEqual(['预告', '活动提醒', '活动提醒'])
  expect(['sent', 'told_in_person', 'pending', 'sending', 'no_consent', 'not_following', 'no_wechat', 'failed', 'unknown']
    .map(labels.deliveryStatusLabel))
    .toEqual(['已送达', '已当面告知', '发送中', '发送中', '未订阅且未关注公众号', '已取消关注公众号', '未绑定微信', '发送失败', '状态未知'])
  expect(labels.deliveryStatusNote('no_consent')).toBe('需另行通知')
  expect(labels.deliveryStatusNote('not_following')).toBe('公众号消息发不出去，需另行通知')
  expect(labels.deliveryStatusNote('unknown')).toBe('服务器中断时正在发送，未重发')
  expect(labels.deliveryStatusNote('sent')).toBe('')
  expect(labels.deliveryKindLabel('remind_week_before')).toBe('remind_week_before')
  expect(['subscribe', 'official_account', 'in_person'].map(labels.deliveryChannelLabel)).toEqual(['订阅消息', '公众号', '当面告知'])
  expect(['subscribe', 'official_account', 'in_person', null, 'sms'].map(labels.deliveryViaLabel))
    .toEqual(['经订阅消息', '经公众号', '当面告知', '', ''])
})

test('duty words: kinds, quotas, sources, leader levels and posts', () => {
  expect(Object.keys(labels.DUTY_KINDS).map(labels.dutyKindLabel)).toEqual([
    '调查研究', '驻点调研', '随机性微调研', '走访联系点', '参加组织生活', '专题调研', '讲授主题党课', '专项点评', '调研报告',
  ])
  expect(['research_days', 'talks_with_members'].map((kind) => labels.dutyQuotaLabel(kind))).toEqual(['到基层调查研究', '与所属党员谈心谈话'])
  expect(labels.dutyQuotaLabel('stationed_days', '驻点调研（天）')).toBe('驻点调研')
  expect(labels.dutyQuotaLabel('talks', '谈心谈话（含线上）')).toBe('谈心谈话（含线上）')
  expect(['entry', 'checkin', 'plan', 'talk'].map(labels.evidenceSourceLabel)).toEqual(['履职记录', '扫码签到', '活动计划', '谈心谈话记录'])
  expect(['county_or_above', 'township'].map(labels.leaderLevelLabel)).toEqual(['县处级以上', '乡科级'])
  expect(labels.partyPostLabel('secretary')).toBe('书记')
  expect(labels.dutyKindLabel('site_visit')).toBe('site_visit')
})

describe('roles from /me', () => {
  const me = (...grants) => ({ roles: grants.map(([role, id]) => ({ role, org_id: id, org_name: `组织${id}` })) })

  test('a plain member sees only the calendar', () => {
    expect(roles.entriesFor(me()).map((e) => e.title)).toEqual(['活动日历'])
    expect(roles.entriesFor(null).map((e) => e.title)).toEqual(['活动日历'])
  })

  test('a secretary gets 本月计划; reviewers, admins and supervisors get 审核与督查', () => {
    expect(roles.entriesFor(me(['secretary', 6])).map((e) => e.url))
      .toEqual(['/pages/plan/index', '/pages/my-duties/index', '/pages/calendar/index'])
    ;['reviewer', 'org_admin'].forEach((role) => {
      expect(roles.entriesFor(me([role, 2])).map((e) => e.title)).toEqual(['审核与督查', '暂不参加组织生活', '履职情况', '活动日历'])
    })
    expect(roles.entriesFor(me(['supervisor', 2])).map((e) => e.title)).toEqual(['审核与督查', '活动日历'])
    expect(roles.entriesFor(me(['community_admin', 3])).map((e) => e.title)).toEqual(['社区管理', '活动日历'])
  })

  test('reviewers and org admins register exemptions; only they', () => {
    expect(roles.entriesFor(me(['reviewer', 2])).find((e) => e.key === 'exemptions').url).toBe('/pages/exemptions/index')
    expect(roles.entriesFor(me(['secretary', 6], ['supervisor', 2])).some((e) => e.key === 'exemptions')).toBe(false)
  })

  test('everyone logged in gets check-in and their own attendance; nobody before logging in', () => {
    expect(roles.memberEntries(me()).map((e) => [e.title, e.url])).toEqual([
      ['扫码签到', '/pages/scan/index'],
      ['我的活动', '/pages/my-activities/index'],
      ['我的考勤', '/pages/my-attendance/index'],
      ['我的签到码', '/pages/my-card/index'],
      ['社区服务', '/pages/community/index'],
      ['我的服务', '/pages/my-service/index'],
    ])
    expect(roles.memberEntries(null)).toEqual([])
  })

  test('community admins and volunteer leads get 社区管理 for their communities', () => {
    ['community_admin', 'volunteer_lead'].forEach((role) => {
      const entry = roles.entriesFor(me([role, 3])).find((e) => e.key === 'community-admin')
      expect(entry).toMatchObject({ title: '社区管理', url: '/pages/community-admin/index' })
    })
    expect(roles.communityOrgs(me(['community_admin', 3], ['volunteer_lead', 3], ['volunteer_lead', 4], ['secretary', 6])))
      .toEqual([{ id: 3, name: '组织3' }, { id: 4, name: '组织4' }])
    expect(roles.entriesFor(me(['secretary', 6], ['org_admin', 2])).some((e) => e.key === 'community-admin')).toBe(false)
  })

  test('我的履职 for leading cadres and secretaries; 履职情况 for reviewers and org admins', () => {
    const keys = (person) => roles.entriesFor(person).map((e) => e.key)
    expect(keys({ ...me(), leader_level: 'county_or_above' })).toEqual(['my-duties', 'calendar'])
    expect(keys({ ...me(), party_post: 'secretary' })).toEqual(['my-duties', 'calendar'])
    expect(keys({ ...me(), party_post: 'group_leader' })).toEqual(['calendar'])
    expect(keys(me(['secretary', 6]))).toContain('my-duties')
    expect(roles.entriesFor(me(['org_admin', 2])).find((e) => e.key === 'duties-overview'))
      .toMatchObject({ title: '履职情况', url: '/pages/duties-overview/index' })
    expect(keys(me(['supervisor', 2]))).not.toContain('duties-overview')
  })

  test('organisations are listed once each, reviewers\' separately from supervisors\'', () => {
    const person = me(['reviewer', 5], ['supervisor', 2], ['org_admin', 5], ['secretary', 6])
    expect(roles.secretaryBranches(person)).toEqual([{ id: 6, name: '组织6' }])
    expect(roles.reviewOrgs(person).map((o) => o.id)).toEqual([5])
    expect(roles.superviseOrgs(person).map((o) => o.id)).toEqual([5, 2])
  })
})
