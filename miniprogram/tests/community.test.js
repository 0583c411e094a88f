// Community service words and views (utils/community.js) and the publish form (utils/service-form.js).
const community = require('../utils/community')
const serviceForm = require('../utils/service-form')
const fixtures = require('./fixtures')

describe('claim results', () => {
  test('every result code of POST /service-items/{id}/claims reads in Chinese', () => {
    const answer = (result, claim = null) => ({ result, message: 'server text', claim })
    expect(['ok', 'full', 'already_claimed', 'not_open_yet', 'closed', 'not_reported', 'time_clash']
      .map((result) => community.claimResultText(answer(result)))).toEqual([
      '认领成功',
      '名额已满，已加入候补',
      '您已认领该项目',
      '报名尚未开始',
      '报名已截止',
      '请先到该社区报到',
      '与您已认领的项目时间冲突',
    ])
    expect(Object.keys(community.CLAIM_RESULT_TEXT)).toHaveLength(7)
  })

  test('full says where on the waitlist the person now is', () => {
    const claim = fixtures.claim({ status: 'waitlisted', waitlist_position: 3 })
    expect(community.claimResultText({ result: 'full', message: '', claim })).toBe('名额已满，已加入候补（第3位）')
  })

  test('a result this client does not know shows the server\'s message, then a fallback', () => {
    expect(community.claimResultText({ result: 'suspended', message: '该项目已暂停认领' })).toBe('该项目已暂停认领')
    expect(community.claimResultText({ result: 'suspended', message: '' })).toBe('认领结果未知，请刷新后查看')
    expect(community.claimResultText(null)).toBe('认领结果未知，请刷新后查看')
  })
})

test('every claim status has a label; the waitlist position and the hours are added', () => {
  const statuses = ['claimed', 'waitlisted', 'offered', 'cancelled', 'declined', 'expired', 'attended', 'no_show']
  expect(statuses.map((status) => community.claimStatusText(fixtures.claim({ status })))).toEqual([
    '已认领', '候补中', '候补递补待确认', '已取消', '已放弃递补', '递补已过期', '已参加', '未到场',
  ])
  expect(community.claimStatusText(fixtures.claim({ status: 'waitlisted', waitlist_position: 2 }))).toBe('候补中（第2位）')
  expect(community.claimStatusText(fixtures.claim({ status: 'attended', hours: 2.5 }))).toBe('已参加（2.5小时）')
  expect(community.claimStatusText(fixtures.claim({ status: 'attended', hours: 0 }))).toBe('已参加（0小时）')
  expect(community.claimStatusText(fixtures.claim({ status: 'walk_in' }))).toBe('现场签到（未认领）') // the server's, beyond the contract
  expect(community.claimStatusText(fixtures.claim({ status: 'frozen' }))).toBe('frozen')
})

test('phases, kinds, reports, households and commitment statuses in Chinese', () => {
  expect(['not_open_yet', 'open', 'closed', 'cancelled'].map(community.phaseLabel)).toEqual(['未开始报名', '报名中', '报名已截止', '已取消'])
  expect(['item', 'post', 'volunteer'].map(community.kindLabel)).toEqual(['服务项目', '服务岗位', '志愿服务'])
  expect(['visit', 'labour', 'practical', 'community_service'].map(community.volunteerKindLabel))
    .toEqual(['走访慰问', '义务劳动', '为民办实事', '社区服务'])
  expect(['pending', 'accepted', 'declined', 'withdrawn'].map(community.reportStatusLabel))
    .toEqual(['待社区审核', '已报到', '未通过', '已撤回'])
  expect(['empty_nest', 'disabled', 'left_behind_child', 'hardship'].map(community.householdKindLabel))
    .toEqual(['空巢老人', '残疾人', '留守儿童', '困难群众'])
  expect(['in_progress', 'completed'].map(community.commitmentStatusLabel)).toEqual(['践诺中', '已践诺'])
  expect(community.COMMITMENT_CATEGORIES.map((c) => c.key)).toEqual(['organ', 'rural_community', 'enterprise', 'retired'])
  community.COMMITMENT_CATEGORIES.forEach((c) => expect(c.emphasis.startsWith(`${c.label}：`)).toBe(true))
})

