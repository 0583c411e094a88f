/**
 * @jest-environment jsdom
 */
// components/attachment-list rendered with miniprogram-simulate, in WeChat's own component framework: a record's
// photos as thumbnails (downloaded with the token, each shown as it comes), documents by name, a tap opening either,
// 添加照片 uploading and showing the new thumbnail, a failed load with 重试, and an answer for a record no longer shown.
// The pages that use it: duties-render.test.js (我的履职) and checkin-render.test.js (考勤名单's 会议照片).
const path = require('path')
const { installWx } = require('./wx-shim')
const { signedIn } = require('./signed-in')
const fixtures = require('./fixtures')
const { settleUntil } = require('./settle')

installWx() // before miniprogram-simulate, whose wx API merges under the shim's
const simulate = require('miniprogram-simulate')

const ROOT = path.join(__dirname, '..')
const LIST = 'GET /api/v1/attachments'
const UPLOAD = 'POST /api/v1/attachments'

const shim = signedIn()
let listId
beforeEach(() => {
  // Loaded afresh for each test, so its modules (and the thumbnails they keep) are the test's own.
  listId = simulate.load(path.join(ROOT, 'components/attachment-list/index'), { rootPath: ROOT })
})

function render(properties) {
  const comp = simulate.render(listId, { ownerType: 'duty_entry', ownerId: 31, ...properties })
  comp.attach(document.createElement('parent-wrapper'))
  return comp
}

const text = (comp) => comp.dom.textContent.replace(/\s+/g, '')
// What the thumbnails show: the files their <image>s were given (simulate keeps no src on the element, so it is read
// from the data bound to it), one <image> for each photo whose thumbnail is down.
const thumbs = (comp) => {
  const down = comp.instance.data.photos.filter((p) => p.thumb)
  expect(comp.querySelectorAll('.thumb')).toHaveLength(down.length)
  return down.map((p) => shim.files.get(p.thumb))
}

function routeFiles(rows) {
  shim.route(LIST, { status: 200, body: rows })
  rows.filter((row) => row.thumbnail_url)
    .forEach((row) => shim.route(`GET ${row.thumbnail_url}`, { status: 200, body: `THUMB${row.id}`, delay: 5 }))
}

test('the record\'s photos as thumbnails, grey until each is down, documents by name and size, 添加照片 when allowed', async () => {
  routeFiles([
    fixtures.attachment(),
    fixtures.attachment({ id: 92, file_type: 'docx', name: '调研报告.docx', size_bytes: 52000 }),
    fixtures.attachment({ id: 93 }),
  ])
  const comp = render({ canAdd: true })
  expect(text(comp)).toBe('') // nothing until the list is there
  await settleUntil(() => text(comp).includes('Word文档'))
  expect(shim.requestsTo(LIST)[0].data).toEqual({ owner_type: 'duty_entry', owner_id: 31 })
  // The photos say 加载中 until their thumbnails arrive (a loaded machine may already have them).
  expect(text(comp)).toMatch(/^(加载中加载中)?Word文档：调研报告\.docx51KB添加照片$/)
  await settleUntil(() => thumbs(comp).length === 2)

  expect(thumbs(comp)).toEqual(['THUMB91', 'THUMB93'])
  expect(shim.requestsTo('GET /api/v1/attachments/91/thumbnail')[0].header).toEqual({ Authorization: 'Bearer t-access' })
  expect(text(comp)).toBe('Word文档：调研报告.docx51KB添加照片')
  expect(comp.querySelectorAll('.photo').map((p) => p.dom.dataset.index)).toEqual(['0', '1'])
})

test('a thumbnail that could not be had says 点击查看; the rest show', async () => {
  routeFiles([fixtures.attachment(), fixtures.attachment({ id: 93 })])
  shim.route('GET /api/v1/attachments/91/thumbnail', { fail: 'request:fail' })
  const comp = render({})
  await settleUntil(() => thumbs(comp).length > 0 && text(comp) === '点击查看')
  expect(thumbs(comp)).toEqual(['THUMB93'])
  expect(text(comp)).toBe('点击查看')
})

test('a tap on a photo shows it full size; on a document opens it', async () => {
  routeFiles([fixtures.attachment(), fixtures.attachment({ id: 92, file_type: 'pdf', name: '会议记录.pdf' })])
  shim.route('GET /api/v1/attachments/91/content', { status: 200, body: 'FULL91' })
  shim.route('GET /api/v1/attachments/92/content', { status: 200, body: '%PDF' })
  const comp = render({})
  await settleUntil(() => comp.querySelector('.photo') && comp.querySelector('.doc'))

  comp.querySelector('.photo').dispatchEvent('tap')
  await settleUntil(() => shim.previews.length > 0)
  expect(shim.previews).toHaveLength(1)
  expect(shim.files.get(shim.previews[0].current)).toBe('FULL91')

  comp.querySelector('.doc').dispatchEvent('tap')
  await settleUntil(() => shim.documents.length > 0)
  expect(shim.documents).toEqual([expect.objectContaining({ fileType: 'pdf', showMenu: true })])
})

