// End to end for the Party congress deputies (§二.4): the mini-program's pages (through tests/page-harness.js) and
// utils, with the wx shim doing real HTTP, against a real `huodongri serve` and the WeChat fake, in a stack of its own.
//
// The city's administrator puts two deputies on the roster (王代表, 李代表), opens 测试党代表工作室 for 测试党委 with a slot
// every day, and makes next month's rota. A member of the public on no roster (a WeChat user who never bound) opens
// 党代表工作室: the login answers unbound and its visitor token opens the page; they book a slot of 王代表's with their
// name and mobile number and ask 王代表 for a meeting. 王代表 binds and sees his slots in 我的值班 and both in 接待记录,
// agrees a time for the meeting and records the booked reception with a case. The visitor sees the case in 我的反映;
// 王代表 forwards it to 测试支部 from the matter page; the administrator answers it from the organisation's side; the
// visitor rates it 满意 and it is closed. The tests run in order and share one WeChat "device".
const { loadPage } = require('../page-harness')
const { http, mintLoginCode } = require('./stack')
const { devicePeople, useFreshScreen, useStackAndDevice } = require('./setup')

jest.setTimeout(30000)

const DEPUTY = { name: '王代表', phone: '13900007001', status: '正式党员', deputy_level: 'city' }
const OTHER_DEPUTY = { name: '李代表', phone: '13900007002', status: '正式党员', deputy_level: 'county' }
const VISITOR = { name: '赵六', phone: '13812345678' }

const { stack, shim } = useStackAndDevice()
const auth = require('../../utils/auth')
const month = require('../../utils/month')
const paths = require('../../utils/paths')

const people = devicePeople(stack, shim)
const asCityAdmin = (method, path, body) => http(stack.baseUrl, method, path, { token: stack.adminToken, body })
const tap = (dataset) => ({ currentTarget: { dataset } })
const input = (field, value, extra = {}) => ({ currentTarget: { dataset: { field, ...extra } }, detail: { value } })

const NEXT_MONTH = month.addMonths(month.currentMonth(), 1)

// A server without the deputies' API fails every test with this, not with a cascade of odd errors.
const guard = useFreshScreen(shim)

async function openPage(route, query = {}) {
  const page = loadPage(route)
  await page.onLoad(query)
  expect(page.data.loadError).toBeNull()
  return page
}

