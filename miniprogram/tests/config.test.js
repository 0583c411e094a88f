const { installWx } = require('./wx-shim')

let shim
let config
beforeEach(() => {
  jest.resetModules()
  shim = installWx()
  config = require('../config')
})

test('develop builds talk to the local server', () => {
  shim.envVersion = 'develop'
  expect(config.baseUrl()).toBe('http://127.0.0.1:8080')
})

test('trial and release builds use their own hosts', () => {
  shim.envVersion = 'trial'
  expect(config.baseUrl()).toBe(config.BASE_URLS.trial)
  shim.envVersion = 'release'
  expect(config.baseUrl()).toBe(config.BASE_URLS.release)
  expect(config.BASE_URLS.release).toMatch(/^https:\/\//)
})

test('the storage override wins outside release and loses its trailing slash', () => {
  wx.setStorageSync(config.OVERRIDE_KEY, 'http://127.0.0.1:39123/')
  shim.envVersion = 'develop'
  expect(config.baseUrl()).toBe('http://127.0.0.1:39123')
  shim.envVersion = 'trial'
  expect(config.baseUrl()).toBe('http://127.0.0.1:39123')
})

test('a release build ignores the override', () => {
  wx.setStorageSync(config.OVERRIDE_KEY, 'http://127.0.0.1:39123')
  shim.envVersion = 'release'
  expect(config.baseUrl()).toBe(config.BASE_URLS.release)
})

test('an unknown or unreadable envVersion is treated as release', () => {
  shim.envVersion = 'something-new'
  expect(config.baseUrl()).toBe(config.BASE_URLS.release)
  wx.getAccountInfoSync = () => { throw new Error('not supported') }
  expect(config.baseUrl()).toBe(config.BASE_URLS.release)
})
