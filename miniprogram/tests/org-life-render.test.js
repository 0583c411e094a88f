/**
 * @jest-environment jsdom
 */
// Renders the real templates of the pages of organisational life with miniprogram-simulate, fed with the data their js
// produced through the Page harness: what a member and a secretary read.
const { signedIn } = require('./signed-in')
const { loadPage } = require('./page-harness')
const { render, text, settleUntil } = require('./page-render')
const fixtures = require('./fixtures')

const shim = signedIn({ now: '2026-11-20T02:00:00Z' })

const tap = (dataset) => ({ currentTarget: { dataset } })
const secretary = () => fixtures.me(['secretary', 6, '第一党支部'])

test('党务公开: the unread count, each notice with 未读; and nothing yet', async () => {
  shim.route('GET /api/v1/me/notices', {
    status: 200, body: fixtures.myNotices([fixtures.notice(), fixtures.notice({ id: 102, title: '支部换届选举结果', read: true })]),
  })
  const page = loadPage('pages/notices/index')
  await page.onLoad()
  const shown = text(render('pages/notices/index', page.data))
  expect(shown).toContain('您有1条公开内容未读')
  expect(shown).toContain('财务公开·第一党支部未读2026年第三季度党费收缴情况')
  expect(shown).toContain('财务公开·第一党支部支部换届选举结果')
  expect(shown).toContain('没有更多了')

  shim.route('GET /api/v1/me/notices', { status: 200, body: fixtures.myNotices([]) })
  await page.load()
  expect(text(render('pages/notices/index', page.data))).toBe('还没有发布给您的公开内容')
})

test('一条公开内容: the notice, 我要提问 and its form; the publisher\'s readers', async () => {
  shim.route('GET /api/v1/notices/101', { status: 200, body: fixtures.notice({ read: true }) })
  const page = loadPage('pages/notice/index')
  await page.onLoad({ id: '101' })
  let shown = text(render('pages/notice/index', page.data))
  expect(shown).toContain('2026年第三季度党费收缴情况发布时间：11月18日周三09:30本季度应缴党费12人')
  expect(shown).toContain('对公开的内容有疑问，您可以提出质询，由发布的党组织限期答复。我要提问')
  page.onAsk()
  shown = text(render('pages/notice/index', page.data))
  expect(shown).toContain('标题具体内容暂不提问提交质询')

  shim.route('GET /api/v1/notices/101/readers', { status: 200, body: fixtures.readers() })
  const staff = loadPage('pages/notice/index')
  await staff.onLoad({ id: '101', staff: '1' })
  shown = text(render('pages/notice/index', staff.data))
  expect(shown).toContain('阅读情况应读12人，已读10人，未读2人张三第一党支部李四第一党支部')
  expect(shown).not.toContain('我要提问')
})

test('发布公开: the form, and once published the files and 查看阅读情况', async () => {
  shim.route('GET /api/v1/me', { status: 200, body: secretary() })
  const page = loadPage('pages/notice-form/index')
  await page.onLoad()
  let shown = text(render('pages/notice-form/index', page.data))
  expect(shown).toContain('发布组织第一党支部公开类别党务公开公开范围本组织党员标题公开内容发布')
  page.setData({ published: { id: 105, title: '党费收缴情况' } })
  shown = text(render('pages/notice-form/index', page.data))
  expect(shown).toContain('已发布：党费收缴情况')
  expect(shown).toContain('查看阅读情况再发布一条')
})

test('活动评价: five big stars to tap; my own answer; the summary only from enough answers', async () => {
  shim.route('GET /api/v1/activities/12/feedback', { status: 200, body: fixtures.myFeedback() })
  const page = loadPage('pages/feedback/index')
  await page.onLoad({ id: '12' })
  page.onStar(tap({ rating: 3 }))
  let shown = text(render('pages/feedback/index', page.data))
  expect(shown).toContain('这次活动您觉得怎么样？请在11月23日周一11:00前评价，评价不记名。★★★☆☆一般留言（可不填）提交评价')

  shim.route('GET /api/v1/activities/12/feedback', { status: 200, body: fixtures.myFeedback({ can_answer: false, mine: { rating: 4, comment: '很好' } }) })
  await page.load()
  shown = text(render('pages/feedback/index', page.data))
  expect(shown).toContain('您的评价★★★★☆满意很好感谢您的评价，每人只能评价一次。')
  expect(shown).not.toContain('提交评价')

  shim.route('GET /api/v1/activities/12/feedback/summary', { status: 200, body: fixtures.feedbackSummary() })
  const summary = loadPage('pages/feedback/index')
  await summary.onLoad({ id: '12', summary: '1' })
  shown = text(render('pages/feedback/index', summary.data))
  expect(shown).toContain('共8人评价平均4.1星5星4人4星2人3星1人2星1人1星0人留言内容很实在时间安排合理')

  shim.route('GET /api/v1/activities/12/feedback/summary', {
    status: 200, body: fixtures.feedbackSummary({ answers: 3, enough: false, distribution: null, average: null, comments: [] }),
  })
  await summary.load()
  shown = text(render('pages/feedback/index', summary.data))
  expect(shown).toContain('答复人数不足5人，暂不显示')
  expect(shown).not.toContain('平均')
})

