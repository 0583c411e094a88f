// Reviewers and supervisors: the month's plans of the branches under an organisation (待审核 first) to approve or
// return, and which branches have published their preview (逾期 / 未发布).
const api = require('../../utils/api')
const listPage = require('../../behaviors/list-page')
const errors = require('../../utils/errors')
const labels = require('../../utils/labels')
const month = require('../../utils/month')
const roles = require('../../utils/roles')
const paths = require('../../utils/paths')

function planView(plan, names) {
  return {
    id: plan.id,
    orgName: names[plan.org_id] || `支部 ${plan.org_id}`,
    status: plan.status,
    statusText: labels.statusLabel(plan.status),
    theme: plan.theme,
    category: plan.category_label,
    when: `${month.dayLabel(plan.date)} ${plan.start_time}–${plan.end_time}`,
    dateReason: plan.date_reason || '',
    place: plan.place,
    version: plan.version,
  }
}

// 待审核 first; otherwise the server's order (by branch).
const waitingFirst = (plans) => plans
  .map((p, i) => ({ p, i }))
  .sort((a, b) => (b.p.status === 'submitted') - (a.p.status === 'submitted') || a.i - b.i)
  .map(({ p }) => p)

function previewView(row) {
  return {
    orgId: row.org_id,
    orgName: row.org_name,
    planText: row.plan_status ? labels.statusLabel(row.plan_status) : '未制定计划',
    published: row.published_at ? `发布于 ${labels.timeLabel(row.published_at)}` : '',
    flags: labels.previewFlags(row),
  }
}

Page({
  behaviors: [listPage],

  data: {
    orgs: [], // { id, name, canReview }
    orgIndex: 0,
    month: '',
    monthText: '',
    tab: 'plans',
    plans: [],
    previews: [],
    selectedId: 0,
    comment: '',
    commentError: '',
    busy: false,
  },

  onLoad() {
    const current = month.currentMonth()
    this.setData({ month: current, monthText: month.monthLabel(current) })
    return this.load()
  },

  async fetch() {
    if (!this.loaded) {
      const me = await api.get(paths.me())
      const reviewable = new Set(roles.reviewOrgs(me).map((o) => o.id))
      const orgs = roles.superviseOrgs(me).map((o) => ({ ...o, canReview: reviewable.has(o.id) }))
      this.setData({ orgs, tab: orgs.length && orgs[0].canReview ? 'plans' : 'previews' })
    }
    const org = this.data.orgs[this.data.orgIndex]
    if (org) await this.loadOrg(org)
  },

  async loadOrg(org) {
    const query = { month: this.data.month }
    const [previews, plans] = await Promise.all([
      api.get(paths.orgPreviews(org.id), query),
      org.canReview ? api.get(paths.orgPlans(org.id), query) : [],
    ])
    const names = {}
    previews.forEach((row) => { names[row.org_id] = row.org_name })
    this.names = names
    this.setData({
      previews: previews.map(previewView),
      plans: waitingFirst(plans.map((p) => planView(p, names))),
      selectedId: 0,
    })
  },

  onOrg(e) {
    const orgIndex = Number(e.detail.value)
    this.setData({ orgIndex, tab: this.data.orgs[orgIndex].canReview ? this.data.tab : 'previews' })
    this.load()
  },

  onMonth(e) {
    this.setData({ month: e.detail.value, monthText: month.monthLabel(e.detail.value) })
    this.load()
  },

  onTab(e) {
    this.setData({ tab: e.currentTarget.dataset.tab })
  },

  onSelect(e) {
    const id = Number(e.currentTarget.dataset.id)
    this.setData({ selectedId: this.data.selectedId === id ? 0 : id, comment: '', commentError: '' })
  },

  onComment(e) {
    this.setData({ comment: e.detail.value, commentError: '' })
  },

  onApprove() {
    const comment = this.data.comment.trim()
    return this.review('approve', { comment: comment || null }, '已审核通过并备案')
  },

  onReturn() {
    const comment = this.data.comment.trim()
    if (!comment) {
      this.setData({ commentError: '退回时请填写审核意见，说明需要修改的内容' })
      return Promise.resolve()
    }
    return this.review('return', { comment }, '已退回支部')
  },

  async review(step, body, done) {
    if (this.data.busy) return
    this.setData({ busy: true })
    let retry = false
    try {
      const plan = await api.post(paths.planStep(this.data.selectedId, step), body)
      const plans = this.data.plans.map((p) => (p.id === plan.id ? planView(plan, this.names || {}) : p))
      this.setData({ plans: waitingFirst(plans), selectedId: 0, comment: '' })
      wx.showToast({ title: done, icon: 'none' })
    } catch (err) {
      retry = await errors.promptRetry(err, '审核未完成')
    } finally {
      this.setData({ busy: false })
    }
    if (retry) await this.review(step, body, done)
  },
})
