// Renders a page's real template with miniprogram-simulate, fed with the data its js produced through the Page harness,
// so a test reads what a person reads. For test files under `@jest-environment jsdom`:
//
//   const { render, text } = require('./page-render')
//   expect(text(render('pages/deliveries/index', page.data))).toContain('送达情况')
const fs = require('fs')
const path = require('path')
const { installWx } = require('./wx-shim')
const { settleUntil } = require('./settle')

// miniprogram-simulate merges its own wx API into global.wx when it loads; with the shim there first, the shim's
// functions win.
installWx()
const simulate = require('miniprogram-simulate')

const stateViewId = simulate.load(path.join(__dirname, '../components/state-view/index'))

const ROOT = path.join(__dirname, '..')

// A page's wxml rendered as a component's template with `data`; handlers are stubs, and each entry of the page's
// usingComponents renders as components/state-view (what wraps these pages' content), except those named in `real`:
// they render as themselves, their js loaded afresh (with the modules of the test that renders them) and run through
// the shim — components/attachment-list loads its files when attached; settleUntil() waits until its answers arrived.
function render(page, data, { real = [] } = {}) {
  const dir = path.join(ROOT, page)
  const { usingComponents = {} } = JSON.parse(fs.readFileSync(`${dir}.json`, 'utf8'))
  const using = {}
  Object.entries(usingComponents).forEach(([name, target]) => {
    using[name] = real.includes(name) ? simulate.load(path.join(ROOT, target), { rootPath: ROOT, compiler: 'simulate' }) : stateViewId
  })
  const id = simulate.load({ template: fs.readFileSync(`${dir}.wxml`, 'utf8'), usingComponents: using, data })
  const comp = simulate.render(id, {})
  comp.attach(document.createElement('parent-wrapper'))
  return comp
}

// What the rendered page says, without the whitespace of the template.
const text = (comp) => comp.dom.textContent.replace(/\s+/g, '')

module.exports = { render, text, settleUntil }
