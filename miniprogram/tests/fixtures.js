// Server answers shaped like the OpenAPI document's schemas, for the page tests.
const event = (action, extra = {}) => ({
  version: 1, action, actor_person_id: 1, on_behalf: false, comment: null, occurred_at: '2026-11-27T09:45:12.7+08:00', ...extra,
})

function plan(overrides = {}) {
  return {
    id: 11,
    org_id: 6,
    month: '2026-12',
    version: 1,
    status: 'draft',
    theme: '学习贯彻全会精神',
    category: 'party_lecture',
    category_label: '党课',
    date: '2026-12-21',
    start_time: '09:00',
    end_time: '11:00',
    date_reason: null,
    place: '党群服务中心',
    latitude: null,
    longitude: null,
    requirements: '',
    organiser: '李伟芳',
    checkin_opens_at: '2026-12-21T08:30:00+08:00',
    checkin_closes_at: '2026-12-21T12:00:00+08:00',
    review_comment: null,
    filed_to_org_id: null,
    published_at: null,
    preview_deadline: '2026-12-10',
    expected_participants: 42,
    history: [event('created')],
    ...overrides,
  }
}

function calendar(year, { moved = {} } = {}) {
  return {
    year,
    policy: 'next_working_day',
    months: Array.from({ length: 12 }, (_, i) => {
      const month = `${year}-${String(i + 1).padStart(2, '0')}`
      return {
        month,
        activity_day: moved[month] ? moved[month].day : `${month}-20`,
        preview_deadline: `${month}-10`,
        moved_because: moved[month] ? moved[month].reason : null,
      }
    }),
  }
}

const me = (...grants) => ({
  id: 1,
  name: '李伟芳',
  phone: '13900000000',
  org_id: 6,
  status: 'full',
  roles: grants.map(([role, orgId, orgName]) => ({ role, org_id: orgId, org_name: orgName })),
})

// Check-in (the contract of issue #5).
const VENUE_URL = 'https://hdr.example.cn/c/K7P2QX9M?t=Ab3dE5fG7hJ9kL1m'

const live = (overrides = {}) => ({
  present: 31, expected: 40, on_leave: 2, guests: 1, absent: 7, rate: 0.775, below_threshold: true, ...overrides,
})

// A CheckinResponse.
function checkinAnswer(result = 'ok', overrides = {}) {
  const accepted = ['ok', 'already_checked_in', 'not_expected', 'exempt'].includes(result)
  return {
    result,
    accepted,
    message: '签到成功',
    checked_in_at: accepted ? '2026-11-20T14:02:11+08:00' : null,
    attendance: accepted ? 'member' : null,
    late_sync: false,
    location_far: result === 'location_far',
    activity: { id: 12, theme: '学习贯彻全会精神', org_name: '第一党支部' },
    live: live(),
    ...overrides,
  }
}

const leave = (overrides = {}) => ({
  id: 7, activity_id: 12, person_id: 3, person_name: '王五', reason: '出差', status: 'pending',
  requested_at: '2026-11-18T09:00:00+08:00', decided_at: null, decision_comment: null, ...overrides,
})

// One row of GET /me/activities.
const myActivity = (overrides = {}) => ({
  activity_id: 12, theme: '学习贯彻全会精神', activity_date: '2026-11-20', start_time: '14:00', end_time: '16:00',
  place: '党群服务中心', org_name: '第一党支部', code: 'K7P2QX9M', checkin_opens_at: '2026-11-20T13:30:00+08:00',
  checkin_closes_at: '2026-11-20T17:00:00+08:00', phase: 'upcoming', my_status: 'expected', checked_in_at: null, leave: null,
  ...overrides,
})

const activity = (overrides = {}) => ({
  id: 12, org_id: 6, org_name: '第一党支部', theme: '学习贯彻全会精神', activity_date: '2026-11-20', start_time: '14:00',
  end_time: '16:00', place: '党群服务中心', code: 'K7P2QX9M', window_seconds: 30, require_location: false, radius_m: 500,
  checkin_opens_at: '2026-11-20T13:30:00+08:00', checkin_closes_at: '2026-11-20T17:00:00+08:00', cancelled: false,
  phase: 'open', minutes: null, live: live(), ...overrides,
})

module.exports = {
  event, plan, calendar, me, VENUE_URL, live, checkinAnswer, leave, myActivity, activity,
}
