// Loads a page's js under a minimal Page(): enough to call its handlers and read what it setData'd.
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

function loadPage(pagePath) {
  let definition = null
  global.Page = (def) => { definition = def }
  jest.isolateModules(() => {
    require(path.join(__dirname, '..', pagePath))
  })
  delete global.Page
  if (!definition) throw new Error(`${pagePath} did not call Page()`)

  const page = {
    ...definition,
    data: JSON.parse(JSON.stringify(definition.data || {})),
    setData(patch) {
      // setData crosses to the view layer as JSON, so only what survives serialisation reaches the template.
      const copy = JSON.parse(JSON.stringify(patch))
      Object.keys(copy).forEach((key) => setPath(this.data, key, copy[key]))
    },
  }
  return page
}

module.exports = { loadPage }
