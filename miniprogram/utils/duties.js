// Leaders' duties (issue 14): the kinds a leading cadre logs, the logging form (its checks, made again by the server,
// and the bodies of POST /me/duties and PATCH /duty-entries/{id}), the talk form, and the views of the year's progress,
// an entry, a contact point, a talk and a row of the organisation department's list.
const labels = require('./labels')
const month = require('./month')
const { blank, tooLong } = require('./form-checks')

// A period runs from starts_on to ends_on; the other kinds are one day. A contact-point kind names one of my contact
// points (org_id).
const PERIOD_KINDS = ['research', 'stationed', 'contact_research']
const KINDS = Object.keys(labels.DUTY_KINDS).map((key) => ({
  key, label: labels.DUTY_KINDS[key], period: PERIOD_KINDS.includes(key), contact: key.startsWith('contact_'),
}))

// The fields a kind cannot be logged without, beyond its date (and contact point), as the server requires them.
const REQUIRED = {
  research: ['place'],
  stationed: ['place'],
  micro_research: ['place'],
  research_report: ['topic'],
}

const LIMITS = { place: 200, topic: 200, summary: 4000, talkName: 50, talkNotes: 4000 }
const LONGEST_PERIOD_DAYS = 366 // one entry covers at most a year
const TEXT_FIELDS = ['place', 'topic', 'summary']

// How the form names its fields for a kind, and which it shows: a contact point is the place of a contact-point kind,
// and a report has a title and a finishing date instead.
function fieldsFor(kind) {
  const key = kind ? kind.key : ''
  const report = key === 'research_report'
  let date = '日期'
  if (report) date = '完成日期'
  else if (kind && kind.period) date = '开始日期'
  let topic = '主题'
  if (report) topic = '报告题目'
  else if (key === 'contact_lecture') topic = '党课题目'
  return {
    date,
    place: key === 'stationed' ? '驻点单位或地点' : '地点',
    topic,
    summary: report ? '主要内容' : '情况简述',
    showsPlace: Boolean(kind) && !kind.contact && !report,
  }
}

const emptyForm = (today = month.today()) => ({
  kindIndex: -1, startsOn: today, endsOn: today, contactIndex: -1, place: '', topic: '', summary: '', editing: 0, corrects: 0,
})

// GET /me/contact-points → what the picker shows.
const contactView = (cp) => ({
  id: cp.id,
  orgId: cp.org_id,
  orgName: cp.org_name,
  validFrom: cp.valid_from,
  validUntil: cp.valid_until || '',
  text: `${cp.org_name}（${cp.valid_from} 起${cp.valid_until ? `，至 ${cp.valid_until}` : ''}）`,
})

const DAY_MS = 24 * 60 * 60 * 1000
const utcDay = (date) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)))
// Days from one date to another, both counted: the 2nd to the 5th is 4 days.
const days = (from, to) => Math.round((utcDay(to) - utcDay(from)) / DAY_MS) + 1

const covers = (contact, date) => contact.validFrom <= date && (!contact.validUntil || date <= contact.validUntil)

// { field: 'Chinese message' } for every problem; an empty object when the form can be sent. `contacts` are
// contactView()s.
function validate(form, contacts, today = month.today()) {
  const kind = KINDS[form.kindIndex]
  if (!kind) return { kind: '请选择履职类型' }
  const errors = {}
  if (blank(form.startsOn)) errors.date = '请选择日期'
  else if (form.startsOn > today) errors.date = '日期不能晚于今天'
  else if (kind.period && (blank(form.endsOn) || form.endsOn < form.startsOn)) errors.date = '结束日期不能早于开始日期'
  else if (kind.period && form.endsOn > today) errors.date = '结束日期不能晚于今天'
  else if (kind.period && days(form.startsOn, form.endsOn) > LONGEST_PERIOD_DAYS) errors.date = '一条记录最长一年，请分开记录'
  if (kind.contact) {
    const contact = contacts[form.contactIndex]
    const endsOn = kind.period ? form.endsOn : form.startsOn
    if (contacts.length === 0) errors.contact = '您还没有联系点，请联系组织部门设置'
    else if (!contact) errors.contact = '请选择联系点'
    else if (!errors.date && !(covers(contact, form.startsOn) && covers(contact, endsOn))) {
      errors.contact = `这段时间${contact.orgName}不是您的联系点`
    }
  }
  const names = fieldsFor(kind)
  const need = REQUIRED[kind.key] || []
  TEXT_FIELDS.filter((field) => field !== 'place' || names.showsPlace).forEach((field) => {
    if (need.includes(field) && blank(form[field])) errors[field] = `请填写${names[field]}`
    else if (tooLong(form[field], LIMITS[field])) errors[field] = `${names[field]}不超过${LIMITS[field]}字`
  })
  return errors
}

