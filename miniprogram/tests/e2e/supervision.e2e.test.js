// End to end for inspections as the inspected organisation sees them (督查考评, §三.3): the mini-program's pages
// (through tests/page-harness.js) and utils, with the wx shim doing real HTTP, against a real `huodongri serve` and the
// WeChat fake, in a stack of its own.
//
// The city's administrator (the organisation department, who inspects) plans a site visit of 测试支部 and records a
// problem with a rectification task due in a month. 王书记, the branch's secretary, finds it in 整改任务, uploads a photo
// as evidence under it and sends what was done; the administrator returns it once, 王书记 answers again and it is
// accepted. The results are published with 测试支部 较好, then corrected; 张三 reads the corrected version in 督查通报.
// The tests run in order and share one WeChat "device".
const fs = require('fs')
const path = require('path')
const { loadComponent, loadPage } = require('../page-harness')
const { http } = require('./stack')
const { devicePeople, useFreshScreen, useStackAndDevice } = require('./setup')

jest.setTimeout(30000)

const SECRETARY = { name: '王书记', phone: '13900009001', status: '正式党员' }
// A real PNG (one pixel).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')

const { stack, shim } = useStackAndDevice()
const deputies = require('../../utils/deputies')
const month = require('../../utils/month')
const paths = require('../../utils/paths')

const people = devicePeople(stack, shim)
const asCityAdmin = (method, urlPath, body) => http(stack.baseUrl, method, urlPath, { token: stack.adminToken, body })
const tap = (dataset) => ({ currentTarget: { dataset } })
const input = (value) => ({ detail: { value } })

const TODAY = month.today()
const DEADLINE = deputies.addDays(TODAY, 30)

// A server without the supervision API fails every test with this, not with a cascade of odd errors.
const guard = useFreshScreen(shim)

async function openPage(route, query = {}) {
  const page = loadPage(route)
  await page.onLoad(query)
  expect(page.data.loadError).toBeNull()
  return page
}

