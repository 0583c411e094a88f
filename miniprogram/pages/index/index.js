// Home: logging in, then this month's activity day, my branch's preview, check-in and my attendance, and the
// entries my roles open. 党代表工作室 and 我的反映 are there before logging in too: a WeChat user on no roster uses them
// with the visitor token the login gave (utils/auth.js).
const api = require('../../utils/api')
const auth = require('../../utils/auth')
const errors = require('../../utils/errors')
const month = require('../../utils/month')
const roles = require('../../utils/roles')
const subscription = require('../../utils/subscribe')
const account = require('../../utils/account')
const consoleSignIn = require('../../utils/console-sign-in')
const queue = require('../../utils/offline-queue')
const session = require('../../utils/session')
const ui = require('../../utils/ui')

// What 订阅活动提醒 asks for: the preview (one message per consent) and the activity reminder (long-term).
const SUBSCRIBE_KINDS = ['preview', 'reminder']
const nav = require('../../utils/nav')
const paths = require('../../utils/paths')

// GET /me/preview → what the template shows.
function dayView(mine) {
  const p = mine.preview
  return {
    monthText: month.monthLabel(mine.month),
    activityDay: `${month.dayLabel(mine.activity_day)} ${month.weekday(mine.activity_day)}`,
    deadline: month.dayLabel(mine.preview_deadline),
    expected: mine.expected,
    preview: p ? {
      theme: p.theme,
      category: p.category,
      when: `${month.dayLabel(p.date)} ${month.weekday(p.date)} ${p.start_time}–${p.end_time}`,
      place: p.place,
      organiser: p.organiser,
      requirements: p.requirements || '',
      orgName: p.org_name || '',
    } : null,
  }
}

