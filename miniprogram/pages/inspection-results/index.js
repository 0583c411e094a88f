// 督查通报 (every member; home: 督查通报): what inspections published to my organisation (GET /me/inspection-results:
// every round planned by my organisation or an office above it, at its latest version published by today, newest
// first) — the title, how it inspected (实地查看 / 调阅记录 / 走访座谈), when, the summary, a corrected version with
// its reason, and my organisation's own result (好 / 较好 / 一般 / 差, with the inspectors' comment) when it was
// inspected.
const api = require('../../utils/api')
const listPage = require('../../behaviors/list-page')
const paths = require('../../utils/paths')
const supervision = require('../../utils/supervision')

Page({
  behaviors: [listPage],

  data: {
    items: [],
  },

  onLoad() {
    return this.load()
  },

  async fetch() {
    const rows = await api.get(paths.meInspectionResults())
    this.setData({ items: rows.map(supervision.roundView) })
  },
})
