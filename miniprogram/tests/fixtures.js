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

module.exports = { event, plan, calendar, me }
