// 我的履职 (leading cadres and secretaries; home: 我的履职): the year's duties —
//   the quotas as bars (done/required, 已完成 when met; a count without a quota has no bar), what is still missing and
//   who is still owed a talk (记录谈话 opens pages/talk-form on that person), where each count came from (查看来源, folded);
//   记录履职 (POST /me/duties): the kind, the date (and the end of a period), the contact point of a contact-point
//   kind (GET /me/contact-points), place, topic, summary;
//   my entries (GET /me/duties?year=) with 修改 (PATCH /duty-entries/{id}) until editable_until and 更正 after (a new
//   entry with corrects; a 修改 the server answers duty.correction_closed offers the same), and under each its photos
//   and documents with 添加照片 (components/attachment-list).
// ?person= (from 履职情况) shows that person's progress only, read-only; ?year= opens on that year.
const account = require('../../utils/account')
const actions = require('../../utils/actions')
const api = require('../../utils/api')
const listPage = require('../../behaviors/list-page')
const duties = require('../../utils/duties')
const month = require('../../utils/month')
const nav = require('../../utils/nav')
const ui = require('../../utils/ui')
const paths = require('../../utils/paths')

const titleOf = (form) => {
  if (form.editing) return '修改记录'
  return form.corrects ? '更正记录' : '记录履职'
}

Page({
  behaviors: [listPage],

  data: {
    year: 0,
    readOnly: false,
    progress: null,
    expanded: {}, // quota key → its 来源 shown
    entries: [],
    contacts: [],
    kinds: duties.KINDS,
    formAt: null, // the form is open: 'new', or the id of the entry it edits or corrects
    formTitle: '',
    formOf: '', // the entry edited or corrected
    form: duties.emptyForm(),
    names: duties.fieldsFor(null),
    fieldErrors: {},
    today: '',
    busy: false,
  },

  onLoad(query = {}) {
    this.personId = Number(query.person) || 0
    const year = Number(query.year) || month.shanghaiDate().year
    this.setData({ year, readOnly: Boolean(this.personId), today: month.today() })
    if (this.personId) wx.setNavigationBarTitle({ title: '履职情况' })
    return this.load()
  },

  showsLoading() {
    return !this.data.progress
  },

  // An answer for a year no longer shown sets nothing.
  async fetch() {
    const { year } = this.data
    if (this.personId) {
      const body = await api.get(paths.personDuties(this.personId), { year })
      if (year === this.data.year) this.setData({ progress: duties.progressView(body) })
      return
    }
    const me = account.person() || account.remember(await api.get(paths.me()))
    const [body, entries, contacts] = await Promise.all([
      api.get(paths.personDuties(me.id), { year }),
      api.get(paths.meDuties(), { year }),
      api.get(paths.meContactPoints()),
    ])
    if (year !== this.data.year) return
    this.entries = entries
    const now = Date.now()
    this.setData({
      progress: duties.progressView(body),
      entries: entries.map((entry) => duties.entryView(entry, now)),
      contacts: contacts.map(duties.contactView),
      today: month.today(),
    })
  },

  onYear(e) {
    const year = this.data.year + Number(e.currentTarget.dataset.step)
    this.setData({ year, progress: null, entries: [], expanded: {}, formAt: null })
    return this.load()
  },

  onToggleEvidence(e) {
    const { key } = e.currentTarget.dataset
    this.setData({ [`expanded.${key}`]: !this.data.expanded[key] })
  },

  onTalk(e) {
    const { person, name } = e.currentTarget.dataset
    const who = person ? `&person=${person}&name=${encodeURIComponent(name)}` : ''
    nav.open(`/pages/talk-form/index?year=${this.data.year}${who}`)
  },

  // ---- the form, under 记录履职: a new entry, or an entry's 修改 / 更正 (the page scrolls up to it)
  openForm(formAt, form) {
    const entry = this.data.entries.find((x) => x.id === formAt)
    this.setData({
      formAt,
      form,
      formTitle: titleOf(form),
      formOf: entry ? `${entry.kindText} ${entry.when}` : '',
      names: duties.fieldsFor(duties.KINDS[form.kindIndex]),
      fieldErrors: {},
      today: month.today(),
    })
    if (entry) wx.pageScrollTo({ selector: '.duty-form', duration: 300 })
  },

  onLogOpen() {
    if (this.data.formAt === 'new') this.onCancelForm()
    else this.openForm('new', duties.emptyForm(month.today()))
  },

  onEdit(e) {
    const id = Number(e.currentTarget.dataset.id)
    const entry = this.entries.find((x) => x.id === id)
    if (entry) this.openForm(id, duties.fromEntry(entry, this.data.contacts))
  },

  onCorrect(e) {
    const id = Number(e.currentTarget.dataset.id)
    const entry = this.entries.find((x) => x.id === id)
    if (entry) this.openForm(id, duties.fromEntry(entry, this.data.contacts, { correct: true }))
  },

  onCancelForm() {
    this.setData({ formAt: null, fieldErrors: {} })
  },

  onKind(e) {
    const kindIndex = Number(e.detail.value)
    const kind = duties.KINDS[kindIndex]
    const patch = { 'form.kindIndex': kindIndex, names: duties.fieldsFor(kind), fieldErrors: {} }
    // One contact point: nothing to choose.
    if (kind && kind.contact && this.data.contacts.length === 1 && this.data.form.contactIndex < 0) patch['form.contactIndex'] = 0
    this.setData(patch)
  },

  // The pickers: startsOn, endsOn and contactIndex (the picker's data-field). A start moved past the end takes the
  // end along.
  onFormPick(e) {
    const { field } = e.currentTarget.dataset
    const value = field === 'contactIndex' ? Number(e.detail.value) : e.detail.value
    const patch = { [`form.${field}`]: value }
    if (field === 'startsOn' && this.data.form.endsOn < value) patch['form.endsOn'] = value
    this.setData(patch)
  },

  onFormInput(e) {
    this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value })
  },

  // A new entry or a correction is POSTed, a 修改 PATCHed; a 修改 the server finds too late offers the correction.
  async onSave() {
    const { form, contacts } = this.data
    const fieldErrors = duties.validate(form, contacts, month.today())
    this.setData({ fieldErrors })
    if (Object.keys(fieldErrors).length > 0) return
    let tooLate = false
    const tooLateFor = (err) => {
      tooLate = err.code === 'duty.correction_closed'
      return tooLate
    }
    let ok
    if (form.editing) {
      ok = await actions.send(this, 'patch', paths.dutyEntry(form.editing), duties.toPatch(form, contacts), {
        done: '已保存修改', failTitle: '修改未保存', reload: false, handled: tooLateFor,
      })
    } else {
      ok = await actions.post(this, paths.meDuties(), duties.toRequest(form, contacts), {
        done: form.corrects ? '已新增更正记录' : '已记录', failTitle: '未能记录', reload: false,
      })
    }
    if (ok) this.setData({ formAt: null, form: duties.emptyForm(month.today()) })
    if (ok || tooLate) await this.load()
    if (tooLate) await this.offerCorrection(form)
  },

  // 修改 came too late: the entry can only be corrected now, with the form as filled in.
  async offerCorrection(form) {
    const go = await ui.confirm({
      title: '已过修改期限',
      content: '这条记录已过修改期限，不能再修改。您可以新增一条更正记录，原记录将标为“已更正”。',
      confirmText: '新增更正记录',
      cancelText: '暂不更正',
    })
    if (!go) return
    const correction = { ...form, editing: 0, corrects: form.editing }
    this.setData({ formAt: form.editing, form: correction, formTitle: titleOf(correction) })
    await this.onSave()
  },
})
