// 扫码登录电脑端 (?code= from the home page's scan, or ?q= from WeChat's scanner, prefix `{public_base}/console/qr/`):
// asks plainly whether to sign in to 活动日管理后台 on the computer, as whom (GET /me), and warns that someone else at
// the computer must not be let in. 确认登录 sends POST /console-sign-ins/{code}/confirm (no body) → 204: 已登录, the
// computer goes on by itself. 取消 sends nothing. An expired or used code ends here with 重新扫码 (after refreshing the
// computer's page); no right to the console ends with 返回首页 only. See utils/console-sign-in.js.
const api = require('../../utils/api')
const auth = require('../../utils/auth')
const consoleSignIn = require('../../utils/console-sign-in')
const errors = require('../../utils/errors')
const listPage = require('../../behaviors/list-page')
const paths = require('../../utils/paths')

const HOME = '/pages/index/index'

Page({
  behaviors: [listPage],

  data: {
    code: '',
    invalid: false, // opened with something that is not the console's sign-in code
    name: '',
    phase: 'ask', // ask → done, or failed (a refusal after which this code can do nothing more)
    busy: false,
    error: '', // why the last 确认登录 did not go through (the button stays)
    finalText: '', // why this code can do nothing more
    rescan: false, // the code expired or was used: a fresh one from the computer
  },

  onLoad(query = {}) {
    const code = consoleSignIn.codeFromQuery(query)
    if (!code) {
      this.setData({ invalid: true })
      return Promise.resolve()
    }
    this.setData({ code })
    return this.load()
  },

  // Opened by WeChat's scanner, perhaps before anyone signed in on this phone: a WeChat login first; a WeChat user not
  // yet bound is sent to bind (a staff member's new phone), and the page says so.
  async fetch() {
    if (!auth.isLoggedIn()) {
      const result = await auth.login()
      if (result.status !== 'ok') {
        wx.navigateTo({ url: `/pages/login/index?ticket=${encodeURIComponent(result.bindTicket)}` })
        throw new api.ApiError(401, 'auth.unbound', '')
      }
    }
    const me = await api.get(paths.me())
    this.setData({ name: me.name || '' })
  },

  async onConfirm() {
    if (this.data.busy || this.data.phase !== 'ask') return
    this.setData({ busy: true, error: '' })
    let retry = false
    try {
      await consoleSignIn.confirm(this.data.code)
      this.setData({ phase: 'done' })
    } catch (err) {
      retry = await this.failed(err)
    } finally {
      this.setData({ busy: false })
    }
    if (retry) await this.onConfirm()
  },

  // Resolves true when the person wants to try again (no network, a timeout, a server failure: 重试).
  async failed(err) {
    const text = consoleSignIn.failureText(err, { unanswered: Boolean(this.unanswered) })
    if (consoleSignIn.unanswered(err)) this.unanswered = true
    if (consoleSignIn.isFinal(err)) {
      this.setData({ phase: 'failed', finalText: text, rescan: err.code !== 'auth.forbidden' })
      return false
    }
    if (errors.isRetryable(err) && await errors.promptRetry(err, '登录未完成')) return true
    this.setData({ error: text })
    return false
  },

  // Nothing is sent: back to where the person came from, or home when WeChat's scanner opened this page.
  onCancel() {
    if (this.data.busy) return
    const pages = typeof getCurrentPages === 'function' ? getCurrentPages() : []
    if (pages.length > 1) wx.navigateBack()
    else wx.reLaunch({ url: HOME })
  },

  // After refreshing the computer's page: its new code, asked about here again.
  async onRescan() {
    const code = await consoleSignIn.scan()
    if (!code) return
    this.unanswered = false
    this.setData({
      code, phase: 'ask', error: '', finalText: '', rescan: false,
    })
  },

  onHome() {
    wx.reLaunch({ url: HOME })
  },
})
