// The members' community service pages through the Page harness: 社区服务 (communities, reporting, items by kind,
// paginated), the item page (every claim result, the waitlist, cancelling, an offer's countdown with confirm and
// decline, on the fake clock) and 我的服务 (claims, pairings with visits, suggestions, the commitment, progress).
const { signedIn } = require('./signed-in')
const { settleUntil } = require('./settle')
const { loadPage } = require('./page-harness')
const fixtures = require('./fixtures')

const shim = signedIn()

const tap = (dataset) => ({ currentTarget: { dataset } })
const ITEMS = 'GET /api/v1/communities/30/service-items'

describe('社区服务', () => {
  function route({ reports = [fixtures.report()], items = [fixtures.serviceItem()] } = {}) {
    shim.route('GET /api/v1/communities', { status: 200, body: fixtures.communities() })
    shim.route('GET /api/v1/me/community-reports', { status: 200, body: reports })
    shim.route(ITEMS, { status: 200, body: fixtures.itemsPage(items) })
  }

  async function open(query = {}) {
    const page = loadPage('pages/community/index')
    await page.onLoad(query)
    return page
  }

  test('opens on the community that accepted my report, with its items\' phase, places and waitlist', async () => {
    route({
      reports: [fixtures.report({ id: 50, community_id: 31, community_name: '东关社区', status: 'declined' }), fixtures.report()],
      items: [
        fixtures.serviceItem(),
        fixtures.serviceItem({
          id: 22, title: '楼道清扫', taken: 4, capacity: 4, waitlist: 2,
          my_claim: fixtures.claim({ item_id: 22, status: 'waitlisted', waitlist_position: 2 }),
        }),
        fixtures.serviceItem({ id: 23, title: '法律咨询', phase: 'not_open_yet' }),
      ],
    })
    const page = await open()

    expect(page.data.communityIndex).toBe(0)
    expect(page.data.report).toMatchObject({ status: 'accepted', statusText: '已报到' })
    expect(page.data.reports.map((r) => [r.communityName, r.statusText])).toEqual([['东关社区', '未通过'], ['文昌社区', '已报到']])
    expect(shim.requestsTo(ITEMS)[0].data).toEqual({ kind: 'item', page: 1 })
    expect(page.data.items.map((i) => [i.title, i.phaseText, i.placesText, i.waitlistText, i.claim && i.claim.statusText])).toEqual([
      ['为独居老人代购生活用品', '报名中', '已认领 3/5', '', null],
      ['楼道清扫', '报名中', '已认领 4/4', '候补 2 人', '候补中（第2位）'],
      ['法律咨询', '未开始报名', '已认领 3/5', '', null],
    ])
    expect(page.data.items[1].full).toBe(true)

    page.onOpenItem(tap({ id: 22 }))
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/service-item/index?id=22' }])
  })

  test('reporting to a community: asked first, then sent for myself, then shown as waiting', async () => {
    route({ reports: [] })
    const page = await open()
    expect(page.data.report).toBeNull()

    await page.onReport() // cancelled
    expect(shim.requestsTo('POST /api/v1/communities/30/reports')).toHaveLength(0)

    shim.route('POST /api/v1/communities/30/reports', { status: 201, body: fixtures.report({ status: 'pending' }) })
    shim.route('GET /api/v1/me/community-reports', { status: 200, body: [fixtures.report({ status: 'pending' })] })
    shim.modalAnswers.push(true)
    await page.onReport()

    expect(shim.modals[1]).toMatchObject({ title: '到社区报到', confirmText: '确认报到' })
    expect(shim.requestsTo('POST /api/v1/communities/30/reports')[0].data).toEqual({})
    expect(shim.toasts).toEqual(['已提交报到，等待社区审核'])
    expect(page.data.report).toMatchObject({ status: 'pending', statusText: '待社区审核' })
  })

  test('a network failure while reporting offers 重试', async () => {
    route({ reports: [] })
    const page = await open()
    let calls = 0
    shim.route('POST /api/v1/communities/30/reports', () => {
      calls += 1
      return calls === 1 ? { fail: 'request:fail' } : { status: 201, body: fixtures.report({ status: 'pending' }) }
    })
    shim.modalAnswers.push(true, true)
    await page.onReport()
    expect(shim.modals[1]).toMatchObject({ title: '报到未提交', confirmText: '重试' })
    expect(calls).toBe(2)
  })

  test('?community= opens on that one; picking another is remembered', async () => {
    route()
    shim.route('GET /api/v1/communities/31/service-items', { status: 200, body: fixtures.itemsPage([]) })
    const page = await open({ community: '31' })
    expect(page.data.communityIndex).toBe(1)
    expect(page.data.report).toBeNull() // my report is to 文昌社区

    await page.onCommunity({ detail: { value: '0' } })
    expect(wx.getStorageSync('hdr.community')).toBe(30)
    const again = await open()
    expect(again.data.communityIndex).toBe(0)
  })

  test('tabs by kind; an answer for a tab left meanwhile is dropped', async () => {
    route()
    const page = await open()
    shim.route(ITEMS, (req) => (req.data.kind === 'post'
      ? { status: 200, body: fixtures.itemsPage([fixtures.serviceItem({ id: 24, kind: 'post', title: '慢' })]), delay: 50 }
      : {
        status: 200,
        body: fixtures.itemsPage([fixtures.serviceItem({ id: 25, kind: 'volunteer', volunteer_kind: 'labour', title: '义务劳动' })]),
      }))

    const slow = page.onKind(tap({ kind: 'post' }))
    await page.onKind(tap({ kind: 'volunteer' }))
    await slow

    expect(page.data.kind).toBe('volunteer')
    expect(page.data.items.map((i) => [i.title, i.kindText])).toEqual([['义务劳动', '志愿服务·义务劳动']])
  })

  test('a page at a time: more on reaching the bottom, until the total', async () => {
    route()
    shim.route(ITEMS, (req) => ({
      status: 200,
      body: fixtures.itemsPage(
        req.data.page === 1 ? [fixtures.serviceItem({ id: 1 }), fixtures.serviceItem({ id: 2 })] : [fixtures.serviceItem({ id: 3 })],
        { page: req.data.page, per_page: 2, total: 3 },
      ),
    }))
    const page = await open()
    expect(page.data).toMatchObject({ hasMore: true, total: 3 })

    await page.onReachBottom()
    expect(shim.requestsTo(ITEMS).map((r) => r.data.page)).toEqual([1, 2])
    expect(page.data.items.map((i) => i.id)).toEqual([1, 2, 3])
    expect(page.data.hasMore).toBe(false)

    await page.onReachBottom()
    expect(shim.requestsTo(ITEMS)).toHaveLength(2)
  })

  test('pull-down refresh reads everything again from the first page', async () => {
    route()
    const page = await open()
    await page.onPullDownRefresh()
    expect(shim.requestsTo('GET /api/v1/communities')).toHaveLength(2)
    expect(shim.requestsTo(ITEMS).map((r) => r.data.page)).toEqual([1, 1])
    expect(shim.pullDownStops).toBe(1)
  })

  test('a failed load is retryable; a failed list only fails the list', async () => {
    shim.route('GET /api/v1/communities', { fail: 'request:fail timeout' })
    shim.route('GET /api/v1/me/community-reports', { status: 200, body: [] })
    const page = await open()
    expect(page.data.loadError).toEqual({ code: 'timeout', message: '请求超时，请稍后重试', retryable: true, signIn: false })

    route()
    shim.route(ITEMS, { status: 502, body: '' })
    await page.load()
    expect(page.data.loadError).toBeNull()
    expect(page.data.listError).toMatchObject({ code: 'internal', retryable: true, signIn: false })

    shim.route(ITEMS, { status: 200, body: fixtures.itemsPage([fixtures.serviceItem()]) })
    await page.onListRetry()
    expect(page.data.listError).toBeNull()
    expect(page.data.items).toHaveLength(1)
  })
})

