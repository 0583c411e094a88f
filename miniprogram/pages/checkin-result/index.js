// The outcome of one scan (?nonce=): the answer in Chinese, the check-in time and the live count, or that the scan
// is waiting in the offline queue. Shown again on every onShow, as the queue may have sent it meanwhile.
const checkin = require('../../utils/checkin')
const labels = require('../../utils/labels')
const queue = require('../../utils/offline-queue')

// Results after which scanning the screen again can help.
const RESCAN = ['invalid_token', 'window_expired', 'location_far', 'location_missing', 'not_open_yet']

// location_missing: the activity needs the phone's location and none came (the permission was refused): 去设置.
const SETTINGS = ['location_missing']

const HINTS = {
  location_far: '请到活动地点附近后重新扫码',
  window_expired: '屏幕上的二维码每隔一段时间更新一次',
}

// A meeting's answer names its theme; a volunteer activity's (community service) its title.
function activityTitle(activity) {
  return (activity && (activity.theme || activity.title)) || ''
}

function outcomeView(outcome) {
  if (!outcome) {
    return { found: false, tone: 'fail', text: '未找到本次签到结果，请重新扫码', queued: false, live: null }
  }
  if (outcome.queued || !outcome.answer) {
    return {
      found: true,
      tone: 'pending',
      text: '网络不畅，签到尚未提交',
      queued: true,
      queueNote: '已加入离线队列，联网后自动提交',
      timeText: outcome.scannedAt ? `扫码时间 ${labels.timeLabel(outcome.scannedAt)}` : '',
      live: null,
      theme: '',
      orgName: '',
      hint: '',
      lateSync: false,
      rescan: false,
      settings: false,
    }
  }
  const { answer } = outcome
  return {
    found: true,
    tone: checkin.resultTone(answer),
    text: checkin.resultText(answer),
    queued: false,
    queueNote: '',
    timeText: answer.checked_in_at ? `签到时间 ${labels.timeLabel(answer.checked_in_at)}` : '',
    live: checkin.liveView(answer.live),
    theme: activityTitle(answer.activity),
    orgName: (answer.activity && (answer.activity.org_name || answer.activity.community_name)) || '',
    hint: HINTS[answer.result] || '',
    lateSync: Boolean(answer.late_sync),
    rescan: RESCAN.includes(answer.result),
    settings: SETTINGS.includes(answer.result),
  }
}

Page({
  data: {
    found: false,
    tone: 'pending',
    text: '',
    queued: false,
    queueNote: '',
    timeText: '',
    live: null,
    theme: '',
    orgName: '',
    hint: '',
    lateSync: false,
    rescan: false,
    settings: false,
    flushing: false,
  },

  onLoad(query) {
    this.nonce = (query && query.nonce) || ''
    this.render()
  },

  onShow() {
    if (this.nonce !== undefined) this.render()
  },

  render() {
    this.setData(outcomeView(checkin.loadOutcome(this.nonce)))
  },

  // 立即提交: the whole queue is flushed, this scan included.
  async onSendNow() {
    if (this.data.flushing) return
    this.setData({ flushing: true })
    try {
      await queue.autoFlush()
    } finally {
      this.setData({ flushing: false })
      this.render()
      if (this.data.queued) wx.showToast({ title: '网络仍不可用，联网后将自动提交', icon: 'none' })
    }
  },

  // 去设置: the mini-program's settings, where 位置信息 can be allowed; then 重新扫码.
  onOpenSetting() {
    wx.openSetting({})
  },

  onScanAgain() {
    wx.redirectTo({ url: '/pages/scan/index' })
  },

  onHome() {
    wx.reLaunch({ url: '/pages/index/index' })
  },
})
