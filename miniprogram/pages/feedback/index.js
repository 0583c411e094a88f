// 活动评价 (?id= the activity). A member who took part rates it, 1 to 5 stars (big buttons) with an optional comment,
// within the days after it the server allows (GET/POST /activities/{id}/feedback), and then reads their own answer.
// The branch (?summary=1, from the attendance page) sees the summary without names: how many answered and, only
// from enough answers, the stars as bars, the average and the comments (GET /activities/{id}/feedback/summary).
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const listPage = require('../../behaviors/list-page')
const life = require('../../utils/org-life')
const paths = require('../../utils/paths')

// What the member reads when the server refuses their answer: the page then shows the state it is in now.
const REFUSED = ['feedback.not_attended', 'feedback.closed', 'feedback.already_given']

Page({
  behaviors: [listPage],

  data: {
    id: 0,
    summaryMode: false,
    view: null,
    summary: null,
    stars: life.STARS,
    ratingText: life.RATING_TEXT,
    form: life.emptyFeedback(),
    formError: '',
    busy: false,
  },

  onLoad(query = {}) {
    this.setData({ id: Number(query.id), summaryMode: query.summary === '1' })
    if (query.summary === '1') wx.setNavigationBarTitle({ title: '活动评价情况' })
    return this.load()
  },

  async fetch() {
    const { id, summaryMode } = this.data
    if (summaryMode) {
      this.setData({ summary: life.summaryView(await api.get(paths.activityFeedbackSummary(id))) })
    } else {
      this.setData({ view: life.feedbackView(await api.get(paths.activityFeedback(id))) })
    }
  },

  onStar(e) {
    this.setData({ 'form.rating': Number(e.currentTarget.dataset.rating), formError: '' })
  },

  onInput(e) {
    this.setData({ 'form.comment': e.detail.value })
  },

  async onSubmit() {
    if (this.data.busy) return undefined
    const problem = life.feedbackProblem(this.data.form)
    this.setData({ formError: problem })
    if (problem) return undefined
    this.setData({ busy: true })
    let saved = false
    let retry = false
    try {
      await api.post(paths.activityFeedback(this.data.id), life.feedbackRequest(this.data.form))
      saved = true
    } catch (err) {
      if (REFUSED.includes(err.code)) {
        this.setData({ formError: errors.messageFor(err) })
      } else {
        retry = await errors.promptRetry(err, '评价未提交')
      }
    } finally {
      this.setData({ busy: false })
    }
    if (retry) return this.onSubmit()
    if (saved) {
      wx.showToast({ title: '感谢您的评价', icon: 'none' })
      await this.load()
    }
    return undefined
  },
})
