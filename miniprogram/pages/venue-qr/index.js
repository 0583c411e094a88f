// 现场签到码 (secretary, ?activity=<id>, and &branch=<id> at a themed activity: that branch's own venue code, opened from
// 集中主题活动, pages/themed-venues): the venue QR full screen for members to scan (components/rotating-qr: fetched
// again once valid_until passes, the screen kept on), and the live count, polled every second. The count's timer
// stops when the page is hidden or closed, and starts again on show; the code's does the same in the component.
const api = require('../../utils/api')
const checkin = require('../../utils/checkin')
const labels = require('../../utils/labels')
const month = require('../../utils/month')
const paths = require('../../utils/paths')

const LIVE_EVERY_MS = 1000

Page({
  data: {
    qrPath: '',
    theme: '',
    orgName: '',
    when: '',
    phaseText: '',
    live: null,
    liveStale: false,
  },

  onLoad(query) {
    this.activityId = Number(query.activity)
    this.generation = 0
    this.liveTimer = null
    const qrPath = query.branch ? paths.activityVenueQr(this.activityId, Number(query.branch)) : paths.activityQr(this.activityId)
    this.setData({ qrPath })
    this.loadActivity()
  },

  onShow() {
    this.stop()
    this.generation += 1
    return this.pollLive(this.generation)
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
    clearTimeout(this.liveTimer)
    this.liveTimer = null
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
})
