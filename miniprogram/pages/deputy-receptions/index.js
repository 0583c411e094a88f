// 接待记录 (deputies; home: 接待记录): the receptions I hold (GET /me/deputy-receptions, newest first, phones masked).
// 待处理: a request for a meeting (约谈) is answered with a date and a time (POST /receptions/{id}/answer
// {accept: true, meets_at}) or 婉拒 ({accept: false}); a booking, an agreed meeting or an invitation is recorded after
// it (POST /receptions/{id}/record): whether the person came, what they raised, and each matter to follow up as a case
// (category, title, body), which the matter page then follows. 已结束: the rest, with the cases recorded.
const actions = require('../../utils/actions')
const api = require('../../utils/api')
const deputies = require('../../utils/deputies')
const listPage = require('../../behaviors/list-page')
const month = require('../../utils/month')
const nav = require('../../utils/nav')
const paths = require('../../utils/paths')
const ui = require('../../utils/ui')

const isOpen = (r) => r.canAnswer || r.canRecord

Page({
  behaviors: [listPage],

  data: {
    tab: 'open',
    open: [],
    done: [],
    categories: deputies.CATEGORIES,
    formAt: null, // the reception whose form is open
    formKind: '', // 'answer' (a time for a meeting) or 'record'
    meeting: { date: '', time: '09:00' },
    record: deputies.emptyRecord(),
    formError: '',
    today: '',
    busy: false,
  },

  onLoad() {
    return this.load()
  },

  async fetch() {
    const rows = await api.get(paths.meDeputyReceptions())
    const today = month.today()
    const views = rows.map((r) => deputies.receptionView(r, today))
    this.setData({
      open: views.filter(isOpen), done: views.filter((r) => !isOpen(r)), today, formAt: null, formError: '',
    })
  },

  onTab(e) {
    this.setData({ tab: e.currentTarget.dataset.tab })
  },

  find(id) {
    return this.data.open.find((r) => r.id === id)
  },

  onCloseForm() {
    this.setData({ formAt: null, formError: '' })
  },

  // ---- a request for a meeting: a time, or 婉拒
  onAnswerOpen(e) {
    const id = Number(e.currentTarget.dataset.id)
    this.setData({
      formAt: id, formKind: 'answer', meeting: { date: deputies.addDays(month.today(), 1), time: '09:00' }, formError: '',
    })
  },

  onMeetingPick(e) {
    this.setData({ [`meeting.${e.currentTarget.dataset.field}`]: e.detail.value, formError: '' })
  },

  async onAccept() {
    const { meeting, formAt } = this.data
    const problem = deputies.meetingProblem(meeting)
    this.setData({ formError: problem })
    if (problem) return
    const body = { accept: true, meets_at: deputies.stampOf(meeting.date, meeting.time) }
    await actions.post(this, paths.receptionAnswer(formAt), body, {
      done: '已约定见面时间', failTitle: '未能答复', busyUntilReloaded: true,
    })
  },

  async onDecline(e) {
    const reception = this.find(Number(e.currentTarget.dataset.id))
    if (!reception || this.data.busy) return
    const go = await ui.confirm({
      title: '婉拒约见', content: `婉拒${reception.name}的约见请求吗？`, confirmText: '婉拒', cancelText: '再想想',
    })
    if (!go) return
    await actions.post(this, paths.receptionAnswer(reception.id), { accept: false }, {
      done: '已婉拒', failTitle: '未能答复', busyUntilReloaded: true,
    })
  },

  // ---- the record of a reception
  onRecordOpen(e) {
    const id = Number(e.currentTarget.dataset.id)
    this.setData({
      formAt: id, formKind: 'record', record: deputies.emptyRecord(), formError: '',
    })
  },

  // data-came: whether the person came; someone who did not come raised no cases.
  onCame(e) {
    const came = Boolean(e.currentTarget.dataset.came)
    const patch = { 'record.came': came, formError: '' }
    if (!came) patch['record.cases'] = []
    this.setData(patch)
  },

  onRecordInput(e) {
    this.setData({ [`record.${e.currentTarget.dataset.field}`]: e.detail.value })
  },

  onCaseAdd() {
    if (this.data.record.cases.length >= deputies.MAX_CASES) {
      this.setData({ formError: `一次接待最多登记${deputies.MAX_CASES}件问题` })
      return
    }
    this.setData({ 'record.cases': this.data.record.cases.concat(deputies.emptyCase()) })
  },

  onCaseRemove(e) {
    const index = Number(e.currentTarget.dataset.index)
    this.setData({ 'record.cases': this.data.record.cases.filter((_, i) => i !== index), formError: '' })
  },

  onCasePick(e) {
    this.setData({ [`record.cases[${e.currentTarget.dataset.index}].categoryIndex`]: Number(e.detail.value) })
  },

  onCaseInput(e) {
    const { index, field } = e.currentTarget.dataset
    this.setData({ [`record.cases[${index}].${field}`]: e.detail.value })
  },

  async onRecordSave() {
    const { record, formAt } = this.data
    const problem = deputies.recordProblem(record)
    this.setData({ formError: problem })
    if (problem) return
    const cases = record.came ? record.cases.length : 0
    await actions.post(this, paths.receptionRecord(formAt), deputies.recordRequest(record), {
      done: cases > 0 ? `已登记，${cases}件问题待转交` : '已登记', failTitle: '接待情况未登记', busyUntilReloaded: true,
    })
  },

  onOpenCase(e) {
    nav.open(`/pages/matter/index?id=${e.currentTarget.dataset.id}`)
  },
})
