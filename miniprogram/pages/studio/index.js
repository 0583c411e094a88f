// 党代表工作室 (everyone, members of the public too; home: 党代表工作室; ?id= opens that studio): the studios to choose
// from (GET /studios), the studio's address, organisation and deputies, each with 约见 (POST
// /deputies/{id}/meeting-requests), a month's rota (GET /studios/{id}/rota?month=) with the places still free and 预约
// on a slot to come (POST /rota-shifts/{id}/bookings). A member gives only what they want to raise; a member of the
// public, signed in with the visitor token of their WeChat login (utils/auth.js visit()), gives a name and a mobile
// number too. After a member's booking or request, 接收提醒 asks WeChat for consent to be reminded the day before
// (the template ids read from the server when the page opens). Then my bookings and requests (GET /me/receptions)
// with 取消 while they are still to come (POST /receptions/{id}/cancel).
const actions = require('../../utils/actions')
const api = require('../../utils/api')
const auth = require('../../utils/auth')
const deputies = require('../../utils/deputies')
const errors = require('../../utils/errors')
const listPage = require('../../behaviors/list-page')
const month = require('../../utils/month')
const paths = require('../../utils/paths')
const subscription = require('../../utils/subscribe')
const ui = require('../../utils/ui')

const KINDS = deputies.SUBSCRIBE_KINDS.booking

