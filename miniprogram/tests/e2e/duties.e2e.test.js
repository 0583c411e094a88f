// End to end for leaders' duties (issue 14): the mini-program's pages (through tests/page-harness.js) and utils, with
// the wx shim doing real HTTP, against a real `huodongri serve` and the WeChat fake (see stack.js), in a stack of its
// own.
//
// The city's administrator (the organisation department) creates 联系点支部 and 王书记, a county-level leader and the
// secretary of 测试支部 (张三's branch), and makes 联系点支部 his contact point (POST /people/{id}/contact-points); a
// contact point for 张三, who has no leader level, is refused. 王书记 binds with WeChat and opens 我的履职: nothing done,
// 张三 owed two talks. From the page he logs a research period (research days go up by its length; he changes it
// while he may), a visit to his contact point (visits go up) and, from 记录谈话 on 张三's line, a talk with 张三 on the
// talk page (both talk quotas go up, 张三 is owed one talk less). The administrator's 履职情况 lists him as behind, and
// a tap shows the same numbers read-only. The tests run in order and share one WeChat "device".
const { loadPage } = require('../page-harness')
const { http } = require('./stack')
const { devicePeople, useFreshScreen, useStackAndDevice } = require('./setup')

jest.setTimeout(30000)

const CONTACT_BRANCH = { code: 'E2E-C-2', name: '联系点支部' }
const LEADER = {
  name: '王书记', phone: '13900006666', status: '正式党员', leader_level: 'county_or_above', party_post: 'secretary',
}

const { stack, shim } = useStackAndDevice()
const api = require('../../utils/api')
const duties = require('../../utils/duties')
const errors = require('../../utils/errors')
const month = require('../../utils/month')
const nav = require('../../utils/nav')
const paths = require('../../utils/paths')
const roles = require('../../utils/roles')

const people = devicePeople(stack, shim)
const asCityAdmin = (method, path, body) => http(stack.baseUrl, method, path, { token: stack.adminToken, body })
const tap = (dataset) => ({ currentTarget: { dataset } })
const pick = (field, value) => ({ currentTarget: { dataset: { field } }, detail: { value } })

const YEAR = month.shanghaiDate().year
const TODAY = month.today()
// A research period of three days ending today, or of the days this year has had so far.
const DAY_MS = 24 * 60 * 60 * 1000
const TWO_DAYS_AGO = month.today(Date.now() - 2 * DAY_MS)
const RESEARCH_START = TWO_DAYS_AGO.startsWith(String(YEAR)) ? TWO_DAYS_AGO : `${YEAR}-01-01`
const RESEARCH_DAYS = duties.days(RESEARCH_START, TODAY)

// A server without the duties API (issue 14) fails every test with this, not with a cascade of odd errors.
const guard = useFreshScreen(shim)

const quota = (page, key) => page.data.progress.items.find((q) => q.key === key)
const kindIndex = (page, key) => page.data.kinds.findIndex((k) => k.key === key)

// 我的履职 as the person on the device (or, with a query, someone's progress read-only).
async function openDuties(query = {}) {
  const page = loadPage('pages/my-duties/index')
  await page.onLoad(query)
  expect(page.data.loadError).toBeNull()
  return page
}

