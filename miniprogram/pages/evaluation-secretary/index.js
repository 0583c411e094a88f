// 组织民主评议 (a branch secretary; home: 组织民主评议). Without ?id=: my branch's campaigns (GET /orgs/{id}/evaluations,
// newest first), and 发起民主评议 (POST /orgs/{id}/evaluations: the year — this one or the last —, the first and the last
// day, at most 60 days, whole days in Asia/Shanghai). With ?id= (a tap on one): the campaign's members, each with
// 查看表现 (their evidence sheet, GET …/members/{person}/evidence, shown by components/evidence-sheet), 点评 (逐一点评,
// PUT …/members/{person}/comment, from the day it opens, changed as often as needed) and, once it closed, 评定等次
// (PUT …/members/{person}/grade: the grade and the day of the branch meeting that decided it, not before the close nor
// after today). Once closed, each member's result (GET …/results: ballots, counts and comments from five ballots on,
// the self-assessment, my comment, the grade) and the questionnaire's (GET …/questionnaire/results, members and the
// public apart). 转发满意度测评 hands out the questionnaire on the branch (pages/org-evaluation) to members and residents.
const actions = require('../../utils/actions')
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const evaluation = require('../../utils/evaluation')
const listPage = require('../../behaviors/list-page')
const month = require('../../utils/month')
const nav = require('../../utils/nav')
const paths = require('../../utils/paths')
const roles = require('../../utils/roles')

const ALREADY_OPEN = '这一年度的民主评议已经发起过了，请在下面的列表中查看'

