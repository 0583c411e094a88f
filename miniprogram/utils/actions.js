// What a page does when one of its buttons changes something on the server.
const api = require('./api')
const errors = require('./errors')

// Sends `body` to `path` with `method` (post, put or patch) for `page` (a list page: one with `busy` in its data and a
// load()). While it is out, `busy` disables the page's buttons, and a tap that comes in anyway sends nothing and
// resolves false. Once it went through, `done` is toasted and the page loads again, unless `reload` is false because
// the caller shows something else. A failure is shown, with 重试 when trying again can help, and 重试 sends it again;
// a failure `handled(err)` answers true for is left to the caller, which explains it itself. Resolves true once the
// request went through.
//
// busyUntilReloaded keeps the buttons disabled until the page has loaded again, so that the row just acted on cannot
// be tapped a second time before it shows the change.
async function send(page, method, path, body, options) {
  const {
    done, failTitle, reload = true, busyUntilReloaded = false, handled = () => false,
  } = options
  if (page.data.busy) return false
  page.setData({ busy: true })
  let retry = false
  let ok = false
  try {
    await api[method](path, body)
    ok = true
    wx.showToast({ title: done, icon: 'none' })
    if (reload && busyUntilReloaded) await page.load()
  } catch (err) {
    if (!handled(err)) retry = await errors.promptRetry(err, failTitle)
  } finally {
    page.setData({ busy: false })
  }
  if (ok && reload && !busyUntilReloaded) await page.load()
  if (retry) return send(page, method, path, body, options)
  return ok
}

const post = (page, path, body, options) => send(page, 'post', path, body, options)

module.exports = { send, post }
