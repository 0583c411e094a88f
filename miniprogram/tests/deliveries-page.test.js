/**
 * @jest-environment jsdom
 */
// 送达情况 (pages/deliveries) through the Page harness — the server's totals per channel, the people grouped by status
// (those neither channel reached first, with their phone), 已当面告知 recorded in place, 导出未送达名单, the kind
// tabs, pull-down and the error state — and its template rendered with miniprogram-simulate.
const { signedIn } = require('./signed-in')
const { settleUntil } = require('./settle')
const { loadPage } = require('./page-harness')
const { render, text } = require('./page-render')
const fixtures = require('./fixtures')

const shim = signedIn()

const DELIVERIES = 'GET /api/v1/plans/11/deliveries'

// A person of the answer's `people`: reached people by the channel that reached them, the others by none.
const row = (personId, name, status, extra = {}) => ({
  kind: 'preview',
  person_id: personId,
  name,
  phone: '138****5678',
  channel: { sent: 'official_account', told_in_person: 'in_person' }[status] || null,
  status,
  attempts: status === 'sent' ? 1 : 0,
  last_error: null,
  updated_at: '2026-12-05T10:00:03.25+08:00',
  ...extra,
})

const totals = (kind, counts) => ({
  kind, total: 0, subscribe: 0, official_account: 0, in_person: 0, unreached: 0, under_way: 0, ...counts,
})

const preview = [
  row(1, '张三', 'sent', { phone: '13812345678' }),
  row(2, '李四', 'no_consent', { phone: '13900001111' }),
  row(3, '王五', 'sent', { channel: 'subscribe' }),
  row(4, '赵六', 'pending'),
  row(5, '钱七', 'failed', { attempts: 3, last_error: 'errcode 43101', updated_at: '2026-12-05T10:02:00+08:00' }),
  row(6, '孙八', 'unknown', { attempts: 1 }),
  row(7, '周九', 'no_wechat', { phone: '137****2222' }),
  row(8, '吴十', 'sending'),
  row(9, '郑一', 'no_consent'),
  row(10, '冯二', 'not_following'),
  row(11, '陈三', 'told_in_person'),
]
const previewTotals = totals('preview', {
  total: 11, subscribe: 1, official_account: 1, in_person: 1, unreached: 6, under_way: 2,
})

const answer = (people = preview, sums = [previewTotals]) => ({ plan_id: 11, totals: sums, people })

async function open(body = answer()) {
  shim.route(DELIVERIES, { status: 200, body })
  const page = loadPage('pages/deliveries/index')
  await page.onLoad({ plan: '11' })
  return page
}

const tap = (dataset) => ({ currentTarget: { dataset } })
const groupsOf = (page) => page.data.groups.map((g) => [g.title, g.count, g.people.map((p) => p.name)])
const figuresOf = (page) => page.data.figures.map((f) => [f.label, f.count])

