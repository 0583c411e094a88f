// utils/attachments.js: a record's photos and documents, photos picked and uploaded one by one (what is said after,
// in Chinese, and 重试), thumbnails downloaded a few at a time and kept, a file opened full size.
const { signedIn } = require('./signed-in')
const { settleUntil } = require('./settle')
const fixtures = require('./fixtures')

const shim = signedIn()
let attachments
beforeEach(() => {
  attachments = require('../utils/attachments')
})

const LIST = 'GET /api/v1/attachments'
const UPLOAD = 'POST /api/v1/attachments'
const owner = { ownerType: 'duty_entry', ownerId: 31 }
const picked = (...sizes) => ({ tempFiles: sizes.map((size, i) => ({ tempFilePath: `wxfile://tmp_${i + 1}.jpg`, size, fileType: 'image' })) })

test('a record\'s files: photos and documents apart, each with what the list shows', async () => {
  shim.route(LIST, {
    status: 200,
    body: [
      fixtures.attachment(),
      fixtures.attachment({ id: 92, file_type: 'pdf', media_type: 'application/pdf', name: '调研报告.pdf', size_bytes: 3 * 1024 * 1024 + 100000 }),
      fixtures.attachment({ id: 93, file_type: 'xlsx', name: '走访台账.xlsx', size_bytes: 300 }),
    ],
  })
  const { photos, docs } = await attachments.list('duty_entry', 31)
  expect(shim.requestsTo(LIST)[0].data).toEqual({ owner_type: 'duty_entry', owner_id: 31 })
  expect(photos).toEqual([{
    id: 91, name: 'tmp_3f2a.jpg', photo: true, fileType: 'jpeg', kindText: '文件', size: '240KB', thumb: '', thumbFailed: false,
  }])
  expect(docs.map((d) => [d.id, d.kindText, d.name, d.size, d.photo])).toEqual([
    [92, 'PDF 文档', '调研报告.pdf', '3.1MB', false],
    [93, 'Excel 表格', '走访台账.xlsx', '1KB', false],
  ])
})

describe('thumbnails', () => {
  test('three at a time, each as it comes; one downloaded is not downloaded again, a failed one is tried again', async () => {
    let running = 0
    let most = 0
    ;[1, 2, 3, 4, 5].forEach((id) => shim.route(`GET /api/v1/attachments/${id}/thumbnail`, () => {
      running += 1
      most = Math.max(most, running)
      setTimeout(() => { running -= 1 }, 10)
      return id === 4 ? { status: 404, body: { code: 'attachment.not_found', message: 'no' }, delay: 10 } : { status: 200, body: `T${id}`, delay: 10 }
    }))
    const shown = []
    await attachments.thumbnails([1, 2, 3, 4, 5].map((id) => ({ id })), (i, path) => shown.push([i, shim.files.get(path) || path]))

    expect(most).toBe(3)
    expect(shown.sort()).toEqual([[0, 'T1'], [1, 'T2'], [2, 'T3'], [3, ''], [4, 'T5']])
    await attachments.thumbnails([{ id: 1 }, { id: 4 }], () => {})
    expect(shim.requestsTo('GET /api/v1/attachments/1/thumbnail')).toHaveLength(1)
    expect(shim.requestsTo('GET /api/v1/attachments/4/thumbnail')).toHaveLength(2)
  })
})

