//! The monthly cycle (审核预告制度): yearly plans, monthly activity plans with their
//! expected participants, review and filing, and the preview due by the 10th.
use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use tracing_actix_web::RequestId;
use utoipa::IntoParams;

use crate::{
    auth::AuthUser,
    checkin::CheckinService,
    error::ErrorBody,
    plans::{
        self, PlanError,
        rules::{PlanPatch, PlanRequest},
        view::{
            MyPreviewResponse, ParticipantResponse, PlanResponse, PreviewStatus, ReviewRequest,
            YearlyPlanRequest, YearlyPlanResponse,
        },
    },
};

// ---- request and response bodies ----

#[derive(Deserialize, IntoParams)]
pub struct MonthQuery {
    /// YYYY-MM
    pub month: String,
}

// ---- handlers ----

/// Set the yearly plan (活动规划): a theme per month.
#[utoipa::path(put, path = "/api/v1/orgs/{id}/yearly-plans/{year}", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path), ("year" = i32, Path)), request_body = YearlyPlanRequest, responses(
    (status = 200, description = "Stored", body = YearlyPlanResponse),
    (status = 400, description = "plan.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn put_yearly_plan(
    user: AuthUser,
    path: web::Path<(i64, i32)>,
    body: web::Json<YearlyPlanRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<YearlyPlanResponse>, PlanError> {
    let (org_id, year) = path.into_inner();
    Ok(web::Json(
        plans::cycle::set_yearly_plan(
            &db,
            user.into(),
            org_id,
            year,
            &body,
            Some(request_id.to_string()),
        )
        .await?,
    ))
}

/// The yearly plan of an organisation.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/yearly-plans/{year}", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path), ("year" = i32, Path)), responses(
    (status = 200, description = "The themes (empty when none set)", body = YearlyPlanResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn get_yearly_plan(
    user: AuthUser,
    path: web::Path<(i64, i32)>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<YearlyPlanResponse>, PlanError> {
    let (org_id, year) = path.into_inner();
    Ok(web::Json(
        plans::cycle::yearly_plan(&db, user.into(), org_id, year).await?,
    ))
}

/// Draft the monthly activity plan of a branch; expected participants are snapshotted.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/plans", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = PlanRequest, responses(
    (status = 201, description = "Drafted", body = PlanResponse),
    (status = 400, description = "plan.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody),
    (status = 409, description = "plan.exists", body = ErrorBody),
    (status = 422, description = "calendar.year_missing", body = ErrorBody)))]
#[tracing::instrument(name = "Draft a plan", skip_all, fields(person_id = user.person_id))]
pub async fn create_plan(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<PlanRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, PlanError> {
    let plan =
        plans::cycle::create(&db, user.into(), *path, &body, Some(request_id.to_string())).await?;
    Ok(HttpResponse::Created().json(plan))
}

/// Draft a themed activity (集中主题活动) of a city, district or committee, joined by the
/// branches under it (all, or `branch_ids`), each at its own venue; then the same review,
/// preview and check-in as a branch's plan.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/themed-activities", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = plans::cycle::ThemedRequest, responses(
    (status = 201, description = "Drafted", body = PlanResponse),
    (status = 400, description = "plan.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody),
    (status = 409, description = "plan.exists", body = ErrorBody),
    (status = 422, description = "calendar.year_missing", body = ErrorBody)))]
