/**
 * @jest-environment jsdom
 */
// components/rotating-qr rendered with miniprogram-simulate, in WeChat's own component framework: fetched when
// attached, the refresh hint, the dimmed code, 重试 after a failed first fetch, stopped when its page hides and
// fetched again when it shows. Its timing on the fake clock, with each page, is in organiser-pages.test.js (venue)
// and community-admin-pages.test.js (volunteer activity).
const path = require('path')
const { installWx, tokenPair } = require('./wx-shim')
const { settleUntil } = require('./settle')

let shim = installWx()
const simulate = require('miniprogram-simulate')

const QR = 'GET /api/v1/activities/12/qr'
const answer = (png, windowSeconds = 30) => ({
  status: 200,
  body: {
    url: 'https://hdr.example.cn/c/K7P2QX9M?t=tokenxxxxxxxxxx',
    token: 'tokenxxxxxxxxxx',
    window_seconds: windowSeconds,
    valid_until: new Date(Date.now() + 60000).toISOString(),
    png_base64: png,
  },
})

let qrId
beforeAll(() => {
  qrId = simulate.load(path.join(__dirname, '../components/rotating-qr/index'), { rootPath: path.join(__dirname, '..') })
})

beforeEach(() => {
  shim = installWx()
  wx.setStorageSync('hdr.accessToken', tokenPair('t').access_token)
})

function render() {
  const comp = simulate.render(qrId, { src: '/api/v1/activities/12/qr' })
  comp.attach(document.createElement('parent-wrapper'))
  return comp
}

const text = (comp) => comp.dom.textContent.replace(/\s+/g, '')

test('fetched when attached: the code and how often it changes; the screen kept on', async () => {
  shim.route(QR, answer('PNG1'))
  const comp = render()
  await settleUntil(() => comp.instance.data.qrSrc !== '')
  expect(shim.requestsTo(QR)).toHaveLength(1)
  expect(comp.instance.data.qrSrc).toBe('data:image/png;base64,PNG1')
  expect(text(comp)).toBe('请用微信扫一扫签到，二维码每30秒更新')
  expect(shim.keepScreenOn).toBe(true)
  comp.detach()
  expect(shim.keepScreenOn).toBe(false)
})

test('a static code says only how to scan', async () => {
  shim.route(QR, answer('PNG1', 0))
  const comp = render()
  await settleUntil(() => comp.instance.data.qrSrc !== '')
  expect(text(comp)).toBe('请用微信扫一扫签到')
  comp.detach()
})

test('a failed first fetch is the error state with 重试, which fetches again', async () => {
  shim.route(QR, { fail: 'request:fail' })
  const comp = render()
  await settleUntil(() => text(comp) === '网络连接失败，请检查网络后重试重试')
  expect(text(comp)).toBe('网络连接失败，请检查网络后重试重试')
  shim.route(QR, answer('PNG2'))
  comp.querySelector('#state').querySelector('.state-retry').dispatchEvent('tap')
  await settleUntil(() => comp.instance.data.qrSrc === 'data:image/png;base64,PNG2')
  expect(shim.requestsTo(QR)).toHaveLength(2)
  expect(comp.instance.data).toMatchObject({ qrSrc: 'data:image/png;base64,PNG2', loadError: null })
  expect(text(comp)).toBe('请用微信扫一扫签到，二维码每30秒更新')
  comp.detach()
})

test('a code that could not be refreshed stays, dimmed, with a note', async () => {
  shim.route(QR, answer('PNG1'))
  const comp = render()
  await settleUntil(() => comp.instance.data.qrSrc !== '')
  comp.instance.setData({ qrStale: true })
  expect(comp.querySelector('.qr').dom.className).toContain('stale')
  expect(text(comp)).toContain('网络不畅，二维码可能已过期，正在重新获取…')
  comp.detach()
})

test('its page hidden: stopped, the screen may sleep; shown again: fetched at once', async () => {
  shim.route(QR, answer('PNG1'))
  const comp = render()
  await settleUntil(() => comp.instance.data.qrSrc !== '')
  comp.triggerPageLifeTime('hide')
  expect(shim.keepScreenOn).toBe(false)
  comp.triggerPageLifeTime('show')
  await settleUntil(() => shim.requestsTo(QR).length === 2 && shim.keepScreenOn)
  expect(shim.requestsTo(QR)).toHaveLength(2)
  expect(shim.keepScreenOn).toBe(true)
  comp.triggerPageLifeTime('show') // shown already: nothing more
  await simulate.sleep(10) // nothing is expected to happen: a short wait is enough to see it did not
  expect(shim.requestsTo(QR)).toHaveLength(2)
  comp.detach()
})
