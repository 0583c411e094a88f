// 提出质询 (members; home: 提出质询, and 我的反映): a question to a Party organisation (POST /questions), which must answer
// it within the period the server sets. The organisation: my own (a member asks their own organisation or one above
// it), those where I hold a role, for a deputy (who may ask any) those of their constituency, or 其他组织 by its
// number; then the category, the title and the content. Sending asks WeChat (inside the tap) for consent to be told
// of the answer; the question then opens on the matter page.
const api = require('../../utils/api')
const deputies = require('../../utils/deputies')
const errors = require('../../utils/errors')
const listPage = require('../../behaviors/list-page')
const paths = require('../../utils/paths')
const roles = require('../../utils/roles')
const subscription = require('../../utils/subscribe')

const KINDS = deputies.SUBSCRIBE_KINDS.answered
const OWN_ORG = '您所在的党组织'

const emptyForm = () => ({
  orgIndex: -1, orgNumber: '', ...deputies.emptyCase(),
})

Page({
  behaviors: [listPage],

  data: {
    orgs: [],
    categories: deputies.CATEGORIES,
    form: emptyForm(),
    formError: '',
    busy: false,
  },

  onLoad() {
    return this.load()
  },

  async fetch() {
    const me = await api.get(paths.me())
    let constituency = []
    if (roles.isDeputy(me)) constituency = (await api.get(paths.personConstituency(me.id))).orgs
    if (!this.templates) this.loadTemplates()
    const own = { id: me.org_id, name: OWN_ORG }
    const orgs = deputies.orgChoices([own], roles.orgsWith(me, roles.INBOX_ROLES), constituency)
    this.setData({ orgs, 'form.orgIndex': this.data.form.orgIndex < 0 ? 0 : this.data.form.orgIndex })
  },

  async loadTemplates() {
    try {
      this.templates = await subscription.loadTemplates()
    } catch (err) {
      this.templates = null
    }
  },

  onPick(e) {
    this.setData({ [`form.${e.currentTarget.dataset.field}`]: Number(e.detail.value), formError: '' })
  },

  onInput(e) {
    this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value })
  },

  // The checks first; then consent is asked inside the tap, and the question sent whatever the answer.
  onSubmit() {
    const { form, orgs } = this.data
    if (this.data.busy) return Promise.resolve()
    const problem = deputies.orgProblem(orgs, form.orgIndex, form.orgNumber) || deputies.caseProblem(form, '质询')
    this.setData({ formError: problem })
    if (problem) return Promise.resolve()
    const body = deputies.questionRequest(form, orgs)
    return subscription.askQuietly(this.templates, KINDS).then(() => this.send(body))
  },

  async send(body) {
    this.setData({ busy: true })
    let created = null
    let retry = false
    try {
      created = await api.post(paths.questions(), body)
    } catch (err) {
      retry = await errors.promptRetry(err, '质询未提交')
    } finally {
      this.setData({ busy: false })
    }
    if (retry) return this.send(body)
    if (created) {
      wx.showToast({ title: '质询已提交', icon: 'none' })
      wx.redirectTo({ url: `/pages/matter/index?id=${created.id}` })
    }
    return undefined
  },
})