pub async fn create_themed(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<plans::cycle::ThemedRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, PlanError> {
    let plan =
        plans::cycle::create_themed(&db, user.into(), *path, &body, Some(request_id.to_string()))
            .await?;
    Ok(HttpResponse::Created().json(plan))
}

#[derive(Deserialize, IntoParams)]
pub struct QuotaQuery {
    /// YYYY (default: this year)
    pub year: Option<i32>,
}

/// Themed activities held in a year by the organisation and every city, district and
/// committee under it, against the quota of 2.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/themed-activities", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path), QuotaQuery), responses(
    (status = 200, body = [plans::cycle::ThemedQuota]),
    (status = 400, description = "plan.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn themed_quota(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<QuotaQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<plans::cycle::ThemedQuota>>, PlanError> {
    Ok(web::Json(
        plans::cycle::themed_quota(&db, user.into(), *path, query.year).await?,
    ))
}

/// One plan with its history (the branch, and everyone who may read it in scope).
#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "The plan", body = PlanResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody)))]
pub async fn get_plan(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<PlanResponse>, PlanError> {
    Ok(web::Json(plans::cycle::get(&db, user.into(), *path).await?))
}

/// Edit a plan: fields left out keep their values (`null` clears a nullable one). Drafts
/// and returned plans change in place; a filed plan becomes a new version that needs review
/// again. A plan under review cannot change. PUT and PATCH are the same.
#[utoipa::path(patch, path = "/api/v1/plans/{id}", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = PlanPatch, responses(
    (status = 200, description = "Edited", body = PlanResponse),
    (status = 400, description = "plan.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state", body = ErrorBody),
    (status = 422, description = "calendar.year_missing (the plan's year)", body = ErrorBody)))]
pub async fn patch_plan(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<PlanPatch>,
    db: web::Data<DatabaseConnection>,
    checkin: web::Data<CheckinService>,
    request_id: RequestId,
) -> Result<web::Json<PlanResponse>, PlanError> {
    update_plan(user, path, body, db, checkin, request_id).await
}

/// Edit a plan: fields left out keep their values (`null` clears a nullable one). Drafts
/// and returned plans change in place; a filed plan becomes a new version that needs review
/// again. A plan under review cannot change.
#[utoipa::path(put, path = "/api/v1/plans/{id}", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = PlanPatch, responses(
    (status = 200, description = "Edited", body = PlanResponse),
    (status = 400, description = "plan.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state", body = ErrorBody),
    (status = 422, description = "calendar.year_missing (the plan's year)", body = ErrorBody)))]
#[tracing::instrument(name = "Edit a plan", skip_all, fields(person_id = user.person_id))]
pub async fn update_plan(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<PlanPatch>,
    db: web::Data<DatabaseConnection>,
    checkin: web::Data<CheckinService>,
    request_id: RequestId,
) -> Result<web::Json<PlanResponse>, PlanError> {
    let plan = plans::cycle::edit(
        &db,
        &checkin.facts,
        user.into(),
        *path,
        body.into_inner(),
        Some(request_id.to_string()),
    )
    .await?;
    Ok(web::Json(plan))
}

