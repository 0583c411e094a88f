// Photos and documents kept as evidence of a record: a duty entry (its author adds them) or an activity (its
// organisers add them). The list, photos picked with wx.chooseMedia and sent one by one (api.upload), thumbnails and
// full files brought down with the token (api.download: an <image> cannot send it), a photo shown in WeChat's viewer
// and a document opened with wx.openDocument (utils/downloads.js). Used by components/attachment-list.
const api = require('./api')
const errors = require('./errors')
const downloads = require('./downloads')
const paths = require('./paths')
const ui = require('./ui')

const MAX_BYTES = 10 * 1024 * 1024 // the server's attachments.max_bytes
const PER_RECORD = 20 // the server's attachments.max_per_record
const PER_PICK = 9 // wx.chooseMedia's limit for images
// WeChat runs at most 10 transfers at once for the whole mini-program; a page of entries shares them.
const PARALLEL_DOWNLOADS = 3

const DOCUMENT_KINDS = { pdf: 'PDF 文档', docx: 'Word 文档', xlsx: 'Excel 表格' }

function sizeLabel(bytes) {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)}MB`
  return `${Math.max(1, Math.round(bytes / 1024))}KB`
}

// An AttachmentView as the list shows it; a photo is a file with a thumbnail (`thumb`: its temporary path, once down).
function view(a) {
  return {
    id: a.id,
    name: a.name,
    photo: Boolean(a.thumbnail_url),
    fileType: a.file_type,
    kindText: DOCUMENT_KINDS[a.file_type] || '文件',
    size: sizeLabel(a.size_bytes),
    thumb: '',
    thumbFailed: false,
  }
}

const split = (views) => ({ photos: views.filter((v) => v.photo), docs: views.filter((v) => !v.photo) })

// A record's files, oldest first, photos and documents apart: { photos, docs }.
async function list(ownerType, ownerId) {
  const rows = await api.get(paths.attachments(), { owner_type: ownerType, owner_id: ownerId })
  return split(rows.map(view))
}

// attachment id → the download of its thumbnail (a promise of a temporary path). A thumbnail never changes, so a page
// loaded again shows it at once; a failed download is forgotten, to be tried again.
const thumbs = new Map()

function thumbnail(id) {
  if (!thumbs.has(id)) {
    thumbs.set(id, api.download(paths.attachmentThumbnail(id)).catch((err) => {
      thumbs.delete(id)
      throw err
    }))
  }
  return thumbs.get(id)
}

// Each photo's thumbnail, a few at a time: onEach(index, path), path '' when it could not be had.
async function thumbnails(photos, onEach) {
  let next = 0
  const worker = async () => {
    if (next >= photos.length) return
    const index = next
    next += 1
    const path = await thumbnail(photos[index].id).catch(() => '')
    onEach(index, path)
    await worker()
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL_DOWNLOADS, photos.length) }, worker))
}

// A file tapped: brought down full size, then a photo in WeChat's viewer, a document in wx.openDocument.
function open(file) {
  return downloads.open(paths.attachmentContent(file.id), {
    fileType: file.fileType,
    photo: file.photo,
    loading: file.photo ? '正在打开照片' : '正在打开文件',
    failTitle: file.photo ? '照片未能打开' : '文件未能打开',
  })
}

// Up to `count` photos from the album or the camera, compressed by WeChat: [{ path, size }]; [] when cancelled or
// refused (a refused permission is explained, with 去设置).
function choosePhotos(count) {
  return new Promise((resolve) => {
    wx.chooseMedia({
      count,
      mediaType: ['image'],
      sourceType: ['album', 'camera'],
      sizeType: ['compressed'],
      success: (res) => resolve(res.tempFiles.map((f) => ({ path: f.tempFilePath, size: f.size }))),
      fail: (err) => {
        ui.explainPickFailure(err)
        resolve([])
      },
    })
  })
}

// One after another (a phone's network carries one photo well, not nine at once); a photo over 10 MB is refused here,
// as the server would. onProgress(n, total) before the n-th. Resolves to { added: [views], failed: [{ file, err }] }.
async function uploadEach(owner, files, onProgress) {
  const added = []
  const failed = []
  const query = { owner_type: owner.ownerType, owner_id: owner.ownerId }
  const next = async (i) => {
    if (i >= files.length) return
    const file = files[i]
    onProgress(i + 1, files.length)
    if (file.size > MAX_BYTES) {
      failed.push({ file, err: new api.ApiError(413, 'attachment.too_large', 'the photo is larger than 10 MB') })
    } else {
      try {
        added.push(view(await api.upload(paths.attachments(), query, file.path)))
      } catch (err) {
        failed.push({ file, err })
      }
    }
    await next(i + 1)
  }
  await next(0)
  return { added, failed }
}

// Sends the photos, then says 已上传n张照片 and why any failed, in Chinese; 重试 (when trying again can help) sends
// those again. Resolves to the views of the photos added.
async function send(owner, files, onProgress) {
  if (files.length === 0) return []
  const { added, failed } = await uploadEach(owner, files, onProgress)
  if (added.length > 0) wx.showToast({ title: `已上传${added.length}张照片`, icon: 'none' })
  if (failed.length === 0) return added
  const title = failed.length === files.length ? '照片未能上传' : `有${failed.length}张照片未能上传`
  if (!(await errors.promptRetry(failed[0].err, title))) return added
  const again = failed.filter((f) => errors.isRetryable(f.err)).map((f) => f.file)
  return added.concat(await send(owner, again, onProgress))
}

// 添加照片 / 上传照片 on a record that holds `held` files: as many photos as it still takes are picked and sent.
// Resolves to the views of the photos added.
async function addPhotos({
  ownerType, ownerId, held, onProgress = () => {},
}) {
  const room = PER_RECORD - held
  if (room <= 0) {
    await errors.promptRetry({ code: 'attachment.too_many' }, '不能再添加照片')
    return []
  }
  const files = await choosePhotos(Math.min(PER_PICK, room))
  return send({ ownerType, ownerId }, files, onProgress)
}

module.exports = {
  MAX_BYTES, PER_RECORD, PER_PICK, PARALLEL_DOWNLOADS, sizeLabel, view, list, thumbnail, thumbnails, open, choosePhotos,
  addPhotos,
}
