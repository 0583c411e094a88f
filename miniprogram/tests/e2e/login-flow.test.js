// End to end: the mini-program's own config.js, utils/api.js, utils/auth.js and utils/errors.js, loaded through the wx
// shim whose wx.request does real HTTP, against a real `huodongri serve` and the WeChat fake (see stack.js).
// The tests run in order and share one WeChat "device" (storage, login codes) and one server.
const crypto = require('crypto')
const { MEMBER, http, mintLoginCode, signJwt } = require('./stack')
const { useStackAndDevice } = require('./setup')

jest.setTimeout(15000)

const { stack, shim } = useStackAndDevice()
const config = require('../../config')
const api = require('../../utils/api')
const auth = require('../../utils/auth')
const errors = require('../../utils/errors')
const month = require('../../utils/month')
const planForm = require('../../utils/plan-form')
const roles = require('../../utils/roles')

// What the mini-program sent, as "METHOD /path status".
const sent = () => shim.requests.map((r) => `${r.method} ${r.path} ${r.status}`)
const stored = (key) => wx.getStorageSync(auth.KEYS[key])
const rejection = (promise) => promise.then(
  (value) => { throw new Error(`expected a rejection, got ${JSON.stringify(value)}`) },
  (err) => err,
)
async function scriptLogin(openid) {
  const code = await mintLoginCode(stack, openid)
  shim.loginCodes.push(code)
  return code
}
const rawRefresh = (refreshToken) => http(stack.baseUrl, 'POST', '/api/v1/auth/refresh', {
  body: { refresh_token: refreshToken },
})
const accessTokenFor = (personId, { key = stack.jwtSecret, expired = false } = {}) => {
  const now = Math.floor(Date.now() / 1000)
  const iat = expired ? now - 7200 : now
  return signJwt({
    sub: String(personId), iat, exp: expired ? now - 3600 : now + 600, jti: crypto.randomUUID(), typ: 'access',
  }, key)
}

