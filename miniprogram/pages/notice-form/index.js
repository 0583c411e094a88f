// 发布公开 (a secretary or an organisation's admin; home: 发布公开): a notice of my organisation (POST
// /orgs/{id}/notices): 党务/政务/财务公开, for whom (本组织党员, with the organisations under it, or a community's
// residents: the community's number), the title and the content. Once published, files are attached to it
// (components/attachment-list, owner_type=notice), and 查看阅读情况 opens it with who has not read it yet.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const listPage = require('../../behaviors/list-page')
const life = require('../../utils/org-life')
const paths = require('../../utils/paths')
const roles = require('../../utils/roles')

Page({
  behaviors: [listPage],

  data: {
    orgs: [],
    orgIndex: 0,
    kinds: life.NOTICE_KINDS,
    audiences: life.AUDIENCES,
    form: life.emptyNotice(),
    formError: '',
    busy: false,
    published: null, // { id, title } once sent
  },

  onLoad() {
    return this.load()
  },

  async fetch() {
    const me = await api.get(paths.me())
    this.setData({ orgs: roles.noticeOrgs(me) })
  },

  onOrg(e) {
    this.setData({ orgIndex: Number(e.detail.value) })
  },

  onPick(e) {
    this.setData({ [`form.${e.currentTarget.dataset.field}`]: Number(e.detail.value), formError: '' })
  },

  onInput(e) {
    this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value })
  },

  async onSubmit() {
    const { form, orgs, orgIndex } = this.data
    if (this.data.busy || !orgs[orgIndex]) return undefined
    const problem = life.noticeProblem(form)
    this.setData({ formError: problem })
    if (problem) return undefined
    this.setData({ busy: true })
    let created = null
    let retry = false
    try {
      created = await api.post(paths.orgNotices(orgs[orgIndex].id), life.noticeRequest(form))
    } catch (err) {
      retry = await errors.promptRetry(err, '未能发布')
    } finally {
      this.setData({ busy: false })
    }
    if (retry) return this.onSubmit()
    if (created) {
      wx.showToast({ title: '已发布', icon: 'none' })
      this.setData({ published: { id: created.id, title: created.title } })
    }
    return undefined
  },

  onReaders() {
    wx.navigateTo({ url: `/pages/notice/index?id=${this.data.published.id}&staff=1` })
  },

  onAnother() {
    this.setData({ published: null, form: life.emptyNotice(), formError: '' })
  },
})
