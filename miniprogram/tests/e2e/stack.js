// Starts the real pair the end-to-end test talks to: the WeChat fake and a `huodongri serve` on a fresh data dir
// (embedded SQLite + in-process cache), seeded through `huodongri admin` and the API:
//
//   端到端市 (E2E, city) → 测试党委 (E2E-C, committee) → 测试支部 (E2E-C-1, branch) with member 张三 and an invite code,
//   administrator 管理员 (13900001111) at the city with an access token.
//
// Binaries: ../target/debug/{huodongri,wechat-fake} from miniprogram/, or HUODONGRI_BIN / WECHAT_FAKE_BIN.
const { spawn, execFile } = require('child_process')
const crypto = require('crypto')
const fs = require('fs')
const net = require('net')
const os = require('os')
const path = require('path')
const { promisify } = require('util')

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..')
const BUILD_COMMAND = 'cargo build -p huodongri -p wechat-fake'
const READY_TIMEOUT_MS = 20000
const FAKE_START_TIMEOUT_MS = 10000
const STOP_TIMEOUT_MS = 5000

const ADMIN_PHONE = '13900001111'
const MEMBER = { name: '张三', phone: '13900002222', status: '正式党员' }

function binaries() {
  const wanted = [
    { name: 'huodongri', variable: 'HUODONGRI_BIN' },
    { name: 'wechat-fake', variable: 'WECHAT_FAKE_BIN' },
  ].map((b) => ({ ...b, file: process.env[b.variable] || path.join(REPO_ROOT, 'target', 'debug', b.name) }))
  const missing = wanted.filter((b) => {
    try {
      fs.accessSync(b.file, fs.constants.X_OK)
      return !fs.statSync(b.file).isFile()
    } catch (err) {
      return true
    }
  })
  if (missing.length > 0) {
    const list = missing.map((b) => `  ${b.name}: ${b.file} (override with ${b.variable})`).join('\n')
    throw new Error(
      `The end-to-end test needs the server binaries, and these are missing or not executable:\n${list}\n` +
      `Build them first: cd ${REPO_ROOT} && ${BUILD_COMMAND}`,
    )
  }
  return { huodongri: wanted[0].file, wechatFake: wanted[1].file }
}

// The environment for every huodongri command: the caller's, minus anything that would select another store or
// configuration (APP_*, DATABASE_URL, REDIS_URL, HUODONGRI_CONFIG), plus this test's settings.
function childEnv(extra) {
  const env = {}
  Object.entries(process.env)
    .filter(([key]) => !/^(APP_|DATABASE_URL$|REDIS_URL$|HUODONGRI_CONFIG$)/.test(key))
    .forEach(([key, value]) => { env[key] = value })
  return { ...env, ...extra }
}

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

// Keeps the last few KiB a child printed, for failure messages.
function captureOutput(child) {
  const output = { text: '' }
  const keep = (chunk) => { output.text = (output.text + chunk.toString()).slice(-8192) }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  return output
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null
}

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
function startFake(bin) {
  const child = spawn(bin, ['--bind', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] })
  const output = captureOutput(child)
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

// GET /readyz until it answers 200. Resolves false when the process exits first (e.g. the port was taken).
async function waitReady(child, baseUrl, output) {
  const deadline = Date.now() + READY_TIMEOUT_MS
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
    `huodongri did not answer GET ${baseUrl}/readyz with 200 within ${READY_TIMEOUT_MS / 1000} s ` +
    `(last: ${last}). Its output:\n${output.text}`,
  )
}

// huodongri is told a port, so a port picked as free can be taken before it binds: then it exits and we try another.
async function startServer(bin, dataDir, env) {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort()
    const baseUrl = `http://127.0.0.1:${port}`
    const child = spawn(bin, ['serve', '--bind', `127.0.0.1:${port}`, '--data-dir', dataDir], {
      env, cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'],
    })
    const output = captureOutput(child)
    try {
      if (await waitReady(child, baseUrl, output)) return { child, output, baseUrl }
    } catch (err) {
      await stopChild(child)
      throw err
    }
    if (attempt >= 3) throw new Error(`huodongri serve exited before it was ready (${attempt} attempts):\n${output.text}`)
  }
}

async function http(baseUrl, method, urlPath, { token, body } = {}) {
  const headers = {}
  if (token) headers.Authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(baseUrl + urlPath, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10000),
  })
  const text = await res.text()
  let data = text
  try { data = JSON.parse(text) } catch (err) { /* not JSON */ }
  return { status: res.status, body: data }
}

