//! The yearly assessment (rubric, scores with their lines, rankings) and the dashboards of
//! each level, with the live board of the 20th.
use std::time::Duration;

use actix_web::{HttpResponse, http::header, web};
use sea_orm::DatabaseConnection;
use tracing_actix_web::RequestId;

use crate::{
    assessment::{
        AssessmentError,
        compute::{self, Rankings, Score, YearQuery},
        dashboard::{self, Dashboard, LiveBoard, PeriodQuery},
        rubric::{self, Rubric, RubricRequest},
    },
    auth::AuthUser,
    checkin::CheckinService,
    config::{DutySettings, FeedbackSettings},
    error::ErrorBody,
};

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct VersionQuery {
    /// A version; the latest without one.
    pub version: Option<i32>,
}

/// The city's rubric (the latest version, or the one asked for).
#[utoipa::path(get, path = "/api/v1/assessment/rubric", tag = "assessment", security(("bearer" = [])),
    params(VersionQuery), responses(
    (status = 200, body = Rubric),
    (status = 404, description = "assessment.not_found", body = ErrorBody)))]
pub async fn get_rubric(
    _user: AuthUser,
    query: web::Query<VersionQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Rubric>, AssessmentError> {
    Ok(web::Json(rubric::one(db.get_ref(), query.version).await?))
}

/// Set a new version of the rubric (org admins of the city; audited): every line once, weights
/// summing to 100.
#[utoipa::path(post, path = "/api/v1/assessment/rubric", tag = "assessment", security(("bearer" = [])),
    request_body = RubricRequest, responses(
    (status = 201, body = Rubric),
    (status = 400, description = "assessment.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn set_rubric(
    user: AuthUser,
    body: web::Json<RubricRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, AssessmentError> {
    let rubric = rubric::set(
        db.get_ref(),
        user.into(),
        &body,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(HttpResponse::Created().json(rubric))
}

/// An organisation's score of a year with each line's value, points and records.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/assessment", tag = "assessment", security(("bearer" = [])),
    params(("id" = i64, Path), YearQuery), responses(
    (status = 200, body = Score),
    (status = 400, description = "assessment.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "assessment.not_found", body = ErrorBody),
    (status = 422, description = "assessment.no_data", body = ErrorBody)))]
pub async fn score(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<YearQuery>,
    db: web::Data<DatabaseConnection>,
    duties: web::Data<DutySettings>,
    feedback: web::Data<FeedbackSettings>,
) -> Result<web::Json<Score>, AssessmentError> {
    Ok(web::Json(
        compute::of_org(
            db.get_ref(),
            &duties,
            &feedback,
            user.into(),
            path.into_inner(),
            query.year,
        )
        .await?,
    ))
}

/// Recompute a subtree's scores now (supervisors, org admins); answers the organisation's own.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/assessment/compute", tag = "assessment", security(("bearer" = [])),
    params(("id" = i64, Path), YearQuery), responses(
    (status = 200, body = Score),
    (status = 400, description = "assessment.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "assessment.not_found", body = ErrorBody),
    (status = 422, description = "assessment.no_data", body = ErrorBody)))]
pub async fn recompute(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<YearQuery>,
    db: web::Data<DatabaseConnection>,
    duties: web::Data<DutySettings>,
    feedback: web::Data<FeedbackSettings>,
) -> Result<web::Json<Score>, AssessmentError> {
    Ok(web::Json(
        compute::recompute(
            db.get_ref(),
            &duties,
            &feedback,
            user.into(),
            path.into_inner(),
            query.year,
        )
        .await?,
    ))
}

/// The organisations directly below, ranked by their score (`format=xlsx` for a workbook).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/assessment/rankings", tag = "assessment", security(("bearer" = [])),
    params(("id" = i64, Path), YearQuery), responses(
    (status = 200, body = Rankings),
    (status = 400, description = "assessment.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "assessment.not_found", body = ErrorBody)))]
pub async fn rankings(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<YearQuery>,
    db: web::Data<DatabaseConnection>,
    duties: web::Data<DutySettings>,
    feedback: web::Data<FeedbackSettings>,
) -> Result<HttpResponse, AssessmentError> {
    let xlsx = match query.format.as_deref() {
        None | Some("json") => false,
        Some("xlsx") => true,
        Some(_) => return Err(crate::assessment::error::invalid("format is json or xlsx")),
    };
    let org_id = path.into_inner();
    let list = compute::rankings(
        db.get_ref(),
        &duties,
        &feedback,
        user.into(),
        org_id,
        query.year,
    )
    .await?;
    if !xlsx {
        return Ok(HttpResponse::Ok().json(list));
    }
    let bytes = compute::workbook(&list)?;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"assessment-{org_id}-{}.xlsx\"",
                list.year
            ),
        ))
        .body(bytes))
}

