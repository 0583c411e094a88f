// Dates as the server counts them: Asia/Shanghai (UTC+8, no daylight saving), whatever timezone the phone is set to.
// Every function takes `now` (ms since the epoch) so tests can move the clock; only the UTC getters are used.
const OFFSET_MS = 8 * 60 * 60 * 1000

const pad = (n) => String(n).padStart(2, '0')

// { year, month (1–12), day } of `now` in UTC+8.
function shanghaiDate(now = Date.now()) {
  const shifted = new Date(now + OFFSET_MS)
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() }
}

// 'YYYY-MM' of `now` in UTC+8.
function currentMonth(now = Date.now()) {
  const { year, month } = shanghaiDate(now)
  return `${year}-${pad(month)}`
}

// 'YYYY-MM-DD' of `now` in UTC+8; compares as a string with the server's dates.
function today(now = Date.now()) {
  const { year, month, day } = shanghaiDate(now)
  return `${year}-${pad(month)}-${pad(day)}`
}

// `now` as RFC3339 in UTC+8, to the second: '2026-11-20T14:02:11+08:00' (the server's own format for times).
function stamp(now = Date.now()) {
  const shifted = new Date(now + OFFSET_MS)
  const date = `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}`
  const time = `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())}`
  return `${date}T${time}+08:00`
}

// 'YYYY-MM' plus n months (n may be negative).
function addMonths(month, n) {
  const [year, m] = month.split('-').map(Number)
  const index = year * 12 + (m - 1) + n
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`
}

function yearOf(month) {
  return Number(month.slice(0, 4))
}

// First and last day of a month, for a date picker's start/end.
function monthRange(month) {
  const [year, m] = month.split('-').map(Number)
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate()
  return { first: `${month}-01`, last: `${month}-${pad(last)}` }
}

// '2026-12' → '2026年12月'; '2026-12-21' → '12月21日'.
function monthLabel(month) {
  return `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`
}

function dayLabel(date) {
  return date ? `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日` : ''
}

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六']

// '2026-12-21' → '周一'. A calendar date has no timezone, so it is read as UTC.
function weekday(date) {
  const [y, m, d] = date.split('-').map(Number)
  return `周${WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]}`
}

module.exports = {
  OFFSET_MS, shanghaiDate, currentMonth, today, stamp, addMonths, yearOf, monthRange, monthLabel, dayLabel, weekday,
}
