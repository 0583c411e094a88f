// 扫码登录电脑端: staff sign in to the browser console (电脑端管理后台) by scanning the QR code of its sign-in page with
// the mini-program and confirming here. The browser that shows the code holds a secret of its own, so confirming only
// signs in that browser, as the person confirming — hence the page asks plainly first, and says what to do when it is
// not the person themself at the computer.
//
// The QR code holds `{public_base}/console/qr/{code}` (code: 8 of [A-Z2-9], valid for two minutes). wx.scanCode answers
// the URL itself; WeChat's own scanner (扫普通链接二维码打开小程序, prefix `{public_base}/console/qr/`) opens
// pages/console-sign-in with `options.q` = encodeURIComponent(that URL).
const api = require('./api')
const errors = require('./errors')
const paths = require('./paths')
const ui = require('./ui')

const NOT_A_CONSOLE_QR = '这不是管理后台的登录二维码'
const PAGE = '/pages/console-sign-in/index'

const CODE_PATTERN = /^[A-Z2-9]{8}$/

// A code as given (`?code=` of the page): itself when well-formed, else null.
function parseCode(raw) {
  return typeof raw === 'string' && CODE_PATTERN.test(raw) ? raw : null
}

// A scanned string → the code, or null for anything that is not the console's sign-in QR. The mini-program's runtime
// has no URL class everywhere, hence the pattern: http(s)://host[/prefix]/console/qr/{code}[/][?…][#…].
function parseScan(raw) {
  if (typeof raw !== 'string') return null
  const match = /^https?:\/\/[^/?#\s]+(\/[^?#\s]*)(?:\?[^#\s]*)?(?:#\S*)?$/i.exec(raw.trim())
  if (!match) return null
  const path = /\/console\/qr\/([^/]+)\/?$/.exec(match[1])
  return path ? parseCode(path[1]) : null
}

// `options.q` of a page opened by WeChat's scanner (the URL, URI-encoded once) → the same as parseScan.
function parseLaunchQuery(q) {
  if (typeof q !== 'string' || q === '') return null
  try {
    return parseScan(decodeURIComponent(q))
  } catch (err) {
    return null
  }
}

// The page's query → the code: `code` from the home page's scan, `q` from WeChat's scanner; null for anything else.
function codeFromQuery(query = {}) {
  if (query.code !== undefined) return parseCode(query.code)
  return parseLaunchQuery(query.q)
}

// The page to open for a code.
const pageFor = (code) => `${PAGE}?code=${code}`

// POST /console-sign-ins/{code}/confirm, with the bearer token and no body: 204 once the browser may go on.
function confirm(code) {
  return api.post(paths.consoleSignInConfirm(code))
}

// Refusals after which this code can do nothing more: the page says why and offers only 返回首页. The person scans a
// fresh code (the computer shows a new one when its page is refreshed) — or has no right to the console.
const FINAL = {
  'console.sign_in_not_found': errors.MESSAGES['console.sign_in_not_found'],
  'console.sign_in_used': errors.MESSAGES['console.sign_in_used'],
  'auth.forbidden': '您没有管理后台的权限',
}

const isFinal = (err) => Boolean(err) && Object.prototype.hasOwnProperty.call(FINAL, err.code)

// A confirmation may reach the server while its answer is lost (no network, a timeout): sent again, it is answered
// `console.sign_in_used` — most likely the person's own first try, which the page then does not call someone else's.
const MAYBE_MINE = '这个二维码刚才可能已经确认过了。请看电脑上是否已经登录；如果没有，请在电脑上刷新后重新扫码'

// What the person reads when confirming failed; `unanswered`: an earlier try of the same code got no answer.
function failureText(err, { unanswered = false } = {}) {
  if (unanswered && err && err.code === 'console.sign_in_used') return MAYBE_MINE
  return isFinal(err) ? FINAL[err.code] : errors.messageFor(err)
}

// No answer came back: the request may or may not have reached the server.
const unanswered = (err) => Boolean(err) && (err.code === 'network' || err.code === 'timeout')

// wx.scanCode from the camera → the code, or null. A QR code of something else is said in a modal (NOT_A_CONSOLE_QR);
// a failed scan is explained (ui.explainScanFailure: cancelling says nothing, a refused camera offers 去设置).
function scan() {
  return new Promise((resolve) => {
    wx.scanCode({
      onlyFromCamera: true,
      scanType: ['qrCode'],
      success: (res) => {
        const code = parseScan(res.result)
        if (!code) {
          wx.showModal({
            title: '扫码登录电脑端',
            content: `${NOT_A_CONSOLE_QR}。请扫描电脑上管理后台登录页显示的二维码。`,
            showCancel: false,
            confirmText: '知道了',
          })
        }
        resolve(code)
      },
      fail: (err) => {
        ui.explainScanFailure(err)
        resolve(null)
      },
    })
  })
}

module.exports = {
  NOT_A_CONSOLE_QR, CODE_PATTERN, PAGE, FINAL, MAYBE_MINE,
  parseCode, parseScan, parseLaunchQuery, codeFromQuery, pageFor, scan, confirm, isFinal, unanswered, failureText,
}