Page({
  data: {
    loggedIn: false,
    loading: false, // the login button
    error: '', // why logging in failed
    fetching: false,
    loadError: null,
    name: '',
    day: null,
    dayError: '',
    entries: roles.entriesFor(null),
    deputyEntries: roles.deputyEntries(null), // 党代表工作室 and 我的反映 for everyone, members of the public too
    lifeEntries: [], // 党务公开, 我的政治生日, and a secretary's 政治生日, 结对共建 and 集中主题活动, once /me is known
    memberEntries: [], // 扫码签到, 我的活动, … once /me is known
    evaluationEntries: [], // 民主评议, 督查通报, and a secretary's 组织民主评议, an organiser's 整改任务, once /me is known
    consoleEntry: false, // 扫码登录电脑端, for staff (roles.canUseConsole), once /me is known
    subscribing: false,
    subscribeNote: '',
    usedUpNotice: '', // 您的活动预告提醒次数已用完，点此重新订阅
    signingOut: false,
  },

  onShow() {
    const loggedIn = auth.isLoggedIn()
    this.setData({ loggedIn })
    if (loggedIn) {
      this.loadTemplates()
      this.load()
    }
  },

  // The template ids, read before any tap: wx.requestSubscribeMessage must be called inside the tap itself.
  async loadTemplates() {
    try {
      this.templates = await subscription.loadTemplates()
    } catch (err) {
      this.templates = null
    }
    this.setData({ usedUpNotice: subscription.usedUpNotice(this.templates) })
  },

  async onPullDownRefresh() {
    if (this.data.loggedIn) await this.load()
    wx.stopPullDownRefresh()
  },

  async load() {
    this.setData({ fetching: !this.data.name, loadError: null })
    try {
      const current = month.currentMonth()
      // A year without the official calendar fails only the day card, not the whole page.
      const [me, mine] = await Promise.all([
        api.get(paths.me()),
        api.get(paths.mePreview(), { month: current }).catch((err) => {
          if (errors.isRetryable(err)) throw err
          return { failed: err }
        }),
      ])
      account.remember(me)
      this.tellDroppedScans(me.id)
      this.setData({
        name: me.name,
        entries: roles.entriesFor(me),
        deputyEntries: roles.deputyEntries(me),
        memberEntries: roles.memberEntries(me),
        lifeEntries: roles.lifeEntries(me).concat(roles.themedEntries(me)),
        evaluationEntries: roles.evaluationEntries(me),
        consoleEntry: roles.canUseConsole(me),
        day: mine.failed ? null : dayView(mine),
        dayError: mine.failed ? errors.messageFor(mine.failed) : '',
      })
      this.loadUnread()
    } catch (err) {
      this.loadFailed(err)
    } finally {
      this.setData({ fetching: false })
    }
  },

  // 党务公开's entry says how many notices I have not read; not awaited, and a failure leaves the entry as it is.
  async loadUnread() {
    try {
      const { unread } = await api.get(paths.meNotices(), { page: 1, per_page: 1 })
      const lifeEntries = this.data.lifeEntries.map((e) => (e.key === 'notices' && unread > 0
        ? { ...e, title: `党务公开（${unread}条未读）` } : e))
      this.setData({ lifeEntries })
    } catch (err) {
      // the entry without the count
    }
  },

  loadFailed(err) {
    if (err.code === 'auth.unbound') {
      wx.navigateTo({ url: `/pages/login/index?ticket=${encodeURIComponent(err.bindTicket)}` })
    } else if (err.status === 401) {
      auth.clear()
      this.setData({
        loggedIn: false,
        error: errors.messageFor(err),
        deputyEntries: roles.deputyEntries(null),
        lifeEntries: [],
        evaluationEntries: [],
        consoleEntry: false,
      })
    }
    this.setData({ loadError: errors.loadError(err) })
  },

  // Scans this person queued offline that waited past the offline limit while someone else was signed in here.
  tellDroppedScans(personId) {
    const text = queue.noticeText(queue.noticesFor(personId))
    if (text) wx.showModal({ title: '离线签到未能提交', content: text, showCancel: false, confirmText: '知道了' })
  },

  onRetry() {
    this.load()
  },

  async onLogin() {
    if (this.data.loading) return
    this.setData({ loading: true, error: '' })
    try {
      const result = await auth.login()
      if (result.status === 'unbound') {
        wx.navigateTo({ url: `/pages/login/index?ticket=${encodeURIComponent(result.bindTicket)}` })
      } else {
        this.setData({ loggedIn: true })
        this.load()
      }
    } catch (err) {
      this.setData({ error: errors.messageFor(err) })
    } finally {
      this.setData({ loading: false })
    }
  },

  // wx.requestSubscribeMessage must run inside the tap: askWechat() is called before anything is awaited, with the
  // ids loaded on show. Also the tap on 您的活动预告提醒次数已用完，点此重新订阅.
  onSubscribe() {
    if (this.data.subscribing) return Promise.resolve()
    const ids = subscription.idsToAsk(this.templates, SUBSCRIBE_KINDS)
    if (ids.length === 0) {
      this.setData({ subscribeNote: errors.messageFor({ code: 'subscribe.unavailable' }) })
      return this.loadTemplates()
    }
    const asking = subscription.askWechat(ids)
    this.setData({ subscribing: true, subscribeNote: '' })
    return asking
      .then(
        (results) => this.reportSubscription(results),
        (err) => this.setData({ subscribeNote: errors.messageFor(err) }),
      )
      .then(() => this.setData({ subscribing: false }))
  },

  async reportSubscription(results) {
    try {
      const { saved } = await subscription.report(results)
      subscription.remember(this.templates, results)
      this.setData({ subscribeNote: subscription.summary(results, saved) })
      if (saved) await this.loadTemplates() // the new `remaining`
    } catch (err) {
      if (await errors.promptRetry(err, '订阅未能保存')) return this.reportSubscription(results)
      this.setData({ subscribeNote: errors.messageFor(err) })
    }
    return undefined
  },

  // 退出登录: asks first, then the server forgets the login (POST /auth/logout), this phone forgets the tokens and the
  // person's data, and the app starts again at sign-in. Queued offline scans stay with their owner.
  async onSignOut() {
    if (this.data.signingOut) return
    const go = await ui.confirm({
      title: '退出登录',
      content: '退出后需重新登录才能查看活动和签到。确定退出吗？',
      confirmText: '确认退出',
      cancelText: '暂不退出',
    })
    if (!go) return
    this.setData({ signingOut: true })
    try {
      await auth.signOut()
    } finally {
      this.setData({ signingOut: false })
    }
    wx.reLaunch({ url: session.SIGN_IN_PAGE })
  },

  // 扫码登录电脑端 (staff): the QR code of the console's sign-in page, then the page that asks before confirming; a QR code
  // of anything else is said (这不是管理后台的登录二维码).
  async onConsoleScan() {
    const code = await consoleSignIn.scan()
    if (code) nav.open(consoleSignIn.pageFor(code))
  },

  onOpen(e) {
    nav.open(e.currentTarget.dataset.url)
  },
})
