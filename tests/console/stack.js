// What the console's browser journeys run against: the real `huodongri serve` with the WeChat fake, seeded by
// `huodongri demo` (the demo city 扬州市, its staff with console passwords, and today's activity of 东关社区第一党支部,
// open for check-in now), and Debian's Chromium driven by playwright-core.
//
// One stack per test file (node --test runs each file in a process of its own), on the store pair named by
// CONSOLE_STORE:
//   embedded    a fresh data dir: SQLite + the in-process cache (the default)
//   production  PostgreSQL from TEST_DATABASE_URL in a schema of its own (c_<hex>, dropped afterwards when psql is
//               there) and Redis from TEST_REDIS_URL under a key prefix of its own (c<hex>:); both must answer, or
//               every journey fails: this suite never skips a store.
//
// Binaries: HUODONGRI_BIN / WECHAT_FAKE_BIN, else ${CARGO_TARGET_DIR:-<repo>/target}/debug/{huodongri,wechat-fake}.
// Screenshots: tests/console/artifacts/<store>/<name>.png (a journey that fails leaves FAILED-<journey>.png too).
// The fake and the server are started and stopped by tests/support/processes.js (shared with the mini-program's
// end-to-end tests).
const { execFile } = require('child_process')
const crypto = require('crypto')
const fs = require('fs')
const net = require('net')
const os = require('os')
const path = require('path')
const { promisify } = require('util')
const { test, before, after } = require('node:test')
const { sleep, startFake, startServer, stopChild } = require('../support/processes')

const execFileAsync = promisify(execFile)

const REPO_ROOT = path.resolve(__dirname, '..', '..')
const BUILD_COMMAND = 'cargo build -p huodongri -p wechat-fake'
const CHROMIUM = '/usr/bin/chromium'
// The flags this machine needs (see the machine notes): without the background-networking ones Chromium keeps
// trying hosts this closed network refuses. playwright-core adds --headless and a fresh, empty --user-data-dir of its
// own (a temporary profile per launch, removed on close).
const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
]
const COMMAND_TIMEOUT_MS = 60000
// For ../support/processes.js: how long huodongri serve may take to be ready, how much of a child's output is kept.
const PROCESS_OPTIONS = { readyTimeoutMs: 30000, outputKept: 16384 }
const ARTIFACTS = path.join(__dirname, 'artifacts')

const STORES = ['embedded', 'production']

function storeName() {
  const store = process.env.CONSOLE_STORE || 'embedded'
  if (!STORES.includes(store)) {
    throw new Error(`CONSOLE_STORE must be one of ${STORES.join(', ')}, not ${JSON.stringify(store)}`)
  }
  return store
}

function binaries() {
  const targetDir = process.env.CARGO_TARGET_DIR || path.join(REPO_ROOT, 'target')
  const wanted = [
    { name: 'huodongri', variable: 'HUODONGRI_BIN' },
    { name: 'wechat-fake', variable: 'WECHAT_FAKE_BIN' },
  ].map((b) => ({ ...b, file: process.env[b.variable] || path.join(targetDir, 'debug', b.name) }))
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
      `The console tests need the server binaries, and these are missing or not executable:\n${list}\n` +
      `Build them first: cd ${REPO_ROOT} && ${BUILD_COMMAND}`,
    )
  }
  return { huodongri: wanted[0].file, wechatFake: wanted[1].file }
}

// A TCP connection to the host and port of a service URL, or an error that says which variable names it.
function reachable(variable, defaultPort) {
  const raw = process.env[variable]
  if (!raw || !raw.trim()) {
    return Promise.reject(new Error(
      `CONSOLE_STORE=production needs ${variable} (e.g. ${variable === 'TEST_DATABASE_URL'
        ? 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
        : 'redis://127.0.0.1:6379/'}); it is not set. The console suite never skips a store.`,
    ))
  }
  let url
  try {
    url = new URL(raw)
  } catch (err) {
    return Promise.reject(new Error(`${variable} is not a URL: ${err.message}`))
  }
  const host = url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1'
  const port = Number(url.port || defaultPort)
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port })
    const fail = (why) => {
      socket.destroy()
      reject(new Error(`${variable} (${host}:${port}) is unreachable: ${why}. The console suite never skips a store.`))
    }
    socket.setTimeout(3000, () => fail('no answer within 3 s'))
    socket.once('error', (err) => fail(err.code || err.message))
    socket.once('connect', () => { socket.end(); resolve(raw) })
  })
}

