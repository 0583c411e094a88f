// 我的服务 (every member; ?tab= opens a tab): this year's community service in five tabs —
//   我的认领  GET /me/service-claims?year=: every claim with its status (waitlist position, hours)
//   结对帮扶  GET /me/pairings: the households I am paired with, their details and my visits; 记录走访 (POST …/visits)
//   我的建议  GET /me/suggestions with the community's answers; a new one to a community I reported to
//   承诺践诺  GET /me/commitments: this year's commitment (category with its emphasis, content), progress notes, 完成
//   年度进度  GET /me/progress?year=: done against the yearly minimums, 已完成 / 未完成 per line
// Each tab is loaded when first opened; pull-down refreshes the tab shown.
const actions = require('../../utils/actions')
const api = require('../../utils/api')
const listPage = require('../../behaviors/list-page')
const community = require('../../utils/community')
const { blank, tooLong } = require('../../utils/form-checks')
const month = require('../../utils/month')
const ui = require('../../utils/ui')
const nav = require('../../utils/nav')
const paths = require('../../utils/paths')

const TABS = [
  { key: 'claims', label: '我的认领' },
  { key: 'pairings', label: '结对帮扶' },
  { key: 'suggestions', label: '我的建议' },
  { key: 'commitment', label: '承诺践诺' },
  { key: 'progress', label: '年度进度' },
]

const LIMITS = { visitNote: 1000, suggestionTitle: 100, suggestionContent: 2000, commitment: 1000 }

const emptyVisit = () => ({ pairingId: 0, date: month.today(), note: '' })
const emptySuggestion = () => ({ communityIndex: 0, title: '', content: '' })

// The commitment form's problems, in the order of its fields; '' when it can be sent.
function commitmentProblem(form) {
  if (!community.COMMITMENT_CATEGORIES[form.categoryIndex]) return '请选择党员类别'
  if (blank(form.content)) return '请填写承诺内容'
  if (tooLong(form.content, LIMITS.commitment)) return `承诺内容不超过${LIMITS.commitment}字`
  return ''
}

function visitProblem(visit, today) {
  if (blank(visit.date)) return '请选择走访日期'
  if (visit.date > today) return '走访日期不能晚于今天'
  if (blank(visit.note)) return '请填写走访情况'
  if (tooLong(visit.note, LIMITS.visitNote)) return `走访情况不超过${LIMITS.visitNote}字`
  return ''
}

function suggestionProblem(form, communities) {
  if (!communities[form.communityIndex]) return '请先到社区报到，报到通过后可向社区提出建议'
  if (blank(form.title)) return '请填写建议标题'
  if (tooLong(form.title, LIMITS.suggestionTitle)) return `建议标题不超过${LIMITS.suggestionTitle}字`
  if (blank(form.content)) return '请填写建议内容'
  if (tooLong(form.content, LIMITS.suggestionContent)) return `建议内容不超过${LIMITS.suggestionContent}字`
  return ''
}

// What each tab loads, into the page's data.
const LOADERS = {
  async claims(page) {
    const claims = await api.get(paths.meServiceClaims(), { year: page.data.year })
    page.setData({ claims: claims.map(community.myClaimView) })
  },

  async pairings(page) {
    const pairings = await api.get(paths.mePairings())
    page.setData({ pairings: pairings.map(community.pairingView), today: month.today() })
  },

  async suggestions(page) {
    const [suggestions, reports] = await Promise.all([
      api.get(paths.meSuggestions()),
      api.get(paths.meCommunityReports()),
    ])
    const seen = new Set()
    const communities = reports
      .filter((r) => r.status === 'accepted' && !seen.has(r.community_id) && seen.add(r.community_id))
      .map((r) => ({ id: r.community_id, name: r.community_name }))
    const sorted = suggestions.slice().sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)))
    page.setData({ suggestions: sorted.map(community.suggestionView), suggestionCommunities: communities })
  },

  async commitment(page) {
    const commitments = await api.get(paths.meCommitments())
    const mine = commitments.find((c) => c.year === page.data.year) || null
    page.setData({ commitment: community.commitmentView(mine), editingCommitment: !mine, commitmentError: '' })
    if (!mine) page.fillCommitmentForm(null)
  },

  async progress(page) {
    const progress = await api.get(paths.meProgress(), { year: page.data.year })
    page.setData({ progress: community.progressView(progress) })
  },
}

