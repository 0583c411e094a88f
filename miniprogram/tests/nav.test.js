// utils/nav.js: pages that lead to each other never pile up towards WeChat's ten-page limit.
const { installWx } = require('./wx-shim')

let shim
let nav
beforeEach(() => {
  jest.resetModules()
  shim = installWx()
  nav = require('../utils/nav')
})

const page = (route, options = {}) => ({ route, options })

test('a page not yet in the stack is opened on top', () => {
  shim.pages = [page('pages/index/index'), page('pages/community/index')]
  nav.open('/pages/service-item/index?id=21')
  expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/service-item/index?id=21' }])
})

test('the same page with the same query further down: back to it (社区 → 服务项目 → 社区)', () => {
  shim.pages = [page('pages/index/index'), page('pages/community/index', { community: '30' }), page('pages/service-item/index', { id: '21' })]
  expect(nav.open('/pages/community/index?community=30')).toEqual({ kind: 'navigateBack', delta: 1 })
  expect(shim.navigations).toEqual([{ kind: 'navigateBack' }])
})

test('the same route with another query: the current page is replaced', () => {
  shim.pages = [page('pages/index/index'), page('pages/my-service/index'), page('pages/service-item/index', { id: '21' })]
  expect(nav.open('/pages/service-item/index?id=22').kind).toBe('redirectTo')
})

test('a stack nearly full: replaced, never a tenth page', () => {
  shim.pages = Array.from({ length: 9 }, (_, i) => page(`pages/p${i}/index`))
  expect(nav.open('/pages/scan/index').kind).toBe('redirectTo')
})

test('scan → result → scan again and result → home do not stack', () => {
  const scanPage = require('fs').readFileSync(require('path').join(__dirname, '../pages/scan/index.js'), 'utf8')
  const resultPage = require('fs').readFileSync(require('path').join(__dirname, '../pages/checkin-result/index.js'), 'utf8')
  expect(scanPage).toMatch(/wx\.redirectTo\(\{ url: `\/pages\/checkin-result\/index/)
  expect(resultPage).toMatch(/wx\.redirectTo\(\{ url: '\/pages\/scan\/index' \}\)/)
  expect(resultPage).toMatch(/wx\.reLaunch\(\{ url: '\/pages\/index\/index' \}\)/)
})
