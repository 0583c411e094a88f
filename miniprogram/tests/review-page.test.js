// The reviewer / supervisor page through the Page harness.
const { signedIn } = require('./signed-in')
const { loadPage } = require('./page-harness')
const fixtures = require('./fixtures')

const shim = signedIn({ now: '2026-12-12T02:00:00Z' })

// GET /orgs/5/previews: on time; submitted but unpublished after the 10th; no plan at all; published late.
const row = (orgId, orgName, planId, planStatus, publishedAt, late) => ({
  org_id: orgId, org_name: orgName, plan_id: planId, plan_status: planStatus, published_at: publishedAt, late, missing: !publishedAt,
})
const previews = [
  row(6, '第一党支部', 11, 'filed', '2026-12-03T09:00:00+08:00', false),
  row(7, '第二党支部', 12, 'submitted', null, true),
  row(8, '第三党支部', null, null, null, true),
  row(9, '第四党支部', 13, 'filed', '2026-12-11T08:00:00+08:00', true),
]
const plans = [
  fixtures.plan({ id: 11, org_id: 6, status: 'filed' }),
  fixtures.plan({ id: 12, org_id: 7, status: 'submitted', theme: '主题党日' }),
  fixtures.plan({ id: 13, org_id: 9, status: 'draft' }),
]

async function open(me = fixtures.me(['reviewer', 5, '街道党工委'])) {
  shim.route('GET /api/v1/me', { status: 200, body: me })
  shim.route('GET /api/v1/orgs/5/previews', { status: 200, body: previews })
  shim.route('GET /api/v1/orgs/5/plans', { status: 200, body: plans })
  const page = loadPage('pages/review/index')
  await page.onLoad({})
  return page
}

test('plans of the month under my organisation, 待审核 first, named by branch', async () => {
  const page = await open()

  expect(shim.requestsTo('GET /api/v1/orgs/5/plans')[0].data).toEqual({ month: '2026-12' })
  expect(page.data.tab).toBe('plans')
  expect(page.data.plans.map((p) => [p.id, p.orgName, p.statusText])).toEqual([
    [12, '第二党支部', '待审核'], [11, '第一党支部', '已审核备案'], [13, '第四党支部', '草稿'],
  ])
})

test('returning a plan requires a comment', async () => {
  const page = await open()
  page.onSelect({ currentTarget: { dataset: { id: 12 } } })

  await page.onReturn()
  expect(page.data.commentError).toBe('退回时请填写审核意见，说明需要修改的内容')
  page.onComment({ detail: { value: '   ' } })
  await page.onReturn()
  expect(page.data.commentError).not.toBe('')
  expect(shim.requestsTo('POST /api/v1/plans/12/return')).toHaveLength(0)

  shim.route('POST /api/v1/plans/12/return', (req) => ({
    status: 200, body: fixtures.plan({ id: 12, org_id: 7, status: 'returned', review_comment: req.data.comment }),
  }))
  page.onComment({ detail: { value: ' 请写明活动地点 ' } })
  expect(page.data.commentError).toBe('')
  await page.onReturn()

  expect(shim.requestsTo('POST /api/v1/plans/12/return')[0].data).toEqual({ comment: '请写明活动地点' })
  expect(page.data.plans.find((p) => p.id === 12)).toMatchObject({ statusText: '已退回', orgName: '第二党支部' })
  expect(page.data).toMatchObject({ selectedId: 0, comment: '' })
  expect(shim.toasts).toEqual(['已退回支部'])
})

test('approving needs no comment and files the plan', async () => {
  shim.route('POST /api/v1/plans/12/approve', { status: 200, body: fixtures.plan({ id: 12, org_id: 7, status: 'filed' }) })
  const page = await open()
  page.onSelect({ currentTarget: { dataset: { id: 12 } } })

  await page.onApprove()

  expect(shim.requestsTo('POST /api/v1/plans/12/approve')[0].data).toEqual({ comment: null })
  expect(page.data.plans.map((p) => p.statusText)).toEqual(['已审核备案', '已审核备案', '草稿'])
})

test('the preview list flags 逾期 and 未发布 in Chinese', async () => {
  const page = await open()
  page.onTab({ currentTarget: { dataset: { tab: 'previews' } } })

  expect(page.data.tab).toBe('previews')
  expect(page.data.previews.map((r) => [r.orgName, r.flags, r.planText])).toEqual([
    ['第一党支部', [], '已审核备案'],
    ['第二党支部', ['逾期', '未发布'], '待审核'],
    ['第三党支部', ['逾期', '未发布'], '未制定计划'],
    ['第四党支部', ['逾期'], '已审核备案'],
  ])
  expect(page.data.previews[0].published).toBe('发布于 12月3日 09:00')
})

test('a supervisor only gets the preview list, and no plans are fetched', async () => {
  const page = await open(fixtures.me(['supervisor', 5, '街道党工委']))

  expect(page.data.orgs).toEqual([{ id: 5, name: '街道党工委', canReview: false }])
  expect(page.data.tab).toBe('previews')
  expect(shim.requestsTo('GET /api/v1/orgs/5/plans')).toHaveLength(0)
  expect(page.data.previews).toHaveLength(4)
})

test('a network failure while loading can be retried', async () => {
  shim.route('GET /api/v1/me', { fail: 'request:fail timeout' })
  const page = loadPage('pages/review/index')
  await page.onLoad({})
  expect(page.data.loadError).toMatchObject({ code: 'timeout', retryable: true })

  shim.route('GET /api/v1/me', { status: 200, body: fixtures.me(['org_admin', 5, '街道党工委']) })
  shim.route('GET /api/v1/orgs/5/previews', { status: 200, body: previews })
  shim.route('GET /api/v1/orgs/5/plans', { status: 200, body: plans })
  await page.load()
  expect(page.data.loadError).toBeNull()
  expect(page.data.plans).toHaveLength(3)
})
