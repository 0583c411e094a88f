// End to end for QR check-in (issue #5): the mini-program's utils/checkin.js and utils/offline-queue.js, through the
// wx shim doing real HTTP, against a real `huodongri serve` and the WeChat fake (see stack.js), in a stack of its own.
//
// The branch's secretary 李书记 (created, granted and invited here) and the member 张三 bind with WeChat; the
// secretary drafts a plan for today whose check-in window is open all day (00:00–23:59, opening 720 min before and
// closing 720 min after, the most the plan API allows), the city's administrator approves (files) it; then the
// secretary fetches the venue QR, 张三 parses its URL and checks in, and the live count rises by one. The tests run in
// order and share one WeChat "device", whose stored tokens are switched between the three people.
const { http } = require('./stack')
const { devicePeople, useStackAndDevice } = require('./setup')

jest.setTimeout(20000)

const SECRETARY = { name: '李书记', phone: '13900003333', status: '正式党员' }

const { stack, shim } = useStackAndDevice()
const api = require('../../utils/api')
const checkin = require('../../utils/checkin')
const labels = require('../../utils/labels')
const month = require('../../utils/month')
const queue = require('../../utils/offline-queue')
const roles = require('../../utils/roles')

// Each person's token pair, and switching the device to one of them.
const people = devicePeople(stack, shim)
const { tokens, as } = people
const bindWithWechat = people.bind
const asAdmin = (method, path, body) => http(stack.baseUrl, method, path, { token: stack.adminToken, body })

