// behaviors/list-page.js on pages of its own (the page harness mixes behaviours in as WeChat does): the loading
// state until a load succeeded, the error state with 重试, pull-down, tabs whose late answers set nothing, paging.
const { signedIn } = require('./signed-in')
const { settleUntil } = require('./settle')
const { instantiate } = require('./page-harness')

const shim = signedIn()
let listPage
beforeEach(() => {
  global.Behavior = (def) => def
  listPage = require('../behaviors/list-page')
  delete global.Behavior
})

const api = () => require('../utils/api')
const LIST = 'GET /api/v1/things'

// A page listing /things.
function thingsPage(extra = {}) {
  return instantiate({
    behaviors: [listPage],
    data: { items: [] },
    async fetch() {
      this.setData({ items: await api().get('/api/v1/things') })
    },
    ...extra,
  })
}

describe('load', () => {
  test('the loading state until a load succeeded, then the list; a reload keeps the list on screen', async () => {
    shim.route(LIST, { status: 200, body: [{ id: 1 }] })
    const page = thingsPage()
    expect(page.data).toMatchObject({ loading: false, loadError: null })
    const first = page.load()
    expect(page.data.loading).toBe(true)
    expect(await first).toBe(true)
    expect(page.data).toMatchObject({ loading: false, loadError: null, items: [{ id: 1 }] })

    const again = page.load()
    expect(page.data.loading).toBe(false)
    await again
    expect(shim.requestsTo(LIST)).toHaveLength(2)
  })

  test('a failed load is the error state, retryable for the network; 重试 loads again and clears it', async () => {
    shim.route(LIST, { fail: 'request:fail' })
    const page = thingsPage()
    expect(await page.load()).toBe(false)
    expect(page.data.loading).toBe(false)
    expect(page.data.loadError).toMatchObject({ code: 'network', retryable: true })

    shim.route(LIST, { status: 200, body: [{ id: 2 }] })
    page.onRetry()
    expect(page.data.loadError).toBeNull()
    expect(page.data.loading).toBe(true) // never loaded yet
    await settleUntil(() => !page.data.loading)
    expect(page.data).toMatchObject({ loading: false, loadError: null, items: [{ id: 2 }] })
  })

  test('a refusal is shown without 重试', async () => {
    shim.route(LIST, { status: 403, body: { code: 'auth.forbidden', message: 'no' } })
    const page = thingsPage()
    await page.load()
    expect(page.data.loadError).toEqual({ code: 'auth.forbidden', message: '您没有权限进行此操作', retryable: false, signIn: false })
  })

  test("the page's showsLoading decides the loading state", async () => {
    shim.route(LIST, { status: 200, body: [] })
    const page = thingsPage({ showsLoading() { return this.data.items.length === 0 } })
    await page.load()
    const again = page.load()
    expect(page.data.loading).toBe(true) // still nothing listed
    await again
  })

  test('afterLoad follows a successful load only, once the loading state is gone', async () => {
    const seen = []
    const page = thingsPage({ afterLoad() { seen.push(this.data.loading) } })
    shim.route(LIST, { fail: 'request:fail' })
    await page.load()
    expect(seen).toEqual([])
    shim.route(LIST, { status: 200, body: [] })
    await page.load()
    expect(seen).toEqual([false])
  })

  test('pull-down loads again, then stops the pull-down, also after a failure', async () => {
    shim.route(LIST, { status: 200, body: [{ id: 1 }] })
    const page = thingsPage()
    await page.onPullDownRefresh()
    expect(shim.pullDownStops).toBe(1)
    expect(page.data.items).toEqual([{ id: 1 }])
    shim.route(LIST, { fail: 'request:fail' })
    await page.onPullDownRefresh()
    expect(shim.pullDownStops).toBe(2)
    expect(page.data.items).toEqual([{ id: 1 }])
    expect(page.data.loadError).toMatchObject({ retryable: true })
  })

  test("the page's own method wins over the behaviour's", async () => {
    let retried = 0
    const page = thingsPage({ onRetry() { retried += 1 } })
    page.onRetry()
    expect(retried).toBe(1)
    expect(shim.requests).toHaveLength(0)
  })
})

describe('tabs', () => {
  function tabbedPage() {
    return instantiate({
      behaviors: [listPage],
      data: { tab: 'a', a: null, b: null },
      loadedTabs: {},
      loadKey() { return this.data.tab },
      showsLoading(tab) { return !this.loadedTabs[tab] },
      async fetch(tab) {
        this.setData({ [tab]: await api().get(`/api/v1/${tab}`) })
        this.loadedTabs[tab] = true
      },
    })
  }

  test('each tab shows the loading state until it loaded once; load() loads the tab shown', async () => {
    shim.route('GET /api/v1/a', { status: 200, body: 'A' })
    shim.route('GET /api/v1/b', { status: 200, body: 'B' })
    const page = tabbedPage()
    await page.load()
    expect(page.data).toMatchObject({ a: 'A', loading: false })
    page.setData({ tab: 'b' })
    const b = page.load()
    expect(page.data.loading).toBe(true)
    await b
    page.setData({ tab: 'a' })
    const a = page.load()
    expect(page.data.loading).toBe(false)
    await a
  })

  test('a failure of a tab no longer shown sets neither the error nor the loading state', async () => {
    jest.useFakeTimers()
    shim.route('GET /api/v1/a', { fail: 'request:fail', delay: 100 })
    const page = tabbedPage()
    const a = page.load()
    page.setData({ tab: 'b', loading: true })
    await jest.advanceTimersByTimeAsync(200)
    await a
    expect(page.data).toMatchObject({ loadError: null, loading: true })
    jest.useRealTimers()
  })
})

