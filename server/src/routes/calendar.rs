//! The activity-day calendar: each month's 20th, moved by the official holiday calendar.
use actix_web::web;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use crate::calendar_store::{CalendarResponse, CalendarRouteError};
use crate::{auth::AuthUser, calendar::YearCalendar, calendar_store, error::ErrorBody};

#[derive(Deserialize, IntoParams)]
pub struct CalendarQuery {
    /// next_working_day (default) or statutory_only
    pub policy: Option<String>,
    /// Use this organisation's policy instead.
    pub org: Option<i64>,
}

/// Every month's activity day and preview deadline (the 10th) for a year. Public.
#[utoipa::path(get, path = "/api/v1/calendar/{year}", tag = "calendar",
    params(("year" = i32, Path), CalendarQuery), responses(
    (status = 200, description = "Twelve months", body = CalendarResponse),
    (status = 400, description = "calendar.invalid_input", body = ErrorBody),
    (status = 404, description = "calendar.year_missing (no official data for the year), org.not_found", body = ErrorBody)))]
pub async fn get_calendar(
    path: web::Path<i32>,
    query: web::Query<CalendarQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<CalendarResponse>, CalendarRouteError> {
    Ok(web::Json(
        calendar_store::activity_year(db.get_ref(), *path, query.policy.as_deref(), query.org)
            .await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct LoadYearResponse {
    pub year: i32,
    pub holidays: usize,
    pub workdays: usize,
}

/// Load (or replace) one year's official arrangement, e.g. when the State Council publishes
/// next year's notice. Body: `{"holidays": [["YYYY-MM-DD", "名称"], …], "workdays": [[…], …]}`.
#[utoipa::path(put, path = "/api/v1/calendar/{year}", tag = "calendar", security(("bearer" = [])),
    params(("year" = i32, Path)), request_body = serde_json::Value, responses(
    (status = 200, description = "Stored; replaces the year atomically", body = LoadYearResponse),
    (status = 400, description = "calendar.invalid_input (every check of the arrangement)", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
#[tracing::instrument(name = "Load a calendar year", skip_all, fields(person_id = user.person_id))]
pub async fn load_year(
    user: AuthUser,
    path: web::Path<i32>,
    body: web::Json<serde_json::Value>,
    db: web::Data<DatabaseConnection>,
    request_id: tracing_actix_web::RequestId,
) -> Result<web::Json<LoadYearResponse>, CalendarRouteError> {
    let year = crate::domain::dates::check_year(*path).map_err(CalendarRouteError::InvalidInput)?;
    let arrangement = YearCalendar::parse(year, &body).map_err(CalendarRouteError::InvalidInput)?;
    let loaded = calendar_store::load_year(
        db.get_ref(),
        user.into(),
        &arrangement,
        Some(request_id.to_string()),
    )
    .await?;
    if !loaded {
        return Err(CalendarRouteError::Forbidden);
    }
    tracing::info!(year, "calendar year loaded");
    Ok(web::Json(LoadYearResponse {
        year,
        holidays: arrangement.holidays().count(),
        workdays: arrangement.workdays().count(),
    }))
}