describe('leaders\' duties against the real server', () => {
  let leaderId
  let contactBranchId
  let before

  test('the organisation department makes 联系点支部 王书记\'s contact point; not 张三\'s, who leads nothing', async () => {
    const branch = await asCityAdmin('POST', '/api/v1/orgs', { parent_id: stack.committeeId, ...CONTACT_BRANCH, kind: 'branch' })
    expect(branch.status).toBe(201)
    contactBranchId = branch.body.id

    const leader = await asCityAdmin('POST', `/api/v1/orgs/${stack.branchId}/people`, LEADER)
    expect(leader.status).toBe(201)
    leaderId = leader.body.id

    const refused = await asCityAdmin('POST', paths.personContactPoints(stack.member.id), { org_id: contactBranchId, valid_from: `${YEAR}-01-01` })
    if (refused.status === 404 && refused.body.code !== 'person.not_found') {
      throw guard.apiMissing(
        `${stack.baseUrl} answers POST ${paths.personContactPoints(stack.member.id)} with 404: the huodongri binary does not `
        + 'serve the duties API of issue 14 yet. Rebuild it (cargo build -p huodongri) once the server has it.',
      )
    }
    expect([refused.status, refused.body.code]).toEqual([409, 'duty.not_a_leader'])
    expect(errors.messageFor(refused.body)).toBe('该同志不是领导干部，不能设置联系点，请先在名册中填写领导职级')

    const assigned = await asCityAdmin('POST', paths.personContactPoints(leaderId), { org_id: contactBranchId, valid_from: `${YEAR}-01-01` })
    expect(assigned.status).toBe(201)
    expect(assigned.body).toMatchObject({
      person_id: leaderId, person_name: LEADER.name, org_id: contactBranchId, org_name: CONTACT_BRANCH.name, valid_until: null,
    })

    const invite = await asCityAdmin('POST', `/api/v1/people/${leaderId}/invite`)
    expect(invite.status).toBeLessThan(300)
    await people.bind('leader', 'o-duties-leader', invite.body.code)
    people.tokens.admin = { access_token: stack.adminToken, refresh_token: '' }
  })

  test('王书记 opens 我的履职: nothing done yet, 张三 owed two talks, his contact point to choose', async () => {
    people.as('leader')
    const page = await openDuties()
    expect(shim.requestsTo(`GET ${paths.personDuties(leaderId)}`)[0].data).toEqual({ year: YEAR })
    before = Object.fromEntries(page.data.progress.items.map((q) => [q.key, q]))
    expect(before.research_days).toMatchObject({ label: '到基层调查研究', counted: false, met: false })
    expect(before.micro_research).toMatchObject({ counted: true, stateText: '不作数量要求' })
    expect(before.contact_visits.figure).toBe('0/2次')
    expect(before.talks.figure).toBe('0/2次')
    expect(before.talks_with_members.figure).toBe('0/2次')
    expect(page.data.progress.owed).toEqual([expect.objectContaining({ personId: stack.member.id, text: '与张三谈心谈话：还差2次' })])
    expect(page.data.progress.metAll).toBe(false)
    expect(page.data.contacts).toEqual([expect.objectContaining({ orgId: contactBranchId, orgName: CONTACT_BRANCH.name })])
    expect(page.data.entries).toEqual([])
  })

  test('he logs a research period from the page: research days go up by its length; he corrects a word while he may', async () => {
    people.as('leader')
    const page = await openDuties()
    page.onLogOpen()
    page.onKind({ detail: { value: String(kindIndex(page, 'research')) } })
    page.onFormPick(pick('startsOn', RESEARCH_START))
    page.onFormPick(pick('endsOn', TODAY))
    page.onFormInput(pick('place', '湾头镇'))
    page.onFormInput(pick('topic', '基层减负落实情况'))
    await page.onSave()

    expect(page.data.fieldErrors).toEqual({})
    expect(shim.modals).toEqual([])
    expect(shim.toasts).toEqual(['已记录'])
    expect(shim.requestsTo(`POST ${paths.meDuties()}`)[0].status).toBe(201)
    expect(page.data.formAt).toBeNull()
    const research = quota(page, 'research_days')
    expect(research.figure).toBe(`${RESEARCH_DAYS}/30天`)
    expect(research.evidence).toEqual([expect.objectContaining({ source: '履职记录', detail: expect.stringContaining('基层减负落实情况') })])
    const [entry] = page.data.entries
    expect(entry).toMatchObject({ kindText: '调查研究', where: '湾头镇', topic: '基层减负落实情况', editable: true, correctable: false })

    page.onEdit(tap({ id: entry.id }))
    page.onFormInput(pick('summary', '走访三个村'))
    await page.onSave()
    expect(shim.toasts).toEqual(['已记录', '已保存修改'])
    expect(page.data.entries[0]).toMatchObject({ id: entry.id, summary: '走访三个村', editable: true })
    expect(quota(page, 'research_days').figure).toBe(`${RESEARCH_DAYS}/30天`)

    // The same days again are refused, in Chinese.
    page.onLogOpen()
    page.onKind({ detail: { value: String(kindIndex(page, 'research')) } })
    page.onFormInput(pick('place', '湾头镇'))
    await page.onSave()
    expect(shim.modals).toEqual([expect.objectContaining({
      title: '未能记录', content: '这段时间已有同类记录，请勿重复登记，如需改动请修改原记录',
    })])
    expect(page.data.entries).toHaveLength(1)
  })

  test('he logs a visit to his contact point: it is chosen for him, and visits go up', async () => {
    people.as('leader')
    const page = await openDuties()
    page.onLogOpen()
    page.onKind({ detail: { value: String(kindIndex(page, 'contact_visit')) } })
    expect(page.data.form.contactIndex).toBe(0)
    page.onFormInput(pick('topic', '了解党员教育管理情况'))
    await page.onSave()

    expect(shim.toasts).toEqual(['已记录'])
    expect(quota(page, 'contact_visits').figure).toBe('1/2次')
    expect(page.data.entries[0]).toMatchObject({ kindText: '走访联系点', where: CONTACT_BRANCH.name })
  })

  test('记录谈话 on 张三\'s line opens the talk page on him: a talk recorded, the notes his and 张三\'s alone', async () => {
    people.as('leader')
    const mine = await openDuties()
    const owed = mine.data.progress.owed.find((o) => o.personId === stack.member.id)
    mine.onTalk(tap({ person: owed.personId, name: owed.name }))
    const [{ url }] = shim.navigations
    const target = nav.parse(url)
    expect(target.route).toBe('pages/talk-form/index')

    const page = loadPage(target.route)
    await page.onLoad(Object.fromEntries(Object.entries(target.options).map(([k, v]) => [k, encodeURIComponent(v)])))
    expect(page.data.loadError).toBeNull()
    expect(page.data.people[page.data.form.personIndex]).toMatchObject({ personId: stack.member.id, name: '张三' })
    expect(page.data.talks).toEqual([])
    page.onInput(pick('notes', '了解思想、工作和生活情况'))
    await page.onSave()

    expect(shim.modals).toEqual([])
    expect(shim.toasts).toEqual(['已记录谈话'])
    expect(page.data.talks).toEqual([expect.objectContaining({ withText: '与张三谈话', notes: '了解思想、工作和生活情况', received: false })])
    expect(page.data.form.personIndex).toBe(-1)

    // The organisation department sees that the talk was held, not what was said.
    const [held] = await api.get(paths.meTalks(), { year: YEAR })
    const seen = await asCityAdmin('GET', `/api/v1/talks/${held.id}`)
    expect([seen.status, seen.body.with_name, seen.body.notes]).toEqual([200, '张三', null])

    const self = await api.post(paths.meTalks(), { with_person_id: leaderId, talked_on: TODAY, notes: '' }).catch((err) => err)
    expect([self.code, errors.messageFor(self)]).toEqual(['duty.talk_with_self', '谈话对象不能是您本人，请重新选择'])
  })

  test('back on 我的履职 the numbers have changed', async () => {
    people.as('leader')
    const page = await openDuties()
    expect(quota(page, 'research_days').figure).toBe(`${RESEARCH_DAYS}/30天`)
    expect(quota(page, 'contact_visits').figure).toBe('1/2次')
    expect(quota(page, 'talks').figure).toBe('1/2次')
    expect(quota(page, 'talks_with_members').figure).toBe('1/2次')
    expect(quota(page, 'talks_with_members').evidence).toEqual([expect.objectContaining({ source: '谈心谈话记录', detail: '张三' })])
    expect(page.data.progress.owed.map((o) => o.text)).toEqual(['与张三谈心谈话：还差1次'])
    expect(page.data.progress.missing.map((m) => m.text)).toEqual(expect.arrayContaining([
      `到基层调查研究：还差${30 - RESEARCH_DAYS}天`, '走访联系点：还差1次', '谈心谈话：还差1次',
    ]))
    expect(page.data.entries.map((e) => e.kindText)).toEqual(['走访联系点', '调查研究'])
  })

  test('the organisation department\'s 履职情况 lists him as behind; a tap shows the same numbers, read-only', async () => {
    people.as('admin')
    const me = await api.get(paths.me())
    expect(roles.entriesFor(me).map((e) => e.key)).toContain('duties-overview')

    const overview = loadPage('pages/duties-overview/index')
    await overview.onLoad()
    expect(overview.data.loadError).toBeNull()
    expect(overview.data.orgs).toEqual([{ id: stack.cityId, name: '端到端市' }])
    expect(shim.requestsTo(`GET ${paths.orgDuties(stack.cityId)}`)[0].data).toEqual({ year: YEAR, page: 1, per_page: 20, behind_only: true })
    const row = overview.data.items.find((r) => r.id === leaderId)
    expect(row).toMatchObject({ name: LEADER.name, orgName: '测试支部', post: '县处级以上 · 书记', metAll: false })
    expect(row.behind.map((b) => b.text)).toEqual(expect.arrayContaining([`到基层调查研究 ${RESEARCH_DAYS}/30天`, '谈心谈话 1/2次']))

    overview.onOpen(tap({ id: leaderId }))
    const target = nav.parse(shim.navigations[0].url)
    const page = await openDuties(target.options)
    expect(page.data).toMatchObject({ readOnly: true, entries: [], progress: { name: LEADER.name, orgName: '测试支部' } })
    expect(quota(page, 'research_days').figure).toBe(`${RESEARCH_DAYS}/30天`)
    expect(quota(page, 'talks_with_members').figure).toBe('1/2次')
    expect(shim.requestsTo(`GET ${paths.meDuties()}`)).toHaveLength(0)
  })
})