describe('deputies\' studios, receptions and cases against the real server', () => {
  let deputyId
  let studioId
  let visitorToken
  let caseId

  // The device as the member of the public: no tokens of a person, their visitor token.
  const asVisitor = () => {
    auth.clear()
    wx.removeStorageSync(auth.PERSON_KEY)
    wx.setStorageSync(auth.KEYS.visitorToken, visitorToken)
  }

  test('the city\'s administrator opens a studio with two deputies and makes next month\'s rota', async () => {
    const deputy = await asCityAdmin('POST', `/api/v1/orgs/${stack.branchId}/people`, DEPUTY)
    expect(deputy.status).toBe(201)
    deputyId = deputy.body.id
    const other = await asCityAdmin('POST', `/api/v1/orgs/${stack.branchId}/people`, OTHER_DEPUTY)
    expect(other.status).toBe(201)

    const studio = await asCityAdmin('POST', paths.studios(), {
      name: '测试党代表工作室',
      address: '测试路1号',
      org_id: stack.committeeId,
      deputy_ids: [deputyId, other.body.id],
      openings: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, starts_at: '09:00', ends_at: '11:30', capacity: 2 })),
    })
    if (studio.status === 404 || studio.status === 405) {
      throw guard.apiMissing(
        `${stack.baseUrl} answers POST ${paths.studios()} with ${studio.status}: the huodongri binary does not serve the `
        + 'deputies\' API yet. Rebuild it (cargo build -p huodongri) once the server has it.',
      )
    }
    expect(studio.status).toBe(201)
    studioId = studio.body.id
    const rota = await asCityAdmin('POST', paths.studioRota(studioId), { month: NEXT_MONTH })
    expect(rota.status).toBe(201)
    expect(rota.body.shifts.some((s) => s.deputy_id === deputyId)).toBe(true)
  })

  test('a member of the public opens the studio with the visitor token of their login, books a slot and asks for a meeting', async () => {
    auth.clear()
    shim.loginCodes.push(await mintLoginCode(stack, 'o-deputies-public'))
    const page = await openPage('pages/studio/index', { id: String(studioId) })
    expect(shim.requestsTo(`POST ${paths.authWechat()}`)).toHaveLength(1)
    visitorToken = auth.visitorToken()
    expect(visitorToken).not.toBe('')
    expect(auth.isLoggedIn()).toBe(false)
    expect(page.data).toMatchObject({ visitor: true, studio: { name: '测试党代表工作室', address: '测试路1号' } })
    expect(page.data.studio.deputies.map((d) => d.name)).toEqual(expect.arrayContaining(['王代表', '李代表']))

    await page.onMonth(tap({ step: 1 }))
    expect(page.data.loadError).toBeNull()
    const slot = page.data.shifts.find((s) => s.deputyId === deputyId && s.canBook)
    expect(slot).toMatchObject({ freeText: '还可预约2人' })
    page.onBookOpen(tap({ id: slot.id }))
    page.onFormInput(input('topic', '小区加装电梯'))
    page.onFormInput(input('name', VISITOR.name))
    page.onFormInput(input('phone', VISITOR.phone))
    await page.onFormSend()
    expect(shim.modals).toEqual([])
    expect(shim.toasts).toEqual(['预约成功'])
    expect(page.data.shifts.find((s) => s.id === slot.id).freeText).toBe('还可预约1人')
    expect(page.data.mine).toEqual([expect.objectContaining({ kindText: '预约接待', statusText: '已预约', canCancel: true })])

    page.onMeetOpen(tap({ id: deputyId }))
    page.onFormInput(input('topic', '河道整治'))
    await page.onFormSend()
    expect(shim.toasts).toEqual(['预约成功', '已发送约见请求'])
    expect(page.data.mine.map((r) => r.statusText)).toEqual(['待代表确认', '已预约'])
    expect(shim.requests.every((r) => r.path === paths.authWechat() || r.header.Authorization === `Bearer ${visitorToken}`)).toBe(true)
  })

  test('王代表 binds and sees his slots, the booking and the request; he agrees a time and records the reception with a case', async () => {
    const invite = await asCityAdmin('POST', `/api/v1/people/${deputyId}/invite`)
    expect(invite.status).toBeLessThan(300)
    await people.bind('deputy', 'o-deputies-deputy', invite.body.code)
    people.as('deputy')

    const rota = await openPage('pages/my-rota/index')
    expect(rota.data.shifts.length).toBeGreaterThan(0)
    expect(rota.data.shifts.every((s) => s.studioName === '测试党代表工作室')).toBe(true)
    expect(rota.data.shifts.some((s) => s.placesText === '已预约 1/2人')).toBe(true)

    const page = await openPage('pages/deputy-receptions/index')
    const request = page.data.open.find((r) => r.canAnswer)
    const booking = page.data.open.find((r) => r.canRecord)
    expect(request).toMatchObject({ name: VISITOR.name, topic: '河道整治', phone: '138****5678' })
    expect(booking).toMatchObject({ name: VISITOR.name, topic: '小区加装电梯', kindText: '预约接待' })

    page.onAnswerOpen(tap({ id: request.id }))
    await page.onAccept()
    expect(shim.modals).toEqual([])
    expect(shim.toasts).toEqual(['已约定见面时间'])
    expect(page.data.open.find((r) => r.id === request.id)).toMatchObject({ statusText: '已预约', canRecord: true })

    page.onRecordOpen(tap({ id: booking.id }))
    page.onCame(tap({ came: true }))
    page.onRecordInput(input('raised', '反映小区加装电梯'))
    page.onCaseAdd()
    page.onCasePick({ currentTarget: { dataset: { index: 0 } }, detail: { value: '0' } })
    page.onCaseInput(input('title', '加装电梯', { index: 0 }))
    page.onCaseInput(input('body', '6层无电梯，老人上下楼困难', { index: 0 }))
    await page.onRecordSave()
    expect(shim.modals).toEqual([])
    expect(shim.toasts).toEqual(['已约定见面时间', '已登记，1件问题待转交'])
    const recorded = page.data.done.find((r) => r.id === booking.id)
    expect(recorded).toMatchObject({ statusText: '已接待', raised: '反映小区加装电梯' })
    expect(recorded.caseIds).toHaveLength(1)
    ;[caseId] = recorded.caseIds
  })

  test('the member of the public follows the case in 我的反映, with the visitor token', async () => {
    asVisitor()
    const page = await openPage('pages/my-matters/index')
    expect(page.data.visitor).toBe(true)
    expect(page.data.items).toEqual([expect.objectContaining({ id: caseId, kindText: '反映问题', statusText: '待转交', title: '加装电梯' })])
    const matter = await openPage('pages/matter/index', { id: String(caseId) })
    expect(matter.data).toMatchObject({ visitor: true, canRate: false, steps: [] })
    expect(matter.data.matter.timeline.map((t) => t.action)).toEqual(['提出'])
  })

  test('王代表 forwards it to 测试支部; the administrator answers for the organisation; the visitor rates it 满意', async () => {
    people.as('deputy')
    const forward = await openPage('pages/matter/index', { id: String(caseId) })
    expect(forward.data.steps.map((s) => s.label)).toEqual(['转交办理', '办结'])
    await forward.onStepOpen(tap({ step: 'forward' }))
    forward.onStepPick({ detail: { value: String(forward.data.orgs.length - 1) } })
    forward.onStepInput(input('orgNumber', String(stack.branchId)))
    await forward.onStepSend()
    expect(shim.modals).toEqual([])
    expect(shim.toasts).toEqual(['已转交'])
    expect(forward.data.matter).toMatchObject({ statusText: '办理中', handlerName: '测试支部' })

    people.tokens.admin = { access_token: stack.adminToken, refresh_token: '' }
    people.as('admin')
    const answer = await openPage('pages/matter/index', { id: String(caseId), org: String(stack.cityId) })
    expect(answer.data.steps.map((s) => s.label)).toEqual(['答复', '退回'])
    await answer.onStepOpen(tap({ step: 'answer' }))
    answer.onStepInput(input('text', '已协调物业，明年一季度开工'))
    await answer.onStepSend()
    expect(shim.toasts).toEqual(['已转交', '已答复'])
    expect(answer.data.matter).toMatchObject({ statusText: '已答复', answer: '已协调物业，明年一季度开工' })

    asVisitor()
    const rate = await openPage('pages/matter/index', { id: String(caseId) })
    expect(rate.data.canRate).toBe(true)
    rate.onRatingPick(tap({ rating: 'satisfied' }))
    await rate.onRate()
    expect(shim.modals).toEqual([])
    expect(shim.toasts).toEqual(['已转交', '已答复', '感谢您的评价'])
    expect(rate.data.matter).toMatchObject({ statusText: '已办结', ratingText: '满意' })
    expect(rate.data.matter.timeline.map((t) => t.action)).toEqual(['提出', '转交办理', '答复', '评价'])
  })
})
