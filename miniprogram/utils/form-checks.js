// The two checks every form makes before sending (the server makes them again): nothing but spaces typed, and too
// many characters once trimmed.
const blank = (value) => !value || !String(value).trim()
const tooLong = (value, max) => String(value || '').trim().length > max

module.exports = { blank, tooLong }
