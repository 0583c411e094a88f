// End to end for attachments (issue 14, evidence photos): 我的履职 (tests/page-harness.js) and the photo list under
// each of its entries (components/attachment-list, with the properties the page's template gives it), the wx shim
// doing real HTTP — wx.uploadFile sends a real multipart/form-data body, wx.downloadFile writes real files — against a
// real `huodongri serve` and the WeChat fake (see stack.js), in a stack of its own.
//
// 王书记, a leading cadre of 测试支部, binds with WeChat and logs a micro research from 我的履职. Under the entry he
// adds a photo (a PNG on disk, as wx.chooseMedia would give it): it is uploaded, its thumbnail (a JPEG the server
// made) is downloaded with his token and shown, and a tap shows the photo itself. A "photo" that is text is refused
// in Chinese (attachment.unsupported_type). The list read again shows his photo; the city's administrator reads it
// too, as the organisation department. The tests run in order and share one WeChat "device".
const fs = require('fs')
const path = require('path')
const { loadComponent, loadPage } = require('../page-harness')
const { http } = require('./stack')
const { devicePeople, useFreshScreen, useStackAndDevice } = require('./setup')

jest.setTimeout(30000)

const LEADER = {
  name: '王书记', phone: '13900007777', status: '正式党员', leader_level: 'county_or_above', party_post: 'secretary',
}
// A real PNG (one pixel), and a text file that calls itself a photo.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')
const NOT_A_PHOTO = '这不是照片，只是一段文字。'

const { stack, shim } = useStackAndDevice()
const paths = require('../../utils/paths')

const people = devicePeople(stack, shim)
const asCityAdmin = (method, urlPath, body) => http(stack.baseUrl, method, urlPath, { token: stack.adminToken, body })
const pick = (field, value) => ({ currentTarget: { dataset: { field } }, detail: { value } })
const tap = (dataset) => ({ currentTarget: { dataset } })

// The photos the "album" holds: files in the stack's data dir, as wx.chooseMedia's temporary files.
function albumFile(name, content) {
  const file = path.join(stack.dataDir, name)
  fs.writeFileSync(file, content)
  return { tempFilePath: file, size: fs.statSync(file).size, fileType: 'image' }
}

// The photo list under an entry of 我的履职, as the page's template puts it there.
async function entryPhotos(entryId) {
  const list = loadComponent('components/attachment-list/index', {
    ownerType: 'duty_entry', ownerId: entryId, canAdd: true, addText: '添加照片',
  })
  await list.attach()
  expect(list.data).toMatchObject({ loaded: true, loadError: null })
  return list
}

// A server without the attachments API fails every test with one message, not with a cascade of odd errors.
const guard = useFreshScreen(shim)

describe('photos of a duty entry against the real server', () => {
  let entryId

  test('王书记 logs a micro research from 我的履职', async () => {
    const leader = await asCityAdmin('POST', `/api/v1/orgs/${stack.branchId}/people`, LEADER)
    expect(leader.status).toBe(201)
    const invite = await asCityAdmin('POST', `/api/v1/people/${leader.body.id}/invite`)
    expect(invite.status).toBeLessThan(300)
    await people.bind('leader', 'o-attachments-leader', invite.body.code)

    const page = loadPage('pages/my-duties/index')
    await page.onLoad({})
    expect(page.data.loadError).toBeNull()
    page.onLogOpen()
    page.onKind({ detail: { value: String(page.data.kinds.findIndex((k) => k.key === 'micro_research')) } })
    page.onFormInput(pick('place', '东关街道菜市场'))
    await page.onSave()
    expect(shim.toasts).toEqual(['已记录'])
    entryId = page.data.entries[0].id

    const probe = await asCityAdmin('GET', `${paths.attachments()}?owner_type=duty_entry&owner_id=${entryId}`)
    if (probe.status === 404 && probe.body.code !== 'attachment.not_found') {
      throw guard.apiMissing(`${stack.baseUrl} does not serve ${paths.attachments()}: rebuild huodongri (cargo build -p huodongri).`)
    }
  })

  test('under the entry he adds a photo: uploaded, its thumbnail downloaded with his token and shown', async () => {
    const list = await entryPhotos(entryId)
    expect(list.data).toMatchObject({ photos: [], docs: [] })
    shim.mediaAnswers.push({ tempFiles: [albumFile('现场.png', PNG)] })

    await list.onAdd()

    expect(shim.modals).toEqual([])
    expect(shim.toasts).toEqual(['已上传1张照片'])
    const [sent] = shim.requestsTo(`POST ${paths.attachments()}`)
    expect(sent).toMatchObject({ status: 201, query: { owner_type: 'duty_entry', owner_id: String(entryId) }, name: 'file' })
    const [photo] = list.data.photos
    expect(photo).toMatchObject({ name: '现场.png', photo: true, thumbFailed: false })
    const thumbnail = shim.requestsTo(`GET ${paths.attachmentThumbnail(photo.id)}`)
    expect(thumbnail.map((r) => r.status)).toEqual([200])
    expect(thumbnail[0].header.Authorization).toMatch(/^Bearer /)
    const thumb = fs.readFileSync(photo.thumb)
    expect([thumb[0], thumb[1]]).toEqual([0xff, 0xd8]) // a JPEG the server made

    await list.onOpenPhoto(tap({ index: 0 }))
    expect(shim.previews).toHaveLength(1)
    expect(fs.readFileSync(shim.previews[0].current)).toEqual(PNG)
  })

  test('a "photo" that is text is refused, and he is told in Chinese what may be uploaded', async () => {
    const list = await entryPhotos(entryId)
    shim.mediaAnswers.push({ tempFiles: [albumFile('便条.jpg', NOT_A_PHOTO)] })

    await list.onAdd()

    expect(shim.requestsTo(`POST ${paths.attachments()}`).map((r) => r.status)).toEqual([415])
    expect(shim.toasts).toEqual([])
    expect(shim.modals).toEqual([{
      title: '照片未能上传', content: '只能上传照片（JPG、PNG、WebP）或 PDF、Word、Excel 文件', showCancel: false, confirmText: '知道了',
    }])
    expect(list.data.photos.map((p) => p.name)).toEqual(['现场.png'])
  })

  test('the entry\'s photos read again: his one photo; the organisation department reads it too', async () => {
    const list = await entryPhotos(entryId)
    expect(list.data.photos.map((p) => [p.name, Boolean(p.thumb)])).toEqual([['现场.png', true]])

    const seen = await asCityAdmin('GET', `${paths.attachments()}?owner_type=duty_entry&owner_id=${entryId}`)
    expect(seen.status).toBe(200)
    expect(seen.body).toEqual([expect.objectContaining({
      owner_type: 'duty_entry', owner_id: entryId, file_type: 'png', name: '现场.png', size_bytes: PNG.length,
    })])
  })
})
