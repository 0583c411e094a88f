// Secretary: create or edit a branch's monthly plan. Opened as ?branch=<org id>&month=YYYY-MM[&plan=<id>].
// Editing sends PATCH with only the fields this form shows (utils/plan-form.js toPatch), so what it does not show
// (the check-in window, invited activists, the map position unless picked here) stays as it is.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const labels = require('../../utils/labels')
const month = require('../../utils/month')
const planForm = require('../../utils/plan-form')
const ui = require('../../utils/ui')
const paths = require('../../utils/paths')

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
    hasLocation: false,
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
        api.get(paths.calendar(month.yearOf(this.month)), { org: this.branchId }),
        this.planId ? api.get(paths.plan(this.planId)) : api.get(paths.me()),
      ])
      const { activity_day: activityDay } = calendar.months.find((m) => m.month === this.month)
      const form = this.planId ? planForm.fromPlan(current) : planForm.emptyForm(activityDay, current.name)
      this.setData({
        activityDay,
        activityDayText: `${month.dayLabel(activityDay)} ${month.weekday(activityDay)}`,
        form,
        hasLocation: planForm.hasLocation(form),
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

  // 在地图上选择地点: WeChat's map picker (GCJ-02) fills the place and its coordinates, used to check that members
  // scan on site.
  onChooseLocation() {
    const { form } = this.data
    if (!form) return Promise.resolve()
    return new Promise((resolve) => {
      wx.chooseLocation({
        ...(planForm.hasLocation(form) ? { latitude: form.latitude, longitude: form.longitude } : {}),
        success: (chosen) => {
          this.setLocation(planForm.withChosenLocation(this.data.form, chosen))
          this.setData({ 'fieldErrors.place': '' })
          resolve()
        },
        fail: (err) => {
          if (!/cancel/i.test(String((err && err.errMsg) || ''))) {
            ui.openSettingFor('无法打开地图', '选择地点需要使用位置信息。请在设置中允许本小程序使用位置信息后重试。')
          }
          resolve()
        },
      })
    })
  },

  onClearLocation() {
    this.setLocation(planForm.withoutLocation(this.data.form))
  },

  setLocation(form) {
    this.setData({ form, hasLocation: planForm.hasLocation(form) })
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
      if (this.planId) await api.patch(paths.plan(this.planId), planForm.toPatch(form, activityDay))
      else await api.post(paths.orgPlans(this.branchId), planForm.toRequest(form, this.month, activityDay))
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
