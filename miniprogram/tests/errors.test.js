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

test('an unknown code falls back to the server message, then to a generic sentence', () => {
  expect(errors.messageFor({ code: 'activity.closed', message: '本次活动已结束' })).toBe('本次活动已结束')
  expect(errors.messageFor({ code: 'unknown', message: '' })).toBe('操作失败，请稍后重试')
  expect(errors.messageFor(null)).toBe('')
})
