// 履职情况 (the organisation department: reviewers and org admins; home: 履职情况): who under my organisation is behind
// on the year's duties (GET /orgs/{id}/duties?year=&behind_only=true, 20 a page, more on reaching the bottom), or
// everyone; each row names the person, their organisation and post, and what is behind. A tap opens that person's
// progress (pages/my-duties, read-only).
const api = require('../../utils/api')
const listPage = require('../../behaviors/list-page')
const duties = require('../../utils/duties')
const month = require('../../utils/month')
const nav = require('../../utils/nav')
const roles = require('../../utils/roles')
const paths = require('../../utils/paths')

const PER_PAGE = 20

Page({
  behaviors: [listPage],

  data: {
    orgs: [],
    orgIndex: 0,
    year: 0,
    behindOnly: true,
    items: [],
    total: 0,
    hasMore: false,
    loadingMore: false,
  },

  onLoad() {
    this.seq = 0
    this.setData({ year: month.shanghaiDate().year })
    return this.load()
  },

  async fetch() {
    if (!this.orgsLoaded) {
      this.setData({ orgs: roles.reviewOrgs(await api.get(paths.me())) })
      this.orgsLoaded = true
    }
    await this.fetchFirstPage()
  },

  pageRequest(pageNo) {
    const org = this.data.orgs[this.data.orgIndex]
    if (!org) return null
    const query = { year: this.data.year, page: pageNo, per_page: PER_PAGE }
    if (this.data.behindOnly) query.behind_only = true
    return { path: paths.orgDuties(org.id), query }
  },

  pageItem(row) {
    return duties.overviewRow(row)
  },

  // Another organisation, year or filter: the list starts again from its first page.
  reload(patch) {
    this.setData({
      ...patch, items: [], total: 0, hasMore: false,
    })
    return this.load()
  },

  onOrg(e) {
    return this.reload({ orgIndex: Number(e.detail.value) })
  },

  onYear(e) {
    return this.reload({ year: this.data.year + Number(e.currentTarget.dataset.step) })
  },

  onBehindOnly() {
    return this.reload({ behindOnly: !this.data.behindOnly })
  },

  onOpen(e) {
    nav.open(`/pages/my-duties/index?person=${e.currentTarget.dataset.id}&year=${this.data.year}`)
  },
})
