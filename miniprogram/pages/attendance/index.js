// 考勤名单 (secretary, ?activity=<id>): who is present, on leave, absent, a guest or exempt, with the counts and
// the rate (flagged below 80 %); checking someone in by scanning their card or picking them from the roster, with a
// reason; undoing a check-in with a reason; the leave requests to approve or decline; and 会议照片, the activity's
// photos (components/attachment-list: thumbnails, 上传照片), which the activity's ledger lists with its minutes.
const actions = require('../../utils/actions')
const api = require('../../utils/api')
const listPage = require('../../behaviors/list-page')
const checkin = require('../../utils/checkin')
const errors = require('../../utils/errors')
const labels = require('../../utils/labels')
const month = require('../../utils/month')
const ui = require('../../utils/ui')
const paths = require('../../utils/paths')

const THRESHOLD = 0.8
const GROUP_ORDER = ['expected', 'absent', 'present', 'guest', 'on_leave', 'exempt']
const CAN_CHECK_IN = ['expected', 'absent', 'on_leave']
const REASON_PROMPT = {
  title: '代签原因', placeholder: '如：无智能手机', missing: '请填写代签原因', confirmText: '确认代签', cancelText: '不代签',
}

function personView(p) {
  return {
    id: p.person_id,
    name: p.name,
    status: p.status,
    checkinId: p.checkin_id || 0,
    time: p.checked_in_at ? labels.clockLabel(p.checked_in_at) : '',
    method: p.method ? labels.methodLabel(p.method) : '',
    far: Boolean(p.location_far),
    note: p.note || '', // the leave reason, the organiser's reason or the exemption
    canCheckIn: CAN_CHECK_IN.includes(p.status),
    canUndo: Boolean(p.checkin_id),
  }
}

function groupsOf(people) {
  return GROUP_ORDER
    .map((status) => {
      const members = people.filter((p) => p.status === status).map(personView)
      return { status, title: labels.rosterStatusLabel(status), count: members.length, people: members }
    })
    .filter((group) => group.count > 0)
}

function countsView(counts) {
  const below = typeof counts.below_threshold === 'boolean' ? counts.below_threshold : counts.rate < THRESHOLD
  return {
    expected: counts.expected,
    present: counts.present,
    onLeave: counts.on_leave,
    absent: counts.absent,
    guests: counts.guests,
    exempt: counts.exempt,
    rate: labels.rateLabel(counts.rate) || '—',
    below,
  }
}

// The roster's activity: nested under `activity` (as the contract has it) or flat beside the counts (theme,
// activity_date, org_name), as the server answers; whatever is missing is left out.
function activityView(roster) {
  const a = roster.activity || roster
  if (!a.theme) return null
  const times = a.start_time ? ` ${a.start_time}–${a.end_time}` : ''
  const parts = [`${month.dayLabel(a.activity_date)}${times}`, a.place || a.org_name, labels.phaseLabel(a.phase)]
  return { theme: a.theme, line: parts.filter(Boolean).join(' · ') }
}

const PENDING_FIRST = (a, b) => (b.status === 'pending') - (a.status === 'pending')

const leaveView = (l) => ({
  id: l.id,
  name: l.person_name,
  reason: l.reason,
  status: l.status,
  statusText: labels.leaveStatusLabel(l.status),
  requested: labels.timeLabel(l.requested_at),
  comment: l.decision_comment || '',
})