describe('deliveries page', () => {
  test('the server\'s totals per channel, then 未送达 and 发送中', async () => {
    const page = await open()
    expect(shim.requestsTo(DELIVERIES)).toHaveLength(1)
    expect(figuresOf(page)).toEqual([['订阅消息', 1], ['公众号', 1], ['当面告知', 1], ['未送达', 6], ['发送中', 2]])
    expect(page.data).toMatchObject({
      total: 11, unreached: 6, underWay: 2, canExport: true, loading: false, loadError: null,
    })
  })

  test('the figures are the server\'s, not counted here; a kind without totals is counted from its people', async () => {
    const page = await open(answer([row(1, '张三', 'sent')], [totals('preview', { total: 40, subscribe: 25, official_account: 15 })]))
    expect(figuresOf(page)).toEqual([['订阅消息', 25], ['公众号', 15], ['当面告知', 0], ['未送达', 0], ['发送中', 0]])
    expect(page.data).toMatchObject({ total: 40, unreached: 0, canExport: false })

    const counted = await open(answer([row(1, '张三', 'sent'), row(2, '李四', 'failed'), row(3, '王五', 'sending')], []))
    expect(figuresOf(counted)).toEqual([['订阅消息', 0], ['公众号', 1], ['当面告知', 0], ['未送达', 1], ['发送中', 1]])
    expect(counted.data.total).toBe(3)
  })

  test('grouped by status: who must be reached another way first and marked so, then 发送中, 已当面告知, 已送达', async () => {
    const page = await open()
    expect(groupsOf(page)).toEqual([
      ['未订阅且未关注公众号', 2, ['李四', '郑一']],
      ['已取消关注公众号', 1, ['冯二']],
      ['未绑定微信', 1, ['周九']],
      ['发送失败', 1, ['钱七']],
      ['状态未知', 1, ['孙八']],
      ['发送中', 2, ['赵六', '吴十']],
      ['已当面告知', 1, ['陈三']],
      ['已送达', 2, ['张三', '王五']],
    ])
    expect(page.data.groups.map((g) => g.otherWay)).toEqual([true, true, true, true, true, false, false, false])
    expect(page.data.groups[0].note).toBe('需另行通知')
    expect(page.data.groups[1].note).toBe('公众号消息发不出去，需另行通知')
    expect(page.data.groups[4].note).toBe('服务器中断时正在发送，未重发')
    // The server's error text is not for the secretary; the attempts, the time and the phone to call are.
    expect(page.data.groups[3].people[0]).toEqual({
      id: 5, name: '钱七', time: '12月5日 10:02', attempts: '已尝试3次', via: '', phone: '138****5678', callable: false, canTell: true,
    })
    expect(page.data.groups[0].people[0]).toMatchObject({ name: '李四', phone: '13900001111', callable: true, canTell: true })
    // Those reached say how; their phone is not needed.
    expect(page.data.groups[7].people.map((p) => [p.name, p.via, p.phone, p.canTell]))
      .toEqual([['张三', '经公众号', '', false], ['王五', '经订阅消息', '', false]])
    expect(page.data.groups[6].people[0]).toMatchObject({ name: '陈三', via: '当面告知', canTell: false })
    expect(page.data.groups[5].people[0]).toMatchObject({ name: '赵六', phone: '', canTell: false })
  })

  test('only groups with people are listed; a status the page does not know is treated as not reached', async () => {
    const page = await open(answer([row(1, '张三', 'sent'), row(2, '李四', 'bounced'), row(3, '王五', 'failed')], [
      totals('preview', { total: 3, official_account: 1, unreached: 2 }),
    ]))
    expect(groupsOf(page)).toEqual([['发送失败', 1, ['王五']], ['bounced', 1, ['李四']], ['已送达', 1, ['张三']]])
    expect(page.data.groups[1].otherWay).toBe(true)
    expect(page.data.groups[1].people[0].canTell).toBe(true)
  })

  test('one kind has no filter; with the reminder too, 预告 first and 活动提醒 a tap away', async () => {
    const single = await open()
    expect(single.data.kinds).toEqual([{ key: 'preview', label: '预告' }])

    const remind = [
      row(1, '张三', 'no_consent', { kind: 'remind_members', phone: '13812345678' }),
      row(2, '李四', 'sent', { kind: 'remind_members', channel: 'subscribe' }),
    ]
    const page = await open(answer([...remind, ...preview], [
      totals('remind_members', { total: 2, subscribe: 1, unreached: 1 }), previewTotals,
    ]))
    expect(page.data.kinds).toEqual([{ key: 'preview', label: '预告' }, { key: 'remind_members', label: '活动提醒' }])
    expect(page.data).toMatchObject({ kind: 'preview', total: 11, unreached: 6 })

    page.onKind(tap({ kind: 'remind_members' }))
    expect(page.data).toMatchObject({
      kind: 'remind_members', total: 2, unreached: 1, underWay: 0, canExport: false,
    })
    expect(groupsOf(page)).toEqual([['未订阅且未关注公众号', 1, ['张三']], ['已送达', 1, ['李四']]])
    // A reminder's unreached: the phone to call, but nothing to record (only a preview's can be).
    expect(page.data.groups[0].people[0]).toMatchObject({ phone: '13812345678', callable: true, canTell: false })
    expect(figuresOf(page)[0]).toEqual(['订阅消息', 1])

    // A refresh keeps the kind picked.
    await page.onPullDownRefresh()
    expect(page.data.kind).toBe('remind_members')
    expect(shim.pullDownStops).toBe(1)

    page.onKind(tap({ kind: 'preview' }))
    expect(page.data.total).toBe(11)
  })

  test('the contract\'s name for the reminder (remind_day_before) reads 活动提醒 as well', async () => {
    const page = await open(answer([row(1, '张三', 'sent', { kind: 'remind_day_before' }), row(1, '张三', 'sent')], []))
    expect(page.data.kinds.map((k) => k.label)).toEqual(['预告', '活动提醒'])
  })

  test('no one yet is the empty state', async () => {
    const page = await open(answer([], []))
    expect(page.data).toMatchObject({
      kinds: [], kind: '', groups: [], canExport: false, loadError: null,
    })
  })

  test('a failed load is the error state with 重试; 重试 and pull-down load again', async () => {
    shim.route(DELIVERIES, { fail: 'request:fail errcode:-101' })
    const page = loadPage('pages/deliveries/index')
    await page.onLoad({ plan: '11' })
    expect(page.data).toMatchObject({ loading: false, loadError: { code: 'network', retryable: true } })
    expect(text(render('pages/deliveries/index', page.data))).toContain('网络连接失败，请检查网络后重试重试')

    shim.route(DELIVERIES, { status: 200, body: answer() })
    page.onRetry()
    await settleUntil(() => page.data.groups && page.data.groups.length === 8)
    expect(page.data.loadError).toBeNull()
    expect(page.data.groups).toHaveLength(8)

    shim.route(DELIVERIES, { status: 502, body: '' })
    await page.onPullDownRefresh()
    expect(page.data.loadError).toMatchObject({ code: 'internal', retryable: true, signIn: false })
    expect(page.data.loading).toBe(false) // loaded once: no 加载中 on a refresh
    expect(shim.pullDownStops).toBe(1)
  })

  test('a refusal is shown without 重试', async () => {
    shim.route(DELIVERIES, { status: 403, body: { code: 'auth.forbidden', message: 'no' } })
    const page = loadPage('pages/deliveries/index')
    await page.onLoad({ plan: '11' })
    expect(page.data.loadError).toEqual({ code: 'auth.forbidden', message: '您没有权限进行此操作', retryable: false, signIn: false })
    expect(text(render('pages/deliveries/index', page.data))).not.toContain('重试')
  })
})

