// 我的活动: the recent and upcoming activities I am expected at (GET /me/activities), my status in each, and
// leave: request it with a reason before the activity starts, or withdraw it.
const actions = require('../../utils/actions')
const api = require('../../utils/api')
const listPage = require('../../behaviors/list-page')
const labels = require('../../utils/labels')
const month = require('../../utils/month')
const ui = require('../../utils/ui')
const nav = require('../../utils/nav')
const paths = require('../../utils/paths')

const OVER = ['closed', 'cancelled']
const LIVE_LEAVE = ['pending', 'approved']

function itemView(a) {
  const leave = a.leave || null
  const over = OVER.includes(a.phase)
  const activeLeave = Boolean(leave) && LIVE_LEAVE.includes(leave.status)
  return {
    id: a.activity_id,
    theme: a.theme,
    orgName: a.org_name,
    when: `${month.dayLabel(a.activity_date)} ${month.weekday(a.activity_date)} ${a.start_time}–${a.end_time}`,
    place: a.place,
    phase: a.phase,
    phaseText: labels.phaseLabel(a.phase),
    status: a.my_status,
    statusText: labels.myStatusLabel(a.my_status),
    checkedIn: a.checked_in_at ? `签到时间 ${labels.timeLabel(a.checked_in_at)}` : '',
    leave: leave ? {
      id: leave.id,
      statusText: labels.leaveStatusLabel(leave.status),
      reason: leave.reason,
      comment: leave.decision_comment || '',
    } : null,
    canScan: a.phase === 'open' && a.my_status === 'expected',
    canLeave: !over && a.my_status === 'expected' && !activeLeave,
    canWithdraw: !over && activeLeave,
    // 活动评价: who checked in may rate it (pages/feedback says when, and the server decides)
    canRate: Boolean(a.checked_in_at) && a.phase !== 'cancelled',
  }
}

Page({
  behaviors: [listPage],

  data: {
    items: [],
    busy: false,
  },

  onLoad() {
    return this.load()
  },

  async fetch() {
    const activities = await api.get(paths.meActivities())
    this.setData({ items: activities.map(itemView) })
  },

  onScan() {
    nav.open('/pages/scan/index')
  },

  onRate(e) {
    nav.open(`/pages/feedback/index?id=${e.currentTarget.dataset.id}`)
  },

  async onLeave(e) {
    if (this.data.busy) return
    const id = Number(e.currentTarget.dataset.id)
    const reason = await ui.requireText({
      title: '请假原因', placeholder: '如：出差在外', missing: '请填写请假原因', confirmText: '提交请假', cancelText: '不请假',
    })
    if (!reason) return
    await this.act(paths.activityLeave(id), { reason }, '已提交请假申请', '请假未提交')
  },

  async onWithdraw(e) {
    if (this.data.busy) return
    const leaveId = Number(e.currentTarget.dataset.leave)
    const go = await ui.confirm({
      title: '撤回请假', content: '撤回后您仍是本次活动的应参加人员。', confirmText: '确认撤回', cancelText: '暂不撤回',
    })
    if (!go) return
    await this.act(paths.leaveWithdraw(leaveId), undefined, '已撤回请假', '撤回未完成')
  },

  // POST, then the list again (my_status follows from the leave).
  act(path, body, done, failTitle) {
    return actions.post(this, path, body, { done, failTitle, busyUntilReloaded: true })
  },
})
