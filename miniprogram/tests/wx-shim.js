// A scriptable stand-in for the parts of `wx` this mini-program uses. installWx() puts a fresh one on `global.wx`.
//
//   const shim = installWx({ envVersion: 'develop' })
//   shim.route('POST /api/v1/auth/wechat', (req) => ({ status: 200, body: { status: 'ok', ... } }))
//   shim.loginCodes.push('code-1')
//   shim.modalAnswers.push(true)             // the next wx.showModal is confirmed (default: cancelled)
//   shim.subscribeAnswer = { success: { TPL: 'accept' } }  // or { fail: { errCode, errMsg } }
//
// A route answers with { status, body, delay } or { fail: errMsg } (wx.request's fail callback), either as a value or
// as a function of the request { method, path, url, data, header, timeout }. Every request is logged in shim.requests.
// Answers arrive asynchronously, as on a device, so parallel requests really interleave.

function installWx({ envVersion = 'develop' } = {}) {
  const storage = new Map()
  const routes = new Map()
  const shim = {
    envVersion,
    storage,
    requests: [],
    loginCodes: [],
    navigations: [],
    modals: [],
    modalAnswers: [],
    toasts: [],
    pullDownStops: 0,
    subscribeCalls: [],
    subscribeAnswer: null,
    route(key, answer) {
      routes.set(key, answer)
      return shim
    },
    requestsTo(key) {
      return shim.requests.filter((req) => `${req.method} ${req.path}` === key)
    },
  }

  const deliver = (delay, fn) => setTimeout(fn, delay || 0)

  shim.wx = {
    getAccountInfoSync: () => ({ miniProgram: { appId: 'touristappid', envVersion: shim.envVersion } }),

    getStorageSync: (key) => (storage.has(key) ? storage.get(key) : ''),
    setStorageSync: (key, value) => { storage.set(key, value) },
    removeStorageSync: (key) => { storage.delete(key) },
    clearStorageSync: () => { storage.clear() },

    login({ success, fail }) {
      const code = shim.loginCodes.shift()
      deliver(0, () => (code ? success({ code, errMsg: 'login:ok' }) : fail({ errMsg: 'login:fail no scripted code' })))
    },

    request({ url, method = 'GET', data, header = {}, timeout, success, fail }) {
      const { pathname } = new URL(url)
      const req = { method, path: pathname, url, data, header, timeout }
      shim.requests.push(req)
      const route = routes.get(`${method} ${pathname}`)
      const answer = typeof route === 'function' ? route(req) : route
      if (!answer) {
        deliver(0, () => success({ statusCode: 599, data: { code: 'shim.no_route', message: `${method} ${pathname}` } }))
      } else if (answer.fail) {
        deliver(answer.delay, () => fail({ errMsg: answer.fail }))
      } else {
        deliver(answer.delay, () => success({ statusCode: answer.status, data: answer.body, header: {} }))
      }
    },

    navigateTo(options) { shim.navigations.push({ kind: 'navigateTo', url: options.url }) },
    reLaunch(options) { shim.navigations.push({ kind: 'reLaunch', url: options.url }) },
    navigateBack() { shim.navigations.push({ kind: 'navigateBack' }) },
    setNavigationBarTitle() {},
    stopPullDownRefresh() { shim.pullDownStops += 1 },
    showToast(options) { shim.toasts.push(options.title) },

    showModal({ title, content, showCancel = true, confirmText, success }) {
      shim.modals.push({ title, content, showCancel, confirmText })
      const confirm = shim.modalAnswers.length > 0 ? shim.modalAnswers.shift() : false
      deliver(0, () => success && success({ confirm, cancel: !confirm }))
    },

    // Synchronous bookkeeping, as WeChat needs the call inside the tap; the answer arrives later.
    requestSubscribeMessage({ tmplIds, success, fail }) {
      shim.subscribeCalls.push(tmplIds)
      const answer = shim.subscribeAnswer
        || { fail: { errCode: 10001, errMsg: 'requestSubscribeMessage:fail no scripted answer' } }
      deliver(0, () => (answer.fail
        ? fail(answer.fail)
        : success({ errMsg: 'requestSubscribeMessage:ok', ...answer.success })))
    },
  }

  global.wx = shim.wx
  return shim
}

const tokenPair = (name) => ({
  access_token: `${name}-access`,
  refresh_token: `${name}-refresh`,
  expires_in: 900,
})

module.exports = { installWx, tokenPair }
