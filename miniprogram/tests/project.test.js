// Catches what only WeChat DevTools would otherwise report: a template that does not compile, a page listed in
// app.json without its files, a usingComponents path that points nowhere.
const fs = require('fs')
const path = require('path')
// miniprogram-simulate's own compiler (WeChat's wcc/wcsc), installed with it
// eslint-disable-next-line import/no-extraneous-dependencies
const compiler = require('miniprogram-compiler')

const root = path.join(__dirname, '..')
const readJson = (file) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'))
const exists = (file) => fs.existsSync(path.join(root, file))

test('every wxml and wxss file compiles with the official WeChat compilers', () => {
  expect(() => compiler.wxmlToJs(root)).not.toThrow()
  expect(() => compiler.wxssToJs(root)).not.toThrow()
})

test('every page in app.json has its four files', () => {
  const { pages } = readJson('app.json')
  expect(pages[0]).toBe('pages/index/index')
  pages.forEach((page) => {
    ['js', 'json', 'wxml', 'wxss'].forEach((ext) => expect(exists(`${page}.${ext}`)).toBe(true))
  })
})

test('every usingComponents entry points at a component', () => {
  const { pages } = readJson('app.json')
  pages.forEach((page) => {
    const using = readJson(`${page}.json`).usingComponents || {}
    Object.values(using).forEach((target) => {
      const base = target.startsWith('/') ? target.slice(1) : path.join(path.dirname(page), target)
      expect(readJson(`${base}.json`).component).toBe(true)
    })
  })
})

test('tests and Node tooling are left out of the upload', () => {
  const ignored = readJson('project.config.json').packOptions.ignore.map((entry) => entry.value)
  expect(ignored).toEqual(expect.arrayContaining(['tests', 'node_modules', 'package.json', 'package-lock.json', '.eslintrc.js']))
})
