// End to end for the democratic evaluation (民主评议, §二.1, §三.2): the mini-program's pages (through
// tests/page-harness.js) and utils, with the wx shim doing real HTTP, against a real `huodongri serve` and the WeChat
// fake, in a stack of its own.
//
// The city's administrator puts 王书记 (granted secretary) and 李四 in 测试支部 beside 张三. 王书记 binds and, from 组织民主评议,
// opens this year's evaluation for two weeks from today; last year's, already over, is opened through the API (the page
// only offers days from today on). 张三 binds and opens 民主评议: this year's is shown first, with his evidence sheet (no
// activity yet), he saves a self-assessment and casts a secret ballot on 王书记 (a second one on him is refused
// `evaluation.already_voted`). A member of the public (an unbound WeChat user, visitor token) answers the questionnaire
// on the branch once; the second answer is refused. 王书记 reads 张三's evidence sheet and comments on him; in last year's
// evaluation he records the branch meeting's grade, and 张三 reads his result: no counts (fewer than five ballots) and
// the grade. The tests run in order and share one WeChat "device".
const { loadPage } = require('../page-harness')
const { http, mintLoginCode } = require('./stack')
const { devicePeople, useFreshScreen, useStackAndDevice } = require('./setup')

jest.setTimeout(30000)

const SECRETARY = { name: '王书记', phone: '13900008001', status: '正式党员' }
const OTHER = { name: '李四', phone: '13900008002', status: '正式党员' }

const { stack, shim } = useStackAndDevice()
const api = require('../../utils/api')
const auth = require('../../utils/auth')
const month = require('../../utils/month')
const paths = require('../../utils/paths')

const people = devicePeople(stack, shim)
const asCityAdmin = (method, path, body) => http(stack.baseUrl, method, path, { token: stack.adminToken, body })
const tap = (dataset) => ({ currentTarget: { dataset } })
const input = (value) => ({ detail: { value } })

const DAY_MS = 24 * 60 * 60 * 1000
const TODAY = month.today()
const YEAR = Number(TODAY.slice(0, 4))

// A server without the evaluation API fails every test with this, not with a cascade of odd errors.
const guard = useFreshScreen(shim)

async function openPage(route, query = {}) {
  const page = loadPage(route)
  await page.onLoad(query)
  expect(page.data.loadError).toBeNull()
  return page
}