describe('paging', () => {
  const row = (id) => ({ id, name: `n${id}` })
  function pagedPage(extra = {}) {
    return instantiate({
      behaviors: [listPage],
      data: { items: [], total: 0, hasMore: false, loadingMore: false },
      seq: 0,
      async fetch() {
        this.seq += 1
        this.setData(this.firstPage(await api().get('/api/v1/rows', { page: 1 })))
      },
      pageRequest(pageNo) { return { path: '/api/v1/rows', query: { page: pageNo } } },
      pageItem(r) { return { id: r.id, label: r.name.toUpperCase() } },
      ...extra,
    })
  }
  const pageOf = (ids, total) => ({ status: 200, body: { items: ids.map(row), total } })

  test('the first page, then the next ones on reaching the bottom, without rows already listed, until the total', async () => {
    shim.route('GET /api/v1/rows', pageOf([1, 2], 5))
    const page = pagedPage()
    await page.load()
    expect(page.data).toMatchObject({ items: [{ id: 1, label: 'N1' }, { id: 2, label: 'N2' }], total: 5, hasMore: true })
    expect(page.pageNo).toBe(1)

    shim.route('GET /api/v1/rows', pageOf([2, 3, 4], 5)) // the list moved: 2 is there again
    await page.onReachBottom()
    expect(page.data.items.map((i) => i.id)).toEqual([1, 2, 3, 4])
    expect(page.data).toMatchObject({ hasMore: true, loadingMore: false })
    expect(shim.requests.map((r) => r.data.page)).toEqual([1, 2])

    shim.route('GET /api/v1/rows', pageOf([5], 5))
    await page.onReachBottom()
    expect(page.data.items.map((i) => i.id)).toEqual([1, 2, 3, 4, 5])
    expect(page.data.hasMore).toBe(false)
    await page.onReachBottom()
    expect(shim.requests).toHaveLength(3)
  })

  test('an empty page ends the list; one next page at a time', async () => {
    shim.route('GET /api/v1/rows', pageOf([1], 9))
    const page = pagedPage()
    await page.load()
    shim.route('GET /api/v1/rows', { ...pageOf([2], 9), delay: 50 })
    const first = page.onReachBottom()
    await page.onReachBottom()
    await first
    expect(shim.requests).toHaveLength(2)
    shim.route('GET /api/v1/rows', pageOf([], 9))
    await page.onReachBottom()
    expect(page.data.hasMore).toBe(false)
  })

  test('a failed next page is a toast; a next page answered after a reload is dropped', async () => {
    shim.route('GET /api/v1/rows', pageOf([1], 9))
    const page = pagedPage()
    await page.load()
    shim.route('GET /api/v1/rows', { fail: 'request:fail' })
    await page.onReachBottom()
    expect(shim.toasts).toEqual(['网络连接失败，请检查网络后重试'])
    expect(page.data).toMatchObject({ loadingMore: false, hasMore: true })

    shim.route('GET /api/v1/rows', { ...pageOf([7], 9), delay: 50 })
    const late = page.onReachBottom()
    shim.route('GET /api/v1/rows', pageOf([1], 9))
    await page.load() // the kind or the community changed meanwhile
    await late
    expect(page.data.items.map((i) => i.id)).toEqual([1])
    expect(page.pageNo).toBe(1)
  })

  test('nothing is asked when the page has nothing to page', async () => {
    const page = pagedPage({ pageRequest() { return null } })
    page.setData({ hasMore: true })
    await page.onReachBottom()
    expect(shim.requests).toHaveLength(0)
  })

  describe('fetchFirstPage (what a paged page\'s fetch calls)', () => {
    const firstPaged = (extra = {}) => pagedPage({ fetch() { return this.fetchFirstPage() }, ...extra })

    test('asks pageRequest(1) and shows that page in place of what was listed; the next pages follow it', async () => {
      shim.route('GET /api/v1/rows', pageOf([1, 2], 3))
      const page = firstPaged()
      page.setData({ items: [{ id: 7, label: 'N7' }], total: 1 })
      expect(await page.load()).toBe(true)
      expect(shim.requests.map((r) => r.data)).toEqual([{ page: 1 }])
      expect(page.data).toMatchObject({ items: [{ id: 1, label: 'N1' }, { id: 2, label: 'N2' }], total: 3, hasMore: true })

      shim.route('GET /api/v1/rows', pageOf([3], 3))
      await page.onReachBottom()
      expect(page.data.items.map((i) => i.id)).toEqual([1, 2, 3])
      expect(page.data.hasMore).toBe(false)
    })

    test('of two first pages asked, the later is shown, even when the earlier answers last', async () => {
      let asked = 0
      shim.route('GET /api/v1/rows', () => {
        asked += 1
        return asked === 1 ? { ...pageOf([1], 1), delay: 30 } : pageOf([2], 1)
      })
      const page = firstPaged()
      await Promise.all([page.fetchFirstPage(), page.fetchFirstPage()])
      expect(shim.requests).toHaveLength(2)
      expect(page.data.items.map((i) => i.id)).toEqual([2])
    })

    test('nothing is asked and nothing changes when there is no first page to ask for', async () => {
      const page = firstPaged({ pageRequest() { return null } })
      expect(await page.load()).toBe(true)
      expect(shim.requests).toHaveLength(0)
      expect(page.data).toMatchObject({ items: [], total: 0, hasMore: false })
    })
  })
})