describe('已当面告知', () => {
  const TOLD = 'POST /api/v1/plans/11/deliveries/2/told-in-person'
  const told = row(2, '李四', 'told_in_person', { phone: '13900001111', updated_at: '2026-12-05T15:30:00+08:00' })

  test('asks first, POSTs with no body, and moves the person to 已当面告知 with the totals, without loading again', async () => {
    const page = await open()
    shim.route(TOLD, { status: 200, body: told })
    shim.modalAnswers.push(true)
    await page.onTold(tap({ id: 2, name: '李四' }))

    expect(shim.modals).toEqual([{
      title: '记录当面告知',
      content: '确认已当面或电话告知李四？此操作会记录在审计日志中。',
      showCancel: true,
      confirmText: '已告知',
      cancelText: '暂不记录',
    }])
    expect(shim.requestsTo(TOLD)).toHaveLength(1)
    expect(shim.requestsTo(TOLD)[0].data).toBeUndefined()
    expect(shim.requestsTo(TOLD)[0].header).toEqual({ Authorization: 'Bearer t-access' })
    expect(shim.requestsTo(DELIVERIES)).toHaveLength(1)
    expect(shim.toasts).toEqual(['已记录'])

    expect(groupsOf(page).slice(0, 1)).toEqual([['未订阅且未关注公众号', 1, ['郑一']]])
    expect(groupsOf(page)).toContainEqual(['已当面告知', 2, ['李四', '陈三']])
    expect(page.data.groups.find((g) => g.key === 'told_in_person').people[0])
      .toMatchObject({ name: '李四', via: '当面告知', time: '12月5日 15:30', phone: '', canTell: false })
    expect(figuresOf(page)).toEqual([['订阅消息', 1], ['公众号', 1], ['当面告知', 2], ['未送达', 5], ['发送中', 2]])
    expect(page.data).toMatchObject({ total: 11, unreached: 5, busy: false })

    const shown = text(render('pages/deliveries/index', page.data))
    expect(shown).toContain('5人两种渠道都未送达，请电话或当面通知')
    expect(shown).toContain('已当面告知（2）李四当面告知12月5日15:30陈三当面告知')
  })

  test('the last one told: 未送达 0, no export, everyone reached', async () => {
    const page = await open(answer([row(1, '张三', 'sent'), row(2, '李四', 'no_consent', { phone: '13900001111' })], [
      totals('preview', { total: 2, official_account: 1, unreached: 1 }),
    ]))
    expect(page.data.canExport).toBe(true)
    shim.route(TOLD, { status: 200, body: told })
    shim.modalAnswers.push(true)
    await page.onTold(tap({ id: 2, name: '李四' }))
    expect(page.data).toMatchObject({ unreached: 0, canExport: false })
    expect(groupsOf(page)).toEqual([['已当面告知', 1, ['李四']], ['已送达', 1, ['张三']]])
    const shown = text(render('pages/deliveries/index', page.data))
    expect(shown).toContain('全部已送达')
    expect(shown).not.toContain('导出未送达名单')
    expect(shown).not.toContain('请电话或当面通知')
  })

  test('cancelled, nothing is sent', async () => {
    const page = await open()
    shim.route(TOLD, { status: 200, body: told })
    shim.modalAnswers.push(false)
    await page.onTold(tap({ id: 2, name: '李四' }))
    expect(shim.requestsTo(TOLD)).toHaveLength(0)
    expect(groupsOf(page)[0]).toEqual(['未订阅且未关注公众号', 2, ['李四', '郑一']])
  })

  test('already reached (409) is said in Chinese, and the page loads again to show where things stand', async () => {
    const page = await open()
    shim.route(TOLD, { status: 409, body: { code: 'delivery.already_reached', message: 'already reached' } })
    shim.modalAnswers.push(true, true)
    await page.onTold(tap({ id: 2, name: '李四' }))
    expect(shim.modals[1]).toEqual({
      title: '未能记录', content: '该同志已收到通知，无需再记录', showCancel: false, confirmText: '知道了',
    })
    expect(shim.requestsTo(TOLD)).toHaveLength(1)
    expect(shim.requestsTo(DELIVERIES)).toHaveLength(2)
    expect(shim.toasts).toEqual([])
    expect(page.data.busy).toBe(false)
  })

  test('still being sent (409 delivery.under_way) says to try later; a network failure offers 重试, which sends again', async () => {
    const page = await open()
    shim.route(TOLD, { status: 409, body: { code: 'delivery.under_way', message: 'pending' } })
    shim.modalAnswers.push(true, true)
    await page.onTold(tap({ id: 2, name: '李四' }))
    expect(shim.modals[1].content).toBe('通知仍在发送中，请稍后再试')

    shim.route(TOLD, () => (shim.requestsTo(TOLD).length === 2 ? { fail: 'request:fail' } : { status: 200, body: told }))
    shim.modalAnswers.push(true, true)
    await page.onTold(tap({ id: 2, name: '李四' }))
    expect(shim.modals.slice(2).map((m) => [m.title, m.confirmText])).toEqual([['记录当面告知', '已告知'], ['未能记录', '重试']])
    expect(shim.requestsTo(TOLD)).toHaveLength(3)
    expect(groupsOf(page)).toContainEqual(['已当面告知', 2, ['李四', '陈三']])
  })
})

