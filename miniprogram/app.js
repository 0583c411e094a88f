// Logging in is started by the home page, which shows the outcome. The app itself only looks after check-ins that
// were scanned without a network (utils/offline-queue.js): it sends them on launch, on show and when the network
// returns.
const queue = require('./utils/offline-queue')

App({
  onLaunch() {
    queue.watchNetwork()
    queue.autoFlush()
  },

  onShow() {
    queue.autoFlush()
  },
})
