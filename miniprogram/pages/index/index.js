// Home: logging in, then this month's activity day, my branch's preview, check-in and my attendance, and the
// entries my roles open.
const api = require('../../utils/api')
const auth = require('../../utils/auth')
const errors = require('../../utils/errors')
const month = require('../../utils/month')
const roles = require('../../utils/roles')
const subscription = require('../../utils/subscribe')
const { SUBSCRIBE_TEMPLATES } = require('../../config')

// GET /api/v1/me/preview → what the template shows.
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
    memberEntries: [], // 扫码签到, 我的活动, … once /me is known
    subscribing: false,
    subscribeNote: '',
  },

  onShow() {
    const loggedIn = auth.isLoggedIn()
    this.setData({ loggedIn })
    if (loggedIn) this.load()
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
        api.get('/api/v1/me'),
        api.get('/api/v1/me/preview', { month: current }).catch((err) => {
          if (errors.isRetryable(err)) throw err
          return { failed: err }
        }),
      ])
      this.setData({
        name: me.name,
        entries: roles.entriesFor(me),
        memberEntries: roles.memberEntries(me),
        day: mine.failed ? null : dayView(mine),
        dayError: mine.failed ? errors.messageFor(mine.failed) : '',
      })
    } catch (err) {
      this.loadFailed(err)
    } finally {
      this.setData({ fetching: false })
    }
  },

  loadFailed(err) {
    if (err.code === 'auth.unbound') {
      wx.navigateTo({ url: `/pages/login/index?ticket=${encodeURIComponent(err.bindTicket)}` })
    } else if (err.status === 401) {
      auth.clear()
      this.setData({ loggedIn: false, error: errors.messageFor(err) })
    }
    this.setData({ loadError: errors.loadError(err) })
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

  // wx.requestSubscribeMessage must run inside the tap: askWechat() is called before anything is awaited.
  onSubscribe() {
    if (this.data.subscribing) return Promise.resolve()
    const asking = subscription.askWechat([SUBSCRIBE_TEMPLATES.activityPreview])
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
      this.setData({ subscribeNote: subscription.summary(results, saved) })
    } catch (err) {
      if (await errors.promptRetry(err, '订阅未能保存')) return this.reportSubscription(results)
      this.setData({ subscribeNote: errors.messageFor(err) })
    }
    return undefined
  },

  onOpen(e) {
    wx.navigateTo({ url: e.currentTarget.dataset.url })
  },
})
