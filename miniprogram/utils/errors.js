// What the user reads for each stable error code (server codes are `area.snake_case`; `network`, `timeout` and
// `auth.wx_login_failed` come from this client). Unknown codes fall back to the server's own message.
const MESSAGES = {
  network: '网络连接失败，请检查网络后重试',
  timeout: '请求超时，请稍后重试',
  internal: '服务器开小差了，请稍后重试',
  'request.invalid_body': '提交的内容有误，请检查后重试',
  'request.invalid': '请求无法处理，请稍后重试',
  'request.invalid_path': '页面地址有误，请返回后重试',
  'request.invalid_query': '查询条件有误，请返回后重试',
  'request.method_not_allowed': '服务器暂不支持此操作，请更新小程序后重试',
  'request.unsupported_media_type': '提交的内容格式有误，请更新小程序后重试',
  'request.body_too_large': '提交的内容太大，请删减后重试',
  'request.control_character': '内容中含有无法识别的字符，请删除后重试',
  'server.busy': '使用人数较多，请稍后再试',
  'auth.wx_login_failed': '微信登录失败，请稍后重试',
  'auth.code_invalid': '登录凭证已失效，请重新登录',
  'auth.code_used': '登录凭证已被使用，请重新登录',
  'auth.wechat_busy': '微信服务繁忙，请稍后重试',
  'auth.invite_invalid': '邀请码无效或已过期，请向组织管理员核实',
  'auth.token_expired': '登录已过期，请重新登录',
  'auth.refresh_rejected': '登录状态已失效，请重新登录',
  'auth.unbound': '请先使用邀请码绑定账号',
  'auth.token_missing': '请先登录',
  'auth.token_invalid': '登录状态无效，请重新登录',
  'auth.forbidden': '您没有权限进行此操作',
  'auth.too_many_attempts': '尝试次数过多，请稍后再试',
  'auth.already_bound': '该微信已绑定其他人员，如有疑问请联系支部书记',
  'auth.person_already_bound': '该同志已绑定微信，需由管理员先解除原绑定',
  'auth.busy': '登录人数较多，请稍后再试',
  'auth.temporarily_unavailable': '登录服务暂时不可用，请稍后再试',
  'auth.account_disabled': '您的账号已停用，如有疑问请联系支部书记',
  'auth.bad_credentials': '账号或密码不正确，请检查后重试',
  'auth.bind_ticket_invalid': '绑定已超时，请重新打开小程序后再输入邀请码',
  'auth.code_blocked': '微信拒绝了本次登录，请稍后再试或联系管理员',
  'auth.invalid_input': '填写的内容有误，请检查后重试',
  'request.not_found': '服务器暂不支持此功能，请稍后再试',
  'org.not_found': '组织不存在或已撤销',
  'calendar.invalid_input': '日期或年份有误，请检查后重试',
  'calendar.year_missing': '该年度的节假日安排尚未公布，暂无法确定活动日',
  'plan.invalid_input': '计划内容有误，请检查后重试',
  'plan.not_found': '计划不存在或已被删除',
  'plan.exists': '本月计划已存在，请下拉刷新后查看',
  'plan.wrong_state': '计划状态已变化，请下拉刷新后重试',
  'checkin.invalid_input': '提交的内容有误，请检查后重试',
  'checkin.unavailable': '签到人数较多，请稍后重试',
  'checkin.not_found': '该签到记录不存在',
  'checkin.already_undone': '该签到已被撤销，请下拉刷新',
  'checkin.too_many_attempts': '签到尝试次数过多，请稍后再试',
  'checkin.person_out_of_scope': '该同志不在您负责的组织范围内，无法代签',
  'activity.not_found': '活动不存在或已删除',
  'activity.not_filed': '计划尚未审核备案，暂不能签到',
  'leave.too_late': '活动已经开始，不能再请假',
  'leave.wrong_state': '请假申请状态已变化，请下拉刷新后重试',
  'leave.not_found': '请假申请不存在',
  'leave.not_participant': '您不是本次活动的应参加人员，无需请假',
  'person.not_found': '该人员不存在',
  'person.already_bound': '该同志已绑定微信，需先解除原绑定再发邀请码',
  'person.not_bound': '该同志尚未绑定微信，无需解除绑定',
  'person.phone_taken': '该手机号已被其他人员使用，请核对',
  'directory.invalid_input': '填写的内容有误，请检查后重试',
  'org.code_taken': '该组织编码已被使用，请换一个',
  'org.wrong_parent_kind': '上级组织类型不符，请重新选择上级组织',
  'role.already_granted': '该同志已有此权限',
  'role.not_found': '该授权不存在或已撤销',
  'roster.invalid': '名册内容有误，请按提示修改后重新上传',
  'roster.unsupported_format': '名册文件格式不支持，请使用 Excel（.xlsx）文件',
  'exemption.not_found': '该登记不存在或已撤销',
  // 送达情况: the secretary recording that a preview's recipient was told in person or by phone.
  'delivery.invalid_input': '输入有误，请返回后重试',
  'delivery.not_found': '没有该同志的预告送达记录，请下拉刷新',
  'delivery.already_reached': '该同志已收到通知，无需再记录',
  'delivery.under_way': '通知仍在发送中，请稍后再试',
  // Community service (issue #6).
  'community.invalid_input': '提交的内容有误，请检查后重试',
  'community.not_found': '该社区或记录不存在',
  'community.wrong_state': '状态已变化，请下拉刷新后重试',
  'service.item_not_found': '该服务项目不存在或已取消',
  'service.claim_not_found': '该认领记录不存在',
  'service.too_late': '报名已截止，不能再取消认领，如有变化请联系社区',
  'service.offer_expired': '确认时限已过，名额已递补给下一位候补人员',
  // Leaders' duties (issue 14).
  'duty.invalid_input': '履职记录填写有误，请检查后重试',
  'duty.not_found': '该记录不存在或已删除，请下拉刷新',
  'duty.overlap': '这段时间已有同类记录，请勿重复登记，如需改动请修改原记录',
  'duty.correction_closed': '这条记录已过修改期限，您可以新增一条更正记录',
  'duty.not_contact_point': '所选单位在该日期不是您的联系点，请检查联系点和日期',
  'duty.not_a_leader': '该同志不是领导干部，不能设置联系点，请先在名册中填写领导职级',
  'duty.talk_with_self': '谈话对象不能是您本人，请重新选择',
  'deputy.invalid_input': '填写的内容有误，请检查后重试',
  'deputy.not_found': '该记录不存在或您无权查看，请下拉刷新',
  'deputy.not_a_deputy': '该同志不是党代表，请先在名册中填写党代表层级',
  'deputy.wrong_state': '该事项当前状态不能进行此操作，请刷新后查看最新进展',
  'deputy.slot_full': '这个时段已约满，请选择其他时段',
  'deputy.already_booked': '您已预约了这个时段，无需重复预约',
  'deputy.already_rated': '您已评价过，不能重复评价',
  'deputy.too_many_requests': '今天的预约次数已达上限，请明天再试',
  'deputy.temporarily_unavailable': '系统繁忙，请稍后再试',
  'official.not_configured': '本系统尚未接入公众号',
  'official.bad_signature': '公众号推送的签名不正确，已拒绝',
  'official.stale_push': '公众号推送已过期，已拒绝',
  'official.bad_push': '公众号推送的内容无法识别',
  'official.wechat_unavailable': '暂时无法连接微信，请稍后重试',
  'feedback.invalid_input': '请选择1到5星评价，留言不超过500字',
  'feedback.not_found': '没有找到这次活动，请下拉刷新',
  'feedback.not_attended': '您没有参加这次活动，不能评价',
  'feedback.closed': '现在不在评价时间内（活动结束后3天内可以评价）',
  'feedback.already_given': '您已评价过这次活动，每人只能评价一次',
  'life.invalid_input': '填写的内容有误，请检查后重试',
  'life.not_found': '没有找到相关记录（名册中可能没有您的入党日期），请联系支部书记',
  'life.conflict': '该同志今年的政治生日已经登记过了',
  'evaluation.invalid_input': '填写的内容有误，请检查后重试',
  'evaluation.not_found': '没有找到这次民主评议，请下拉刷新',
  'evaluation.wrong_state': '现在不在民主评议的时间内，或结果尚未公布',
  'evaluation.already_voted': '您已评价过这位同志，每人只能评价一次',
  'evaluation.not_a_member': '只有本支部党员参加本支部的民主评议',
  'evaluation.too_many_requests': '提交次数过多，请过一小时再试',
  'evaluation.temporarily_unavailable': '系统繁忙，暂时不能提交，请稍后再试',
  // 督查考评 (§三.3): rectification tasks and published results.
  'supervision.invalid_input': '填写的内容有误，请检查后重试',
  'supervision.not_found': '没有找到这项整改任务或督查记录，请返回后下拉刷新',
  'supervision.wrong_state': '整改任务的状态已变化，请下拉刷新后查看',
  // Not answered to the mini-program: the audit's names for publishing and correcting a round's results, which the
  // server's list of codes takes in (they look like codes); said as what happened should one ever be shown.
  'assessment.invalid_input': '填写的内容有误，请检查后重试',
  'assessment.not_found': '没有找到考评记录，请下拉刷新',
  'assessment.no_data': '还没有足够的记录用于考评，请稍后再试',
  // Photos and documents kept as evidence (issue 14): JPEG, PNG, WebP, PDF, Word, Excel; 10 MB; 20 a record.
  'attachment.invalid_input': '文件有误，请重新选择后上传',
  'attachment.unreadable_image': '这张照片无法打开，请换一张照片重新上传',
  'attachment.not_found': '该记录或文件已不存在，请返回后重新进入',
  'attachment.too_many': '每条记录最多上传20个照片或文件，已经满了',
  'attachment.too_large': '照片或文件不能超过10MB，请换一张小一些的',
  'attachment.unsupported_type': '只能上传照片（JPG、PNG、WebP）或 PDF、Word、Excel 文件',
  'attachment.type_mismatch': '文件内容与文件名不符，请重新选择后上传',
  // 扫码登录电脑端 (the browser console): the phone confirming the code of the console's sign-in page; the console shows
  // these sentences too (the server reads this table), csrf_refused only there.
  'console.sign_in_not_found': '二维码已过期，请在电脑上刷新后重新扫码',
  'console.sign_in_used': '这个二维码已经使用过了，请在电脑上刷新后重新扫码',
  'console.too_many_requests': '操作太频繁，请过一分钟再试',
  'console.csrf_refused': '这个页面打开太久或已在别处退出，为了安全没有执行刚才的操作。请刷新页面后重新操作。',
  'subscribe.switched_off': '您已关闭订阅消息，请在小程序右上角 … → 设置 中开启后重试',
  'subscribe.failed': '订阅失败，请稍后重试',
  'subscribe.unavailable': '暂时无法订阅提醒，请稍后重试',
}

