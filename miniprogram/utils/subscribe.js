// Subscription messages (订阅消息): ask WeChat for the user's consent, then tell the server what was answered.
//
// WeChat only shows the consent sheet when wx.requestSubscribeMessage is called from a tap: call askWechat() directly
// in the tap handler, before anything is awaited (it calls wx synchronously), then report() what it resolves to.
// Reporting again after a network failure needs no new consent, so a page retries report() alone.
//
// The template ids come from the server (GET /notifications/templates), never from this client: a page loads
// them on show (loadTemplates), so the tap handler has them at hand when it must call WeChat at once.
//   { kind: 'preview' | 'reminder' | 'offer', template_id, long_term, remaining }
// `remaining`: how many more messages of that template the person has consented to (long-term: 1 when granted).
const api = require('./api')
const paths = require('./paths')

const TEMPLATES_PATH = paths.notificationTemplates()
// Set once the person accepted the preview template on this phone: a 0 `remaining` then means used up (次数已用完),
// not never asked. Person data: forgotten at sign-out (utils/auth.js PERSON_DATA).
const PREVIEW_ACCEPTED_KEY = 'hdr.previewSubscribed'
const USED_UP_NOTICE = '您的活动预告提醒次数已用完，点此重新订阅'

// What WeChat answers per template; the server takes the same words.
const ANSWERS = ['accept', 'reject', 'ban', 'filter', 'acceptWithAudio']
// wx.requestSubscribeMessage errCode when the user switched subscription messages off altogether.
const SWITCHED_OFF = 20004

function subscribeError(code, message) {
  return new api.ApiError(0, code, message || '')
}

// Resolves to { <tmplId>: answer } for the templates asked about (WeChat's reply also carries errMsg); rejects with an
// ApiError subscribe.switched_off / subscribe.failed.
function askWechat(tmplIds) {
  return new Promise((resolve, reject) => {
    wx.requestSubscribeMessage({
      tmplIds,
      success: (res) => {
        const results = {}
        tmplIds.filter((id) => ANSWERS.includes(res[id])).forEach((id) => { results[id] = res[id] })
        if (Object.keys(results).length === 0) reject(subscribeError('subscribe.failed', 'no answer for the templates'))
        else resolve(results)
      },
      fail: (err) => {
        const code = err && err.errCode === SWITCHED_OFF ? 'subscribe.switched_off' : 'subscribe.failed'
        reject(subscribeError(code, err && err.errMsg))
      },
    })
  })
}

// POST /subscriptions. A server from before that endpoint answers 404: { saved: false } rather than an error,
// since the user did nothing wrong.
async function report(results) {
  try {
    await api.post(paths.subscriptions(), { results })
    return { saved: true }
  } catch (err) {
    if (err.status === 404) return { saved: false }
    throw err
  }
}

const accepted = (answer) => answer === 'accept' || answer === 'acceptWithAudio'

// The sentence the page shows for an outcome.
function summary(results, saved) {
  if (!saved) return '服务器暂不支持订阅提醒，请稍后再试'
  const answers = Object.values(results)
  if (answers.some(accepted)) return '已订阅活动提醒，发布预告后将通知您'
  if (answers.some((a) => a === 'ban' || a === 'filter')) return '活动提醒暂不可用，请联系管理员'
  return '您没有同意接收活动提醒，可随时再次订阅'
}

// GET /notifications/templates → the list; [] from a server without that endpoint (404): nothing to ask.
async function loadTemplates() {
  try {
    const body = await api.get(TEMPLATES_PATH)
    return Array.isArray(body && body.templates) ? body.templates : []
  } catch (err) {
    if (err.status === 404) return []
    throw err
  }
}

const byKind = (templates, kind) => (templates || []).find((t) => t && t.kind === kind && t.template_id) || null

// The template ids worth asking for `kinds`: every one-time template (each consent is one message), a long-term one
// only while not granted; each id once (two kinds may share a template). WeChat takes at most 3 per call.
function idsToAsk(templates, kinds) {
  const ids = []
  kinds.forEach((kind) => {
    const t = byKind(templates, kind)
    if (!t || (t.long_term && t.remaining > 0) || ids.includes(t.template_id)) return
    ids.push(t.template_id)
  })
  return ids.slice(0, 3)
}

// Whether every one of `kinds` is a long-term template the person already consented to: nothing to ask.
const alreadyGranted = (templates, kinds) => kinds.every((kind) => {
  const t = byKind(templates, kind)
  return Boolean(t && t.long_term && t.remaining > 0)
})

// Note a consent given on this phone (see PREVIEW_ACCEPTED_KEY).
function remember(templates, results) {
  const preview = byKind(templates, 'preview')
  if (preview && accepted(results[preview.template_id])) wx.setStorageSync(PREVIEW_ACCEPTED_KEY, true)
}

// The notice for a member whose one-time consent to previews was used up, or '' (also when never subscribed: the
// button says 订阅 then).
function usedUpNotice(templates) {
  const preview = byKind(templates, 'preview')
  if (!preview || preview.remaining > 0 || !wx.getStorageSync(PREVIEW_ACCEPTED_KEY)) return ''
  return USED_UP_NOTICE
}

// Asks WeChat (synchronously, inside the tap) for `kinds`, then reports the answers; resolves
// { asked: false } when there is nothing to ask, else { asked: true, results, saved } — a refusal or a failure to
// save resolves { asked: true, error } and never rejects: a claim does not wait on consent.
function askQuietly(templates, kinds) {
  const ids = idsToAsk(templates, kinds)
  if (ids.length === 0) return Promise.resolve({ asked: false })
  return askWechat(ids)
    .then((results) => {
      remember(templates, results)
      return report(results).then(({ saved }) => ({ asked: true, results, saved }))
    })
    .catch((error) => ({ asked: true, error }))
}

module.exports = {
  ANSWERS,
  SWITCHED_OFF,
  TEMPLATES_PATH,
  PREVIEW_ACCEPTED_KEY,
  USED_UP_NOTICE,
  askWechat,
  report,
  summary,
  loadTemplates,
  idsToAsk,
  alreadyGranted,
  remember,
  usedUpNotice,
  askQuietly,
}
