// Every path of the server's API the mini-program calls, in one place: pages and utils ask for `paths.plan(id)`,
// never write '/api/v1/…' themselves (tests/paths.test.js checks). Ids go in as numbers or strings, as read.
const V1 = '/api/v1'

module.exports = {
  // sign-in
  authWechat: () => `${V1}/auth/wechat`,
  authBind: () => `${V1}/auth/bind`,
  authRefresh: () => `${V1}/auth/refresh`,
  authLogout: () => `${V1}/auth/logout`,

  // the signed-in person
  me: () => `${V1}/me`,
  mePreview: () => `${V1}/me/preview`,
  meCard: () => `${V1}/me/card`,
  meActivities: () => `${V1}/me/activities`,
  meAttendance: () => `${V1}/me/attendance`,
  meCommunityReports: () => `${V1}/me/community-reports`,
  meServiceClaims: () => `${V1}/me/service-claims`,
  mePairings: () => `${V1}/me/pairings`,
  meSuggestions: () => `${V1}/me/suggestions`,
  meProgress: () => `${V1}/me/progress`,
  meCommitments: () => `${V1}/me/commitments`,
  meCommitment: (year) => `${V1}/me/commitments/${year}`,
  meCommitmentProgress: (year) => `${V1}/me/commitments/${year}/progress`,
  meCommitmentComplete: (year) => `${V1}/me/commitments/${year}/complete`,
  meContactPoints: () => `${V1}/me/contact-points`,
  meDuties: () => `${V1}/me/duties`,
  meTalks: () => `${V1}/me/talks`,

  calendar: (year) => `${V1}/calendar/${year}`,
  notificationTemplates: () => `${V1}/notifications/templates`,
  subscriptions: () => `${V1}/subscriptions`,

  // plans and the organisations that file them
  orgPlans: (orgId) => `${V1}/orgs/${orgId}/plans`,
  orgPreviews: (orgId) => `${V1}/orgs/${orgId}/previews`,
  orgPeople: (orgId) => `${V1}/orgs/${orgId}/people`,
  orgExemptions: (orgId) => `${V1}/orgs/${orgId}/exemptions`,
  orgProgress: (orgId) => `${V1}/orgs/${orgId}/progress`,
  plan: (id) => `${V1}/plans/${id}`,
  // step: submit, approve, return, publish … — the plan's transitions, POSTed
  planStep: (id, step) => `${V1}/plans/${id}/${step}`,
  planParticipants: (id) => `${V1}/plans/${id}/participants`,
  planParticipantsRefresh: (id) => `${V1}/plans/${id}/participants/refresh`,
  planDeliveries: (id) => `${V1}/plans/${id}/deliveries`,
  // a preview's recipient reached by neither channel, then told by the secretary (POST, no body)
  planDeliveryToldInPerson: (id, personId) => `${V1}/plans/${id}/deliveries/${personId}/told-in-person`,
  // the preview's recipients reached by neither channel, as an Excel file
  planDeliveriesUnreached: (id) => `${V1}/plans/${id}/deliveries/unreached.xlsx`,
  personExemptions: (personId) => `${V1}/people/${personId}/exemptions`,
  exemptionRevoke: (id) => `${V1}/exemptions/${id}/revoke`,

  // activities, check-in and leave
  activity: (id) => `${V1}/activities/${id}`,
  activityQr: (id) => `${V1}/activities/${id}/qr`,
  activityLive: (id) => `${V1}/activities/${id}/live`,
  // a themed activity (集中主题活动): the venue code of one joining branch, and the ones my branch joins
  activityVenueQr: (id, branchId) => `${V1}/activities/${id}/venues/${branchId}/qr`,
  orgThemedVenues: (orgId) => `${V1}/orgs/${orgId}/themed-venues`,
  activityAttendance: (id) => `${V1}/activities/${id}/attendance`,
  activityLeave: (id) => `${V1}/activities/${id}/leave`,
  activityCheckins: (id) => `${V1}/activities/${id}/checkins`,
  checkins: () => `${V1}/checkins`,
  checkinUndo: (id) => `${V1}/checkins/${id}/undo`,
  leaveDecision: (id) => `${V1}/leave/${id}/decision`,
  leaveWithdraw: (id) => `${V1}/leave/${id}/withdraw`,

  // community service
  communities: () => `${V1}/communities`,
  communityServiceItems: (id) => `${V1}/communities/${id}/service-items`,
  communityReports: (id) => `${V1}/communities/${id}/reports`,
  communitySuggestions: (id) => `${V1}/communities/${id}/suggestions`,
  communityReportDecision: (id) => `${V1}/community-reports/${id}/decision`,
  suggestionAnswer: (id) => `${V1}/suggestions/${id}/answer`,
  serviceItem: (id) => `${V1}/service-items/${id}`,
  serviceItemClaims: (id) => `${V1}/service-items/${id}/claims`,
  serviceItemQr: (id) => `${V1}/service-items/${id}/qr`,
  serviceItemAttendance: (id) => `${V1}/service-items/${id}/attendance`,
  serviceClaimCancel: (id) => `${V1}/service-claims/${id}/cancel`,
  serviceClaimConfirm: (id) => `${V1}/service-claims/${id}/confirm`,
  serviceClaimDecline: (id) => `${V1}/service-claims/${id}/decline`,
  pairingVisits: (id) => `${V1}/pairings/${id}/visits`,

  // leaders' duties: contact points, the duty log, talks and the year's progress
  personContactPoints: (personId) => `${V1}/people/${personId}/contact-points`,
  personDuties: (personId) => `${V1}/people/${personId}/duties`,
  orgDuties: (orgId) => `${V1}/orgs/${orgId}/duties`,
  dutyEntry: (id) => `${V1}/duty-entries/${id}`,

  // Party congress deputies (§二.4): studios and their rota, receptions, cases, questions and proposals (matters)
  studios: () => `${V1}/studios`,
  studio: (id) => `${V1}/studios/${id}`,
  studioRota: (id) => `${V1}/studios/${id}/rota`,
  meRota: () => `${V1}/me/rota`,
  meUnavailableDays: () => `${V1}/me/unavailable-days`,
  shiftSwaps: (shiftId) => `${V1}/rota-shifts/${shiftId}/swaps`,
  swapAccept: (id) => `${V1}/rota-swaps/${id}/accept`,
  swapDecline: (id) => `${V1}/rota-swaps/${id}/decline`,
  shiftBookings: (shiftId) => `${V1}/rota-shifts/${shiftId}/bookings`,
  deputyMeetingRequests: (personId) => `${V1}/deputies/${personId}/meeting-requests`,
  personConstituency: (personId) => `${V1}/people/${personId}/constituency`,
  meReceptions: () => `${V1}/me/receptions`,
  meDeputyReceptions: () => `${V1}/me/deputy-receptions`,
  receptionCancel: (id) => `${V1}/receptions/${id}/cancel`,
  receptionAnswer: (id) => `${V1}/receptions/${id}/answer`,
  receptionRecord: (id) => `${V1}/receptions/${id}/record`,
  questions: () => `${V1}/questions`,
  proposals: () => `${V1}/proposals`,
  matter: (id) => `${V1}/matters/${id}`,
  matterSteps: (id) => `${V1}/matters/${id}/steps`,
  matterRating: (id) => `${V1}/matters/${id}/rating`,
  meMatters: () => `${V1}/me/matters`,
  orgMatters: (orgId) => `${V1}/orgs/${orgId}/matters`,

  // organisational life: 党务公开, 活动评价, 政治生日, 结对共建
  meNotices: () => `${V1}/me/notices`,
  orgNotices: (orgId) => `${V1}/orgs/${orgId}/notices`,
  notice: (id) => `${V1}/notices/${id}`,
  noticeReaders: (id) => `${V1}/notices/${id}/readers`,
  noticeQuestions: (id) => `${V1}/notices/${id}/questions`,
  activityFeedback: (id) => `${V1}/activities/${id}/feedback`,
  activityFeedbackSummary: (id) => `${V1}/activities/${id}/feedback/summary`,
  mePoliticalBirthday: () => `${V1}/me/political-birthday`,
  orgPoliticalBirthdays: (orgId) => `${V1}/orgs/${orgId}/political-birthdays`,
  politicalBirthday: (id) => `${V1}/political-birthdays/${id}`,
  planPoliticalBirthdays: (planId) => `${V1}/plans/${planId}/political-birthdays`,
  orgPairs: (orgId) => `${V1}/orgs/${orgId}/pairs`,
  pairYear: (id) => `${V1}/org-pairs/${id}/year`,
  pairEntries: (id) => `${V1}/org-pairs/${id}/entries`,

  // 民主评议 (§二.1, §三.2): a branch's yearly campaign, a member's evidence sheet, self-assessment and secret ballots, the
  // secretary's comment and final grade, the results after it closes, and the questionnaire on the branch (the public too)
  meEvaluations: () => `${V1}/me/evaluations`,
  orgEvaluations: (orgId) => `${V1}/orgs/${orgId}/evaluations`,
  evaluation: (id) => `${V1}/evaluations/${id}`,
  evaluationEvidence: (id, personId) => `${V1}/evaluations/${id}/members/${personId}/evidence`,
  evaluationComment: (id, personId) => `${V1}/evaluations/${id}/members/${personId}/comment`,
  evaluationGrade: (id, personId) => `${V1}/evaluations/${id}/members/${personId}/grade`,
  evaluationSelfAssessment: (id) => `${V1}/evaluations/${id}/self-assessment`,
  evaluationBallots: (id) => `${V1}/evaluations/${id}/ballots`,
  evaluationResults: (id) => `${V1}/evaluations/${id}/results`,
  evaluationQuestionnaire: (id) => `${V1}/evaluations/${id}/questionnaire`,
  evaluationQuestionnaireResults: (id) => `${V1}/evaluations/${id}/questionnaire/results`,

  // 督查考评 (§三.3): what was published to my organisation, and the rectification tasks (整改) it must answer
  meInspectionResults: () => `${V1}/me/inspection-results`,
  orgRectifications: (orgId) => `${V1}/orgs/${orgId}/rectifications`,
  rectification: (id) => `${V1}/rectifications/${id}`,
  rectificationSteps: (id) => `${V1}/rectifications/${id}/steps`,

  // attachments: photos and documents kept as evidence of a duty entry or an activity (?owner_type=&owner_id=)
  attachments: () => `${V1}/attachments`,
  attachmentContent: (id) => `${V1}/attachments/${id}/content`,
  attachmentThumbnail: (id) => `${V1}/attachments/${id}/thumbnail`,

  // 扫码登录电脑端: a staff member confirms on the phone the code the console's sign-in page shows (POST, no body, 204)
  consoleSignInConfirm: (code) => `${V1}/console-sign-ins/${code}/confirm`,
}
