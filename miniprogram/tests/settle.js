// Waits (up to ~2 s) until `ready()` holds. The shim answers requests on timers and components render on the next
// ticks; a loaded machine (CI running other suites) can take longer than any fixed sleep, so tests wait for what
// they check instead. Needs no wx: it can be required before or after the shim and miniprogram-simulate.
const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

async function settleUntil(ready) {
  for (let i = 0; i < 400 && !ready(); i += 1) await tick()
}

module.exports = { settleUntil }
