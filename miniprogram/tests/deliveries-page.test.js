/**
 * @jest-environment jsdom
 */
// 送达情况 (pages/deliveries) through the Page harness — counts and groups per status, the people WeChat did not reach
// first, the kind filter, pull-down and the error state — and its template rendered with miniprogram-simulate.
const { signedIn } = require('./signed-in')
const { settleUntil } = require('./settle')
const { loadPage } = require('./page-harness')
const { render, text } = require('./page-render')
const fixtures = require('./fixtures')

const shim = signedIn()

// A DeliveryResponse row.
const row = (personId, name, status, extra = {}) => ({
  kind: 'preview',
  person_id: personId,
  name,
  status,
  attempts: status === 'sent' ? 1 : 0,
  last_error: null,
  updated_at: '2026-12-05T10:00:03.25+08:00',
  ...extra,
})

const preview = [
  row(1, '张三', 'sent'),
  row(2, '李四', 'no_consent'),
  row(3, '王五', 'sent'),
  row(4, '赵六', 'pending'),
  row(5, '钱七', 'failed', { attempts: 3, last_error: 'errcode 43101', updated_at: '2026-12-05T10:02:00+08:00' }),
  row(6, '孙八', 'unknown', { attempts: 1 }),
  row(7, '周九', 'no_wechat'),
  row(8, '吴十', 'sending'),
  row(9, '郑一', 'no_consent'),
]

async function open(body = preview) {
  shim.route('GET /api/v1/plans/11/deliveries', { status: 200, body })
  const page = loadPage('pages/deliveries/index')
  await page.onLoad({ plan: '11' })
  return page
}

const tap = (dataset) => ({ currentTarget: { dataset } })
const groupsOf = (page) => page.data.groups.map((g) => [g.title, g.count, g.people.map((p) => p.name)])

describe('deliveries page', () => {
  test('counts per status, pending and sending together as 发送中', async () => {
    const page = await open()
    expect(shim.requestsTo('GET /api/v1/plans/11/deliveries')).toHaveLength(1)
    expect(page.data.summary.map((s) => [s.label, s.count])).toEqual([
      ['已送达', 2], ['发送中', 2], ['未订阅', 2], ['未绑定微信', 1], ['发送失败', 1], ['状态未知', 1],
    ])
    expect(page.data).toMatchObject({ total: 9, otherWay: 5, underWay: 2, loading: false, loadError: null })
  })

  test('grouped by status: who must be reached another way first and marked so, then 发送中, then 已送达', async () => {
    const page = await open()
    expect(groupsOf(page)).toEqual([
      ['未订阅', 2, ['李四', '郑一']],
      ['未绑定微信', 1, ['周九']],
      ['发送失败', 1, ['钱七']],
      ['状态未知', 1, ['孙八']],
      ['发送中', 2, ['赵六', '吴十']],
      ['已送达', 2, ['张三', '王五']],
    ])
    expect(page.data.groups.map((g) => g.otherWay)).toEqual([true, true, true, true, false, false])
    expect(page.data.groups[0].note).toBe('需另行通知')
    expect(page.data.groups[3].note).toBe('服务器中断时正在发送，未重发')
    // The server's error text is not for the secretary; the attempts and the time are.
    expect(page.data.groups[2].people[0]).toEqual({ id: 5, name: '钱七', time: '12月5日 10:02', attempts: '已尝试3次' })
    expect(page.data.groups[5].people[0]).toEqual({ id: 1, name: '张三', time: '12月5日 10:00', attempts: '' })
  })

  test('only groups with people are listed; a status the page does not know is treated as not reached', async () => {
    const page = await open([row(1, '张三', 'sent'), row(2, '李四', 'bounced'), row(3, '王五', 'failed')])
    expect(groupsOf(page)).toEqual([['发送失败', 1, ['王五']], ['bounced', 1, ['李四']], ['已送达', 1, ['张三']]])
    expect(page.data.groups[1].otherWay).toBe(true)
    expect(page.data.otherWay).toBe(2)
  })

  test('one kind has no filter; with the day-before reminder too, 预告 first and 活动提醒 a tap away', async () => {
    const single = await open()
    expect(single.data.kinds).toEqual([{ key: 'preview', label: '预告' }])

    const remind = [
      row(1, '张三', 'no_consent', { kind: 'remind_day_before' }),
      row(2, '李四', 'sent', { kind: 'remind_day_before' }),
    ]
    const page = await open([...remind, ...preview])
    expect(page.data.kinds).toEqual([{ key: 'preview', label: '预告' }, { key: 'remind_day_before', label: '活动提醒' }])
    expect(page.data).toMatchObject({ kind: 'preview', total: 9, otherWay: 5 })

    page.onKind(tap({ kind: 'remind_day_before' }))
    expect(page.data).toMatchObject({ kind: 'remind_day_before', total: 2, otherWay: 1, underWay: 0 })
    expect(groupsOf(page)).toEqual([['未订阅', 1, ['张三']], ['已送达', 1, ['李四']]])
    expect(page.data.summary.find((s) => s.key === 'sent').count).toBe(1)

    // A refresh keeps the kind picked.
    await page.onPullDownRefresh()
    expect(page.data.kind).toBe('remind_day_before')
    expect(shim.pullDownStops).toBe(1)

    page.onKind(tap({ kind: 'preview' }))
    expect(page.data.total).toBe(9)
  })

  test('the server\'s name for the reminder (remind_members) reads 活动提醒 as well', async () => {
    const page = await open([row(1, '张三', 'sent', { kind: 'remind_members' }), row(1, '张三', 'sent')])
    expect(page.data.kinds.map((k) => k.label)).toEqual(['预告', '活动提醒'])
  })

  test('no rows yet is the empty state', async () => {
    const page = await open([])
    expect(page.data).toMatchObject({ kinds: [], kind: '', total: 0, groups: [], loadError: null })
  })

  test('a failed load is the error state with 重试; 重试 and pull-down load again', async () => {
    shim.route('GET /api/v1/plans/11/deliveries', { fail: 'request:fail errcode:-101' })
    const page = loadPage('pages/deliveries/index')
    await page.onLoad({ plan: '11' })
    expect(page.data).toMatchObject({ loading: false, loadError: { code: 'network', retryable: true } })
    expect(text(render('pages/deliveries/index', page.data))).toContain('网络连接失败，请检查网络后重试重试')

    shim.route('GET /api/v1/plans/11/deliveries', { status: 200, body: preview })
    page.onRetry()
    await settleUntil(() => page.data.groups && page.data.groups.length === 6)
    expect(page.data.loadError).toBeNull()
    expect(page.data.groups).toHaveLength(6)

    shim.route('GET /api/v1/plans/11/deliveries', { status: 502, body: '' })
    await page.onPullDownRefresh()
    expect(page.data.loadError).toMatchObject({ code: 'internal', retryable: true, signIn: false })
    expect(page.data.loading).toBe(false) // loaded once: no 加载中 on a refresh
    expect(shim.pullDownStops).toBe(1)
  })

  test('a refusal is shown without 重试', async () => {
    shim.route('GET /api/v1/plans/11/deliveries', { status: 403, body: { code: 'auth.forbidden', message: 'no' } })
    const page = loadPage('pages/deliveries/index')
    await page.onLoad({ plan: '11' })
    expect(page.data.loadError).toEqual({ code: 'auth.forbidden', message: '您没有权限进行此操作', retryable: false, signIn: false })
    expect(text(render('pages/deliveries/index', page.data))).not.toContain('重试')
  })
})