Page({
  behaviors: [listPage],

  data: {
    tabs: TABS,
    tab: 'claims',
    year: 0,
    busy: false,
    claims: [],
    pairings: [],
    visit: emptyVisit(),
    visitError: '',
    today: '',
    suggestions: [],
    suggestionCommunities: [], // where I may suggest: communities that accepted my report
    suggesting: false,
    suggestionForm: emptySuggestion(),
    suggestionError: '',
    categories: community.COMMITMENT_CATEGORIES,
    commitment: null,
    editingCommitment: false,
    commitmentForm: { categoryIndex: -1, content: '' },
    commitmentEmphasis: '',
    commitmentError: '',
    progress: null,
  },

  onLoad(query) {
    this.loadedTabs = {}
    const tab = TABS.some((t) => t.key === (query && query.tab)) ? query.tab : 'claims'
    this.setData({ tab, year: month.shanghaiDate().year, today: month.today() })
    return this.load()
  },

  // Back from an item page: my claims may have changed.
  onShow() {
    if (this.loadedTabs && this.loadedTabs.claims && this.data.tab === 'claims') this.load()
  },

  onTab(e) {
    const { tab } = e.currentTarget.dataset
    if (tab === this.data.tab) return Promise.resolve()
    this.setData({ tab, loadError: null })
    return this.loadedTabs[tab] ? Promise.resolve() : this.load()
  },

  // The tab shown; its answer is kept even if another tab was opened meanwhile, but only the tab shown shows errors.
  // load(tab) (behaviors/list-page.js) loads the tab shown unless told which.
  loadKey() {
    return this.data.tab
  },

  showsLoading(tab) {
    return !this.loadedTabs[tab]
  },

  async fetch(tab) {
    await LOADERS[tab](this)
    this.loadedTabs[tab] = true
  },

  onOpenClaim(e) {
    nav.open(`/pages/service-item/index?id=${e.currentTarget.dataset.item}`)
  },

  // ---- 结对帮扶: the visit form, one pairing at a time.
  onVisitOpen(e) {
    const pairingId = Number(e.currentTarget.dataset.id)
    const open = this.data.visit.pairingId === pairingId
    this.setData({ visit: { ...emptyVisit(), pairingId: open ? 0 : pairingId }, visitError: '', today: month.today() })
  },

  onVisitDate(e) {
    this.setData({ 'visit.date': e.detail.value })
  },

  onVisitNote(e) {
    this.setData({ 'visit.note': e.detail.value })
  },

  async onVisitSave() {
    const { visit } = this.data
    const problem = visitProblem(visit, month.today())
    this.setData({ visitError: problem })
    if (problem || !visit.pairingId) return
    const body = { visited_on: visit.date, note: visit.note.trim() }
    const ok = await this.act(paths.pairingVisits(visit.pairingId), body, '已记录走访', '走访未记录')
    if (ok) this.setData({ visit: emptyVisit() })
  },

  // ---- 我的建议
  onSuggest() {
    this.setData({ suggesting: !this.data.suggesting, suggestionForm: emptySuggestion(), suggestionError: '' })
  },

  onSuggestionCommunity(e) {
    this.setData({ 'suggestionForm.communityIndex': Number(e.detail.value) })
  },

  onSuggestionInput(e) {
    this.setData({ [`suggestionForm.${e.currentTarget.dataset.field}`]: e.detail.value })
  },

  async onSuggestionSave() {
    const form = this.data.suggestionForm
    const communities = this.data.suggestionCommunities
    const problem = suggestionProblem(form, communities)
    this.setData({ suggestionError: problem })
    if (problem) return
    const target = communities[form.communityIndex]
    const body = { title: form.title.trim(), content: form.content.trim() }
    const ok = await this.act(paths.communitySuggestions(target.id), body, '建议已提交', '建议未提交')
    if (ok) this.setData({ suggesting: false, suggestionForm: emptySuggestion() })
  },

  // ---- 承诺践诺
  fillCommitmentForm(commitment) {
    const index = commitment ? community.COMMITMENT_CATEGORIES.findIndex((c) => c.key === commitment.category) : -1
    this.setData({
      commitmentForm: { categoryIndex: index, content: commitment ? commitment.content : '' },
      commitmentEmphasis: commitment ? commitment.emphasis : '',
      commitmentError: '',
    })
  },

  onCommitmentEdit() {
    const editing = !this.data.editingCommitment
    this.setData({ editingCommitment: editing })
    if (editing) this.fillCommitmentForm(this.data.commitment)
  },

  onCommitmentCategory(e) {
    const index = Number(e.detail.value)
    const category = community.COMMITMENT_CATEGORIES[index]
    const saved = this.data.commitment
    // The server's own emphasis once it has sent one for that category.
    let emphasis = category ? category.emphasis : ''
    if (saved && category && saved.category === category.key) emphasis = saved.emphasis
    this.setData({ 'commitmentForm.categoryIndex': index, commitmentEmphasis: emphasis })
  },

  onCommitmentContent(e) {
    this.setData({ 'commitmentForm.content': e.detail.value })
  },

  async onCommitmentSave() {
    const form = this.data.commitmentForm
    const problem = commitmentProblem(form)
    this.setData({ commitmentError: problem })
    if (problem) return
    const body = { category: community.COMMITMENT_CATEGORIES[form.categoryIndex].key, content: form.content.trim() }
    const ok = await this.act(paths.meCommitment(this.data.year), body, '承诺已保存', '承诺未保存', 'put')
    if (ok) this.setData({ editingCommitment: false })
  },

  async onCommitmentProgress() {
    if (this.data.busy) return
    const note = await ui.requireText({ title: '记录践诺进展', placeholder: '如：已完成第一季度走访', missing: '请填写进展情况' })
    if (!note) return
    await this.act(paths.meCommitmentProgress(this.data.year), { note }, '已记录进展', '进展未记录')
  },

  async onCommitmentComplete() {
    if (this.data.busy) return
    const note = await ui.requireText({ title: '完成践诺', placeholder: '简述践诺情况', missing: '请填写践诺情况' })
    if (!note) return
    await this.act(paths.meCommitmentComplete(this.data.year), { note }, '已标记为完成', '未能标记完成')
  },

  // POST (or PUT), then the tab again. Resolves true once the request went through.
  act(path, body, done, failTitle, method = 'post') {
    return actions.send(this, method, path, body, { done, failTitle })
  },
})
