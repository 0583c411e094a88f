const { installWx, tokenPair } = require('./wx-shim')
const { loadPage } = require('./page-harness')

let shim
beforeEach(() => {
  jest.resetModules()
  shim = installWx()
})

describe('home page', () => {
  test('shows whether the user is logged in', () => {
    const page = loadPage('pages/index/index')
    page.onShow()
    expect(page.data.loggedIn).toBe(false)

    wx.setStorageSync('hdr.accessToken', 'some-access')
    page.onShow()
    expect(page.data.loggedIn).toBe(true)
  })

  test('a bound user is logged in by the button', async () => {
    shim.loginCodes.push('wx-code-1')
    shim.route('POST /api/v1/auth/wechat', { status: 200, body: { status: 'ok', ...tokenPair('t1') } })
    const page = loadPage('pages/index/index')

    const pending = page.onLogin()
    expect(page.data.loading).toBe(true)
    await pending

    expect(page.data).toMatchObject({ loggedIn: true, loading: false, error: '' })
  })

  test('an unbound user is sent to the bind page with the ticket', async () => {
    shim.loginCodes.push('wx-code-1')
    shim.route('POST /api/v1/auth/wechat', { status: 200, body: { status: 'unbound', bind_ticket: 'a/b+c' } })
    const page = loadPage('pages/index/index')

    await page.onLogin()

    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/login/index?ticket=a%2Fb%2Bc' }])
    expect(page.data.loggedIn).toBe(false)
  })

  test('a failed login is explained in Chinese', async () => {
    shim.loginCodes.push('wx-code-1')
    shim.route('POST /api/v1/auth/wechat', { fail: 'request:fail' })
    const page = loadPage('pages/index/index')

    await page.onLogin()

    expect(page.data).toMatchObject({ loading: false, error: '网络连接失败，请检查网络后重试' })
  })
})

describe('bind page', () => {
  test('binds with the ticket from its query and goes home', async () => {
    shim.route('POST /api/v1/auth/bind', { status: 200, body: tokenPair('t2') })
    const page = loadPage('pages/login/index')
    page.onLoad({ ticket: 'a%2Fb%2Bc' })

    await page.onSubmit({ detail: { inviteCode: 'ABCD1234' } })

    expect(shim.requestsTo('POST /api/v1/auth/bind')[0].data).toEqual({ bind_ticket: 'a/b+c', invite_code: 'ABCD1234' })
    expect(shim.navigations).toEqual([{ kind: 'reLaunch', url: '/pages/index/index' }])
    expect(wx.getStorageSync('hdr.accessToken')).toBe('t2-access')
  })

  test('a wrong invite code is passed to the form and the ticket is kept for the next try', async () => {
    shim.route('POST /api/v1/auth/bind', { status: 400, body: { code: 'auth.invite_invalid', message: 'unknown invite code' } })
    const page = loadPage('pages/login/index')
    page.onLoad({ ticket: 'ticket-9' })

    await page.onSubmit({ detail: { inviteCode: 'WRONG' } })

    expect(page.data).toMatchObject({ binding: false, error: { code: 'auth.invite_invalid', message: 'unknown invite code' } })
    await page.onSubmit({ detail: { inviteCode: 'WRONG2' } })
    expect(shim.requestsTo('POST /api/v1/auth/bind').map((r) => r.data.bind_ticket)).toEqual(['ticket-9', 'ticket-9'])
    expect(shim.requestsTo('POST /api/v1/auth/wechat')).toHaveLength(0)
  })

  test('without a ticket (or after it failed) it fetches a fresh one by logging in first', async () => {
    shim.loginCodes.push('wx-code-1')
    shim.route('POST /api/v1/auth/wechat', { status: 200, body: { status: 'unbound', bind_ticket: 'ticket-new' } })
    shim.route('POST /api/v1/auth/bind', { status: 200, body: tokenPair('t3') })
    const page = loadPage('pages/login/index')
    page.onLoad({})

    await page.onSubmit({ detail: { inviteCode: 'ABCD1234' } })

    expect(shim.requestsTo('POST /api/v1/auth/bind')[0].data.bind_ticket).toBe('ticket-new')
    expect(shim.navigations).toEqual([{ kind: 'reLaunch', url: '/pages/index/index' }])
  })
})
