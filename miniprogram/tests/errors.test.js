const errors = require('../utils/errors')

test('known codes read as Chinese sentences', () => {
  expect(errors.messageFor({ code: 'network', message: 'request:fail' })).toBe('网络连接失败，请检查网络后重试')
  expect(errors.messageFor({ code: 'auth.invite_invalid', message: 'invite code not found' }))
    .toBe('邀请码无效或已过期，请向组织管理员核实')
})

test('every code the client must understand has a message', () => {
  const required = [
    'network', 'timeout', 'internal', 'request.invalid_body', 'auth.code_invalid', 'auth.code_used',
    'auth.wechat_busy', 'auth.invite_invalid', 'auth.token_expired', 'auth.refresh_rejected', 'auth.unbound',
  ]
  required.forEach((code) => expect(errors.MESSAGES[code]).toMatch(/[\u4e00-\u9fa5]/))
})

describe('every code the server can answer with (utils/error-codes.json) has Chinese text', () => {
  const serverCodes = require('../utils/error-codes.json')
  const CJK = /[\u4e00-\u9fff]/

  test('the list is there', () => {
    expect(serverCodes.length).toBeGreaterThan(20)
  })

  test.each(serverCodes)('%s', (code) => {
    expect(errors.MESSAGES[code]).toMatch(CJK)
  })

  test('the messages address the member as 您, never 你', () => {
    Object.entries(errors.MESSAGES).forEach(([code, text]) => {
      expect([code, text.replace(/您/g, '')]).toEqual([code, expect.not.stringMatching(/你/)])
    })
  })
})

test('a lost session is told apart, not retried, and offers 重新登录 through loadError', () => {
  ['auth.token_invalid', 'auth.token_missing', 'auth.refresh_rejected'].forEach((code) => {
    expect(errors.isSessionLost({ code })).toBe(true)
    expect(errors.loadError({ code })).toMatchObject({ retryable: false, signIn: true })
  })
  expect(errors.isSessionLost({ code: 'auth.token_expired' })).toBe(false)
})

test('an unknown code falls back to the server message, then to a generic sentence', () => {
  expect(errors.messageFor({ code: 'activity.closed', message: '本次活动已结束' })).toBe('本次活动已结束')
  expect(errors.messageFor({ code: 'unknown', message: '' })).toBe('操作失败，请稍后重试')
  expect(errors.messageFor(null)).toBe('')
})

describe('retry prompts', () => {
  const { installWx } = require('./wx-shim')
  let shim
  beforeEach(() => { shim = installWx() })

  test('network, timeout and server failures are retryable; refusals are not', () => {
    expect(['network', 'timeout', 'internal'].every((code) => errors.isRetryable({ code }))).toBe(true)
    expect(errors.isRetryable({ code: 'plan.wrong_state' })).toBe(false)
    expect(errors.isRetryable({ code: 'checkin.unavailable' })).toBe(true) // 503: the server asks to try again
    expect(errors.isRetryable(null)).toBe(false)
  })

  test('a retryable failure asks 重试 and resolves to the answer', async () => {
    shim.modalAnswers.push(true)
    await expect(errors.promptRetry({ code: 'timeout' }, '保存失败')).resolves.toBe(true)
    expect(shim.modals[0]).toEqual({ title: '保存失败', content: '请求超时，请稍后重试', showCancel: true, confirmText: '重试' })
    await expect(errors.promptRetry({ code: 'network' })).resolves.toBe(false) // cancelled
  })

  test('any other failure is only shown', async () => {
    shim.modalAnswers.push(true)
    await expect(errors.promptRetry({ code: 'auth.forbidden' })).resolves.toBe(false)
    expect(shim.modals[0]).toMatchObject({ content: '您没有权限进行此操作', showCancel: false, confirmText: '知道了' })
  })

  test('a load error is a plain object for setData', () => {
    expect(errors.loadError({ code: 'network', message: 'request:fail' }))
      .toEqual({ code: 'network', message: '网络连接失败，请检查网络后重试', retryable: true, signIn: false })
    expect(errors.loadError({ code: 'calendar.year_missing', message: 'x' }).retryable).toBe(false)
  })

  test('the plan and subscription codes have Chinese messages', () => {
    ['auth.forbidden', 'plan.invalid_input', 'plan.wrong_state', 'plan.exists', 'calendar.year_missing',
      'subscribe.failed', 'subscribe.switched_off', 'request.not_found']
      .forEach((code) => expect(errors.MESSAGES[code]).toMatch(/[\u4e00-\u9fa5]/))
  })
})
