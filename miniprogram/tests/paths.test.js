// utils/paths.js is the only place that writes the server's '/api/v1' paths, and every path it builds is an operation
// of the server's document (tests/openapi.json).
const fs = require('fs')
const path = require('path')
const paths = require('../utils/paths')
const openapi = require('./openapi.json')

const ROOT = path.join(__dirname, '..')
const MODULE = path.join(ROOT, 'utils', 'paths.js')

function jsFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return jsFiles(full)
    return entry.name.endsWith('.js') ? [full] : []
  })
}

test("no page, component, behaviour or util writes '/api/v1' itself", () => {
  const files = ['pages', 'components', 'behaviors', 'utils']
    .flatMap((dir) => jsFiles(path.join(ROOT, dir)))
    .concat(['app.js', 'config.js'].map((f) => path.join(ROOT, f)))
    .filter((f) => f !== MODULE)
  expect(files.length).toBeGreaterThan(30)
  const offenders = files.flatMap((f) => fs.readFileSync(f, 'utf8').split('\n')
    .map((line, i) => (line.includes('/api/v1') ? `${path.relative(ROOT, f)}:${i + 1}: ${line.trim()}` : null))
    .filter(Boolean))
  expect(offenders).toEqual([])
})

test('ids go into the path as given', () => {
  expect(paths.plan(7)).toBe('/api/v1/plans/7')
  expect(paths.planStep(7, 'submit')).toBe('/api/v1/plans/7/submit')
  expect(paths.orgPlans('3')).toBe('/api/v1/orgs/3/plans')
  expect(paths.meCommitmentProgress(2026)).toBe('/api/v1/me/commitments/2026/progress')
  expect(paths.activityQr(12)).toBe('/api/v1/activities/12/qr')
  expect(paths.serviceItemQr(26)).toBe('/api/v1/service-items/26/qr')
  expect(paths.me()).toBe('/api/v1/me')
})

test("every path is one of the server's operations", () => {
  const shape = (p) => p.replace(/\{[^}]+\}/g, '{}')
  const known = new Set(Object.keys(openapi.paths).map(shape))
  const missing = Object.entries(paths)
    .map(([name, build]) => [name, shape(build(...Array(build.length).fill('{x}')))])
    .filter(([, p]) => !known.has(p))
  // planStep's step is one of the plan's transitions, each an operation of its own
  const steps = missing.filter(([name]) => name === 'planStep')
  expect(missing.filter(([name]) => name !== 'planStep')).toEqual([])
  expect(steps.length).toBe(1)
  ;['submit', 'approve', 'return', 'publish'].forEach((step) => {
    expect(known.has(shape(paths.planStep('{x}', step)))).toBe(true)
  })
})