const FALLBACK = '操作失败，请稍后重试'

// Accepts an ApiError or any plain { code, message } (what a page can pass through setData).
function messageFor(err) {
  if (!err) return ''
  return MESSAGES[err.code] || err.message || FALLBACK
}

// Failures worth trying again as they are: nothing reached the server, or the server failed on its side.
// checkin.unavailable: the server could not store check-ins for a moment (503) and asks to try again.
const RETRYABLE = ['network', 'timeout', 'internal', 'checkin.unavailable', 'server.busy', 'auth.busy']

function isRetryable(err) {
  return Boolean(err) && RETRYABLE.includes(err.code)
}

// auth.token_invalid / token_missing / refresh_rejected: only signing in again helps.
const SESSION_LOST = ['auth.token_invalid', 'auth.token_missing', 'auth.refresh_rejected']

function isSessionLost(err) {
  return Boolean(err) && SESSION_LOST.includes(err.code)
}

// After a failed action: a retryable failure asks 重试 / 取消 and resolves true when the user wants another try; any
// other failure is shown and resolves false. Pages: `if (await errors.promptRetry(err)) return this.onSubmit()`.
// A lost session is not retried here: utils/api.js has already offered 重新登录 (utils/session.js).
function promptRetry(err, title = '操作失败') {
  if (isSessionLost(err)) return Promise.resolve(false)
  return new Promise((resolve) => {
    const retryable = isRetryable(err)
    wx.showModal({
      title,
      content: messageFor(err),
      showCancel: retryable,
      confirmText: retryable ? '重试' : '知道了',
      success: (res) => resolve(retryable && Boolean(res.confirm)),
      fail: () => resolve(false),
    })
  })
}

// What a page keeps in data after a failed load: a plain object (an Error does not survive setData) for
// components/state-view, which offers 重试 when `retryable`.
function loadError(err) {
  return {
    code: err.code || 'unknown', message: messageFor(err), retryable: isRetryable(err), signIn: isSessionLost(err),
  }
}

module.exports = {
  MESSAGES, RETRYABLE, SESSION_LOST, messageFor, isRetryable, isSessionLost, promptRetry, loadError,
}
