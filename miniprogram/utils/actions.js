// What a page does when one of its buttons changes something on the server.
const api = require('./api')
const errors = require('./errors')

// POSTs for `page` (a list page: one with `busy` in its data and a load()). While it is out, `busy` disables the
// page's buttons, and a tap that comes in anyway sends nothing and resolves false. Once it went through, `done` is
// toasted and the page loads again, unless `reload` is false because the caller shows something else. A failure is
// shown, with 重试 when trying again can help, and 重试 sends it again. Resolves true once the POST went through.
//
// busyUntilReloaded keeps the buttons disabled until the page has loaded again, so that the row just acted on cannot
// be tapped a second time before it shows the change.
async function post(page, path, body, options) {
  const {
    done, failTitle, reload = true, busyUntilReloaded = false,
  } = options
  if (page.data.busy) return false
  page.setData({ busy: true })
  let retry = false
  let ok = false
  try {
    await api.post(path, body)
    ok = true
    wx.showToast({ title: done, icon: 'none' })
    if (reload && busyUntilReloaded) await page.load()
  } catch (err) {
    retry = await errors.promptRetry(err, failTitle)
  } finally {
    page.setData({ busy: false })
  }
  if (ok && reload && !busyUntilReloaded) await page.load()
  if (retry) return post(page, path, body, options)
  return ok
}

module.exports = { post }
