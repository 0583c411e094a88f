// 认领名单 (community_admin / volunteer_lead, ?item=<id>): who claimed the item (GET /service-items/{id}/claims), the
// waitlist, and confirming attendance: tick who came and the hours each served (a number from 0 to 24), then
// POST /service-items/{id}/attendance — the people ticked become attended with their hours, every other claimed person
// no_show. Someone who scanned the volunteer QR on site, or was confirmed before, starts ticked.
const api = require('../../utils/api')
const listPage = require('../../behaviors/list-page')
const community = require('../../utils/community')
const errors = require('../../utils/errors')
const ui = require('../../utils/ui')
const paths = require('../../utils/paths')

// walk_in: scanned on site without a claim (the server records them; they are confirmed like anyone).
const ON_ROSTER = ['claimed', 'attended', 'no_show', 'walk_in']
const WAITING = ['offered', 'waitlisted']
const HOURS_INVALID = '请填写不小于0的数字'
const HOURS_TOO_MANY = `不超过${community.MAX_HOURS}小时`
// The server refuses attendance before the item starts with its generic community.wrong_state.
const NOT_STARTED = '活动开始后才能确认考勤'

// The item's length in hours, to the half hour: what a person ticked serves unless changed.
function defaultHours(item) {
  const ms = Date.parse(item.ends_at) - Date.parse(item.starts_at)
  if (!(ms > 0)) return ''
  return String(Math.round(ms / 1800000) / 2)
}

function rowView(claim, hours) {
  const view = community.claimView(claim)
  return {
    claimId: view.id,
    personId: view.personId,
    name: view.personName,
    status: view.status,
    statusText: view.statusText,
    checkedIn: view.checkedIn,
    present: claim.status === 'attended' || Boolean(claim.checked_in_at),
    hours: view.hours !== null ? String(view.hours) : hours,
    error: '',
  }
}

const byPosition = (a, b) => (a.waitlist_position || 0) - (b.waitlist_position || 0)

Page({
  behaviors: [listPage],

  data: {
    item: null,
    rows: [],
    waiting: [],
    others: [],
    presentCount: 0,
    formError: '',
    busy: false,
  },

  onLoad(query) {
    this.itemId = Number(query.item)
    return this.load()
  },

  showsLoading() {
    return !this.data.item
  },

  async fetch() {
    const [item, claims] = await Promise.all([
      api.get(paths.serviceItem(this.itemId)),
      api.get(paths.serviceItemClaims(this.itemId)),
    ])
    const hours = defaultHours(item)
    const rows = claims.filter((c) => ON_ROSTER.includes(c.status)).map((c) => rowView(c, hours))
    this.setData({
      item: community.itemView(item),
      rows,
      waiting: claims.filter((c) => WAITING.includes(c.status)).sort(byPosition).map(community.claimView),
      others: claims.filter((c) => ![...ON_ROSTER, ...WAITING].includes(c.status)).map(community.claimView),
      presentCount: rows.filter((r) => r.present).length,
      formError: '',
    })
  },

  onPresent(e) {
    const index = Number(e.currentTarget.dataset.index)
    const present = !this.data.rows[index].present
    this.setData({ [`rows[${index}].present`]: present, [`rows[${index}].error`]: '' })
    this.setData({ presentCount: this.data.rows.filter((r) => r.present).length })
  },

  onHours(e) {
    const index = Number(e.currentTarget.dataset.index)
    this.setData({ [`rows[${index}].hours`]: e.detail.value, [`rows[${index}].error`]: '' })
  },

  // Every ticked person's hours must be a number ≥ 0; then a confirmation naming who will be recorded as absent.
  async onConfirm() {
    if (this.data.busy) return
    const { rows } = this.data
    const entries = []
    const patch = {}
    let invalid = 0
    rows.forEach((row, i) => {
      if (!row.present) return
      const hours = community.parseHours(row.hours)
      if (hours === null || hours > community.MAX_HOURS) {
        invalid += 1
        patch[`rows[${i}].error`] = hours === null ? HOURS_INVALID : HOURS_TOO_MANY
      } else {
        entries.push({ person_id: row.personId, hours })
      }
    })
    patch.formError = invalid ? `有${invalid}人的服务时长填写有误` : ''
    this.setData(patch)
    if (invalid) return
    const absent = rows.length - entries.length
    const go = await ui.confirm({
      title: '确认考勤',
      content: absent > 0
        ? `到场 ${entries.length} 人，其余 ${absent} 人将记为未到场。确认提交？`
        : `到场 ${entries.length} 人。确认提交？`,
      confirmText: '确认提交',
      cancelText: '返回修改',
    })
    if (!go) return
    await this.submit(entries)
  },

  async submit(entries) {
    this.setData({ busy: true })
    let retry = false
    let ok = false
    try {
      await api.post(paths.serviceItemAttendance(this.itemId), { entries })
      ok = true
      wx.showToast({ title: '已确认考勤', icon: 'none' })
    } catch (err) {
      if (err.code === 'community.wrong_state') {
        wx.showModal({ title: '考勤未提交', content: NOT_STARTED, showCancel: false, confirmText: '知道了' })
      } else {
        retry = await errors.promptRetry(err, '考勤未提交')
      }
    } finally {
      this.setData({ busy: false })
    }
    if (ok) await this.load()
    if (retry) await this.submit(entries)
  },

  onQr() {
    wx.navigateTo({ url: `/pages/service-qr/index?item=${this.itemId}` })
  },
})
