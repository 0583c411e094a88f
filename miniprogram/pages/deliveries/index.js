// 送达情况 (secretary, plan page once a preview is published; ?plan=<id>): what became of each expected participant's
// WeChat notification of the plan (GET /plans/{id}/deliveries) — the server's totals per channel (订阅消息, 公众号,
// 当面告知), how many neither channel reached and how many are still being sent, then the people grouped by status,
// those not reached first (with their phone): the secretary phones them or tells them in person, and for the preview
// records it (已当面告知, POST …/told-in-person), or exports them (导出未送达名单, an Excel file). One kind at a time
// (预告 / 活动提醒), with tabs when there is more than one.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const downloads = require('../../utils/downloads')
const listPage = require('../../behaviors/list-page')
const labels = require('../../utils/labels')
const paths = require('../../utils/paths')
const ui = require('../../utils/ui')

// The groups in the order the page lists them; pending and sending are one group (发送中).
const OTHER_WAY = ['no_consent', 'not_following', 'no_wechat', 'failed', 'unknown']
const UNDER_WAY = ['pending', 'sending']
const DELIVERED = ['told_in_person', 'sent']
const groupOf = (status) => (UNDER_WAY.includes(status) ? 'sending' : status)
const KIND_ORDER = ['preview', 'remind_day_before', 'remind_members']
// Only a preview's delivery can be recorded as told in person.
const TOLD_KIND = 'preview'

// The summary's figures: a key of the kind's totals, in this order.
const FIGURES = [
  ['subscribe', labels.deliveryChannelLabel('subscribe')],
  ['official_account', labels.deliveryChannelLabel('official_account')],
  ['in_person', labels.deliveryChannelLabel('in_person')],
  ['unreached', '未送达'],
  ['under_way', '发送中'],
]

// The figure a person counts in, as the server counts them: the channel that reached them, 发送中, or 未送达.
function countedIn(d) {
  if (DELIVERED.includes(d.status)) return d.channel
  return UNDER_WAY.includes(d.status) ? 'under_way' : 'unreached'
}

// A kind's totals counted here, for a kind the server sent people of but no totals.
function tally(kind, rows) {
  const totals = {
    kind, total: rows.length, subscribe: 0, official_account: 0, in_person: 0, unreached: 0, under_way: 0,
  }
  rows.forEach((d) => {
    const key = countedIn(d)
    if (key in totals) totals[key] += 1
  })
  return totals
}

// The totals once one person moved from one figure to another.
function moved(totals, from, to) {
  if (from === to) return totals
  const next = { ...totals }
  if (from in next) next[from] = Math.max(0, next[from] - 1)
  if (to in next) next[to] += 1
  return next
}

// A masked number (138****5678: someone the secretary does not manage) is shown but cannot be called.
const callable = (phone) => Boolean(phone) && !phone.includes('*')

const personView = (d, otherWay) => ({
  id: d.person_id,
  name: d.name,
  time: labels.timeLabel(d.updated_at),
  attempts: ['failed', 'unknown'].includes(d.status) && d.attempts > 0 ? `已尝试${d.attempts}次` : '',
  via: DELIVERED.includes(d.status) ? labels.deliveryViaLabel(d.channel) : '',
  phone: otherWay ? d.phone || '' : '',
  callable: otherWay && callable(d.phone),
  canTell: otherWay && d.kind === TOLD_KIND,
})

// The kinds present, preview first, then the others as the server lists them.
function kindsOf(body) {
  const present = []
  body.totals.concat(body.people).forEach((d) => { if (!present.includes(d.kind)) present.push(d.kind) })
  const rank = (kind) => (KIND_ORDER.includes(kind) ? KIND_ORDER.indexOf(kind) : KIND_ORDER.length)
  return present
    .map((key, i) => ({ key, i }))
    .sort((a, b) => rank(a.key) - rank(b.key) || a.i - b.i)
    .map(({ key }) => ({ key, label: labels.deliveryKindLabel(key) }))
}

