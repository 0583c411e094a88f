// 我的反映 (everyone, members of the public too; home: 我的反映): my cases, questions and proposals (GET /me/matters:
// raised by me, held as the deputy, co-signed), newest first, each with its kind, status, category and deadline, an
// overdue one in red; a tap opens it (pages/matter). Members may 提出质询 (pages/question-form), deputies 提出提案
// (pages/proposal-form); a member of the public, signed in with the visitor token (utils/auth.js visit()), is pointed to
// the studios, where what they raise at a reception becomes a case.
const api = require('../../utils/api')
const auth = require('../../utils/auth')
const deputies = require('../../utils/deputies')
const listPage = require('../../behaviors/list-page')
const month = require('../../utils/month')
const nav = require('../../utils/nav')
const paths = require('../../utils/paths')
const roles = require('../../utils/roles')

Page({
  behaviors: [listPage],

  data: {
    visitor: false,
    deputy: false,
    items: [],
  },

  onLoad() {
    return this.load()
  },

  onShow() {
    // Back from a matter that was rated or moved on: its status here follows.
    if (this.loaded) this.load()
  },

  async fetch() {
    const visitor = (await auth.visit()) === 'visitor'
    const [rows, me] = await Promise.all([
      api.get(paths.meMatters()),
      visitor ? null : api.get(paths.me()),
    ])
    const today = month.today()
    this.setData({ visitor, deputy: roles.isDeputy(me), items: rows.map((m) => deputies.matterRow(m, today)) })
  },

  onOpen(e) {
    nav.open(`/pages/matter/index?id=${e.currentTarget.dataset.id}`)
  },

  onGo(e) {
    nav.open(e.currentTarget.dataset.url)
  },
})
