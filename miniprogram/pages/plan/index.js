// Secretary: my branch's plan for a month — its status, the reviewer's comment and history, and the next step
// (edit, submit for review, publish the preview once filed); once filed, the venue QR code and the attendance; once a
// preview is published, who its WeChat notification reached (送达情况).
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const labels = require('../../utils/labels')
const month = require('../../utils/month')
const roles = require('../../utils/roles')
const ui = require('../../utils/ui')
const paths = require('../../utils/paths')

// The version whose preview members see, 0 when none is published.
function publishedVersion(plan) {
  return plan.history.filter((e) => e.action === 'published').reduce((v, e) => Math.max(v, e.version), 0)
}

function planView(plan) {
  const published = publishedVersion(plan)
  return {
    id: plan.id,
    status: plan.status,
    statusText: labels.statusLabel(plan.status),
    version: plan.version,
    theme: plan.theme,
    category: plan.category_label,
    when: `${month.dayLabel(plan.date)} ${month.weekday(plan.date)} ${plan.start_time}–${plan.end_time}`,
    dateReason: plan.date_reason || '',
    place: plan.place,
    organiser: plan.organiser,
    requirements: plan.requirements || '',
    expected: plan.expected_participants,
    reviewComment: plan.review_comment || '',
    deadline: plan.preview_deadline,
    deadlineText: month.dayLabel(plan.preview_deadline),
    publishedText: published ? `已发布第${published}版预告（${labels.timeLabel(plan.published_at)}）` : '',
    canEdit: plan.status !== 'submitted',
    canSubmit: plan.status === 'draft' || plan.status === 'returned',
    canPublish: plan.status === 'filed' && published < plan.version,
    isActivity: plan.status === 'filed', // a filed plan is the activity members check in to
    publishText: published ? '重新发布预告' : '发布预告',
    hasPreview: published > 0, // its notifications went out: 送达情况
    history: plan.history.map(labels.historyItem).reverse(),
  }
}

Page({
  data: {
    branches: [],
    branchIndex: 0,
    month: '',
    monthText: '',
    plan: null,
    loading: false,
    loadError: null,
    busy: false,
  },

  onLoad() {
    const current = month.currentMonth()
    this.setData({ month: current, monthText: month.monthLabel(current) })
  },

  // Also after the form page closes, so an edit shows at once.
  onShow() {
    return this.load()
  },

  async onPullDownRefresh() {
    await this.load()
    wx.stopPullDownRefresh()
  },

  async load() {
    this.setData({ loading: !this.loaded, loadError: null })
    try {
      if (this.data.branches.length === 0) {
        this.setData({ branches: roles.secretaryBranches(await api.get(paths.me())) })
      }
      const branch = this.data.branches[this.data.branchIndex]
      const plans = branch ? await api.get(paths.orgPlans(branch.id), { month: this.data.month }) : []
      const plan = plans.find((p) => p.org_id === (branch && branch.id))
      this.loaded = true
      this.setData({ plan: plan ? planView(plan) : null })
    } catch (err) {
      this.setData({ loadError: errors.loadError(err) })
    } finally {
      this.setData({ loading: false })
    }
  },

  onRetry() {
    this.load()
  },

  onBranch(e) {
    this.setData({ branchIndex: Number(e.detail.value), plan: null })
    this.load()
  },

  onMonth(e) {
    this.setData({ month: e.detail.value, monthText: month.monthLabel(e.detail.value), plan: null })
    this.load()
  },

  onEdit() {
    const branch = this.data.branches[this.data.branchIndex]
    const plan = this.data.plan ? `&plan=${this.data.plan.id}` : ''
    wx.navigateTo({ url: `/pages/plan-form/index?branch=${branch.id}&month=${this.data.month}${plan}` })
  },

  onParticipants() {
    wx.navigateTo({ url: `/pages/participants/index?plan=${this.data.plan.id}` })
  },

  onVenueQr() {
    wx.navigateTo({ url: `/pages/venue-qr/index?activity=${this.data.plan.id}` })
  },

  onAttendance() {
    wx.navigateTo({ url: `/pages/attendance/index?activity=${this.data.plan.id}` })
  },

  onDeliveries() {
    wx.navigateTo({ url: `/pages/deliveries/index?plan=${this.data.plan.id}` })
  },

  onSubmit() {
    return this.act('submit', '已提交审核')
  },

  async onPublish() {
    const { plan } = this.data
    if (month.today() > plan.deadline) {
      const go = await ui.confirm({
        title: '已过预告截止日',
        content: `本月预告应于${plan.deadlineText}前发布，现在发布将记为逾期。`,
        confirmText: '仍要发布',
        cancelText: '暂不发布',
      })
      if (!go) return undefined
    }
    return this.act('publish', '预告已发布')
  },

  // POST /plans/{id}/<step>; the answer is the plan as it now is.
  async act(step, done) {
    if (this.data.busy) return
    this.setData({ busy: true })
    let retry = false
    try {
      const plan = await api.post(paths.planStep(this.data.plan.id, step))
      this.setData({ plan: planView(plan) })
      wx.showToast({ title: done, icon: 'success' })
    } catch (err) {
      retry = await errors.promptRetry(err)
    } finally {
      this.setData({ busy: false })
    }
    if (retry) await this.act(step, done)
  },
})
