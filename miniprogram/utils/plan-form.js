// The monthly plan form: its fields as the page holds them, the checks made before sending (the server makes them
// again), and the conversion to and from the API's PlanRequest / PlanResponse.
//
// Creating POSTs the whole PlanRequest. Editing PATCHes only what the form shows and the secretary can change: the
// server keeps every field a PATCH leaves out (the check-in window, invited activists, and the map position unless
// it was picked or cleared here), and an explicit null clears a nullable one (date_reason, latitude, longitude).
// Coordinates are GCJ-02, as wx.chooseLocation gives them.
const { CATEGORIES } = require('./labels')
const { dayLabel } = require('./month')
const { blank, tooLong } = require('./form-checks')

const LIMITS = { theme: 100, place: 200, organiser: 50, requirements: 2000, dateReason: 200 }

function emptyForm(activityDay, organiser = '') {
  return {
    theme: '',
    categoryIndex: -1,
    date: activityDay,
    dateReason: '',
    startTime: '09:00',
    endTime: '11:00',
    place: '',
    requirements: '',
    organiser,
    latitude: null,
    longitude: null,
    locationChanged: false, // picked on the map (or cleared) in this form: only then are the coordinates sent
  }
}

function fromPlan(plan) {
  return {
    theme: plan.theme,
    categoryIndex: CATEGORIES.indexOf(plan.category_label),
    date: plan.date,
    dateReason: plan.date_reason || '',
    startTime: plan.start_time,
    endTime: plan.end_time,
    place: plan.place,
    requirements: plan.requirements || '',
    organiser: plan.organiser,
    latitude: plan.latitude === undefined ? null : plan.latitude,
    longitude: plan.longitude === undefined ? null : plan.longitude,
    locationChanged: false,
  }
}

// wx.chooseLocation's answer → the form's place and coordinates (the name, or the address when it has none).
function withChosenLocation(form, chosen) {
  const place = String((chosen && (chosen.name || chosen.address)) || '').trim()
  return {
    ...form,
    place: place || form.place,
    latitude: chosen.latitude,
    longitude: chosen.longitude,
    locationChanged: true,
  }
}

function withoutLocation(form) {
  return {
    ...form, latitude: null, longitude: null, locationChanged: true,
  }
}

const hasLocation = (form) => typeof form.latitude === 'number' && typeof form.longitude === 'number'

// { field: 'Chinese message' } for every problem; an empty object when the form can be sent.
function validate(form, activityDay) {
  const errors = {}
  if (blank(form.theme)) errors.theme = '请填写活动主题'
  else if (tooLong(form.theme, LIMITS.theme)) errors.theme = `活动主题不超过${LIMITS.theme}字`
  if (!(form.categoryIndex >= 0 && form.categoryIndex < CATEGORIES.length)) errors.category = '请选择活动类别'
  if (blank(form.date)) errors.date = '请选择活动日期'
  else if (form.date !== activityDay && blank(form.dateReason)) {
    errors.dateReason = `活动日期不是本月活动日（${dayLabel(activityDay)}），请填写改期原因`
  } else if (tooLong(form.dateReason, LIMITS.dateReason)) errors.dateReason = `改期原因不超过${LIMITS.dateReason}字`
  if (blank(form.startTime) || blank(form.endTime)) errors.time = '请选择开始和结束时间'
  else if (form.endTime <= form.startTime) errors.time = '结束时间须晚于开始时间'
  if (blank(form.place)) errors.place = '请填写活动地点'
  else if (tooLong(form.place, LIMITS.place)) errors.place = `活动地点不超过${LIMITS.place}字`
  if (tooLong(form.requirements, LIMITS.requirements)) errors.requirements = `活动要求不超过${LIMITS.requirements}字`
  if (blank(form.organiser)) errors.organiser = '请填写组织人'
  else if (tooLong(form.organiser, LIMITS.organiser)) errors.organiser = `组织人不超过${LIMITS.organiser}字`
  return errors
}

// What the form shows, as the API names it; a date on the activity day sends no reason (null clears it).
function shownFields(form, activityDay) {
  const moved = form.date !== activityDay
  return {
    theme: form.theme.trim(),
    category: CATEGORIES[form.categoryIndex],
    date: form.date,
    date_reason: moved ? form.dateReason.trim() : null,
    start_time: form.startTime,
    end_time: form.endTime,
    place: form.place.trim(),
    requirements: (form.requirements || '').trim(),
    organiser: form.organiser.trim(),
  }
}

// The PlanRequest body to create a plan (POST /orgs/{id}/plans). The coordinates when picked on the map.
function toRequest(form, month, activityDay) {
  const body = { month, ...shownFields(form, activityDay) }
  if (hasLocation(form)) Object.assign(body, { latitude: form.latitude, longitude: form.longitude })
  return body
}

// The PATCH /plans/{id} body: the shown fields, and the coordinates only when picked or cleared in this form.
// Never `month`, the check-in window or invited_person_ids: the server keeps them as they are.
function toPatch(form, activityDay) {
  const body = shownFields(form, activityDay)
  if (form.locationChanged) {
    Object.assign(body, hasLocation(form)
      ? { latitude: form.latitude, longitude: form.longitude }
      : { latitude: null, longitude: null })
  }
  return body
}

module.exports = {
  LIMITS, emptyForm, fromPlan, validate, toRequest, toPatch, withChosenLocation, withoutLocation, hasLocation,
}
