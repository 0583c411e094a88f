/**
 * @jest-environment jsdom
 */
// Renders the real wxml/js/wxss of components/invite-form with the WeChat team's miniprogram-simulate.
const path = require('path')
const { installWx } = require('./wx-shim')

installWx()
const simulate = require('miniprogram-simulate')

// Loaded once: the component's js runs through require(), which jest caches for the whole file.
const formId = simulate.load(path.join(__dirname, '../components/invite-form/index'))

function render(properties) {
  const comp = simulate.render(formId, properties)
  comp.attach(document.createElement('parent-wrapper'))
  return comp
}

const text = (comp, selector) => {
  const node = comp.querySelector(selector)
  return node ? node.dom.textContent.trim() : null
}

test('shows no error until one is given', () => {
  const comp = render({})
  expect(text(comp, '.error-text')).toBeNull()
})

test('an error code from the server is rendered as Chinese text', async () => {
  const comp = render({})
  comp.setData({ error: { code: 'auth.invite_invalid', message: 'unknown invite code' } })
  await simulate.sleep(0)
  expect(text(comp, '.error-text')).toBe('邀请码无效或已过期，请向组织管理员核实')
})

test('an unknown code shows the server message instead', async () => {
  const comp = render({ error: { code: 'activity.closed', message: '本月活动已结束' } })
  await simulate.sleep(0)
  expect(text(comp, '.error-text')).toBe('本月活动已结束')
})

test('submitting emits the trimmed invite code, and nothing while it is empty or busy', async () => {
  const comp = render({})
  const submitted = []
  comp.addEventListener('submit', (e) => submitted.push(e.detail))
  const tap = () => {
    comp.querySelector('.submit').dispatchEvent('tap')
    return simulate.sleep(0)
  }

  await tap()
  expect(submitted).toEqual([])

  comp.querySelector('.input').dispatchEvent('input', { detail: { value: '  ABCD1234 ' } })
  await simulate.sleep(0)
  await tap()
  expect(submitted).toEqual([{ inviteCode: 'ABCD1234' }])

  comp.setData({ busy: true })
  await tap()
  expect(submitted).toHaveLength(1)
})
