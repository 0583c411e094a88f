// A scriptable stand-in for the parts of `wx` this mini-program uses. installWx() puts a fresh one on `global.wx`.
//
//   const shim = installWx({ envVersion: 'develop' })
//   shim.route('POST /api/v1/auth/wechat', (req) => ({ status: 200, body: { status: 'ok', ... } }))
//   shim.loginCodes.push('code-1')
//   shim.modalAnswers.push(true)             // the next wx.showModal is confirmed (default: cancelled)
//   shim.subscribeAnswer = { success: { TPL: 'accept' } }  // or { fail: { errCode, errMsg } }
//   shim.modalAnswers.push({ confirm: true, content: '无智能手机' })  // an editable modal's text
//   shim.scanAnswers.push({ result: 'https://…/c/K7P2QX9M?t=…' })    // or { fail: 'scanCode:fail cancel' }
//   shim.authSetting['scope.userLocation'] = true; shim.location = { latitude, longitude, accuracy }
//   shim.setNetwork(true)                    // calls every wx.onNetworkStatusChange listener
//   shim.chosenLocation = { name, address, latitude, longitude }     // wx.chooseLocation's answer
//   shim.pages = ['pages/index/index', 'pages/community/index']      // getCurrentPages(), for utils/nav.js
//   shim.scrolls                             // every wx.pageScrollTo's options
//   shim.mediaAnswers.push({ tempFiles: [{ tempFilePath: 'wxfile://tmp_1.jpg', size: 2048 }] })  // or { fail: errMsg }
//   shim.previews, shim.documents, shim.loadings  // every wx.previewImage / wx.openDocument / wx.showLoading's options
//   shim.phoneCalls                          // the number of every wx.makePhoneCall
//
// A route answers with { status, body, delay } or { fail: errMsg } (wx.request's fail callback), either as a value or
// as a function of the request { method, path, url, data, header, timeout }. Every request is logged in shim.requests.
// Answers arrive asynchronously, as on a device, so parallel requests really interleave.
//
// wx.uploadFile and wx.downloadFile answer from the same routes and are logged there too: an upload as
// POST <path> with { kind: 'upload', query, filePath, name }, its body given back as text (as WeChat does); a download
// as GET <path> with { kind: 'download' }, its body written to a temporary file (shim.files: path → content, read by
// wx.getFileSystemManager().readFileSync) whose path is the answer's tempFilePath, whatever the status.

