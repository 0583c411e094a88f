// QR check-in (扫码签到): what a venue QR code holds, the request a member's scan sends, and what each answer means
// in Chinese. The offline queue (utils/offline-queue.js) resends what could not be sent.
//
// A venue QR encodes `{public_base}/c/{activity_code}?t={token}`; WeChat's own scanner opens pages/scan with
// `options.q` = encodeURIComponent(that URL), wx.scanCode answers the URL itself.
const api = require('./api')
const labels = require('./labels')
const paths = require('./paths')

const NOT_A_CHECKIN_QR = '这不是活动签到二维码'

const CODE_PATTERN = /^[A-Z2-9]{8}$/ // activity_code: 8 of [A-Z2-9]
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{8,128}$/ // token: base64url, ~16 characters
const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/
const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'
const NONCE_LENGTH = 32

function decode(text) {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch (err) {
    return null
  }
}

// The value of `name` in a query string ('t=Ab3&x=1'), decoded; null when absent or malformed.
function queryParam(query, name) {
  const pair = query.split('&').map((part) => part.split('=')).find(([key]) => decode(key) === name)
  return pair && pair.length === 2 ? decode(pair[1]) : null
}

// A scanned string → { activity_code, token }, or null for anything that is not a venue QR URL. The mini-program's
// runtime has no URL class everywhere, hence the pattern: http(s)://host[/prefix]/c/{code}[/]?…t={token}…[#…].
function parseScan(raw) {
  if (typeof raw !== 'string') return null
  const match = /^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?(?:\?([^#\s]*))?(?:#\S*)?$/i.exec(raw.trim())
  if (!match || !match[1]) return null
  const path = match[1]
  const at = path.lastIndexOf('/c/')
  if (at < 0) return null
  const code = path.slice(at + 3).replace(/\/$/, '')
  const token = queryParam(match[2] || '', 't')
  if (!CODE_PATTERN.test(code) || !token || !TOKEN_PATTERN.test(token)) return null
  return { activity_code: code, token }
}

// `options.q` of a page opened by WeChat's scanner (the URL, URI-encoded once) → the same as parseScan.
function parseLaunchQuery(q) {
  if (typeof q !== 'string' || q === '') return null
  const url = decode(q)
  return url === null ? null : parseScan(url)
}

// One per scan, reused on every resend of that scan: the server answers a repeated nonce with its first answer.
function newNonce() {
  let nonce = ''
  for (let i = 0; i < NONCE_LENGTH; i += 1) nonce += NONCE_ALPHABET[Math.floor(Math.random() * NONCE_ALPHABET.length)]
  return nonce
}

// `scancode_time` of a page opened by WeChat's scanner: unix seconds when WeChat scanned (a string in options) →
// an integer, or null when absent or not a plausible time.
function scancodeTime(options) {
  const raw = options && options.scancode_time
  if (raw === undefined || raw === null || raw === '') return null
  const seconds = Number(raw)
  return Number.isInteger(seconds) && seconds > 0 ? seconds : null
}

// Coordinates are GCJ-02 (国测局坐标, what WeChat's maps and wx.chooseLocation use), as the server expects.
const COORDINATES = 'gcj02'
// How long a scan waits for the location: briefly when the permission is there, longer the one time WeChat asks
// the member (they are reading the question).
const LOCATION_BUDGET_MS = 1200
const FIRST_ASK_BUDGET_MS = 20000

function locate(finish) {
  wx.getLocation({
    type: COORDINATES,
    success: (loc) => finish({
      latitude: loc.latitude,
      longitude: loc.longitude,
      accuracy_m: Math.round(Number(loc.accuracy) || 0),
    }),
    fail: () => finish(null), // refused (now or before) or unavailable: no location; the server decides
  })
}

// Where the phone is for a scan. Permission given: asked quickly, within `budgetMs`. Never asked: WeChat asks the
// member once (scope.userLocation), answered within FIRST_ASK_BUDGET_MS. Refused: no location at all — the server
// answers location_missing when the activity needs one. Resolves null when unknown; never rejects.
function scanLocation(budgetMs = LOCATION_BUDGET_MS) {
  return new Promise((resolve) => {
    let settled = false
    let timer = null
    const finish = (value) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(value)
    }
    const wait = (ms) => { timer = setTimeout(() => finish(null), ms) }
    wx.getSetting({
      success: (res) => {
        const granted = res.authSetting ? res.authSetting['scope.userLocation'] : undefined
        if (granted === false) {
          finish(null)
          return
        }
        wait(granted === true ? budgetMs : FIRST_ASK_BUDGET_MS)
        locate(finish)
      },
      fail: () => finish(null),
    })
  })
}

// POST /checkins. `scanned_at` only for a scan sent later from the offline queue; `scancode_time` only for a
// page opened by WeChat's scanner; `location` when known.
function checkIn({
  activity_code: activityCode, token, nonce, scanned_at: scannedAt, scancode_time: scancodeAt, location,
}) {
  const body = { activity_code: activityCode, token, nonce }
  if (scancodeAt) body.scancode_time = scancodeAt
  if (scannedAt) body.scanned_at = scannedAt
  if (location) body.location = location
  return api.post(paths.checkins(), body)
}

// POST /activities/{id}/checkins by the organiser: { card_code } or { person_id }, and the mandatory reason.
function organiserCheckIn(activityId, who, reason) {
  return api.post(paths.activityCheckins(activityId), { ...who, reason })
}

// What the member reads for each result of a check-in.
const RESULT_TEXT = {
  ok: '签到成功',
  already_checked_in: '您已签到',
  invalid_token: '二维码无效，请重新扫描现场二维码',
  window_expired: '二维码已过期，请扫描屏幕上最新的二维码',
  not_open_yet: '签到尚未开始',
  closed: '签到已结束',
  not_expected: '您不在本次活动应到名单中，已按列席人员登记',
  exempt: '您已按规定暂不参加组织生活，本次到场已登记',
  cancelled: '本次活动已取消',
  location_far: '您不在活动地点附近，无法签到',
  location_missing: '未获取到您的位置。请在设置中允许本小程序使用位置信息，然后重新扫码。',
  offline_refused: '这次离线扫码无法证明您在现场，请到活动现场联网后重新扫码',
  not_on_duty: '现在不是您在本工作室的值班时段，未登记',
  wrong_venue: '这是其他支部的会场，请到本支部的会场扫码签到',
}

// The same answers when the organiser checked someone in.
const ORGANISER_TEXT = {
  ...RESULT_TEXT,
  ok: '代签成功',
  already_checked_in: '该同志已签到',
  invalid_token: '签到码无效，请让本人打开“我的签到码”后重新扫描',
  window_expired: '签到码已过期，请让本人刷新后重新扫描',
  not_expected: '该同志不在本次活动应到名单中，已按列席人员登记',
  exempt: '该同志已按规定暂不参加组织生活，本次到场已登记',
  location_far: '不在活动地点附近，无法签到',
  location_missing: '未获取到位置，本次活动须在现场签到',
}

const UNKNOWN_RESULT = '签到结果未知，请向活动组织人核实'

// A CheckinResponse → one Chinese sentence. A result this client does not know yet shows the server's message.
function resultText(answer, { organiser = false } = {}) {
  const result = answer && answer.result
  const table = organiser ? ORGANISER_TEXT : RESULT_TEXT
  if (result === 'already_checked_in') {
    const first = labels.clockLabel(answer.checked_in_at)
    return first ? `${table.already_checked_in}（首次签到时间 ${first}）` : table.already_checked_in
  }
  if (Object.prototype.hasOwnProperty.call(table, result)) return table[result]
  return (answer && answer.message) || UNKNOWN_RESULT
}

// How the answer looks: success (counted), notice (recorded but not as an expected member's attendance), fail.
function resultTone(answer) {
  if (!answer || !answer.accepted) return 'fail'
  return answer.result === 'ok' || answer.result === 'already_checked_in' ? 'success' : 'notice'
}

// The live figures (CheckinResponse.live, GET /activities/{id}/live) as the pages show them.
function liveView(live) {
  if (!live) return null
  return {
    present: live.present,
    expected: live.expected,
    onLeave: live.on_leave,
    guests: live.guests,
    absent: live.absent,
    rate: labels.rateLabel(live.rate),
    below: Boolean(live.below_threshold),
  }
}

// The last scan's outcome, kept for pages/checkin-result (which is opened with ?nonce=) and updated when the
// offline queue later gets the answer: { nonce, scannedAt, queued, answer|null }.
const OUTCOME_KEY = 'hdr.lastCheckin'

function saveOutcome(outcome) {
  wx.setStorageSync(OUTCOME_KEY, outcome)
}

function loadOutcome(nonce) {
  const outcome = wx.getStorageSync(OUTCOME_KEY)
  return outcome && outcome.nonce === nonce ? outcome : null
}

// The queue got an answer for `nonce`: the outcome page, if it is that scan's, now shows the answer.
function recordAnswer(nonce, answer) {
  const outcome = loadOutcome(nonce)
  if (outcome) saveOutcome({ ...outcome, queued: false, answer })
}

module.exports = {
  NOT_A_CHECKIN_QR,
  CODE_PATTERN,
  TOKEN_PATTERN,
  NONCE_PATTERN,
  RESULT_TEXT,
  ORGANISER_TEXT,
  UNKNOWN_RESULT,
  OUTCOME_KEY,
  parseScan,
  parseLaunchQuery,
  scancodeTime,
  newNonce,
  COORDINATES,
  scanLocation,
  checkIn,
  organiserCheckIn,
  resultText,
  resultTone,
  liveView,
  saveOutcome,
  loadOutcome,
  recordAnswer,
}
