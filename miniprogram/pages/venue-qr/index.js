// 现场签到码 (secretary, ?activity=<id>): the venue QR full screen for members to scan, and the live count.
// A rotating code (window_seconds > 0) is fetched again once valid_until passes; a static one (0) only once. The
// count is polled every second. Every timer stops when the page is hidden or closed, and starts again on show.
const api = require('../../utils/api')
const checkin = require('../../utils/checkin')
const errors = require('../../utils/errors')
const labels = require('../../utils/labels')
const month = require('../../utils/month')
const { RETRY_MS, untilRotation } = require('../../utils/qr-rotation')
const paths = require('../../utils/paths')

const LIVE_EVERY_MS = 1000

Page({
  data: {
    loading: false,
    loadError: null,
    theme: '',
    orgName: '',
    when: '',
    phaseText: '',
    qrSrc: '',
    windowSeconds: 0,
    qrStale: false,
    live: null,
    liveStale: false,
  },

  onLoad(query) {
    this.activityId = Number(query.activity)
    this.generation = 0
    this.qrTimer = null
    this.liveTimer = null
    this.loadActivity()
  },

  onShow() {
    this.stop()
    this.generation += 1
    wx.setKeepScreenOn({ keepScreenOn: true })
    const gen = this.generation
    return Promise.all([this.refreshQr(gen), this.pollLive(gen)])
  },

  onHide() {
    this.stop()
  },

  onUnload() {
    this.stop()
  },

  // Timers cleared, and answers still in flight ignored: they belong to an older generation.
  stop() {
    this.generation = (this.generation || 0) + 1
    clearTimeout(this.qrTimer)
    clearTimeout(this.liveTimer)
    this.qrTimer = null
    this.liveTimer = null
    wx.setKeepScreenOn({ keepScreenOn: false })
  },

  // The title above the code. Not needed for checking in, so a failure only leaves it out.
  async loadActivity() {
    try {
      const a = await api.get(paths.activity(this.activityId))
      this.setData({
        theme: a.theme,
        orgName: a.org_name,
        when: `${month.dayLabel(a.activity_date)} ${a.start_time}–${a.end_time}`,
        phaseText: labels.phaseLabel(a.phase),
      })
    } catch (err) {
      // the code and the count still show
    }
  },

  async refreshQr(gen) {
    clearTimeout(this.qrTimer)
    this.qrTimer = null
    this.setData({ loading: !this.data.qrSrc && !this.data.loadError })
    try {
      const qr = await api.get(paths.activityQr(this.activityId))
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

  // One request at a time: the next one is timed from this one's answer, so a slow network never piles them up.
  async pollLive(gen) {
    try {
      const live = await api.get(paths.activityLive(this.activityId))
      if (gen !== this.generation) return
      this.setData({ live: checkin.liveView(live), liveStale: false })
    } catch (err) {
      if (gen !== this.generation) return
      this.setData({ liveStale: true })
    }
    this.liveTimer = setTimeout(() => this.pollLive(gen), LIVE_EVERY_MS)
  },

  onRetry() {
    this.setData({ loadError: null })
    clearTimeout(this.qrTimer)
    return this.refreshQr(this.generation)
  },
})
