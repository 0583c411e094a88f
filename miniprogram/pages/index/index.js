const auth = require('../../utils/auth')
const errors = require('../../utils/errors')

Page({
  data: {
    loggedIn: false,
    loading: false,
    error: '',
  },

  onShow() {
    this.setData({ loggedIn: auth.isLoggedIn() })
  },

  async onLogin() {
    if (this.data.loading) return
    this.setData({ loading: true, error: '' })
    try {
      const result = await auth.login()
      if (result.status === 'unbound') {
        wx.navigateTo({ url: `/pages/login/index?ticket=${encodeURIComponent(result.bindTicket)}` })
      } else {
        this.setData({ loggedIn: true })
      }
    } catch (err) {
      this.setData({ error: errors.messageFor(err) })
    } finally {
      this.setData({ loading: false })
    }
  },
})
