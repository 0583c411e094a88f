// Who is signed in on this phone: { id, name } from GET /me, cached in storage (hdr.me) when a page reads
// /me after signing in, forgotten at every new sign-in and at sign-out. The offline queue uses the id to know
// whose scans it holds.
const auth = require('./auth')
const paths = require('./paths')

function person() {
  const cached = wx.getStorageSync(auth.PERSON_KEY)
  return cached && typeof cached === 'object' && cached.id != null ? cached : null
}

function remember(me) {
  if (!me || me.id == null) return null
  const kept = { id: me.id, name: me.name || '' }
  wx.setStorageSync(auth.PERSON_KEY, kept)
  return kept
}

// The cached person, or GET /me when not yet known; null when it cannot be read now (no network).
async function ensure() {
  const known = person()
  if (known) return known
  try {
    return remember(await require('./api').get(paths.me()))
  } catch (err) {
    return null
  }
}

module.exports = { person, remember, ensure }
