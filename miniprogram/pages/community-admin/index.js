// 社区管理 (community_admin / volunteer_lead of a community, picked when there are several), in four tabs:
//   服务项目  the community's items, posts and volunteer activities (one kind at a time, more on reaching the bottom),
//             发布 a new one (utils/service-form.js), and per item its 认领名单 (pages/service-roster: attendance and
//             hours) and, for a volunteer activity, its 签到码 (pages/service-qr)
//   报到审核  pending reports (GET /communities/{id}/reports?status=pending), 接收 / 不接收
//   建议答复  the members' suggestions (unanswered first), 答复
//   进度      GET /orgs/{id}/progress?year=&behind=true: who is behind on the yearly minimums (or everyone)
const actions = require('../../utils/actions')
const api = require('../../utils/api')
const listPage = require('../../behaviors/list-page')
const community = require('../../utils/community')
const month = require('../../utils/month')
const roles = require('../../utils/roles')
const serviceForm = require('../../utils/service-form')
const ui = require('../../utils/ui')
const paths = require('../../utils/paths')

const TABS = [
  { key: 'items', label: '服务项目' },
  { key: 'reports', label: '报到审核' },
  { key: 'suggestions', label: '建议答复' },
  { key: 'progress', label: '进度' },
]

// Unanswered first, then the newest first.
const UNANSWERED_FIRST = (a, b) => {
  if (!a.answer !== !b.answer) return a.answer ? 1 : -1
  return String(b.created_at).localeCompare(String(a.created_at))
}

const LOADERS = {
  items(page) {
    return page.fetchFirstPage()
  },

  async reports(page, org) {
    const reports = await api.get(paths.communityReports(org.id), { status: 'pending' })
    page.setData({ reports: reports.map(community.reportView) })
  },

  async suggestions(page, org) {
    const list = await api.get(paths.communitySuggestions(org.id))
    const views = list.slice().sort(UNANSWERED_FIRST).map(community.suggestionView)
    page.setData({ suggestions: views, unanswered: views.filter((s) => !s.answer).length })
  },

  async progress(page, org) {
    const query = { year: page.data.year }
    if (page.data.behindOnly) query.behind = true
    const rows = await api.get(paths.orgProgress(org.id), query)
    page.setData({ progressRows: rows.map(community.progressView) })
  },
}