describe('the item page', () => {
  const ITEM = 'GET /api/v1/service-items/21'
  const CLAIM = 'POST /api/v1/service-items/21/claims'

  async function open(item = fixtures.serviceItem()) {
    shim.route(ITEM, { status: 200, body: item })
    const page = loadPage('pages/service-item/index')
    await page.onLoad({ id: '21' })
    page.onShow()
    return page
  }

  const claimAnswer = (result, claim = null) => ({ status: 200, body: { result, message: '服务器说明', claim } })

  test('ok: a toast, and the item again with my claim', async () => {
    const page = await open()
    expect(page.data.item).toMatchObject({ canClaim: true, claimButton: '认领', placesText: '已认领 3/5' })
    shim.route(CLAIM, claimAnswer('ok', fixtures.claim()))
    shim.route(ITEM, { status: 200, body: fixtures.serviceItem({ taken: 4, my_claim: fixtures.claim() }) })

    await page.onClaim()

    expect(shim.requestsTo(CLAIM)[0].data).toEqual({})
    expect(shim.toasts).toEqual(['认领成功'])
    expect(shim.modals).toEqual([])
    expect(page.data.item).toMatchObject({ placesText: '已认领 4/5', canClaim: false, canCancel: true, claim: { statusText: '已认领' } })
  })

  test('full: on the waitlist, with the position, and the page shows it', async () => {
    const page = await open(fixtures.serviceItem({ taken: 5 }))
    expect(page.data.item.claimButton).toBe('名额已满，加入候补')
    const waitlisted = fixtures.claim({ status: 'waitlisted', waitlist_position: 1 })
    shim.route(CLAIM, claimAnswer('full', waitlisted))
    shim.route(ITEM, { status: 200, body: fixtures.serviceItem({ taken: 5, waitlist: 1, my_claim: waitlisted }) })

    await page.onClaim()

    expect(shim.modals).toEqual([{
      title: '已加入候补', content: '名额已满，已加入候补（第1位）。有人取消时将通知您确认。', showCancel: false, confirmText: '知道了',
    }])
    expect(page.data.item).toMatchObject({
      waitlistText: '候补 1 人', full: true, canClaim: false, canCancel: true, claim: { statusText: '候补中（第1位）' },
    })
  })

  test.each([
    ['already_claimed', '您已认领该项目'],
    ['not_open_yet', '报名尚未开始'],
    ['closed', '报名已截止'],
    ['time_clash', '与您已认领的项目时间冲突'],
    ['withdrawn_by_server', '服务器说明'],
  ])('%s is explained in a dialog', async (result, text) => {
    const page = await open()
    shim.route(CLAIM, claimAnswer(result))
    await page.onClaim()
    expect(shim.modals).toEqual([{ title: '未能认领', content: text, showCancel: false, confirmText: '知道了' }])
    expect(shim.requestsTo(ITEM)).toHaveLength(2) // read again
  })

  test('not_reported leads to the community page to report', async () => {
    const page = await open()
    shim.route(CLAIM, claimAnswer('not_reported'))
    await page.onClaim() // 去报到 not taken
    expect(shim.navigations).toEqual([])
    shim.modalAnswers.push(true)
    await page.onClaim()
    expect(shim.modals[1]).toMatchObject({ title: '未能认领', content: '请先到该社区报到', confirmText: '去报到' })
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/community/index?community=30' }])
  })

  test('a network failure while claiming offers 重试, which sends it again', async () => {
    const page = await open()
    let calls = 0
    shim.route(CLAIM, () => {
      calls += 1
      return calls === 1 ? { fail: 'request:fail' } : claimAnswer('ok', fixtures.claim())
    })
    shim.modalAnswers.push(true)
    await page.onClaim()
    expect(shim.modals[0]).toMatchObject({ title: '认领未完成', content: '网络连接失败，请检查网络后重试', confirmText: '重试' })
    expect(calls).toBe(2)
    expect(shim.toasts).toEqual(['认领成功'])
  })

  test('claiming asks, inside the tap, for consent to the offer message when not yet given, then claims', async () => {
    const page = await open(fixtures.serviceItem())
    shim.route('GET /api/v1/notifications/templates', { status: 200, body: fixtures.templates({ offer: 0 }) })
    await page.loadTemplates()
    shim.subscribeAnswer = { success: { TPL_ACTIVITY_REMINDER: 'accept' } }
    shim.route('POST /api/v1/subscriptions', { status: 204, body: '' })
    shim.route(CLAIM, claimAnswer('full', fixtures.claim({ status: 'waitlisted', waitlist_position: 1 })))

    const pending = page.onClaim()
    expect(shim.subscribeCalls).toEqual([['TPL_ACTIVITY_REMINDER']]) // synchronously, within the tap
    await pending

    expect(shim.requestsTo('POST /api/v1/subscriptions')[0].data).toEqual({ results: { TPL_ACTIVITY_REMINDER: 'accept' } })
    expect(shim.requestsTo(CLAIM)).toHaveLength(1)
  })

  test('consent already given, or refused: the claim goes on without asking (again)', async () => {
    const page = await open(fixtures.serviceItem())
    shim.route('GET /api/v1/notifications/templates', { status: 200, body: fixtures.templates({ offer: 1 }) })
    await page.loadTemplates()
    shim.route(CLAIM, claimAnswer('ok', fixtures.claim()))
    await page.onClaim()
    expect(shim.subscribeCalls).toEqual([])
    expect(shim.requestsTo(CLAIM)).toHaveLength(1)

    shim.route('GET /api/v1/notifications/templates', { status: 200, body: fixtures.templates({ offer: 0 }) })
    await page.loadTemplates()
    shim.subscribeAnswer = { fail: { errCode: 20004, errMsg: 'requestSubscribeMessage:fail' } }
    await page.onClaim()
    expect(shim.subscribeCalls).toHaveLength(1)
    expect(shim.requestsTo(CLAIM)).toHaveLength(2)
  })

  test('cancelling asks first; too late is explained and the item read again', async () => {
    const page = await open(fixtures.serviceItem({ my_claim: fixtures.claim() }))
    const CANCEL = 'POST /api/v1/service-claims/41/cancel'
    await page.onCancel()
    expect(shim.requestsTo(CANCEL)).toHaveLength(0)
    expect(shim.modals[0]).toMatchObject({
      title: '取消认领', content: '取消后名额将让给候补人员。', confirmText: '确认取消认领', cancelText: '保留认领',
    })

    shim.route(CANCEL, { status: 409, body: { code: 'service.too_late', message: 'signing up has closed' } })
    shim.modalAnswers.push(true)
    await page.onCancel()
    expect(shim.modals[2]).toEqual({
      title: '取消未完成', content: '报名已截止，不能再取消认领，如有变化请联系社区', showCancel: false, confirmText: '知道了',
    })
    expect(shim.requestsTo(ITEM)).toHaveLength(2)

    shim.route(CANCEL, { status: 200, body: fixtures.claim({ status: 'cancelled' }) })
    shim.route(ITEM, { status: 200, body: fixtures.serviceItem({ my_claim: fixtures.claim({ status: 'cancelled' }) }) })
    shim.modalAnswers.push(true)
    await page.onCancel()
    expect(shim.toasts).toEqual(['已取消认领'])
    expect(page.data.item).toMatchObject({ canClaim: true, canCancel: false, claim: { statusText: '已取消' } })
  })

  describe('an offer', () => {
    const START = Date.parse('2026-11-20T06:00:00Z') // 14:00 in Beijing
    const offered = () => fixtures.claim({ status: 'offered', offer_expires_at: '2026-11-20T14:01:30+08:00' })

    async function openOffer() {
      jest.useFakeTimers({ now: START })
      const pending = open(fixtures.serviceItem({ taken: 4, waitlist: 0, my_claim: offered() }))
      await jest.advanceTimersByTimeAsync(5)
      return pending
    }

    test('counts down every second to offer_expires_at', async () => {
      const page = await openOffer()
      expect(page.data.item).toMatchObject({ offered: true, canCancel: false, claim: { statusText: '候补递补待确认', offerUntil: '11月20日 14:01' } })
      expect(page.data.countdown).toBe('剩余 01:30')
      await jest.advanceTimersByTimeAsync(1000)
      expect(page.data.countdown).toBe('剩余 01:29')
      await jest.advanceTimersByTimeAsync(60000)
      expect(page.data.countdown).toBe('剩余 00:29')
      page.onUnload()
    })

    test('confirming before it runs out makes the claim mine and stops the countdown', async () => {
      const page = await openOffer()
      shim.route('POST /api/v1/service-claims/41/confirm', { status: 200, body: fixtures.claim() })
      shim.route(ITEM, { status: 200, body: fixtures.serviceItem({ taken: 5, my_claim: fixtures.claim() }) })

      const confirming = page.onConfirmOffer()
      await jest.advanceTimersByTimeAsync(5)
      await confirming

      expect(shim.requestsTo('POST /api/v1/service-claims/41/confirm')).toHaveLength(1)
      expect(shim.toasts).toEqual(['已确认，认领成功'])
      expect(page.data).toMatchObject({ countdown: '', offerExpired: false, item: { offered: false, claim: { statusText: '已认领' } } })
      expect(jest.getTimerCount()).toBe(0)
    })

    test('declining asks first, then gives the place up', async () => {
      const page = await openOffer()
      const DECLINE = 'POST /api/v1/service-claims/41/decline'
      shim.route(DECLINE, { status: 200, body: fixtures.claim({ status: 'declined' }) })

      let declining = page.onDeclineOffer()
      await jest.advanceTimersByTimeAsync(5)
      await declining
      expect(shim.requestsTo(DECLINE)).toHaveLength(0)

      shim.route(ITEM, { status: 200, body: fixtures.serviceItem({ taken: 4, my_claim: fixtures.claim({ status: 'declined' }) }) })
      shim.modalAnswers.push(true)
      declining = page.onDeclineOffer()
      await jest.advanceTimersByTimeAsync(5)
      await declining
      expect(shim.modals[1]).toMatchObject({ title: '放弃递补', confirmText: '确认放弃', cancelText: '暂不放弃' })
      expect(shim.requestsTo(DECLINE)).toHaveLength(1)
      expect(shim.toasts).toEqual(['已放弃递补'])
      expect(page.data.item).toMatchObject({ offered: false, canClaim: true, claim: { statusText: '已放弃递补' } })
      expect(jest.getTimerCount()).toBe(0)
    })

    test('once it has run out: no confirming, and the item is read again once', async () => {
      const page = await openOffer()
      shim.route(ITEM, { status: 200, body: fixtures.serviceItem({ taken: 5, my_claim: fixtures.claim({ status: 'expired' }) }) })
      await jest.advanceTimersByTimeAsync(91000)

      expect(shim.requestsTo(ITEM)).toHaveLength(2)
      expect(page.data.item.claim.statusText).toBe('递补已过期')
      expect(page.data.countdown).toBe('')
      await page.onConfirmOffer()
      expect(shim.requestsTo('POST /api/v1/service-claims/41/confirm')).toHaveLength(0)
      expect(jest.getTimerCount()).toBe(0)
    })

    test('if the server still says offered after the time, confirming is off and nothing loops', async () => {
      const page = await openOffer()
      await jest.advanceTimersByTimeAsync(91000)
      expect(page.data).toMatchObject({ countdown: '已超过确认时限', offerExpired: true })
      await jest.advanceTimersByTimeAsync(10000)
      expect(shim.requestsTo(ITEM)).toHaveLength(2)
      await page.onConfirmOffer()
      expect(shim.requestsTo('POST /api/v1/service-claims/41/confirm')).toHaveLength(0)
    })

    test('the server\'s offer_expired is explained, and the item read again', async () => {
      const page = await openOffer()
      shim.route('POST /api/v1/service-claims/41/confirm', { status: 409, body: { code: 'service.offer_expired', message: 'expired' } })
      const confirming = page.onConfirmOffer()
      await jest.advanceTimersByTimeAsync(5)
      await confirming
      expect(shim.modals[0]).toMatchObject({ title: '确认未完成', content: '确认时限已过，名额已递补给下一位候补人员' })
      expect(shim.requestsTo(ITEM)).toHaveLength(2)
      page.onUnload()
    })

    test('the countdown stops when the page is hidden or closed, and starts again on show', async () => {
      const page = await openOffer()
      expect(jest.getTimerCount()).toBe(1)
      page.onHide()
      expect(jest.getTimerCount()).toBe(0)
      await jest.advanceTimersByTimeAsync(10000)
      expect(page.data.countdown).toBe('剩余 01:30') // frozen while hidden

      page.onShow()
      expect(page.data.countdown).toBe('剩余 01:20')
      expect(jest.getTimerCount()).toBe(1)
      page.onUnload()
      expect(jest.getTimerCount()).toBe(0)
    })
  })

  test('a volunteer activity I claimed offers the on-site scan', async () => {
    const page = await open(fixtures.serviceItem({ kind: 'volunteer', volunteer_kind: 'visit', my_claim: fixtures.claim() }))
    expect(page.data.item.canScan).toBe(true)
    page.onScan()
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/scan/index' }])
  })
})

