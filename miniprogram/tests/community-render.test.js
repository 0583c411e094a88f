/**
 * @jest-environment jsdom
 */
// Renders the real templates of the community pages with miniprogram-simulate, fed with the data their js produced
// through the Page harness: what members and community admins actually read.
const { signedIn } = require('./signed-in')
const { loadPage } = require('./page-harness')
const { render, text } = require('./page-render')
const fixtures = require('./fixtures')

const shim = signedIn()

async function itemPage(item) {
  shim.route('GET /api/v1/service-items/21', { status: 200, body: item })
  const page = loadPage('pages/service-item/index')
  await page.onLoad({ id: '21' })
  page.onUnload()
  return page
}

test('the item page: places, the waitlist, my position and 退出候补', async () => {
  const page = await itemPage(fixtures.serviceItem({
    taken: 5, waitlist: 2, my_claim: fixtures.claim({ status: 'waitlisted', waitlist_position: 2 }),
  }))
  const shown = text(render('pages/service-item/index', page.data))
  expect(shown).toContain('已认领5/5名额已满候补2人')
  expect(shown).toContain('我的认领候补中（第2位）')
  expect(shown).toContain('退出候补')
  expect(shown).not.toContain('加入候补')
})

test('the item page: an open item with room offers 认领', async () => {
  const shown = text(render('pages/service-item/index', (await itemPage(fixtures.serviceItem())).data))
  expect(shown).toContain('已认领3/5尚有名额')
  expect(shown).toContain('报名：11月15日08:00至11月21日18:00')
  expect(shown).toMatch(/认领查看我的服务/)
})

test('the item page: an offer with its deadline, the countdown, 确认认领 and 放弃', async () => {
  jest.useFakeTimers({ now: Date.parse('2026-11-20T06:00:00Z') })
  shim.route('GET /api/v1/service-items/21', {
    status: 200,
    body: fixtures.serviceItem({ my_claim: fixtures.claim({ status: 'offered', offer_expires_at: '2026-11-20T15:00:00+08:00' }) }),
  })
  const page = loadPage('pages/service-item/index')
  const loading = page.onLoad({ id: '21' })
  await jest.advanceTimersByTimeAsync(5)
  await loading
  const shown = text(render('pages/service-item/index', page.data))
  page.onUnload()
  expect(shown).toContain('有名额空出，已为您保留请在11月20日15:00前确认剩余1:00:00')
  expect(shown).toContain('放弃确认认领')
})

test('the community page: my report, the kinds, each item\'s places and my claim', async () => {
  shim.route('GET /api/v1/communities', { status: 200, body: fixtures.communities() })
  shim.route('GET /api/v1/me/community-reports', { status: 200, body: [fixtures.report({ status: 'pending' })] })
  shim.route('GET /api/v1/communities/30/service-items', {
    status: 200,
    body: fixtures.itemsPage([fixtures.serviceItem({ taken: 5, waitlist: 1, my_claim: fixtures.claim({ status: 'waitlisted', waitlist_position: 1 }) })]),
  })
  const page = loadPage('pages/community/index')
  await page.onLoad({})
  const shown = text(render('pages/community/index', page.data))
  expect(shown).toContain('文昌社区▾')
  expect(shown).toContain('待社区审核报到时间11月10日10:00')
  expect(shown).toContain('服务项目服务岗位志愿服务')
  expect(shown).toContain('已认领5/5候补1人候补中（第1位）')
  expect(shown).toContain('没有更多了')
})

test('我的服务 progress: 已完成 / 未完成 per line, and the year\'s hours', async () => {
  jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-20T02:00:00Z'))
  shim.route('GET /api/v1/me/progress', { status: 200, body: fixtures.progress() })
  const page = loadPage('pages/my-service/index')
  await page.onLoad({ tab: 'progress' })
  const shown = text(render('pages/my-service/index', page.data))
  expect(shown).toContain('2026年度进度尚未达到年度最低要求全年志愿服务6.5小时')
  expect(shown).toContain('认领服务项目1/1项已完成参加社区服务1/2次未完成提出可行性建议0/1条未完成结对帮扶1/1户已完成参加志愿服务2/2次已完成')
})

test('我的服务 commitment form: the emphasis of the category picked', async () => {
  jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-20T02:00:00Z'))
  shim.route('GET /api/v1/me/commitments', { status: 200, body: [] })
  const page = loadPage('pages/my-service/index')
  await page.onLoad({ tab: 'commitment' })
  page.onCommitmentCategory({ detail: { value: '0' } })
  const shown = text(render('pages/my-service/index', page.data))
  expect(shown).toContain('2026年承诺党员类别机关事业单位党员机关事业单位党员：改进工作作风、联系服务基层')
  expect(shown).toContain('保存承诺')
})

test('the roster: ticks, hours, the mark on a bad one, and the waitlist', async () => {
  shim.route('GET /api/v1/service-items/21', { status: 200, body: fixtures.serviceItem() })
  shim.route('GET /api/v1/service-items/21/claims', {
    status: 200,
    body: [
      fixtures.claim({ id: 1, person_id: 3, person_name: '张三', checked_in_at: '2026-11-22T09:02:00+08:00' }),
      fixtures.claim({ id: 2, person_id: 4, person_name: '李四', status: 'waitlisted', waitlist_position: 1 }),
    ],
  })
  const page = loadPage('pages/service-roster/index')
  await page.onLoad({ item: '21' })
  page.onHours({ currentTarget: { dataset: { index: 0 } }, detail: { value: '-2' } })
  await page.onConfirm()
  const comp = render('pages/service-roster/index', page.data)
  const shown = text(comp)
  expect(shown).toContain('认领人员（1）·到场1')
  expect(shown).toContain('✓张三已认领扫码签到11月22日09:02')
  expect(shown).toContain('请填写不小于0的数字')
  expect(shown).toContain('有1人的服务时长填写有误')
  expect(shown).toContain('候补（1）李四候补中（第1位）')
  expect(comp.querySelector('.hours-input').dom.className).toContain('bad')
})

test('the check-in result names a volunteer activity by its title', () => {
  wx.setStorageSync('hdr.lastCheckin', {
    nonce: 'n1',
    scannedAt: '2026-11-22T09:01:30+08:00',
    queued: false,
    answer: fixtures.checkinAnswer('ok', { activity: { id: 26, title: '社区环境整治' }, live: null }),
  })
  const page = loadPage('pages/checkin-result/index')
  page.onLoad({ nonce: 'n1' })
  expect(page.data).toMatchObject({ theme: '社区环境整治', orgName: '' })
  const shown = text(render('pages/checkin-result/index', page.data))
  expect(shown).toContain('签到成功社区环境整治签到时间')
  expect(shown).not.toContain('·社区环境整治')
})