// The settings of every huodongri command of one stack: the caller's environment minus anything that would select
// another store or configuration (APP_*, DATABASE_URL, REDIS_URL, HUODONGRI_CONFIG), plus the store pair's.
async function storeEnv(store, tag) {
  const env = {}
  Object.entries(process.env)
    .filter(([key]) => !/^(APP_|DATABASE_URL$|REDIS_URL$|HUODONGRI_CONFIG$)/.test(key))
    .forEach(([key, value]) => { env[key] = value })
  const settings = { store }
  if (store === 'production') {
    const [database, redis] = await Promise.all([
      reachable('TEST_DATABASE_URL', 5432), reachable('TEST_REDIS_URL', 6379),
    ])
    settings.database = database
    settings.schema = `c_${tag}`
    settings.redis = redis
    settings.keyPrefix = `c${tag}:`
    Object.assign(env, {
      DATABASE_URL: database,
      APP_DATABASE__SCHEMA: settings.schema,
      APP_DATABASE__MAX_CONNECTIONS: '8',
      REDIS_URL: redis,
      APP_CACHE__KEY_PREFIX: settings.keyPrefix,
    })
  }
  return { env, settings }
}

// The demo.json fields the journeys rely on (the console's contract with `huodongri demo`).
function checkDemo(demo, file) {
  const problems = []
  if (!Array.isArray(demo.console_logins) || demo.console_logins.length === 0) {
    problems.push('no console_logins [{role, role_label, org_code, org_id, org_name, name, phone, password}]')
  } else {
    const login = demo.console_logins[0]
    const absent = ['role', 'org_code', 'org_id', 'org_name', 'name', 'phone', 'password'].filter((k) => !(k in login))
    if (absent.length > 0) problems.push(`console_logins entries lack ${absent.join(', ')}`)
  }
  if (!Array.isArray(demo.organisations) || demo.organisations.some((o) => typeof o.id !== 'number')) {
    problems.push('organisations entries lack their id')
  }
  ;['activity_id', 'branch_code', 'organiser_phone', 'participant_phones'].forEach((k) => {
    if (!(k in demo)) problems.push(`no ${k}`)
  })
  if (problems.length > 0) {
    throw new Error(`${file} does not hold what the console tests need (is the binary older than the console?):\n` +
      `  ${problems.join('\n  ')}`)
  }
}

// Node's fetch keeps connections alive; when the server closes an idle one just as fetch reuses it, the request fails
// with "other side closed" before any byte of it was sent. That case (and only that one) is tried again once.
const CLOSED_BEFORE_SENT = ['UND_ERR_SOCKET', 'ECONNRESET']

async function fetchOnFreshSocket(url, options) {
  try {
    return await fetch(url, options)
  } catch (err) {
    if (!CLOSED_BEFORE_SENT.includes(err.cause && err.cause.code)) throw err
    return fetch(url, options)
  }
}

async function http(baseUrl, method, urlPath, { token, body, headers: extra } = {}) {
  const headers = { ...extra }
  if (token) headers.Authorization = `Bearer ${token}`
  let payload = body
  if (body !== undefined && !Buffer.isBuffer(body) && typeof body !== 'string') {
    headers['content-type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  const res = await fetchOnFreshSocket(baseUrl + urlPath, {
    method, headers, body: payload, redirect: 'manual', signal: AbortSignal.timeout(15000),
  })
  const text = await res.text()
  let data = text
  try { data = JSON.parse(text) } catch (err) { /* not JSON */ }
  return { status: res.status, headers: res.headers, body: data }
}

