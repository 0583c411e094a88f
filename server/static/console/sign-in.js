// The QR sign-in: ask every second whether the code shown was confirmed on a phone. The
// answer signs this browser in (the cookie comes with it) or says the code expired, and then
// the page is reloaded for a new one.
(function () {
  'use strict'
  var box = document.getElementById('qr-sign-in')
  var status = document.getElementById('qr-status')
  if (!box) return
  var code = box.getAttribute('data-code')
  var next = box.getAttribute('data-next') || '/console/'
  var stopped = false

  function ask() {
    if (stopped) return
    fetch('/console/login/qr/' + encodeURIComponent(code), { credentials: 'same-origin', cache: 'no-store' })
      .then(function (res) { return res.json() })
      .then(function (answer) {
        if (answer.state === 'done') {
          stopped = true
          status.textContent = '已在手机上确认，正在进入…'
          window.location.assign(next)
        } else if (answer.state === 'expired') {
          stopped = true
          status.textContent = '二维码已过期，正在刷新…'
          window.setTimeout(function () { window.location.reload() }, 1500)
        } else {
          window.setTimeout(ask, 1000)
        }
      })
      .catch(function () {
        status.textContent = '网络连接不稳定，正在重试…'
        window.setTimeout(ask, 3000)
      })
  }
  window.setTimeout(ask, 1000)
})()