/// A subtree's dashboard for a month (`month=YYYY-MM`, the default this month) or a year.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/dashboard", tag = "assessment", security(("bearer" = [])),
    params(("id" = i64, Path), PeriodQuery), responses(
    (status = 200, body = Dashboard),
    (status = 400, description = "assessment.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "assessment.not_found", body = ErrorBody)))]
pub async fn org_dashboard(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<PeriodQuery>,
    db: web::Data<DatabaseConnection>,
    duties: web::Data<DutySettings>,
) -> Result<web::Json<Dashboard>, AssessmentError> {
    Ok(web::Json(
        dashboard::dashboard(
            db.get_ref(),
            &duties,
            user.into(),
            path.into_inner(),
            &query,
        )
        .await?,
    ))
}

/// Today's check-ins of a subtree per organisation directly below, from the live counters.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/live-board", tag = "assessment", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = LiveBoard),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "assessment.not_found", body = ErrorBody)))]
pub async fn live_board(
    user: AuthUser,
    path: web::Path<i64>,
    service: web::Data<CheckinService>,
) -> Result<web::Json<LiveBoard>, AssessmentError> {
    let org_id = path.into_inner();
    dashboard::may_watch(&service.db, user.into(), org_id).await?;
    Ok(web::Json(
        dashboard::live_board(&service.db, &service.facts, &service.live, org_id).await?,
    ))
}

/// The board as server-sent events: a snapshot at once, then each change within half a second.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/live-board/events", tag = "assessment", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "text/event-stream of LiveBoard", content_type = "text/event-stream", body = super::openapi::ServerSentEvent),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "assessment.not_found", body = ErrorBody)))]
pub async fn live_board_events(
    user: AuthUser,
    path: web::Path<i64>,
    service: web::Data<CheckinService>,
) -> Result<HttpResponse, AssessmentError> {
    let org_id = path.into_inner();
    dashboard::may_watch(&service.db, user.into(), org_id).await?;
    Ok(board_events(service, org_id))
}

/// The board of `org_id` as server-sent events (the API's and the console's): a snapshot at
/// once, then each change within half a second (it is read from the live counters, which
/// every instance shares), and a comment every 15 s so idle proxies keep the stream open.
/// The caller checked `dashboard::may_watch`.
pub(crate) fn board_events(service: web::Data<CheckinService>, org_id: i64) -> HttpResponse {
    const EVERY: Duration = Duration::from_millis(500);
    const KEEP_ALIVE: Duration = Duration::from_secs(15);
    let first = (service, None::<String>);
    let stream = futures_util::stream::unfold(first, move |(service, last)| async move {
        let quiet_since = std::time::Instant::now();
        loop {
            if last.is_some() {
                tokio::time::sleep(EVERY).await;
            }
            let board =
                dashboard::live_board(&service.db, &service.facts, &service.live, org_id).await;
            // `at` moves every read; a change is a change of the counts.
            let (event, counts) = match board {
                Ok(board) => (
                    serde_json::to_string(&board).unwrap_or_default(),
                    serde_json::to_string(&(&board.total, &board.rows)).unwrap_or_default(),
                ),
                Err(err) => {
                    tracing::warn!(error = %err, "live board update failed");
                    tokio::time::sleep(EVERY).await;
                    return Some((
                        Ok(web::Bytes::from_static(b": retrying\n\n")),
                        (service, last),
                    ));
                }
            };
            if last.as_deref() != Some(counts.as_str()) {
                let bytes = web::Bytes::from(format!("data: {event}\n\n"));
                return Some((Ok::<_, actix_web::Error>(bytes), (service, Some(counts))));
            }
            if quiet_since.elapsed() >= KEEP_ALIVE {
                return Some((
                    Ok(web::Bytes::from_static(b": unchanged\n\n")),
                    (service, last),
                ));
            }
        }
    });
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(stream)
}