test('我的政治生日: the day, the years and the four items; no joining date', async () => {
  shim.route('GET /api/v1/me/political-birthday', {
    status: 200, body: fixtures.birthday({ celebration: fixtures.celebration({ oath_renewed: true }) }),
  })
  const page = loadPage('pages/my-birthday/index')
  await page.onLoad()
  let shown = text(render('pages/my-birthday/index', page.data))
  expect(shown).toContain('李伟芳同志，您的政治生日12月3日周四党龄25年2001年12月3日入党·第一党支部')
  expect(shown).toContain('思想汇报未完成重温入党誓词已完成书记谈心交流未完成参观学习未完成')

  shim.route('GET /api/v1/me/political-birthday', { status: 404, body: { code: 'life.not_found', message: 'none' } })
  await page.load()
  shown = text(render('pages/my-birthday/index', page.data))
  expect(shown).toBe('没有找到相关记录（名册中可能没有您的入党日期），请联系支部书记')
})

test('政治生日 (secretary): the month, each member with its state, and the record form', async () => {
  shim.route('GET /api/v1/me', { status: 200, body: secretary() })
  shim.route('GET /api/v1/orgs/6/political-birthdays', {
    status: 200,
    body: [fixtures.birthday({ celebration: fixtures.celebration({ talk_id: 41 }) }), fixtures.birthday({ person_id: 3, name: '张三', years: 3 })],
  })
  const page = loadPage('pages/birthdays/index')
  await page.onLoad()
  page.onEdit(tap({ id: 121 }))
  const shown = text(render('pages/birthdays/index', page.data))
  expect(shown).toContain('第一党支部2026年11月▾只看未完成')
  expect(shown).toContain('李伟芳进行中12月3日周四·党龄25年○思想汇报○重温入党誓词✓书记谈心交流○参观学习')
  expect(shown).toContain('思想汇报○已重温入党誓词○已参观学习✓书记谈心交流已记录返回保存记录')
  expect(shown).toContain('张三未安排12月3日周四·党龄3年点“安排政治生日活动”把该同志加入本月的政治生日活动')
  expect(shown).toContain('第一党支部2026年11月▾只看未完成安排政治生日活动李伟芳')

  shim.route('GET /api/v1/orgs/6/plans', { status: 200, body: [fixtures.birthdayPlan()] })
  await page.onArrange()
  page.onPick(tap({ id: 3 }))
  const arranging = text(render('pages/birthdays/index', page.data))
  expect(arranging).toContain('安排政治生日活动加入哪次活动过政治生日重温入党誓词（11月27日）▾请在下面勾选要安排的同志（还没有安排的1人）返回加入活动')
  expect(arranging).toContain('张三未安排12月3日周四·党龄3年✓已选该同志')
})

test('记录 of a celebrated member: the 思想汇报 files of the celebration, and 上传思想汇报照片', async () => {
  shim.route('GET /api/v1/me', { status: 200, body: secretary() })
  shim.route('GET /api/v1/orgs/6/political-birthdays', { status: 200, body: [fixtures.birthday({ celebration: fixtures.celebration() })] })
  const page = loadPage('pages/birthdays/index')
  await page.onLoad()
  page.onEdit(tap({ id: 121 }))
  shim.route('GET /api/v1/attachments', {
    status: 200, body: [fixtures.attachment({ id: 95, owner_type: 'political_birthday', owner_id: 121, file_type: 'pdf', name: '思想汇报.pdf' })],
  })
  const comp = render('pages/birthdays/index', page.data, { real: ['attachment-list'] })
  await settleUntil(() => text(comp).includes('思想汇报.pdf'))
  expect(shim.requestsTo('GET /api/v1/attachments')[0].data).toEqual({ owner_type: 'political_birthday', owner_id: 121 })
  expect(text(comp)).toContain('思想汇报PDF文档：思想汇报.pdf240KB上传思想汇报照片○已重温入党誓词')
})

test('我的政治生日: once held, the member uploads their own 思想汇报', async () => {
  shim.route('GET /api/v1/me/political-birthday', { status: 200, body: fixtures.birthday({ celebration: fixtures.celebration() }) })
  shim.route('GET /api/v1/attachments', { status: 200, body: [] })
  const mine = loadPage('pages/my-birthday/index')
  await mine.onLoad()
  const comp = render('pages/my-birthday/index', mine.data, { real: ['attachment-list'] })
  await settleUntil(() => shim.requestsTo('GET /api/v1/attachments').length > 0 && text(comp).includes('上传思想汇报照片'))
  expect(shim.requestsTo('GET /api/v1/attachments')[0].data).toEqual({ owner_type: 'political_birthday', owner_id: 121 })
  expect(text(comp)).toContain('参观学习未完成我的思想汇报可以把写好的思想汇报拍照上传上传思想汇报照片')

  shim.route('GET /api/v1/me/political-birthday', { status: 200, body: fixtures.birthday() })
  await mine.load()
  expect(text(render('pages/my-birthday/index', mine.data))).not.toContain('我的思想汇报')
})

test('结对共建: the pairs, then a pair\'s year', async () => {
  shim.route('GET /api/v1/me', { status: 200, body: secretary() })
  shim.route('GET /api/v1/orgs/6/pairs', { status: 200, body: [fixtures.pair()] })
  const page = loadPage('pages/pairs/index')
  await page.onLoad()
  let shown = text(render('pages/pairs/index', page.data))
  expect(shown).toContain('第一党支部⇄市供电公司党支部2026-01-01至2027-12-31共建目标：共建便民服务点，帮扶困难群众查看今年情况›')

  shim.route('GET /api/v1/org-pairs/131/year', { status: 200, body: fixtures.pairYear({ entries: [] }) })
  await page.onOpen(tap({ id: 131 }))
  shown = text(render('pages/pairs/index', page.data))
  expect(shown).toContain('2026年：联合活动1次，交流学习1次，帮扶0次')
  expect(shown).toContain('联合主题党日9月20日周日·第一党支部主办第一党支部：应到12人，实到11人，出勤率91.7%')
  expect(shown).toContain('交流与帮扶登记今年还没有登记交流或帮扶')
})
