//! The yearly democratic evaluation of members (民主评议党员): campaigns, self-assessments,
//! secret ballots, the secretary's comments, results after closing, final grades.
use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;
use tracing_actix_web::RequestId;

use crate::{
    auth::{AnyRequester, AuthUser},
    cache::Cache,
    config::DutySettings,
    error::ErrorBody,
    evaluation::{
        self, BallotRequest, Campaign, CampaignRequest, CampaignSummary, EvaluationError,
        EvidenceSheet, GradeRequest, MemberResult, TextRequest,
        org_questionnaire::{self, Answers, Questionnaire, QuestionnaireQr, RespondentResult},
    },
};

/// Open a branch's evaluation of a year for a period (its organisers; audited).
#[utoipa::path(post, path = "/api/v1/orgs/{id}/evaluations", tag = "evaluation", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = CampaignRequest, responses(
    (status = 201, body = Campaign),
    (status = 400, description = "evaluation.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "evaluation.not_found", body = ErrorBody),
    (status = 409, description = "evaluation.wrong_state (already open)", body = ErrorBody)))]
pub async fn open(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<CampaignRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, EvaluationError> {
    let campaign = evaluation::open(
        db.get_ref(),
        user.into(),
        path.into_inner(),
        &body,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(HttpResponse::Created().json(campaign))
}

/// A campaign: its period, the members and which of them I have rated.
#[utoipa::path(get, path = "/api/v1/evaluations/{id}", tag = "evaluation", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = Campaign),
    (status = 404, description = "evaluation.not_found", body = ErrorBody)))]
pub async fn get(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Campaign>, EvaluationError> {
    Ok(web::Json(
        evaluation::one(db.get_ref(), user.into(), path.into_inner()).await?,
    ))
}

/// My self-assessment (自评), while the campaign is open.
#[utoipa::path(put, path = "/api/v1/evaluations/{id}/self-assessment", tag = "evaluation", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = TextRequest, responses(
    (status = 204, description = "Saved"),
    (status = 400, description = "evaluation.invalid_input", body = ErrorBody),
    (status = 403, description = "evaluation.not_a_member", body = ErrorBody),
    (status = 404, description = "evaluation.not_found", body = ErrorBody),
    (status = 409, description = "evaluation.wrong_state (not open)", body = ErrorBody)))]
pub async fn self_assess(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<TextRequest>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, EvaluationError> {
    evaluation::self_assess(db.get_ref(), user.into(), path.into_inner(), &body).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A secret ballot on another member of my branch (互评), once, while the campaign is open.
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/ballots", tag = "evaluation", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = BallotRequest, responses(
    (status = 204, description = "Cast"),
    (status = 400, description = "evaluation.invalid_input", body = ErrorBody),
    (status = 403, description = "evaluation.not_a_member", body = ErrorBody),
    (status = 404, description = "evaluation.not_found", body = ErrorBody),
    (status = 409, description = "evaluation.already_voted, evaluation.wrong_state", body = ErrorBody)))]
pub async fn vote(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<BallotRequest>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, EvaluationError> {
    evaluation::vote(db.get_ref(), user.into(), path.into_inner(), &body).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The secretary's comment on a member (逐一点评).
#[utoipa::path(put, path = "/api/v1/evaluations/{id}/members/{person_id}/comment", tag = "evaluation", security(("bearer" = [])),
    params(("id" = i64, Path), ("person_id" = i64, Path)), request_body = TextRequest, responses(
    (status = 204, description = "Saved"),
    (status = 400, description = "evaluation.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "evaluation.not_found", body = ErrorBody),
    (status = 409, description = "evaluation.wrong_state", body = ErrorBody)))]
pub async fn comment(
    user: AuthUser,
    path: web::Path<(i64, i64)>,
    body: web::Json<TextRequest>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, EvaluationError> {
    let (id, person) = path.into_inner();
    evaluation::comment(db.get_ref(), user.into(), id, person, &body).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The branch meeting's final grade of a member, after the campaign closed (audited).
#[utoipa::path(put, path = "/api/v1/evaluations/{id}/members/{person_id}/grade", tag = "evaluation", security(("bearer" = [])),
    params(("id" = i64, Path), ("person_id" = i64, Path)), request_body = GradeRequest, responses(
    (status = 204, description = "Recorded"),
    (status = 400, description = "evaluation.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "evaluation.not_found", body = ErrorBody),
    (status = 409, description = "evaluation.wrong_state (not closed)", body = ErrorBody)))]
pub async fn decide(
    user: AuthUser,
    path: web::Path<(i64, i64)>,
    body: web::Json<GradeRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, EvaluationError> {
    let (id, person) = path.into_inner();
    evaluation::decide(
        db.get_ref(),
        user.into(),
        id,
        person,
        &body,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The results after the campaign closed (staff: everyone; a member: their own); counts per
/// grade only from five ballots on.
#[utoipa::path(get, path = "/api/v1/evaluations/{id}/results", tag = "evaluation", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = [MemberResult]),
    (status = 404, description = "evaluation.not_found", body = ErrorBody),
    (status = 409, description = "evaluation.wrong_state (not closed yet)", body = ErrorBody)))]
pub async fn results(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<MemberResult>>, EvaluationError> {
    Ok(web::Json(
        evaluation::results(db.get_ref(), user.into(), path.into_inner()).await?,
    ))
}

/// A member's evidence sheet for the campaign's year (the member; staff who read the branch).
#[utoipa::path(get, path = "/api/v1/evaluations/{id}/members/{person_id}/evidence", tag = "evaluation", security(("bearer" = [])),
    params(("id" = i64, Path), ("person_id" = i64, Path)), responses(
    (status = 200, body = EvidenceSheet),
    (status = 404, description = "evaluation.not_found", body = ErrorBody)))]
pub async fn evidence(
    user: AuthUser,
    path: web::Path<(i64, i64)>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<DutySettings>,
    receipts: web::Data<crate::feedback::ReceiptKey>,
) -> Result<web::Json<EvidenceSheet>, EvaluationError> {
    let (id, person) = path.into_inner();
    Ok(web::Json(
        evaluation::evidence(db.get_ref(), &settings, &receipts, user.into(), id, person).await?,
    ))
}

/// The questionnaire on the branch (党员和群众评议党组织): anyone with the link. The bearer is
/// a person's access token or, for the public, the `visitor_token` that `POST /api/v1/auth/wechat`
/// answers an unbound WeChat identity with.
#[utoipa::path(get, path = "/api/v1/evaluations/{id}/questionnaire", tag = "evaluation", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = Questionnaire),
    (status = 404, description = "evaluation.not_found", body = ErrorBody)))]
