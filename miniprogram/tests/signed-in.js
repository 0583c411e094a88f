// How most test files start: each test signed in (a 't-access' token in storage) on a fresh wx shim, with the
// mini-program's modules loaded afresh; after it, mocks restored and the real clock back.
//
//   const shim = signedIn({ now: '2026-11-20T02:00:00Z' })  // and Date.now fixed at that instant in each test
//   test('…', async () => { shim.route('GET /api/v1/me', …) })
//
// `shim` is the shim installed last: the one each test starts with, or the one a test that starts over installed
// itself (jest.resetModules(); installWx()), so the tests and the helpers of a file always reach the shim behind
// `wx`. A file's own beforeEach (requiring the module under test) goes after this call: hooks run in order.
const { installWx, installedShim, tokenPair } = require('./wx-shim')

function signedIn({ now } = {}) {
  beforeEach(() => {
    jest.resetModules()
    installWx()
    wx.setStorageSync('hdr.accessToken', tokenPair('t').access_token)
    if (now) jest.spyOn(Date, 'now').mockReturnValue(Date.parse(now))
  })
  afterEach(() => {
    jest.useRealTimers()
    jest.restoreAllMocks()
  })
  return new Proxy({}, {
    get: (_, key) => installedShim()[key],
    set: (_, key, value) => {
      installedShim()[key] = value
      return true
    },
  })
}

module.exports = { signedIn }
