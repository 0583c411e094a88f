// Check-ins that got no answer (no network, a timeout, a server failure) wait in wx storage and are sent again, with
// the same nonce and the time of the scan, when the network comes back or the app is shown. The server answers a
// repeated nonce with its first answer, so a scan that did reach it before the answer was lost is not counted twice.
//
// Queued item: { activity_code, token, nonce, scanned_at, scancode_time?, location?, person_id?, session? }.
//
// A queued scan belongs to the person who made it: `person_id` is the signed-in person's id (GET /me, cached
// by utils/account.js), `session` the sign-in's mark (utils/auth.js) for a scan made before the id was known. A
// flush sends only the signed-in person's scans, never another account's that signed in later on the same phone.
// Other people's scans wait for their owner's next sign-in; once older than the offline limit (24 h, the server
// refuses them after that anyway) they are dropped, and their owner is told at the next sign-in (noticesFor).
const auth = require('./auth')
const account = require('./account')
const checkin = require('./checkin')

const KEY = 'hdr.checkinQueue'
const NOTICES_KEY = 'hdr.checkinQueueNotices' // { [person id]: [{ activity_code, scanned_at }] } dropped unsent
const OFFLINE_LIMIT_MS = 24 * 60 * 60 * 1000

function items() {
  const stored = wx.getStorageSync(KEY)
  return Array.isArray(stored) ? stored : []
}

function save(list) {
  if (list.length > 0) wx.setStorageSync(KEY, list)
  else wx.removeStorageSync(KEY)
}

// Stamped with who is signed in now (the scan's owner).
function enqueue(item) {
  const list = items()
  if (list.some((queued) => queued.nonce === item.nonce)) return
  const kept = {
    activity_code: item.activity_code, token: item.token, nonce: item.nonce, scanned_at: item.scanned_at,
  }
  if (item.scancode_time) kept.scancode_time = item.scancode_time
  if (item.location) kept.location = item.location
  const owner = account.person()
  if (owner) kept.person_id = owner.id
  if (auth.sessionId()) kept.session = auth.sessionId()
  save([...list, kept])
}

// Whether a queued scan is the signed-in person's: by id when it has one, else made in this very sign-in.
function isMine(item, me) {
  if (item.person_id !== undefined && item.person_id !== null) return Boolean(me) && item.person_id === me.id
  return (item.session || '') === auth.sessionId()
}

const isExpired = (item, now) => {
  const at = Date.parse(item.scanned_at)
  return Number.isFinite(at) && now - at > OFFLINE_LIMIT_MS
}

function notices() {
  const stored = wx.getStorageSync(NOTICES_KEY)
  return stored && typeof stored === 'object' && !Array.isArray(stored) ? stored : {}
}

// Before a flush: the signed-in person's scans made before their id was known get it; other people's scans past
// the offline limit are dropped (noted for their owner when known). Returns what is the signed-in person's.
function sortOut(me, now = Date.now()) {
  const kept = []
  const noted = notices()
  items().forEach((item) => {
    if (isMine(item, me)) {
      kept.push(me && (item.person_id === undefined || item.person_id === null) ? { ...item, person_id: me.id } : item)
    } else if (isExpired(item, now)) {
      if (item.person_id !== undefined && item.person_id !== null) {
        const key = String(item.person_id)
        noted[key] = [...(noted[key] || []), { activity_code: item.activity_code, scanned_at: item.scanned_at }]
      }
    } else {
      kept.push(item)
    }
  })
  save(kept)
  if (Object.keys(noted).length > 0) wx.setStorageSync(NOTICES_KEY, noted)
  return kept.filter((item) => isMine(item, me))
}

// The person's scans dropped unsent while someone else was signed in, taken once (shown at their next sign-in).
function noticesFor(personId) {
  const noted = notices()
  const key = String(personId)
  const mine = noted[key] || []
  if (mine.length > 0) {
    delete noted[key]
    if (Object.keys(noted).length > 0) wx.setStorageSync(NOTICES_KEY, noted)
    else wx.removeStorageSync(NOTICES_KEY)
  }
  return mine
}

// What the person reads about those scans, or '' when there is nothing to tell.
function noticeText(dropped) {
  if (!dropped || dropped.length === 0) return ''
  const times = dropped.map((d) => String(d.scanned_at || '').replace('T', ' ').slice(5, 16)).join('、')
  return `您在本机离线扫码的 ${dropped.length} 次签到（${times}）超过24小时未能提交，已作废。如需补登，请联系活动组织人。`
}

// Who is signed in, when a queued scan needs it to be told apart: the cached person, or GET /me (null offline).
async function signedInPerson() {
  const known = account.person()
  if (known) return known
  if (items().some((item) => item.person_id !== undefined && item.person_id !== null)) return account.ensure()
  return null
}

function remove(nonce) {
  save(items().filter((item) => item.nonce !== nonce))
}