Page({
  behaviors: [listPage],

  data: {
    orgs: [],
    orgIndex: 0,
    tabs: TABS,
    tab: 'items',
    kinds: community.KINDS,
    volunteerKinds: community.VOLUNTEER_KINDS,
    kind: 'item',
    items: [],
    total: 0,
    hasMore: false,
    loadingMore: false,
    publishing: false,
    form: null,
    fieldErrors: {},
    reports: [],
    suggestions: [],
    unanswered: 0,
    year: 0,
    behindOnly: true,
    progressRows: [],
    busy: false,
  },

  onLoad() {
    this.seq = 0
    this.loadedTabs = {}
    this.setData({ year: month.shanghaiDate().year, form: serviceForm.emptyForm() })
    return this.load()
  },

  // Back from a roster: claims and places may have changed.
  onShow() {
    if (this.loadedTabs && this.loadedTabs.items && this.data.tab === 'items') this.load()
  },

  onReachBottom() {
    return this.data.tab === 'items' ? this.loadMore() : Promise.resolve()
  },

  org() {
    return this.data.orgs[this.data.orgIndex] || null
  },

  // load(tab) (behaviors/list-page.js) loads the tab shown unless told which.
  loadKey() {
    return this.data.tab
  },

  showsLoading(tab) {
    return !this.loadedTabs[tab]
  },

  async fetch(tab) {
    if (!this.orgsLoaded) {
      this.setData({ orgs: roles.communityOrgs(await api.get(paths.me())) })
      this.orgsLoaded = true
    }
    const org = this.org()
    if (org) await LOADERS[tab](this, org)
    this.loadedTabs[tab] = true
  },

  pageRequest(pageNo) {
    const org = this.org()
    return org ? { path: paths.communityServiceItems(org.id), query: { kind: this.data.kind, page: pageNo } } : null
  },

  pageItem(row) {
    return community.itemView(row)
  },

  onOrg(e) {
    this.loadedTabs = {}
    this.setData({
      orgIndex: Number(e.detail.value), items: [], reports: [], suggestions: [], progressRows: [], publishing: false,
    })
    return this.load()
  },

  onTab(e) {
    const { tab } = e.currentTarget.dataset
    if (tab === this.data.tab) return Promise.resolve()
    this.setData({ tab, loadError: null })
    return this.loadedTabs[tab] ? Promise.resolve() : this.load()
  },

  onKind(e) {
    const { kind } = e.currentTarget.dataset
    if (kind === this.data.kind) return Promise.resolve()
    this.setData({ kind, items: [], hasMore: false })
    this.loadedTabs.items = false
    return this.load('items')
  },

  // ---- 发布
  onPublishToggle() {
    this.setData({ publishing: !this.data.publishing, form: serviceForm.emptyForm(), fieldErrors: {} })
  },

  onFormInput(e) {
    this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value })
  },

  // The pickers: kind, volunteer kind, and every date and time (the field is the picker's data-field).
  onFormPick(e) {
    const { field } = e.currentTarget.dataset
    const value = field === 'kindIndex' || field === 'volunteerKindIndex' ? Number(e.detail.value) : e.detail.value
    this.setData({ [`form.${field}`]: value })
  },

  async onPublish() {
    const org = this.org()
    const { form } = this.data
    const fieldErrors = serviceForm.validate(form)
    this.setData({ fieldErrors })
    if (!org || Object.keys(fieldErrors).length > 0) return
    const body = serviceForm.toRequest(form)
    const ok = await this.act(paths.communityServiceItems(org.id), body, '已发布', '发布失败', { reload: false })
    if (!ok) return
    this.setData({ publishing: false, form: serviceForm.emptyForm(), fieldErrors: {}, kind: body.kind, items: [] })
    await this.load('items')
  },

  onRoster(e) {
    wx.navigateTo({ url: `/pages/service-roster/index?item=${e.currentTarget.dataset.id}` })
  },

  onQr(e) {
    wx.navigateTo({ url: `/pages/service-qr/index?item=${e.currentTarget.dataset.id}` })
  },

  // ---- 报到审核
  async onAccept(e) {
    if (this.data.busy) return
    const { id, name } = e.currentTarget.dataset
    const go = await ui.confirm({
      title: '接收报到', content: `接收${name}到本社区报到？`, confirmText: '确认接收', cancelText: '暂不处理',
    })
    if (!go) return
    await this.act(paths.communityReportDecision(id), { accept: true }, '已接收', '审核未完成')
  },

  async onDecline(e) {
    if (this.data.busy) return
    const { id, name } = e.currentTarget.dataset
    const go = await ui.confirm({
      title: '不接收报到', content: `不接收${name}的报到？`, confirmText: '确认不接收', cancelText: '暂不处理',
    })
    if (!go) return
    await this.act(paths.communityReportDecision(id), { accept: false }, '已不接收', '审核未完成')
  },

  // ---- 建议答复
  async onAnswer(e) {
    if (this.data.busy) return
    const { id, title } = e.currentTarget.dataset
    const answer = await ui.requireText({ title: `答复：${title}`, placeholder: '采纳情况或办理结果', missing: '请填写答复内容' })
    if (!answer) return
    await this.act(paths.suggestionAnswer(id), { answer }, '已答复', '答复未提交')
  },

  // ---- 进度
  onBehindOnly() {
    this.setData({ behindOnly: !this.data.behindOnly })
    return this.load('progress')
  },

  // POST, then the tab again (unless the caller reloads itself). Resolves true once the POST went through.
  act(path, body, done, failTitle, { reload = true } = {}) {
    return actions.post(this, path, body, { done, failTitle, reload })
  },
})
