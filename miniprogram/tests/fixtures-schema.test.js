// The canned server answers the page tests use (tests/fixtures.js, the shim's token pair) checked against the
// server's OpenAPI document (tests/openapi.json, kept current by a server test): every property a fixture has must
// exist in the response schema, required properties must be there, primitive types and enums must match. When the
// server renames or drops a field, this fails rather than the pages silently reading undefined.
//
// A fixture for an operation (or an enum value) the document does not have yet is skipped, and listed.
const doc = require('./openapi.json')
const fixtures = require('./fixtures')
const { tokenPair } = require('./wx-shim')

// --- a small validator: $ref, allOf, oneOf/anyOf (untagged), type lists with "null", nullable, enum, items,
// properties, required, additionalProperties.
function deref(schema) {
  let s = schema
  while (s && s.$ref) {
    const name = s.$ref.replace('#/components/schemas/', '')
    const target = doc.components.schemas[name]
    if (!target) throw new Error(`unresolved ${s.$ref}`)
    const { $ref, ...rest } = s
    s = { ...target, ...rest }
  }
  return s
}

function merge(parts) {
  return parts.map(deref).reduce((acc, part) => ({
    ...acc,
    ...part,
    properties: { ...(acc.properties || {}), ...(part.properties || {}) },
    required: [...(acc.required || []), ...(part.required || [])],
  }), {})
}

const typeOf = (value) => {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (Number.isInteger(value)) return 'integer'
  return typeof value
}

// The errors of `value` against `schema` at `where` (an empty list when it fits).
function check(value, rawSchema, where) {
  let schema = deref(rawSchema || {})
  if (schema.allOf) schema = { ...schema, ...merge(schema.allOf), allOf: undefined }
  const variants = schema.oneOf || schema.anyOf
  if (variants) {
    const results = variants.map((variant) => check(value, variant, where))
    const fits = results.find((errors) => errors.length === 0)
    if (fits) return []
    return [`${where}: fits none of ${variants.length} variants (${results.map((e) => e[0]).join(' | ')})`]
  }
  if (value === null && (schema.nullable || (Array.isArray(schema.type) && schema.type.includes('null')))) return []
  const types = [].concat(schema.type || [])
  const actual = typeOf(value)
  if (types.length > 0 && !types.some((t) => t === actual || (t === 'number' && actual === 'integer'))) {
    return [`${where}: ${JSON.stringify(value)} is ${actual}, the schema says ${types.join('|')}`]
  }
  if (schema.enum && !schema.enum.includes(value)) return [`${where}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`]
  if (actual === 'array' && schema.items) return value.flatMap((item, i) => check(item, schema.items, `${where}[${i}]`))
  if (actual === 'object' && (schema.properties || schema.additionalProperties || types.includes('object'))) {
    const errors = []
    const props = schema.properties || {}
    ;(schema.required || []).forEach((name) => {
      if (!(name in value)) errors.push(`${where}: required ${name} is missing`)
    })
    Object.keys(value).forEach((name) => {
      if (props[name]) errors.push(...check(value[name], props[name], `${where}.${name}`))
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        errors.push(...check(value[name], schema.additionalProperties, `${where}.${name}`))
      } else if (schema.additionalProperties !== true) errors.push(`${where}: ${name} is not in the schema`)
    })
    return errors
  }
  return []
}

// The response schema of `METHOD /path` for `status`, or null when the document has no such operation.
function responseSchema(operation, status) {
  const [method, path] = operation.split(' ')
  const op = doc.paths[path] && doc.paths[path][method.toLowerCase()]
  const response = op && op.responses && op.responses[String(status)]
  const content = response && response.content && response.content['application/json']
  return content ? content.schema : null
}

const enumHas = (schemaName, value) => (doc.components.schemas[schemaName].enum || []).includes(value)

// [name, operation, status, body, needs?]: `needs` is what the document must already have for the case to count.
const RESULTS = ['ok', 'already_checked_in', 'invalid_token', 'window_expired', 'not_open_yet', 'closed', 'not_expected',
  'exempt', 'cancelled', 'location_far', 'offline_refused', 'location_missing', 'not_on_duty', 'wrong_venue']
