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
    checkin_opens_minutes_before: 30,
    checkin_closes_minutes_after: 60,
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
  place: '党群服务中心', org_name: '第一党支部', checkin_opens_at: '2026-11-20T13:30:00+08:00',
  checkin_closes_at: '2026-11-20T17:00:00+08:00', phase: 'upcoming', my_status: 'expected', checked_in_at: null, leave: null,
  ...overrides,
})

const activity = (overrides = {}) => ({
  id: 12, org_id: 6, org_name: '第一党支部', theme: '学习贯彻全会精神', activity_date: '2026-11-20', start_time: '14:00',
  end_time: '16:00', place: '党群服务中心', code: 'K7P2QX9M', window_seconds: 30, require_location: false, radius_m: 500,
  checkin_opens_at: '2026-11-20T13:30:00+08:00', checkin_closes_at: '2026-11-20T17:00:00+08:00', cancelled: false,
  offline_static: false, phase: 'open', minutes: null, live: live(), ...overrides,
})

// Community service (the contract of issue #6).
const claim = (overrides = {}) => ({
  id: 41, item_id: 21, item_title: '为独居老人代购生活用品', person_id: 3, person_name: '张三', status: 'claimed',
  waitlist_position: null, offer_expires_at: null, hours: null, checked_in_at: null, created_at: '2026-11-18T09:00:00+08:00',
  ...overrides,
})

const serviceItem = (overrides = {}) => ({
  id: 21, community_id: 30, community_name: '文昌社区', kind: 'item', volunteer_kind: null, title: '为独居老人代购生活用品',
  description: '每周两次，代购米面油菜', capacity: 5, taken: 3, waitlist: 0, starts_at: '2026-11-22T09:00:00+08:00',
  ends_at: '2026-11-22T11:30:00+08:00', place: '文昌社区党群服务中心', skills: '', signup_opens_at: '2026-11-15T08:00:00+08:00',
  signup_closes_at: '2026-11-21T18:00:00+08:00', status: 'open', phase: 'open', my_claim: null, ...overrides,
})

const itemsPage = (items, overrides = {}) => ({ items, page: 1, per_page: 20, total: items.length, ...overrides })

const report = (overrides = {}) => ({
  id: 51, person_id: 3, person_name: '张三', community_id: 30, community_name: '文昌社区', status: 'accepted',
  created_at: '2026-11-10T10:00:00+08:00', decided_at: '2026-11-11T09:00:00+08:00', ...overrides,
})

const communities = () => [
  { id: 30, name: '文昌社区', code: 'YZ-SQ-1' },
  { id: 31, name: '东关社区', code: 'YZ-SQ-2' },
]

const suggestion = (overrides = {}) => ({
  id: 61, community_id: 30, person_id: 3, person_name: '张三', title: '增设助老餐桌', content: '建议在服务中心增设助老餐桌',
  answer: null, answered_at: null, created_at: '2026-11-12T10:00:00+08:00', ...overrides,
})

const progress = (overrides = {}) => ({
  person_id: 3, name: '张三', year: 2026, in_service_organ: true,
  items: { done: 1, required: 1 }, community_services: { done: 1, required: 2 }, suggestions: { done: 0, required: 1 },
  pairings: { done: 1, required: 1 }, volunteer: { done: 2, required: 2 }, hours: 6.5, behind: true, ...overrides,
})

const commitment = (overrides = {}) => ({
  id: 71, person_id: 3, person_name: '张三', year: 2026, category: 'organ', emphasis: '立足岗位作表率（服务器文本）',
  content: '每月走访结对户一次', status: 'in_progress', completed_at: null, completion_note: null,
  updates: [
    { note: '已走访两次', created_at: '2026-06-01T10:00:00+08:00' },
    { note: '建立台账', created_at: '2026-03-01T10:00:00+08:00' },
  ],
  ...overrides,
})

