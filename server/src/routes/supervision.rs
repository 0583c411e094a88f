//! 督查: inspection rounds (scheduled or drawn), findings, rectification tasks, published
//! results in versions.
use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;
use tracing_actix_web::RequestId;

use crate::{
    auth::AuthUser,
    error::ErrorBody,
    pagination::{Page, PageQuery},
    supervision::{
        SupervisionError,
        inspections::{self, DrawCheck, Finding, FindingRequest, Round, RoundRequest},
        publications::{self, Publication, PublishRequest, PublishedRound},
        rectifications::{self, StepRequest, Task, TaskQuery},
    },
};

/// Plan an inspection round for an office (its supervisors and org admins; audited): a
/// scheduled round names its organisations, an unannounced one has them drawn from a subtree.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/inspection-rounds", tag = "supervision", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = RoundRequest, responses(
    (status = 201, body = Round),
    (status = 400, description = "supervision.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "supervision.not_found", body = ErrorBody)))]
pub async fn plan(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<RoundRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, SupervisionError> {
    let round = inspections::plan(
        db.get_ref(),
        user.into(),
        path.into_inner(),
        &body,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(HttpResponse::Created().json(round))
}

/// The rounds planned by an office and the offices under it (their inspectors), newest first.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/inspection-rounds", tag = "supervision", security(("bearer" = [])),
    params(("id" = i64, Path), PageQuery), responses(
    (status = 200, body = Page<Round>),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "supervision.not_found", body = ErrorBody)))]
pub async fn list(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<PageQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Page<Round>>, SupervisionError> {
    Ok(web::Json(
        inspections::list(
            db.get_ref(),
            user.into(),
            path.into_inner(),
            query.resolve(),
        )
        .await?,
    ))
}

/// One round with its organisations (and, drawn, their keys and the seed).
#[utoipa::path(get, path = "/api/v1/inspection-rounds/{id}", tag = "supervision", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = Round),
    (status = 404, description = "supervision.not_found", body = ErrorBody)))]
pub async fn one(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Round>, SupervisionError> {
    Ok(web::Json(
        inspections::one(db.get_ref(), user.into(), path.into_inner()).await?,
    ))
}

/// The draw redone from the stored seed: every branch's key and whether the stored targets
/// are still the lowest.
#[utoipa::path(get, path = "/api/v1/inspection-rounds/{id}/draw", tag = "supervision", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = DrawCheck),
    (status = 404, description = "supervision.not_found", body = ErrorBody),
    (status = 409, description = "supervision.wrong_state (a scheduled round)", body = ErrorBody)))]
pub async fn draw(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<DrawCheck>, SupervisionError> {
    Ok(web::Json(
        inspections::check_draw(db.get_ref(), user.into(), path.into_inner()).await?,
    ))
}

/// Record a finding at one of the round's organisations, optionally opening a rectification
/// task (an inspector over that organisation; audited).
#[utoipa::path(post, path = "/api/v1/inspection-rounds/{id}/findings", tag = "supervision", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = FindingRequest, responses(
    (status = 201, body = Finding),
    (status = 400, description = "supervision.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "supervision.not_found", body = ErrorBody)))]
pub async fn record_finding(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<FindingRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, SupervisionError> {
    let finding = inspections::record_finding(
        db.get_ref(),
        user.into(),
        path.into_inner(),
        &body,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(HttpResponse::Created().json(finding))
}

/// A round's findings.
#[utoipa::path(get, path = "/api/v1/inspection-rounds/{id}/findings", tag = "supervision", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = [Finding]),
    (status = 404, description = "supervision.not_found", body = ErrorBody)))]
pub async fn findings(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Finding>>, SupervisionError> {
    Ok(web::Json(
        inspections::findings(db.get_ref(), user.into(), path.into_inner()).await?,
    ))
}

/// Publish the round's results as its next version (a correction gives its reason; audited).
#[utoipa::path(post, path = "/api/v1/inspection-rounds/{id}/publications", tag = "supervision", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = PublishRequest, responses(
    (status = 201, body = Publication),
    (status = 400, description = "supervision.invalid_input", body = ErrorBody),
    (status = 404, description = "supervision.not_found", body = ErrorBody),
    (status = 409, description = "supervision.wrong_state (published meanwhile)", body = ErrorBody)))]
pub async fn publish(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<PublishRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, SupervisionError> {
    let publication = publications::publish(
        db.get_ref(),
        user.into(),
        path.into_inner(),
        &body,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(HttpResponse::Created().json(publication))
}

/// Every published version of a round, newest first (its inspectors).
#[utoipa::path(get, path = "/api/v1/inspection-rounds/{id}/publications", tag = "supervision", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = [Publication]),
    (status = 404, description = "supervision.not_found", body = ErrorBody)))]
pub async fn versions(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Publication>>, SupervisionError> {
    Ok(web::Json(
        publications::versions(db.get_ref(), user.into(), path.into_inner()).await?,
    ))
}

/// What has been published to an organisation (its members and staff who read it).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/inspection-results", tag = "supervision", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = [PublishedRound]),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn org_results(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<PublishedRound>>, SupervisionError> {
    Ok(web::Json(
        publications::for_org(db.get_ref(), user.into(), path.into_inner()).await?,
    ))
}

/// What has been published to my organisation.
#[utoipa::path(get, path = "/api/v1/me/inspection-results", tag = "supervision", security(("bearer" = [])),
    responses((status = 200, body = [PublishedRound]),
    (status = 403, description = "auth.forbidden (no longer an active member)", body = ErrorBody)))]
pub async fn my_results(
    user: AuthUser,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<PublishedRound>>, SupervisionError> {
    Ok(web::Json(
        publications::mine(db.get_ref(), user.into()).await?,
    ))
}

/// A subtree's rectification tasks, most urgent first; `overdue=true` for those past due.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/rectifications", tag = "supervision", security(("bearer" = [])),
    params(("id" = i64, Path), TaskQuery, PageQuery), responses(
    (status = 200, body = Page<Task>),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "supervision.not_found", body = ErrorBody)))]
pub async fn org_tasks(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<TaskQuery>,
    page: web::Query<PageQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Page<Task>>, SupervisionError> {
    Ok(web::Json(
        rectifications::of_org(
            db.get_ref(),
            user.into(),
            path.into_inner(),
            &query,
            page.resolve(),
        )
        .await?,
    ))
}

/// One rectification task.
#[utoipa::path(get, path = "/api/v1/rectifications/{id}", tag = "supervision", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = Task),
    (status = 404, description = "supervision.not_found", body = ErrorBody)))]
pub async fn task(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Task>, SupervisionError> {
    Ok(web::Json(
        rectifications::one(db.get_ref(), user.into(), path.into_inner()).await?,
    ))
}

/// Answer a task (the inspected organisation) or accept / return the answer (the inspectors).
#[utoipa::path(post, path = "/api/v1/rectifications/{id}/steps", tag = "supervision", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = StepRequest, responses(
    (status = 200, body = Task),
    (status = 400, description = "supervision.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "supervision.not_found", body = ErrorBody),
    (status = 409, description = "supervision.wrong_state", body = ErrorBody)))]
pub async fn task_step(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<StepRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<Task>, SupervisionError> {
    Ok(web::Json(
        rectifications::step(
            db.get_ref(),
            user.into(),
            path.into_inner(),
            &body,
            Some(request_id.to_string()),
        )
        .await?,
    ))
}
