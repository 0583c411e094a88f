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

// Loads a component's js under a minimal Component(): its properties (defaults, then `properties`) and data as `data`,
// its methods on the instance; setData runs the observers of the fields it sets; attach() / detach() run its
// lifetimes and pageShow() / pageHide() its pageLifetimes, as WeChat does around the page it is on.
function loadComponent(componentPath, properties = {}) {
  let definition = null
  global.Component = (def) => { definition = def }
  jest.isolateModules(() => {
    require(path.join(__dirname, '..', componentPath))
  })
  delete global.Component
  if (!definition) throw new Error(`${componentPath} did not call Component()`)

  const defaults = {}
  Object.entries(definition.properties || {}).forEach(([name, spec]) => {
    defaults[name] = spec && typeof spec === 'object' ? spec.value : null
  })
  const observers = Object.entries(definition.observers || {})
    .map(([fields, fn]) => ({ fields: fields.split(',').map((f) => f.trim()), fn }))
  const lifetimes = definition.lifetimes || {}
  const pageLifetimes = definition.pageLifetimes || {}
  const comp = {
    ...(definition.methods || {}),
    data: JSON.parse(JSON.stringify({ ...defaults, ...(definition.data || {}), ...properties })),
    events: [],
    setData(patch) {
      const copy = JSON.parse(JSON.stringify(patch))
      Object.keys(copy).forEach((key) => setPath(this.data, key, copy[key]))
      observers
        .filter(({ fields }) => fields.some((f) => Object.keys(copy).some((key) => key === f || key.startsWith(`${f}.`))))
        .forEach(({ fields, fn }) => fn.apply(this, fields.map((f) => this.data[f])))
    },
    triggerEvent(name, detail) {
      this.events.push({ name, detail })
    },
    attach: () => (lifetimes.attached ? lifetimes.attached.call(comp) : undefined),
    detach: () => (lifetimes.detached ? lifetimes.detached.call(comp) : undefined),
    pageShow: () => (pageLifetimes.show ? pageLifetimes.show.call(comp) : undefined),
    pageHide: () => (pageLifetimes.hide ? pageLifetimes.hide.call(comp) : undefined),
  }
  return comp
}

// A page with a component on it, driven as WeChat drives them: the component attached before the page's onLoad,
// its properties then set from the page's data (`bind`: property → data key), the page's show, hide and unload
// passed on to it (unload detaches it).
function loadScreen(pagePath, componentPath, bind) {
  const page = loadPage(pagePath)
  const part = loadComponent(componentPath)
  const sync = () => {
    const patch = {}
    Object.entries(bind).forEach(([prop, key]) => {
      if (part.data[prop] !== page.data[key]) patch[prop] = page.data[key]
    })
    if (Object.keys(patch).length > 0) part.setData(patch)
  }
  part.attach()
  return {
    page,
    part,
    load(query) {
      const done = page.onLoad(query)
      sync()
      return done
    },
    show() {
      const done = page.onShow && page.onShow()
      part.pageShow()
      return done
    },
    hide() {
      if (page.onHide) page.onHide()
      part.pageHide()
    },
    unload() {
      if (page.onUnload) page.onUnload()
      part.detach()
    },
  }
}

module.exports = {
  loadPage, instantiate, loadComponent, loadScreen,
}
