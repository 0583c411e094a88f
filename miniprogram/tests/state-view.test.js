/**
 * @jest-environment jsdom
 */
// Renders components/state-view with miniprogram-simulate: one state at a time, 重试 only for retryable errors.
const path = require('path')
const { installWx } = require('./wx-shim')

installWx()
const simulate = require('miniprogram-simulate')

const viewId = simulate.load(path.join(__dirname, '../components/state-view/index'))
const hostId = simulate.load({
  template: '<state-view id="s" loading="{{loading}}" error="{{error}}" empty="{{empty}}" empty-text="还没有计划" bind:retry="onRetry">'
    + '<text class="content">内容</text></state-view>',
  usingComponents: { 'state-view': viewId },
  data: { loading: false, error: null, empty: false, retries: 0 },
  methods: { onRetry() { this.setData({ retries: this.data.retries + 1 }) } },
})

function render(data) {
  const comp = simulate.render(hostId, {})
  comp.attach(document.createElement('parent-wrapper'))
  comp.setData(data)
  return comp
}

const text = (comp) => comp.dom.textContent.replace(/\s+/g, '')

test('loading, then empty, then the content', async () => {
  const comp = render({ loading: true })
  expect(text(comp)).toBe('加载中…')
  comp.setData({ loading: false, empty: true })
  expect(text(comp)).toBe('还没有计划')
  comp.setData({ empty: false })
  expect(text(comp)).toBe('内容')
})

test('a retryable error offers 重试, which fires retry', async () => {
  const comp = render({ error: { code: 'network', message: '网络连接失败，请检查网络后重试', retryable: true } })
  expect(text(comp)).toBe('网络连接失败，请检查网络后重试重试')
  const view = comp.querySelector('#s')
  view.querySelector('.state-retry').dispatchEvent('tap')
  await simulate.sleep(0)
  expect(comp.instance.data.retries).toBe(1)
})

test('other errors are only shown', () => {
  const comp = render({ error: { code: 'auth.forbidden', message: '没有权限进行此操作', retryable: false } })
  expect(text(comp)).toBe('没有权限进行此操作')
})
