// 待办事项 (staff who read an organisation: secretaries, reviewers, org admins, supervisors; home: 待办事项): what the
// organisation and those under it must answer or accept (GET /orgs/{id}/matters, earliest deadline first, 20 a page,
// more on reaching the bottom), by kind (the tabs), status and 只看逾期; each row with its handler and deadline, an
// overdue one in red and where it was flagged. A tap opens it on the matter page with ?org=, where the organisation's
// steps (答复, 退回, 立案交办 …) show.
const listPage = require('../../behaviors/list-page')
const api = require('../../utils/api')
const deputies = require('../../utils/deputies')
const month = require('../../utils/month')
const nav = require('../../utils/nav')
const paths = require('../../utils/paths')
const roles = require('../../utils/roles')

const PER_PAGE = 20
const KIND_TABS = [{ key: '', label: '全部' }].concat(
  Object.entries(deputies.MATTER_KINDS).map(([key, label]) => ({ key, label })),
)
const STATUSES = [{ key: '', label: '全部状态' }].concat(
  ['forwarded', 'submitted', 'answered', 'closed', 'returned', 'not_accepted'].map((key) => ({ key, label: deputies.statusLabel(key) })),
)

Page({
  behaviors: [listPage],

  data: {
    orgs: [],
    orgIndex: 0,
    kinds: KIND_TABS,
    kind: '',
    statuses: STATUSES,
    statusIndex: 0,
    overdueOnly: false,
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
    // Back from a matter answered or accepted: the list follows.
    if (this.loaded) this.load()
  },

  async fetch() {
    if (!this.orgsLoaded) {
      this.setData({ orgs: roles.inboxOrgs(await api.get(paths.me())) })
      this.orgsLoaded = true
    }
    await this.fetchFirstPage()
  },

  pageRequest(pageNo) {
    const org = this.data.orgs[this.data.orgIndex]
    if (!org) return null
    const query = { page: pageNo, per_page: PER_PAGE }
    if (this.data.kind) query.kind = this.data.kind
    const status = STATUSES[this.data.statusIndex].key
    if (status) query.status = status
    if (this.data.overdueOnly) query.overdue = true
    return { path: paths.orgMatters(org.id), query }
  },

  pageItem(row) {
    return deputies.matterRow(row, month.today())
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

  onKind(e) {
    return this.reload({ kind: e.currentTarget.dataset.kind })
  },

  onStatus(e) {
    return this.reload({ statusIndex: Number(e.detail.value) })
  },

  onOverdueOnly() {
    return this.reload({ overdueOnly: !this.data.overdueOnly })
  },

  onOpen(e) {
    const org = this.data.orgs[this.data.orgIndex]
    nav.open(`/pages/matter/index?id=${e.currentTarget.dataset.id}&org=${org.id}`)
  },
})
