// Renders a page's real template with miniprogram-simulate, fed with the data its js produced through the Page harness,
// so a test reads what a person reads. For test files under `@jest-environment jsdom`:
//
//   const { render, text } = require('./page-render')
//   expect(text(render('pages/deliveries/index', page.data))).toContain('送达情况')
const fs = require('fs')
const path = require('path')
const { installWx } = require('./wx-shim')

// miniprogram-simulate merges its own wx API into global.wx when it loads; with the shim there first, the shim's
// functions win.
installWx()
const simulate = require('miniprogram-simulate')

const stateViewId = simulate.load(path.join(__dirname, '../components/state-view/index'))

// A page's wxml rendered as a component's template with `data`; handlers are stubs, and each entry of the page's
// usingComponents renders as components/state-view (the one component these pages use).
function render(page, data) {
  const dir = path.join(__dirname, '..', page)
  const { usingComponents = {} } = JSON.parse(fs.readFileSync(`${dir}.json`, 'utf8'))
  const using = {}
  Object.keys(usingComponents).forEach((name) => { using[name] = stateViewId })
  const id = simulate.load({ template: fs.readFileSync(`${dir}.wxml`, 'utf8'), usingComponents: using, data })
  const comp = simulate.render(id, {})
  comp.attach(document.createElement('parent-wrapper'))
  return comp
}

// What the rendered page says, without the whitespace of the template.
const text = (comp) => comp.dom.textContent.replace(/\s+/g, '')

module.exports = { render, text }