describe('phones and the export', () => {
  test('a full number is called with a tap; a masked one is shown but cannot be called', async () => {
    const page = await open()
    const zhou = page.data.groups.find((g) => g.key === 'no_wechat').people[0]
    expect(zhou).toMatchObject({ name: '周九', phone: '137****2222', callable: false })

    page.onCall(tap({ phone: '137****2222' }))
    expect(shim.phoneCalls).toEqual([])
    page.onCall(tap({ phone: '13900001111' }))
    expect(shim.phoneCalls).toEqual(['13900001111'])

    const shown = text(render('pages/deliveries/index', page.data))
    expect(shown).toContain('李四电话13900001111（点此拨打）')
    expect(shown).toContain('周九电话137****222212月5日10:00已当面告知')
    expect(shown).not.toContain('137****2222（点此拨打）')
    expect(shown.match(/点此拨打/g)).toHaveLength(1)
  })

  test('导出未送达名单 downloads the Excel file with the token and opens it with WeChat\'s menu', async () => {
    const page = await open()
    const EXPORT = 'GET /api/v1/plans/11/deliveries/unreached.xlsx'
    shim.route(EXPORT, { status: 200, body: 'PK-xlsx' })
    await expect(page.onExport()).resolves.toBe(true)
    expect(shim.requestsTo(EXPORT)).toHaveLength(1)
    expect(shim.requestsTo(EXPORT)[0]).toMatchObject({ kind: 'download', header: { Authorization: 'Bearer t-access' } })
    expect(shim.loadings).toEqual(['正在导出'])
    expect(shim.loadingShown).toBe(false)
    expect(shim.documents).toEqual([{ filePath: expect.any(String), fileType: 'xlsx', showMenu: true }])
    expect(shim.files.get(shim.documents[0].filePath)).toBe('PK-xlsx')
  })

  test('a refused export is said in Chinese, nothing opened', async () => {
    const page = await open()
    shim.route('GET /api/v1/plans/11/deliveries/unreached.xlsx', { status: 403, body: { code: 'auth.forbidden', message: 'no' } })
    await expect(page.onExport()).resolves.toBe(false)
    expect(shim.modals).toEqual([{ title: '未能导出', content: '您没有权限进行此操作', showCancel: false, confirmText: '知道了' }])
    expect(shim.documents).toEqual([])
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
  test('the figures, the call-them notice, the export, and the groups in order, the unreached marked', async () => {
    const page = await open()
    const shown = text(render('pages/deliveries/index', page.data))
    expect(shown).toContain('预告共11人')
    expect(shown).toContain('1订阅消息1公众号1当面告知6未送达2发送中')
    expect(shown).toContain('6人两种渠道都未送达，请电话或当面通知')
    expect(shown).toContain('2人发送中，下拉刷新查看最新情况')
    expect(shown).toContain('导出未送达名单')
    expect(shown).toContain('未订阅且未关注公众号（2）请电话或当面通知需另行通知李四电话13900001111（点此拨打）12月5日10:00已当面告知郑一')
    expect(shown).toContain('发送失败（1）请电话或当面通知钱七电话138****5678已尝试3次·12月5日10:02已当面告知')
    expect(shown).toContain('状态未知（1）请电话或当面通知服务器中断时正在发送，未重发孙八')
    expect(shown).toContain('已送达（2）张三经公众号12月5日10:00王五经订阅消息12月5日10:00')
    expect(shown.indexOf('状态未知（1）')).toBeLessThan(shown.indexOf('发送中（2）'))
    expect(shown.indexOf('发送中（2）')).toBeLessThan(shown.indexOf('已当面告知（1）'))
    expect(shown.indexOf('已当面告知（1）')).toBeLessThan(shown.indexOf('已送达（2）'))
    expect(shown.match(/请电话或当面通知/g)).toHaveLength(6) // the notice and the five unreached groups
    expect(shown.match(/已当面告知/g)).toHaveLength(7) // a button for each of the six unreached, and the group
    expect(shown).not.toContain('errcode')
    expect(shown).not.toContain('活动提醒') // one kind: no tabs
  })

  test('tabs when there are two kinds; everyone reached reads 全部已送达, with nothing to export', async () => {
    const page = await open(answer([
      row(1, '张三', 'sent'),
      row(1, '张三', 'sent', { kind: 'remind_members' }),
    ], [totals('preview', { total: 1, official_account: 1 }), totals('remind_members', { total: 1, official_account: 1 })]))
    const shown = text(render('pages/deliveries/index', page.data))
    expect(shown).toContain('预告活动提醒共1人')
    expect(shown).toContain('全部已送达')
    expect(shown).not.toContain('请电话或当面通知')
    expect(shown).not.toContain('导出未送达名单')
  })

  test('a reminder\'s unreached have a phone but no 已当面告知, and no export', async () => {
    const page = await open(answer([row(1, '张三', 'failed', { kind: 'remind_members', phone: '13812345678' })], [
      totals('remind_members', { total: 1, unreached: 1 }),
    ]))
    const shown = text(render('pages/deliveries/index', page.data))
    expect(shown).toContain('张三电话13812345678（点此拨打）')
    expect(shown).not.toContain('已当面告知')
    expect(shown).not.toContain('导出未送达名单')
  })

  test('the empty state', async () => {
    const page = await open(answer([], []))
    expect(text(render('pages/deliveries/index', page.data))).toBe('暂无送达记录，预告推送开始后下拉刷新查看')
  })
})
