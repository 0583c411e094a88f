// 我的考勤: my figures for a year (GET /me/attendance?year=) and the activities behind them.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const labels = require('../../utils/labels')
const month = require('../../utils/month')
const paths = require('../../utils/paths')

function summaryView(body) {
  return {
    expected: body.expected,
    present: body.present,
    onLeave: body.on_leave,
    absent: body.absent,
    rate: labels.rateLabel(body.rate) || '—',
  }
}

const rowView = (a) => ({
  id: a.activity_id,
  theme: a.theme,
  date: `${month.dayLabel(a.activity_date)} ${month.weekday(a.activity_date)}`,
  orgName: a.org_name,
  status: a.status,
  statusText: labels.myStatusLabel(a.status),
  checkedIn: a.checked_in_at ? labels.clockLabel(a.checked_in_at) : '',
})

Page({
  data: {
    year: 0,
    summary: null,
    rows: [],
    loading: false,
    loadError: null,
  },

  onLoad(query) {
    const year = Number(query && query.year) || month.shanghaiDate().year
    this.setData({ year })
    return this.load()
  },

  async onPullDownRefresh() {
    await this.load()
    wx.stopPullDownRefresh()
  },

  async load() {
    this.setData({ loading: !this.data.summary, loadError: null })
    try {
      const body = await api.get(paths.meAttendance(), { year: this.data.year })
      this.setData({ summary: summaryView(body), rows: (body.activities || []).map(rowView) })
    } catch (err) {
      this.setData({ loadError: errors.loadError(err) })
    } finally {
      this.setData({ loading: false })
    }
  },

  onRetry() {
    this.load()
  },

  onYear(e) {
    this.setData({ year: this.data.year + Number(e.currentTarget.dataset.step), summary: null, rows: [] })
    return this.load()
  },
})
