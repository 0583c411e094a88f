// 志愿服务现场签到码 (community_admin / volunteer_lead, ?item=<id>): the volunteer activity's QR full screen for
// members to scan with 扫码签到 (GET /service-items/{id}/qr; the same URL format as an activity's venue QR), shown by
// components/rotating-qr: fetched again once valid_until passes, a static one once, the timer stopped when the page
// is hidden or closed, the screen kept on meanwhile.
const api = require('../../utils/api')
const community = require('../../utils/community')
const paths = require('../../utils/paths')

Page({
  data: {
    qrPath: '',
    title: '',
    line: '',
  },

  onLoad(query) {
    this.itemId = Number(query.item)
    this.setData({ qrPath: paths.serviceItemQr(this.itemId) })
    return this.loadItem()
  },

  // The title above the code. Not needed for checking in, so a failure only leaves it out.
  async loadItem() {
    try {
      const item = community.itemView(await api.get(paths.serviceItem(this.itemId)))
      this.setData({ title: item.title, line: [item.communityName, item.when, item.place].filter(Boolean).join(' · ') })
    } catch (err) {
      // the code still shows
    }
  },
})
