// A member's evidence sheet for the year of a democratic evaluation (民主评议), as utils/evaluation.js evidenceView()
// makes it from GET /evaluations/{id}/members/{person}/evidence: attendance with its rate and each activity, an
// exemption, the service minimums, commitments, duties (leaders and secretaries only), talks and feedback given. What
// the records say, shown so that nobody types it again. Used by pages/evaluation (my own) and
// pages/evaluation-secretary (a member's).
Component({
  options: { styleIsolation: 'apply-shared' }, // .section, .line, .person … of app.wxss
  properties: {
    sheet: { type: Object, value: null },
  },
})
