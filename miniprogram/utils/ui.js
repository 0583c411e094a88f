// Small wrappers over wx UI calls that pages await.

// wx.showModal with 确定/取消 → Promise<boolean>: whether the user confirmed.
function confirm({ title, content, confirmText = '确定' }) {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      content,
      confirmText,
      success: (res) => resolve(Boolean(res.confirm)),
      fail: () => resolve(false),
    })
  })
}

// wx.showModal with a text field → Promise<string|null>: what was typed (trimmed), or null when cancelled.
function prompt({ title, placeholder = '', confirmText = '确定' }) {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      editable: true,
      placeholderText: placeholder,
      confirmText,
      success: (res) => resolve(res.confirm ? String(res.content || '').trim() : null),
      fail: () => resolve(null),
    })
  })
}

// A prompt whose answer is required (a reason): an empty answer is refused with `missing` as a toast, and resolves
// to null like a cancellation, so the caller sends nothing.
async function requireText({ title, placeholder, missing }) {
  const text = await prompt({ title, placeholder })
  if (text === '') wx.showToast({ title: missing, icon: 'none' })
  return text || null
}

module.exports = { confirm, prompt, requireText }
