// Starts the real pair the end-to-end test talks to: the WeChat fake and a `huodongri serve` on a fresh data dir
// (embedded SQLite + in-process cache), seeded through `huodongri admin` and the API:
//
//   端到端市 (E2E, city) → 测试党委 (E2E-C, committee) → 测试支部 (E2E-C-1, branch) with member 张三 and an invite code,
//   administrator 管理员 (13900001111) at the city with an access token.
//
// Binaries: ../target/debug/{huodongri,wechat-fake} from miniprogram/, or HUODONGRI_BIN / WECHAT_FAKE_BIN.
// The processes are started and stopped by tests/support/processes.js (shared with tests/console/stack.js).
const { execFile } = require('child_process')
const crypto = require('crypto')
const fs = require('fs')
const os = require('os')
const path = require('path')
const { promisify } = require('util')
const { startFake, startServer, stopChild } = require('../../../tests/support/processes')

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..')
const BUILD_COMMAND = 'cargo build -p huodongri -p wechat-fake'
// For tests/support/processes.js: how long huodongri serve may take to be ready, how much of a child's output is kept.
const PROCESS_OPTIONS = { readyTimeoutMs: 20000, outputKept: 8192 }

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
    const fake = await startFake(bins.wechatFake, PROCESS_OPTIONS)
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

    const server = await startServer(bins.huodongri, stack.dataDir, env, PROCESS_OPTIONS)
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
