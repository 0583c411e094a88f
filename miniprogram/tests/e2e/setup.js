// What every end-to-end file starts with: a stack of its own (stack.js) for all of the file's tests, and one WeChat
// "device" talking to it, the wx shim doing real HTTP (wx-http.js) with the API base pointed at that stack.
//
//   const { stack, shim } = useStackAndDevice()
//   const api = require('../../utils/api') // the mini-program's modules, required once the shim is on global.wx
//
// `shim` is there at once; `stack` is filled in by beforeAll (baseUrl, adminToken, member, invite, …: see startStack).
// Every test starts with an empty shim.requests, so it sees only what it sent itself.
const { installWx } = require('../wx-shim')
const { useRealHttp } = require('./wx-http')
const { mintLoginCode, startStack, stopStack } = require('./stack')

const START_TIMEOUT_MS = 60000
const STOP_TIMEOUT_MS = 20000

function useStackAndDevice() {
  const shim = useRealHttp(installWx({ envVersion: 'develop' }))
  const stack = {}

  beforeAll(async () => {
    Object.assign(stack, await startStack())
    wx.setStorageSync('apiBaseOverride', stack.baseUrl)
  }, START_TIMEOUT_MS)

  afterAll(async () => {
    // A startStack that failed has already stopped what it started, and filled in nothing.
    if (stack.processes) await stopStack(stack)
    shim.removeTempFiles() // what wx.downloadFile wrote
    delete global.wx
  }, STOP_TIMEOUT_MS)

  beforeEach(() => {
    shim.requests.length = 0
  })

  return { stack, shim }
}

// For the files that drive pages: each test starts with nothing shown on the device (toasts, modals and their
// scripted answers, navigations, previews), and once a test has found that the binary does not serve the API the
// file is about (`throw guard.apiMissing(message)`), every later test fails with that message rather than with a
// cascade of odd errors.
//
//   const guard = useFreshScreen(shim)
function useFreshScreen(shim) {
  let missing = null
  beforeEach(() => {
    if (missing) throw missing
    ;[shim.toasts, shim.modals, shim.modalAnswers, shim.navigations, shim.previews].forEach((list) => { list.length = 0 })
  })
  return {
    apiMissing(message) {
      missing = new Error(message)
      return missing
    },
  }
}

// The people a file's tests switch its one device between:
//
//   const people = devicePeople(stack, shim)
//   await people.bind('member', 'o-openid', stack.invite.code)   // WeChat login, bound with the invite code
//   people.tokens.admin = { access_token: stack.adminToken, refresh_token: '' }
//   people.as('member')   // the device is now that person's: their tokens, and no /me cached for someone else
function devicePeople(stack, shim) {
  const auth = require('../../utils/auth')
  const tokens = {}
  return {
    tokens,
    async bind(who, openid, inviteCode) {
      auth.clear()
      shim.loginCodes.push(await mintLoginCode(stack, openid))
      const login = await auth.login()
      expect(login.status).toBe('unbound')
      await auth.bind(login.bindTicket, inviteCode)
      tokens[who] = {
        access_token: wx.getStorageSync(auth.KEYS.accessToken),
        refresh_token: wx.getStorageSync(auth.KEYS.refreshToken),
      }
    },
    as(who) {
      auth.clear()
      wx.removeStorageSync(auth.PERSON_KEY)
      auth.saveTokens(tokens[who])
    },
  }
}

module.exports = { useStackAndDevice, useFreshScreen, devicePeople }