function safeName(name) {
  return name.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 120) || 'page'
}

// Best effort: this stack's schema and Redis keys go, so runs do not pile up in the shared test stores.
async function dropProductionStores(settings) {
  if (settings.store !== 'production') return
  try {
    await execFileAsync('psql', [settings.database, '-q', '-v', 'ON_ERROR_STOP=1', '-c',
      `DROP SCHEMA IF EXISTS "${settings.schema}" CASCADE`], { timeout: 15000 })
  } catch (err) { /* psql missing or refused: the schema stays, named c_<hex> */ }
  try {
    const { stdout } = await execFileAsync('redis-cli', ['-u', settings.redis, '--scan', '--pattern',
      `${settings.keyPrefix}*`], { timeout: 15000, maxBuffer: 64 * 1024 * 1024 })
    const keys = stdout.split('\n').filter(Boolean)
    for (let i = 0; i < keys.length; i += 500) {
      await execFileAsync('redis-cli', ['-u', settings.redis, 'UNLINK', ...keys.slice(i, i + 500)], { timeout: 15000 })
    }
  } catch (err) { /* redis-cli missing: the keys stay; sessions and codes expire on their own */ }
}

async function startStack() {
  const store = storeName()
  const tag = crypto.randomBytes(6).toString('hex')
  const stack = {
    store,
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'huodongri-console-')),
    artifacts: path.join(ARTIFACTS, store),
    processes: [],
    tokens: new Map(),
    settings: { store },
  }
  try {
    const bins = binaries()
    stack.bins = bins
    const { env: base, settings } = await storeEnv(store, tag)
    stack.settings = settings
    // The server needs the fake: its push worker sends the demo's previews to "WeChat", which must be the fake on
    // loopback and never the real service.
    const fake = await startFake(bins.wechatFake, PROCESS_OPTIONS)
    stack.processes.push(fake.child)
    stack.fake = fake
    stack.env = {
      ...base,
      APP_WECHAT__BASE_URL: fake.baseUrl,
      APP_WECHAT__APPID: fake.appid,
      APP_WECHAT__APP_SECRET: fake.secret,
      APP_SECRETS__JWT_SECRET: crypto.randomBytes(32).toString('hex'),
      APP_SECRETS__QR_SECRET: crypto.randomBytes(32).toString('hex'),
      // Jobs run only when asked: a reminder round in the middle of a journey would only add noise.
      APP_SCHEDULER__ENABLED: 'false',
      RUST_LOG: 'warn',
    }

    stack.demoOutput = await runCommand(stack, ['demo'])
    const demoFile = path.join(stack.dataDir, 'demo.json')
    let demo
    try {
      demo = JSON.parse(fs.readFileSync(demoFile, 'utf8'))
    } catch (err) {
      throw new Error(`huodongri demo left no readable ${demoFile}: ${err.message}\nIts output:\n${stack.demoOutput}`)
    }
    checkDemo(demo, demoFile)
    stack.demo = demo

    const server = await startServer(bins.huodongri, stack.dataDir, stack.env, PROCESS_OPTIONS)
    stack.processes.push(server.child)
    stack.server = server
    stack.baseUrl = server.baseUrl

    // Loaded here, not at the top, so a missing `npm ci` reads as one clear error.
    let chromium
    try {
      ;({ chromium } = require('playwright-core'))
    } catch (err) {
      throw new Error(`playwright-core is not installed: cd ${__dirname} && npm ci (${err.message})`)
    }
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: bash ${path.join(__dirname, 'install-chromium.sh')}`)
    }
    stack.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true })
    return stack
  } catch (err) {
    await stopStack(stack)
    throw err
  }
}

async function stopStack(stack) {
  if (!stack) return
  if (stack.browser) await stack.browser.close().catch(() => {})
  stack.browser = null
  await Promise.all(stack.processes.map(stopChild))
  stack.processes = []
  await dropProductionStores(stack.settings)
  if (stack.dataDir) fs.rmSync(stack.dataDir, { recursive: true, force: true })
}

// The handle a test file works with. `useStack()` starts the stack before the file's tests and stops it after;
// `journey(name, fn)` runs one test in a fresh browser context (its own cookies) and, when it fails, adds a
// screenshot, what the browser logged and the server's last output to the failure.
function useStack() {
  const handle = {
    store: storeName(),
    get baseUrl() { return handle.stack.baseUrl },
    get demo() { return handle.stack.demo },
    stack: null,
  }

  before(async () => {
    handle.stack = await startStack()
  })
  after(async () => {
    await stopStack(handle.stack)
  })

  Object.assign(handle, {
    // A huodongri command on this stack's data dir and stores; its stdout, trimmed.
    async command(...args) {
      return runCommand(handle.stack, args)
    },

    serverOutput() {
      const s = handle.stack
      if (!s) return '(the stack did not start)'
      return s.server ? s.server.output.text : `(the server did not start)\n${s.demoOutput || ''}`
    },

    // The demo's organisation with this code: {id, code, name, kind}.
    org(code) {
      const found = handle.demo.organisations.find((o) => o.code === code)
      if (!found) throw new Error(`demo.json has no organisation ${code}: ${JSON.stringify(handle.demo.organisations)}`)
      return found
    },

    // The demo person with a console password for `role` (and at `orgCode`, when given).
    login(role, orgCode) {
      const found = handle.demo.console_logins.find((l) => l.role === role && (!orgCode || l.org_code === orgCode))
      if (!found) {
        const have = handle.demo.console_logins.map((l) => `${l.role}@${l.org_code}`).join(', ')
        throw new Error(`demo.json has no console login for ${role}${orgCode ? ` at ${orgCode}` : ''} (it has: ${have})`)
      }
      return found
    },

    // An access token for the API, as `huodongri admin token --phone P --ttl 30m` prints it.
    async apiToken(phone) {
      if (!handle.stack.tokens.has(phone)) {
        handle.stack.tokens.set(phone, await handle.command('admin', 'token', '--phone', phone, '--ttl', '30m'))
      }
      return handle.stack.tokens.get(phone)
    },

    async api(method, urlPath, token, body) {
      return http(handle.baseUrl, method, urlPath, { token, body })
    },

    // The same, but anything other than 2xx throws with the answer in the message.
    async apiOk(method, urlPath, token, body) {
      const res = await handle.api(method, urlPath, token, body)
      if (res.status < 200 || res.status >= 300) {
        throw new Error(`${method} ${urlPath} answered ${res.status}: ${JSON.stringify(res.body)}`)
      }
      return res.body
    },

    url(urlPath) {
      return handle.baseUrl + urlPath
    },

    // A full-page PNG in artifacts/<store>/<name>.png.
    async screenshot(page, name) {
      fs.mkdirSync(handle.stack.artifacts, { recursive: true })
      const file = path.join(handle.stack.artifacts, `${safeName(name)}.png`)
      await page.screenshot({ path: file, fullPage: true })
      return file
    },

    // Opens a console page, keeps a screenshot of it, and returns the main response.
    async visit(page, urlPath, name) {
      const response = await page.goto(handle.url(urlPath))
      await handle.screenshot(page, name)
      return response
    },

    // Signs in through the password form as the demo's `role` person and waits for the page signing in leads to.
    async signIn(page, role, { orgCode, next } = {}) {
      const who = handle.login(role, orgCode)
      const loginPath = next ? `/console/login?next=${encodeURIComponent(next)}` : '/console/login'
      await page.goto(handle.url(loginPath))
      const form = page.locator('form#password-form')
      await form.locator('input[name=phone]').fill(who.phone)
      await form.locator('input[name=password]').fill(who.password)
      await Promise.all([
        page.waitForURL((u) => !u.pathname.startsWith('/console/login')),
        form.locator('[type=submit]').click(),
      ]).catch(async (err) => {
        const flash = await page.locator('.flash.error').allTextContents().catch(() => [])
        throw new Error(`signing in as ${role} ${who.phone} did not leave the sign-in page ` +
          `(${page.url()}; flash: ${JSON.stringify(flash)}): ${err.message}`)
      })
      return who
    },

    // The session cookie the browser holds (it is scoped to /console), or undefined.
    async sessionCookie(context) {
      const cookies = await context.cookies(`${handle.baseUrl}/console/`)
      return cookies.find((c) => c.name === 'hdr_console')
    },

    journey(name, fn, options = {}) {
      test(name, options, async (t) => {
        const context = await handle.stack.browser.newContext({
          acceptDownloads: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 860 },
        })
        // Pages come from loopback in milliseconds: a short wait makes a missing element fail fast.
        context.setDefaultTimeout(5000)
        const logged = []
        const watch = (page) => {
          page.on('pageerror', (err) => logged.push(`uncaught in ${page.url()}: ${err.message}`))
          page.on('console', (msg) => {
            if (msg.type() === 'error') logged.push(`console.error in ${page.url()}: ${msg.text()}`)
          })
        }
        context.on('page', watch)
        const page = await context.newPage()
        try {
          await fn({ page, context, t })
          // A page whose script or style the CSP refused, or whose script threw, is broken for its users even when
          // the journey's checks passed.
          const broken = logged.filter((line) => /Content Security Policy|^uncaught/.test(line))
          if (broken.length > 0) throw new Error(`the browser reported:\n  ${broken.join('\n  ')}`)
        } catch (err) {
          let shot = ''
          try {
            shot = await handle.screenshot(page, `FAILED-${name}`)
          } catch (e) { shot = `(no screenshot: ${e.message})` }
          const shown = await page.evaluate(() => (document.body ? document.body.innerText : ''))
            .then((text) => text.replace(/\s+/g, ' ').trim().slice(0, 600)).catch(() => '(unreadable)')
          err.message += `\n--- at ${page.url()}, screenshot ${shot}` +
            `\n--- the page shows: ${shown || '(nothing)'}` +
            `\n--- the browser logged:\n${logged.join('\n') || '(nothing)'}` +
            `\n--- huodongri serve's last output (${handle.store} stores):\n${handle.serverOutput() || '(nothing)'}`
          throw err
        } finally {
          await context.close().catch(() => {})
        }
      })
    },
  })
  return handle
}

