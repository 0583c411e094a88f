// 我的值班 (deputies; home: 我的值班): my duty slots from the start of this month on (GET /me/rota) — the day and time,
// the studio, places booked of the capacity, 已签到 once I scanned the studio's QR during the slot (扫码签到 opens the
// scan page), 未签到 for a slot over without it; 请人代班 on a slot still to come, asking another deputy of its studio
// (GET /studios/{id}; POST /rota-shifts/{id}/swaps); the swaps other deputies asked of me with 同意 / 拒绝
// (POST /rota-swaps/{id}/accept | decline); the days I cannot be on duty (PUT /me/unavailable-days replaces them all),
// which the rotas made later avoid.
const actions = require('../../utils/actions')
const api = require('../../utils/api')
const deputies = require('../../utils/deputies')
const errors = require('../../utils/errors')
const listPage = require('../../behaviors/list-page')
const month = require('../../utils/month')
const nav = require('../../utils/nav')
const paths = require('../../utils/paths')
const ui = require('../../utils/ui')

Page({
  behaviors: [listPage],

  data: {
    shifts: [],
    swaps: [],
    days: [], // my unavailable days, YYYY-MM-DD, as they will be saved
    dayChips: [],
    daysChanged: false,
    dayError: '',
    today: '',
    lastDay: '',
    swapAt: null, // the slot whose 请人代班 form is open
    swapChoices: [],
    swapIndex: -1,
    swapError: '',
    busy: false,
  },

  onLoad() {
    this.studios = {}
    return this.load()
  },

  async fetch() {
    const rota = await api.get(paths.meRota())
    const now = Date.now()
    const today = month.today(now)
    const slots = await this.slotsOf(rota.swaps_asked_of_me, rota.shifts, now, today)
    this.setData({
      shifts: rota.shifts.map((s) => deputies.shiftView(s, now, today)),
      swaps: rota.swaps_asked_of_me.map((w) => deputies.swapView(w, slots[w.shift_id])),
      days: rota.unavailable_days,
      dayChips: rota.unavailable_days.map((d) => deputies.dayChip(d, today)),
      daysChanged: false,
      dayError: '',
      today,
      lastDay: deputies.addDays(today, 366),
      swapAt: null,
    })
  },

  // A swap names only the slot's id: it is looked for in this month's and next month's rotas of my studios (the
  // deputy asking is one of them). Not found, or not readable now: the card asks to check the time with them.
  async slotsOf(swaps, shifts, now, today) {
    if (swaps.length === 0) return {}
    const studioIds = [...new Set(shifts.map((s) => s.studio_id))]
    const months = [month.currentMonth(now), month.addMonths(month.currentMonth(now), 1)]
    const rotas = await Promise.all(studioIds.flatMap((id) => months.map((m) => api.get(paths.studioRota(id), { month: m })
      .catch(() => ({ shifts: [] })))))
    const slots = {}
    rotas.forEach((rota) => rota.shifts.forEach((s) => { slots[s.id] = deputies.shiftView(s, now, today) }))
    return slots
  },

  onScan() {
    nav.open('/pages/scan/index')
  },

  // ---- 请人代班: the other deputies of the slot's studio, read once per studio
  async studio(id) {
    if (!this.studios[id]) this.studios[id] = await api.get(paths.studio(id))
    return this.studios[id]
  },

  async onSwapOpen(e) {
    const id = Number(e.currentTarget.dataset.id)
    if (this.data.swapAt === id) {
      this.setData({ swapAt: null })
      return
    }
    const shift = this.data.shifts.find((s) => s.id === id)
    if (!shift || !shift.canSwap) return
    try {
      const choices = deputies.swapChoices(await this.studio(shift.studioId), shift.deputyId)
      this.setData({
        swapAt: id, swapChoices: choices, swapIndex: -1, swapError: choices.length ? '' : '本工作室没有其他党代表，无法请人代班',
      })
    } catch (err) {
      wx.showToast({ title: errors.messageFor(err), icon: 'none' })
    }
  },

  onSwapPick(e) {
    this.setData({ swapIndex: Number(e.detail.value), swapError: '' })
  },

  async onSwapSend() {
    const shift = this.data.shifts.find((s) => s.id === this.data.swapAt)
    const to = this.data.swapChoices[this.data.swapIndex]
    if (!shift) return
    if (!to) {
      this.setData({ swapError: '请选择代班的党代表' })
      return
    }
    const go = await ui.confirm({
      title: '请人代班',
      content: `请${to.name}代替您${shift.when}的值班？对方同意后才算换班。`,
      confirmText: '发送请求',
      cancelText: '再想想',
    })
    if (!go) return
    await actions.post(this, paths.shiftSwaps(shift.id), { to_person_id: to.id }, {
      done: '已发送代班请求', failTitle: '代班请求未发送', busyUntilReloaded: true,
    })
  },

  // 同意 / 拒绝 a swap asked of me (data-accept).
  async onSwapAnswer(e) {
    const id = Number(e.currentTarget.dataset.id)
    const accept = Boolean(e.currentTarget.dataset.accept)
    const swap = this.data.swaps.find((w) => w.id === id)
    if (!swap || this.data.busy) return
    const go = await ui.confirm(accept
      ? { title: '同意代班', content: `同意后，这次值班（${swap.slotText}）由您负责。`, confirmText: '同意代班', cancelText: '再想想' }
      : { title: '拒绝代班', content: `拒绝${swap.fromName}的代班请求吗？`, confirmText: '拒绝', cancelText: '再想想' })
    if (!go) return
    await actions.post(this, accept ? paths.swapAccept(id) : paths.swapDecline(id), {}, {
      done: accept ? '已同意代班' : '已拒绝代班', failTitle: '未能答复', busyUntilReloaded: true,
    })
  },

  // ---- the days I cannot be on duty: added and removed here, saved together
  onDayPick(e) {
    const day = e.detail.value
    const problem = deputies.unavailableProblem(this.data.days, day, month.today())
    if (problem) {
      this.setData({ dayError: problem })
      return
    }
    this.setDays([...this.data.days, day].sort())
  },

  onDayRemove(e) {
    const { day } = e.currentTarget.dataset
    this.setDays(this.data.days.filter((d) => d !== day))
  },

  setDays(days) {
    const today = month.today()
    this.setData({
      days, dayChips: days.map((d) => deputies.dayChip(d, today)), daysChanged: true, dayError: '',
    })
  },

  onDaysSave() {
    return actions.send(this, 'put', paths.meUnavailableDays(), { days: this.data.days }, {
      done: '已保存', failTitle: '未能保存', busyUntilReloaded: true,
    })
  },
})
