// 社区服务 (every member): pick a community (GET /communities), report to it (到社区报到, POST …/reports) and follow my
// reports (GET /me/community-reports), then browse what it offers — service items, posts and volunteer activities,
// one tab per kind, a page at a time (more on reaching the bottom), each with its phase and places. ?community=<id>
// opens on that community. The community last picked is remembered on the phone.
const api = require('../../utils/api')
const listPage = require('../../behaviors/list-page')
const community = require('../../utils/community')
const errors = require('../../utils/errors')
const ui = require('../../utils/ui')
const nav = require('../../utils/nav')
const paths = require('../../utils/paths')

const PICKED_KEY = 'hdr.community'

// The community to show first: the one asked for, the one picked last time, then where I reported (accepted before
// pending), then the first.
function initialIndex(communities, reports, wanted) {
  const indexOf = (id) => communities.findIndex((c) => c.id === Number(id))
  const candidates = [
    wanted,
    wx.getStorageSync(PICKED_KEY),
    ...reports.filter((r) => r.status === 'accepted').map((r) => r.communityId),
    ...reports.filter((r) => r.status === 'pending').map((r) => r.communityId),
  ]
  const found = candidates.map((id) => (id ? indexOf(id) : -1)).find((i) => i >= 0)
  if (found !== undefined) return found
  return communities.length > 0 ? 0 : -1
}

Page({
  behaviors: [listPage],

  data: {
    communities: [],
    communityIndex: -1,
    reports: [],
    report: null, // my live report to the community shown
    kinds: community.KINDS,
    kind: 'item',
    items: [],
    total: 0,
    hasMore: false,
    listLoading: false,
    listError: null,
    loadingMore: false,
    busy: false,
  },

  onLoad(query) {
    this.wanted = (query && query.community) || ''
    this.seq = 0
    return this.load()
  },

  // Back from an item (claimed, cancelled): its places and my claim have changed.
  onShow() {
    if (this.loaded) this.loadItems()
  },

  async fetch() {
    const [communities, reports] = await Promise.all([
      api.get(paths.communities()),
      api.get(paths.meCommunityReports()),
    ])
    const reportViews = reports.map(community.reportView)
    const index = this.loaded ? this.currentIndex(communities) : initialIndex(communities, reportViews, this.wanted)
    this.setData({ communities, reports: reportViews, communityIndex: index })
    this.showReport()
  },

  afterLoad() {
    return this.loadItems()
  },

  // After a reload the same community stays picked, wherever it now is in the list.
  currentIndex(communities) {
    const current = this.data.communities[this.data.communityIndex]
    const index = current ? communities.findIndex((c) => c.id === current.id) : -1
    return index >= 0 ? index : initialIndex(communities, this.data.reports, '')
  },

  current() {
    return this.data.communities[this.data.communityIndex] || null
  },

  showReport() {
    const shown = this.current()
    const report = shown
      ? this.data.reports.find((r) => r.communityId === shown.id && community.LIVE_REPORT.includes(r.status)) || null
      : null
    this.setData({ report })
  },

  // The first page of the current kind; a later answer replaces an earlier one only if nothing was asked since.
  async loadItems() {
    const shown = this.current()
    if (!shown) return
    this.seq += 1
    const { seq } = this
    this.setData({ listLoading: this.data.items.length === 0, listError: null })
    try {
      const page = await api.get(paths.communityServiceItems(shown.id), { kind: this.data.kind, page: 1 })
      if (seq !== this.seq) return
      this.setData(this.firstPage(page))
    } catch (err) {
      if (seq !== this.seq) return
      this.setData({ listError: errors.loadError(err) })
    } finally {
      if (seq === this.seq) this.setData({ listLoading: false })
    }
  },

  // More on reaching the bottom (behaviors/list-page.js).
  pageRequest(pageNo) {
    const shown = this.current()
    return shown ? { path: paths.communityServiceItems(shown.id), query: { kind: this.data.kind, page: pageNo } } : null
  },

  pageItem(row) {
    return community.itemView(row)
  },

  onListRetry() {
    return this.loadItems()
  },

  onCommunity(e) {
    const index = Number(e.detail.value)
    this.setData({ communityIndex: index, items: [], total: 0, hasMore: false })
    const picked = this.current()
    if (picked) wx.setStorageSync(PICKED_KEY, picked.id)
    this.showReport()
    return this.loadItems()
  },

  onKind(e) {
    const { kind } = e.currentTarget.dataset
    if (kind === this.data.kind) return Promise.resolve()
    this.setData({ kind, items: [], total: 0, hasMore: false })
    return this.loadItems()
  },

  // 到社区报到: for myself, after a confirmation; the community accepts or declines.
  async onReport() {
    const shown = this.current()
    if (!shown || this.data.busy) return
    const go = await ui.confirm({
      title: '到社区报到', content: `向${shown.name}报到？报到经社区审核通过后即可认领服务项目。`, confirmText: '确认报到', cancelText: '暂不报到',
    })
    if (!go) return
    await this.report(shown)
  },

  async report(shown) {
    this.setData({ busy: true })
    let retry = false
    try {
      await api.post(paths.communityReports(shown.id), {})
      wx.showToast({ title: '已提交报到，等待社区审核', icon: 'none' })
      const reports = await api.get(paths.meCommunityReports())
      this.setData({ reports: reports.map(community.reportView) })
      this.showReport()
    } catch (err) {
      retry = await errors.promptRetry(err, '报到未提交')
    } finally {
      this.setData({ busy: false })
    }
    if (retry) await this.report(shown)
  },

  onOpenItem(e) {
    nav.open(`/pages/service-item/index?id=${e.currentTarget.dataset.id}`)
  },

  onMyService() {
    nav.open('/pages/my-service/index')
  },
})
