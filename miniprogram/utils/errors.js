// What the user reads for each stable error code (server codes are `area.snake_case`; `network`, `timeout` and
// `auth.wx_login_failed` come from this client). Unknown codes fall back to the server's own message.
const MESSAGES = {
  network: '网络连接失败，请检查网络后重试',
  timeout: '请求超时，请稍后重试',
  internal: '服务器开小差了，请稍后重试',
  'request.invalid_body': '提交的内容有误，请检查后重试',
  'auth.wx_login_failed': '微信登录失败，请稍后重试',
  'auth.code_invalid': '登录凭证已失效，请重新登录',
  'auth.code_used': '登录凭证已被使用，请重新登录',
  'auth.wechat_busy': '微信服务繁忙，请稍后重试',
  'auth.invite_invalid': '邀请码无效或已过期，请向组织管理员核实',
  'auth.token_expired': '登录已过期，请重新登录',
  'auth.refresh_rejected': '登录状态已失效，请重新登录',
  'auth.unbound': '请先使用邀请码绑定账号',
}

const FALLBACK = '操作失败，请稍后重试'

// Accepts an ApiError or any plain { code, message } (what a page can pass through setData).
function messageFor(err) {
  if (!err) return ''
  return MESSAGES[err.code] || err.message || FALLBACK
}

module.exports = { MESSAGES, messageFor }
