// Opening a page without ever reaching WeChat's limit of ten pages in the stack. Where pages lead to each other in a
// loop (社区 → 服务项目 → 社区, 我的服务 → 服务项目 → 我的服务, 扫码 → 结果 → 扫码) a plain navigateTo would pile
// them up: open() goes back to the page when it is already in the stack with the same query, replaces the current
// page (redirectTo) when that route is there with another query or the stack is nearly full, and only otherwise
// opens a new page (navigateTo).
const STACK_LIMIT = 10

function parse(url) {
  const [path, query = ''] = url.replace(/^\//, '').split('?')
  const options = {}
  query.split('&').filter(Boolean).forEach((pair) => {
    const [key, value = ''] = pair.split('=')
    options[decodeURIComponent(key)] = decodeURIComponent(value)
  })
  return { route: path, options }
}

const sameOptions = (a = {}, b = {}) => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  return [...keys].every((key) => String(a[key] === undefined ? '' : a[key]) === String(b[key] === undefined ? '' : b[key]))
}

function currentPages() {
  try {
    return typeof getCurrentPages === 'function' ? getCurrentPages() || [] : []
  } catch (err) {
    return []
  }
}

// 'navigateTo' | 'navigateBack' | 'redirectTo', and the delta for navigateBack.
function plan(url, pages = currentPages()) {
  const target = parse(url)
  for (let i = pages.length - 2; i >= 0; i -= 1) {
    const page = pages[i]
    if (page.route === target.route && sameOptions(page.options, target.options)) {
      return { kind: 'navigateBack', delta: pages.length - 1 - i }
    }
  }
  if (pages.some((page) => page.route === target.route)) return { kind: 'redirectTo' }
  if (pages.length >= STACK_LIMIT - 1) return { kind: 'redirectTo' }
  return { kind: 'navigateTo' }
}

function open(url) {
  const step = plan(url)
  if (step.kind === 'navigateBack') wx.navigateBack({ delta: step.delta })
  else if (step.kind === 'redirectTo') wx.redirectTo({ url })
  else wx.navigateTo({ url })
  return step
}

module.exports = { STACK_LIMIT, parse, plan, open }
