// The year's activity days: one row per month with the day, why it moved from the 20th, and the preview deadline.
const api = require('../../utils/api')
const listPage = require('../../behaviors/list-page')
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
  behaviors: [listPage],

  data: {
    year: 0,
    rows: [],
    missing: false, // no official arrangement for the year yet
  },

  onLoad(query) {
    const year = Number(query && query.year) || month.shanghaiDate().year
    this.setData({ year })
    return this.load()
  },

  showsLoading() {
    return this.data.rows.length === 0
  },

  // A year without the official arrangement is not an error: the page says so.
  async fetch() {
    this.setData({ missing: false })
    try {
      const calendar = await api.get(paths.calendar(this.data.year))
      this.setData({ rows: calendar.months.map(rowView) })
    } catch (err) {
      if (err.code !== 'calendar.year_missing') throw err
      this.setData({ rows: [], missing: true })
    }
  },

  onYear(e) {
    this.setData({ year: this.data.year + Number(e.currentTarget.dataset.step), rows: [] })
    this.load()
  },
})
