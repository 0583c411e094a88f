// Loads a page's js under a minimal Page(): enough to call its handlers and read what it setData'd.
const path = require('path')

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
      Object.assign(this.data, JSON.parse(JSON.stringify(patch)))
    },
  }
  return page
}

module.exports = { loadPage }
