// Loads a page's js under a minimal Page(): enough to call its handlers and read what it setData'd. Behaviours
// (Behavior()) are mixed in as WeChat does for pages: their data and methods first, the page's own on top.
const path = require('path')

// setData's keys may be data paths, as in WeChat: 'form.theme', 'list[2].name'.
function setPath(data, key, value) {
  const parts = key.replace(/\[(\d+)\]/g, '.$1').split('.')
  let target = data
  parts.slice(0, -1).forEach((part, i) => {
    if (target[part] === null || typeof target[part] !== 'object') target[part] = /^\d+$/.test(parts[i + 1]) ? [] : {}
    target = target[part]
  })
  target[parts[parts.length - 1]] = value
}

// A behaviour's own behaviours come first, then its data and methods.
function mixins(behaviors = []) {
  return behaviors.reduce((acc, b) => {
    const inner = mixins(b.behaviors)
    return {
      data: { ...acc.data, ...inner.data, ...(b.data || {}) },
      methods: { ...acc.methods, ...inner.methods, ...(b.methods || {}) },
    }
  }, { data: {}, methods: {} })
}

// A Page() definition as an instance: what the page harness and tests of behaviours use.
function instantiate(definition) {
  const mixed = mixins(definition.behaviors)
  const page = {
    ...mixed.methods,
    ...definition,
    data: JSON.parse(JSON.stringify({ ...mixed.data, ...(definition.data || {}) })),
    setData(patch) {
      // setData crosses to the view layer as JSON, so only what survives serialisation reaches the template.
      const copy = JSON.parse(JSON.stringify(patch))
      Object.keys(copy).forEach((key) => setPath(this.data, key, copy[key]))
    },
  }
  return page
}

function loadPage(pagePath) {
  let definition = null
  global.Page = (def) => { definition = def }
  global.Behavior = (def) => def
  jest.isolateModules(() => {
    require(path.join(__dirname, '..', pagePath))
  })
  delete global.Page
  delete global.Behavior
  if (!definition) throw new Error(`${pagePath} did not call Page()`)
  return instantiate(definition)
}

module.exports = { loadPage, instantiate }
