const month = require('../utils/month')

const at = (iso) => Date.parse(iso)

describe('the current month is the one in Asia/Shanghai (UTC+8)', () => {
  test('the month turns at 16:00 UTC on the last day', () => {
    expect(month.currentMonth(at('2026-11-30T15:59:59Z'))).toBe('2026-11')
    expect(month.currentMonth(at('2026-11-30T16:00:00Z'))).toBe('2026-12')
    expect(month.currentMonth(at('2026-12-31T16:00:00Z'))).toBe('2027-01')
    expect(month.today(at('2026-12-31T16:00:00Z'))).toBe('2027-01-01')
    expect(month.shanghaiDate(at('2026-02-28T20:00:00Z'))).toEqual({ year: 2026, month: 3, day: 1 })
  })

  describe('whatever timezone the phone is set to', () => {
    const original = process.env.TZ
    afterEach(() => {
      process.env.TZ = original
      if (original === undefined) delete process.env.TZ
    })

    test.each(['America/Los_Angeles', 'Pacific/Kiritimati', 'Europe/London', 'UTC'])('%s', (zone) => {
      process.env.TZ = zone
      const newYearInBeijing = at('2026-12-31T16:30:00Z')
      // The check has teeth: in these zones the phone's own calendar disagrees with Beijing for one of the instants.
      const local = (t) => `${new Date(t).getFullYear()}-${new Date(t).getMonth() + 1}-${new Date(t).getDate()}`
      const lastEvening = at('2026-11-30T15:30:00Z')
      expect([local(newYearInBeijing), local(lastEvening)]).not.toEqual(['2027-1-1', '2026-11-30'])

      expect(month.currentMonth(newYearInBeijing)).toBe('2027-01')
      expect(month.today(newYearInBeijing)).toBe('2027-01-01')
      expect(month.currentMonth(lastEvening)).toBe('2026-11')
      expect(month.today(lastEvening)).toBe('2026-11-30')
    })
  })

  test('without an argument it reads the clock', () => {
    jest.useFakeTimers({ now: at('2027-06-30T17:00:00Z') })
    try {
      expect(month.currentMonth()).toBe('2027-07')
      expect(month.today()).toBe('2027-07-01')
    } finally {
      jest.useRealTimers()
    }
  })
})

test('addMonths crosses years both ways', () => {
  expect(month.addMonths('2026-11', 2)).toBe('2027-01')
  expect(month.addMonths('2026-12', 1)).toBe('2027-01')
  expect(month.addMonths('2026-01', -1)).toBe('2025-12')
  expect(month.addMonths('2026-05', 0)).toBe('2026-05')
  expect(month.addMonths('2026-05', 24)).toBe('2028-05')
})

test('month ranges, labels and weekdays', () => {
  expect(month.monthRange('2028-02')).toEqual({ first: '2028-02-01', last: '2028-02-29' })
  expect(month.monthRange('2026-12')).toEqual({ first: '2026-12-01', last: '2026-12-31' })
  expect(month.yearOf('2027-01')).toBe(2027)
  expect(month.monthLabel('2026-03')).toBe('2026年3月')
  expect(month.dayLabel('2026-12-21')).toBe('12月21日')
  expect(month.dayLabel('')).toBe('')
  expect(month.weekday('2026-12-21')).toBe('周一')
  expect(month.weekday('2026-12-20')).toBe('周日')
})

test('stamp: RFC3339 in UTC+8 to the second, whatever the phone\'s timezone (the queued scan time)', () => {
  const original = process.env.TZ
  process.env.TZ = 'America/Los_Angeles'
  try {
    expect(month.stamp(at('2026-11-20T06:01:30.999Z'))).toBe('2026-11-20T14:01:30+08:00')
    expect(month.stamp(at('2026-12-31T16:00:00Z'))).toBe('2027-01-01T00:00:00+08:00')
    expect(Date.parse(month.stamp(at('2026-03-01T01:02:03Z')))).toBe(at('2026-03-01T01:02:03Z'))
  } finally {
    process.env.TZ = original
    if (original === undefined) delete process.env.TZ
  }
})
