// A session no refresh can repair (auth.token_invalid, auth.token_missing, or auth.refresh_rejected once the silent
// re-login failed too): whatever page the person is on, a modal says so and 重新登录 takes them back to sign in.
// utils/api.js calls offerSignIn(); several requests failing together show one modal.
const SIGN_IN_PAGE = '/pages/index/index' // where 微信登录 is (pages/login only binds a new WeChat user)

let showing = false

function messageFor(err) {
  return require('./errors').messageFor(err)
}

// Ends the session on this phone: tokens and the person's cached data (the queued scans stay with their owner).
function forgetSession() {
  const auth = require('./auth')
  auth.clear()
  auth.PERSON_DATA.forEach((key) => wx.removeStorageSync(key))
}

function offerSignIn(err) {
  if (showing) return
  showing = true
  wx.showModal({
    title: '需要重新登录',
    content: `${messageFor(err)}。点“重新登录”回到登录页。`,
    showCancel: false,
    confirmText: '重新登录',
    success: () => {
      showing = false
      forgetSession()
      wx.reLaunch({ url: SIGN_IN_PAGE })
    },
    fail: () => { showing = false },
  })
}

module.exports = { SIGN_IN_PAGE, offerSignIn, forgetSession }