const pairing = (overrides = {}) => ({
  id: 81,
  person_id: 3,
  person_name: '张三',
  household: {
    id: 91, community_id: 30, kind: 'empty_nest', name: '王奶奶', address: '文昌社区3栋201', phone: '0514-8888888', notes: '独居，行动不便',
  },
  started_at: '2026-03-01T09:00:00+08:00',
  visits: [{ id: 1, visited_on: '2026-05-01', note: '送米面' }, { id: 2, visited_on: '2026-09-10', note: '陪同就医' }],
  ...overrides,
})

// GET /api/v1/notifications/templates (issue #12): the ids are the server's; `remaining` as given.
const templates = ({ preview = 0, reminder = 1, offer = 1 } = {}) => ({
  templates: [
    { kind: 'preview', template_id: 'TPL_ACTIVITY_PREVIEW', long_term: false, remaining: preview },
    { kind: 'reminder', template_id: 'TPL_ACTIVITY_REMINDER', long_term: true, remaining: reminder },
    { kind: 'offer', template_id: 'TPL_ACTIVITY_REMINDER', long_term: true, remaining: offer },
  ],
})

// Leaders' duties (issue 14): 李伟芳 (id 1, as fixtures.me) is a leading cadre and the secretary of 第一党支部.
const contactPoint = (overrides = {}) => ({
  id: 5, person_id: 1, person_name: '李伟芳', org_id: 6, org_name: '第一党支部', valid_from: '2026-01-01', valid_until: null,
  ...overrides,
})

const dutyEntry = (overrides = {}) => ({
  id: 31, person_id: 1, kind: 'research', kind_label: '调查研究', starts_on: '2026-11-02', ends_on: '2026-11-05',
  org_id: null, org_name: null, place: '东关街道', topic: '基层减负落实情况', summary: '走访三个社区', corrects: null,
  superseded: false, editable_until: '2026-11-25T09:00:00+08:00', created_at: '2026-11-05T09:00:00+08:00', ...overrides,
})

const talk = (overrides = {}) => ({
  id: 41, leader_id: 1, leader_name: '李伟芳', with_person_id: 3, with_name: '张三', talked_on: '2026-11-10',
  notes: '谈明年工作打算', corrects: null, superseded: false, editable_until: '2026-11-17T16:00:00+08:00',
  created_at: '2026-11-10T16:00:00+08:00', ...overrides,
})

const quota = (kind, label, required, done, extra = {}) => ({
  kind, label, required, done, met: required === null || done >= required, owed: [], evidence: [], ...extra,
})

// Research behind, the contact point's visits met, micro research counted without a quota, talks with the branch's
// members owed to 张三 (once more) and 李四 (twice).
const dutyProgress = (overrides = {}) => ({
  year: 2026,
  person_id: 1,
  name: '李伟芳',
  org_name: '第一党支部',
  items: [
    quota('research_days', '到基层调查研究（天）', 30, 12, {
      evidence: [{ source: 'entry', date: '2026-11-02', org_name: null, detail: '基层减负落实情况（4天）' }],
    }),
    quota('contact_visits', '走访联系点', 2, 2, {
      evidence: [
        { source: 'entry', date: '2026-03-12', org_name: '第一党支部', detail: '走访联系点' },
        { source: 'checkin', date: '2026-06-20', org_name: '第一党支部', detail: '主题党日活动' },
      ],
    }),
    quota('micro_research', '随机性微调研', null, 2),
    quota('talks_with_members', '与所属党员谈心谈话', 4, 1, {
      owed: [{ person_id: 3, name: '张三', owed: 1 }, { person_id: 4, name: '李四', owed: 2 }],
      evidence: [{ source: 'talk', date: '2026-11-10', org_name: null, detail: '张三' }],
    }),
  ],
  ...overrides,
})

const dutyRow = (overrides = {}) => ({
  person_id: 1, name: '李伟芳', org_name: '第一党支部', leader_level: 'county_or_above', party_post: 'secretary', met_all: false,
  behind: [{ kind: 'research_days', label: '到基层调查研究（天）', required: 30, done: 12 }], ...overrides,
})

