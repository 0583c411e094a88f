// When to fetch a rotating QR code again (the venue QR of an activity, the on-site QR of a volunteer activity): just
// after the server's valid_until, by this phone's clock, never sooner than MIN_WAIT_MS and never later than a window.
const RETRY_MS = 3000 // after a failed fetch of the code
const MIN_WAIT_MS = 500 // never spin, whatever the phone's clock says
const AFTER_ROTATION_MS = 200 // ask just after the server rotated the token, not just before

// How long the code fetched now stays valid by this phone's clock, within (MIN_WAIT_MS, window].
function untilRotation(qr, now = Date.now()) {
  const left = Date.parse(qr.valid_until) - now + AFTER_ROTATION_MS
  const window = qr.window_seconds * 1000 + AFTER_ROTATION_MS
  if (Number.isNaN(left)) return window
  return Math.min(Math.max(left, MIN_WAIT_MS), window)
}

module.exports = { RETRY_MS, MIN_WAIT_MS, AFTER_ROTATION_MS, untilRotation }