Page({
  behaviors: [listPage],

  data: {
    tab: 'roster',
    activityId: 0,
    activity: null,
    counts: null,
    groups: [],
    leaves: [],
    pendingLeaves: 0,
    busy: false,
  },

  onLoad(query) {
    this.activityId = Number(query.activity)
    this.setData({ activityId: this.activityId })
    return this.load()
  },

  async fetch() {
    const [roster, leaves] = await Promise.all([
      api.get(paths.activityAttendance(this.activityId)),
      api.get(paths.activityLeave(this.activityId)),
    ])
    const sorted = leaves.slice().sort(PENDING_FIRST).map(leaveView)
    this.setData({
      activity: activityView(roster),
      counts: countsView(roster.counts),
      groups: groupsOf(roster.people),
      leaves: sorted,
      pendingLeaves: sorted.filter((l) => l.status === 'pending').length,
    })
  },

  // 活动评价情况: the members' ratings, without names (pages/feedback?summary=1).
  onFeedback() {
    wx.navigateTo({ url: `/pages/feedback/index?id=${this.data.activityId}&summary=1` })
  },

  onTab(e) {
    this.setData({ tab: e.currentTarget.dataset.tab })
  },

  // 扫签到码: the member's card (我的签到码), then the reason.
  onScanCard() {
    if (this.data.busy) return Promise.resolve()
    return new Promise((resolve) => {
      wx.scanCode({
        onlyFromCamera: true,
        success: (res) => resolve(this.checkInCard(String(res.result || '').trim())),
        fail: (err) => {
          ui.explainScanFailure(err)
          resolve()
        },
      })
    })
  },

  async checkInCard(code) {
    if (!code) return
    if (checkin.parseScan(code)) {
      wx.showToast({ title: '这是现场签到二维码，请扫描党员的“我的签到码”', icon: 'none' })
      return
    }
    const reason = await ui.requireText(REASON_PROMPT)
    if (!reason) return
    await this.organiserCheckIn({ card_code: code }, reason)
  },

  // 代签 from the roster.
  async onPick(e) {
    if (this.data.busy) return
    const { id, name } = e.currentTarget.dataset
    const reason = await ui.requireText({ ...REASON_PROMPT, title: `为${name}代签` })
    if (!reason) return
    await this.organiserCheckIn({ person_id: Number(id) }, reason)
  },

  async organiserCheckIn(who, reason) {
    this.setData({ busy: true })
    let retry = false
    try {
      const answer = await checkin.organiserCheckIn(this.activityId, who, reason)
      const text = checkin.resultText(answer, { organiser: true })
      if (answer.accepted) wx.showToast({ title: text, icon: 'none' })
      else wx.showModal({ title: '未能签到', content: text, showCancel: false, confirmText: '知道了' })
      await this.load()
    } catch (err) {
      retry = await errors.promptRetry(err, '代签失败')
    } finally {
      this.setData({ busy: false })
    }
    if (retry) await this.organiserCheckIn(who, reason)
  },

  async onUndo(e) {
    if (this.data.busy) return
    const { checkin: checkinId, name } = e.currentTarget.dataset
    const reason = await ui.requireText({
      title: `撤销${name}的签到`, placeholder: '如：误签', missing: '请填写撤销原因', confirmText: '确认撤销', cancelText: '不撤销',
    })
    if (!reason) return
    await this.act(paths.checkinUndo(checkinId), { reason }, '已撤销签到', '撤销失败')
  },

  async onApprove(e) {
    if (this.data.busy) return
    const { id, name } = e.currentTarget.dataset
    const go = await ui.confirm({
      title: '批准请假', content: `批准${name}的请假申请？`, confirmText: '确认批准', cancelText: '暂不处理',
    })
    if (!go) return
    await this.act(paths.leaveDecision(id), { approve: true, comment: null }, '已批准', '审批未完成')
  },

  async onDecline(e) {
    if (this.data.busy) return
    const { id, name } = e.currentTarget.dataset
    const comment = await ui.requireText({
      title: `不批准${name}的请假`, placeholder: '请说明理由', missing: '不批准时请填写理由', confirmText: '确认不批准', cancelText: '暂不处理',
    })
    if (!comment) return
    await this.act(paths.leaveDecision(id), { approve: false, comment }, '已不批准', '审批未完成')
  },

  act(path, body, done, failTitle) {
    return actions.post(this, path, body, { done, failTitle, busyUntilReloaded: true })
  },
})
