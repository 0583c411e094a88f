// 政治生日 (a branch secretary; home: 政治生日): the members of my branch whose political birthday falls in a month
// (GET /orgs/{id}/political-birthdays?year=&month=, 只看未完成 → &pending=true), each with its four items; 记录 opens the
// record of a celebrated member's items: the 思想汇报 text, 重温入党誓词 and 参观学习 ticked, and 书记谈心交流 recorded as
// my talk with them (PATCH /political-birthdays/{id}). A member not yet celebrated is added to a 政治生日 activity on
// the plan's page.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const listPage = require('../../behaviors/list-page')
const life = require('../../utils/org-life')
const month = require('../../utils/month')
const paths = require('../../utils/paths')
const roles = require('../../utils/roles')
const { tooLong } = require('../../utils/form-checks')

Page({
  behaviors: [listPage],

  data: {
    orgs: [],
    orgIndex: 0,
    month: '',
    monthText: '',
    pending: false,
    items: [],
    editing: 0, // the celebration being recorded
    form: null,
    formError: '',
    busy: false,
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
      this.setData({ items: [] })
      return
    }
    const [year, mon] = this.data.month.split('-').map(Number)
    const query = { year, month: mon }
    if (this.data.pending) query.pending = true
    const rows = await api.get(paths.orgPoliticalBirthdays(org.id), query)
    this.setData({ items: rows.map((b) => life.birthdayView(b)), editing: 0, form: null })
  },

  onOrg(e) {
    this.setData({ orgIndex: Number(e.detail.value) })
    return this.load()
  },

  onMonth(e) {
    const picked = String(e.detail.value).slice(0, 7)
    this.setData({ month: picked, monthText: month.monthLabel(picked) })
    return this.load()
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