// What both bodies carry: the dates (a one-day kind ends the day it starts), the contact point, the fields shown.
function fields(form, contacts) {
  const kind = KINDS[form.kindIndex]
  const body = { starts_on: form.startsOn, ends_on: kind.period ? form.endsOn : form.startsOn }
  if (kind.contact) body.org_id = contacts[form.contactIndex].orgId
  TEXT_FIELDS.filter((field) => field !== 'place' || fieldsFor(kind).showsPlace).forEach((field) => {
    body[field] = String(form[field] || '').trim()
  })
  return body
}

// POST /me/duties: a new entry, or a correction of an entry past its editing time (corrects).
function toRequest(form, contacts) {
  const body = { kind: KINDS[form.kindIndex].key, ...fields(form, contacts) }
  if (form.corrects) body.corrects = form.corrects
  return body
}

// PATCH /duty-entries/{id}: the fields the form shows (the kind stays), an emptied text field cleared.
const toPatch = (form, contacts) => fields(form, contacts)

// An entry back into the form, to edit it (editing) or to correct it with a new one (corrects).
function fromEntry(entry, contacts, { correct = false } = {}) {
  return {
    kindIndex: KINDS.findIndex((k) => k.key === entry.kind),
    startsOn: entry.starts_on,
    endsOn: entry.ends_on || entry.starts_on,
    contactIndex: contacts.findIndex((c) => c.orgId === entry.org_id),
    place: entry.place || '',
    topic: entry.topic || '',
    summary: entry.summary || '',
    editing: correct ? 0 : entry.id,
    corrects: correct ? entry.id : 0,
  }
}

// '3月2日', or '3月2日至3月5日（共4天）'; a period reaching into another year names the years.
function periodLabel(startsOn, endsOn) {
  if (!endsOn || endsOn === startsOn) return month.dayLabel(startsOn)
  const sameYear = startsOn.slice(0, 4) === endsOn.slice(0, 4)
  const label = (date) => (sameYear ? '' : `${date.slice(0, 4)}年`) + month.dayLabel(date)
  return `${label(startsOn)}至${label(endsOn)}（共${days(startsOn, endsOn)}天）`
}

// GET /me/duties → one card. Editable (修改) until editable_until, then correctable (更正) with a new entry; an entry
// already corrected is neither.
function entryView(entry, now = Date.now()) {
  const superseded = Boolean(entry.superseded)
  const editable = !superseded && Date.parse(entry.editable_until) > now
  return {
    id: entry.id,
    kind: entry.kind,
    kindText: entry.kind_label || labels.dutyKindLabel(entry.kind),
    when: periodLabel(entry.starts_on, entry.ends_on),
    where: entry.org_name || entry.place || '',
    topic: entry.topic || '',
    summary: entry.summary || '',
    superseded,
    isCorrection: Boolean(entry.corrects),
    editable,
    correctable: !superseded && !editable,
    editableUntil: editable ? labels.timeLabel(entry.editable_until) : '',
  }
}

// How a quota is counted: days of research and stays, reports, otherwise times.
const QUOTA_UNITS = { research_days: '天', stationed_days: '天', research_reports: '篇' }
const unitOf = (kind) => QUOTA_UNITS[kind] || '次'

// One QuotaItem: a bar for a quota (done/required), none for a count without one (required null).
function quotaView(item) {
  const unit = unitOf(item.kind)
  const counted = item.required === null || item.required === undefined
  const required = counted ? 0 : Number(item.required)
  const done = Number(item.done) || 0
  const met = counted || Boolean(item.met)
  const short = Math.max(required - done, 0)
  let stateText = '不作数量要求'
  if (!counted && met) stateText = '已完成'
  else if (!counted) stateText = short > 0 ? `还差${short}${unit}` : '未完成' // per-person quotas: see who is owed
  return {
    key: item.kind,
    label: labels.dutyQuotaLabel(item.kind, item.label),
    counted,
    met,
    short,
    unit,
    figure: counted ? `${done}${unit}` : `${done}/${required}${unit}`,
    percent: counted || required === 0 ? 100 : Math.min(100, Math.round((done * 100) / required)),
    stateText,
    owed: (item.owed || []).map((o) => ({ personId: o.person_id, name: o.name, owed: o.owed })),
    evidence: (item.evidence || []).map((e, i) => ({
      key: `${item.kind}-${i}`,
      date: month.dayLabel(e.date),
      source: labels.evidenceSourceLabel(e.source),
      orgName: e.org_name || '',
      detail: e.detail || '',
    })),
  }
}

