// What every page that lists things does the same way: load with the loading and error states of
// components/state-view (`loading`, `loadError`, bind:retry="onRetry"), pull-down to refresh, and for paged lists
// the next page on reaching the bottom. Page({ behaviors: [listPage], … }); the page's own methods of the same name
// win, as WeChat mixes behaviours into pages.
//
// A page gives:
//   fetch(key)          its requests and the setData of what they show; throwing shows the error (重试 when retryable)
//   showsLoading(key)   optional: whether the loading state replaces the page (default: until a load succeeded)
//   afterLoad()         optional: what follows a successful load, once the loading state is gone
//   loadKey()           optional, tabbed pages: what load() loads by default (the tab shown); an answer for a key no
//                       longer shown sets no state
// and for a paged list (`items`, `hasMore`, `loadingMore`, `total`; this.pageNo the last page loaded, this.seq
// bumped by every first-page load so that an older next page is dropped):
//   pageRequest(pageNo) { path, query } of that page, or null when nothing is shown
//   pageItem(row)       what the template shows of one row (with its `id`)
// and calls fetchFirstPage() from its fetch(); loadMore() (onReachBottom) appends the pages after it.
const api = require('../utils/api')
const errors = require('../utils/errors')

module.exports = Behavior({
  data: {
    loading: false,
    loadError: null,
  },

  methods: {
    // Resolves true when the load succeeded.
    async load(key = this.loadKey()) {
      const shown = () => key === this.loadKey()
      this.setData({ loading: this.showsLoading(key), loadError: null })
      let ok = false
      try {
        await this.fetch(key)
        this.loaded = true
        ok = true
      } catch (err) {
        if (shown()) this.setData({ loadError: errors.loadError(err) })
      } finally {
        if (shown()) this.setData({ loading: false })
      }
      if (ok && this.afterLoad) await this.afterLoad()
      return ok
    },

    loadKey() {
      return undefined
    },

    showsLoading() {
      return !this.loaded
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },

    onRetry() {
      this.load()
    },

    // The first page of a paged list in place of what was listed, unless another first page was asked for meanwhile
    // (the later answer is the one shown). Nothing is asked when pageRequest(1) is null.
    async fetchFirstPage() {
      this.seq += 1
      const { seq } = this
      const request = this.pageRequest(1)
      if (!request) return
      const body = await api.get(request.path, request.query)
      if (seq === this.seq) this.setData(this.firstPage(body))
    },

    // The first page of a paged list, as setData takes it.
    firstPage(body) {
      this.pageNo = 1
      return { items: body.items.map((row) => this.pageItem(row)), total: body.total, hasMore: body.items.length < body.total }
    },

    onReachBottom() {
      return this.loadMore()
    },

    // The next page, added to the list without the rows already there (the list may have moved meanwhile). One at a
    // time; a failure is a toast, and the bottom reached again tries again.
    async loadMore() {
      const request = this.pageRequest(this.pageNo + 1)
      if (!request || !this.data.hasMore || this.data.loadingMore) return
      const { seq } = this
      this.setData({ loadingMore: true })
      try {
        const body = await api.get(request.path, request.query)
        if (seq !== this.seq) return
        this.pageNo += 1
        const known = new Set(this.data.items.map((i) => i.id))
        const items = this.data.items.concat(body.items.filter((i) => !known.has(i.id)).map((row) => this.pageItem(row)))
        this.setData({ items, total: body.total, hasMore: body.items.length > 0 && items.length < body.total })
      } catch (err) {
        if (seq === this.seq) wx.showToast({ title: errors.messageFor(err), icon: 'none' })
      } finally {
        this.setData({ loadingMore: false })
      }
    },
  },
})
