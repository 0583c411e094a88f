// End to end for community service (issue #6): the mini-program's own pages (through tests/page-harness.js) and
// utils, with the wx shim doing real HTTP, against a real `huodongri serve` and the WeChat fake (see stack.js), in a
// stack of its own.
//
// The city's administrator creates a community under the city (POST /api/v1/orgs, kind "community") and grants
// 王主任 community_admin there. 张三 reports to it from 社区服务 and 王主任 accepts in 社区管理, then publishes an item
// with one place. 张三 claims it (ok). 李四 claims it before reporting (not_reported), reports, is accepted, and claims
// again: full, so he is waitlisted first. 张三 cancels; 李四 is offered the place and confirms it before the offer
// expires. Then a volunteer activity: 李四 claims it, scans its on-site QR with 扫码签到, and 王主任 confirms his hours.
// The tests run in order and share one WeChat "device", whose stored tokens are switched between people.
const { loadPage, loadComponent } = require('../page-harness')
const { http } = require('./stack')
const { devicePeople, useFreshScreen, useStackAndDevice } = require('./setup')

jest.setTimeout(30000)

const COMMUNITY = { code: 'E2E-SQ', name: '端到端社区' }
const COMMUNITY_ADMIN = { name: '王主任', phone: '13900004444', status: '正式党员' }
const SECOND_MEMBER = { name: '李四', phone: '13900005555', status: '正式党员' }
const ITEM_TITLE = '端到端代购生活用品'
const OFFER_WAIT_MS = 10000

const { stack, shim } = useStackAndDevice()
const api = require('../../utils/api')
const month = require('../../utils/month')
const roles = require('../../utils/roles')
const serviceForm = require('../../utils/service-form')

// Pages with timers (the item page counts an offer down) are closed after each test.
const opened = []
afterEach(() => {
  opened.splice(0).forEach((page) => page.onUnload && page.onUnload())
})

// A server without the community API (issue #6) fails every test with this, not with a cascade of odd errors.
const guard = useFreshScreen(shim)

const people = devicePeople(stack, shim)
const { as } = people
const bindWithWechat = people.bind
const asCityAdmin = (method, path, body) => http(stack.baseUrl, method, path, { token: stack.adminToken, body })
const tap = (dataset) => ({ currentTarget: { dataset } })
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function open(pagePath) {
  const page = loadPage(pagePath)
  opened.push(page)
  return page
}

// A person of the branch, with an invite code.
async function createPerson(person) {
  const created = await asCityAdmin('POST', `/api/v1/orgs/${stack.branchId}/people`, person)
  expect(created.status).toBe(201)
  const invite = await asCityAdmin('POST', `/api/v1/people/${created.body.id}/invite`)
  expect(invite.status).toBeLessThan(300)
  return { id: created.body.id, invite: invite.body.code }
}

