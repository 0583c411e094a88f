// 谈心谈话 (from 我的履职): recording a talk (POST /me/talks) with a person on the roster — who is still owed a talk
// this year (from my progress, GET /people/{me}/duties) and whom I have talked with this year; ?person=&name= picks
// one when opened from 我的履职 — or with a name typed for someone not on it (其他人员); the date and the notes, which
// only the two people in the talk can read. Then the year's talks, held or received (GET /me/talks?year=).
const account = require('../../utils/account')
const actions = require('../../utils/actions')
const api = require('../../utils/api')
const listPage = require('../../behaviors/list-page')
const duties = require('../../utils/duties')
const month = require('../../utils/month')
const paths = require('../../utils/paths')

const OTHER = '其他人员（填写姓名）'

Page({
  behaviors: [listPage],

  data: {
    year: 0,
    people: [], // { personId, name, text } on the roster
    choices: [], // the picker: each person's text, then 其他人员
    form: duties.emptyTalk(),
    formError: '',
    talks: [],
    today: '',
    busy: false,
  },

  onLoad(query = {}) {
    this.wanted = Number(query.person) || 0
    this.wantedName = query.name ? decodeURIComponent(query.name) : ''
    const year = Number(query.year) || month.shanghaiDate().year
    this.setData({ year, today: month.today(), form: duties.emptyTalk(month.today()) })
    return this.load()
  },

  async fetch() {
    const { year } = this.data
    const me = account.person() || account.remember(await api.get(paths.me()))
    const [body, talks] = await Promise.all([
      api.get(paths.personDuties(me.id), { year }),
      api.get(paths.meTalks(), { year }),
    ])
    const people = duties.talkPeople(duties.progressView(body), talks, me.id)
    const patch = {}
    // The person 我的履职 sent: picked once, even when the roster here no longer lists them.
    if (this.wanted) {
      if (!people.some((p) => p.personId === this.wanted)) {
        people.unshift({ personId: this.wanted, name: this.wantedName, text: this.wantedName })
      }
      patch['form.personIndex'] = people.findIndex((p) => p.personId === this.wanted)
      this.wanted = 0
    }
    this.setData({
      ...patch,
      people,
      choices: people.map((p) => p.text).concat(OTHER),
      talks: talks.map((t) => duties.talkView(t, me.id)),
      today: month.today(),
    })
  },

  onPerson(e) {
    this.setData({ 'form.personIndex': Number(e.detail.value), formError: '' })
  },

  onDate(e) {
    this.setData({ 'form.date': e.detail.value })
  },

  onInput(e) {
    this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value })
  },

  // The form is emptied before the list is loaded again, which may order the people differently.
  async onSave() {
    const { form, people } = this.data
    const problem = duties.talkProblem(form, people, month.today())
    this.setData({ formError: problem })
    if (problem) return
    const ok = await actions.post(this, paths.meTalks(), duties.talkRequest(form, people), {
      done: '已记录谈话', failTitle: '谈话未记录', reload: false,
    })
    if (!ok) return
    this.setData({ form: duties.emptyTalk(month.today()) })
    await this.load()
  },
})
