// 整改任务 (an organisation's secretary or admin; home: 整改任务): the rectification tasks of my organisation and those
// under it (GET /orgs/{id}/rectifications, earliest deadline first, 20 a page, more on reaching the bottom), 全部 or only
// those past their deadline and not answered (?overdue=true); each with what was found, what must be put right, the
// deadline (in red once overdue) and where it stands in Chinese. A tap opens it (pages/rectification), where the answer
// and the evidence files are sent.
const listPage = require('../../behaviors/list-page')
const api = require('../../utils/api')
const month = require('../../utils/month')
const nav = require('../../utils/nav')
const paths = require('../../utils/paths')
const roles = require('../../utils/roles')
const supervision = require('../../utils/supervision')

const PER_PAGE = 20
const FILTERS = [{ key: 'all', label: '全部' }, { key: 'overdue', label: '已逾期' }]

Page({
  behaviors: [listPage],

  data: {
    orgs: [],
    orgIndex: 0,
    filters: FILTERS,
    filter: 'all',
    items: [],
    total: 0,
    hasMore: false,
    loadingMore: false,
  },

  onLoad() {
    this.seq = 0
    return this.load()
  },

  onShow() {
    // Back from a task just answered: its status here follows.
    if (this.loaded) this.load()
  },

  async fetch() {
    if (!this.orgsLoaded) {
      this.setData({ orgs: roles.rectifyOrgs(await api.get(paths.me())) })
      this.orgsLoaded = true
    }
    await this.fetchFirstPage()
  },

  pageRequest(pageNo) {
    const org = this.data.orgs[this.data.orgIndex]
    if (!org) return null
    const query = { page: pageNo, per_page: PER_PAGE }
    if (this.data.filter === 'overdue') query.overdue = true
    return { path: paths.orgRectifications(org.id), query }
  },

  pageItem(row) {
    return supervision.taskView(row, month.today())
  },

  // Another organisation or filter: the list starts again from its first page.
  reload(patch) {
    this.setData({
      ...patch, items: [], total: 0, hasMore: false,
    })
    return this.load()
  },

  onOrg(e) {
    return this.reload({ orgIndex: Number(e.detail.value) })
  },

  onFilter(e) {
    return this.reload({ filter: e.currentTarget.dataset.filter })
  },

  onOpen(e) {
    nav.open(`/pages/rectification/index?id=${e.currentTarget.dataset.id}`)
  },
})