pub async fn questionnaire(
    who: AnyRequester,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Questionnaire>, EvaluationError> {
    Ok(web::Json(
        org_questionnaire::questionnaire(db.get_ref(), &who.0, path.into_inner()).await?,
    ))
}

/// Answer the questionnaire once (a member of the branch counts as a member, anyone else as
/// the public); a person's access token or a visitor token, and a visitor's attempts are
/// limited per hour.
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/questionnaire", tag = "evaluation", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = Answers, responses(
    (status = 204, description = "Counted"),
    (status = 400, description = "evaluation.invalid_input", body = ErrorBody),
    (status = 404, description = "evaluation.not_found", body = ErrorBody),
    (status = 409, description = "evaluation.wrong_state (not open) | evaluation.already_voted", body = ErrorBody),
    (status = 429, description = "evaluation.too_many_requests", body = ErrorBody),
    (status = 503, description = "evaluation.temporarily_unavailable", body = ErrorBody)))]
pub async fn answer_questionnaire(
    who: AnyRequester,
    path: web::Path<i64>,
    body: web::Json<Answers>,
    db: web::Data<DatabaseConnection>,
    cache: web::Data<Cache>,
) -> Result<HttpResponse, EvaluationError> {
    org_questionnaire::answer(db.get_ref(), &cache, &who.0, path.into_inner(), &body).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The questionnaire's counts per audience after the campaign closed (from five answers on).
#[utoipa::path(get, path = "/api/v1/evaluations/{id}/questionnaire/results", tag = "evaluation", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = [RespondentResult]),
    (status = 404, description = "evaluation.not_found", body = ErrorBody),
    (status = 409, description = "evaluation.wrong_state (not closed yet)", body = ErrorBody)))]
pub async fn questionnaire_results(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<RespondentResult>>, EvaluationError> {
    Ok(web::Json(
        org_questionnaire::results(db.get_ref(), user.into(), path.into_inner()).await?,
    ))
}

/// My branch's evaluations, newest first.
#[utoipa::path(get, path = "/api/v1/me/evaluations", tag = "evaluation", security(("bearer" = [])),
    responses((status = 200, body = [CampaignSummary])))]
pub async fn mine(
    user: AuthUser,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<CampaignSummary>>, EvaluationError> {
    Ok(web::Json(
        evaluation::mine(db.get_ref(), user.into()).await?,
    ))
}

/// A branch's evaluations (staff who read it), newest first.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/evaluations", tag = "evaluation", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = [CampaignSummary]),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn of_org(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<CampaignSummary>>, EvaluationError> {
    Ok(web::Json(
        evaluation::of_org(db.get_ref(), user.into(), path.into_inner()).await?,
    ))
}

/// The questionnaire's QR code for the public (the branch's staff): its link and a PNG.
#[utoipa::path(get, path = "/api/v1/evaluations/{id}/questionnaire/qr", tag = "evaluation", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = QuestionnaireQr),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "evaluation.not_found", body = ErrorBody)))]
pub async fn questionnaire_qr(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    checkin: web::Data<crate::config::CheckinSettings>,
) -> Result<web::Json<QuestionnaireQr>, EvaluationError> {
    Ok(web::Json(
        org_questionnaire::qr(
            db.get_ref(),
            user.into(),
            path.into_inner(),
            &checkin.qr_base_url,
        )
        .await?,
    ))
}
