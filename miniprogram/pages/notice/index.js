// 一条公开内容 (from 党务公开, or the publisher's 发布公开 with ?staff=1): the notice (opening it records my read
// receipt on the server), its files (components/attachment-list, owner_type=notice) and 我要提问: a question (质询)
// about it, sent to the organisation that published it (POST /notices/{id}/questions), which then opens on the matter
// page. The publisher (?staff=1) also sees who has not read it yet (GET /notices/{id}/readers).
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const listPage = require('../../behaviors/list-page')
const life = require('../../utils/org-life')
const paths = require('../../utils/paths')

Page({
  behaviors: [listPage],

  data: {
    id: 0,
    staff: false,
    notice: null,
    readers: null,
    asking: false,
    form: life.emptyQuestion(),
    formError: '',
    busy: false,
  },

  onLoad(query = {}) {
    this.setData({ id: Number(query.id), staff: query.staff === '1' })
    return this.load()
  },

  async fetch() {
    const { id, staff } = this.data
    const [notice, readers] = await Promise.all([
      api.get(paths.notice(id)),
      staff ? api.get(paths.noticeReaders(id)) : null,
    ])
    this.setData({ notice: life.noticeView(notice), readers: readers ? life.readersView(readers) : null })
    wx.setNavigationBarTitle({ title: life.noticeKindLabel(notice.kind) })
  },

  onAsk() {
    this.setData({ asking: !this.data.asking, formError: '' })
  },

  onInput(e) {
    this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value })
  },

  async onSubmit() {
    if (this.data.busy) return undefined
    const problem = life.questionProblem(this.data.form)
    this.setData({ formError: problem })
    if (problem) return undefined
    this.setData({ busy: true })
    let created = null
    let retry = false
    try {
      created = await api.post(paths.noticeQuestions(this.data.id), life.questionRequest(this.data.form))
    } catch (err) {
      retry = await errors.promptRetry(err, '质询未提交')
    } finally {
      this.setData({ busy: false })
    }
    if (retry) return this.onSubmit()
    if (created) {
      wx.showToast({ title: '质询已提交', icon: 'none' })
      wx.navigateTo({ url: `/pages/matter/index?id=${created.id}` })
      this.setData({ asking: false, form: life.emptyQuestion() })
    }
    return undefined
  },
})
