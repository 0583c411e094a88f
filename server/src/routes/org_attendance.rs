//! Attendance across an organisation's subtree for a month or a year, and the ledger of the
//! period as a spreadsheet (`checkin::org_report`).
use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;

use super::download::{Format, download};
use crate::{
    auth::AuthUser,
    checkin::{
        AttendanceError,
        org_report::{self, OrgAttendanceResponse, PeriodQuery},
    },
    error::ErrorBody,
};

/// Participation per activity and per organisation of a subtree for a month or a year;
/// those under 80 % are flagged.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/attendance", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path), PeriodQuery), responses(
    (status = 200, body = OrgAttendanceResponse),
    (status = 400, description = "checkin.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn org_attendance(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<PeriodQuery>,
    db: web::Data<DatabaseConnection>,
    feedback_settings: web::Data<crate::config::FeedbackSettings>,
) -> Result<web::Json<OrgAttendanceResponse>, AttendanceError> {
    Ok(web::Json(
        org_report::summary(
            &db,
            user.into(),
            path.into_inner(),
            &query,
            feedback_settings.min_answers,
        )
        .await?,
    ))
}

/// The ledger (台账) of an organisation's subtree for a month or a year, as CSV or XLSX.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/ledger", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path), PeriodQuery), responses(
    (status = 200, description = "A CSV or XLSX file"),
    (status = 400, description = "checkin.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn org_ledger(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<PeriodQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, AttendanceError> {
    let file = org_report::ledger_file(&db, user.into(), path.into_inner(), &query).await?;
    let format = if file.xlsx { Format::Xlsx } else { Format::Csv };
    Ok(download(file.bytes, &format, &file.name))
}