Page({
  behaviors: [listPage],

  data: {
    visitor: false,
    studios: [], // { id, name } to choose from
    studioIndex: 0,
    studio: null,
    month: '',
    monthText: '',
    thisMonth: '',
    shifts: [],
    mine: [],
    formKind: '', // 'booking' (a slot) or 'meeting' (a deputy)
    formAt: 0, // the slot or the deputy
    formTitle: '', // what the form is for: the slot's time and deputy, or the deputy asked
    form: deputies.emptyBooking(),
    formError: '',
    sent: '', // after a booking or a request: what was done, with 接收提醒 for members
    consentNote: '',
    subscribing: false,
    busy: false,
  },

  onLoad(query = {}) {
    this.wanted = Number(query.id) || 0
    const thisMonth = month.currentMonth()
    this.setData({ month: thisMonth, thisMonth, monthText: month.monthLabel(thisMonth) })
    return this.load()
  },

  showsLoading() {
    return !this.data.studio
  },

  async fetch() {
    const visitor = (await auth.visit()) === 'visitor'
    if (!visitor && !this.templates) this.loadTemplates()
    if (this.data.studios.length === 0) {
      const list = await api.get(paths.studios(), { page: 1, per_page: 100 })
      const studios = list.items.map((s) => ({ id: s.id, name: s.name }))
      this.setData({ studios, studioIndex: Math.max(studios.findIndex((s) => s.id === this.wanted), 0) })
    }
    const chosen = this.data.studios[this.data.studioIndex]
    if (!chosen) {
      this.setData({ visitor })
      return
    }
    const shown = this.data.month
    const [studio, rota, mine] = await Promise.all([
      api.get(paths.studio(chosen.id)),
      api.get(paths.studioRota(chosen.id), { month: shown }),
      api.get(paths.meReceptions()),
    ])
    // Another studio or month chosen meanwhile: its own load sets the page.
    if (chosen.id !== (this.data.studios[this.data.studioIndex] || {}).id || shown !== this.data.month) return
    const now = Date.now()
    const today = month.today(now)
    this.setData({
      visitor,
      studio: deputies.studioView(studio),
      shifts: rota.shifts.map((s) => deputies.shiftView(s, now, today)),
      mine: mine.map((r) => deputies.receptionView(r, today)),
    })
    wx.setNavigationBarTitle({ title: studio.name })
  },

  // The reminder template's id, read before any tap (wx.requestSubscribeMessage must be called inside the tap).
  // Visitors are not sent WeChat messages: the server writes only to people on a roster.
  async loadTemplates() {
    try {
      this.templates = await subscription.loadTemplates()
    } catch (err) {
      this.templates = null
    }
  },

  onStudio(e) {
    this.setData({
      studioIndex: Number(e.detail.value), studio: null, shifts: [], formKind: '', sent: '', consentNote: '',
    })
    return this.load()
  },

  // Months from this one on: a past month has nothing to book.
  onMonth(e) {
    const next = month.addMonths(this.data.month, Number(e.currentTarget.dataset.step))
    if (next < this.data.thisMonth) return undefined
    this.setData({
      month: next, monthText: month.monthLabel(next), shifts: [], formKind: '',
    })
    return this.load()
  },

  // ---- 预约 a slot, 约见 a deputy: one form near the top, saying what it is for; the page scrolls up to it
  openForm(formKind, formAt, formTitle) {
    const { name, phone } = this.data.form // typed once, kept for the next booking
    this.setData({
      formKind, formAt, formTitle, form: { topic: '', name, phone }, formError: '', sent: '', consentNote: '',
    })
    wx.pageScrollTo({ selector: '.request', duration: 300 })
  },

  onBookOpen(e) {
    const id = Number(e.currentTarget.dataset.id)
    const shift = this.data.shifts.find((s) => s.id === id)
    if (shift && shift.canBook) this.openForm('booking', id, `预约：${shift.when}（${shift.deputyName}值班）`)
  },

  onMeetOpen(e) {
    const id = Number(e.currentTarget.dataset.id)
    const deputy = this.data.studio.deputies.find((d) => d.id === id)
    if (deputy) this.openForm('meeting', id, `约见${deputy.name}`)
  },

  onFormClose() {
    this.setData({ formKind: '', formError: '' })
  },

  onFormInput(e) {
    this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value })
  },

  async onFormSend() {
    const {
      form, formKind, formAt, visitor,
    } = this.data
    const problem = deputies.bookingProblem(form, visitor)
    this.setData({ formError: problem })
    if (problem) return
    const booking = formKind === 'booking'
    let full = false
    const path = booking ? paths.shiftBookings(formAt) : paths.deputyMeetingRequests(formAt)
    const ok = await actions.post(this, path, deputies.bookingRequest(form, visitor), {
      done: booking ? '预约成功' : '已发送约见请求',
      failTitle: booking ? '未能预约' : '约见请求未发送',
      reload: false,
      // A slot taken meanwhile: said, and the rota read again to show it full.
      handled: (err) => {
        full = err.code === 'deputy.slot_full'
        return false
      },
    })
    if (ok) {
      const what = booking ? '预约成功，请按时到工作室。' : '约见请求已发送，代表确认后会约定时间。'
      this.setData({ formKind: '', sent: visitor ? `${what}您可在下方“我的预约和约见”中查看。` : what })
    }
    if (ok || full) await this.load()
  },

  // 接收提醒, after a member's booking or request: inside the tap, as WeChat requires.
  onSubscribe() {
    if (this.data.subscribing) return Promise.resolve()
    if (!subscription.alreadyGranted(this.templates, KINDS) && subscription.idsToAsk(this.templates, KINDS).length === 0) {
      this.setData({ consentNote: errors.messageFor({ code: 'subscribe.unavailable' }) })
      return this.loadTemplates()
    }
    const consent = subscription.askQuietly(this.templates, KINDS)
    this.setData({ subscribing: true })
    return consent.then((outcome) => {
      this.setData({ subscribing: false, consentNote: deputies.consentText(outcome, '接待前一天') })
      return outcome.asked ? this.loadTemplates() : undefined
    })
  },

  async onCancel(e) {
    const id = Number(e.currentTarget.dataset.id)
    const reception = this.data.mine.find((r) => r.id === id)
    if (!reception || this.data.busy) return
    const go = await ui.confirm({
      title: '取消预约',
      content: `取消${reception.when ? `${reception.when}的` : ''}${reception.kindText}吗？`,
      confirmText: '确认取消',
      cancelText: '保留',
    })
    if (!go) return
    await actions.post(this, paths.receptionCancel(id), {}, { done: '已取消', failTitle: '未能取消', busyUntilReloaded: true })
  },
})