const dutiesPage = (items, overrides = {}) => ({ year: 2026, total: items.length, page: 1, per_page: 20, items, ...overrides })

// Evidence files: a photo of duty entry 31 by default; a document has no thumbnail.
const attachment = (overrides = {}) => {
  const id = overrides.id || 91
  const photo = !['pdf', 'docx', 'xlsx'].includes(overrides.file_type)
  return {
    id,
    owner_type: 'duty_entry',
    owner_id: 31,
    file_type: 'jpeg',
    media_type: 'image/jpeg',
    name: 'tmp_3f2a.jpg',
    size_bytes: 245760,
    sha256: 'a'.repeat(64),
    content_url: `/api/v1/attachments/${id}/content`,
    thumbnail_url: photo ? `/api/v1/attachments/${id}/thumbnail` : null,
    uploaded_by: 1,
    created_at: '2026-11-05T10:00:00+08:00',
    ...overrides,
  }
}

// Party congress deputies (§二.4). 文昌党代表工作室 (3) of 街道党工委 (5); its deputies 李伟芳 (1, as fixtures.me — the
// pages add deputy_level to /me, which the server's document does not have yet), 王建国 (9) and 周敏 (12). The tests'
// clock is 2026-11-20 10:00 in Shanghai.
const studioDeputy = (personId, name, level = 'city') => ({ person_id: personId, name, level })

const studio = (overrides = {}) => ({
  id: 3,
  name: '文昌党代表工作室',
  address: '文昌中路88号党群服务中心二楼',
  org_id: 5,
  org_name: '街道党工委',
  deputies: [studioDeputy(1, '李伟芳'), studioDeputy(9, '王建国', 'county'), studioDeputy(12, '周敏', null)],
  openings: [{ weekday: 3, starts_at: '09:00', ends_at: '11:30', capacity: 5 }],
  ...overrides,
})

const studiosPage = (items = [studio()], overrides = {}) => ({ items, page: 1, per_page: 100, total: items.length, ...overrides })

const swap = (overrides = {}) => ({
  id: 71, shift_id: 52, from_id: 1, from_name: '李伟芳', to_id: 9, to_name: '王建国', status: 'asked', ...overrides,
})

// A slot of 李伟芳's on Wednesday 25 November, 2 of 5 places booked.
const shift = (overrides = {}) => {
  const day = overrides.day || '2026-11-25'
  return {
    id: 52,
    studio_id: 3,
    studio_name: '文昌党代表工作室',
    day,
    starts_at: `${day}T09:00:00+08:00`,
    ends_at: `${day}T11:30:00+08:00`,
    deputy_id: 1,
    deputy_name: '李伟芳',
    capacity: 5,
    booked: 2,
    checked_in: false,
    pending_swap: null,
    ...overrides,
  }
}

const rota = (shifts = [shift()], overrides = {}) => ({ studio_id: 3, month: '2026-11', shifts, uncovered: [], ...overrides })

const myRota = (overrides = {}) => ({
  shifts: [shift({ id: 51, day: '2026-11-18', booked: 4, checked_in: true }), shift()],
  swaps_asked_of_me: [],
  unavailable_days: ['2026-12-02'],
  ...overrides,
})

// A member's booking of slot 52.
const reception = (overrides = {}) => ({
  id: 61,
  kind: 'booking',
  status: 'booked',
  studio_id: 3,
  studio_name: '文昌党代表工作室',
  shift_id: 52,
  deputy_id: 1,
  deputy_name: '李伟芳',
  person_id: 3,
  name: '张三',
  phone: '139****0003',
  topic: '小区加装电梯',
  meets_at: '2026-11-25T09:00:00+08:00',
  raised: '',
  case_ids: [],
  ...overrides,
})

