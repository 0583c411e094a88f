// 我的考勤: my figures for a year (GET /me/attendance?year=) and the activities behind them.
const api = require('../../utils/api')
const listPage = require('../../behaviors/list-page')
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
  behaviors: [listPage],

  data: {
    year: 0,
    summary: null,
    rows: [],
  },

  onLoad(query) {
    const year = Number(query && query.year) || month.shanghaiDate().year
    this.setData({ year })
    return this.load()
  },

  showsLoading() {
    return !this.data.summary
  },

  async fetch() {
    const body = await api.get(paths.meAttendance(), { year: this.data.year })
    this.setData({ summary: summaryView(body), rows: (body.activities || []).map(rowView) })
  },

  onYear(e) {
    this.setData({ year: this.data.year + Number(e.currentTarget.dataset.step), summary: null, rows: [] })
    return this.load()
  },
})
