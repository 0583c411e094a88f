/**
 * @jest-environment jsdom
 */
// Renders the real templates of the duties pages with miniprogram-simulate, fed with the data their js produced
// through the Page harness: what a leading cadre and the organisation department read.
const { signedIn } = require('./signed-in')
const { loadPage } = require('./page-harness')
const { render, settleUntil, text } = require('./page-render')
const duties = require('../utils/duties')
const fixtures = require('./fixtures')

const shim = signedIn({ now: '2026-11-20T02:00:00Z' })

const tap = (dataset) => ({ currentTarget: { dataset } })

async function myDuties(entries = [fixtures.dutyEntry()]) {
  shim.route('GET /api/v1/me', { status: 200, body: fixtures.me() })
  shim.route('GET /api/v1/people/1/duties', { status: 200, body: fixtures.dutyProgress() })
  shim.route('GET /api/v1/me/duties', { status: 200, body: entries })
  shim.route('GET /api/v1/me/contact-points', { status: 200, body: [fixtures.contactPoint()] })
  const page = loadPage('pages/my-duties/index')
  await page.onLoad({})
  return page
}

test('我的履职: the verdict, what is missing, each quota with its bar, and a count without a quota has none', async () => {
  const page = await myDuties()
  const comp = render('pages/my-duties/index', page.data)
  const shown = text(comp)
  expect(shown).toContain('2026年')
  expect(shown).toContain('本年度履职要求尚未全部完成尚需完成到基层调查研究：还差18天与所属党员谈心谈话：还差3次与张三谈心谈话：还差1次记录谈话与李四谈心谈话：还差2次记录谈话')
  expect(shown).toContain('谈心谈话记录履职')
  expect(shown).toContain('到基层调查研究还差18天完成情况12/30天查看来源（1）')
  expect(shown).toContain('走访联系点已完成完成情况2/2次查看来源（2）')
  expect(shown).toContain('随机性微调研不作数量要求已记录2次')
  const bars = comp.querySelectorAll('.fill')
  expect(bars.map((bar) => bar.dom.getAttribute('style'))).toEqual(['width: 40%;', 'width: 100%;', 'width: 25%;'])
  expect(bars.map((bar) => bar.dom.className.includes('met'))).toEqual([false, true, false])
})

test('我的履职: the sources of a count, unfolded', async () => {
  const page = await myDuties()
  page.onToggleEvidence(tap({ key: 'contact_visits' }))
  const shown = text(render('pages/my-duties/index', page.data))
  expect(shown).toContain('收起来源3月12日履职记录第一党支部·走访联系点6月20日扫码签到第一党支部·主题党日活动')
  expect(shown).not.toContain('基层减负落实情况（4天）')
})

test('我的履职: my entries with 修改 and its deadline, 更正 after it, and a corrected one with neither', async () => {
  const page = await myDuties([
    fixtures.dutyEntry(),
    fixtures.dutyEntry({ id: 30, starts_on: '2026-10-08', ends_on: '2026-10-09', editable_until: '2026-10-19T09:00:00+08:00' }),
    fixtures.dutyEntry({ id: 29, kind: 'contact_visit', kind_label: '走访联系点', starts_on: '2026-09-01', ends_on: '2026-09-01', org_name: '第一党支部', superseded: true }),
  ])
  const shown = text(render('pages/my-duties/index', page.data))
  expect(shown).toContain('我的履职记录调查研究11月2日至11月5日（共4天）·东关街道基层减负落实情况走访三个社区可修改至11月25日09:00修改')
  expect(shown).toContain('调查研究10月8日至10月9日（共2天）·东关街道基层减负落实情况走访三个社区更正')
  expect(shown).toContain('走访联系点已更正9月1日·第一党支部基层减负落实情况走访三个社区')
  expect(shown.match(/更正/g)).toHaveLength(2) // 已更正, and one 更正 button
})

test('我的履职: under each of my entries its photos as thumbnails, its documents by name, and 添加照片', async () => {
  const page = await myDuties([fixtures.dutyEntry(), fixtures.dutyEntry({ id: 30, starts_on: '2026-10-08', ends_on: '2026-10-09' })])
  shim.route('GET /api/v1/attachments', (req) => ({
    status: 200,
    body: req.data.owner_id === 31
      ? [fixtures.attachment(), fixtures.attachment({ id: 92 }), fixtures.attachment({ id: 94, file_type: 'pdf', name: '调研报告.pdf' })]
      : [],
  }))
  ;[91, 92].forEach((id) => shim.route(`GET /api/v1/attachments/${id}/thumbnail`, { status: 200, body: `THUMB${id}` }))
  const comp = render('pages/my-duties/index', page.data, { real: ['attachment-list'] })
  await settleUntil(() => comp.dom.querySelectorAll('wx-image').length === 2 && text(comp).includes('调研报告.pdf'))

  expect(shim.requestsTo('GET /api/v1/attachments').map((r) => r.data)).toEqual([
    { owner_type: 'duty_entry', owner_id: 31 }, { owner_type: 'duty_entry', owner_id: 30 },
  ])
  expect(comp.dom.querySelectorAll('wx-image')).toHaveLength(2) // the first entry's two thumbnails
  const shown = text(comp)
  expect(shown).toContain('走访三个社区可修改至11月25日09:00修改PDF文档：调研报告.pdf240KB添加照片调查研究10月8日至10月9日')
  expect(shown.match(/添加照片/g)).toHaveLength(2)
})