// A scan worth keeping for later: nothing reached the server, or the server failed on its side.
function isNetworkFailure(err) {
  return Boolean(err) && (err.status === 0 || err.status >= 500)
}

// While resending, also keep what a later try can still get through: a login to repair (401), a server that is
// busy (408, 429), or one that does not know the endpoint yet. Any other 4xx (malformed, forbidden) never will.
function worthKeeping(err) {
  return isNetworkFailure(err) || [401, 408, 429].includes(err.status) || err.code === 'request.not_found'
}

// Every result of the contract is final. A 200 without a result (a captive portal's page) is not an answer.
const isFinalAnswer = (answer) => Boolean(answer) && typeof answer === 'object' && typeof answer.result === 'string'

// Sends a fresh scan ({ activity_code, token, nonce, scanned_at, location? }) at once; when it gets no answer for
// network reasons it is queued instead. Resolves { queued: false, answer } or { queued: true, error }; other
// failures (4xx) reject.
async function sendOrQueue(scan) {
  try {
    const { scanned_at: scannedAt, ...now } = scan
    const answer = await checkin.checkIn(now)
    if (!isFinalAnswer(answer)) throw Object.assign(new Error('no check-in answer'), { status: 0, code: 'network' })
    return { queued: false, answer }
  } catch (err) {
    if (!isNetworkFailure(err)) throw err
    enqueue(scan)
    return { queued: true, error: { code: err.code, status: err.status } }
  }
}

// One pass over what is queued and not yet tried in this flush, oldest first, one at a time (a weak network
// carries one request better than many). The first failure worth keeping stops the pass: the rest waits too.
async function pass(run) {
  const pending = sortOut(run.me).filter((item) => !run.tried.has(item.nonce))
  for (let i = 0; i < pending.length; i += 1) {
    const item = pending[i]
    run.tried.add(item.nonce)
    try {
      const answer = await checkin.checkIn(item) // eslint-disable-line no-await-in-loop
      if (!isFinalAnswer(answer)) {
        run.halted = true
        return
      }
      remove(item.nonce)
      checkin.recordAnswer(item.nonce, answer)
      run.outcome.sent.push({ item, answer })
    } catch (err) {
      if (worthKeeping(err)) {
        run.halted = true
        return
      }
      remove(item.nonce)
      run.outcome.dropped.push({ item, error: { code: err.code, status: err.status } })
    }
  }
}

// A single flush at a time. A flush asked for while one runs joins it, and the running one then makes another
// pass for items queued meanwhile, so each item is sent once per flush however often flush() is called.
let running = null

function flush() {
  if (running) {
    running.again = true
    return running.promise
  }
  const run = {
    again: false, halted: false, tried: new Set(), me: null, outcome: { sent: [], dropped: [], kept: 0 },
  }
  running = run
  run.promise = (async () => {
    try {
      run.me = await signedInPerson()
      do {
        run.again = false
        await pass(run) // eslint-disable-line no-await-in-loop
      } while (run.again && !run.halted)
      run.outcome.kept = items().filter((item) => isMine(item, run.me)).length
      return run.outcome
    } finally {
      running = null
    }
  })()
  return run.promise
}

// What the app does on launch, on show and when the network returns: flush when logged in and something waits,
// then tell the member what became of their scans. A call made while a flush runs joins it silently: the call that
// started it tells (launch calls onLaunch and onShow together).
async function autoFlush() {
  if (!auth.isLoggedIn() || items().length === 0) return null
  if (running) {
    await flush()
    return null
  }
  let outcome
  try {
    outcome = await flush()
  } catch (err) {
    return null
  }
  const answers = outcome.sent.map((s) => s.answer)
  if (answers.length === 0) return outcome
  const refused = answers.filter((answer) => !answer.accepted)
  if (refused.length === 0) {
    wx.showToast({ title: `离线签到已提交：${checkin.resultText(answers[0])}`, icon: 'none' })
  } else {
    wx.showModal({
      title: '离线签到未成功',
      content: refused.map((answer) => checkin.resultText(answer)).join('\n'),
      showCancel: false,
      confirmText: '知道了',
    })
  }
  return outcome
}

let watching = false

// Flush whenever the network comes back. Registered once, however often it is called.
function watchNetwork() {
  if (watching) return
  watching = true
  wx.onNetworkStatusChange((res) => {
    if (res.isConnected) autoFlush()
  })
}

// How many of the queued scans are the signed-in person's (what the scan page shows as waiting).
function pendingCount() {
  return items().filter((item) => isMine(item, account.person())).length
}

module.exports = {
  KEY,
  NOTICES_KEY,
  OFFLINE_LIMIT_MS,
  items,
  enqueue,
  remove,
  isMine,
  sortOut,
  noticesFor,
  noticeText,
  pendingCount,
  isNetworkFailure,
  sendOrQueue,
  flush,
  autoFlush,
  watchNetwork,
}