describe('plan page link', () => {
  async function openPlan(plan) {
    jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-12-05T02:00:00Z'))
    shim.route('GET /api/v1/me', { status: 200, body: fixtures.me(['secretary', 6, '第一党支部']) })
    shim.route('GET /api/v1/orgs/6/plans', { status: 200, body: [plan] })
    const page = loadPage('pages/plan/index')
    page.onLoad()
    await page.onShow()
    return page
  }
  test('送达情况 appears once the preview is published, and opens with the plan', async () => {
    const filed = fixtures.plan({ status: 'filed', history: [fixtures.event('filed')] })
    const page = await openPlan(filed)
    expect(text(render('pages/plan/index', page.data))).not.toContain('送达情况')

    shim.route('POST /api/v1/plans/11/publish', {
      status: 200,
      body: { ...filed, published_at: '2026-12-05T10:00:00+08:00', history: [fixtures.event('filed'), fixtures.event('published')] },
    })
    await page.onPublish()
    expect(text(render('pages/plan/index', page.data))).toContain('送达情况')
    page.onDeliveries()
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/deliveries/index?plan=11' }])
  })

  test('a published plan sent back for review keeps it', async () => {
    const page = await openPlan(fixtures.plan({
      status: 'submitted', version: 2, published_at: '2026-12-03T09:00:00+08:00',
      history: [fixtures.event('published'), fixtures.event('edited', { version: 2 }), fixtures.event('submitted', { version: 2 })],
    }))
    expect(text(render('pages/plan/index', page.data))).toContain('送达情况')
  })
})

describe('deliveries template', () => {
  test('the counts, the call-them notice, and the groups in order, the unreached marked', async () => {
    const page = await open()
    const comp = render('pages/deliveries/index', page.data)
    const shown = text(comp)
    expect(shown).toContain('预告共9人')
    expect(shown).toContain('2已送达2发送中2未订阅1未绑定微信1发送失败1状态未知')
    expect(shown).toContain('5人未收到微信通知，请电话或当面通知')
    expect(shown).toContain('2人发送中，下拉刷新查看最新情况')
    expect(shown).toContain('未订阅（2）请电话或当面通知需另行通知李四12月5日10:00郑一')
    expect(shown).toContain('发送失败（1）请电话或当面通知钱七已尝试3次·12月5日10:02')
    expect(shown).toContain('状态未知（1）请电话或当面通知服务器中断时正在发送，未重发孙八')
    expect(shown.indexOf('状态未知（1）')).toBeLessThan(shown.indexOf('发送中（2）'))
    expect(shown.indexOf('发送中（2）')).toBeLessThan(shown.indexOf('已送达（2）'))
    expect(shown.match(/请电话或当面通知/g)).toHaveLength(5) // the notice and the four unreached groups
    expect(shown).not.toContain('errcode')
    expect(shown).not.toContain('活动提醒') // one kind: no tabs
  })

  test('tabs when there are two kinds; everyone reached reads 全部已送达', async () => {
    const page = await open([
      row(1, '张三', 'sent'),
      row(1, '张三', 'sent', { kind: 'remind_day_before' }),
    ])
    const shown = text(render('pages/deliveries/index', page.data))
    expect(shown).toContain('预告活动提醒共1人')
    expect(shown).toContain('全部已送达')
    expect(shown).not.toContain('请电话或当面通知')
  })

  test('the empty state', async () => {
    const page = await open([])
    expect(text(render('pages/deliveries/index', page.data))).toBe('暂无送达记录，预告推送开始后下拉刷新查看')
  })
})
