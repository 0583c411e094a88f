// 志愿服务现场签到码 (community_admin / volunteer_lead, ?item=<id>): the volunteer activity's QR full screen for
// members to scan with 扫码签到 (GET /service-items/{id}/qr; the same URL format as an activity's venue QR). A rotating
// code (window_seconds > 0) is fetched again once valid_until passes (utils/qr-rotation.js), a static one (0) only
// once. The timer stops when the page is hidden or closed and starts again on show; the screen is kept on meanwhile.
const api = require('../../utils/api')
const community = require('../../utils/community')
const errors = require('../../utils/errors')
const { RETRY_MS, untilRotation } = require('../../utils/qr-rotation')
const paths = require('../../utils/paths')

Page({
  data: {
    loading: false,
    loadError: null,
    title: '',
    line: '',
    qrSrc: '',
    windowSeconds: 0,
    qrStale: false,
  },

  onLoad(query) {
    this.itemId = Number(query.item)
    this.generation = 0
    this.qrTimer = null
    this.loadItem()
  },

  onShow() {
    this.stop()
    this.generation += 1
    wx.setKeepScreenOn({ keepScreenOn: true })
    return this.refreshQr(this.generation)
  },

  onHide() {
    this.stop()
  },

  onUnload() {
    this.stop()
  },

  // The timer cleared, and an answer still in flight ignored: it belongs to an older generation.
  stop() {
    this.generation = (this.generation || 0) + 1
    clearTimeout(this.qrTimer)
    this.qrTimer = null
    wx.setKeepScreenOn({ keepScreenOn: false })
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

  async refreshQr(gen) {
    clearTimeout(this.qrTimer)
    this.qrTimer = null
    this.setData({ loading: !this.data.qrSrc && !this.data.loadError })
    try {
      const qr = await api.get(paths.serviceItemQr(this.itemId))
      if (gen !== this.generation) return
      this.setData({
        qrSrc: `data:image/png;base64,${qr.png_base64}`,
        windowSeconds: qr.window_seconds,
        qrStale: false,
        loadError: null,
      })
      if (qr.window_seconds > 0) this.qrTimer = setTimeout(() => this.refreshQr(gen), untilRotation(qr))
    } catch (err) {
      if (gen !== this.generation) return
      // On screen, the code that was there stays (flagged), and a network failure is tried again by itself.
      if (this.data.qrSrc) this.setData({ qrStale: true })
      else this.setData({ loadError: errors.loadError(err) })
      if (errors.isRetryable(err)) this.qrTimer = setTimeout(() => this.refreshQr(gen), RETRY_MS)
    } finally {
      if (gen === this.generation) this.setData({ loading: false })
    }
  },

  onRetry() {
    this.setData({ loadError: null })
    clearTimeout(this.qrTimer)
    return this.refreshQr(this.generation)
  },
})
