// 暂不参加组织生活 (committee reviewers and org admins): who under my organisation is exempt from organisational life
// for now (GET /orgs/{id}/exemptions), adding one for a person found by name or phone, and revoking one with a reason.
const actions = require('../../utils/actions')
const api = require('../../utils/api')
const listPage = require('../../behaviors/list-page')
const errors = require('../../utils/errors')
const month = require('../../utils/month')
const roles = require('../../utils/roles')
const ui = require('../../utils/ui')
const paths = require('../../utils/paths')

const STATE_TEXT = { active: '有效', revoked: '已撤销', expired: '已到期', future: '未生效' }

function exemptionView(x, today) {
  let state = 'active'
  if (x.revoked_at) state = 'revoked'
  else if (x.valid_until && x.valid_until < today) state = 'expired'
  else if (x.valid_from > today) state = 'future'
  return {
    id: x.id,
    personId: x.person_id,
    name: x.person_name,
    reason: x.reason,
    period: `${x.valid_from} 至 ${x.valid_until || '长期'}`,
    approvedBy: x.approved_by_name || '',
    revokeReason: x.revoke_reason || '',
    state,
    stateText: STATE_TEXT[state],
    canRevoke: state === 'active' || state === 'future',
  }
}

const emptyForm = () => ({
  query: '', results: [], searched: false, person: null, reason: '', validFrom: month.today(), validUntil: '',
})

Page({
  behaviors: [listPage],

  data: {
    orgs: [],
    orgIndex: 0,
    items: [],
    adding: false,
    form: emptyForm(),
    formError: '',
    searching: false,
    busy: false,
  },

  onLoad() {
    return this.load()
  },

  async fetch() {
    if (!this.loaded) this.setData({ orgs: roles.reviewOrgs(await api.get(paths.me())) })
    const org = this.data.orgs[this.data.orgIndex]
    const list = org ? await api.get(paths.orgExemptions(org.id)) : []
    const today = month.today()
    this.setData({ items: list.map((x) => exemptionView(x, today)) })
  },

  onOrg(e) {
    this.setData({ orgIndex: Number(e.detail.value), items: [], adding: false })
    this.load()
  },

  onAdd() {
    this.setData({ adding: !this.data.adding, form: emptyForm(), formError: '' })
  },

  onQuery(e) {
    this.setData({ 'form.query': e.detail.value })
  },

  // GET /orgs/{id}/people?q=: people of the organisation and everything under it, by name or phone.
  async onSearch() {
    const q = this.data.form.query.trim()
    if (!q || this.data.searching) return
    const org = this.data.orgs[this.data.orgIndex]
    this.setData({ searching: true, formError: '' })
    try {
      const page = await api.get(paths.orgPeople(org.id), { q, per_page: 20 })
      const results = (page.items || []).map((p) => ({ id: p.id, name: p.name, phone: p.phone, exempt: p.exempt }))
      this.setData({ 'form.results': results, 'form.searched': true })
    } catch (err) {
      this.setData({ formError: errors.messageFor(err) })
    } finally {
      this.setData({ searching: false })
    }
  },

  onPickPerson(e) {
    const id = Number(e.currentTarget.dataset.id)
    const person = this.data.form.results.find((p) => p.id === id)
    this.setData({ 'form.person': person || null, formError: '' })
  },

  onReason(e) {
    this.setData({ 'form.reason': e.detail.value })
  },

  onDate(e) {
    this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value })
  },

  onLongTerm() {
    this.setData({ 'form.validUntil': '' })
  },

  async onSave() {
    const { form } = this.data
    let problem = ''
    if (!form.person) problem = '请先查找并选择人员'
    else if (!form.reason.trim()) problem = '请填写暂不参加组织生活的原因'
    else if (form.validUntil && form.validUntil < form.validFrom) problem = '结束日期不能早于开始日期'
    if (problem) {
      this.setData({ formError: problem })
      return
    }
    const body = { reason: form.reason.trim(), valid_from: form.validFrom, valid_until: form.validUntil || null }
    const done = await this.act(paths.personExemptions(form.person.id), body, '已登记', '登记失败')
    if (done) this.setData({ adding: false, form: emptyForm() })
  },

  async onRevoke(e) {
    if (this.data.busy) return
    const { id, name } = e.currentTarget.dataset
    const reason = await ui.requireText({
      title: `撤销${name}的登记`, placeholder: '如：已恢复参加组织生活', missing: '请填写撤销原因', confirmText: '确认撤销', cancelText: '不撤销',
    })
    if (!reason) return
    await this.act(paths.exemptionRevoke(id), { reason }, '已撤销', '撤销失败')
  },

  // Resolves true once the POST went through.
  act(path, body, done, failTitle) {
    return actions.post(this, path, body, { done, failTitle })
  },
})