/// Submit for review (draft or returned → submitted).
#[utoipa::path(post, path = "/api/v1/plans/{id}/submit", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "Submitted", body = PlanResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state", body = ErrorBody)))]
pub async fn submit_plan(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<PlanResponse>, PlanError> {
    Ok(web::Json(
        plans::cycle::submit(&db, user.into(), *path, Some(request_id.to_string())).await?,
    ))
}

/// Approve (reviewers and admins above the branch): the plan is filed with the county-level
/// organisation department at once.
#[utoipa::path(post, path = "/api/v1/plans/{id}/approve", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ReviewRequest, responses(
    (status = 200, description = "Approved and filed", body = PlanResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state", body = ErrorBody)))]
pub async fn approve_plan(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<ReviewRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<PlanResponse>, PlanError> {
    Ok(web::Json(
        plans::cycle::approve(&db, user.into(), *path, &body, Some(request_id.to_string())).await?,
    ))
}

/// Return to the branch with a comment (reviewers and admins above the branch).
#[utoipa::path(post, path = "/api/v1/plans/{id}/return", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ReviewRequest, responses(
    (status = 200, description = "Returned", body = PlanResponse),
    (status = 400, description = "plan.invalid_input (a comment is required)", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state", body = ErrorBody)))]
pub async fn return_plan(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<ReviewRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<PlanResponse>, PlanError> {
    Ok(web::Json(
        plans::cycle::return_to_branch(
            &db,
            user.into(),
            *path,
            &body,
            Some(request_id.to_string()),
        )
        .await?,
    ))
}

/// Re-snapshot the expected participants from the roster (until the activity day).
#[utoipa::path(post, path = "/api/v1/plans/{id}/participants/refresh", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "Refreshed", body = [ParticipantResponse]),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state (the day has passed)", body = ErrorBody)))]
pub async fn refresh_participants(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    checkin: web::Data<CheckinService>,
    request_id: RequestId,
) -> Result<web::Json<Vec<ParticipantResponse>>, PlanError> {
    let list = plans::cycle::refresh_participants(
        &db,
        &checkin.facts,
        user.into(),
        *path,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(web::Json(list))
}

/// Make the plan a joint activity with a paired branch (结对共建) before it is submitted, or
/// `{"org_id": null}` to hold it alone: the co-organiser's members are expected too, and
/// each side's attendance counts in its own rate and ledger.
#[utoipa::path(put, path = "/api/v1/plans/{id}/co-organiser", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = plans::cycle::CoOrganiserRequest, responses(
    (status = 200, body = PlanResponse),
    (status = 400, description = "plan.invalid_input (not paired on that day)", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found, org.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state (submitted or filed)", body = ErrorBody)))]
pub async fn set_co_organiser(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<plans::cycle::CoOrganiserRequest>,
    db: web::Data<DatabaseConnection>,
    checkin: web::Data<CheckinService>,
    request_id: RequestId,
) -> Result<web::Json<PlanResponse>, PlanError> {
    let plan = plans::cycle::set_co_organiser(
        &db,
        &checkin.facts,
        user.into(),
        *path,
        &body,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(web::Json(plan))
}

/// The expected participants of a plan.
#[utoipa::path(get, path = "/api/v1/plans/{id}/participants", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "Expected participants", body = [ParticipantResponse]),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody)))]
pub async fn list_participants(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<ParticipantResponse>>, PlanError> {
    Ok(web::Json(
        plans::cycle::participants_of(&db, user.into(), *path).await?,
    ))
}

/// Publish the preview (预告) of a filed plan. Due by the 10th of the month, Asia/Shanghai;
/// a later publication is recorded as late.
#[utoipa::path(post, path = "/api/v1/plans/{id}/publish", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "Published", body = PlanResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state (not filed yet)", body = ErrorBody)))]
pub async fn publish_preview(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    cache: web::Data<crate::cache::Cache>,
    wechat: web::Data<crate::config::WechatSettings>,
    wake: web::Data<tokio::sync::Notify>,
    request_id: RequestId,
) -> Result<web::Json<PlanResponse>, PlanError> {
    let plan = plans::cycle::publish_preview(
        &db,
        &cache,
        &wake,
        &wechat,
        user.into(),
        *path,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(web::Json(plan))
}

/// Plans of the branches under an organisation for one month (reviewers see what waits).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/plans", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path), MonthQuery), responses(
    (status = 200, description = "Plans in the subtree", body = [PlanResponse]),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn list_plans(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<MonthQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<PlanResponse>>, PlanError> {
    Ok(web::Json(
        plans::cycle::list(&db, user.into(), *path, &query.month).await?,
    ))
}

/// For superiors and supervisors: every branch under an organisation with its preview for
/// the month, flagging late (after the 10th) and missing ones.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/previews", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path), MonthQuery), responses(
    (status = 200, description = "One row per branch", body = [PreviewStatus]),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn preview_status(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<MonthQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<PreviewStatus>>, PlanError> {
    Ok(web::Json(
        plans::cycle::preview_status(&db, user.into(), *path, &query.month).await?,
    ))
}

/// For members: this month's activity day and my branch's published preview.
#[utoipa::path(get, path = "/api/v1/me/preview", tag = "plans", security(("bearer" = [])),
    params(MonthQuery), responses(
    (status = 200, description = "The activity day and, once published, the preview", body = MyPreviewResponse),
    (status = 400, description = "plan.invalid_input", body = ErrorBody),
    (status = 401, description = "auth.token_missing, auth.token_invalid, auth.token_expired", body = ErrorBody),
    (status = 422, description = "calendar.year_missing", body = ErrorBody)))]
pub async fn my_preview(
    user: AuthUser,
    query: web::Query<MonthQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<MyPreviewResponse>, PlanError> {
    Ok(web::Json(
        plans::cycle::my_preview(&db, user.into(), &query.month).await?,
    ))
}