const timelineEntry = (action, status, overrides = {}) => ({
  action, status, actor_name: '李伟芳', org: null, note: '', at: '2026-11-12T10:00:00+08:00', ...overrides,
})

// A case raised by 张三 at a reception with 李伟芳, forwarded to 第一党支部 (6), due 27 November.
const matter = (overrides = {}) => ({
  id: 81,
  kind: 'case',
  status: 'forwarded',
  number: null,
  category: 'livelihood',
  title: '小区加装电梯',
  body: '老旧小区6层无电梯，老人上下楼困难',
  raiser_name: '张三',
  raiser_phone: '',
  deputy_id: 1,
  deputy_name: '李伟芳',
  level: 'city',
  addressed_org: null,
  handler_org: { id: 6, name: '第一党支部' },
  due_on: '2026-11-27',
  overdue: false,
  escalated_to: null,
  answer: '',
  answered_at: null,
  rating: null,
  rounds: 1,
  private_reason: null,
  cosigners: [],
  created_at: '2026-11-12T10:00:00+08:00',
  timeline: [
    timelineEntry('raise', 'open'),
    timelineEntry('forward', 'forwarded', { org: { id: 6, name: '第一党支部' }, at: '2026-11-12T11:00:00+08:00' }),
  ],
  ...overrides,
})

const mattersPage = (items, overrides = {}) => ({ items, page: 1, per_page: 20, total: items.length, ...overrides })

const constituency = (overrides = {}) => ({
  person_id: 1, level: 'city', orgs: [{ id: 5, name: '街道党工委' }, { id: 6, name: '第一党支部' }], ...overrides,
})

// Organisational life: 党务公开, 活动评价, 政治生日, 结对共建.

// A notice of 第一党支部 (6) to its members, not yet read.
const notice = (overrides = {}) => ({
  id: 101,
  org_id: 6,
  org_name: '第一党支部',
  kind: 'finance',
  audience: 'members',
  community_id: null,
  title: '2026年第三季度党费收缴情况',
  body: '本季度应缴党费12人，已全部缴纳，共计3600元。',
  published_at: '2026-11-18T09:30:00+08:00',
  read: false,
  ...overrides,
})

const myNotices = (items, overrides = {}) => ({
  unread: items.filter((n) => !n.read).length,
  page: {
    items, page: 1, per_page: 20, total: items.length,
  },
  ...overrides,
})

const readers = (overrides = {}) => ({
  notice_id: 101,
  expected: 12,
  read: 10,
  unread: [{ person_id: 3, name: '张三', org_name: '第一党支部' }, { person_id: 4, name: '李四', org_name: '第一党支部' }],
  ...overrides,
})

const myFeedback = (overrides = {}) => ({
  plan_id: 11,
  can_answer: true,
  opens_at: '2026-11-20T11:00:00+08:00',
  closes_at: '2026-11-23T11:00:00+08:00',
  mine: null,
  ...overrides,
})

const feedbackSummary = (overrides = {}) => ({
  plan_id: 11,
  answers: 8,
  enough: true,
  min_answers: 5,
  distribution: [0, 1, 1, 2, 4],
  average: 4.125,
  comments: ['内容很实在', '时间安排合理'],
  ...overrides,
})

const celebration = (overrides = {}) => ({
  id: 121, plan_id: 11, report: '', oath_renewed: false, talk_id: null, visit_done: false, complete: false, ...overrides,
})

// The branch's 政治生日 activity of November 2026, which the members not yet celebrated are added to.
const birthdayPlan = (overrides = {}) => plan({
  id: 15,
  month: '2026-11',
  status: 'filed',
  theme: '过政治生日 重温入党誓词',
  category: 'political_birthday',
  category_label: '政治生日',
  date: '2026-11-27',
  checkin_opens_at: '2026-11-27T08:30:00+08:00',
  checkin_closes_at: '2026-11-27T12:00:00+08:00',
  preview_deadline: '2026-11-10',
  ...overrides,
})

