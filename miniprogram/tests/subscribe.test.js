const { installWx, tokenPair } = require('./wx-shim')

let shim
let subscription
let auth
beforeEach(() => {
  jest.resetModules()
  shim = installWx()
  subscription = require('../utils/subscribe')
  auth = require('../utils/auth')
  auth.saveTokens(tokenPair('t1'))
})

describe('asking WeChat', () => {
  test('calls wx.requestSubscribeMessage synchronously and keeps only the asked templates\' answers', async () => {
    shim.subscribeAnswer = { success: { TPL_A: 'accept', TPL_B: 'reject', other: 'accept' } }

    const asking = subscription.askWechat(['TPL_A', 'TPL_B'])
    expect(shim.subscribeCalls).toEqual([['TPL_A', 'TPL_B']])

    await expect(asking).resolves.toEqual({ TPL_A: 'accept', TPL_B: 'reject' })
  })

  test('subscription messages switched off (errCode 20004) is its own error', async () => {
    shim.subscribeAnswer = { fail: { errCode: 20004, errMsg: 'requestSubscribeMessage:fail main switch is off' } }
    await expect(subscription.askWechat(['TPL_A'])).rejects.toMatchObject({ code: 'subscribe.switched_off' })
  })

  test('any other failure, or no answer for the templates, is subscribe.failed', async () => {
    shim.subscribeAnswer = { fail: { errCode: 20001, errMsg: 'No template data return' } }
    await expect(subscription.askWechat(['TPL_A'])).rejects.toMatchObject({ code: 'subscribe.failed' })
    shim.subscribeAnswer = { success: {} }
    await expect(subscription.askWechat(['TPL_A'])).rejects.toMatchObject({ code: 'subscribe.failed' })
  })
})

describe('reporting to the server', () => {
  test('POSTs the result map to /api/v1/subscriptions with the token', async () => {
    shim.route('POST /api/v1/subscriptions', { status: 204, body: '' })

    await expect(subscription.report({ TPL_A: 'acceptWithAudio' })).resolves.toEqual({ saved: true })

    const [req] = shim.requestsTo('POST /api/v1/subscriptions')
    expect(req.data).toEqual({ results: { TPL_A: 'acceptWithAudio' } })
    expect(req.header.Authorization).toBe('Bearer t1-access')
  })

  test('a server without the endpoint (404) is not an error: saved is false', async () => {
    shim.route('POST /api/v1/subscriptions', { status: 404, body: { code: 'request.not_found', message: 'no such route' } })
    await expect(subscription.report({ TPL_A: 'accept' })).resolves.toEqual({ saved: false })
    expect(subscription.summary({ TPL_A: 'accept' }, false)).toBe('服务器暂不支持订阅提醒，请稍后再试')
  })

  test('other failures are thrown for the page to offer a retry', async () => {
    shim.route('POST /api/v1/subscriptions', { fail: 'request:fail' })
    await expect(subscription.report({ TPL_A: 'accept' })).rejects.toMatchObject({ code: 'network' })
    shim.route('POST /api/v1/subscriptions', { status: 400, body: { code: 'subscription.invalid', message: 'bad' } })
    await expect(subscription.report({ TPL_A: 'accept' })).rejects.toMatchObject({ status: 400 })
  })

  test('the sentence shown for each outcome', () => {
    expect(subscription.summary({ a: 'accept' }, true)).toBe('已订阅活动提醒，发布预告后将通知您')
    expect(subscription.summary({ a: 'acceptWithAudio' }, true)).toBe('已订阅活动提醒，发布预告后将通知您')
    expect(subscription.summary({ a: 'reject' }, true)).toBe('您没有同意接收活动提醒，可随时再次订阅')
    expect(subscription.summary({ a: 'ban' }, true)).toBe('活动提醒暂不可用，请联系管理员')
    expect(subscription.summary({ a: 'filter' }, true)).toBe('活动提醒暂不可用，请联系管理员')
  })
})
