// 党务公开 (every member; home: 党务公开): the notices published to me (GET /me/notices: my organisation's, those above
// it that reach their subtree, and a community's public ones), newest first, the unread marked and counted; a tap opens
// one (pages/notice), which records that I read it. Paged: the next page on reaching the bottom.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const listPage = require('../../behaviors/list-page')
const life = require('../../utils/org-life')
const nav = require('../../utils/nav')
const paths = require('../../utils/paths')

const PER_PAGE = 20

Page({
  behaviors: [listPage],

  data: {
    items: [],
    unread: 0,
    unreadText: '',
    hasMore: false,
    loadingMore: false,
  },

  onLoad() {
    this.seq = 0
    return this.load()
  },

  onShow() {
    // Back from a notice just read: its mark and the count follow.
    if (this.loaded) this.load()
  },

  async fetch() {
    this.seq += 1
    const { seq } = this
    const body = await api.get(paths.meNotices(), { page: 1, per_page: PER_PAGE })
    if (seq !== this.seq) return
    this.pageNo = 1
    const items = body.page.items.map((n) => life.noticeView(n))
    this.setData({
      items, unread: body.unread, unreadText: life.unreadText(body.unread), hasMore: items.length < body.page.total,
    })
  },

  async onReachBottom() {
    if (!this.data.hasMore || this.data.loadingMore) return
    const { seq } = this
    this.setData({ loadingMore: true })
    try {
      const body = await api.get(paths.meNotices(), { page: this.pageNo + 1, per_page: PER_PAGE })
      if (seq !== this.seq) return
      this.pageNo += 1
      const known = new Set(this.data.items.map((i) => i.id))
      const items = this.data.items.concat(body.page.items.filter((n) => !known.has(n.id)).map((n) => life.noticeView(n)))
      this.setData({ items, hasMore: body.page.items.length > 0 && items.length < body.page.total })
    } catch (err) {
      wx.showToast({ title: errors.messageFor(err), icon: 'none' })
    } finally {
      this.setData({ loadingMore: false })
    }
  },

  onOpen(e) {
    nav.open(`/pages/notice/index?id=${e.currentTarget.dataset.id}`)
  },
})
