// 扫码签到: the member scans the venue QR code with wx.scanCode, or WeChat's own scanner opens this page with the
// code's URL in `options.q` and the time WeChat scanned in `options.scancode_time` (sent as scancode_time). The scan
// is sent at once, or queued when there is no network, then the result page shows the answer (redirectTo: scanning
// again from there replaces pages instead of stacking them).
const auth = require('../../utils/auth')
const checkin = require('../../utils/checkin')
const errors = require('../../utils/errors')
const month = require('../../utils/month')
const queue = require('../../utils/offline-queue')
const ui = require('../../utils/ui')

Page({
  data: {
    busy: false,
    error: '',
    pending: 0, // scans waiting in the offline queue
    flushing: false,
    locationOn: true,
  },

  // Opened from WeChat's scanner (扫普通链接二维码打开小程序): the QR's URL arrives as options.q, WeChat's scan time
  // (unix seconds) as options.scancode_time.
  onLoad(query) {
    if (query && query.q) {
      const scancodeTime = checkin.scancodeTime(query)
      return this.handle(checkin.parseLaunchQuery(query.q), scancodeTime ? { scancode_time: scancodeTime } : {})
    }
    return undefined
  },

  onShow() {
    this.setData({ pending: queue.pendingCount() })
    wx.getSetting({
      success: (res) => this.setData({ locationOn: Boolean(res.authSetting && res.authSetting['scope.userLocation']) }),
    })
  },

  onScan() {
    if (this.data.busy) return Promise.resolve()
    this.setData({ error: '' })
    return new Promise((resolve) => {
      wx.scanCode({
        onlyFromCamera: true,
        scanType: ['qrCode'],
        success: (res) => resolve(this.handle(checkin.parseScan(res.result))),
        fail: (err) => {
          ui.explainScanFailure(err)
          resolve()
        },
      })
    })
  },

  // A parsed scan ({ activity_code, token }) or null for anything else; `extra`: { scancode_time } when opened by
  // WeChat's scanner.
  async handle(scan, extra = {}) {
    if (this.data.busy) return
    if (!scan) {
      this.setData({ error: checkin.NOT_A_CHECKIN_QR })
      return
    }
    this.setData({ busy: true, error: '' })
    const item = { ...scan, ...extra, nonce: checkin.newNonce(), scanned_at: month.stamp() }
    const locating = checkin.scanLocation() // in parallel with logging in
    try {
      if (!(await this.ensureLogin())) return
      const location = await locating
      if (location) item.location = location
      const { queued, answer } = await queue.sendOrQueue(item)
      this.finish(item, queued, answer)
    } catch (err) {
      this.failed(err, item)
    } finally {
      this.setData({ busy: false })
    }
  },

  // A cold start from WeChat's scanner may come before anyone logged in on this phone.
  async ensureLogin() {
    if (auth.isLoggedIn()) return true
    const result = await auth.login()
    if (result.status === 'ok') return true
    wx.navigateTo({ url: `/pages/login/index?ticket=${encodeURIComponent(result.bindTicket)}` })
    this.setData({ error: '请先绑定组织后再扫码签到' })
    return false
  },

  failed(err, item) {
    if (queue.isNetworkFailure(err)) {
      // Not even logged in for want of a network: keep the scan too, it is sent once logged in and online.
      queue.enqueue(item)
      this.finish(item, true, null)
    } else if (err.code === 'auth.unbound') {
      wx.navigateTo({ url: `/pages/login/index?ticket=${encodeURIComponent(err.bindTicket)}` })
      this.setData({ error: '请先绑定组织后再扫码签到' })
    } else {
      this.setData({ error: errors.messageFor(err) })
    }
  },

  finish(item, queued, answer) {
    checkin.saveOutcome({ nonce: item.nonce, scannedAt: item.scanned_at, queued, answer: answer || null })
    if (!queued) queue.autoFlush() // the network works: older queued scans go too
    wx.redirectTo({ url: `/pages/checkin-result/index?nonce=${item.nonce}` })
  },

  async onFlush() {
    if (this.data.flushing) return
    this.setData({ flushing: true })
    try {
      await queue.autoFlush()
    } finally {
      const pending = queue.pendingCount()
      this.setData({ flushing: false, pending })
      if (pending > 0) wx.showToast({ title: '网络仍不可用，联网后将自动提交', icon: 'none' })
    }
  },

  // Asking for the location happens here, on a tap, never while a scan is being sent.
  onEnableLocation() {
    wx.getLocation({
      type: checkin.COORDINATES,
      success: () => this.setData({ locationOn: true }),
      fail: () => ui.openSettingFor('未能开启位置', '请在设置中允许本小程序使用位置信息'),
    })
  },
})
