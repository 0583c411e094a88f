// 评议党组织 (党员和群众评议党组织; ?id= the branch's campaign): the questionnaire on a branch — five questions, each
// 满意 / 基本满意 / 不满意 (GET /evaluations/{id}/questionnaire) — answered once while the branch's evaluation is open
// (POST the same path, without any name). Open to the public: whoever is given the link (this page forwarded with
// onShareAppMessage, or a QR code of it) opens it with the visitor token of their WeChat login (utils/auth.js visit());
// a member signed in answers as themself. An answer already given (evaluation.already_voted, from another phone too),
// the questionnaire closed meanwhile and too many attempts (429) are said plainly next to the button.
const actions = require('../../utils/actions')
const api = require('../../utils/api')
const auth = require('../../utils/auth')
const errors = require('../../utils/errors')
const evaluation = require('../../utils/evaluation')
const listPage = require('../../behaviors/list-page')
const paths = require('../../utils/paths')

// Refusals said under the questions, the page then showing where the questionnaire stands.
const SAID = ['evaluation.wrong_state', 'evaluation.too_many_requests', 'evaluation.temporarily_unavailable']
const THANKS = '感谢您的参与！您的评议已提交，每人只能参加一次。'
const ANSWERED = '您已参加过本次测评，每人只能参加一次。感谢您的参与！'

Page({
  behaviors: [listPage],

  data: {
    id: 0,
    notQuestionnaire: false,
    visitor: false,
    questionnaire: null,
    choices: evaluation.ANSWERS,
    answers: [],
    formError: '',
    thanks: '',
    busy: false,
  },

  // Opened from a list (`id`) or by WeChat's scanner from the questionnaire's QR code (`q`, see
  // evaluation.campaignFromLaunchQuery).
  onLoad(query = {}) {
    const id = query.q ? evaluation.campaignFromLaunchQuery(query.q) : Number(query.id)
    if (!id) {
      this.setData({ notQuestionnaire: true })
      return Promise.resolve()
    }
    this.setData({ id })
    return this.load()
  },

  showsLoading() {
    return !this.data.questionnaire
  },

  async fetch() {
    const visitor = (await auth.visit()) === 'visitor'
    const questionnaire = evaluation.questionnaireView(await api.get(paths.evaluationQuestionnaire(this.data.id)))
    const n = questionnaire.questions.length
    const answers = this.data.answers.length === n ? this.data.answers : evaluation.emptyAnswers(n)
    this.setData({ visitor, questionnaire, answers })
  },

  onAnswer(e) {
    const { index, answer } = e.currentTarget.dataset
    this.setData({ [`answers[${Number(index)}]`]: answer, formError: '' })
  },

  async onSubmit() {
    const problem = evaluation.answersProblem(this.data.answers)
    this.setData({ formError: problem })
    if (problem || this.data.busy) return
    let answered = false
    let said = ''
    const body = evaluation.answersRequest(this.data.answers)
    const ok = await actions.post(this, paths.evaluationQuestionnaire(this.data.id), body, {
      done: '评议已提交',
      failTitle: '评议未提交',
      reload: false,
      handled: (err) => {
        answered = err.code === 'evaluation.already_voted'
        if (SAID.includes(err.code)) said = errors.messageFor(err)
        return answered || Boolean(said)
      },
    })
    if (ok || answered) this.setData({ thanks: ok ? THANKS : ANSWERED })
    if (said) this.setData({ formError: said })
    if (ok || answered || said) await this.load()
  },

  // 转发: the branch hands the link out (to a chat, to residents); whoever opens it answers as a member or the public.
  onShareAppMessage() {
    const q = this.data.questionnaire
    return {
      title: q ? `请您评议${q.orgName}（${q.year}年度满意度测评）` : '党组织满意度测评',
      path: `/pages/org-evaluation/index?id=${this.data.id}`,
    }
  },
})
