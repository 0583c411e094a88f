// Small wrappers over wx UI calls that pages await.

// wx.showModal → Promise<boolean>: whether the user confirmed. The buttons say what happens ("确认撤销" / "暂不撤销"),
// never a bare 确定 / 取消 for an action that changes something.
function confirm({ title, content, confirmText = '确定', cancelText = '返回' }) {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      content,
      confirmText,
      cancelText,
      success: (res) => resolve(Boolean(res.confirm)),
      fail: () => resolve(false),
    })
  })
}

// wx.showModal with a text field → Promise<string|null>: what was typed (trimmed), or null when cancelled.
function prompt({
  title, placeholder = '', confirmText = '确定', cancelText,
}) {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      editable: true,
      placeholderText: placeholder,
      confirmText,
      ...(cancelText ? { cancelText } : {}),
      success: (res) => resolve(res.confirm ? String(res.content || '').trim() : null),
      fail: () => resolve(null),
    })
  })
}

// A prompt whose answer is required (a reason): an empty answer is refused with `missing` as a toast, and resolves
// to null like a cancellation, so the caller sends nothing.
async function requireText({
  title, placeholder, missing, confirmText, cancelText,
}) {
  const text = await prompt({
    title, placeholder, ...(confirmText ? { confirmText } : {}), ...(cancelText ? { cancelText } : {}),
  })
  if (text === '') wx.showToast({ title: missing, icon: 'none' })
  return text || null
}

// What a failed wx.scanCode or wx.chooseMedia means: 'cancelled' (the member closed the camera or the album),
// 'camera' (a permission is refused, in WeChat or in the phone's settings) or 'other'.
function scanFailure(err) {
  const message = String((err && err.errMsg) || '')
  if (/cancel/i.test(message)) return 'cancelled'
  if (/auth|permission|denied|deny|camera/i.test(message)) return 'camera'
  return 'other'
}

// A permission is missing: says what to do, and 去设置 opens the mini-program's settings (wx.openSetting).
// Resolves true when the settings were opened.
function openSettingFor(title, content) {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      content,
      confirmText: '去设置',
      cancelText: '以后再说',
      success: (res) => {
        if (!res.confirm) {
          resolve(false)
          return
        }
        wx.openSetting({ complete: () => resolve(true) })
      },
      fail: () => resolve(false),
    })
  })
}

// After a failed camera or album call: cancelled says nothing; a refused permission says how to allow it (`title`,
// `content`, 去设置); anything else toasts `retry`.
function explainFailure(err, { title, content, retry }) {
  const kind = scanFailure(err)
  if (kind === 'cancelled') return kind
  if (kind === 'camera') openSettingFor(title, content)
  else wx.showToast({ title: retry, icon: 'none' })
  return kind
}

const explainScanFailure = (err) => explainFailure(err, {
  title: '无法使用相机', content: '扫码需要使用相机。请在设置中允许本小程序使用摄像头，然后重新扫码。', retry: '扫码失败，请重试',
})

const explainPickFailure = (err) => explainFailure(err, {
  title: '无法选择照片', content: '添加照片需要使用相册或相机。请在设置中允许本小程序使用相册和摄像头，然后重试。', retry: '未能选择照片，请重试',
})

module.exports = {
  confirm, prompt, requireText, scanFailure, openSettingFor, explainScanFailure, explainPickFailure,
}
