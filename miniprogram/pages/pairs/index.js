// 结对共建 (a branch secretary; home: 结对共建): the pairs my branch is in (GET /orgs/{id}/pairs); a tap shows the
// pair's year (GET /org-pairs/{id}/year): the joint activities with each side's own attendance, the exchanges and the
// help given; 登记 adds an exchange or help on behalf of my side (POST /org-pairs/{id}/entries).
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const listPage = require('../../behaviors/list-page')
const life = require('../../utils/org-life')
const month = require('../../utils/month')
const paths = require('../../utils/paths')
const roles = require('../../utils/roles')

Page({
  behaviors: [listPage],

  data: {
    orgs: [],
    orgIndex: 0,
    pairs: [],
    year: null, // the pair's year shown
    yearNo: 0,
    kinds: life.ENTRY_KINDS,
    today: '',
    form: null,
    formError: '',
    busy: false,
  },

  onLoad() {
    this.setData({ today: month.today(), yearNo: Number(month.today().slice(0, 4)) })
    return this.load()
  },

  async fetch() {
    if (!this.me) this.me = await api.get(paths.me())
    const orgs = roles.secretaryBranches(this.me)
    this.setData({ orgs })
    const org = orgs[this.data.orgIndex]
    const rows = org ? await api.get(paths.orgPairs(org.id)) : []
    this.setData({ pairs: rows.map(life.pairView), year: null, form: null })
  },

  onOrg(e) {
    this.setData({ orgIndex: Number(e.detail.value) })
    return this.load()
  },

  async onOpen(e) {
    this.pairId = Number(e.currentTarget.dataset.id)
    return this.loadYear()
  },

  async loadYear() {
    try {
      const body = await api.get(paths.pairYear(this.pairId), { year: this.data.yearNo })
      this.setData({ year: life.pairYearView(body) })
    } catch (err) {
      wx.showToast({ title: errors.messageFor(err), icon: 'none' })
    }
  },

  onBack() {
    this.setData({ year: null, form: null })
  },

  // 登记: my side by default (the organisation of the pair I am secretary of).
  onAdd() {
    const mine = new Set(this.data.orgs.map((o) => o.id))
    const index = this.data.year.pair.orgs.findIndex((o) => mine.has(o.id))
    this.setData({ form: { ...life.emptyEntry(this.data.today), orgIndex: Math.max(index, 0) }, formError: '' })
  },

  onPick(e) {
    this.setData({ [`form.${e.currentTarget.dataset.field}`]: Number(e.detail.value) })
  },

  onDate(e) {
    this.setData({ 'form.on': e.detail.value })
  },

  onInput(e) {
    this.setData({ 'form.summary': e.detail.value })
  },

  async onSave() {
    const { form, year, today } = this.data
    if (this.data.busy || !form) return
    const problem = life.entryProblem(form, year.pair.orgs, today)
    this.setData({ formError: problem })
    if (problem) return
    this.setData({ busy: true })
    try {
      await api.post(paths.pairEntries(this.pairId), life.entryRequest(form, year.pair.orgs))
      this.setData({ form: null })
      wx.showToast({ title: '已登记', icon: 'none' })
      await this.loadYear()
    } catch (err) {
      this.setData({ formError: errors.messageFor(err) })
    } finally {
      this.setData({ busy: false })
    }
  },
})
