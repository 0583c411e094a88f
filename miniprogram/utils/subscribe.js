// Subscription messages (订阅消息): ask WeChat for the user's consent, then tell the server what was answered.
//
// WeChat only shows the consent sheet when wx.requestSubscribeMessage is called from a tap: call askWechat() directly
// in the tap handler, before anything is awaited (it calls wx synchronously), then report() what it resolves to.
// Reporting again after a network failure needs no new consent, so a page retries report() alone.
const api = require('./api')

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

// POST /api/v1/subscriptions. A server from before that endpoint answers 404: { saved: false } rather than an error,
// since the user did nothing wrong.
async function report(results) {
  try {
    await api.post('/api/v1/subscriptions', { results })
    return { saved: true }
  } catch (err) {
    if (err.status === 404) return { saved: false }
    throw err
  }
}

// The sentence the page shows for an outcome.
function summary(results, saved) {
  if (!saved) return '服务器暂不支持订阅提醒，请稍后再试'
  const answers = Object.values(results)
  if (answers.some((a) => a === 'accept' || a === 'acceptWithAudio')) return '已订阅活动提醒，发布预告后将通知你'
  if (answers.some((a) => a === 'ban' || a === 'filter')) return '活动提醒暂不可用，请联系管理员'
  return '你没有同意接收活动提醒，可随时再次订阅'
}

module.exports = { ANSWERS, SWITCHED_OFF, askWechat, report, summary }
