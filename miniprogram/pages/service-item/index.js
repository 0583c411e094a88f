// 服务项目详情 (?id=<item>): what the item is, its phase and places (taken/capacity, the waitlist), and my claim:
// 认领 (every answer of POST /service-items/{id}/claims in Chinese; `full` puts me on the waitlist), 取消认领 before
// signing up closes, and — when a place came free for me on the waitlist ("offered") — 确认 before offer_expires_at,
// with a countdown, or 放弃. The countdown stops when the page is hidden or closed.
const api = require('../../utils/api')
const community = require('../../utils/community')
const errors = require('../../utils/errors')
const subscription = require('../../utils/subscribe')
const ui = require('../../utils/ui')
const nav = require('../../utils/nav')
const paths = require('../../utils/paths')

const TICK_MS = 1000

Page({
  data: {
    item: null,
    loading: false,
    loadError: null,
    busy: false,
    countdown: '',
    offerExpired: false,
  },

  onLoad(query) {
    this.itemId = Number(query.id)
    this.timer = null
    this.loadTemplates()
    return this.load()
  },

  onShow() {
    if (this.data.item) this.startCountdown()
  },

  // The offer template's id, read when the page opens, before any tap (wx.requestSubscribeMessage must be called
  // inside the tap).
  async loadTemplates() {
    try {
      this.templates = await subscription.loadTemplates()
    } catch (err) {
      this.templates = null
    }
  },

  onHide() {
    this.stopCountdown()
  },

  onUnload() {
    this.stopCountdown()
  },

  async onPullDownRefresh() {
    await this.load()
    wx.stopPullDownRefresh()
  },

  async load() {
    this.setData({ loading: !this.data.item, loadError: null })
    try {
      const item = await api.get(paths.serviceItem(this.itemId))
      this.claim = item.my_claim || null
      this.setData({ item: community.itemView(item) })
      wx.setNavigationBarTitle({ title: item.title })
      this.startCountdown()
    } catch (err) {
      this.setData({ loadError: errors.loadError(err) })
    } finally {
      this.setData({ loading: false })
    }
  },

  onRetry() {
    this.load()
  },

  // Only while my claim is an offer: the time left, every second; at zero the confirm button goes and the item is
  // read again (the server has moved the place on).
  startCountdown() {
    this.stopCountdown()
    if (!this.claim || this.claim.status !== 'offered') {
      this.setData({ countdown: '', offerExpired: false })
      return
    }
    this.tick()
    if (!this.data.offerExpired) this.timer = setInterval(() => this.tick(), TICK_MS)
  },

  stopCountdown() {
    clearInterval(this.timer)
    this.timer = null
  },

  tick() {
    const left = community.offerLeft(this.claim)
    if (left > 0) {
      this.setData({ countdown: community.countdownLabel(left), offerExpired: false })
      return
    }
    const wasRunning = Boolean(this.timer)
    this.stopCountdown()
    this.setData({ countdown: '已超过确认时限', offerExpired: true })
    if (wasRunning) this.load()
  },

  // 认领 / 加入候补. A place may come free later (an offer to confirm in time): WeChat is asked, inside the tap, for
  // consent to the offer message when not yet given; whatever the answer, the claim goes on.
  onClaim() {
    if (this.data.busy) return Promise.resolve()
    const consent = subscription.askQuietly(this.templates, ['offer'])
    return consent.then((outcome) => {
      if (outcome.asked) this.loadTemplates() // the new `remaining`
      return this.sendClaim()
    })
  },

  async sendClaim() {
    if (this.data.busy) return
    this.setData({ busy: true })
    let answer = null
    let retry = false
    try {
      answer = await api.post(paths.serviceItemClaims(this.itemId), {})
    } catch (err) {
      retry = await errors.promptRetry(err, '认领未完成')
    } finally {
      this.setData({ busy: false })
    }
    if (retry) {
      await this.sendClaim()
      return
    }
    if (!answer) return
    await this.load()
    await this.showClaimResult(answer)
  },

  // ok: a toast; full: the waitlist position; not_reported: the way to the community page; anything else: why not.
  async showClaimResult(answer) {
    const text = community.claimResultText(answer)
    if (answer.result === 'ok') {
      wx.showToast({ title: text, icon: 'none' })
    } else if (answer.result === 'full') {
      wx.showModal({ title: '已加入候补', content: `${text}。有人取消时将通知您确认。`, showCancel: false, confirmText: '知道了' })
    } else if (answer.result === 'not_reported') {
      const go = await ui.confirm({ title: '未能认领', content: text, confirmText: '去报到', cancelText: '以后再说' })
      if (go) nav.open(`/pages/community/index?community=${this.data.item.communityId}`)
    } else {
      wx.showModal({ title: '未能认领', content: text, showCancel: false, confirmText: '知道了' })
    }
  },

  async onCancel() {
    const { item } = this.data
    if (this.data.busy || !item || !item.canCancel) return
    const waiting = item.claim.status === 'waitlisted'
    const go = await ui.confirm(waiting
      ? { title: '退出候补', content: '退出后不再排队等候名额。', confirmText: '确认退出候补', cancelText: '继续候补' }
      : { title: '取消认领', content: '取消后名额将让给候补人员。', confirmText: '确认取消认领', cancelText: '保留认领' })
    if (!go) return
    await this.act(paths.serviceClaimCancel(item.claim.id), '已取消认领', '取消未完成')
  },

  async onConfirmOffer() {
    const { item } = this.data
    if (this.data.busy || !item || !item.offered || this.data.offerExpired) return
    await this.act(paths.serviceClaimConfirm(item.claim.id), '已确认，认领成功', '确认未完成')
  },

  async onDeclineOffer() {
    const { item } = this.data
    if (this.data.busy || !item || !item.offered) return
    const go = await ui.confirm({
      title: '放弃递补', content: '放弃后名额将递补给下一位候补人员。', confirmText: '确认放弃', cancelText: '暂不放弃',
    })
    if (!go) return
    await this.act(paths.serviceClaimDecline(item.claim.id), '已放弃递补', '操作未完成')
  },

  // POST, then the item again. A refusal (too late, the offer expired) is shown and the item read again as well; a
  // network failure offers 重试 and leaves the page as it was.
  async act(path, done, failTitle) {
    this.setData({ busy: true })
    let retry = false
    let answered = false // done, or refused: either way the item has news
    try {
      await api.post(path)
      answered = true
      wx.showToast({ title: done, icon: 'none' })
    } catch (err) {
      answered = !errors.isRetryable(err)
      retry = await errors.promptRetry(err, failTitle)
    } finally {
      this.setData({ busy: false })
    }
    if (retry) return this.act(path, done, failTitle)
    if (answered) await this.load()
    return undefined
  },

  onScan() {
    nav.open('/pages/scan/index')
  },

  onMyService() {
    nav.open('/pages/my-service/index')
  },
})