const cases = [
  ['plan', 'GET /api/v1/plans/{id}', 200, fixtures.plan()],
  ['plan (filed, with a map position)', 'PATCH /api/v1/plans/{id}', 200, fixtures.plan({ status: 'filed', latitude: 32.39, longitude: 119.41 })],
  ['plan (as PUT answers)', 'PUT /api/v1/plans/{id}', 200, fixtures.plan()],
  ['plans of a branch', 'GET /api/v1/orgs/{id}/plans', 200, [fixtures.plan()]],
  ['calendar', 'GET /api/v1/calendar/{year}', 200, fixtures.calendar(2026, { moved: { '2026-12': { day: '2026-12-21', reason: '顺延' } } })],
  ['me', 'GET /api/v1/me', 200, fixtures.me(['secretary', 6, '第一党支部'])],
  ...RESULTS.map((result) => [
    `check-in answer ${result}`, 'POST /api/v1/checkins', 200, fixtures.checkinAnswer(result),
    () => enumHas('Outcome', result),
  ]),
  ['organiser check-in answer', 'POST /api/v1/activities/{id}/checkins', 200, fixtures.checkinAnswer('ok')],
  ['live counts', 'GET /api/v1/activities/{id}/live', 200, fixtures.live()],
  ['leave', 'POST /api/v1/activities/{id}/leave', 200, fixtures.leave()],
  ['my activities', 'GET /api/v1/me/activities', 200, [fixtures.myActivity(), fixtures.myActivity({ leave: fixtures.leave() })]],
  ['activity', 'GET /api/v1/activities/{id}', 200, fixtures.activity()],
  ['claim', 'POST /api/v1/service-claims/{id}/cancel', 200, fixtures.claim()],
  ['service item', 'GET /api/v1/service-items/{id}', 200, fixtures.serviceItem({ my_claim: fixtures.claim() })],
  ['items page', 'GET /api/v1/communities/{id}/service-items', 200, fixtures.itemsPage([fixtures.serviceItem()])],
  ['claim answer', 'POST /api/v1/service-items/{id}/claims', 200, { result: 'full', message: '已加入候补', claim: fixtures.claim({ status: 'waitlisted', waitlist_position: 1 }) }],
  ['report', 'POST /api/v1/communities/{id}/reports', 200, fixtures.report()],
  ['communities', 'GET /api/v1/communities', 200, fixtures.communities()],
  ['suggestion', 'POST /api/v1/communities/{id}/suggestions', 200, fixtures.suggestion()],
  ['progress', 'GET /api/v1/me/progress', 200, fixtures.progress()],
  ['commitment', 'PUT /api/v1/me/commitments/{year}', 200, fixtures.commitment()],
  ['pairings', 'GET /api/v1/me/pairings', 200, [fixtures.pairing()]],
  ['token pair (refresh)', 'POST /api/v1/auth/refresh', 200, tokenPair('t')],
  ['token pair (WeChat login)', 'POST /api/v1/auth/wechat', 200, { status: 'ok', ...tokenPair('t') }],
  ['unbound (WeChat login)', 'POST /api/v1/auth/wechat', 200, { status: 'unbound', bind_ticket: 'tk', expires_in: 600, visitor_token: 'vt' }],
  ['an error body', 'POST /api/v1/checkins', 401, { code: 'auth.token_invalid', message: 'bad signature' }],
  ['notification templates', 'GET /api/v1/notifications/templates', 200, fixtures.templates()],
  ['my contact points', 'GET /api/v1/me/contact-points', 200, [fixtures.contactPoint()]],
  ['a duty entry (created)', 'POST /api/v1/me/duties', 201, fixtures.dutyEntry()],
  ['my duty entries', 'GET /api/v1/me/duties', 200, [fixtures.dutyEntry(), fixtures.dutyEntry({ id: 32, kind: 'contact_visit', org_id: 6, org_name: '第一党支部', corrects: 30 })]],
  ['a duty entry (edited)', 'PATCH /api/v1/duty-entries/{id}', 200, fixtures.dutyEntry()],
  ['a talk (created)', 'POST /api/v1/me/talks', 201, fixtures.talk()],
  ['my talks', 'GET /api/v1/me/talks', 200, [fixtures.talk(), fixtures.talk({ id: 42, leader_id: 9, leader_name: '王书记', with_person_id: 1, with_name: '李伟芳' })]],
  ['duty progress', 'GET /api/v1/people/{id}/duties', 200, fixtures.dutyProgress()],
  ['the duties of an org', 'GET /api/v1/orgs/{id}/duties', 200, fixtures.dutiesPage([fixtures.dutyRow()])],
  ['an attachment (uploaded)', 'POST /api/v1/attachments', 201, fixtures.attachment()],
  ['a record\'s attachments', 'GET /api/v1/attachments', 200, [
    fixtures.attachment(),
    fixtures.attachment({ id: 92, file_type: 'pdf', media_type: 'application/pdf', name: '调研报告.pdf' }),
    fixtures.attachment({ id: 93, owner_type: 'activity', owner_id: 12, file_type: 'png', media_type: 'image/png' }),
  ]],
  // Party congress deputies (§二.4)
  ['studios', 'GET /api/v1/studios', 200, fixtures.studiosPage()],
  ['a studio', 'GET /api/v1/studios/{id}', 200, fixtures.studio()],
  ['a studio (created)', 'POST /api/v1/studios', 201, fixtures.studio()],
  ['a studio\'s rota', 'GET /api/v1/studios/{id}/rota', 200, fixtures.rota([
    fixtures.shift(), fixtures.shift({ id: 53, deputy_id: 9, deputy_name: '王建国', booked: 5, pending_swap: fixtures.swap() }),
  ])],
  ['my rota', 'GET /api/v1/me/rota', 200, fixtures.myRota({ swaps_asked_of_me: [fixtures.swap({ id: 72, from_id: 9, from_name: '王建国', to_id: 1, to_name: '李伟芳' })] })],
  ['my unavailable days', 'PUT /api/v1/me/unavailable-days', 200, { days: ['2026-12-02', '2026-12-09'] }],
  ['a swap (asked)', 'POST /api/v1/rota-shifts/{id}/swaps', 201, fixtures.swap()],
  ['a swap (accepted)', 'POST /api/v1/rota-swaps/{id}/accept', 200, fixtures.swap({ status: 'accepted' })],
  ['a swap (declined)', 'POST /api/v1/rota-swaps/{id}/decline', 200, fixtures.swap({ status: 'declined' })],
  ['a booking', 'POST /api/v1/rota-shifts/{id}/bookings', 201, fixtures.reception({ phone: '13900000003' })],
  ['a booking (the public)', 'POST /api/v1/rota-shifts/{id}/bookings', 201, fixtures.reception({ person_id: null, name: '赵六', phone: '13812345678' })],
  ['a full slot', 'POST /api/v1/rota-shifts/{id}/bookings', 409, { code: 'deputy.slot_full', message: 'this slot is fully booked' }],
  ['a meeting request', 'POST /api/v1/deputies/{id}/meeting-requests', 201, fixtures.reception({ kind: 'appointment', status: 'requested', shift_id: null, meets_at: null })],
  ['my receptions', 'GET /api/v1/me/receptions', 200, [fixtures.reception()]],
  ['a deputy\'s receptions', 'GET /api/v1/me/deputy-receptions', 200, [
    fixtures.reception(), fixtures.reception({ id: 62, status: 'attended', raised: '加装电梯', case_ids: [81] }),
  ]],
  ['a slot\'s receptions', 'GET /api/v1/rota-shifts/{id}/receptions', 200, [fixtures.reception()]],
  ['a meeting agreed', 'POST /api/v1/receptions/{id}/answer', 200, fixtures.reception({ kind: 'appointment', shift_id: null, meets_at: '2026-11-26T15:00:00+08:00' })],
  ['a reception recorded', 'POST /api/v1/receptions/{id}/record', 200, fixtures.reception({ status: 'attended', raised: '加装电梯', case_ids: [81] })],
  ['a reception cancelled', 'POST /api/v1/receptions/{id}/cancel', 200, fixtures.reception({ status: 'cancelled' })],
  ['a matter', 'GET /api/v1/matters/{id}', 200, fixtures.matter()],
  ['a matter answered and rated', 'POST /api/v1/matters/{id}/rating', 200, fixtures.matter({
    status: 'closed', answer: '已协调加装', answered_at: '2026-11-18T16:00:00+08:00', rating: 'satisfied',
    timeline: [fixtures.timelineEntry('answer', 'answered', { note: '已协调加装', org: { id: 6, name: '第一党支部' } }), fixtures.timelineEntry('rate', 'closed', { actor_name: null, note: '满意' })],
  })],
  ['a matter moved on', 'POST /api/v1/matters/{id}/steps', 200, fixtures.matter({ overdue: true, escalated_to: { id: 5, name: '街道党工委' } })],
  ['a question', 'POST /api/v1/questions', 201, fixtures.matter({ id: 82, kind: 'question', deputy_id: null, deputy_name: null, level: null, addressed_org: { id: 6, name: '第一党支部' } })],
  ['a proposal', 'POST /api/v1/proposals', 201, fixtures.matter({
    id: 83, kind: 'proposal', status: 'draft', handler_org: null, due_on: null, addressed_org: { id: 5, name: '街道党工委' },
    cosigners: [{ person_id: 9, name: '王建国', confirmed: false }],
  })],
  ['my matters', 'GET /api/v1/me/matters', 200, [fixtures.matter({ timeline: [] })]],
  ['an organisation\'s matters', 'GET /api/v1/orgs/{id}/matters', 200, fixtures.mattersPage([fixtures.matter({ timeline: [] })])],
  ['a constituency', 'GET /api/v1/people/{id}/constituency', 200, fixtures.constituency()],
  // Organisational life: 党务公开, 活动评价, 政治生日, 结对共建
  ['my notices', 'GET /api/v1/me/notices', 200, fixtures.myNotices([fixtures.notice(), fixtures.notice({ id: 102, read: true })])],
  ['a notice', 'GET /api/v1/notices/{id}', 200, fixtures.notice({ read: true })],
  ['a notice (published to a community)', 'POST /api/v1/orgs/{id}/notices', 201, fixtures.notice({ audience: 'public', community_id: 2, kind: 'party' })],
  ['a notice\'s readers', 'GET /api/v1/notices/{id}/readers', 200, fixtures.readers()],
  ['a question about a notice', 'POST /api/v1/notices/{id}/questions', 201, fixtures.matter({
    id: 84, kind: 'question', deputy_id: null, deputy_name: null, level: null, addressed_org: { id: 6, name: '第一党支部' },
  })],
  ['my feedback (to give)', 'GET /api/v1/activities/{id}/feedback', 200, fixtures.myFeedback()],
  ['my feedback (given)', 'GET /api/v1/activities/{id}/feedback', 200, fixtures.myFeedback({ can_answer: false, mine: { rating: 4, comment: '很好' } })],
  ['feedback given', 'POST /api/v1/activities/{id}/feedback', 201, { rating: 5, comment: '' }],
  ['a feedback summary', 'GET /api/v1/activities/{id}/feedback/summary', 200, fixtures.feedbackSummary()],
  ['a feedback summary (too few)', 'GET /api/v1/activities/{id}/feedback/summary', 200, fixtures.feedbackSummary({
    answers: 3, enough: false, distribution: null, average: null, comments: [],
  })],
  ['my political birthday', 'GET /api/v1/me/political-birthday', 200, fixtures.birthday({
    celebration: fixtures.celebration({ oath_renewed: true, talk_id: 41 }),
  })],
  ['a branch\'s political birthdays', 'GET /api/v1/orgs/{id}/political-birthdays', 200, [fixtures.birthday()]],
  ['political birthdays celebrated', 'POST /api/v1/plans/{id}/political-birthdays', 200, [fixtures.birthday({ celebration: fixtures.celebration() })]],
  ['a branch\'s 政治生日 plan', 'GET /api/v1/orgs/{id}/plans', 200, [fixtures.birthdayPlan()]],
  ['a 思想汇报 file', 'GET /api/v1/attachments', 200, [fixtures.attachment({ owner_type: 'political_birthday', owner_id: 121, file_type: 'pdf', name: '思想汇报.pdf' })]],
  ['a member already celebrated', 'POST /api/v1/plans/{id}/political-birthdays', 409, { code: 'life.conflict', message: 'already celebrated this year' }],
  ['a political birthday recorded', 'PATCH /api/v1/political-birthdays/{id}', 200, fixtures.birthday({
    celebration: fixtures.celebration({
      report: '学习体会', oath_renewed: true, talk_id: 41, visit_done: true, complete: true,
    }),
  })],
  ['an organisation\'s pairs', 'GET /api/v1/orgs/{id}/pairs', 200, [fixtures.pair()]],
  ['a pair\'s year', 'GET /api/v1/org-pairs/{id}/year', 200, fixtures.pairYear()],
  ['a pair entry', 'POST /api/v1/org-pairs/{id}/entries', 201, fixtures.pairEntry({ kind: 'help' })],
  // 集中主题活动: the themed activities a branch joins, and the branch's own venue code
  ['themed activities my branch joins', 'GET /api/v1/orgs/{id}/themed-venues', 200, [fixtures.themedVenue()]],
  ['a branch\'s venue code', 'GET /api/v1/activities/{id}/venues/{branch_id}/qr', 200, fixtures.branchVenueQr()],
  ['a branch\'s venue code, static', 'GET /api/v1/activities/{id}/venues/{branch_id}/qr', 200, fixtures.branchVenueQr({ valid_until: null })],
  // 民主评议 and the questionnaire on the branch
  ['my branch\'s evaluations', 'GET /api/v1/me/evaluations', 200, [fixtures.campaignSummary(), fixtures.campaignSummary({ id: 50, year: 2025, open: false, closed: true })]],
  ['a branch\'s evaluations', 'GET /api/v1/orgs/{id}/evaluations', 200, [fixtures.campaignSummary()]],
  ['an evaluation opened', 'POST /api/v1/orgs/{id}/evaluations', 201, fixtures.campaign({ my_self_assessment: '认真学习' })],
  ['an evaluation', 'GET /api/v1/evaluations/{id}', 200, fixtures.campaign()],
  ['an evidence sheet', 'GET /api/v1/evaluations/{id}/members/{person_id}/evidence', 200, fixtures.evidenceSheet()],
  ['an evidence sheet with duties', 'GET /api/v1/evaluations/{id}/members/{person_id}/evidence', 200, fixtures.evidenceSheet({
    exempt: true, exempt_reason: '长期外出务工', duties: fixtures.dutyRow(), attendance: fixtures.personYear({ expected: 0, present: 0, on_leave: 0, absent: 0, rate: null, activities: [] }),
  })],
  ['evaluation results', 'GET /api/v1/evaluations/{id}/results', 200, [fixtures.memberResult(), fixtures.memberResult({
    person_id: 3, name: '张三', ballots: 2, counts: null, comments: [], final_grade: 'qualified', meeting_date: '2026-12-05',
  })]],
  ['a ballot refused', 'POST /api/v1/evaluations/{id}/ballots', 409, { code: 'evaluation.already_voted', message: 'already voted' }],
  ['the questionnaire', 'GET /api/v1/evaluations/{id}/questionnaire', 200, fixtures.questionnaire()],
  ['the questionnaire refused', 'POST /api/v1/evaluations/{id}/questionnaire', 429, { code: 'evaluation.too_many_requests', message: 'too many' }],
  ['the questionnaire\'s results', 'GET /api/v1/evaluations/{id}/questionnaire/results', 200, [
    fixtures.audienceResult(), fixtures.audienceResult({ audience: 'public', answers: 3, questions: null }),
  ]],
  // 督查考评: rectification tasks and what was published
  ['an organisation\'s rectification tasks', 'GET /api/v1/orgs/{id}/rectifications', 200, fixtures.tasksPage([
    fixtures.task(), fixtures.task({ id: 62, status: 'returned', overdue: true, escalated_to_org_id: 5, decision_note: '请附上照片', decided_at: '2026-11-19T10:00:00+08:00' }),
  ])],
  ['a rectification task', 'GET /api/v1/rectifications/{id}', 200, fixtures.task({
    status: 'answered', answer: '已补全', answered_at: '2026-11-19T10:00:00+08:00',
  })],
  ['a rectification task answered', 'POST /api/v1/rectifications/{id}/steps', 200, fixtures.task({ status: 'answered', answer: '已补全', answered_at: '2026-11-19T10:00:00+08:00' })],
  ['a rectification refused', 'POST /api/v1/rectifications/{id}/steps', 409, { code: 'supervision.wrong_state', message: 'changed' }],
  ['what was published to me', 'GET /api/v1/me/inspection-results', 200, [
    fixtures.publishedRound(), fixtures.publishedRound({ round_id: 82, version: 2, correction_reason: '更正评定', result: null, method: 'interviews' }),
  ]],
  // 扫码登录电脑端: the confirmation's 204 has no body; its refusals do
  ...Object.entries(fixtures.consoleRefusals).map(([name, { status, body }]) => [
    `a console sign-in refused (${name})`, 'POST /api/v1/console-sign-ins/{code}/confirm', status, body,
  ]),
]

