// Shared styles live in app.wxss (issue 13, 8.3): a rule several pages need is written once there, and a page keeps
// only what is its own or what it changes. This fails when the same selector with the same declarations is written in
// two or more pages' wxss, so copies do not creep back; move such a rule to app.wxss (or give the variant two pages
// share a modifier there, like .head.spaced) instead.
const fs = require('fs')
const path = require('path')

const PAGES = path.join(__dirname, '..', 'pages')

// Selectors allowed to repeat word for word, each with why.
const ALLOWED = {
  '.save': 'a form button\'s margin-top alone, 24, 32 or 40rpx by form: one declaration, not worth a shared rule',
  '.status-submitted': 'plan and review colour a plan\'s status on their own .status badge, and review\'s has a grey '
    + 'background that would win over an app.wxss colour',
  '.status-filed': 'as .status-submitted',
}

// selector -> declarations -> pages, from { page: wxss text }
function rulesOf(sources) {
  const rules = {}
  Object.entries(sources).forEach(([page, text]) => {
    const src = text.replace(/\/\*[\s\S]*?\*\//g, '')
    ;[...src.matchAll(/([^{}]+)\{([^}]*)\}/g)].forEach(([, selectors, body]) => {
      const decls = body.split(';').map((d) => d.trim().replace(/\s+/g, ' ')).filter(Boolean).join('; ')
      selectors.split(',').map((s) => s.trim().replace(/\s+/g, ' ')).forEach((selector) => {
        rules[selector] = rules[selector] || {}
        rules[selector][decls] = [...(rules[selector][decls] || []), page]
      })
    })
  })
  return rules
}

const pageSources = () => Object.fromEntries(fs.readdirSync(PAGES)
  .filter((page) => fs.existsSync(path.join(PAGES, page, 'index.wxss')))
  .map((page) => [page, fs.readFileSync(path.join(PAGES, page, 'index.wxss'), 'utf8')]))

const copiesIn = (rules, allowed) => Object.entries(rules).filter(([selector]) => !allowed[selector])
  .flatMap(([selector, bodies]) => Object.entries(bodies).filter(([, pages]) => pages.length > 1)
    .map(([decls, pages]) => `${selector} { ${decls} } in ${pages.join(', ')}`))

test('no page wxss repeats a rule another page has word for word (those belong in app.wxss)', () => {
  expect(copiesIn(rulesOf(pageSources()), ALLOWED)).toEqual([])
})

test('every allowed repeat is still repeated (the list stays short)', () => {
  const rules = rulesOf(pageSources())
  const stale = Object.keys(ALLOWED)
    .filter((selector) => !Object.values(rules[selector] || {}).some((pages) => pages.length > 1))
  expect(stale).toEqual([])
})

test('the check finds a copy however it is laid out, in a group too, and not a rule that differs', () => {
  const rules = rulesOf({
    a: '/* a */\n.line {\n  display: block;\n  font-size: 0.875rem;\n}\n.tag { color: red; }\n',
    b: '.tag, .line { display: block; font-size: 0.875rem }\n',
    c: '.tag { color: blue; }\n',
  })
  expect(copiesIn(rules, {})).toEqual(['.line { display: block; font-size: 0.875rem } in a, b'])
  expect(copiesIn(rules, { '.line': 'allowed' })).toEqual([])
})
