// 整改任务详情 (?id=; from 整改任务): one rectification task (GET /rectifications/{id}) — the organisation, what the
// inspectors found, what must be put right by when (in red once overdue, and whether it was reported upward), where it
// stands, the answer sent and the inspectors' decision with their note. While it waits for the organisation (待整改, or
// 退回重新整改) its organisers upload evidence files (components/attachment-list, owner_type=rectification) and send
// what was done (POST /rectifications/{id}/steps {action: answer, note}), asked to confirm since the inspectors then
// decide on it.
const actions = require('../../utils/actions')
const api = require('../../utils/api')
const listPage = require('../../behaviors/list-page')
const month = require('../../utils/month')
const paths = require('../../utils/paths')
const supervision = require('../../utils/supervision')
const ui = require('../../utils/ui')

Page({
  behaviors: [listPage],

  data: {
    id: 0,
    task: null,
    next: '',
    note: '',
    noteError: '',
    busy: false,
  },

  onLoad(query = {}) {
    this.setData({ id: Number(query.id) })
    return this.load()
  },

  showsLoading() {
    return !this.data.task
  },

  async fetch() {
    const t = await api.get(paths.rectification(this.data.id))
    this.setData({ task: supervision.taskView(t, month.today()), next: supervision.nextStep(t) })
  },

  onNoteInput(e) {
    this.setData({ note: e.detail.value })
  },

  async onAnswer() {
    const problem = supervision.answerProblem(this.data.note)
    this.setData({ noteError: problem })
    if (problem || this.data.busy) return
    const go = await ui.confirm({
      title: '报送整改情况',
      content: '报送后由督查组审核，审核前不能修改。请确认整改材料已经上传。',
      confirmText: '确认报送',
      cancelText: '再检查一下',
    })
    if (!go) return
    const ok = await actions.post(this, paths.rectificationSteps(this.data.id), supervision.answerRequest(this.data.note), {
      done: '整改情况已报送', failTitle: '整改情况未报送', busyUntilReloaded: true,
    })
    if (ok) this.setData({ note: '' })
  },
})
