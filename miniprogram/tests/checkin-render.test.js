/**
 * @jest-environment jsdom
 */
// Renders the real templates of the new pages with miniprogram-simulate, fed with the data their js produced
// through the Page harness: what the member and the secretary actually read.
const { signedIn } = require('./signed-in')
const { loadPage } = require('./page-harness')
const { render, settleUntil, text } = require('./page-render')
const fixtures = require('./fixtures')

const shim = signedIn()

function resultPage(outcome) {
  wx.setStorageSync('hdr.lastCheckin', { nonce: 'n1', scannedAt: '2026-11-20T14:01:30+08:00', ...outcome })
  const page = loadPage('pages/checkin-result/index')
  page.onLoad({ nonce: 'n1' })
  return render('pages/checkin-result/index', page.data)
}

test('the result page reads 二维码已过期 for window_expired, and offers 重新扫码', () => {
  const comp = resultPage({ queued: false, answer: fixtures.checkinAnswer('window_expired') })
  expect(text(comp)).toContain('二维码已过期，请扫描屏幕上最新的二维码')
  expect(text(comp)).toContain('重新扫码')
  expect(text(comp)).not.toContain('签到时间')
})

test('the result page for ok shows the time and present / expected', () => {
  const comp = resultPage({ queued: false, answer: fixtures.checkinAnswer('ok') })
  expect(text(comp)).toContain('签到成功')
  expect(text(comp)).toContain('签到时间11月20日14:02')
  expect(text(comp)).toContain('已到31人/应到40人')
  expect(text(comp)).not.toContain('重新扫码')
})

test('the result page for a queued scan', () => {
  const comp = resultPage({ queued: true, answer: null })
  expect(text(comp)).toContain('已加入离线队列，联网后自动提交')
  expect(text(comp)).toContain('扫码时间11月20日14:01')
  expect(text(comp)).toContain('立即提交')
})

async function attendancePage() {
  shim.route('GET /api/v1/activities/12/attendance', {
    status: 200,
    body: {
      activity: fixtures.activity(),
      counts: { expected: 2, present: 1, on_leave: 0, absent: 1, guests: 0, exempt: 0, rate: 0.5, below_threshold: true },
      people: [
        { person_id: 1, name: '张三', status: 'present', checkin_id: 31, checked_in_at: '2026-11-20T14:02:11+08:00', method: 'scan', location_far: false },
        { person_id: 2, name: '李四', status: 'expected', checkin_id: null, checked_in_at: null, method: null, location_far: false },
      ],
    },
  })
  shim.route('GET /api/v1/activities/12/leave', { status: 200, body: [fixtures.leave()] })
  const page = loadPage('pages/attendance/index')
  await page.onLoad({ activity: '12' })
  return page
}

test('the attendance roster: groups with counts, the rate flag, 代签 and 撤销', async () => {
  const page = await attendancePage()
  const shown = text(render('pages/attendance/index', page.data))
  expect(shown).toContain('请假审批（1）')
  expect(shown).toContain('出勤率50%低于80%')
  expect(shown).toContain('未签到（1）李四代签')
  expect(shown).toContain('已签到（1）张三14:02扫码撤销')
})

test('考勤名单\'s 会议照片: the activity\'s photos as thumbnails and 上传照片, in a tab of their own', async () => {
  const page = await attendancePage()
  page.onTab({ currentTarget: { dataset: { tab: 'photos' } } })
  shim.route('GET /api/v1/attachments', {
    status: 200,
    body: [
      fixtures.attachment({ id: 93, owner_type: 'activity', owner_id: 12 }),
      fixtures.attachment({ id: 94, owner_type: 'activity', owner_id: 12, file_type: 'docx', name: '会议记录.docx', size_bytes: 20480 }),
    ],
  })
  shim.route('GET /api/v1/attachments/93/thumbnail', { status: 200, body: 'THUMB93' })
  const comp = render('pages/attendance/index', page.data, { real: ['attachment-list'] })
  await settleUntil(() => comp.dom.querySelectorAll('wx-image').length === 1 && text(comp).includes('上传照片'))

  expect(shim.requestsTo('GET /api/v1/attachments')[0].data).toEqual({ owner_type: 'activity', owner_id: 12 })
  expect(shim.requestsTo('GET /api/v1/attachments/93/thumbnail')).toHaveLength(1)
  expect(comp.dom.querySelectorAll('wx-image')).toHaveLength(1)
  const shown = text(comp)
  expect(shown).toBe('考勤名单请假审批（1）会议照片会议照片Word文档：会议记录.docx20KB上传照片')
})

test('会议照片 with none yet says what they are for', async () => {
  const page = await attendancePage()
  page.onTab({ currentTarget: { dataset: { tab: 'photos' } } })
  shim.route('GET /api/v1/attachments', { status: 200, body: [] })
  const comp = render('pages/attendance/index', page.data, { real: ['attachment-list'] })
  await settleUntil(() => text(comp).includes('还没有会议照片'))
  expect(text(comp)).toContain('会议照片还没有会议照片。您可以上传活动现场的照片，作为会议记录的一部分。上传照片')
})

// The code and its refresh hint (二维码每30秒更新) are components/rotating-qr's: tests/rotating-qr.test.js.
test('the venue screen: the title and the live count', () => {
  const comp = render('pages/venue-qr/index', {
    qrPath: '/api/v1/activities/12/qr', theme: '学习贯彻全会精神', orgName: '第一党支部', when: '11月20日 14:00–16:00', phaseText: '签到中',
    live: { present: 31, expected: 40, onLeave: 2, guests: 1, absent: 7, rate: '77.5%', below: true }, liveStale: false,
  })
  expect(text(comp)).toContain('学习贯彻全会精神')
  expect(text(comp)).toContain('已到31/应到40')
})