test('添加照片: the photos picked are uploaded, the button busy meanwhile, and their thumbnails added', async () => {
  routeFiles([fixtures.attachment()])
  const comp = render({ canAdd: true, addText: '添加照片' })
  await settleUntil(() => thumbs(comp).length === 1)
  shim.mediaAnswers.push({ tempFiles: [{ tempFilePath: 'wxfile://tmp_new.jpg', size: 4096 }] })
  shim.route(UPLOAD, { status: 201, delay: 300, body: fixtures.attachment({ id: 95 }) })
  shim.route('GET /api/v1/attachments/95/thumbnail', { status: 200, body: 'THUMB95' })

  comp.querySelector('.add').dispatchEvent('tap')
  await settleUntil(() => comp.instance.data.progress === '正在上传')
  expect(comp.instance.data).toMatchObject({ busy: true, progress: '正在上传' })
  expect(text(comp)).toBe('正在上传添加照片')
  await settleUntil(() => !comp.instance.data.busy && thumbs(comp).length === 2)

  expect(shim.mediaCalls[0].count).toBe(9)
  expect(shim.requestsTo(UPLOAD)[0]).toMatchObject({ query: { owner_type: 'duty_entry', owner_id: '31' }, filePath: 'wxfile://tmp_new.jpg' })
  expect(shim.toasts).toEqual(['已上传1张照片'])
  expect(comp.instance.data).toMatchObject({ busy: false, progress: '' })
  expect(thumbs(comp)).toEqual(['THUMB91', 'THUMB95'])
  expect(shim.requestsTo(LIST)).toHaveLength(1)
})

test('an upload refused is said in Chinese, and nothing is added', async () => {
  routeFiles([])
  const comp = render({ canAdd: true })
  await settleUntil(() => text(comp) === '添加照片')
  shim.mediaAnswers.push({ tempFiles: [{ tempFilePath: 'wxfile://tmp_note.jpg', size: 20 }] })
  shim.route(UPLOAD, { status: 415, body: { code: 'attachment.unsupported_type', message: 'only JPEG…' } })
  await comp.instance.onAdd()
  expect(shim.modals).toEqual([expect.objectContaining({
    title: '照片未能上传', content: '只能上传照片（JPG、PNG、WebP）或 PDF、Word、Excel 文件',
  })])
  expect(comp.instance.data).toMatchObject({ photos: [], busy: false })
})

test('read-only (no can-add): no button; a title and what to say when there is nothing', async () => {
  routeFiles([])
  const comp = render({ ownerType: 'activity', ownerId: 12, title: '会议照片', emptyText: '还没有会议照片' })
  await settleUntil(() => text(comp) === '会议照片还没有会议照片')
  expect(shim.requestsTo(LIST)[0].data).toEqual({ owner_type: 'activity', owner_id: 12 })
  expect(text(comp)).toBe('会议照片还没有会议照片')
})

test('a failed load says why with 重试, which loads again; no 添加照片 until the list is known', async () => {
  shim.route(LIST, { fail: 'request:fail' })
  const comp = render({ canAdd: true })
  await settleUntil(() => text(comp).startsWith('照片未能加载'))
  expect(text(comp)).toBe('照片未能加载：网络连接失败，请检查网络后重试重试')
  routeFiles([fixtures.attachment()])
  comp.querySelector('.retry').dispatchEvent('tap')
  await settleUntil(() => thumbs(comp).length === 1)
  expect(text(comp)).toBe('添加照片')
  expect(thumbs(comp)).toEqual(['THUMB91'])
})

test('another record: its files replace the first\'s, and a late answer for the first sets nothing', async () => {
  shim.route(LIST, (req) => ({
    status: 200,
    delay: req.data.owner_id === 31 ? 30 : 0,
    body: [fixtures.attachment({ id: req.data.owner_id === 31 ? 91 : 96, owner_id: req.data.owner_id })],
  }))
  shim.route('GET /api/v1/attachments/96/thumbnail', { status: 200, body: 'THUMB96' })
  const comp = render({})
  comp.setData({ ownerId: 32 })
  await settleUntil(() => thumbs(comp).length === 1)
  await simulate.sleep(50) // past the first record's late answer
  expect(shim.requestsTo(LIST).map((r) => r.data.owner_id)).toEqual([31, 32])
  expect(comp.instance.data.photos.map((p) => p.id)).toEqual([96])
  expect(thumbs(comp)).toEqual(['THUMB96'])
})
