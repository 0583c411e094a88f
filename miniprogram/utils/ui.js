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

module.exports = { confirm }