describe('QR check-in against the real server', () => {
  let activityId
  let scan
  let before
  let nonce
  let first

  test('the branch\'s secretary and the member 张三 bind with WeChat', async () => {
    const secretary = await asAdmin('POST', `/api/v1/orgs/${stack.branchId}/people`, SECRETARY)
    expect(secretary.status).toBe(201)
    const grant = await asAdmin('POST', `/api/v1/orgs/${stack.branchId}/roles`, { person_id: secretary.body.id, role: 'secretary' })
    expect(grant.status).toBe(201)
    const invite = await asAdmin('POST', `/api/v1/people/${secretary.body.id}/invite`)
    expect(invite.status).toBeLessThan(300)

    await bindWithWechat('secretary', 'o-checkin-secretary', invite.body.code)
    await bindWithWechat('member', 'o-checkin-member', stack.invite.code)
    tokens.admin = { access_token: stack.adminToken, refresh_token: '' }

    as('secretary')
    const me = await api.get('/api/v1/me')
    expect(roles.secretaryBranches(me)).toEqual([{ id: stack.branchId, name: '测试支部' }])
    expect(roles.memberEntries(me).map((e) => e.title))
      .toEqual(['扫码签到', '我的活动', '我的考勤', '我的签到码', '社区服务', '我的服务'])
  })

  test('a plan for today, filed, has its check-in window open now', async () => {
    const today = month.today()
    const year = month.yearOf(month.currentMonth())
    const calendar = await asAdmin('GET', `/api/v1/calendar/${year}`)
    if (calendar.status !== 200) {
      expect(calendar.body.code).toBe('calendar.year_missing')
      const loaded = await asAdmin('PUT', `/api/v1/calendar/${year}`, { holidays: [[`${year}-01-01`, '元旦']], workdays: [] })
      expect(loaded.status).toBeLessThan(300)
    }

    as('secretary')
    const draft = await api.post(`/api/v1/orgs/${stack.branchId}/plans`, {
      month: month.currentMonth(),
      theme: '端到端扫码签到',
      category: '党课',
      date: today,
      date_reason: '端到端测试：当日举办以测试扫码签到',
      start_time: '00:00',
      end_time: '23:59',
      place: '党群服务中心',
      requirements: '',
      organiser: SECRETARY.name,
      checkin_opens_minutes_before: 720,
      checkin_closes_minutes_after: 720,
    })
    expect(draft).toMatchObject({ status: 'draft', date: today, expected_participants: 2 })
    await expect(api.post(`/api/v1/plans/${draft.id}/submit`)).resolves.toMatchObject({ status: 'submitted' })

    as('admin')
    const filed = await api.post(`/api/v1/plans/${draft.id}/approve`, { comment: null })
    expect(filed.status).toBe('filed')
    const now = Date.now()
    expect(Date.parse(filed.checkin_opens_at)).toBeLessThan(now)
    expect(Date.parse(filed.checkin_closes_at)).toBeGreaterThan(now)
    activityId = filed.id
  })

  test('the secretary fetches the venue QR; its URL parses as a check-in code, from the camera or options.q', async () => {
    as('secretary')
    const qr = await api.get(`/api/v1/activities/${activityId}/qr`)

    expect(qr).toMatchObject({
      url: expect.any(String), token: expect.any(String), window_seconds: expect.any(Number), valid_until: expect.any(String),
    })
    expect(qr.png_base64).toMatch(/^[A-Za-z0-9+/]+=*$/)
    scan = checkin.parseScan(qr.url)
    expect(scan).toEqual({ activity_code: expect.stringMatching(checkin.CODE_PATTERN), token: qr.token })
    expect(checkin.parseLaunchQuery(encodeURIComponent(qr.url))).toEqual(scan)

    before = await api.get(`/api/v1/activities/${activityId}/live`)
    expect(before).toMatchObject({ present: 0, expected: 2 })
  })

  test('张三 checks in with it, and the live count rises by one', async () => {
    as('member')
    nonce = checkin.newNonce()

    first = await checkin.checkIn({ ...scan, nonce })

    expect(first).toMatchObject({
      result: 'ok', accepted: true, attendance: 'member', checked_in_at: expect.stringMatching(/\+08:00$/),
    })
    expect(checkin.resultText(first)).toBe('签到成功')
    expect(shim.requests[0]).toMatchObject({ method: 'POST', path: '/api/v1/checkins', status: 200 })
    expect(shim.requests[0].data).toEqual({ ...scan, nonce })

    as('secretary')
    const after = await api.get(`/api/v1/activities/${activityId}/live`)
    expect(after.present).toBe(before.present + 1)
  })

  // The same answer: the same decision about the same check-in. Times are compared as instants (the replay reads the
  // time back from the database, whose precision may be coarser) and the live counts are not compared field by field.
  const sameInstant = (a, b) => expect(Date.parse(a)).toBe(Date.parse(b))

  test('the same nonce again gets the same answer and counts nothing', async () => {
    as('member')
    const again = await checkin.checkIn({ ...scan, nonce })
    const decision = ({ result, accepted, attendance, late_sync: lateSync, location_far: far, activity }) => ({
      result, accepted, attendance, lateSync, far, activity,
    })
    expect(decision(again)).toEqual(decision(first))
    sameInstant(again.checked_in_at, first.checked_in_at)
    expect(checkin.resultText(again)).toBe(checkin.resultText(first))

    as('secretary')
    const live = await api.get(`/api/v1/activities/${activityId}/live`)
    expect(live.present).toBe(before.present + 1)
  })

  test('a scan kept in the offline queue is sent with its scan time, answered already_checked_in, and dropped', async () => {
    as('secretary')
    const fresh = checkin.parseScan((await api.get(`/api/v1/activities/${activityId}/qr`)).url) // a token still valid
    as('member')
    queue.enqueue({ ...fresh, nonce: checkin.newNonce(), scanned_at: month.stamp() })

    const outcome = await queue.flush()

    expect(outcome.sent.map((s) => s.answer.result)).toEqual(['already_checked_in'])
    sameInstant(outcome.sent[0].answer.checked_in_at, first.checked_in_at)
    expect(checkin.resultText(outcome.sent[0].answer)).toBe(`您已签到（首次签到时间 ${labels.clockLabel(first.checked_in_at)}）`)
    expect(shim.requestsTo('POST /api/v1/checkins')[0].data.scanned_at).toMatch(/\+08:00$/)
    expect(queue.items()).toEqual([])
  })

  test('张三 sees the activity among his, as present', async () => {
    as('member')
    const mine = await api.get('/api/v1/me/activities')
    const row = mine.find((a) => a.activity_id === activityId)
    expect(row).toMatchObject({ theme: '端到端扫码签到', my_status: 'present', phase: 'open' })
    sameInstant(row.checked_in_at, first.checked_in_at)
  })
})
