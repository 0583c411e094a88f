// The photos and documents of a record, shown under it (utils/attachments.js): photos as thumbnails (a tap shows the
// photo full size), documents by name (a tap opens them) and, for who may add them (`canAdd`), a button (`addText`:
// 添加照片, 上传照片) that picks photos and uploads them, saying how far it got. `ownerType` is duty_entry, activity or
// political_birthday, `ownerId` the record's id; `title` a heading (会议照片), `emptyText` what to say when there is nothing.
// Loaded when attached and when the record changes; an answer for a record no longer shown sets nothing.
const attachments = require('../../utils/attachments')
const errors = require('../../utils/errors')

Component({
  options: { styleIsolation: 'apply-shared' }, // .section, .link, .buttons … of app.wxss
  properties: {
    ownerType: { type: String, value: '' },
    ownerId: { type: Number, value: 0 },
    canAdd: { type: Boolean, value: false },
    addText: { type: String, value: '添加照片' },
    title: { type: String, value: '' },
    emptyText: { type: String, value: '' },
  },
  data: {
    photos: [],
    docs: [],
    loaded: false,
    loadError: null,
    busy: false,
    progress: '',
  },
  observers: {
    'ownerType, ownerId': function owner() {
      if (this.attachedOnce) this.load()
    },
  },
  lifetimes: {
    attached() {
      this.attachedOnce = true
      return this.load()
    },
    detached() {
      this.shown = ''
    },
  },
  methods: {
    // The record's files; the same record again (WeChat may set the properties more than once) is not read twice.
    load(again = false) {
      const { ownerType, ownerId } = this.data
      const key = `${ownerType}:${ownerId}`
      if (!ownerType || !ownerId) return Promise.resolve()
      if (!again && key === this.shown) return this.loading
      this.shown = key
      this.loading = this.fetch(key)
      return this.loading
    },

    async fetch(key) {
      const { ownerType, ownerId } = this.data
      this.setData({ loadError: null })
      try {
        const { photos, docs } = await attachments.list(ownerType, ownerId)
        if (key !== this.shown) return
        this.setData({ photos, docs, loaded: true })
        await this.showThumbs(0, key)
      } catch (err) {
        if (key !== this.shown) return
        this.shown = ''
        this.setData({ loadError: errors.loadError(err) })
      }
    },

    // The thumbnails of the photos from `from` on, each shown as it comes.
    showThumbs(from, key) {
      return attachments.thumbnails(this.data.photos.slice(from), (i, path) => {
        if (key !== this.shown) return
        this.setData({ [`photos[${from + i}].thumb`]: path, [`photos[${from + i}].thumbFailed`]: !path })
      })
    },

    onRetry() {
      return this.load(true)
    },

    onOpenPhoto(e) {
      return attachments.open(this.data.photos[Number(e.currentTarget.dataset.index)])
    },

    onOpenDoc(e) {
      return attachments.open(this.data.docs[Number(e.currentTarget.dataset.index)])
    },

    async onAdd() {
      if (this.data.busy) return
      const key = this.shown
      const { ownerType, ownerId, photos, docs } = this.data
      this.setData({ busy: true, progress: '' })
      let added = []
      try {
        added = await attachments.addPhotos({
          ownerType,
          ownerId,
          held: photos.length + docs.length,
          onProgress: (n, total) => this.setData({ progress: total > 1 ? `正在上传第${n}张，共${total}张` : '正在上传' }),
        })
      } finally {
        this.setData({ busy: false, progress: '' })
      }
      if (added.length === 0 || key !== this.shown) return
      const from = this.data.photos.length
      this.setData({
        photos: this.data.photos.concat(added.filter((f) => f.photo)),
        docs: this.data.docs.concat(added.filter((f) => !f.photo)),
      })
      await this.showThumbs(from, key)
    },
  },
})
