// 民主评议 (every member; home: 民主评议; ?id= a campaign): my branch's campaigns (GET /me/evaluations, newest first; the
// one open now shown first, 换一年 for the others) and the one shown (GET /evaluations/{id}): its period and whether it is
// open. For a member it evaluates: my evidence sheet for the year (GET …/members/{me}/evidence, shown by
// components/evidence-sheet: nobody types it again), my self-assessment while it is open (PUT …/self-assessment, changed
// as often as I like until it closes), and a secret ballot on every other member (POST …/ballots: 优秀 / 合格 / 基本合格 /
// 不合格 with an optional comment, once each, asked to confirm since it cannot be changed). Once it closed, my own result
// (GET …/results: how many ballots, the counts per grade and the comments only from five ballots on, the secretary's
// comment and the branch meeting's grade). 评议党组织 opens the questionnaire on the branch (pages/org-evaluation).
const account = require('../../utils/account')
const actions = require('../../utils/actions')
const api = require('../../utils/api')
const evaluation = require('../../utils/evaluation')
const listPage = require('../../behaviors/list-page')
const month = require('../../utils/month')
const nav = require('../../utils/nav')
const paths = require('../../utils/paths')
const ui = require('../../utils/ui')

Page({
  behaviors: [listPage],

  data: {
    campaigns: [],
    campaignIndex: 0,
    campaign: null,
    member: false, // whether the campaign evaluates me (a full or probationary member of the branch)
    evidence: null,
    selfText: '',
    selfSaved: '',
    selfError: '',
    ballots: { others: [], done: 0, left: 0, progress: '' },
    grades: evaluation.GRADES,
    ballotAt: 0, // the member whose ballot form is open
    ballotForm: evaluation.emptyBallot(),
    ballotError: '',
    result: null,
    busy: false,
  },

  onLoad(query = {}) {
    this.wanted = Number(query.id) || 0
    this.seq = 0
    return this.load()
  },

  showsLoading() {
    return !this.data.campaign
  },

  async fetch() {
    this.seq += 1
    const { seq } = this
    const me = account.person() || account.remember(await api.get(paths.me()))
    const today = month.today()
    const campaigns = (await api.get(paths.meEvaluations())).map((c) => evaluation.campaignView(c, today))
    const shown = this.data.campaigns[this.data.campaignIndex]
    const campaignIndex = evaluation.chosenIndex(campaigns, shown ? shown.id : this.wanted)
    const chosen = campaigns[campaignIndex]
    if (!chosen) {
      this.setData({ campaigns, campaignIndex: 0, campaign: null })
      return
    }
    const c = await api.get(paths.evaluation(chosen.id))
    const member = c.members.some((m) => m.person_id === me.id)
    const [evidence, results] = await Promise.all([
      member ? api.get(paths.evaluationEvidence(c.id, me.id)) : null,
      member && c.closed ? api.get(paths.evaluationResults(c.id)) : null,
    ])
    if (seq !== this.seq) return // another campaign chosen meanwhile: its own load sets the page
    const mine = (results || []).find((r) => r.person_id === me.id)
    this.setData({
      campaigns,
      campaignIndex,
      campaign: evaluation.campaignView(c, today),
      member,
      evidence: evidence ? evaluation.evidenceView(evidence) : null,
      selfText: c.my_self_assessment || '',
      selfSaved: c.my_self_assessment || '',
      selfError: '',
      ballots: evaluation.ballotsView(c.members, me.id),
      result: mine ? evaluation.resultView(mine) : null,
    })
  },

  onCampaign(e) {
    this.setData({
      campaignIndex: Number(e.detail.value), campaign: null, evidence: null, result: null, ballotAt: 0,
    })
    return this.load()
  },

  // ---- 自评
  onSelfInput(e) {
    this.setData({ selfText: e.detail.value })
  },

  async onSelfSave() {
    const problem = evaluation.selfProblem(this.data.selfText)
    this.setData({ selfError: problem })
    if (problem) return
    await actions.send(this, 'put', paths.evaluationSelfAssessment(this.data.campaign.id), { text: this.data.selfText.trim() }, {
      done: '自评已保存', failTitle: '自评未保存', busyUntilReloaded: true,
    })
  },

  // ---- 评议其他党员: one form open at a time, under the member it is for
  onBallotOpen(e) {
    this.setData({ ballotAt: Number(e.currentTarget.dataset.id), ballotForm: evaluation.emptyBallot(), ballotError: '' })
  },

  onBallotClose() {
    this.setData({ ballotAt: 0, ballotError: '' })
  },

  onGrade(e) {
    this.setData({ 'ballotForm.grade': e.currentTarget.dataset.grade, ballotError: '' })
  },

  onBallotInput(e) {
    this.setData({ 'ballotForm.comment': e.detail.value })
  },

  // A ballot cannot be changed: the grade is said back and confirmed first. One already cast (from another phone) is
  // said, and the list read again to show it.
  async onBallotSend() {
    const { ballotAt, ballotForm, ballots, campaign } = this.data
    const problem = evaluation.ballotProblem(ballotForm)
    this.setData({ ballotError: problem })
    const subject = ballots.others.find((m) => m.id === ballotAt)
    if (problem || !subject || this.data.busy) return
    const go = await ui.confirm({
      title: '提交评议',
      content: `您对${subject.name}同志的评议是“${evaluation.gradeLabel(ballotForm.grade)}”。评议不记名，提交后不能修改。`,
      confirmText: '确认提交',
      cancelText: '再想想',
    })
    if (!go) return
    let already = false
    const ok = await actions.post(this, paths.evaluationBallots(campaign.id), evaluation.ballotRequest(ballotAt, ballotForm), {
      done: '评议已提交',
      failTitle: '评议未提交',
      busyUntilReloaded: true,
      handled: (err) => {
        already = err.code === 'evaluation.already_voted'
        return already
      },
    })
    if (ok || already) this.setData({ ballotAt: 0, ballotForm: evaluation.emptyBallot() })
    if (already) {
      wx.showToast({ title: `您已评议过${subject.name}同志，每人只能评议一次`, icon: 'none' })
      await this.load()
    }
  },

  onQuestionnaire() {
    nav.open(`/pages/org-evaluation/index?id=${this.data.campaign.id}`)
  },
})
