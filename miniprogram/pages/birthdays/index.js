// 政治生日 (a branch secretary; home: 政治生日): the members of my branch whose political birthday falls in a month
// (GET /orgs/{id}/political-birthdays?year=&month=, 只看未完成 → &pending=true), each with its four items; 记录 opens the
// record of a celebrated member's items: the 思想汇报 text, 重温入党誓词 and 参观学习 ticked, and 书记谈心交流 recorded as
// my talk with them (PATCH /political-birthdays/{id}), and the 思想汇报 as a file (components/attachment-list,
// owner_type political_birthday). 安排政治生日活动: the members not yet celebrated are ticked and added to this month's plan
// of the category 政治生日 (GET /orgs/{id}/plans?month=, POST /plans/{id}/political-birthdays), then the list is read again.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const listPage = require('../../behaviors/list-page')
const life = require('../../utils/org-life')
const month = require('../../utils/month')
const paths = require('../../utils/paths')
const roles = require('../../utils/roles')
const { tooLong } = require('../../utils/form-checks')

const NO_PLAN = '请先制定本月“政治生日”主题的活动计划'
const CLOSED = {
  arranging: false, plans: [], planIndex: 0, noPlan: '', arrangeError: '', arrangeBusy: false,
}

Page({
  behaviors: [listPage],

  data: {
    orgs: [],
    orgIndex: 0,
    month: '',
    monthText: '',
    pending: false,
    items: [],
    unplanned: 0, // how many listed members are not yet celebrated
    editing: 0, // the celebration being recorded
    form: null,
    formError: '',
    busy: false,
    arranging: false, // 安排政治生日活动 open: the plans to pick from and the members ticked
    plans: [],
    planIndex: 0,
    noPlan: '',
    arrangeError: '',
    arrangeBusy: false,
  },

  onLoad() {
    const current = month.currentMonth()
    this.setData({ month: current, monthText: month.monthLabel(current) })
    return this.load()
  },

  async fetch() {
    if (!this.me) this.me = await api.get(paths.me())
    const orgs = roles.secretaryBranches(this.me)
    this.setData({ orgs })
    const org = orgs[this.data.orgIndex]
    if (!org) {
      this.setData({ items: [], unplanned: 0 })
      return
    }
    const [year, mon] = this.data.month.split('-').map(Number)
    const query = { year, month: mon }
    if (this.data.pending) query.pending = true
    const rows = await api.get(paths.orgPoliticalBirthdays(org.id), query)
    const items = rows.map((b) => ({ ...life.birthdayView(b), picked: false }))
    this.setData({
      items, unplanned: items.filter((b) => !b.planned).length, editing: 0, form: null,
    })
  },

  onOrg(e) {
    this.setData({ orgIndex: Number(e.detail.value), ...CLOSED })
    return this.load()
  },

  onMonth(e) {
    const picked = String(e.detail.value).slice(0, 7)
    this.setData({ month: picked, monthText: month.monthLabel(picked), ...CLOSED })
    return this.load()
  },

  // 安排政治生日活动: this month's plans of my branch of the category 政治生日; none says to make one first.
  async onArrange() {
    const org = this.data.orgs[this.data.orgIndex]
    if (!org || this.data.arrangeBusy) return
    this.setData({
      arranging: true, plans: [], planIndex: 0, noPlan: '', arrangeError: '', arrangeBusy: true,
    })
    try {
      const rows = await api.get(paths.orgPlans(org.id), { month: this.data.month })
      const plans = rows
        .filter((p) => p.category === 'political_birthday' && p.org_id === org.id)
        .map((p) => ({ id: p.id, text: `${p.theme}（${month.dayLabel(p.date)}）` }))
      this.setData({ plans, noPlan: plans.length ? '' : NO_PLAN })
    } catch (err) {
      this.setData({ arrangeError: errors.messageFor(err) })
    } finally {
      this.setData({ arrangeBusy: false })
    }
  },

  onArrangeCancel() {
    this.setData({ ...CLOSED, items: this.data.items.map((b) => ({ ...b, picked: false })) })
  },

  onPlan(e) {
    this.setData({ planIndex: Number(e.detail.value) })
  },

  onPick(e) {
    const id = Number(e.currentTarget.dataset.id)
    const index = this.data.items.findIndex((b) => b.id === id && !b.planned)
    if (index < 0) return
    this.setData({ [`items[${index}].picked`]: !this.data.items[index].picked, arrangeError: '' })
  },

  // The ticked members added to the picked plan (all or nothing), then the list read again.
  async onCelebrate() {
    const plan = this.data.plans[this.data.planIndex]
    if (this.data.arrangeBusy || !plan) return
    const ids = this.data.items.filter((b) => b.picked && !b.planned).map((b) => b.id)
    if (ids.length === 0) {
      this.setData({ arrangeError: '请勾选要安排的同志' })
      return
    }
    this.setData({ arrangeBusy: true, arrangeError: '' })
    try {
      await api.post(paths.planPoliticalBirthdays(plan.id), { person_ids: ids })
    } catch (err) {
      this.setData({ arrangeError: errors.messageFor(err), arrangeBusy: false })
      return
    }
    this.setData({ ...CLOSED })
    wx.showToast({ title: `已安排${ids.length}位同志`, icon: 'none' })
    await this.load()
  },

  onPending() {
    this.setData({ pending: !this.data.pending })
    return this.load()
  },

  onEdit(e) {
    const item = this.data.items.find((b) => b.celebrationId === Number(e.currentTarget.dataset.id))
    if (!item) return
    this.setData({
      editing: item.celebrationId,
      form: {
        report: item.report, oathRenewed: item.oathRenewed, visitDone: item.visitDone, talked: item.talked, talk: false,
      },
      formError: '',
    })
  },

  onCancel() {
    this.setData({ editing: 0, form: null, formError: '' })
  },

  onInput(e) {
    this.setData({ 'form.report': e.detail.value })
  },

  onToggle(e) {
    const { field } = e.currentTarget.dataset
    this.setData({ [`form.${field}`]: !this.data.form[field] })
  },

  async onSave() {
    const { form, editing } = this.data
    if (this.data.busy || !form) return
    if (tooLong(form.report, life.LIMITS.report)) {
      this.setData({ formError: `思想汇报不超过${life.LIMITS.report}字` })
      return
    }
    const body = { report: String(form.report || '').trim(), oath_renewed: form.oathRenewed, visit_done: form.visitDone }
    if (form.talk && !form.talked) body.secretary_talk = true
    this.setData({ busy: true, formError: '' })
    try {
      const saved = life.birthdayView(await api.patch(paths.politicalBirthday(editing), body))
      const items = this.data.items.map((b) => (b.celebrationId === editing ? saved : b))
      this.setData({ items, editing: 0, form: null })
      wx.showToast({ title: '已记录', icon: 'none' })
    } catch (err) {
      this.setData({ formError: errors.messageFor(err) })
    } finally {
      this.setData({ busy: false })
    }
  },
})
