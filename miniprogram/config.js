// Where the API lives, decided per build: DevTools and preview builds are `develop`, 体验版 is `trial`, 正式版 is `release`.
const BASE_URLS = {
  develop: 'http://127.0.0.1:8080',
  trial: 'https://trial.huodongri.example.org',
  release: 'https://huodongri.example.org',
}

// Set from the DevTools console, e.g. wx.setStorageSync('apiBaseOverride', 'http://<电脑的局域网地址>:8080'), to debug on
// a phone against a laptop. A release build ignores it, so a stray value can never send real users elsewhere.
const OVERRIDE_KEY = 'apiBaseOverride'

function envVersion() {
  try {
    const env = wx.getAccountInfoSync().miniProgram.envVersion
    return BASE_URLS[env] ? env : 'release'
  } catch (err) {
    return 'release'
  }
}

// A function, not a constant: the build and the override are read on every request, so tests can move it.
function baseUrl() {
  const env = envVersion()
  const override = env === 'release' ? '' : wx.getStorageSync(OVERRIDE_KEY)
  return (override || BASE_URLS[env]).replace(/\/+$/, '')
}

// Subscription-message template ids are not kept here: the server's configuration is the one place for them, and
// pages read them from GET /notifications/templates (utils/subscribe.js).

module.exports = { BASE_URLS, OVERRIDE_KEY, baseUrl }
