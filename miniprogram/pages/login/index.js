const auth = require('../../utils/auth')

Page({
  data: {
    binding: false,
    error: null,
  },

  onLoad(query) {
    this.bindTicket = query.ticket ? decodeURIComponent(query.ticket) : ''
  },

  async onSubmit(e) {
    this.setData({ binding: true, error: null })
    try {
      if (!this.bindTicket) {
        const result = await auth.login()
        if (result.status === 'ok') {
          wx.reLaunch({ url: '/pages/index/index' })
          return
        }
        this.bindTicket = result.bindTicket
      }
      await auth.bind(this.bindTicket, e.detail.inviteCode)
      wx.reLaunch({ url: '/pages/index/index' })
    } catch (err) {
      // A wrong invite code leaves the ticket usable; after any other failure a fresh one is fetched on the next try,
      // since the ticket may be what expired.
      if (err.code !== 'auth.invite_invalid') this.bindTicket = ''
      this.setData({ error: { code: err.code, message: err.message } })
    } finally {
      this.setData({ binding: false })
    }
  },
})