describe('the democratic evaluation against the real server', () => {
  let secretaryId
  let thisYear
  let lastYear

  test('王书记, the branch\'s secretary, opens this year\'s evaluation from 组织民主评议', async () => {
    const secretary = await asCityAdmin('POST', `/api/v1/orgs/${stack.branchId}/people`, SECRETARY)
    expect(secretary.status).toBe(201)
    secretaryId = secretary.body.id
    expect((await asCityAdmin('POST', `/api/v1/orgs/${stack.branchId}/roles`, { person_id: secretaryId, role: 'secretary' })).status).toBe(201)
    expect((await asCityAdmin('POST', `/api/v1/orgs/${stack.branchId}/people`, OTHER)).status).toBe(201)
    const probe = await asCityAdmin('GET', paths.orgEvaluations(stack.branchId))
    if (probe.status === 404) {
      throw guard.apiMissing(
        `${stack.baseUrl} answers GET ${paths.orgEvaluations(stack.branchId)} with 404: the huodongri binary does not serve `
        + 'the democratic evaluation yet. Rebuild it (cargo build -p huodongri) once the server has it.',
      )
    }
    const invite = await asCityAdmin('POST', `/api/v1/people/${secretaryId}/invite`)
    await people.bind('secretary', 'o-evaluation-secretary', invite.body.code)
    people.as('secretary')

    const page = await openPage('pages/evaluation-secretary/index')
    expect(page.data.orgs).toEqual([{ id: stack.branchId, name: '测试支部' }])
    expect(page.data.campaigns).toEqual([])
    page.onOpenForm()
    expect(page.data.campaignForm).toMatchObject({ yearIndex: 0, opens: TODAY })
    await page.onStart()
    expect(shim.modals).toEqual([])
    expect(shim.toasts).toEqual(['已发起民主评议'])
    expect(page.data.campaigns).toEqual([expect.objectContaining({ year: YEAR, stateText: '评议中' })])
    thisYear = page.data.campaigns[0].id
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: `/pages/evaluation-secretary/index?id=${thisYear}` }])

    // The same year again is refused, and said next to the button.
    page.onOpenForm()
    await page.onStart()
    expect(page.data.formError).toBe('这一年度的民主评议已经发起过了，请在下面的列表中查看')

    // Last year's, already over (the page offers only days from today on).
    const opened = await api.post(paths.orgEvaluations(stack.branchId), {
      year: YEAR - 1,
      opens_at: `${month.today(Date.now() - 20 * DAY_MS)}T00:00:00+08:00`,
      closes_at: `${month.today(Date.now() - 2 * DAY_MS)}T23:59:59+08:00`,
    })
    expect(opened).toMatchObject({ year: YEAR - 1, open: false, closed: true })
    lastYear = opened.id
  })

  test('张三 opens 民主评议: his evidence sheet, his self-assessment and a secret ballot on 王书记, once', async () => {
    await people.bind('member', 'o-evaluation-member', stack.invite.code)
    people.as('member')
    const page = await openPage('pages/evaluation/index')
    expect(page.data.campaigns.map((c) => [c.id, c.stateText])).toEqual([[thisYear, '评议中'], [lastYear, '已结束']])
    expect(page.data.campaign).toMatchObject({ id: thisYear, title: `${YEAR}年度民主评议党员`, open: true })
    expect(page.data.member).toBe(true)
    expect(page.data.evidence).toMatchObject({
      name: '张三',
      year: YEAR,
      attendance: { text: '应参加0次，出席0次，请假0次，缺席0次', rateText: '本年度还没有需要参加的活动' },
      commitments: '本年度没有作出承诺',
      duties: null,
      talks: '接受谈心谈话0次',
    })
    expect(page.data.ballots.others.map((m) => m.name).sort()).toEqual(['李四', '王书记'].sort())

    page.onSelfInput(input('一年来按时参加组织生活，认真学习。'))
    await page.onSelfSave()
    expect(shim.modals).toEqual([])
    expect(shim.toasts).toEqual(['自评已保存'])
    expect(page.data.selfSaved).toBe('一年来按时参加组织生活，认真学习。')

    page.onBallotOpen(tap({ id: secretaryId }))
    page.onGrade(tap({ grade: 'excellent' }))
    page.onBallotInput(input('带头作用明显'))
    shim.modalAnswers.push(true)
    await page.onBallotSend()
    expect(shim.modals.map((m) => m.content)).toEqual(['您对王书记同志的评议是“优秀”。评议不记名，提交后不能修改。'])
    expect(shim.toasts).toEqual(['自评已保存', '评议已提交'])
    expect(page.data.ballots.others.find((m) => m.id === secretaryId).rated).toBe(true)
    expect(page.data.ballots.progress).toBe('已评议1人，还有1人未评议')
    expect(page.data.ballotAt).toBe(0)

    await expect(api.post(paths.evaluationBallots(thisYear), { subject_id: secretaryId, grade: 'qualified', comment: '' }))
      .rejects.toMatchObject({ status: 409, code: 'evaluation.already_voted' })
    await expect(api.post(paths.evaluationBallots(thisYear), { subject_id: stack.member.id, grade: 'qualified' }))
      .rejects.toMatchObject({ status: 400, code: 'evaluation.invalid_input' })

    // 评议党组织 leads to the questionnaire, which he answers as a member of the branch.
    page.onQuestionnaire()
    expect(shim.navigations).toEqual([{ kind: 'navigateTo', url: `/pages/org-evaluation/index?id=${thisYear}` }])
    const questionnaire = await openPage('pages/org-evaluation/index', { id: String(thisYear) })
    expect(questionnaire.data).toMatchObject({ visitor: false, questionnaire: { open: true, answered: false, orgName: '测试支部' } })
    questionnaire.data.questionnaire.questions.forEach((q) => questionnaire.onAnswer(tap({ index: q.index, answer: 'satisfied' })))
    await questionnaire.onSubmit()
    expect(questionnaire.data.questionnaire.answered).toBe(true)
  })

  test('a member of the public answers the questionnaire with the visitor token of their login, once', async () => {
    auth.clear()
    wx.removeStorageSync(auth.PERSON_KEY)
    shim.loginCodes.push(await mintLoginCode(stack, 'o-evaluation-public'))
    const page = await openPage('pages/org-evaluation/index', { id: String(thisYear) })
    expect(auth.visitorToken()).not.toBe('')
    expect(auth.isLoggedIn()).toBe(false)
    expect(page.data).toMatchObject({ visitor: true, questionnaire: { open: true, answered: false, year: YEAR } })
    expect(page.data.questionnaire.questions).toHaveLength(5)
    expect(page.onShareAppMessage()).toEqual({
      title: `请您评议测试支部（${YEAR}年度满意度测评）`, path: `/pages/org-evaluation/index?id=${thisYear}`,
    })

    page.onAnswer(tap({ index: 0, answer: 'satisfied' }))
    await page.onSubmit()
    expect(page.data.formError).toBe('请回答第2题（共5题）')
    ;[1, 2, 3, 4].forEach((index) => page.onAnswer(tap({ index, answer: index === 4 ? 'dissatisfied' : 'basically_satisfied' })))
    await page.onSubmit()
    expect(shim.modals).toEqual([])
    expect(page.data.thanks).toBe('感谢您的参与！您的评议已提交，每人只能参加一次。')
    expect(page.data.questionnaire.answered).toBe(true)
    expect(shim.requests.filter((r) => r.path !== paths.authWechat()).every((r) => r.header.Authorization === `Bearer ${auth.visitorToken()}`)).toBe(true)

    // Once only: the same WeChat user again (another page instance, with answers) is told so.
    const again = await openPage('pages/org-evaluation/index', { id: String(thisYear) })
    expect(again.data.questionnaire.answered).toBe(true)
    again.data.questionnaire.questions.forEach((q) => again.onAnswer(tap({ index: q.index, answer: 'satisfied' })))
    await again.onSubmit()
    expect(shim.modals).toEqual([])
    expect(again.data.thanks).toBe('您已参加过本次测评，每人只能参加一次。感谢您的参与！')
  })

  test('王书记 reads 张三\'s evidence sheet and comments on him; the grade waits for the close', async () => {
    people.as('secretary')
    const page = await openPage('pages/evaluation-secretary/index', { id: String(thisYear) })
    expect(page.data.campaign).toMatchObject({ open: true, state: 'open' })
    expect(page.data.members.map((m) => m.name).sort()).toEqual(['张三', '李四', '王书记'].sort())
    expect(page.data.members.every((m) => m.result === null)).toBe(true)
    expect(page.data.audiences).toEqual([])

    await page.onSheet(tap({ id: stack.member.id }))
    expect(page.data).toMatchObject({ sheetAt: stack.member.id, sheetError: '', sheet: { name: '张三', year: YEAR } })

    page.onFormOpen(tap({ kind: 'comment', id: stack.member.id }))
    page.onCommentInput(input('学习认真，希望多参加志愿服务。'))
    await page.onCommentSave()
    expect(shim.modals).toEqual([])
    expect(shim.toasts).toEqual(['点评已保存'])
    expect(page.data.formKind).toBe('')

    await expect(api.put(paths.evaluationGrade(thisYear, stack.member.id), { grade: 'qualified', meeting_date: TODAY }))
      .rejects.toMatchObject({ status: 409, code: 'evaluation.wrong_state' })
  })

  test('last year\'s, closed: 王书记 records the branch meeting\'s grade; 张三 reads his result', async () => {
    const page = await openPage('pages/evaluation-secretary/index', { id: String(lastYear) })
    expect(page.data.campaign).toMatchObject({ closed: true, state: 'closed' })
    const zhang = page.data.members.find((m) => m.id === stack.member.id)
    expect(zhang.result).toMatchObject({ ballotsText: '收到评议0票', enough: false, finalText: '支部党员大会尚未评定等次' })
    expect(page.data.audiences.map((a) => [a.text, a.enough])).toEqual([['本支部党员：共0人参加', false], ['群众：共0人参加', false]])

    page.onFormOpen(tap({ kind: 'grade', id: stack.member.id }))
    page.onGradePick({ currentTarget: { dataset: { field: 'gradeIndex' } }, detail: { value: '1' } })
    await page.onGradeSave()
    expect(shim.modals).toEqual([])
    expect(shim.toasts).toEqual(['评定等次已记录'])
    const graded = page.data.members.find((m) => m.id === stack.member.id).result
    expect(graded.finalText).toBe(`合格（${TODAY.slice(0, 4)}年${month.dayLabel(TODAY)}支部党员大会评定）`)

    people.as('member')
    const mine = await openPage('pages/evaluation/index', { id: String(lastYear) })
    expect(mine.data.campaign).toMatchObject({ id: lastYear, closed: true })
    expect(mine.data.result).toMatchObject({
      ballotsText: '收到评议0票',
      enough: false,
      tooFew: '收到的评议不足5票，为保护评议人，不显示各等次票数和意见',
      finalGrade: '合格',
    })
  })
})
