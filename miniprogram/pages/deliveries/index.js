// 送达情况 (secretary, plan page once a preview is published; ?plan=<id>): what became of each expected participant's
// WeChat notification of the plan (GET /plans/{id}/deliveries) — the counts per status, then the people grouped by
// status, those WeChat did not reach first (未订阅, 未绑定微信, 发送失败, 状态未知): the secretary phones them or tells
// them in person. One kind at a time (预告 / 活动提醒), with tabs when there is more than one.
const api = require('../../utils/api')
const listPage = require('../../behaviors/list-page')
const labels = require('../../utils/labels')
const paths = require('../../utils/paths')

// The groups in the order the page lists them; pending and sending are one group (发送中).
const OTHER_WAY = ['no_consent', 'no_wechat', 'failed', 'unknown']
const UNDER_WAY = ['pending', 'sending']
const groupOf = (status) => (UNDER_WAY.includes(status) ? 'sending' : status)
const KIND_ORDER = ['preview', 'remind_day_before', 'remind_members']

const personView = (d) => ({
  id: d.person_id,
  name: d.name,
  time: labels.timeLabel(d.updated_at),
  attempts: ['failed', 'unknown'].includes(d.status) && d.attempts > 0 ? `已尝试${d.attempts}次` : '',
})

// The kinds present, preview first, then the others as the server lists them.
function kindsOf(rows) {
  const present = []
  rows.forEach((d) => { if (!present.includes(d.kind)) present.push(d.kind) })
  const rank = (kind) => (KIND_ORDER.includes(kind) ? KIND_ORDER.indexOf(kind) : KIND_ORDER.length)
  return present
    .map((key, i) => ({ key, i }))
    .sort((a, b) => rank(a.key) - rank(b.key) || a.i - b.i)
    .map(({ key }) => ({ key, label: labels.deliveryKindLabel(key) }))
}

// A status this page does not know is treated like one WeChat did not reach: better a call too many than none.
function groupKeys(rows) {
  const unknown = []
  rows.forEach((d) => {
    const key = groupOf(d.status)
    if (!OTHER_WAY.includes(key) && key !== 'sending' && key !== 'sent' && !unknown.includes(key)) unknown.push(key)
  })
  return [...OTHER_WAY, ...unknown, 'sending', 'sent']
}

// The page's data for one kind: summary counts, the groups (only those with people), how many to reach another way.
function kindView(rows) {
  const keys = groupKeys(rows)
  const groups = keys.map((key) => {
    const people = rows.filter((d) => groupOf(d.status) === key).map(personView)
    return {
      key,
      title: labels.deliveryStatusLabel(key),
      note: labels.deliveryStatusNote(key),
      otherWay: key !== 'sending' && key !== 'sent',
      count: people.length,
      people,
    }
  })
  const count = (key) => groups.find((g) => g.key === key).count
  return {
    total: rows.length,
    otherWay: groups.filter((g) => g.otherWay).reduce((n, g) => n + g.count, 0),
    underWay: count('sending'),
    summary: ['sent', 'sending', ...keys.filter((k) => k !== 'sent' && k !== 'sending')]
      .map((key) => ({ key, label: labels.deliveryStatusLabel(key), count: count(key) })),
    groups: groups.filter((g) => g.count > 0),
  }
}

Page({
  behaviors: [listPage],

  data: {
    kinds: [],
    kind: '',
    total: 0,
    otherWay: 0,
    underWay: 0,
    summary: [],
    groups: [],
  },

  onLoad(query) {
    this.planId = Number(query.plan)
    this.rows = []
    return this.load()
  },

  async fetch() {
    const rows = await api.get(paths.planDeliveries(this.planId))
    this.rows = rows
    const kinds = kindsOf(rows)
    // Keep the kind picked before a refresh while it is still there.
    const kept = kinds.find((k) => k.key === this.data.kind) || kinds[0]
    const kind = kept ? kept.key : ''
    this.setData({ kinds, kind, ...kindView(rows.filter((d) => d.kind === kind)) })
  },

  onKind(e) {
    const { kind } = e.currentTarget.dataset
    this.setData({ kind, ...kindView(this.rows.filter((d) => d.kind === kind)) })
  },
})