// A status this page does not know is treated like one neither channel reached: better a call too many than none.
function groupKeys(rows) {
  const known = [...OTHER_WAY, 'sending', ...DELIVERED]
  const unknown = []
  rows.forEach((d) => {
    const key = groupOf(d.status)
    if (!known.includes(key) && !unknown.includes(key)) unknown.push(key)
  })
  return [...OTHER_WAY, ...unknown, 'sending', ...DELIVERED]
}

// The page's data for one kind: its totals as figures, the groups (only those with people), whether to offer the
// export (the preview's people not reached).
function kindView(kind, rows, totals) {
  const groups = groupKeys(rows).map((key) => {
    const otherWay = key !== 'sending' && !DELIVERED.includes(key)
    const people = rows.filter((d) => groupOf(d.status) === key).map((d) => personView(d, otherWay))
    return {
      key,
      title: labels.deliveryStatusLabel(key),
      note: labels.deliveryStatusNote(key),
      otherWay,
      count: people.length,
      people,
    }
  })
  return {
    total: totals.total,
    unreached: totals.unreached,
    underWay: totals.under_way,
    figures: FIGURES.map(([key, label]) => ({ key, label, count: totals[key] || 0 })),
    groups: groups.filter((g) => g.count > 0),
    canExport: kind === TOLD_KIND && totals.unreached > 0,
  }
}

Page({
  behaviors: [listPage],

  data: {
    kinds: [],
    kind: '',
    total: 0,
    unreached: 0,
    underWay: 0,
    figures: [],
    groups: [],
    canExport: false,
    busy: false,
  },

  onLoad(query) {
    this.planId = Number(query.plan)
    this.people = []
    this.totals = []
    return this.load()
  },

  async fetch() {
    const body = await api.get(paths.planDeliveries(this.planId))
    this.people = body.people
    this.totals = body.totals
    const kinds = kindsOf(body)
    // Keep the kind picked before a refresh while it is still there.
    const kept = kinds.find((k) => k.key === this.data.kind) || kinds[0]
    this.setData({ kinds, ...this.view(kept ? kept.key : '') })
  },

  view(kind) {
    const rows = this.people.filter((d) => d.kind === kind)
    const totals = this.totals.find((t) => t.kind === kind) || tally(kind, rows)
    return { kind, ...kindView(kind, rows, totals) }
  },

  onKind(e) {
    this.setData(this.view(e.currentTarget.dataset.kind))
  },

  onCall(e) {
    const { phone } = e.currentTarget.dataset
    if (!callable(phone)) return
    wx.makePhoneCall({ phoneNumber: phone, fail: () => {} })
  },

  // 已当面告知: asked first, since it is audited; the answer (the person's row as it now is) replaces theirs and moves
  // them from 未送达 to 当面告知. A refusal (already reached, still being sent, no such row) is said in Chinese and the
  // page loads again to show where things stand.
  async onTold(e) {
    if (this.data.busy) return
    const { id, name } = e.currentTarget.dataset
    const go = await ui.confirm({
      title: '记录当面告知',
      content: `确认已当面或电话告知${name}？此操作会记录在审计日志中。`,
      confirmText: '已告知',
      cancelText: '暂不记录',
    })
    if (!go) return
    await this.recordTold(Number(id))
  },

  async recordTold(personId) {
    this.setData({ busy: true })
    let retry = false
    let stale = false
    try {
      const answer = await api.post(paths.planDeliveryToldInPerson(this.planId, personId))
      const same = (d) => d.kind === answer.kind && d.person_id === answer.person_id
      const before = this.people.find(same)
      this.people = this.people.map((d) => (same(d) ? answer : d))
      if (before) {
        this.totals = this.totals.map((t) => (t.kind === answer.kind ? moved(t, countedIn(before), countedIn(answer)) : t))
      }
      this.setData(this.view(this.data.kind))
      wx.showToast({ title: '已记录', icon: 'none' })
    } catch (err) {
      retry = await errors.promptRetry(err, '未能记录')
      stale = !retry && [404, 409].includes(err.status)
    } finally {
      this.setData({ busy: false })
    }
    if (retry) await this.recordTold(personId)
    else if (stale) await this.load()
  },

  onExport() {
    return downloads.open(paths.planDeliveriesUnreached(this.planId), {
      fileType: 'xlsx', loading: '正在导出', failTitle: '未能导出',
    })
  },
})
