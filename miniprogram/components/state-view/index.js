// Loading, error and empty states around a page's content: shows one of them, or the content (the slot) when none
// applies. `error` is what utils/errors.loadError() makes; 重试 appears when it is retryable and fires `retry`;
// 重新登录 when the session is lost (it ends the session on this phone and goes back to sign in).
const session = require('../../utils/session')

Component({
  options: { multipleSlots: true },
  properties: {
    loading: { type: Boolean, value: false },
    error: { type: Object, value: null },
    empty: { type: Boolean, value: false },
    emptyText: { type: String, value: '暂无内容' },
  },
  methods: {
    onRetry() {
      this.triggerEvent('retry')
    },
    onSignIn() {
      session.forgetSession()
      wx.reLaunch({ url: session.SIGN_IN_PAGE })
    },
  },
})