describe('我的服务', () => {
  const NOW = Date.parse('2026-11-20T02:00:00Z') // 10:00 in Beijing

  // A row of GET /me/service-claims: the claim with its item's fields.
  const mine = (claim, kind, date, communityName, place = '') => ({
    ...claim, item_kind: kind, starts_at: `${date}T09:00:00+08:00`, place, community_name: communityName,
  })

  function routeAll() {
    shim.route('GET /api/v1/me/service-claims', {
      status: 200,
      body: [
        mine(fixtures.claim({ status: 'attended', hours: 2 }), 'volunteer', '2026-10-12', '文昌社区', '广场'),
        mine(fixtures.claim({ id: 42, item_id: 22, item_title: '楼道清扫', status: 'waitlisted', waitlist_position: 2 }), 'item', '2026-11-22', '文昌社区'),
        mine(
          fixtures.claim({ id: 43, item_id: 23, item_title: '法律咨询', status: 'offered', offer_expires_at: '2026-11-20T16:00:00+08:00' }),
          'post', '2026-11-25', '东关社区',
        ),
      ],
    })
    shim.route('GET /api/v1/me/pairings', { status: 200, body: [fixtures.pairing()] })
    const answered = fixtures.suggestion({
      id: 62, title: '修缮路灯', answer: '已报街道', answered_at: '2026-11-15T10:00:00+08:00', created_at: '2026-11-13T10:00:00+08:00',
    })
    shim.route('GET /api/v1/me/suggestions', { status: 200, body: [fixtures.suggestion(), answered] })
    shim.route('GET /api/v1/me/community-reports', { status: 200, body: [fixtures.report()] })
    shim.route('GET /api/v1/me/commitments', { status: 200, body: [] })
    shim.route('GET /api/v1/me/progress', { status: 200, body: fixtures.progress() })
  }

  async function open(tab) {
    jest.spyOn(Date, 'now').mockReturnValue(NOW)
    routeAll()
    const page = loadPage('pages/my-service/index')
    await page.onLoad(tab ? { tab } : {})
    return page
  }

  test('my claims of this year, each status in Chinese; a tap opens the item', async () => {
    const page = await open()
    expect(shim.requestsTo('GET /api/v1/me/service-claims')[0].data).toEqual({ year: 2026 })
    expect(page.data.claims.map((c) => [c.itemTitle, c.kindText, c.statusText])).toEqual([
      ['为独居老人代购生活用品', '志愿服务', '已参加（2小时）'],
      ['楼道清扫', '服务项目', '候补中（第2位）'],
      ['法律咨询', '服务岗位', '候补递补待确认'],
    ])
    expect(page.data.claims[2].offerUntil).toBe('11月20日 16:00')
    page.onOpenClaim(tap({ item: 22 }))
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/service-item/index?id=22' }])
  })

  test('each tab is loaded once, when first opened', async () => {
    const page = await open()
    await page.onTab(tap({ tab: 'progress' }))
    await page.onTab(tap({ tab: 'claims' }))
    await page.onTab(tap({ tab: 'progress' }))
    expect(shim.requestsTo('GET /api/v1/me/progress')).toHaveLength(1)
    expect(shim.requestsTo('GET /api/v1/me/service-claims')).toHaveLength(1)
    await page.onPullDownRefresh()
    expect(shim.requestsTo('GET /api/v1/me/progress')).toHaveLength(2)
  })

  test('the yearly progress: 已完成 / 未完成 per line', async () => {
    const page = await open('progress')
    expect(shim.requestsTo('GET /api/v1/me/progress')[0].data).toEqual({ year: 2026 })
    expect(page.data.progress.lines.map((l) => [l.title, l.figure, l.stateText])).toEqual([
      ['认领服务项目', '1/1项', '已完成'],
      ['参加社区服务', '1/2次', '未完成'],
      ['提出可行性建议', '0/1条', '未完成'],
      ['结对帮扶', '1/1户', '已完成'],
      ['参加志愿服务', '2/2次', '已完成'],
    ])
    expect(page.data.progress.summary).toBe('尚未达到年度最低要求')
  })

  test('a failed tab is retryable', async () => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW)
    shim.route('GET /api/v1/me/progress', { fail: 'request:fail' })
    const page = loadPage('pages/my-service/index')
    await page.onLoad({ tab: 'progress' })
    expect(page.data.loadError).toMatchObject({ code: 'network', retryable: true, signIn: false })
    shim.route('GET /api/v1/me/progress', { status: 200, body: fixtures.progress({ behind: false }) })
    await page.onRetry()
    await settleUntil(() => page.data.loadError === null && page.data.progress)
    expect(page.data.loadError).toBeNull()
    expect(page.data.progress.summary).toBe('已达到年度最低要求')
  })

  test('pairings: the household\'s details, and a visit needs a note and a date not after today', async () => {
    const page = await open('pairings')
    expect(page.data.pairings[0].household).toMatchObject({ kindText: '空巢老人', name: '王奶奶', address: '文昌社区3栋201' })

    page.onVisitOpen(tap({ id: 81 }))
    expect(page.data.visit).toEqual({ pairingId: 81, date: '2026-11-20', note: '' })
    await page.onVisitSave()
    expect(page.data.visitError).toBe('请填写走访情况')

    page.onVisitNote({ detail: { value: '送去冬衣' } })
    page.onVisitDate({ detail: { value: '2026-11-21' } })
    await page.onVisitSave()
    expect(page.data.visitError).toBe('走访日期不能晚于今天')

    shim.route('POST /api/v1/pairings/81/visits', { status: 201, body: { id: 3, visited_on: '2026-11-19', note: '送去冬衣' } })
    page.onVisitDate({ detail: { value: '2026-11-19' } })
    await page.onVisitSave()
    expect(shim.requestsTo('POST /api/v1/pairings/81/visits')[0].data).toEqual({ visited_on: '2026-11-19', note: '送去冬衣' })
    expect(shim.toasts).toEqual(['已记录走访'])
    expect(page.data.visit.pairingId).toBe(0)
    expect(shim.requestsTo('GET /api/v1/me/pairings')).toHaveLength(2)
  })

  test('suggestions: newest first with answers; a new one goes to a community that accepted my report', async () => {
    const page = await open('suggestions')
    expect(page.data.suggestions.map((s) => [s.title, s.statusText, s.answer])).toEqual([
      ['修缮路灯', '已答复', '已报街道'],
      ['增设助老餐桌', '待答复', ''],
    ])
    expect(page.data.suggestionCommunities).toEqual([{ id: 30, name: '文昌社区' }])

    page.onSuggest()
    await page.onSuggestionSave()
    expect(page.data.suggestionError).toBe('请填写建议标题')
    page.onSuggestionInput({ currentTarget: { dataset: { field: 'title' } }, detail: { value: '增加快递柜' } })
    await page.onSuggestionSave()
    expect(page.data.suggestionError).toBe('请填写建议内容')

    shim.route('POST /api/v1/communities/30/suggestions', { status: 201, body: fixtures.suggestion({ id: 63 }) })
    page.onSuggestionInput({ currentTarget: { dataset: { field: 'content' } }, detail: { value: '小区东门增设快递柜' } })
    await page.onSuggestionSave()
    expect(shim.requestsTo('POST /api/v1/communities/30/suggestions')[0].data).toEqual({ title: '增加快递柜', content: '小区东门增设快递柜' })
    expect(page.data.suggesting).toBe(false)
  })

  test('no accepted report: suggesting is explained instead of sent', async () => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW)
    routeAll()
    shim.route('GET /api/v1/me/community-reports', { status: 200, body: [fixtures.report({ status: 'pending' })] })
    const page = loadPage('pages/my-service/index')
    await page.onLoad({ tab: 'suggestions' })
    page.onSuggest()
    page.onSuggestionInput({ currentTarget: { dataset: { field: 'title' } }, detail: { value: 'x' } })
    await page.onSuggestionSave()
    expect(page.data.suggestionError).toBe('请先到社区报到，报到通过后可向社区提出建议')
    expect(shim.requests.filter((r) => r.method === 'POST')).toHaveLength(0)
  })

  describe('the commitment', () => {
    test('none yet: the form, the emphasis of the category picked, both fields required, then PUT for this year', async () => {
      const page = await open('commitment')
      expect(page.data).toMatchObject({ commitment: null, editingCommitment: true, commitmentForm: { categoryIndex: -1, content: '' } })

      await page.onCommitmentSave()
      expect(page.data.commitmentError).toBe('请选择党员类别')

      page.onCommitmentCategory({ detail: { value: '2' } })
      expect(page.data.commitmentEmphasis).toBe('企业和社会组织党员：关爱职工会员、提供优质服务')
      page.onCommitmentCategory({ detail: { value: '3' } })
      expect(page.data.commitmentEmphasis).toBe('离退休党员：关心下一代、促进社会公益')
      page.onCommitmentContent({ detail: { value: '   ' } })
      await page.onCommitmentSave()
      expect(page.data.commitmentError).toBe('请填写承诺内容')
      page.onCommitmentContent({ detail: { value: 'x'.repeat(1001) } })
      await page.onCommitmentSave()
      expect(page.data.commitmentError).toBe('承诺内容不超过1000字')

      const saved = fixtures.commitment({ category: 'retired', emphasis: '离退休党员（服务器文本）', content: '义务辅导社区学生', updates: [] })
      shim.route('PUT /api/v1/me/commitments/2026', { status: 200, body: saved })
      shim.route('GET /api/v1/me/commitments', { status: 200, body: [fixtures.commitment({ year: 2025 }), saved] })
      page.onCommitmentContent({ detail: { value: ' 义务辅导社区学生 ' } })
      await page.onCommitmentSave()

      expect(shim.requestsTo('PUT /api/v1/me/commitments/2026')[0].data).toEqual({ category: 'retired', content: '义务辅导社区学生' })
      expect(shim.toasts).toEqual(['承诺已保存'])
      expect(page.data).toMatchObject({
        editingCommitment: false, commitmentError: '',
        commitment: { year: 2026, categoryText: '离退休党员', emphasis: '离退休党员（服务器文本）', statusText: '践诺中' },
      })
    })

    test('editing starts from what was saved, with the server\'s emphasis', async () => {
      jest.spyOn(Date, 'now').mockReturnValue(NOW)
      routeAll()
      shim.route('GET /api/v1/me/commitments', { status: 200, body: [fixtures.commitment()] })
      const page = loadPage('pages/my-service/index')
      await page.onLoad({ tab: 'commitment' })
      expect(page.data.editingCommitment).toBe(false)
      expect(page.data.commitment.updates.map((u) => u.note)).toEqual(['已走访两次', '建立台账'])

      page.onCommitmentEdit()
      expect(page.data).toMatchObject({
        editingCommitment: true, commitmentForm: { categoryIndex: 0, content: '每月走访结对户一次' }, commitmentEmphasis: '立足岗位作表率（服务器文本）',
      })
      page.onCommitmentCategory({ detail: { value: '1' } })
      expect(page.data.commitmentEmphasis).toBe('农村和社区党员：反映社情民意、为群众办实事解难事')
      page.onCommitmentCategory({ detail: { value: '0' } })
      expect(page.data.commitmentEmphasis).toBe('立足岗位作表率（服务器文本）')
      page.onCommitmentEdit()
      expect(page.data.editingCommitment).toBe(false)
    })

    test('progress notes and completion each need their text', async () => {
      jest.spyOn(Date, 'now').mockReturnValue(NOW)
      routeAll()
      shim.route('GET /api/v1/me/commitments', { status: 200, body: [fixtures.commitment()] })
      shim.route('POST /api/v1/me/commitments/2026/progress', { status: 200, body: fixtures.commitment() })
      shim.route('POST /api/v1/me/commitments/2026/complete', { status: 200, body: fixtures.commitment({ status: 'completed' }) })
      const page = loadPage('pages/my-service/index')
      await page.onLoad({ tab: 'commitment' })

      shim.modalAnswers.push({ confirm: true, content: '' })
      await page.onCommitmentProgress()
      expect(shim.toasts).toEqual(['请填写进展情况'])
      shim.modalAnswers.push({ confirm: true, content: '走访结对户3次' })
      await page.onCommitmentProgress()
      expect(shim.requestsTo('POST /api/v1/me/commitments/2026/progress')[0].data).toEqual({ note: '走访结对户3次' })

      await page.onCommitmentComplete() // cancelled
      expect(shim.requestsTo('POST /api/v1/me/commitments/2026/complete')).toHaveLength(0)
      shim.route('GET /api/v1/me/commitments', {
        status: 200, body: [fixtures.commitment({ status: 'completed', completed_at: '2026-11-20T10:00:00+08:00', completion_note: '全年走访12次' })],
      })
      shim.modalAnswers.push({ confirm: true, content: '全年走访12次' })
      await page.onCommitmentComplete()
      expect(shim.requestsTo('POST /api/v1/me/commitments/2026/complete')[0].data).toEqual({ note: '全年走访12次' })
      expect(page.data.commitment).toMatchObject({ statusText: '已践诺', inProgress: false, completionNote: '全年走访12次', completed: '11月20日 10:00' })
    })
  })
})