describe('service items', () => {
  test('places: taken/capacity, and the waitlist only when someone waits', () => {
    const open = community.itemView(fixtures.serviceItem())
    expect(open).toMatchObject({
      placesText: '已认领 3/5', full: false, waitlistText: '', canClaim: true, claimButton: '认领', phaseText: '报名中',
      when: '11月22日 09:00–11:30', signup: '11月15日 08:00 至 11月21日 18:00', kindText: '服务项目',
    })
    const full = community.itemView(fixtures.serviceItem({ taken: 5, waitlist: 2 }))
    expect(full).toMatchObject({ placesText: '已认领 5/5', full: true, waitlistText: '候补 2 人', canClaim: true, claimButton: '名额已满，加入候补' })
  })

  test('my claim decides the buttons: claim, cancel, the offer, the on-site scan', () => {
    const view = (claim, extra = {}) => community.itemView(fixtures.serviceItem({ my_claim: claim, ...extra }))
    expect(view(fixtures.claim())).toMatchObject({ canClaim: false, canCancel: true, offered: false, canScan: false })
    expect(view(fixtures.claim({ status: 'waitlisted', waitlist_position: 1 }))).toMatchObject({
      canClaim: false, canCancel: true, claim: { statusText: '候补中（第1位）', position: 1 },
    })
    expect(view(fixtures.claim({ status: 'offered', offer_expires_at: '2026-11-20T16:00:00+08:00' }))).toMatchObject({
      canClaim: false, canCancel: false, offered: true, claim: { offerUntil: '11月20日 16:00' },
    })
    expect(view(fixtures.claim({ status: 'cancelled' }))).toMatchObject({ canClaim: true, canCancel: false })
    expect(view(fixtures.claim(), { phase: 'closed' })).toMatchObject({ canClaim: false, canCancel: false })
    expect(view(null, { phase: 'not_open_yet' })).toMatchObject({ canClaim: false, phaseText: '未开始报名' })
    expect(view(fixtures.claim(), { kind: 'volunteer', volunteer_kind: 'visit' })).toMatchObject({
      canScan: true, isVolunteer: true, kindText: '志愿服务·走访慰问',
    })
    expect(view(fixtures.claim({ checked_in_at: '2026-11-22T09:01:00+08:00' }), { kind: 'volunteer' }).canScan).toBe(false)
  })

  test('a time range over several days names both ends', () => {
    expect(community.timeRange('2026-11-22T09:00:00+08:00', '2026-11-23T12:00:00+08:00')).toBe('11月22日 09:00 至 11月23日 12:00')
    expect(community.timeRange('', '')).toBe('')
  })
})

test('the offer countdown: minutes and seconds, then hours, then days; nothing once run out', () => {
  expect(community.countdownLabel(5 * 60000 + 9000)).toBe('剩余 05:09')
  expect(community.countdownLabel(999)).toBe('剩余 00:01') // rounded up: never 00:00 while time is left
  expect(community.countdownLabel(3600000 + 65000)).toBe('剩余 1:01:05')
  expect(community.countdownLabel(2 * 86400000 + 3600000 + 65000)).toBe('剩余 2天 01:01:05')
  expect(community.countdownLabel(0)).toBe('')
  expect(community.countdownLabel(-5)).toBe('')
  const claim = fixtures.claim({ status: 'offered', offer_expires_at: '2026-11-20T16:00:00+08:00' })
  expect(community.offerLeft(claim, Date.parse('2026-11-20T07:59:00Z'))).toBe(60000)
  expect(community.offerLeft(fixtures.claim(), 0)).toBe(0)
})

test('progress: each line done against required, 已完成 / 未完成, and a requirement of 0 does not apply', () => {
  const view = community.progressView(fixtures.progress())
  expect(view.lines.map((l) => [l.title, l.figure, l.stateText])).toEqual([
    ['认领服务项目', '1/1项', '已完成'],
    ['参加社区服务', '1/2次', '未完成'],
    ['提出可行性建议', '0/1条', '未完成'],
    ['结对帮扶', '1/1户', '已完成'],
    ['参加志愿服务', '2/2次', '已完成'],
  ])
  expect(view).toMatchObject({ behind: true, summary: '尚未达到年度最低要求', todo: '社区服务、建议', organ: true, hoursText: '全年志愿服务6.5小时' })
  expect(community.progressView(fixtures.progress({ hours: 2.25 })).hoursText).toBe('全年志愿服务2.3小时')
  expect(community.progressView(fixtures.progress({ hours: 0 })).hoursText).toBe('') // no hours yet: nothing said

  const retired = community.progressView(fixtures.progress({
    in_service_organ: false,
    items: { done: 0, required: 0 },
    community_services: { done: 3, required: 0 },
    suggestions: { done: 0, required: 0 },
    pairings: { done: 0, required: 0 },
    volunteer: { done: 2, required: 2 },
    behind: false,
  }))
  expect(retired.lines.map((l) => [l.figure, l.stateText])).toEqual([
    ['0项', '不作要求'], ['3次', '不作要求'], ['0条', '不作要求'], ['0户', '不作要求'], ['2/2次', '已完成'],
  ])
  expect(retired).toMatchObject({ behind: false, summary: '已达到年度最低要求', organ: false })
})

test('hours: a number ≥ 0, nothing else', () => {
  expect(['2', '2.5', ' 0 ', '0.25', '12'].map(community.parseHours)).toEqual([2, 2.5, 0, 0.25, 12])
  expect(['', ' ', '-1', '2h', '1e3', '.5', 'abc', null, undefined, '1.'].map(community.parseHours)).toEqual(
    [null, null, null, null, null, null, null, null, null, null],
  )
  expect(community.hoursLabel(2.5)).toBe('2.5小时')
})