describe('添加照片', () => {
  const add = (held = 0) => {
    const progress = []
    return attachments.addPhotos({ ...owner, held, onProgress: (n, total) => progress.push(`${n}/${total}`) })
      .then((added) => ({ added, progress }))
  }

  test('photos from the album or the camera, compressed, sent one after another with the record in the query', async () => {
    shim.mediaAnswers.push(picked(204800, 307200))
    let inFlight = 0
    shim.route(UPLOAD, (req) => {
      inFlight += 1
      expect(inFlight).toBe(1)
      setTimeout(() => { inFlight -= 1 }, 5)
      return { status: 201, delay: 5, body: fixtures.attachment({ id: 90 + shim.requestsTo(UPLOAD).length, name: req.filePath.slice(9) }) }
    })

    const { added, progress } = await add(3)

    expect(shim.mediaCalls).toEqual([{ count: 9, mediaType: ['image'], sourceType: ['album', 'camera'], sizeType: ['compressed'] }])
    expect(shim.requestsTo(UPLOAD).map((r) => [r.query, r.filePath, r.name])).toEqual([
      [{ owner_type: 'duty_entry', owner_id: '31' }, 'wxfile://tmp_1.jpg', 'file'],
      [{ owner_type: 'duty_entry', owner_id: '31' }, 'wxfile://tmp_2.jpg', 'file'],
    ])
    expect(progress).toEqual(['1/2', '2/2'])
    expect(added.map((a) => [a.id, a.photo])).toEqual([[91, true], [92, true]])
    expect(shim.toasts).toEqual(['已上传2张照片'])
    expect(shim.modals).toEqual([])
  })

  test('no more than the record still takes: 20 in all', async () => {
    shim.mediaAnswers.push(picked(1000))
    shim.route(UPLOAD, { status: 201, body: fixtures.attachment() })
    await add(16)
    expect(shim.mediaCalls[0].count).toBe(4)
  })

  test('a full record says so without opening the album', async () => {
    const { added } = await add(20)
    expect(added).toEqual([])
    expect(shim.mediaCalls).toEqual([])
    expect(shim.modals).toEqual([expect.objectContaining({
      title: '不能再添加照片', content: '每条记录最多上传20个照片或文件，已经满了', confirmText: '知道了', showCancel: false,
    })])
  })

  test('cancelled: nothing is sent or said; the album refused: how to allow it, with 去设置', async () => {
    await add()
    expect([shim.requests, shim.modals, shim.toasts]).toEqual([[], [], []])

    shim.mediaAnswers.push({ fail: 'chooseMedia:fail auth deny' })
    shim.modalAnswers.push(true)
    await add()
    await settleUntil(() => shim.openSettingCalls > 0)
    expect(shim.modals).toEqual([expect.objectContaining({ title: '无法选择照片', confirmText: '去设置', cancelText: '以后再说' })])
    expect(shim.modals[0].content).toContain('请在设置中允许本小程序使用相册和摄像头')
    expect(shim.openSettingCalls).toBe(1)

    shim.mediaAnswers.push({ fail: 'chooseMedia:fail internal error' })
    await add()
    expect(shim.toasts).toEqual(['未能选择照片，请重试'])
  })

  test('a photo over 10 MB is not sent, and the member is told in Chinese; the others go', async () => {
    shim.mediaAnswers.push(picked(1000, attachments.MAX_BYTES + 1))
    shim.route(UPLOAD, { status: 201, body: fixtures.attachment() })
    const { added } = await add()
    expect(shim.requestsTo(UPLOAD).map((r) => r.filePath)).toEqual(['wxfile://tmp_1.jpg'])
    expect(added).toHaveLength(1)
    expect(shim.toasts).toEqual(['已上传1张照片'])
    expect(shim.modals).toEqual([expect.objectContaining({
      title: '有1张照片未能上传', content: '照片或文件不能超过10MB，请换一张小一些的', confirmText: '知道了',
    })])
  })

  test.each([
    ['attachment.unsupported_type', 415, '只能上传照片（JPG、PNG、WebP）或 PDF、Word、Excel 文件'],
    ['attachment.unreadable_image', 400, '这张照片无法打开，请换一张照片重新上传'],
    ['attachment.too_large', 413, '照片或文件不能超过10MB，请换一张小一些的'],
    ['attachment.too_many', 409, '每条记录最多上传20个照片或文件，已经满了'],
    ['auth.forbidden', 403, '您没有权限进行此操作'],
  ])('the server\'s %s is said in Chinese, without 重试', async (code, status, text) => {
    shim.mediaAnswers.push(picked(1000))
    shim.route(UPLOAD, { status, body: { code, message: 'refused' } })
    const { added } = await add()
    expect(added).toEqual([])
    expect(shim.toasts).toEqual([])
    expect(shim.modals).toEqual([{ title: '照片未能上传', content: text, showCancel: false, confirmText: '知道了' }])
  })

  test('a network failure offers 重试, which sends again only the photos that did not go', async () => {
    shim.mediaAnswers.push(picked(1000, 2000))
    shim.route(UPLOAD, (req) => (req.filePath === 'wxfile://tmp_2.jpg' && shim.requestsTo(UPLOAD).length < 3
      ? { fail: 'uploadFile:fail timeout' }
      : { status: 201, body: fixtures.attachment({ id: shim.requestsTo(UPLOAD).length }) }))
    shim.modalAnswers.push(true)

    const { added, progress } = await add()

    expect(shim.modals).toEqual([expect.objectContaining({ title: '有1张照片未能上传', content: '请求超时，请稍后重试', confirmText: '重试' })])
    expect(shim.requestsTo(UPLOAD).map((r) => r.filePath)).toEqual(['wxfile://tmp_1.jpg', 'wxfile://tmp_2.jpg', 'wxfile://tmp_2.jpg'])
    expect(progress).toEqual(['1/2', '2/2', '1/1'])
    expect(added.map((a) => a.id)).toEqual([1, 3])
    expect(shim.toasts).toEqual(['已上传1张照片', '已上传1张照片'])
  })
})

describe('a file tapped', () => {
  test('a photo is brought down full size with a notice meanwhile, then shown in WeChat\'s viewer', async () => {
    shim.route('GET /api/v1/attachments/91/content', { status: 200, body: 'FULL' })
    const photo = attachments.view(fixtures.attachment())
    const opening = attachments.open(photo)
    expect([shim.loadings, shim.loadingShown]).toEqual([['正在打开照片'], true])
    await expect(opening).resolves.toBe(true)
    expect(shim.loadingShown).toBe(false)
    const [{ urls, current }] = shim.previews
    expect(urls).toEqual([current])
    expect(shim.files.get(current)).toBe('FULL')
  })

  test('a document is opened with its type and WeChat\'s menu (to send it on or save it)', async () => {
    shim.route('GET /api/v1/attachments/92/content', { status: 200, body: '%PDF' })
    await attachments.open(attachments.view(fixtures.attachment({ id: 92, file_type: 'pdf', name: '调研报告.pdf' })))
    expect(shim.loadings).toEqual(['正在打开文件'])
    expect(shim.documents).toEqual([{ filePath: expect.any(String), fileType: 'pdf', showMenu: true }])
    expect(shim.files.get(shim.documents[0].filePath)).toBe('%PDF')
  })

  test('a failure says why; 重试 when the network failed brings it down again', async () => {
    const CONTENT = 'GET /api/v1/attachments/91/content'
    shim.route(CONTENT, () => (shim.requestsTo(CONTENT).length === 1
      ? { fail: 'request:fail' }
      : { status: 404, body: { code: 'attachment.not_found', message: 'no' } }))
    shim.modalAnswers.push(true)
    await expect(attachments.open(attachments.view(fixtures.attachment()))).resolves.toBe(false)
    expect(shim.modals.map((m) => [m.title, m.content, m.confirmText])).toEqual([
      ['照片未能打开', '网络连接失败，请检查网络后重试', '重试'],
      ['照片未能打开', '该记录或文件已不存在，请返回后重新进入', '知道了'],
    ])
    expect(shim.previews).toEqual([])
    expect(shim.loadingShown).toBe(false)
  })
})
