// A check-in QR full width for members to scan: an activity's venue QR (pages/venue-qr), a volunteer activity's
// on-site QR (pages/service-qr). `src` is the API path answering { png_base64, window_seconds, valid_until }. A
// rotating code (window_seconds > 0) is fetched again just after valid_until (utils/qr-rotation.js), a static one (0)
// once. It runs while on screen — attached and its page shown — and keeps the screen on meanwhile; hidden or
// detached, the timer stops and an answer still in flight is ignored (it belongs to an older generation).
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const { RETRY_MS, untilRotation } = require('../../utils/qr-rotation')

Component({
  options: { styleIsolation: 'apply-shared' }, // .muted and .error-text of app.wxss
  properties: {
    src: { type: String, value: '' },
  },
  data: {
    loading: false,
    loadError: null,
    qrSrc: '',
    windowSeconds: 0,
    qrStale: false,
  },
  observers: {
    src() {
      if (this.onScreen) this.start()
    },
  },
  lifetimes: {
    attached() {
      this.onScreen = true
      return this.start()
    },
    detached() {
      this.onScreen = false
      this.stop()
    },
  },
  pageLifetimes: {
    show() {
      if (this.onScreen) return Promise.resolve()
      this.onScreen = true
      return this.start()
    },
    hide() {
      this.onScreen = false
      this.stop()
    },
  },
  methods: {
    // The code of `src`, fetched at once; nothing new while that src already runs.
    start() {
      const { src } = this.data
      if (!src || this.running === src) return Promise.resolve()
      this.stop()
      if (this.shownSrc && this.shownSrc !== src) {
        this.setData({ qrSrc: '', windowSeconds: 0, qrStale: false, loadError: null })
      }
      this.running = src
      wx.setKeepScreenOn({ keepScreenOn: true })
      return this.refresh(this.generation)
    },

    stop() {
      this.generation = (this.generation || 0) + 1
      this.running = ''
      clearTimeout(this.qrTimer)
      this.qrTimer = null
      wx.setKeepScreenOn({ keepScreenOn: false })
    },

    async refresh(gen) {
      clearTimeout(this.qrTimer)
      this.qrTimer = null
      const { src } = this.data
      this.setData({ loading: !this.data.qrSrc && !this.data.loadError })
      try {
        const qr = await api.get(src)
        if (gen !== this.generation) return
        this.shownSrc = src
        this.setData({
          qrSrc: `data:image/png;base64,${qr.png_base64}`,
          windowSeconds: qr.window_seconds,
          qrStale: false,
          loadError: null,
        })
        if (qr.window_seconds > 0) this.qrTimer = setTimeout(() => this.refresh(gen), untilRotation(qr))
      } catch (err) {
        if (gen !== this.generation) return
        // On screen, the code that was there stays (flagged), and a network failure is tried again by itself.
        if (this.data.qrSrc) this.setData({ qrStale: true })
        else this.setData({ loadError: errors.loadError(err) })
        if (errors.isRetryable(err)) this.qrTimer = setTimeout(() => this.refresh(gen), RETRY_MS)
      } finally {
        if (gen === this.generation) this.setData({ loading: false })
      }
    },

    onRetry() {
      this.setData({ loadError: null })
      clearTimeout(this.qrTimer)
      return this.refresh(this.generation)
    },
  },
})