async function runCommand(stack, args) {
  try {
    const { stdout } = await execFileAsync(stack.bins.huodongri, [...args, '--data-dir', stack.dataDir], {
      env: stack.env, cwd: stack.dataDir, timeout: COMMAND_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024,
    })
    return stdout.trim()
  } catch (err) {
    throw new Error(`huodongri ${args.join(' ')} failed (${err.code || err.signal}):\n${err.stderr || ''}${err.stdout || ''}` +
      `${err.stderr || err.stdout ? '' : err.message}`)
  }
}

// Waits until `probe()` returns a truthy value, polling every 50 ms; the last value and `what` make the message.
async function eventually(probe, { timeout = 5000, what = 'the condition' } = {}) {
  const deadline = Date.now() + timeout
  let last
  for (;;) {
    last = await probe()
    if (last) return last
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeout} ms (last: ${JSON.stringify(last)})`)
    await sleep(50)
  }
}

// 'YYYY-MM' of this month in Asia/Shanghai (the server's calendar), `offset` months on.
function shanghaiMonth(offset = 0) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' })
    .formatToParts(new Date())
  const year = Number(parts.find((p) => p.type === 'year').value)
  const month = Number(parts.find((p) => p.type === 'month').value) - 1 + offset
  const y = year + Math.floor(month / 12)
  const m = ((month % 12) + 12) % 12 + 1
  return `${y}-${String(m).padStart(2, '0')}`
}

module.exports = { BUILD_COMMAND, REPO_ROOT, eventually, http, shanghaiMonth, sleep, useStack }
