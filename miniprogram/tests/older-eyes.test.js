// For older eyes (STYLE.md §12): every page honours WeChat's font size (page-meta root-font-size / page-font-size
// "system", and text sized in rem so it follows), body text at least 28rpx (0.875rem), colour contrast at least
// 4.5:1, and 您 rather than 你 in whatever a member reads.
const fs = require('fs')
const path = require('path')

const ROOT = path.join(__dirname, '..')
const appJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'))
const read = (rel) => fs.readFileSync(path.join(ROOT, rel), 'utf8')
const walk = (dir, ext) => fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
  const rel = path.join(dir, entry.name)
  if (entry.isDirectory()) return walk(rel, ext)
  return entry.name.endsWith(ext) ? [rel] : []
})
const wxssFiles = ['app.wxss', ...walk('pages', '.wxss'), ...walk('components', '.wxss')]

// A rem is the root font size WeChat gives with root-font-size="system": 16px at the standard setting, where 28rpx
// is 14px on a 375px-wide phone.
const MIN_REM = 0.875

test('every page declares page-meta with the system font size as its first node', () => {
  appJson.pages.forEach((page) => {
    const wxml = read(`${page}.wxml`).trimStart()
    expect([page, wxml.startsWith('<page-meta')]).toEqual([page, true])
    const meta = /^<page-meta[^>]*>/.exec(wxml)[0]
    expect(meta).toContain('root-font-size="system"')
    expect(meta).toContain('page-font-size="system"')
  })
})

test('font sizes are in rem (they follow WeChat\'s font size) and never below 0.875rem (28rpx)', () => {
  wxssFiles.forEach((file) => {
    const sizes = [...read(file).matchAll(/font-size:\s*([0-9.]+)([a-z%]*)/g)]
    sizes.forEach(([decl, value, unit]) => {
      expect([file, decl, unit]).toEqual([file, decl, 'rem'])
      expect([file, decl, Number(value) >= MIN_REM]).toEqual([file, decl, true])
    })
  })
})

// Relative luminance and contrast ratio as WCAG 2 defines them.
function luminance(hex) {
  let h = hex.replace('#', '')
  if (h.length === 3) h = h.split('').map((c) => c + c).join('')
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}
const contrast = (a, b) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi + 0.05) / (lo + 0.05)
}

test('the contrast helper agrees with WCAG: grey #999 on white fails, #595959 passes', () => {
  expect(contrast('#999', '#fff')).toBeLessThan(4.5)
  expect(contrast('#595959', '#fff')).toBeGreaterThan(4.5)
})

test('text colours reach 4.5:1 on their own background, or on white and the page grey', () => {
  const vars = {}
  ;[...read('app.wxss').matchAll(/(--[a-z-]+):\s*(#[0-9a-fA-F]{3,6})/g)].forEach(([, name, value]) => { vars[name] = value })
  const resolve = (value) => {
    const v = value.trim()
    const ref = /^var\((--[a-z-]+)(?:,\s*(#[0-9a-fA-F]{3,6}))?\)$/.exec(v)
    if (ref) return vars[ref[1]] || ref[2]
    return /^#[0-9a-fA-F]{3,6}$/.test(v) ? v : null
  }
  const failures = []
  const bgOf = (body) => {
    const decl = /background(?:-color)?:\s*([^;]+)/.exec(body)
    return decl ? resolve(decl[1]) : null
  }
  wxssFiles.forEach((file) => {
    const rules = [...read(file).matchAll(/([^{}]+)\{([^}]*)\}/g)]
    rules.forEach(([, selector, body]) => {
      const color = /(?:^|;|\s)color:\s*([^;]+)/.exec(body)
      if (!color) return
      const fg = resolve(color[1])
      if (!fg) return
      let backgrounds = bgOf(body) ? [bgOf(body)] : ['#fff', '#f6f6f6']
      if (!bgOf(body) && /^#f{3}(f{3})?$/i.test(fg)) {
        // White text (a badge, a mark): its backgrounds are set by the rules of its variants (.tone-success .mark).
        const last = selector.trim().split(/[\s.]+/).pop()
        backgrounds = rules.filter(([, other, otherBody]) => other.includes(`.${last}`) && bgOf(otherBody))
          .map(([, , otherBody]) => bgOf(otherBody))
      }
      backgrounds.forEach((bg) => {
        const ratio = contrast(fg, bg)
        if (ratio < 4.5) failures.push(`${file} ${selector.trim()}: ${fg} on ${bg} = ${ratio.toFixed(2)}`)
      })
    })
  })
  expect(failures).toEqual([])
})

test('您, not 你, in every page, component, message and permission text', () => {
  const files = [
    ...walk('pages', '.wxml'), ...walk('pages', '.js'), ...walk('components', '.wxml'), ...walk('components', '.js'),
    ...walk('utils', '.js'), 'app.json',
  ]
  const offenders = files.filter((file) => read(file).replace(/您/g, '').includes('你'))
  expect(offenders).toEqual([])
})
