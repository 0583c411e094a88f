//! Members' feedback on an activity (成效 and 吸引力): one answer each, aggregates for staff.
use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;

use crate::{
    auth::AuthUser,
    config::FeedbackSettings,
    error::ErrorBody,
    feedback::{self, FeedbackError, FeedbackRequest, FeedbackSummary, MyFeedback, ReceiptKey},
};

/// Rate an activity I attended, 1–5 with an optional comment: once, within
/// `feedback.window_days` of its end.
#[utoipa::path(post, path = "/api/v1/activities/{id}/feedback", tag = "feedback", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Activity id (the filed plan's id)")),
    request_body = FeedbackRequest, responses(
    (status = 201, body = feedback::Answer),
    (status = 400, description = "feedback.invalid_input", body = ErrorBody),
    (status = 403, description = "feedback.not_attended", body = ErrorBody),
    (status = 404, description = "feedback.not_found", body = ErrorBody),
    (status = 409, description = "feedback.already_given, feedback.closed", body = ErrorBody)))]
pub async fn give(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<FeedbackRequest>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<FeedbackSettings>,
    key: web::Data<ReceiptKey>,
) -> Result<HttpResponse, FeedbackError> {
    let answer = feedback::give(
        db.get_ref(),
        &settings,
        &key,
        user.into(),
        path.into_inner(),
        &body,
    )
    .await?;
    Ok(HttpResponse::Created().json(answer))
}

/// Whether I may still rate an activity, until when, and my own answer.
#[utoipa::path(get, path = "/api/v1/activities/{id}/feedback", tag = "feedback", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = MyFeedback),
    (status = 404, description = "feedback.not_found", body = ErrorBody)))]
pub async fn mine(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<FeedbackSettings>,
    key: web::Data<ReceiptKey>,
) -> Result<web::Json<MyFeedback>, FeedbackError> {
    Ok(web::Json(
        feedback::mine(
            db.get_ref(),
            &settings,
            &key,
            user.into(),
            path.into_inner(),
        )
        .await?,
    ))
}

/// The activity's feedback as aggregates (staff who read its organisation): the count, and
/// from `feedback.min_answers` answers on the distribution, average and unattributed comments.
#[utoipa::path(get, path = "/api/v1/activities/{id}/feedback/summary", tag = "feedback", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = FeedbackSummary),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "feedback.not_found", body = ErrorBody)))]
pub async fn summary(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<FeedbackSettings>,
) -> Result<web::Json<FeedbackSummary>, FeedbackError> {
    Ok(web::Json(
        feedback::summary(db.get_ref(), &settings, user.into(), path.into_inner()).await?,
    ))
}