let installed = null

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
    scanCalls: [],
    scanAnswers: [],
    authSetting: {},
    location: null, // { latitude, longitude, accuracy, delay } or { fail: errMsg }; null fails
    locationCalls: 0,
    locationTypes: [], // the `type` of every wx.getLocation (coordinate system)
    openSettingCalls: 0,
    chosenLocation: null, // wx.chooseLocation's answer { name, address, latitude, longitude } or { fail: errMsg }
    pages: null, // getCurrentPages(): a list of { route }, or null when the test does not model the stack
    networkListeners: [],
    keepScreenOn: false,
    scrolls: [], // every wx.pageScrollTo's options
    files: new Map(), // temporary path → content, of every download
    mediaCalls: [], // every wx.chooseMedia's options (without its callbacks)
    mediaAnswers: [], // wx.chooseMedia's answers, in turn: { tempFiles } or { fail: errMsg }; none left is a cancel
    previews: [], // every wx.previewImage's options
    documents: [], // every wx.openDocument's options (without its callbacks)
    loadings: [], // the title of every wx.showLoading
    loadingShown: false,
    phoneCalls: [], // the phoneNumber of every wx.makePhoneCall
    setNetwork(isConnected) {
      shim.networkListeners.forEach((listener) => listener({ isConnected, networkType: isConnected ? 'wifi' : 'none' }))
    },
    route(key, answer) {
      routes.set(key, answer)
      return shim
    },
    requestsTo(key) {
      return shim.requests.filter((req) => `${req.method} ${req.path}` === key)
    },
  }

  const deliver = (delay, fn) => setTimeout(fn, delay || 0)

  // What the routes answer `req` with (logged first); success gets { statusCode, body }, fail { errMsg }.
  function respond(req, { success, fail }) {
    shim.requests.push(req)
    const route = routes.get(`${req.method} ${req.path}`)
    const given = typeof route === 'function' ? route(req) : route
    if (!given) {
      deliver(0, () => success({ statusCode: 599, body: { code: 'shim.no_route', message: `${req.method} ${req.path}` } }))
    } else if (given.fail) {
      deliver(given.delay, () => fail({ errMsg: given.fail }))
    } else {
      deliver(given.delay, () => success({ statusCode: given.status, body: given.body }))
    }
  }
  const asText = (body) => (typeof body === 'string' ? body : JSON.stringify(body === undefined ? '' : body))
  let tempFiles = 0

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
      const req = { method, path: new URL(url).pathname, url, data, header, timeout }
      respond(req, { success: ({ statusCode, body }) => success({ statusCode, data: body, header: {} }), fail })
    },

    uploadFile({ url, filePath, name, header = {}, timeout, success, fail }) {
      const { pathname, searchParams } = new URL(url)
      const req = {
        kind: 'upload', method: 'POST', path: pathname, url, query: Object.fromEntries(searchParams), filePath, name, header, timeout,
      }
      respond(req, {
        success: ({ statusCode, body }) => success({ statusCode, data: asText(body), errMsg: 'uploadFile:ok' }),
        fail: (err) => fail && fail({ errMsg: err.errMsg.replace(/^request:/, 'uploadFile:') }),
      })
    },

    downloadFile({ url, header = {}, timeout, success, fail }) {
      const req = { kind: 'download', method: 'GET', path: new URL(url).pathname, url, header, timeout }
      respond(req, {
        success: ({ statusCode, body }) => {
          tempFiles += 1
          const tempFilePath = `wxfile://tmp_download_${tempFiles}`
          shim.files.set(tempFilePath, asText(body))
          success({ statusCode, tempFilePath, errMsg: 'downloadFile:ok' })
        },
        fail: (err) => fail && fail({ errMsg: err.errMsg.replace(/^request:/, 'downloadFile:') }),
      })
    },

    getFileSystemManager: () => ({
      readFileSync(filePath) {
        if (!shim.files.has(filePath)) throw new Error(`readFileSync:fail no such file or directory ${filePath}`)
        return shim.files.get(filePath)
      },
    }),

    chooseMedia({ success, fail, ...options }) {
      shim.mediaCalls.push(options)
      const given = shim.mediaAnswers.shift() || { fail: 'chooseMedia:fail cancel' }
      deliver(0, () => (given.fail
        ? fail && fail({ errMsg: given.fail })
        : success({ type: 'image', errMsg: 'chooseMedia:ok', ...given })))
    },

    previewImage(options) { shim.previews.push(options) },
    openDocument({ success, fail, ...options }) {
      shim.documents.push(options)
      if (success) deliver(0, () => success({ errMsg: 'openDocument:ok' }))
    },
    showLoading({ title }) {
      shim.loadings.push(title)
      shim.loadingShown = true
    },
    hideLoading() { shim.loadingShown = false },
    makePhoneCall({ phoneNumber }) { shim.phoneCalls.push(phoneNumber) },

    navigateTo(options) { shim.navigations.push({ kind: 'navigateTo', url: options.url }) },
    reLaunch(options) { shim.navigations.push({ kind: 'reLaunch', url: options.url }) },
    navigateBack() { shim.navigations.push({ kind: 'navigateBack' }) },
    redirectTo(options) { shim.navigations.push({ kind: 'redirectTo', url: options.url }) },
    setKeepScreenOn({ keepScreenOn }) { shim.keepScreenOn = keepScreenOn },
    setNavigationBarTitle() {},
    stopPullDownRefresh() { shim.pullDownStops += 1 },
    pageScrollTo(options) { shim.scrolls.push(options) },
    showToast(options) { shim.toasts.push(options.title) },

    // An answer is true/false, or { confirm, content } for an editable modal (content: what was typed).
    showModal({
      title, content, showCancel = true, confirmText, cancelText, editable, placeholderText, success,
    }) {
      const modal = { title, content, showCancel, confirmText }
      if (cancelText !== undefined) modal.cancelText = cancelText
      if (editable) Object.assign(modal, { editable, placeholderText })
      shim.modals.push(modal)
      const answer = shim.modalAnswers.length > 0 ? shim.modalAnswers.shift() : false
      const confirm = typeof answer === 'object' ? Boolean(answer.confirm) : answer
      const typed = typeof answer === 'object' ? answer.content || '' : ''
      deliver(0, () => success && success({ confirm, cancel: !confirm, ...(editable ? { content: typed } : {}) }))
    },

    scanCode(options) {
      shim.scanCalls.push({ onlyFromCamera: options.onlyFromCamera, scanType: options.scanType })
      const answer = shim.scanAnswers.shift() || { fail: 'scanCode:fail cancel' }
      deliver(0, () => (answer.fail
        ? options.fail && options.fail({ errMsg: answer.fail })
        : options.success({ result: answer.result, scanType: 'QR_CODE', errMsg: 'scanCode:ok' })))
    },

    getSetting({ success }) {
      deliver(0, () => success({ authSetting: { ...shim.authSetting }, errMsg: 'getSetting:ok' }))
    },

    getLocation({ type, success, fail }) {
      shim.locationCalls += 1
      shim.locationTypes.push(type)
      const answer = shim.location
      if (!answer || answer.fail) {
        deliver(0, () => fail && fail({ errMsg: (answer && answer.fail) || 'getLocation:fail auth deny' }))
        return
      }
      const { delay, ...where } = answer
      deliver(delay, () => success({ ...where, errMsg: 'getLocation:ok' }))
    },

    openSetting(options = {}) {
      shim.openSettingCalls += 1
      deliver(0, () => {
        if (options.success) options.success({ authSetting: { ...shim.authSetting }, errMsg: 'openSetting:ok' })
        if (options.complete) options.complete({})
      })
    },

    chooseLocation({ success, fail }) {
      const answer = shim.chosenLocation || { fail: 'chooseLocation:fail cancel' }
      deliver(0, () => (answer.fail
        ? fail && fail({ errMsg: answer.fail })
        : success({ ...answer, errMsg: 'chooseLocation:ok' })))
    },

    onNetworkStatusChange(listener) { shim.networkListeners.push(listener) },

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
  global.getCurrentPages = () => (shim.pages || []).map((p) => (typeof p === 'string' ? { route: p } : p))
  installed = shim
  return shim
}

// The shim installed last: the one behind `wx` (tests/signed-in.js hands it to the tests).
function installedShim() {
  if (!installed) throw new Error('no wx shim is installed yet: installWx() first')
  return installed
}

// A TokenPair as the server answers it (tests/fixtures-schema.test.js checks it against the OpenAPI document).
const tokenPair = (name) => ({
  status: 'ok',
  access_token: `${name}-access`,
  token_type: 'Bearer',
  refresh_token: `${name}-refresh`,
  expires_in: 900,
  refresh_expires_in: 2592000,
})

module.exports = { installWx, installedShim, tokenPair }