describe('community service against the real server', () => {
  let communityId
  let itemId

  // 社区服务 as the person on the device: open on our community, report to it.
  async function reportFromCommunityPage() {
    const page = open('pages/community/index')
    await page.onLoad({ community: String(communityId) })
    expect(page.data.loadError).toBeNull()
    expect(page.data.communities[page.data.communityIndex]).toMatchObject({ id: communityId, name: COMMUNITY.name })
    expect(page.data.report).toBeNull()
    shim.modalAnswers.push(true)
    await page.onReport()
    expect(shim.toasts).toContain('已提交报到，等待社区审核')
    expect(page.data.report).toMatchObject({ status: 'pending', statusText: '待社区审核' })
    return page
  }

  // 社区管理 → 报到审核 as 王主任: accept the pending report of `name`.
  async function acceptReport(name) {
    as('communityAdmin')
    const page = open('pages/community-admin/index')
    await page.onLoad()
    await page.onTab(tap({ tab: 'reports' }))
    expect(page.data.loadError).toBeNull()
    const pending = page.data.reports.find((r) => r.personName === name)
    expect(pending).toMatchObject({ status: 'pending', communityId })
    shim.modalAnswers.push(true)
    await page.onAccept(tap({ id: pending.id, name }))
    expect(shim.toasts).toContain('已接收')
    expect(page.data.reports.some((r) => r.id === pending.id)).toBe(false)
  }

  // The item page as the person on the device.
  async function openItem() {
    const page = open('pages/service-item/index')
    await page.onLoad({ id: String(itemId) })
    expect(page.data.loadError).toBeNull()
    return page
  }

  test('the city\'s administrator creates a community and grants 王主任 community_admin there', async () => {
    const created = await asCityAdmin('POST', '/api/v1/orgs', { parent_id: stack.cityId, ...COMMUNITY, kind: 'community' })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ kind: 'community', parent_id: stack.cityId, name: COMMUNITY.name })
    communityId = created.body.id

    const probe = await asCityAdmin('GET', '/api/v1/communities')
    if (probe.status === 404) {
      throw guard.apiMissing(
        `${stack.baseUrl} answers GET /api/v1/communities with 404: the huodongri binary does not serve the community `
        + 'API of issue #6 yet. Rebuild it (cargo build -p huodongri) once the server has it.',
      )
    }
    expect(probe.status).toBe(200)
    expect(probe.body).toEqual(expect.arrayContaining([{ id: communityId, name: COMMUNITY.name, code: COMMUNITY.code }]))

    const admin = await createPerson(COMMUNITY_ADMIN)
    const grant = await asCityAdmin('POST', `/api/v1/orgs/${communityId}/roles`, { person_id: admin.id, role: 'community_admin' })
    expect(grant.status).toBe(201)
    const second = await createPerson(SECOND_MEMBER)

    await bindWithWechat('communityAdmin', 'o-community-admin', admin.invite)
    await bindWithWechat('zhangsan', 'o-community-zhangsan', stack.invite.code)
    await bindWithWechat('lisi', 'o-community-lisi', second.invite)

    as('communityAdmin')
    const home = open('pages/index/index')
    await home.load()
    expect(home.data.entries.map((e) => e.title)).toContain('社区管理')
    expect(roles.communityOrgs(await api.get('/api/v1/me'))).toEqual([{ id: communityId, name: COMMUNITY.name }])
  })

  test('张三 reports to the community from 社区服务; 王主任 accepts in 社区管理', async () => {
    as('zhangsan')
    await reportFromCommunityPage()
    await acceptReport('张三')

    as('zhangsan')
    const page = open('pages/community/index')
    await page.onLoad({})
    expect(page.data.communities[page.data.communityIndex].id).toBe(communityId)
    expect(page.data.report).toMatchObject({ status: 'accepted', statusText: '已报到' })
  })

  test('王主任 publishes an item with one place, signing up open from now', async () => {
    as('communityAdmin')
    const page = open('pages/community-admin/index')
    await page.onLoad()
    expect(page.data.orgs).toEqual([{ id: communityId, name: COMMUNITY.name }])
    page.onPublishToggle()
    const opens = month.stamp(Date.now() - 2 * 60 * 1000) // the picker's minute, a little in the past
    page.setData({
      form: {
        ...serviceForm.emptyForm(),
        title: ITEM_TITLE,
        description: '端到端测试：一个名额',
        capacity: '1',
        place: '端到端社区服务中心',
        opensDate: opens.slice(0, 10),
        opensTime: opens.slice(11, 16),
      },
    })

    await page.onPublish()

    expect(page.data.fieldErrors).toEqual({})
    expect(shim.modals).toEqual([])
    expect(shim.toasts).toEqual(['已发布'])
    expect(page.data.publishing).toBe(false)
    const listed = page.data.items.find((i) => i.title === ITEM_TITLE)
    expect(listed).toMatchObject({ kind: 'item', phase: 'open', phaseText: '报名中', placesText: '已认领 0/1', full: false })
    itemId = listed.id
  })

  test('张三 claims it: ok, and the only place is taken', async () => {
    as('zhangsan')
    const page = await openItem()
    expect(page.data.item).toMatchObject({ title: ITEM_TITLE, canClaim: true, claimButton: '认领', claim: null })

    await page.onClaim()

    expect(shim.requestsTo(`POST /api/v1/service-items/${itemId}/claims`)[0].status).toBe(200)
    expect(shim.toasts).toEqual(['认领成功'])
    expect(page.data.item).toMatchObject({
      placesText: '已认领 1/1', full: true, canClaim: false, canCancel: true, claim: { status: 'claimed', statusText: '已认领' },
    })
  })

  test('李四, not yet reported to the community, is told to report first', async () => {
    as('lisi')
    const page = await openItem()
    expect(page.data.item).toMatchObject({ canClaim: true, claimButton: '名额已满，加入候补' })

    await page.onClaim() // 去报到 not taken

    expect(shim.modals).toEqual([expect.objectContaining({ title: '未能认领', content: '请先到该社区报到', confirmText: '去报到' })])
    expect(page.data.item.claim).toBeNull()
  })

  test('李四 reports, is accepted, and claims again: full, so he is waitlisted', async () => {
    as('lisi')
    await reportFromCommunityPage()
    await acceptReport('李四')

    as('lisi')
    const page = await openItem()
    shim.modals.length = 0
    await page.onClaim()

    expect(shim.modals).toEqual([expect.objectContaining({
      title: '已加入候补', content: '名额已满，已加入候补（第1位）。有人取消时将通知您确认。',
    })])
    expect(page.data.item).toMatchObject({
      placesText: '已认领 1/1', waitlistText: '候补 1 人', canClaim: false, canCancel: true,
      claim: { status: 'waitlisted', position: 1, statusText: '候补中（第1位）' },
    })
  })

  test('张三 cancels; 李四 is offered the place, with a deadline and a countdown', async () => {
    as('zhangsan')
    const mine = await openItem()
    shim.modalAnswers.push(true)
    await mine.onCancel()
    expect(shim.toasts).toEqual(['已取消认领'])
    // my_claim may be the cancelled claim or nothing: the contract says Claim|null.
    expect(mine.data.item).toMatchObject({ canCancel: false })
    if (mine.data.item.claim) expect(mine.data.item.claim).toMatchObject({ status: 'cancelled', statusText: '已取消' })

    as('lisi')
    const deadline = Date.now() + OFFER_WAIT_MS
    let page = await openItem()
    while (!page.data.item.offered && Date.now() < deadline) {
      await sleep(200) // eslint-disable-line no-await-in-loop
      await page.load() // eslint-disable-line no-await-in-loop
    }
    page = await openItem()
    expect(page.data.item).toMatchObject({ offered: true, canClaim: false, claim: { status: 'offered', statusText: '候补递补待确认' } })
    expect(Date.parse(page.data.item.claim.offerExpiresAt)).toBeGreaterThan(Date.now())
    expect(page.data.countdown).toMatch(/^剩余 /)
    expect(page.data.offerExpired).toBe(false)
  })

  test('李四 confirms before the offer expires: the place is his', async () => {
    as('lisi')
    const page = await openItem()
    expect(page.data.item.offered).toBe(true)

    await page.onConfirmOffer()

    expect(shim.requestsTo(`POST /api/v1/service-claims/${page.data.item.claim.id}/confirm`)[0].status).toBe(200)
    expect(shim.toasts).toEqual(['已确认，认领成功'])
    expect(page.data).toMatchObject({ countdown: '', offerExpired: false })
    expect(page.data.item).toMatchObject({
      placesText: '已认领 1/1', waitlistText: '', offered: false, claim: { status: 'claimed', statusText: '已认领' },
    })
  })

  test('李四\'s 我的服务 lists the claim with its item\'s kind, time, place and community', async () => {
    as('lisi')
    const page = open('pages/my-service/index')
    await page.onLoad({})
    expect(page.data.loadError).toBeNull()
    expect(shim.requestsTo('GET /api/v1/me/service-claims')[0].url).toMatch(/\?year=\d{4}$/)
    expect(page.data.claims.find((c) => c.itemId === itemId)).toMatchObject({
      itemTitle: ITEM_TITLE, statusText: '已认领', kindText: '服务项目', communityName: COMMUNITY.name, place: '端到端社区服务中心',
      when: expect.stringMatching(/^\d+月\d+日 09:00$/),
    })
  })

  test('a volunteer activity: 李四 scans its on-site QR with 扫码签到, and 王主任 confirms his hours', async () => {
    // Started five minutes ago and signing up still open: members can claim and check in, and the organiser can
    // confirm attendance (the server takes it once the activity has started).
    as('communityAdmin')
    const admin = open('pages/community-admin/index')
    await admin.onLoad()
    admin.onPublishToggle()
    const at = (ms) => month.stamp(Date.now() + ms)
    const [opens, starts, ends] = [at(-10 * 60000), at(-5 * 60000), at(115 * 60000)]
    admin.setData({
      form: {
        ...serviceForm.emptyForm(),
        kindIndex: 2,
        volunteerKindIndex: 1,
        title: '端到端义务劳动',
        capacity: '3',
        place: '端到端社区广场',
        opensDate: opens.slice(0, 10),
        opensTime: opens.slice(11, 16),
        startDate: starts.slice(0, 10),
        startTime: starts.slice(11, 16),
        endDate: ends.slice(0, 10),
        endTime: ends.slice(11, 16),
        closesDate: ends.slice(0, 10),
        closesTime: ends.slice(11, 16),
      },
    })
    await admin.onPublish()
    expect(admin.data.fieldErrors).toEqual({})
    expect(shim.toasts).toEqual(['已发布'])
    const volunteer = admin.data.items.find((i) => i.title === '端到端义务劳动')
    expect(volunteer).toMatchObject({ kind: 'volunteer', kindText: '志愿服务·义务劳动', isVolunteer: true })

    as('lisi')
    const item = open('pages/service-item/index')
    await item.onLoad({ id: String(volunteer.id) })
    await item.onClaim()
    expect(item.data.item).toMatchObject({ claim: { status: 'claimed' }, canScan: true })

    as('communityAdmin')
    const screen = open('pages/service-qr/index')
    await screen.onLoad({ item: String(volunteer.id) })
    const code = loadComponent('components/rotating-qr/index', { src: screen.data.qrPath })
    await code.attach()
    expect(code.data.loadError).toBeNull()
    expect(code.data.qrSrc).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/)
    const qr = await api.get(`/api/v1/service-items/${volunteer.id}/qr`)
    code.detach()

    as('lisi')
    const scan = open('pages/scan/index')
    shim.scanAnswers.push({ result: qr.url })
    await scan.onScan()
    expect(scan.data.error).toBe('')
    const redirect = shim.navigations.filter((n) => n.kind === 'redirectTo').pop()
    expect(redirect.url).toMatch(/^\/pages\/checkin-result\/index\?nonce=/)
    const result = open('pages/checkin-result/index')
    result.onLoad({ nonce: /nonce=([A-Za-z0-9_-]+)/.exec(redirect.url)[1] })
    expect(result.data).toMatchObject({ text: '签到成功', tone: 'success', theme: '端到端义务劳动' })

    as('communityAdmin')
    const roster = open('pages/service-roster/index')
    await roster.onLoad({ item: String(volunteer.id) })
    expect(roster.data.rows.map((r) => [r.name, r.present, r.hours])).toEqual([['李四', true, '2']])
    expect(roster.data.rows[0].checkedIn).not.toBe('')
    roster.onHours({ currentTarget: { dataset: { index: 0 } }, detail: { value: '1.5' } })
    shim.modalAnswers.push(true)
    await roster.onConfirm()
    expect(shim.modals.slice(-1)).toEqual([expect.objectContaining({ title: '确认考勤' })])
    expect(shim.toasts).toContain('已确认考勤')
    expect(roster.data.rows.map((r) => [r.name, r.status, r.statusText])).toEqual([['李四', 'attended', '已参加（1.5小时）']])
  })

  test('王主任 sees only 李四 on the roster; the progress table loads', async () => {
    as('communityAdmin')
    const roster = open('pages/service-roster/index')
    await roster.onLoad({ item: String(itemId) })
    expect(roster.data.loadError).toBeNull()
    expect(roster.data.rows.map((r) => [r.name, r.status])).toEqual([['李四', 'claimed']])
    expect(roster.data.waiting).toEqual([])
    expect(roster.data.others.filter((c) => c.personName === '张三').map((c) => c.status)).not.toContain('claimed')

    const admin = open('pages/community-admin/index')
    await admin.onLoad()
    await admin.onTab(tap({ tab: 'progress' }))
    expect(admin.data.loadError).toBeNull()
    expect(shim.requestsTo(`GET /api/v1/orgs/${communityId}/progress`)[0].status).toBe(200)
    admin.data.progressRows.forEach((row) => expect(row.behind).toBe(true))
  })
})
