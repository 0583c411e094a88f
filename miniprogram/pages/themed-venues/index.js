// 集中主题活动 (a branch secretary; home: 集中主题活动): the themed activities of a higher organisation that my branch
// joins, from 30 days ago on (GET /orgs/{id}/themed-venues). Each branch's members check in at their own branch's venue:
// 本支部签到码 opens the venue screen with my branch's own code (pages/venue-qr ?activity=&branch=).
const api = require('../../utils/api')
const listPage = require('../../behaviors/list-page')
const month = require('../../utils/month')
const paths = require('../../utils/paths')
const roles = require('../../utils/roles')

// One row of GET /orgs/{id}/themed-venues → what the template shows.
const themedView = (a) => ({
  id: a.activity_id,
  theme: a.theme,
  when: `${month.dayLabel(a.activity_date)} ${month.weekday(a.activity_date)} ${a.start_time}–${a.end_time}`,
  host: a.host_org_name,
})

Page({
  behaviors: [listPage],

  data: {
    orgs: [],
    orgIndex: 0,
    items: [],
  },

  onLoad() {
    return this.load()
  },

  async fetch() {
    if (!this.me) this.me = await api.get(paths.me())
    const orgs = roles.secretaryBranches(this.me)
    this.setData({ orgs })
    const org = orgs[this.data.orgIndex]
    const rows = org ? await api.get(paths.orgThemedVenues(org.id)) : []
    this.setData({ items: rows.map(themedView) })
  },

  onOrg(e) {
    this.setData({ orgIndex: Number(e.detail.value) })
    return this.load()
  },

  onVenueQr(e) {
    const org = this.data.orgs[this.data.orgIndex]
    if (!org) return
    wx.navigateTo({ url: `/pages/venue-qr/index?activity=${Number(e.currentTarget.dataset.id)}&branch=${org.id}` })
  },
})