Page({
  behaviors: [listPage],

  data: {
    id: 0, // the campaign shown; 0: the list of my branch's campaigns
    // the list
    orgs: [],
    orgIndex: 0,
    campaigns: [],
    opening: false,
    years: evaluation.yearChoices(),
    campaignForm: evaluation.emptyCampaign(),
    today: '',
    formError: '',
    // one campaign
    campaign: null,
    members: [],
    audiences: [],
    grades: evaluation.GRADES,
    sheetAt: 0, // the member whose evidence sheet is shown
    sheet: null,
    sheetError: '',
    formKind: '', // 'comment' or 'grade'
    formAt: 0, // the member the form is for
    commentText: '',
    gradeForm: evaluation.emptyGrade(),
    memberError: '',
    busy: false,
  },

  onLoad(query = {}) {
    const today = month.today()
    this.sheets = {} // person id → evidence view, read once per visit
    this.setData({
      id: Number(query.id) || 0,
      today,
      years: evaluation.yearChoices(today),
      campaignForm: evaluation.emptyCampaign(today),
    })
    if (query.id) wx.setNavigationBarTitle({ title: '民主评议情况' })
    return this.load()
  },

  onShow() {
    // Back from a campaign just opened or changed: the list follows.
    if (this.loaded && !this.data.id) this.load()
  },

  fetch() {
    return this.data.id ? this.fetchCampaign() : this.fetchList()
  },

  async fetchList() {
    if (!this.me) this.me = await api.get(paths.me())
    const orgs = roles.secretaryBranches(this.me)
    const org = orgs[this.data.orgIndex]
    const rows = org ? await api.get(paths.orgEvaluations(org.id)) : []
    const today = month.today()
    this.setData({ orgs, campaigns: rows.map((c) => evaluation.campaignView(c, today)) })
  },

  async fetchCampaign() {
    const { id } = this.data
    const c = await api.get(paths.evaluation(id))
    const [results, audiences] = await Promise.all([
      c.closed ? api.get(paths.evaluationResults(id)) : [],
      c.closed ? api.get(paths.evaluationQuestionnaireResults(id)) : [],
    ])
    const byPerson = new Map(results.map((r) => [r.person_id, evaluation.resultView(r)]))
    this.setData({
      campaign: evaluation.campaignView(c, month.today()),
      members: c.members.map((m) => ({ id: m.person_id, name: m.name, result: byPerson.get(m.person_id) || null })),
      audiences: audiences.map(evaluation.audienceResultView),
    })
  },

  // ---- the list: another branch, 发起民主评议, a campaign opened
  onOrg(e) {
    this.setData({ orgIndex: Number(e.detail.value), campaigns: [] })
    return this.load()
  },

  onOpenForm() {
    this.setData({ opening: !this.data.opening, formError: '' })
  },

  onFormPick(e) {
    const { field } = e.currentTarget.dataset
    const value = field === 'yearIndex' ? Number(e.detail.value) : e.detail.value
    this.setData({ [`campaignForm.${field}`]: value, formError: '' })
  },

  async onStart() {
    const { campaignForm, years, orgs, orgIndex } = this.data
    const problem = evaluation.campaignProblem(campaignForm, years)
    this.setData({ formError: problem })
    const org = orgs[orgIndex]
    if (problem || !org || this.data.busy) return undefined
    this.setData({ busy: true })
    let created = null
    let retry = false
    try {
      created = await api.post(paths.orgEvaluations(org.id), evaluation.campaignRequest(campaignForm, years))
    } catch (err) {
      if (err.code === 'evaluation.wrong_state') this.setData({ formError: ALREADY_OPEN })
      else retry = await errors.promptRetry(err, '未能发起民主评议')
    } finally {
      this.setData({ busy: false })
    }
    if (retry) return this.onStart()
    if (created) {
      wx.showToast({ title: '已发起民主评议', icon: 'none' })
      this.setData({ opening: false, campaignForm: evaluation.emptyCampaign(this.data.today) })
      await this.load()
      wx.navigateTo({ url: `/pages/evaluation-secretary/index?id=${created.id}` })
    }
    return undefined
  },

  onCampaignOpen(e) {
    wx.navigateTo({ url: `/pages/evaluation-secretary/index?id=${e.currentTarget.dataset.id}` })
  },

  // ---- one campaign: a member's evidence sheet, comment and grade
  async onSheet(e) {
    const person = Number(e.currentTarget.dataset.id)
    if (this.data.sheetAt === person) {
      this.setData({ sheetAt: 0, sheet: null, sheetError: '' })
      return
    }
    this.setData({ sheetAt: person, sheet: this.sheets[person] || null, sheetError: '' })
    if (this.sheets[person]) return
    try {
      const sheet = evaluation.evidenceView(await api.get(paths.evaluationEvidence(this.data.id, person)))
      this.sheets[person] = sheet
      if (this.data.sheetAt === person) this.setData({ sheet })
    } catch (err) {
      if (this.data.sheetAt === person) this.setData({ sheetError: errors.messageFor(err) })
    }
  },

  onFormOpen(e) {
    const { kind } = e.currentTarget.dataset
    const person = Number(e.currentTarget.dataset.id)
    if (this.data.formKind === kind && this.data.formAt === person) {
      this.setData({ formKind: '', formAt: 0, memberError: '' })
      return
    }
    const row = this.data.members.find((m) => m.id === person)
    const result = row && row.result
    this.setData({
      formKind: kind,
      formAt: person,
      commentText: result ? result.secretaryComment : '',
      gradeForm: {
        ...evaluation.emptyGrade(this.data.today),
        gradeIndex: result ? evaluation.GRADES.findIndex((g) => g.label === result.finalGrade) : -1,
      },
      memberError: '',
    })
  },

  onFormClose() {
    this.setData({ formKind: '', formAt: 0, memberError: '' })
  },

  onCommentInput(e) {
    this.setData({ commentText: e.detail.value })
  },

  onGradePick(e) {
    const { field } = e.currentTarget.dataset
    const value = field === 'gradeIndex' ? Number(e.detail.value) : e.detail.value
    this.setData({ [`gradeForm.${field}`]: value, memberError: '' })
  },

  async onCommentSave() {
    const { commentText, formAt, id } = this.data
    const problem = evaluation.commentProblem(commentText)
    this.setData({ memberError: problem })
    if (problem) return
    const ok = await actions.send(this, 'put', paths.evaluationComment(id, formAt), { text: commentText.trim() }, {
      done: '点评已保存', failTitle: '点评未保存', busyUntilReloaded: true,
    })
    if (ok) this.setData({ formKind: '', formAt: 0 })
  },

  async onGradeSave() {
    const {
      gradeForm, formAt, id, campaign, today,
    } = this.data
    const problem = evaluation.gradeProblem(gradeForm, campaign.closesOn, today)
    this.setData({ memberError: problem })
    if (problem) return
    const ok = await actions.send(this, 'put', paths.evaluationGrade(id, formAt), evaluation.gradeRequest(gradeForm), {
      done: '评定等次已记录', failTitle: '评定等次未记录', busyUntilReloaded: true,
    })
    if (ok) this.setData({ formKind: '', formAt: 0 })
  },

  onQuestionnaire() {
    nav.open(`/pages/org-evaluation/index?id=${this.data.id}`)
  },

  // 转发满意度测评: the questionnaire on the branch, for members and residents to answer (the list itself is not shared:
  // whoever opens a forward of it lands on the home page).
  onShareAppMessage() {
    const { campaign, id } = this.data
    if (!id) return { title: '活动日', path: '/pages/index/index' }
    return {
      title: campaign ? `请您评议我们支部（${campaign.year}年度满意度测评）` : '党组织满意度测评',
      path: `/pages/org-evaluation/index?id=${id}`,
    }
  },
})
