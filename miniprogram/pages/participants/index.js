// The expected participants of a plan (?plan=<id>), re-taken from the roster on request until the activity day.
const api = require('../../utils/api')
const listPage = require('../../behaviors/list-page')
const errors = require('../../utils/errors')
const labels = require('../../utils/labels')
const paths = require('../../utils/paths')

const rowView = (p) => ({
  id: p.person_id,
  name: p.name,
  status: labels.memberStatusLabel(p.status),
  invited: p.invited,
})

Page({
  behaviors: [listPage],

  data: {
    people: [],
    refreshing: false,
  },

  onLoad(query) {
    this.planId = Number(query.plan)
    return this.load()
  },

  showsLoading() {
    return this.data.people.length === 0
  },

  async fetch() {
    const people = await api.get(paths.planParticipants(this.planId))
    this.setData({ people: people.map(rowView) })
  },

  // POST .../participants/refresh: after the roster changed (a new member, a transfer out).
  async onRefreshRoster() {
    if (this.data.refreshing) return
    this.setData({ refreshing: true })
    let retry = false
    try {
      const people = await api.post(paths.planParticipantsRefresh(this.planId))
      this.setData({ people: people.map(rowView) })
      wx.showToast({ title: '已按最新名册更新', icon: 'none' })
    } catch (err) {
      retry = await errors.promptRetry(err, '更新失败')
    } finally {
      this.setData({ refreshing: false })
    }
    if (retry) await this.onRefreshRoster()
  },
})
