// The year's activity days: one row per month with the day, why it moved from the 20th, and the preview deadline.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const month = require('../../utils/month')
const paths = require('../../utils/paths')

function rowView(m) {
  return {
    month: m.month,
    monthText: `${Number(m.month.slice(5, 7))}月`,
    day: `${month.dayLabel(m.activity_day)} ${month.weekday(m.activity_day)}`,
    moved: m.moved_because || '',
    deadline: month.dayLabel(m.preview_deadline),
    current: m.month === month.currentMonth(),
  }
}

Page({
  data: {
    year: 0,
    rows: [],
    loading: false,
    loadError: null,
    missing: false, // no official arrangement for the year yet
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
    this.setData({ loading: this.data.rows.length === 0, loadError: null, missing: false })
    try {
      const calendar = await api.get(paths.calendar(this.data.year))
      this.setData({ rows: calendar.months.map(rowView) })
    } catch (err) {
      if (err.code === 'calendar.year_missing') this.setData({ rows: [], missing: true })
      else this.setData({ loadError: errors.loadError(err) })
    } finally {
      this.setData({ loading: false })
    }
  },

  onRetry() {
    this.load()
  },

  onYear(e) {
    this.setData({ year: this.data.year + Number(e.currentTarget.dataset.step), rows: [] })
    this.load()
  },
})