test('我的履职: the form for a contact-point kind names the contact point and no place; a correction names what it replaces', async () => {
  const page = await myDuties([fixtures.dutyEntry({ editable_until: '2026-11-12T09:00:00+08:00' })])
  page.onLogOpen()
  page.onKind({ detail: { value: String(duties.KINDS.findIndex((k) => k.key === 'contact_lecture')) } })
  let shown = text(render('pages/my-duties/index', page.data))
  expect(shown).toContain('谈心谈话取消记录履职履职类型讲授主题党课联系点第一党支部日期2026-11-20党课题目情况简述取消保存')
  expect(shown).not.toContain('地点')

  page.onKind({ detail: { value: String(duties.KINDS.findIndex((k) => k.key === 'research')) } })
  await page.onSave()
  shown = text(render('pages/my-duties/index', page.data))
  expect(shown).toContain('履职类型调查研究开始日期2026-11-20结束日期2026-11-20地点请填写地点主题情况简述')

  page.onCorrect(tap({ id: 31 }))
  shown = text(render('pages/my-duties/index', page.data))
  expect(shown).toContain('记录履职更正记录原记录：调查研究11月2日至11月5日（共4天）保存后原记录标为“已更正”，以新记录为准'
    + '履职类型调查研究开始日期2026-11-02结束日期2026-11-05地点主题情况简述')
  expect(shown).toContain('取消保存更正')
  expect(shown).toContain('走访三个社区正在更正这条记录（见上方）')
  expect(shown).not.toContain('讲授主题党课')
})

test('someone else\'s progress: their name and organisation, no entries, no buttons', async () => {
  shim.route('GET /api/v1/people/9/duties', { status: 200, body: fixtures.dutyProgress({ person_id: 9, name: '吴十', org_name: '第二党支部' }) })
  const page = loadPage('pages/my-duties/index')
  await page.onLoad({ person: '9' })
  const shown = text(render('pages/my-duties/index', page.data))
  expect(shown).toContain('吴十第二党支部本年度履职要求尚未全部完成')
  expect(shown).not.toContain('记录谈话')
  expect(shown).not.toContain('记录履职')
  expect(shown).not.toContain('我的履职记录')
})

test('谈心谈话: the privacy note, the person chosen, the name field only for 其他人员, and the talks', async () => {
  shim.route('GET /api/v1/me', { status: 200, body: fixtures.me() })
  shim.route('GET /api/v1/people/1/duties', { status: 200, body: fixtures.dutyProgress() })
  shim.route('GET /api/v1/me/talks', {
    status: 200,
    body: [fixtures.talk(), fixtures.talk({ id: 43, leader_id: 9, leader_name: '王书记', with_person_id: 1, with_name: '李伟芳', notes: '谈履职' })],
  })
  const page = loadPage('pages/talk-form/index')
  await page.onLoad({ person: '3', name: '%E5%BC%A0%E4%B8%89' })
  let shown = text(render('pages/talk-form/index', page.data))
  expect(shown).toContain('记录谈心谈话谈话内容仅您和谈话对象可见谈话对象张三（本年已谈1次，还差1次）谈话日期2026-11-20谈话要点')
  expect(shown).not.toContain('姓名')
  expect(shown).toContain('2026年的谈心谈话（2）与张三谈话11月10日谈明年工作打算王书记与您谈话11月10日谈履职')

  page.onPerson({ detail: { value: String(page.data.people.length) } })
  await page.onSave()
  shown = text(render('pages/talk-form/index', page.data))
  expect(shown).toContain('谈话对象其他人员（填写姓名）姓名')
  expect(shown).toContain('请填写谈话对象的姓名')
})

test('履职情况: each row with its organisation, post and what is behind; the filter and the count', async () => {
  shim.route('GET /api/v1/me', { status: 200, body: fixtures.me(['org_admin', 5, '街道党工委']) })
  shim.route('GET /api/v1/orgs/5/duties', {
    status: 200,
    body: fixtures.dutiesPage([
      fixtures.dutyRow({ behind: [{ kind: 'research_days', label: '到基层调查研究（天）', required: 30, done: 12 }, { kind: 'talks', label: '谈心谈话', required: 4, done: 1 }] }),
      fixtures.dutyRow({ person_id: 2, name: '赵六', party_post: null, leader_level: 'township' }),
    ]),
  })
  const page = loadPage('pages/duties-overview/index')
  await page.onLoad()
  const shown = text(render('pages/duties-overview/index', page.data))
  expect(shown).toContain('街道党工委')
  expect(shown).toContain('尚未完成履职要求的共2人查看全部')
  expect(shown).toContain('李伟芳未完成第一党支部·县处级以上·书记到基层调查研究12/30天谈心谈话1/4次查看详情›')
  expect(shown).toContain('赵六未完成第一党支部·乡科级到基层调查研究12/30天')
  expect(shown).toContain('没有更多了')
})
