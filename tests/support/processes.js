// The child processes of the Node test harnesses that run the real server: the WeChat fake (`wechat-fake`) and
// `huodongri serve`, started on loopback, waited for, and stopped; their last output kept for failure messages.
// Plain Node (built-ins only, CommonJS), so any harness can require it without installing anything.
//
// Used by miniprogram/tests/e2e/stack.js (jest, the mini-program's end-to-end tests) and tests/console/stack.js
// (node:test + playwright-core, the console's browser journeys). What differs between them is passed as options:
//   outputKept      how many characters of a child's output captureOutput keeps (default 16384)
//   readyTimeoutMs  how long startServer / waitReady wait for GET /readyz to answer 200 (default 30000)
const { spawn } = require('child_process')
const net = require('net')

const DEFAULT_READY_TIMEOUT_MS = 30000
const DEFAULT_OUTPUT_KEPT = 16384
const FAKE_START_TIMEOUT_MS = 10000
const STOP_TIMEOUT_MS = 5000

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

// Keeps the last `outputKept` characters a child printed, for failure messages.
function captureOutput(child, outputKept = DEFAULT_OUTPUT_KEPT) {
  const output = { text: '' }
  const keep = (chunk) => { output.text = (output.text + chunk.toString()).slice(-outputKept) }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  return output
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null
}

// SIGTERM, then SIGKILL after STOP_TIMEOUT_MS. One argument only, so `processes.map(stopChild)` works.
async function stopChild(child) {
  if (!child || exited(child)) return
  const gone = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => { if (!exited(child)) child.kill('SIGKILL') }, STOP_TIMEOUT_MS)
  await gone
  clearTimeout(timer)
}

// `wechat-fake --bind 127.0.0.1:0`: the OS picks a free port and the fake prints the address it got, with the appid
// and secret it accepts, so there is no window in which another process can take the port.
// Resolves { child, output, baseUrl, appid, secret }.
function startFake(bin, { outputKept = DEFAULT_OUTPUT_KEPT } = {}) {
  const child = spawn(bin, ['--bind', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] })
  const output = captureOutput(child, outputKept)
  return new Promise((resolve, reject) => {
    let stdout = ''
    const timer = setTimeout(() => {
      stopChild(child)
      reject(new Error(`wechat-fake did not print its address within ${FAKE_START_TIMEOUT_MS} ms:\n${output.text}`))
    }, FAKE_START_TIMEOUT_MS)
    const onExit = (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`wechat-fake exited early (${signal || code}):\n${output.text}`))
    }
    child.once('exit', onExit)
    child.once('error', (err) => { clearTimeout(timer); reject(err) })
    child.stdout.on('data', function onData(chunk) {
      stdout += chunk.toString()
      const uri = /listening on (http:\/\/\S+)/.exec(stdout)
      const appid = /^\s*appid\s+(\S+)/m.exec(stdout)
      const secret = /^\s*secret\s+(\S+)/m.exec(stdout)
      if (!uri || !appid || !secret) return
      clearTimeout(timer)
      child.off('exit', onExit)
      child.stdout.off('data', onData)
      resolve({ child, output, baseUrl: uri[1], appid: appid[1], secret: secret[1] })
    })
  })
}

// GET /readyz until it answers 200. Resolves false when the process exits first (e.g. the port was taken); throws
// after `readyTimeoutMs`.
async function waitReady(child, baseUrl, output, { readyTimeoutMs = DEFAULT_READY_TIMEOUT_MS } = {}) {
  const deadline = Date.now() + readyTimeoutMs
  let last = 'no answer yet'
  while (Date.now() < deadline) {
    if (exited(child)) return false
    try {
      const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(1000) })
      if (res.status === 200) return true
      last = `${res.status} ${await res.text()}`
    } catch (err) {
      last = `request failed: ${(err.cause && err.cause.code) || err.message}`
    }
    await sleep(50)
  }
  throw new Error(
    `huodongri did not answer GET ${baseUrl}/readyz with 200 within ${readyTimeoutMs / 1000} s ` +
    `(last: ${last}). Its output:\n${output.text}`,
  )
}

// `huodongri serve --bind 127.0.0.1:<port> --data-dir dataDir` with `env`, in dataDir. huodongri is told a port, so a
// port picked as free can be taken before it binds: then it exits and we try another (three attempts).
// Resolves { child, output, baseUrl }.
async function startServer(bin, dataDir, env, options = {}) {
  const { readyTimeoutMs = DEFAULT_READY_TIMEOUT_MS, outputKept = DEFAULT_OUTPUT_KEPT } = options
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort()
    const baseUrl = `http://127.0.0.1:${port}`
    const child = spawn(bin, ['serve', '--bind', `127.0.0.1:${port}`, '--data-dir', dataDir], {
      env, cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'],
    })
    const output = captureOutput(child, outputKept)
    try {
      if (await waitReady(child, baseUrl, output, { readyTimeoutMs })) return { child, output, baseUrl }
    } catch (err) {
      await stopChild(child)
      throw err
    }
    if (attempt >= 3) throw new Error(`huodongri serve exited before it was ready (${attempt} attempts):\n${output.text}`)
  }
}

module.exports = {
  DEFAULT_OUTPUT_KEPT,
  DEFAULT_READY_TIMEOUT_MS,
  FAKE_START_TIMEOUT_MS,
  STOP_TIMEOUT_MS,
  captureOutput,
  exited,
  freePort,
  sleep,
  startFake,
  startServer,
  stopChild,
  waitReady,
}
