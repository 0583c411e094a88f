// 提出提案 (deputies; home: 提出提案, and 我的反映): a proposal drafted with co-signers (POST /proposals): the category,
// the title and the content, the organisation it goes to (the committee at my level: one of my constituency's or of my
// roles, or 其他组织 by its number) and the deputies who sign it too (the deputies of every studio but me, ticked).
// Each co-signer confirms on the matter page, where I then 提交提案; the proposal opens there once drafted. Sending
// asks WeChat (inside the tap) for consent to be told of the answer.
const api = require('../../utils/api')
const deputies = require('../../utils/deputies')
const errors = require('../../utils/errors')
const listPage = require('../../behaviors/list-page')
const paths = require('../../utils/paths')
const roles = require('../../utils/roles')
const subscription = require('../../utils/subscribe')

const KINDS = deputies.SUBSCRIBE_KINDS.answered

const emptyForm = () => ({
  orgIndex: -1, orgNumber: '', cosignerIds: [], ...deputies.emptyCase(),
})

// Every deputy of the studios, each once, but me.
function cosignerChoices(studios, myId) {
  const seen = new Set([myId])
  return studios.flatMap((s) => s.deputies)
    .filter((d) => !seen.has(d.person_id) && seen.add(d.person_id))
    .map((d) => ({ id: d.person_id, text: `${d.name}（${d.level ? deputies.levelLabel(d.level) : '党代表'}）` }))
}

Page({
  behaviors: [listPage],

  data: {
    deputy: true,
    orgs: [],
    cosigners: [],
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
    if (!roles.isDeputy(me)) {
      this.setData({ deputy: false })
      return
    }
    const [constituency, studios] = await Promise.all([
      api.get(paths.personConstituency(me.id)),
      api.get(paths.studios(), { page: 1, per_page: 100 }),
    ])
    if (!this.templates) this.loadTemplates()
    this.setData({
      deputy: true,
      orgs: deputies.orgChoices(constituency.orgs, roles.orgsWith(me, roles.INBOX_ROLES)),
      cosigners: cosignerChoices(studios.items, me.id),
    })
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

  onCosigners(e) {
    this.setData({ 'form.cosignerIds': e.detail.value.map(Number), formError: '' })
  },

  onSubmit() {
    const { form, orgs } = this.data
    if (this.data.busy) return Promise.resolve()
    let problem = deputies.caseProblem(form, '提案') || deputies.orgProblem(orgs, form.orgIndex, form.orgNumber)
    if (!problem && form.cosignerIds.length > deputies.MAX_COSIGNERS) problem = `联名代表最多${deputies.MAX_COSIGNERS}位`
    this.setData({ formError: problem })
    if (problem) return Promise.resolve()
    const body = deputies.proposalRequest(form, orgs)
    return subscription.askQuietly(this.templates, KINDS).then(() => this.send(body))
  },

  async send(body) {
    this.setData({ busy: true })
    let created = null
    let retry = false
    try {
      created = await api.post(paths.proposals(), body)
    } catch (err) {
      retry = await errors.promptRetry(err, '提案未提交')
    } finally {
      this.setData({ busy: false })
    }
    if (retry) return this.send(body)
    if (created) {
      wx.showToast({ title: body.cosigner_ids.length ? '已起草，等待联名代表确认' : '已起草，请提交', icon: 'none' })
      wx.redirectTo({ url: `/pages/matter/index?id=${created.id}` })
    }
    return undefined
  },
})
