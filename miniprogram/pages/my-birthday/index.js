// 我的政治生日 (every member; home: 我的政治生日, and the birthday greeting of config.js): the day I joined the Party,
// this year's anniversary and my years in the Party, and — once the branch holds the celebration — the four items
// (思想汇报, 重温入党誓词, 书记谈心交流, 参观学习), each done or not yet. No joining date on the roster (404 life.not_found)
// says whom to ask, not an error to retry. Once held, I may upload my 思想汇报 as photos (components/attachment-list,
// owner_type political_birthday).
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const listPage = require('../../behaviors/list-page')
const life = require('../../utils/org-life')
const paths = require('../../utils/paths')

Page({
  behaviors: [listPage],

  data: {
    birthday: null,
    missing: '',
  },

  onLoad() {
    return this.load()
  },

  async fetch() {
    try {
      this.setData({ birthday: life.birthdayView(await api.get(paths.mePoliticalBirthday())), missing: '' })
    } catch (err) {
      if (err.code !== 'life.not_found') throw err
      this.setData({ birthday: null, missing: errors.messageFor(err) })
    }
  },
})