// GET /people/{id}/duties → the page: each quota, what is still missing, and who is still owed a talk.
function progressView(body) {
  const items = (body.items || []).map(quotaView)
  const missing = items.filter((q) => !q.met && q.short > 0)
    .map((q) => ({ key: q.key, text: `${q.label}：还差${q.short}${q.unit}` }))
  const owed = items.flatMap((q) => q.owed.map((o) => ({
    key: `${q.key}-${o.personId}`, personId: o.personId, name: o.name, text: `与${o.name}谈心谈话：还差${o.owed}次`,
  })))
  const metAll = items.every((q) => q.met)
  let summary = metAll ? '本年度履职要求已全部完成' : '本年度履职要求尚未全部完成'
  if (items.length === 0) summary = '本年度没有需要统计的履职要求'
  return {
    year: body.year,
    personId: body.person_id,
    name: body.name || '',
    orgName: body.org_name || '',
    items,
    missing,
    owed,
    metAll,
    summary,
  }
}

// A talk I held, or one held with me (the notes only reach the two people in it).
const talkView = (talk, myId) => {
  const received = talk.leader_id !== myId
  return {
    id: talk.id,
    date: month.dayLabel(talk.talked_on),
    withText: received ? `${talk.leader_name}与您谈话` : `与${talk.with_name}谈话`,
    received,
    notes: talk.notes || '',
  }
}

// Whom the talk form offers: who is still owed a talk (from the progress), then whom I have talked with this year,
// each once, with what is done and what is still owed.
function talkPeople(progress, talks, myId) {
  const held = talks.filter((t) => t.leader_id === myId && t.with_person_id)
  const count = (personId) => held.filter((t) => t.with_person_id === personId).length
  const people = []
  const add = (personId, name, owed) => {
    const known = people.find((p) => p.personId === personId)
    if (known) return
    const done = count(personId)
    const parts = [done > 0 ? `本年已谈${done}次` : '本年尚未谈话']
    if (owed > 0) parts.push(`还差${owed}次`)
    people.push({ personId, name, text: `${name}（${parts.join('，')}）` })
  }
  ;((progress && progress.items) || []).forEach((q) => q.owed.forEach((o) => add(o.personId, o.name, o.owed)))
  held.forEach((t) => add(t.with_person_id, t.with_name, 0))
  return people
}

const emptyTalk = (today = month.today()) => ({ personIndex: -1, name: '', date: today, notes: '' })

// personIndex is into `people`; people.length is 其他人员 (a name typed: someone not on the roster). The notes may
// stay empty.
function talkProblem(form, people, today = month.today()) {
  const other = form.personIndex === people.length
  if (!other && !people[form.personIndex]) return '请选择谈话对象'
  if (other && blank(form.name)) return '请填写谈话对象的姓名'
  if (other && tooLong(form.name, LIMITS.talkName)) return `姓名不超过${LIMITS.talkName}字`
  if (blank(form.date)) return '请选择谈话日期'
  if (form.date > today) return '谈话日期不能晚于今天'
  if (tooLong(form.notes, LIMITS.talkNotes)) return `谈话要点不超过${LIMITS.talkNotes}字`
  return ''
}

function talkRequest(form, people) {
  const person = people[form.personIndex]
  const who = person ? { with_person_id: person.personId } : { with_name: form.name.trim() }
  return { ...who, talked_on: form.date, notes: String(form.notes || '').trim() }
}

// A row of GET /orgs/{id}/duties: who, where, their post, and what is behind.
function overviewRow(row) {
  const post = [
    row.leader_level && labels.leaderLevelLabel(row.leader_level),
    row.party_post && labels.partyPostLabel(row.party_post),
  ]
  const behind = (row.behind || []).map((b) => {
    const label = labels.dutyQuotaLabel(b.kind, b.label)
    const unit = unitOf(b.kind)
    return { key: b.kind, text: `${label} ${b.done}/${b.required}${unit}` }
  })
  return {
    id: row.person_id,
    name: row.name,
    orgName: row.org_name || '',
    post: post.filter(Boolean).join(' · '),
    metAll: Boolean(row.met_all),
    behind,
  }
}

module.exports = {
  KINDS, PERIOD_KINDS, REQUIRED, LIMITS, QUOTA_UNITS,
  fieldsFor, emptyForm, contactView, days, covers, validate, toRequest, toPatch, fromEntry,
  periodLabel, entryView, quotaView, progressView,
  talkView, talkPeople, emptyTalk, talkProblem, talkRequest,
  overviewRow,
}