// 李伟芳 joined on 3 December 2001: 25 years this year.
const birthday = (overrides = {}) => ({
  person_id: 1,
  name: '李伟芳',
  org_id: 6,
  org_name: '第一党支部',
  join_date: '2001-12-03',
  birthday: '2026-12-03',
  years: 25,
  celebration: null,
  ...overrides,
})

const pair = (overrides = {}) => ({
  id: 131,
  org_a: { id: 6, name: '第一党支部' },
  org_b: { id: 9, name: '市供电公司党支部' },
  starts_on: '2026-01-01',
  ends_on: '2027-12-31',
  goals: '共建便民服务点，帮扶困难群众',
  ...overrides,
})

const pairEntry = (overrides = {}) => ({
  id: 141, org: { id: 6, name: '第一党支部' }, kind: 'exchange', on: '2026-10-15', summary: '到供电公司交流党建经验', ...overrides,
})

const pairYear = (overrides = {}) => ({
  pair: pair(),
  year: 2026,
  joint_activities: [{
    plan_id: 11,
    date: '2026-09-20',
    theme: '联合主题党日',
    host: { id: 6, name: '第一党支部' },
    sides: [
      { org: { id: 6, name: '第一党支部' }, expected: 12, present: 11, rate: 0.9167 },
      { org: { id: 9, name: '市供电公司党支部' }, expected: 8, present: 6, rate: 0.75 },
    ],
  }],
  exchanges: 1,
  help_given: 0,
  entries: [pairEntry()],
  ...overrides,
})

// 集中主题活动: a themed activity my branch joins (GET /orgs/{id}/themed-venues), and my branch's venue code at it.
const themedVenue = (overrides = {}) => ({
  activity_id: 15, theme: '学习贯彻全会精神集中宣讲', activity_date: '2026-11-25', start_time: '09:00', end_time: '11:00',
  host_org_name: '区委', ...overrides,
})

const branchVenueQr = (overrides = {}) => ({
  url: 'https://hdr.example.cn/c/K7P2QX9M?t=Br4nchT0kenAb3dE',
  token: 'Br4nchT0kenAb3dE',
  window_seconds: 30,
  valid_until: '2026-11-25T09:00:30+08:00',
  png_base64: 'PNGB',
  ...overrides,
})

// 民主评议: a branch's campaign (GET /me/evaluations, /orgs/{id}/evaluations, /evaluations/{id}), a member's evidence
// sheet, results, and the questionnaire on the branch with its results.
const campaignSummary = (overrides = {}) => ({
  id: 51, org_id: 6, year: 2026, opens_at: '2026-11-16T00:00:00+08:00', closes_at: '2026-11-30T23:59:59+08:00',
  open: true, closed: false, ...overrides,
})

const campaign = (overrides = {}) => ({
  ...campaignSummary(),
  members: [
    { person_id: 1, name: '李伟芳', rated_by_me: false },
    { person_id: 3, name: '张三', rated_by_me: true },
    { person_id: 4, name: '李四', rated_by_me: false },
  ],
  my_self_assessment: null,
  ...overrides,
})

const personYear = (overrides = {}) => ({
  person_id: 1, year: 2026, expected: 10, present: 8, on_leave: 1, absent: 1, rate: 0.8, below_threshold: false,
  activities: [
    { activity_id: 12, activity_date: '2026-10-20', theme: '学习贯彻全会精神', org_name: '第一党支部', status: 'present', checked_in_at: '2026-10-20T09:02:00+08:00' },
    { activity_id: 13, activity_date: '2026-11-20', theme: '主题党日', org_name: '第一党支部', status: 'absent', checked_in_at: null },
  ],
  ...overrides,
})

const evidenceSheet = (overrides = {}) => ({
  person_id: 1, name: '李伟芳', year: 2026, attendance: personYear(), exempt: false, exempt_reason: null,
  service: progress({ person_id: 1, name: '李伟芳' }), commitments: 2, commitments_completed: 1, duties: null,
  talks_received: 2, feedback_given: 5, ...overrides,
})

