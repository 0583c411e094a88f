// Secretary: create or edit a branch's monthly plan. Opened as ?branch=<org id>&month=YYYY-MM[&plan=<id>].
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const labels = require('../../utils/labels')
const month = require('../../utils/month')
const planForm = require('../../utils/plan-form')

Page({
  data: {
    categories: labels.CATEGORIES,
    form: null,
    activityDay: '',
    activityDayText: '',
    range: { first: '', last: '' },
    fieldErrors: {},
    editing: false,
    refiling: false, // editing a filed plan makes a new version that needs review again
    loading: false,
    loadError: null,
    saving: false,
  },

  onLoad(query) {
    this.branchId = Number(query.branch)
    this.month = query.month
    this.planId = query.plan ? Number(query.plan) : null
    this.setData({ editing: Boolean(this.planId), range: month.monthRange(this.month) })
    wx.setNavigationBarTitle({ title: this.planId ? '编辑计划' : '制定计划' })
    return this.load()
  },

  async load() {
    this.setData({ loading: true, loadError: null })
    try {
      // The branch's own policy decides its activity day, hence ?org=.
      const [calendar, current] = await Promise.all([
        api.get(`/api/v1/calendar/${month.yearOf(this.month)}`, { org: this.branchId }),
        this.planId ? api.get(`/api/v1/plans/${this.planId}`) : api.get('/api/v1/me'),
      ])
      const { activity_day: activityDay } = calendar.months.find((m) => m.month === this.month)
      this.setData({
        activityDay,
        activityDayText: `${month.dayLabel(activityDay)} ${month.weekday(activityDay)}`,
        form: this.planId ? planForm.fromPlan(current) : planForm.emptyForm(activityDay, current.name),
        refiling: Boolean(this.planId) && current.status === 'filed',
      })
    } catch (err) {
      this.setData({ loadError: errors.loadError(err) })
    } finally {
      this.setData({ loading: false })
    }
  },

  onRetry() {
    this.load()
  },

  setField(field, value, errorKey = field) {
    this.setData({ [`form.${field}`]: value, [`fieldErrors.${errorKey}`]: '' })
  },

  onInput(e) {
    this.setField(e.currentTarget.dataset.field, e.detail.value)
  },

  onCategory(e) {
    this.setField('categoryIndex', Number(e.detail.value), 'category')
  },

  onDate(e) {
    this.setField('date', e.detail.value)
    this.setData({ 'fieldErrors.dateReason': '' })
  },

  onTime(e) {
    this.setField(e.currentTarget.dataset.field, e.detail.value, 'time')
  },

  async onSave() {
    if (this.data.saving) return
    const { form, activityDay } = this.data
    const fieldErrors = planForm.validate(form, activityDay)
    this.setData({ fieldErrors })
    if (Object.keys(fieldErrors).length > 0) return
    this.setData({ saving: true })
    let retry = false
    try {
      const body = planForm.toRequest(form, this.month, activityDay)
      if (this.planId) await api.put(`/api/v1/plans/${this.planId}`, body)
      else await api.post(`/api/v1/orgs/${this.branchId}/plans`, body)
      wx.showToast({ title: '已保存', icon: 'success' })
      wx.navigateBack()
    } catch (err) {
      retry = await errors.promptRetry(err, '保存失败')
    } finally {
      this.setData({ saving: false })
    }
    if (retry) await this.onSave()
  },
})
