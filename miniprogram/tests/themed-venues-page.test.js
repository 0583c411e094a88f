/**
 * @jest-environment jsdom
 */
// 集中主题活动 (pages/themed-venues) through the Page harness: the themed activities my branch joins, 本支部签到码
// opening the venue screen with my branch's own code, the empty state, and the home page's entry for secretaries.
const { signedIn } = require('./signed-in')
const { loadPage } = require('./page-harness')
const { render, text } = require('./page-render')
const fixtures = require('./fixtures')

const shim = signedIn({ now: '2026-11-20T02:00:00Z' })

const tap = (dataset) => ({ currentTarget: { dataset } })
const secretary = () => fixtures.me(['secretary', 6, '第一党支部'])
const LIST = 'GET /api/v1/orgs/6/themed-venues'

async function open(rows, me = secretary()) {
  shim.route('GET /api/v1/me', { status: 200, body: me })
  shim.route(LIST, { status: 200, body: rows })
  const page = loadPage('pages/themed-venues/index')
  await page.onLoad()
  return page
}

describe('集中主题活动', () => {
  test('the themed activities my branch joins: theme, date and time, the host', async () => {
    const page = await open([fixtures.themedVenue(), fixtures.themedVenue({ activity_id: 16, theme: '党史学习教育', host_org_name: '市委' })])
    expect(shim.requestsTo(LIST)).toHaveLength(1)
    expect(page.data).toMatchObject({ loading: false, loadError: null })
    expect(page.data.items).toEqual([
      {
        id: 15, theme: '学习贯彻全会精神集中宣讲', when: '11月25日 周三 09:00–11:00', host: '区委',
      },
      {
        id: 16, theme: '党史学习教育', when: '11月25日 周三 09:00–11:00', host: '市委',
      },
    ])
    const shown = text(render('pages/themed-venues/index', page.data))
    expect(shown).toContain('学习贯彻全会精神集中宣讲11月25日周三09:00–11:00区委主办本支部签到码')
  })

  test('本支部签到码 opens the venue screen with my branch\'s own code', async () => {
    const page = await open([fixtures.themedVenue()])
    page.onVenueQr(tap({ id: 15 }))
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/venue-qr/index?activity=15&branch=6' }])
  })

  test('the branch picked among several is the one asked and shown', async () => {
    const me = fixtures.me(['secretary', 6, '第一党支部'], ['secretary', 7, '第二党支部'])
    const page = await open([], me)
    shim.route('GET /api/v1/orgs/7/themed-venues', { status: 200, body: [fixtures.themedVenue()] })
    await page.onOrg({ detail: { value: '1' } })
    expect(page.data.items.map((a) => a.id)).toEqual([15])
    page.onVenueQr(tap({ id: 15 }))
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/venue-qr/index?activity=15&branch=7' }])
  })

  test('none: the empty state', async () => {
    const page = await open([])
    expect(page.data.items).toEqual([])
    expect(text(render('pages/themed-venues/index', page.data))).toContain('本支部近期没有参加的集中主题活动')
  })

  test('not a secretary: nothing asked', async () => {
    const page = await open([], fixtures.me())
    expect(shim.requestsTo(LIST)).toHaveLength(0)
    expect(text(render('pages/themed-venues/index', page.data))).toContain('您不是支部书记')
  })

  test('a refusal is the error state', async () => {
    shim.route('GET /api/v1/me', { status: 200, body: secretary() })
    shim.route(LIST, { status: 403, body: { code: 'auth.forbidden', message: 'no' } })
    const page = loadPage('pages/themed-venues/index')
    await page.onLoad()
    expect(page.data.loadError).toMatchObject({ code: 'auth.forbidden', retryable: false })
  })
})

describe('the home page\'s entry', () => {
  test('集中主题活动 for secretaries only', () => {
    const roles = require('../utils/roles')
    expect(roles.themedEntries(null)).toEqual([])
    expect(roles.themedEntries(fixtures.me())).toEqual([])
    expect(roles.themedEntries(fixtures.me(['org_admin', 5, '街道党工委']))).toEqual([])
    expect(roles.themedEntries(secretary()).map((e) => [e.title, e.url])).toEqual([['集中主题活动', '/pages/themed-venues/index']])
  })

  test('the home page lists it after the secretary\'s organisational life', async () => {
    shim.route('GET /api/v1/me', { status: 200, body: secretary() })
    shim.route('GET /api/v1/me/preview', {
      status: 200, body: { month: '2026-11', activity_day: '2026-11-20', preview_deadline: '2026-11-10', preview: null, plan_id: null, expected: false },
    })
    const page = loadPage('pages/index/index')
    await page.load()
    expect(page.data.lifeEntries.map((e) => e.key)).toEqual(['notices', 'my-birthday', 'notice-form', 'birthdays', 'pairs', 'themed-venues'])
    page.onOpen(tap({ url: '/pages/themed-venues/index' }))
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/themed-venues/index' }])
  })
})
