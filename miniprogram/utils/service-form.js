// The form a community admin publishes a service item, post or volunteer activity with: its fields as the page holds
// them, the checks made before sending (the server makes them again), and the request body of
// POST /communities/{id}/service-items. Times are picked as a date and a clock time in Beijing and sent as RFC3339
// with +08:00.
const { KINDS, VOLUNTEER_KINDS } = require('./community')
const { blank, tooLong } = require('./form-checks')
const month = require('./month')

const LIMITS = { title: 100, description: 2000, place: 200, skills: 200, capacity: 10000 }

// A fresh form: signing up opens now and closes when the item starts, tomorrow 09:00–11:00.
function emptyForm(now = Date.now()) {
  const today = month.today(now)
  const tomorrow = month.today(now + 24 * 60 * 60 * 1000)
  return {
    kindIndex: 0,
    volunteerKindIndex: -1,
    title: '',
    description: '',
    capacity: '',
    startDate: tomorrow,
    startTime: '09:00',
    endDate: tomorrow,
    endTime: '11:00',
    place: '',
    skills: '',
    opensDate: today,
    opensTime: month.stamp(now).slice(11, 16),
    closesDate: tomorrow,
    closesTime: '09:00',
  }
}

const at = (date, time) => `${date}T${time}`
const stamp = (date, time) => `${date}T${time}:00+08:00`

const isVolunteer = (form) => (KINDS[form.kindIndex] || {}).key === 'volunteer'

// { field: 'Chinese message' } for every problem; an empty object when the form can be sent.
function validate(form) {
  const errors = {}
  if (!KINDS[form.kindIndex]) errors.kind = '请选择类型'
  if (isVolunteer(form) && !VOLUNTEER_KINDS[form.volunteerKindIndex]) errors.volunteerKind = '请选择志愿服务类别'
  if (blank(form.title)) errors.title = '请填写标题'
  else if (tooLong(form.title, LIMITS.title)) errors.title = `标题不超过${LIMITS.title}字`
  if (tooLong(form.description, LIMITS.description)) errors.description = `内容说明不超过${LIMITS.description}字`
  const capacity = String(form.capacity || '').trim()
  if (!/^\d+$/.test(capacity) || Number(capacity) < 1) errors.capacity = '名额须为不小于1的整数'
  else if (Number(capacity) > LIMITS.capacity) errors.capacity = `名额不超过${LIMITS.capacity}`
  if ([form.startDate, form.startTime, form.endDate, form.endTime].some(blank)) errors.time = '请选择开始和结束时间'
  else if (at(form.endDate, form.endTime) <= at(form.startDate, form.startTime)) errors.time = '结束时间须晚于开始时间'
  if (blank(form.place)) errors.place = '请填写地点'
  else if (tooLong(form.place, LIMITS.place)) errors.place = `地点不超过${LIMITS.place}字`
  if (tooLong(form.skills, LIMITS.skills)) errors.skills = `技能要求不超过${LIMITS.skills}字`
  if ([form.opensDate, form.opensTime, form.closesDate, form.closesTime].some(blank)) errors.signup = '请选择报名起止时间'
  else if (at(form.closesDate, form.closesTime) <= at(form.opensDate, form.opensTime)) errors.signup = '报名截止须晚于报名开始'
  else if (!errors.time && at(form.closesDate, form.closesTime) > at(form.endDate, form.endTime)) {
    errors.signup = '报名截止不能晚于结束时间'
  }
  return errors
}

// The request body. volunteer_kind only for a volunteer activity (null otherwise).
function toRequest(form) {
  const volunteer = isVolunteer(form)
  return {
    kind: KINDS[form.kindIndex].key,
    volunteer_kind: volunteer ? VOLUNTEER_KINDS[form.volunteerKindIndex].key : null,
    title: form.title.trim(),
    description: (form.description || '').trim(),
    capacity: Number(String(form.capacity).trim()),
    starts_at: stamp(form.startDate, form.startTime),
    ends_at: stamp(form.endDate, form.endTime),
    place: form.place.trim(),
    skills: (form.skills || '').trim(),
    signup_opens_at: stamp(form.opensDate, form.opensTime),
    signup_closes_at: stamp(form.closesDate, form.closesTime),
  }
}

module.exports = { LIMITS, emptyForm, validate, toRequest, isVolunteer }