async function expectOk(promise, what) {
  const res = await promise
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`${what} answered ${res.status}: ${JSON.stringify(res.body)}`)
  }
  return res.body
}

// HS256 JWT signed with the server's key (the test sets APP_SECRETS__JWT_SECRET, so it knows it). Only used to make
// an *expired* access token, which the server cannot be asked for.
function signJwt(claims, key) {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const unsigned = `${part({ typ: 'JWT', alg: 'HS256' })}.${part(claims)}`
  return `${unsigned}.${crypto.createHmac('sha256', key).update(unsigned).digest('base64url')}`
}

async function startStack() {
  const bins = binaries()
  const stack = {
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'huodongri-e2e-')),
    jwtSecret: crypto.randomBytes(32).toString('hex'),
    processes: [],
  }
  try {
    const fake = await startFake(bins.wechatFake)
    stack.processes.push(fake.child)
    stack.fake = fake
    const env = childEnv({
      APP_WECHAT__BASE_URL: fake.baseUrl,
      APP_WECHAT__APPID: fake.appid,
      APP_WECHAT__APP_SECRET: fake.secret,
      APP_SECRETS__JWT_SECRET: stack.jwtSecret,
      RUST_LOG: 'warn',
    })

    const execFileAsync = promisify(execFile)
    const admin = async (...args) => {
      try {
        const { stdout } = await execFileAsync(bins.huodongri, ['admin', ...args, '--data-dir', stack.dataDir], {
          env, cwd: stack.dataDir, timeout: 30000,
        })
        return stdout.trim()
      } catch (err) {
        throw new Error(`huodongri admin ${args.join(' ')} failed (${err.code}):\n${err.stderr || err.message}`)
      }
    }
    const orgId = (output) => {
      const match = /created \(id (\d+)\)/.exec(output)
      if (!match) throw new Error(`unexpected create-org output: ${output}`)
      return Number(match[1])
    }
    const cityId = orgId(await admin('create-org', '--code', 'E2E', '--name', '端到端市', '--kind', 'city'))
    await admin('create-org', '--code', 'E2E-C', '--name', '测试党委', '--kind', 'committee', '--parent-code', 'E2E')
    await admin('create-org', '--code', 'E2E-C-1', '--name', '测试支部', '--kind', 'branch', '--parent-code', 'E2E-C')
    await admin('create', '--phone', ADMIN_PHONE, '--name', '管理员', '--org-code', 'E2E')
    stack.adminToken = await admin('token', '--phone', ADMIN_PHONE, '--ttl', '10m')

    const server = await startServer(bins.huodongri, stack.dataDir, env)
    stack.processes.push(server.child)
    stack.server = server
    stack.baseUrl = server.baseUrl

    const asAdmin = (method, urlPath, body) => http(stack.baseUrl, method, urlPath, { token: stack.adminToken, body })
    const child = async (parentId, code) => {
      const children = await expectOk(asAdmin('GET', `/api/v1/orgs/${parentId}/children`), `children of ${parentId}`)
      const found = children.find((org) => org.code === code)
      if (!found) throw new Error(`no ${code} among the children of ${parentId}: ${JSON.stringify(children)}`)
      return found.id
    }
    stack.cityId = cityId
    stack.committeeId = await child(cityId, 'E2E-C')
    stack.branchId = await child(stack.committeeId, 'E2E-C-1')
    const person = await expectOk(asAdmin('POST', `/api/v1/orgs/${stack.branchId}/people`, MEMBER), 'creating 张三')
    stack.member = person
    stack.invite = await expectOk(asAdmin('POST', `/api/v1/people/${person.id}/invite`), 'issuing an invite code')
    return stack
  } catch (err) {
    await stopStack(stack)
    throw err
  }
}

async function stopStack(stack) {
  if (!stack) return
  await Promise.all(stack.processes.map(stopChild))
  stack.processes = []
  if (stack.dataDir) fs.rmSync(stack.dataDir, { recursive: true, force: true })
}

// A single-use wx.login code for this openid, minted by the fake.
async function mintLoginCode(stack, openid) {
  const body = await expectOk(http(stack.fake.baseUrl, 'POST', '/__fake/codes', { body: { openid } }), 'minting a code')
  return body.code
}

module.exports = {
  ADMIN_PHONE, BUILD_COMMAND, MEMBER, REPO_ROOT, binaries, http, mintLoginCode, signJwt, startStack, stopStack,
}