const ready = []
const skipped = []
cases.forEach(([name, operation, status, body, needs]) => {
  const schema = responseSchema(operation, status)
  if (!schema || (needs && !needs())) skipped.push(`${name} (${operation} ${status})`)
  else ready.push([name, operation, status, body, schema])
})

afterAll(() => {
  if (skipped.length > 0) {
    // eslint-disable-next-line no-console
    console.log(`Not yet in tests/openapi.json, skipped until it is regenerated:\n  ${skipped.join('\n  ')}`)
  }
})

test.each(ready)('%s fits %s %s', (name, operation, status, body, schema) => {
  expect(check(body, schema, name)).toEqual([])
})

describe('the validator itself', () => {
  const schema = { $ref: '#/components/schemas/ClaimView' }
  const good = fixtures.claim()

  test('a renamed field, a missing required one, a wrong type and a value outside an enum are caught', () => {
    const { item_title: title, ...renamed } = good
    expect(check({ ...renamed, itemTitle: title }, schema, 'c')).toEqual([
      'c: required item_title is missing', 'c: itemTitle is not in the schema',
    ])
    expect(check({ ...good, id: '41' }, schema, 'c')).toEqual(['c.id: "41" is string, the schema says integer'])
    expect(check({ ...good, hours: null }, schema, 'c')).toEqual([]) // ["number", "null"]
    expect(check(fixtures.checkinAnswer('ok', { result: 'maybe' }), { $ref: '#/components/schemas/CheckinResponse' }, 'a'))
      .toEqual([expect.stringMatching(/^a\.result: "maybe" is not one of/)])
  })

  test('oneOf: the body must fit one variant; null fits a { type: null } variant', () => {
    const login = { $ref: '#/components/schemas/WechatLoginResponse' }
    expect(check({ status: 'unbound', bind_ticket: 'tk', expires_in: 600, visitor_token: 'vt' }, login, 'w')).toEqual([])
    expect(check({ status: 'unbound', bind_ticket: 'tk', expires_in: 600 }, login, 'w')).toHaveLength(1)
    expect(check(fixtures.serviceItem({ my_claim: null }), { $ref: '#/components/schemas/ItemView' }, 'i')).toEqual([])
  })

  test('an operation missing from the document is skipped, not failed', () => {
    expect(responseSchema('GET /api/v1/no-such-thing', 200)).toBeNull()
  })
})