const memberResult = (overrides = {}) => ({
  person_id: 1, name: '李伟芳', ballots: 7, counts: [3, 3, 1, 0], comments: ['学习认真', '带头作用明显'],
  self_assessment: '一年来认真学习', secretary_comment: '工作踏实', final_grade: null, meeting_date: null, ...overrides,
})

const questionnaire = (overrides = {}) => ({
  campaign_id: 51, org_name: '第一党支部', year: 2026, open: true, answered: false,
  questions: [
    '组织生活经常、规范，“统一活动日”按时开展',
    '活动内容实在、形式多样，党员参与度高',
    '党员发挥先锋模范作用，联系服务群众',
    '为民办实事、解难题，群众反映的问题有回应',
    '班子团结、作风民主，党务公开透明',
  ],
  ...overrides,
})

const audienceResult = (overrides = {}) => ({
  audience: 'member', answers: 6,
  questions: questionnaire().questions.map((question) => ({ question, counts: [4, 1, 1] })),
  ...overrides,
})

// 督查考评: a rectification task (GET /rectifications/{id}, a page of GET /orgs/{id}/rectifications) and a round as
// published to my organisation (GET /me/inspection-results).
const task = (overrides = {}) => ({
  id: 61, finding_id: 71, round_id: 81, org_id: 6, org_name: '第一党支部', finding: '会议记录不完整，缺少参会人员签名',
  requirement: '补全会议记录，建立签名制度', deadline: '2026-12-20', status: 'open', overdue: false, answer: null,
  answered_at: null, decision_note: null, decided_at: null, escalated_to_org_id: null, ...overrides,
})

const tasksPage = (items, overrides = {}) => ({ items, page: 1, per_page: 20, total: items.length, ...overrides })

const publishedRound = (overrides = {}) => ({
  round_id: 81, title: '第四季度组织生活督查', method: 'site_visit', planned_on: '2026-11-05', version: 1,
  publish_on: '2026-11-18', summary: '督查了12个支部，总体较好。', correction_reason: null,
  result: { org_id: 6, org_name: '第一党支部', verdict: 'fair', comment: '会议记录待完善' }, ...overrides,
})

// 扫码登录电脑端: POST /console-sign-ins/{code}/confirm answers 204 without a body, or one of these refusals (the
// server's English messages).
const CONSOLE_URL = 'https://hd.example.cn/console/qr/ABCD2345'
const consoleRefusals = {
  expired: { status: 404, body: { code: 'console.sign_in_not_found', message: 'that sign-in code is unknown or expired' } },
  used: { status: 409, body: { code: 'console.sign_in_used', message: 'that sign-in code was already confirmed' } },
  forbidden: { status: 403, body: { code: 'auth.forbidden', message: 'only staff sign in to the console' } },
  tooMany: { status: 429, body: { code: 'console.too_many_requests', message: 'too many sign-in codes asked for; wait a minute' } },
}

module.exports = {
  CONSOLE_URL, consoleRefusals,
  campaignSummary, campaign, personYear, evidenceSheet, memberResult, questionnaire, audienceResult, task, tasksPage, publishedRound,
  themedVenue, branchVenueQr,
  notice, myNotices, readers, myFeedback, feedbackSummary, celebration, birthday, birthdayPlan, pair, pairEntry, pairYear,
  studio, studiosPage, swap, shift, rota, myRota, reception, timelineEntry, matter, mattersPage, constituency,
  contactPoint, dutyEntry, talk, dutyProgress, dutyRow, dutiesPage, attachment,
  templates,
  event, plan, calendar, me, VENUE_URL, live, checkinAnswer, leave, myActivity, activity,
  claim, serviceItem, itemsPage, report, communities, suggestion, progress, commitment, pairing,
}
