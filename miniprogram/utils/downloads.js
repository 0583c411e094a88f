// A file the server makes or keeps (an attachment, an export), brought down with the token (api.download: WeChat's
// viewers cannot send it) and shown: a photo in WeChat's viewer, a document in wx.openDocument with its menu, to send
// it on or save it. Used by utils/attachments.js and the pages that export a list.
const api = require('./api')
const errors = require('./errors')

// `loading` is said while it comes down (a photo may take a while); a failure is shown under `failTitle`, with 重试
// when trying again can help. Resolves true once it was shown.
async function open(path, options) {
  const {
    fileType, photo = false, loading, failTitle,
  } = options
  wx.showLoading({ title: loading, mask: true })
  let filePath = ''
  let failure = null
  try {
    filePath = await api.download(path)
  } catch (err) {
    failure = err
  } finally {
    wx.hideLoading()
  }
  if (failure) {
    if (await errors.promptRetry(failure, failTitle)) return open(path, options)
    return false
  }
  if (photo) {
    wx.previewImage({ urls: [filePath], current: filePath })
  } else {
    wx.openDocument({
      filePath,
      fileType,
      showMenu: true,
      fail: () => wx.showToast({ title: '手机无法打开这个文件，请在电脑上查看', icon: 'none' }),
    })
  }
  return true
}

module.exports = { open }
