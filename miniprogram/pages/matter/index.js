// 事项详情 (?id=, and ?org= when opened from an organisation's 待办事项): one case, question or proposal (GET
// /matters/{id}) with its timeline — every step, oldest first: what, when, who, which organisation, the note —, the
// answer, and the raiser's rating while it is answered: 满意 / 基本满意 / 不满意 with an optional comment (POST
// /matters/{id}/rating; 不满意 sends it back for a second answer, once). Then the steps the person may take
// (utils/deputies.js stepsFor; POST /matters/{id}/steps): the case's deputy 转交办理 to an organisation or 办结; the
// handling organisation 答复, 退回 with the reason, and for questions 设为不公开; a co-signer 确认联名, the lead deputy
// 提交提案; the committee 立案交办 to a handling organisation or 不予立案. A member of the public reads and rates their
// own matter with the visitor token. A member sending it back is asked, inside the tap, for consent to be told of the
// second answer.
const actions = require('../../utils/actions')
const api = require('../../utils/api')
const auth = require('../../utils/auth')
const deputies = require('../../utils/deputies')
const listPage = require('../../behaviors/list-page')
const month = require('../../utils/month')
const paths = require('../../utils/paths')
const roles = require('../../utils/roles')
const subscription = require('../../utils/subscribe')
const ui = require('../../utils/ui')

const KINDS = deputies.SUBSCRIBE_KINDS.answered
const RATING_CHOICES = Object.entries(deputies.RATINGS).map(([key, label]) => ({ key, label }))

Page({
  behaviors: [listPage],

  data: {
    visitor: false,
    matter: null,
    steps: [],
    waiting: '',
    canRate: false,
    ratingChoices: RATING_CHOICES,
    ratingNote: '',
    rating: '',
    comment: '',
    ratingError: '',
    stepAt: '', // the step whose form is open
    stepSpec: null,
    stepForm: { orgIndex: -1, orgNumber: '', text: '' },
    stepError: '',
    orgs: [], // the organisations a step may name, then 其他组织
    busy: false,
  },

  onLoad(query = {}) {
    this.matterId = Number(query.id)
    this.orgId = Number(query.org) || 0
    return this.load()
  },

  showsLoading() {
    return !this.data.matter
  },

  async fetch() {
    const visitor = (await auth.visit()) === 'visitor'
    const [m, me] = await Promise.all([
      api.get(paths.matter(this.matterId)),
      visitor ? null : api.get(paths.me()),
    ])
    if (!visitor && !this.templates) this.loadTemplates()
    this.me = me
    const viewer = { visitor, me, orgId: this.orgId }
    this.setData({
      visitor,
      matter: deputies.matterView(m, month.today()),
      steps: deputies.stepsFor(m, viewer),
      waiting: deputies.waitingFor(m),
      canRate: deputies.canRate(m, viewer),
      ratingNote: deputies.ratingNote(m),
      rounds: m.rounds,
      stepAt: '',
      stepError: '',
    })
    wx.setNavigationBarTitle({ title: deputies.kindLabel(m.kind) })
  },

  async loadTemplates() {
    try {
      this.templates = await subscription.loadTemplates()
    } catch (err) {
      this.templates = null
    }
  },

  // ---- rating (the raiser, while answered)
  onRatingPick(e) {
    this.setData({ rating: e.currentTarget.dataset.rating, ratingError: '' })
  },

  onCommentInput(e) {
    this.setData({ comment: e.detail.value })
  },

  // 不满意 the first time sends it back: a member is asked (inside the tap) for consent to be told of the new answer.
  onRate() {
    const { rating, comment, visitor } = this.data
    if (this.data.busy) return Promise.resolve()
    if (!rating) {
      this.setData({ ratingError: '请先选择您的评价' })
      return Promise.resolve()
    }
    if (comment.trim().length > deputies.LIMITS.comment) {
      this.setData({ ratingError: `意见不超过${deputies.LIMITS.comment}字` })
      return Promise.resolve()
    }
    const reopens = rating === 'unsatisfied' && this.data.rounds < 2
    const consent = reopens && !visitor ? subscription.askQuietly(this.templates, KINDS) : Promise.resolve({ asked: false })
    return consent.then(() => actions.post(this, paths.matterRating(this.matterId), { rating, comment: comment.trim() }, {
      done: reopens ? '已退回重新办理' : '感谢您的评价', failTitle: '评价未提交', busyUntilReloaded: true,
    }))
  },

  // ---- steps
  async orgChoices() {
    if (!this.choices) {
      let constituency = []
      if (roles.isDeputy(this.me)) {
        try {
          constituency = (await api.get(paths.personConstituency(this.me.id))).orgs
        } catch (err) {
          constituency = [] // the organisations of my roles and a number typed still do
        }
      }
      this.choices = deputies.orgChoices(constituency, roles.orgsWith(this.me, roles.INBOX_ROLES))
    }
    return this.choices
  },

  async onStepOpen(e) {
    const { step } = e.currentTarget.dataset
    const spec = deputies.STEPS[step]
    if (!spec || this.data.busy) return
    if (this.data.stepAt === step) {
      this.setData({ stepAt: '' })
      return
    }
    if (spec.confirm) {
      const go = await ui.confirm({ title: spec.label, content: spec.confirm, confirmText: spec.label, cancelText: '再想想' })
      if (go) await this.sendStep(step)
      return
    }
    const orgs = spec.ask === 'org' ? (await this.orgChoices()) : this.data.orgs
    this.setData({
      stepAt: step, stepSpec: spec, orgs, stepForm: { orgIndex: -1, orgNumber: '', text: '' }, stepError: '',
    })
  },

  onStepPick(e) {
    this.setData({ 'stepForm.orgIndex': Number(e.detail.value), stepError: '' })
  },

  onStepInput(e) {
    this.setData({ [`stepForm.${e.currentTarget.dataset.field}`]: e.detail.value })
  },

  onStepClose() {
    this.setData({ stepAt: '', stepError: '' })
  },

  async onStepSend() {
    const { stepAt, stepForm, orgs } = this.data
    const problem = deputies.stepProblem(stepAt, stepForm, orgs)
    this.setData({ stepError: problem })
    if (problem) return
    await this.sendStep(stepAt, deputies.stepBody(stepAt, stepForm, orgs))
  },

  sendStep(step, body = { step }) {
    const spec = deputies.STEPS[step]
    return actions.post(this, paths.matterSteps(this.matterId), body, {
      done: spec.done, failTitle: `未能${spec.label}`, busyUntilReloaded: true,
    })
  },
})