test('a commitment: the server\'s emphasis, updates newest first', () => {
  const view = community.commitmentView(fixtures.commitment())
  expect(view).toMatchObject({
    categoryText: '机关事业单位党员', emphasis: '立足岗位作表率（服务器文本）', statusText: '践诺中', inProgress: true,
  })
  expect(view.updates.map((u) => u.note)).toEqual(['已走访两次', '建立台账'])
  expect(community.commitmentView(fixtures.commitment({ emphasis: '' })).emphasis).toBe(community.COMMITMENT_CATEGORIES[0].emphasis)
  expect(community.commitmentView(null)).toBeNull()
})

test('a pairing: the household in Chinese, visits newest first', () => {
  const view = community.pairingView(fixtures.pairing())
  expect(view.household).toMatchObject({ kindText: '空巢老人', name: '王奶奶', phone: '0514-8888888' })
  expect(view.started).toBe('2026-03-01')
  expect(view.visits.map((v) => v.date)).toEqual(['2026-09-10', '2026-05-01'])
})

describe('the publish form', () => {
  const NOW = Date.parse('2026-11-20T06:07:00Z') // 14:07 in Beijing

  const filled = (overrides = {}) => ({
    ...serviceForm.emptyForm(NOW), title: '社区环境整治', capacity: '10', place: '文昌社区广场', ...overrides,
  })

  test('a fresh form: signing up from now until the start, tomorrow 09:00–11:00', () => {
    expect(serviceForm.emptyForm(NOW)).toMatchObject({
      kindIndex: 0, volunteerKindIndex: -1, startDate: '2026-11-21', startTime: '09:00', endDate: '2026-11-21', endTime: '11:00',
      opensDate: '2026-11-20', opensTime: '14:07', closesDate: '2026-11-21', closesTime: '09:00',
    })
  })

  test('every field is checked', () => {
    expect(serviceForm.validate(serviceForm.emptyForm(NOW))).toEqual({
      title: '请填写标题', capacity: '名额须为不小于1的整数', place: '请填写地点',
    })
    expect(serviceForm.validate(filled({ capacity: '0' })).capacity).toBe('名额须为不小于1的整数')
    expect(serviceForm.validate(filled({ capacity: '2.5' })).capacity).toBe('名额须为不小于1的整数')
    expect(serviceForm.validate(filled({ capacity: '10001' })).capacity).toBe('名额不超过10000')
    expect(serviceForm.validate(filled({ title: 'x'.repeat(101) })).title).toBe('标题不超过100字')
    expect(serviceForm.validate(filled({ endTime: '09:00' })).time).toBe('结束时间须晚于开始时间')
    expect(serviceForm.validate(filled({ endDate: '2026-11-22', endTime: '08:00' }))).toEqual({}) // the next day
    expect(serviceForm.validate(filled({ closesDate: '2026-11-20', closesTime: '14:00' })).signup).toBe('报名截止须晚于报名开始')
    expect(serviceForm.validate(filled({ closesTime: '11:30' })).signup).toBe('报名截止不能晚于结束时间')
    expect(serviceForm.validate(filled({ kindIndex: 2 })).volunteerKind).toBe('请选择志愿服务类别')
    expect(serviceForm.validate(filled({ kindIndex: 2, volunteerKindIndex: 1 }))).toEqual({})
  })

  test('the body: times with +08:00, volunteer_kind only for a volunteer activity', () => {
    expect(serviceForm.toRequest(filled({ title: ' 社区环境整治 ', skills: ' 会驾驶 ' }))).toEqual({
      kind: 'item',
      volunteer_kind: null,
      title: '社区环境整治',
      description: '',
      capacity: 10,
      starts_at: '2026-11-21T09:00:00+08:00',
      ends_at: '2026-11-21T11:00:00+08:00',
      place: '文昌社区广场',
      skills: '会驾驶',
      signup_opens_at: '2026-11-20T14:07:00+08:00',
      signup_closes_at: '2026-11-21T09:00:00+08:00',
    })
    expect(serviceForm.toRequest(filled({ kindIndex: 2, volunteerKindIndex: 1 }))).toMatchObject({ kind: 'volunteer', volunteer_kind: 'labour' })
    expect(serviceForm.toRequest(filled({ kindIndex: 1, volunteerKindIndex: 1 }))).toMatchObject({ kind: 'post', volunteer_kind: null })
  })
})

test('the community API\'s error codes read in Chinese; refusals are not retried', () => {
  const errors = require('../utils/errors')
  expect(errors.messageFor({ code: 'service.too_late', message: 'signing up has closed' })).toBe('报名已截止，不能再取消认领，如有变化请联系社区')
  expect(errors.messageFor({ code: 'service.offer_expired', message: 'expired' })).toBe('确认时限已过，名额已递补给下一位候补人员')
  ;['community.invalid_input', 'community.not_found', 'community.wrong_state', 'service.item_not_found', 'service.claim_not_found']
    .forEach((code) => {
      expect(errors.MESSAGES[code]).toMatch(/[\u4e00-\u9fa5]/)
      expect(errors.isRetryable({ code })).toBe(false)
    })
})