describe('rectification tasks and published results against the real server', () => {
  let roundId
  let taskId

  test('the administrator inspects 测试支部 and records a problem to put right within a month', async () => {
    const round = await asCityAdmin('POST', `/api/v1/orgs/${stack.cityId}/inspection-rounds`, {
      title: '2026年第四季度组织生活督查', mode: 'scheduled', method: 'site_visit', planned_on: TODAY, org_ids: [stack.branchId],
    })
    if (round.status === 404) {
      throw guard.apiMissing(
        `${stack.baseUrl} answers POST /api/v1/orgs/{id}/inspection-rounds with 404 (${round.body.code}): the huodongri binary `
        + 'does not plan inspection rounds at the paths of tests/openapi.json. Rebuild it (cargo build -p huodongri).',
      )
    }
    expect(round.status).toBe(201)
    roundId = round.body.id
    const finding = await asCityAdmin('POST', `/api/v1/inspection-rounds/${roundId}/findings`, {
      org_id: stack.branchId,
      kind: 'problem',
      text: '会议记录不完整，缺少参会人员签名',
      rectification: { requirement: '补全会议记录，建立签名制度', deadline: DEADLINE },
    })
    expect(finding.status).toBe(201)
    taskId = finding.body.rectification_id
    expect(taskId).toEqual(expect.any(Number))

    const secretary = await asCityAdmin('POST', `/api/v1/orgs/${stack.branchId}/people`, SECRETARY)
    expect(secretary.status).toBe(201)
    expect((await asCityAdmin('POST', `/api/v1/orgs/${stack.branchId}/roles`, { person_id: secretary.body.id, role: 'secretary' })).status).toBe(201)
    const invite = await asCityAdmin('POST', `/api/v1/people/${secretary.body.id}/invite`)
    await people.bind('secretary', 'o-supervision-secretary', invite.body.code)
  })

  test('王书记 finds it in 整改任务, uploads a photo as evidence and sends what was done', async () => {
    people.as('secretary')
    const list = await openPage('pages/rectifications/index')
    expect(list.data.orgs).toEqual([{ id: stack.branchId, name: '测试支部' }])
    expect(list.data.items).toEqual([expect.objectContaining({
      id: taskId, orgName: '测试支部', statusText: '待整改', requirement: '补全会议记录，建立签名制度', overdue: false,
      deadline: `整改期限：${DEADLINE.slice(0, 4)}年${month.dayLabel(DEADLINE)}`,
    })])
    await list.onFilter(tap({ filter: 'overdue' }))
    expect(shim.requestsTo(`GET ${paths.orgRectifications(stack.branchId)}`).pop().data).toEqual({ page: 1, per_page: 20, overdue: true })
    expect(list.data.items).toEqual([])
    list.onOpen(tap({ id: taskId }))
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: `/pages/rectification/index?id=${taskId}` }])

    const page = await openPage('pages/rectification/index', { id: String(taskId) })
    expect(page.data.task).toMatchObject({ waiting: true, statusText: '待整改', finding: '会议记录不完整，缺少参会人员签名' })

    // The evidence list as the page's template puts it there.
    const files = loadComponent('components/attachment-list/index', {
      ownerType: 'rectification', ownerId: taskId, canAdd: page.data.task.waiting, addText: '上传整改材料照片',
    })
    await files.attach()
    expect(files.data).toMatchObject({ loaded: true, loadError: null, photos: [] })
    const file = path.join(stack.dataDir, '签名册.png')
    fs.writeFileSync(file, PNG)
    shim.mediaAnswers.push({ tempFiles: [{ tempFilePath: file, size: PNG.length, fileType: 'image' }] })
    await files.onAdd()
    expect(shim.modals).toEqual([])
    expect(shim.toasts).toEqual(['已上传1张照片'])
    expect(shim.requestsTo(`POST ${paths.attachments()}`)[0]).toMatchObject({ status: 201, query: { owner_type: 'rectification', owner_id: String(taskId) } })

    page.onNoteInput(input('已补全三季度会议记录，建立会议签名制度'))
    shim.modalAnswers.push(true)
    await page.onAnswer()
    expect(shim.modals.map((m) => m.confirmText)).toEqual(['确认报送'])
    expect(shim.toasts).toEqual(['已上传1张照片', '整改情况已报送'])
    expect(page.data.task).toMatchObject({ waiting: false, statusText: '已报整改情况', answer: '已补全三季度会议记录，建立会议签名制度' })
    expect(page.data.note).toBe('')
  })

  test('returned once, answered again and accepted: the page follows each decision', async () => {
    const returned = await asCityAdmin('POST', paths.rectificationSteps(taskId), { action: 'return', note: '请附上签名册照片' })
    expect(returned.status).toBe(200)
    const page = await openPage('pages/rectification/index', { id: String(taskId) })
    expect(page.data.task).toMatchObject({ waiting: true, statusText: '退回重新整改', decisionNote: '请附上签名册照片' })
    expect(page.data.next).toBe('整改情况被退回，请按督查组意见重新整改后再次报送。')
    page.onNoteInput(input('已附签名册照片'))
    shim.modalAnswers.push(true)
    await page.onAnswer()
    expect(page.data.task.statusText).toBe('已报整改情况')

    expect((await asCityAdmin('POST', paths.rectificationSteps(taskId), { action: 'accept' })).status).toBe(200)
    await page.load()
    expect(page.data.task).toMatchObject({ waiting: false, statusText: '整改通过', tone: 'done' })
  })

  test('the results are published, then corrected; 张三 reads the correction in 督查通报', async () => {
    await people.bind('member', 'o-supervision-member', stack.invite.code)
    people.as('member')
    const before = await openPage('pages/inspection-results/index')
    expect(before.data.items).toEqual([])

    const published = await asCityAdmin('POST', `/api/v1/inspection-rounds/${roundId}/publications`, {
      publish_on: TODAY, summary: '督查了1个支部，总体较好。', results: [{ org_id: stack.branchId, verdict: 'needs_improvement', comment: '会议记录待完善' }],
    })
    expect(published.status).toBe(201)
    await before.load()
    expect(before.data.items).toEqual([expect.objectContaining({
      title: '2026年第四季度组织生活督查', methodText: '实地查看', corrected: false,
      result: { orgName: '测试支部', verdict: 'needs_improvement', verdictText: '一般', comment: '会议记录待完善' },
    })])

    const corrected = await asCityAdmin('POST', `/api/v1/inspection-rounds/${roundId}/publications`, {
      publish_on: TODAY,
      summary: '督查了1个支部，总体较好。',
      results: [{ org_id: stack.branchId, verdict: 'fair', comment: '整改到位' }],
      correction_reason: '整改通过后重新评定',
    })
    expect(corrected.status).toBe(201)
    await before.load()
    expect(before.data.items).toEqual([expect.objectContaining({
      corrected: true, versionText: '第2版（更正）', correctionReason: '整改通过后重新评定',
      result: expect.objectContaining({ verdictText: '较好', comment: '整改到位' }),
    })])
  })
})