describe('a member joins with an invite code', () => {
  let bindTicket

  test('a develop build talks to the server named by apiBaseOverride', () => {
    expect(config.baseUrl()).toBe(stack.baseUrl)
  })

  test('a WeChat user not on any roster logs in as unbound and gets a bind ticket', async () => {
    await scriptLogin('o-e2e-1')

    const result = await auth.login()

    expect(result.status).toBe('unbound')
    expect(typeof result.bindTicket).toBe('string')
    expect(result.bindTicket.length).toBeGreaterThan(20)
    bindTicket = result.bindTicket
    expect(auth.isLoggedIn()).toBe(false)
    expect(sent()).toEqual(['POST /api/v1/auth/wechat 200'])
    expect(shim.requests[0].url).toBe(`${stack.baseUrl}/api/v1/auth/wechat`)
    expect(shim.requests[0].header).not.toHaveProperty('Authorization')
  })

  test('binding the ticket with the invite code logs in and stores both tokens', async () => {
    await auth.bind(bindTicket, stack.invite.code)

    expect(auth.isLoggedIn()).toBe(true)
    expect(stored('accessToken')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(stored('refreshToken')).toEqual(expect.any(String))
    expect(stored('refreshToken')).not.toBe('')
    expect(sent()).toEqual(['POST /api/v1/auth/bind 200'])
  })

  test('GET /api/v1/me with the stored token answers 张三 of the branch', async () => {
    const me = await api.get('/api/v1/me')

    expect(me).toMatchObject({
      id: stack.member.id, name: MEMBER.name, phone: MEMBER.phone, org_id: stack.branchId, status: 'full',
    })
    expect(shim.requests[0].header.Authorization).toBe(`Bearer ${stored('accessToken')}`)
    expect(shim.requests[0].timeout).toBe(api.TIMEOUT_MS)
  })

  test('the same WeChat user logging in again is bound now and gets tokens at once', async () => {
    const before = { access: stored('accessToken'), refresh: stored('refreshToken') }
    await scriptLogin('o-e2e-1')

    await expect(auth.login()).resolves.toEqual({ status: 'ok' })

    expect(stored('refreshToken')).not.toBe(before.refresh)
    expect(stored('accessToken')).not.toBe(before.access)
    await expect(api.get('/api/v1/me')).resolves.toMatchObject({ name: MEMBER.name })
  })
})

describe('refresh tokens', () => {
  test('auth.refresh() rotates the refresh token, and the old one is then rejected', async () => {
    const old = stored('refreshToken')

    await auth.refresh()

    const rotated = stored('refreshToken')
    expect(rotated).not.toBe(old)
    expect(sent()).toEqual(['POST /api/v1/auth/refresh 200'])
    await expect(api.get('/api/v1/me')).resolves.toMatchObject({ name: MEMBER.name })

    const reuse = await rawRefresh(old)
    expect(reuse).toEqual({ status: 401, body: expect.objectContaining({ code: 'auth.refresh_rejected' }) })
  })

  test('a reused refresh token revoked the whole login: refresh() then logs in again silently with wx.login', async () => {
    const revoked = stored('refreshToken')
    await scriptLogin('o-e2e-1')

    await auth.refresh()

    expect(sent()).toEqual(['POST /api/v1/auth/refresh 401', 'POST /api/v1/auth/wechat 200'])
    expect(stored('refreshToken')).not.toBe(revoked)
    expect((await rawRefresh(revoked)).body.code).toBe('auth.refresh_rejected')
    await expect(api.get('/api/v1/me')).resolves.toMatchObject({ name: MEMBER.name })
  })
})

describe('access tokens', () => {
  test('an expired access token is refreshed once, shared by parallel requests, and the requests retried', async () => {
    const expired = accessTokenFor(stack.member.id, { expired: true })
    const check = await http(stack.baseUrl, 'GET', '/api/v1/me', { token: expired })
    expect(check).toEqual({ status: 401, body: expect.objectContaining({ code: 'auth.token_expired' }) })
    wx.setStorageSync(auth.KEYS.accessToken, expired)
    const oldRefresh = stored('refreshToken')

    const [a, b] = await Promise.all([api.get('/api/v1/me'), api.get('/api/v1/me')])

    expect(a).toMatchObject({ name: MEMBER.name })
    expect(b).toMatchObject({ name: MEMBER.name })
    const summary = sent()
    expect(summary.filter((line) => line === 'POST /api/v1/auth/refresh 200')).toHaveLength(1)
    expect(summary.filter((line) => line === 'GET /api/v1/me 401')).toHaveLength(2)
    expect(summary.filter((line) => line === 'GET /api/v1/me 200')).toHaveLength(2)
    expect(summary).toHaveLength(5)
    expect(stored('accessToken')).not.toBe(expired)
    expect(stored('refreshToken')).not.toBe(oldRefresh)
  })

  test('an access token signed with another key is auth.token_invalid and is not refreshed', async () => {
    const good = stored('accessToken')
    wx.setStorageSync(auth.KEYS.accessToken, accessTokenFor(stack.member.id, { key: 'another-key-'.repeat(4) }))

    const err = await rejection(api.get('/api/v1/me'))

    expect(err).toBeInstanceOf(api.ApiError)
    expect(err).toMatchObject({ status: 401, code: 'auth.token_invalid' })
    expect(sent()).toEqual(['GET /api/v1/me 401'])
    wx.setStorageSync(auth.KEYS.accessToken, good)
    await expect(api.get('/api/v1/me')).resolves.toMatchObject({ name: MEMBER.name })
  })
})

describe('the activity-day calendar', () => {
  test('2026 has twelve months and December\'s activity day moves from Sunday the 20th to Monday the 21st', async () => {
    const calendar = await api.get('/api/v1/calendar/2026')

    expect(calendar.year).toBe(2026)
    expect(calendar.months).toHaveLength(12)
    expect(calendar.months.map((m) => m.month)).toEqual(
      Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`),
    )
    expect(calendar.months[11]).toMatchObject({
      month: '2026-12', activity_day: '2026-12-21', preview_deadline: '2026-12-10',
    })
  })

  test('query data of a GET goes into the query string', async () => {
    const calendar = await api.get('/api/v1/calendar/2026', { policy: 'statutory_only' })

    expect(calendar.policy).toBe('statutory_only')
    expect(shim.requests[0].url).toBe(`${stack.baseUrl}/api/v1/calendar/2026?policy=statutory_only`)
  })

  test('a bad query is a 400 with the server\'s code', async () => {
    const err = await rejection(api.get('/api/v1/calendar/2026', { policy: 'whenever' }))
    expect(err).toBeInstanceOf(api.ApiError)
    expect(err.status).toBe(400)
    expect(err.code).toMatch(/^calendar\./)
  })
})

describe('errors the login pages must show', () => {
  test('a wrong invite code for another WeChat user is auth.invite_invalid, and no tokens are stored', async () => {
    auth.clear()
    await scriptLogin('o-e2e-2')
    const { status, bindTicket } = await auth.login()
    expect(status).toBe('unbound')

    const wrong = await rejection(auth.bind(bindTicket, '2345-6789'))
    expect(wrong).toBeInstanceOf(api.ApiError)
    expect(wrong).toMatchObject({ status: 400, code: 'auth.invite_invalid' })
    expect(errors.messageFor(wrong)).toBe(errors.MESSAGES['auth.invite_invalid'])

    // 张三's code was used by o-e2e-1's bind: it is single-use.
    const used = await rejection(auth.bind(bindTicket, stack.invite.code))
    expect(used).toMatchObject({ status: 400, code: 'auth.invite_invalid' })

    expect(auth.isLoggedIn()).toBe(false)
    expect(stored('refreshToken')).toBe('')
  })

  test('a wx.login code presented twice is auth.code_used', async () => {
    const code = await scriptLogin('o-e2e-3')
    await expect(auth.login()).resolves.toMatchObject({ status: 'unbound' })
    shim.loginCodes.push(code)

    const err = await rejection(auth.login())

    expect(err).toBeInstanceOf(api.ApiError)
    expect(err).toMatchObject({ status: 401, code: 'auth.code_used' })
    expect(errors.messageFor(err)).toBe(errors.MESSAGES['auth.code_used'])
  })

  test('a code WeChat never issued is auth.code_invalid', async () => {
    shim.loginCodes.push('0a1b2c3d4e5f60718293a4b5c6d7e8f9')

    const err = await rejection(auth.login())

    expect(err).toMatchObject({ status: 401, code: 'auth.code_invalid' })
    expect(errors.messageFor(err)).toBe(errors.MESSAGES['auth.code_invalid'])
  })
})

// The secretary's and reviewer's steps, taken by the administrator (org_admin of the city, so allowed to act on the
// branch's behalf and to review it), with the mini-program's own utils; then 张三 sees the preview on his home page.
describe('a plan for the month after next, from draft to the member\'s preview', () => {
  let target
  let activityDay
  let planId

  const asAdmin = () => {
    auth.clear()
    wx.setStorageSync(auth.KEYS.accessToken, stack.adminToken)
  }

  test('the admin is offered 审核与督查 for the city; the target year\'s calendar is there or is loaded', async () => {
    target = month.addMonths(month.currentMonth(), 2) // in UTC+8, like the server
    const year = month.yearOf(target)
    asAdmin()

    const me = await api.get('/api/v1/me')
    expect(roles.reviewOrgs(me)).toEqual([{ id: stack.cityId, name: '端到端市' }])
    expect(roles.entriesFor(me).map((e) => e.title)).toEqual(['审核与督查', '暂不参加组织生活', '履职情况', '活动日历'])

    const missing = await api.get(`/api/v1/calendar/${year}`).then(() => null, (err) => err)
    if (missing) {
      expect(missing).toMatchObject({ status: 404, code: 'calendar.year_missing' })
      await expect(api.put(`/api/v1/calendar/${year}`, { holidays: [[`${year}-01-01`, '元旦']], workdays: [] }))
        .resolves.toMatchObject({ year, holidays: 1, workdays: 0 })
    }
    const calendar = await api.get(`/api/v1/calendar/${year}`, { org: stack.branchId })
    expect(calendar.months).toHaveLength(12)
    activityDay = calendar.months.find((m) => m.month === target).activity_day
    expect(activityDay.startsWith(target)).toBe(true)
  })

  test('the plan form\'s body creates a draft on the branch\'s behalf; it is submitted and approved', async () => {
    const form = {
      ...planForm.emptyForm(activityDay, '管理员'),
      theme: '端到端主题党日', categoryIndex: 3, place: '党群服务中心', requirements: '携带党员证',
    }
    expect(planForm.validate(form, activityDay)).toEqual({})

    const draft = await api.post(`/api/v1/orgs/${stack.branchId}/plans`, planForm.toRequest(form, target, activityDay))
    expect(draft).toMatchObject({
      org_id: stack.branchId, month: target, status: 'draft', category: 'party_lecture', category_label: '党课',
      date: activityDay, date_reason: null, start_time: '09:00', end_time: '11:00',
    })
    expect(draft.expected_participants).toBeGreaterThanOrEqual(1)
    expect(draft.history[0]).toMatchObject({ action: 'created', on_behalf: true })
    planId = draft.id

    await expect(api.post(`/api/v1/plans/${planId}/submit`)).resolves.toMatchObject({ status: 'submitted' })
    const listed = await api.get(`/api/v1/orgs/${stack.cityId}/plans`, { month: target })
    expect(listed.map((p) => [p.id, p.status])).toEqual([[planId, 'submitted']])

    const filed = await api.post(`/api/v1/plans/${planId}/approve`, { comment: null })
    expect(filed).toMatchObject({ status: 'filed', filed_to_org_id: expect.any(Number) })
  })

  test('publishing months ahead is neither late nor missing in the supervisors\' list', async () => {
    const published = await api.post(`/api/v1/plans/${planId}/publish`)
    expect(published.published_at).toEqual(expect.any(String))
    expect(published.history.map((e) => e.action)).toEqual(['created', 'submitted', 'approved', 'filed', 'published'])

    const rows = await api.get(`/api/v1/orgs/${stack.cityId}/previews`, { month: target })
    const row = rows.find((r) => r.org_id === stack.branchId)
    expect(row).toMatchObject({ org_name: '测试支部', plan_id: planId, plan_status: 'filed', late: false, missing: false })
  })

  test('张三, logged in again with WeChat, sees the preview and that he is expected', async () => {
    auth.clear()
    await scriptLogin('o-e2e-1')
    await expect(auth.login()).resolves.toEqual({ status: 'ok' })

    const mine = await api.get('/api/v1/me/preview', { month: target })

    expect(mine).toMatchObject({ month: target, activity_day: activityDay, plan_id: planId, expected: true })
    expect(mine.preview).toMatchObject({
      org_name: '测试支部', theme: '端到端主题党日', category: '党课', date: activityDay, place: '党群服务中心',
      organiser: '管理员', requirements: '携带党员证',
    })
    expect(shim.requests.find((r) => r.path === '/api/v1/me/preview').url).toContain(`month=${target}`)
  })
})
