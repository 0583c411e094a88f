// 我的签到码: my static, signed card code (GET /me/card) for the organiser to scan when I cannot scan myself
// (no smartphone at hand, a flat battery): the QR image full width and the code as text to read out.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const paths = require('../../utils/paths')

Page({
  data: {
    code: '',
    src: '',
    loading: false,
    loadError: null,
  },

  onLoad() {
    return this.load()
  },

  async onPullDownRefresh() {
    await this.load()
    wx.stopPullDownRefresh()
  },

  async load() {
    this.setData({ loading: !this.data.src, loadError: null })
    try {
      const card = await api.get(paths.meCard())
      this.setData({ code: card.code, src: `data:image/png;base64,${card.png_base64}` })
    } catch (err) {
      this.setData({ loadError: errors.loadError(err) })
    } finally {
      this.setData({ loading: false })
    }
  },

  onRetry() {
    this.load()
  },
})
