// Check-ins that got no answer (no network, a timeout, a server failure) wait in wx storage and are sent again, with
// the same nonce and the time of the scan, when the network comes back or the app is shown. The server answers a
// repeated nonce with its first answer, so a scan that did reach it before the answer was lost is not counted twice.
//
// Queued item: { activity_code, token, nonce, scanned_at, location? }.
const auth = require('./auth')
const checkin = require('./checkin')

const KEY = 'hdr.checkinQueue'

function items() {
  const stored = wx.getStorageSync(KEY)
  return Array.isArray(stored) ? stored : []
}

function save(list) {
  if (list.length > 0) wx.setStorageSync(KEY, list)
  else wx.removeStorageSync(KEY)
}

function enqueue(item) {
  const list = items()
  if (list.some((queued) => queued.nonce === item.nonce)) return
  const kept = {
    activity_code: item.activity_code, token: item.token, nonce: item.nonce, scanned_at: item.scanned_at,
  }
  if (item.location) kept.location = item.location
  save([...list, kept])
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
  const pending = items().filter((item) => !run.tried.has(item.nonce))
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
  const run = { again: false, halted: false, tried: new Set(), outcome: { sent: [], dropped: [], kept: 0 } }
  running = run
  run.promise = (async () => {
    try {
      do {
        run.again = false
        await pass(run) // eslint-disable-line no-await-in-loop
      } while (run.again && !run.halted)
      run.outcome.kept = items().length
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

module.exports = {
  KEY, items, enqueue, remove, isNetworkFailure, sendOrQueue, flush, autoFlush, watchNetwork,
}
