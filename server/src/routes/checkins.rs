//! A member's side of check-in: scanning, the card code, my activities, my attendance,
//! leave requests; and a committee's exemptions.
use actix_web::web;
use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{DateTime, Datelike, FixedOffset};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use tracing_actix_web::RequestId;
use utoipa::{IntoParams, ToSchema};

use crate::qr::qr_png;
use crate::{
    auth::AuthUser,
    authz::{self, READ_DIRECTORY},
    checkin::mine::{self, MyActivity},
    checkin::{
        AttendanceError, CheckinService,
        attendance::{self, PersonYear},
        decision::{Attendance, Outcome},
        error::invalid,
        leave::{self, Exemption, Leave},
        live::LiveCounts,
        service::{ActivityRef, Answer, Scan},
    },
    clock,
    entities::person,
    error::ErrorBody,
};

#[derive(Deserialize, ToSchema)]
pub struct LocationBody {
    pub latitude: f64,
    pub longitude: f64,
    // Phones also send `accuracy_m`; it is accepted and not kept (the radius already allows
    // for a phone's usual error).
}

#[derive(Deserialize, ToSchema)]
pub struct CheckinRequest {
    /// The activity code from the venue QR (`/c/{code}`).
    pub activity_code: String,
    /// The `t` parameter of the venue QR.
    pub token: String,
    /// Made by the phone once per scan and sent again on every retry of that scan.
    pub nonce: String,
    /// Only for scans queued offline: when the phone says it scanned (a hint; the token's
    /// own window is the proof).
    pub scanned_at: Option<String>,
    /// When the mini-program was opened by scanning the venue QR with the phone's camera:
    /// the `scancode_time` WeChat passed (unix seconds). The scan is judged at that moment.
    pub scancode_time: Option<i64>,
    /// The phone's position in GCJ-02 (what `wx.getLocation({type: 'gcj02'})` gives).
    pub location: Option<LocationBody>,
}

#[derive(Serialize, ToSchema)]
pub struct CheckinResponse {
    pub result: Outcome,
    /// True when the person's presence is on record (ok, already_checked_in, not_expected
    /// as a guest, exempt).
    pub accepted: bool,
    pub message: String,
    pub checkin_id: Option<i64>,
    /// For already_checked_in: the first check-in's time.
    pub checked_in_at: Option<DateTime<FixedOffset>>,
    pub attendance: Option<Attendance>,
    pub late_sync: bool,
    pub location_far: bool,
    pub activity: Option<ActivityRef>,
    pub live: Option<LiveCounts>,
}

pub fn answer_response(answer: Answer) -> CheckinResponse {
    let message = match (answer.outcome, answer.checked_in_at) {
        (Outcome::AlreadyCheckedIn, Some(at)) => format!(
            "您已于 {} 签到，无需重复签到",
            at.with_timezone(&clock::shanghai()).format("%H:%M:%S")
        ),
        (outcome, _) => outcome.message().to_owned(),
    };
    CheckinResponse {
        result: answer.outcome,
        accepted: answer.outcome.accepted(),
        message,
        checkin_id: answer.checkin_id,
        checked_in_at: answer
            .checked_in_at
            .map(|t| t.with_timezone(&clock::shanghai())),
        attendance: answer.attendance,
        late_sync: answer.late_sync,
        location_far: answer.location_far,
        activity: answer.activity,
        live: answer.live,
    }
}

/// Check in by the venue QR. Every decision is a 200 with a `result` code (refusals are
/// stored for supervisors); a retry with the same nonce gets the same answer.
#[utoipa::path(post, path = "/api/v1/checkins", tag = "checkin", security(("bearer" = [])),
    request_body = CheckinRequest, responses(
    (status = 200, description = "result: ok, already_checked_in, invalid_token, window_expired, not_open_yet, closed, not_expected, exempt, cancelled, location_far, location_missing, offline_refused", body = CheckinResponse),
    (status = 400, description = "checkin.invalid_input, request.invalid_body", body = ErrorBody),
    (status = 401, description = "auth.token_missing, auth.token_invalid, auth.token_expired", body = ErrorBody),
    (status = 503, description = "checkin.unavailable: not stored; retry with the same nonce", body = ErrorBody)))]
pub async fn check_in(
    user: AuthUser,
    body: web::Json<CheckinRequest>,
    service: web::Data<CheckinService>,
) -> Result<web::Json<CheckinResponse>, AttendanceError> {
    let scan = Scan::new(
        &body.activity_code,
        &body.token,
        &body.nonce,
        body.scanned_at.as_deref(),
        body.location.as_ref().map(|l| (l.latitude, l.longitude)),
    )?
    .with_scancode_time(body.scancode_time)?;
    let answer = crate::scan::check_in(&service, user.person_id, scan).await?;
    crate::metrics::count_checkin(answer.outcome.as_str());
    Ok(web::Json(answer_response(answer)))
}

#[derive(Deserialize, ToSchema)]
pub struct ReasonRequest {
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct CardResponse {
    /// Signed, static; an organiser scans it to check in someone without a phone.
    pub code: String,
    pub png_base64: String,
}

/// My card code for organiser check-in.
#[utoipa::path(get, path = "/api/v1/me/card", tag = "checkin", security(("bearer" = [])),
    responses((status = 200, body = CardResponse),
    (status = 401, description = "auth.token_missing, auth.token_invalid, auth.token_expired", body = ErrorBody)))]
pub async fn my_card(
    user: AuthUser,
    service: web::Data<CheckinService>,
) -> Result<web::Json<CardResponse>, AttendanceError> {
    let code = service.signer.card_code(user.person_id);
    Ok(web::Json(CardResponse {
        png_base64: STANDARD.encode(qr_png(&code)?),
        code,
    }))
}

/// Activities I am expected at, from last month on (newest first).
#[utoipa::path(get, path = "/api/v1/me/activities", tag = "checkin", security(("bearer" = [])),
    responses((status = 200, body = [MyActivity]),
    (status = 401, description = "auth.token_missing, auth.token_invalid, auth.token_expired", body = ErrorBody)))]
pub async fn my_activities(
    user: AuthUser,
    service: web::Data<CheckinService>,
) -> Result<web::Json<Vec<MyActivity>>, AttendanceError> {
    Ok(web::Json(mine::activities(&service, user.person_id).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct YearQuery {
    /// Defaults to this year (Asia/Shanghai).
    pub year: Option<i32>,
}

fn year_of(query: &YearQuery) -> Result<i32, AttendanceError> {
    let year = query
        .year
        .unwrap_or_else(|| clock::now().with_timezone(&clock::shanghai()).year());
    if !(2000..=2100).contains(&year) {
        return Err(invalid("year must be 2000–2100"));
    }
    Ok(year)
}

/// My attendance over a year (for the democratic evaluation).
#[utoipa::path(get, path = "/api/v1/me/attendance", tag = "checkin", security(("bearer" = [])),
    params(YearQuery), responses((status = 200, body = PersonYear),
    (status = 400, description = "checkin.invalid_input", body = ErrorBody)))]
pub async fn my_attendance(
    user: AuthUser,
    query: web::Query<YearQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<PersonYear>, AttendanceError> {
    let year = year_of(&query)?;
    let me = existing_person(&db, user.person_id).await?;
    Ok(web::Json(
        attendance::person_year(db.get_ref(), &me, year).await?,
    ))
}

/// A person's attendance over a year (directory readers of the person's org).
#[utoipa::path(get, path = "/api/v1/people/{id}/attendance", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path), YearQuery), responses((status = 200, body = PersonYear),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "person.not_found", body = ErrorBody)))]
pub async fn person_attendance(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<YearQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<PersonYear>, AttendanceError> {
    let year = year_of(&query)?;
    let person = existing_person(&db, path.into_inner()).await?;
    authz::require(db.get_ref(), user, READ_DIRECTORY, person.org_id).await?;
    Ok(web::Json(
        attendance::person_year(db.get_ref(), &person, year).await?,
    ))
}

async fn existing_person(
    db: &DatabaseConnection,
    id: i64,
) -> Result<person::Model, AttendanceError> {
    crate::people::find(db, id)
        .await?
        .ok_or(AttendanceError::PersonNotFound)
}

#[derive(Deserialize, ToSchema)]
pub struct LeaveRequestBody {
    pub reason: String,
}

/// Ask for leave (请假) from an activity, before it starts.
#[utoipa::path(post, path = "/api/v1/activities/{id}/leave", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = LeaveRequestBody, responses(
    (status = 200, body = Leave),
    (status = 400, description = "checkin.invalid_input", body = ErrorBody),
    (status = 403, description = "leave.not_participant", body = ErrorBody),
    (status = 409, description = "leave.too_late, leave.wrong_state", body = ErrorBody)))]
pub async fn request_leave(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<LeaveRequestBody>,
    service: web::Data<CheckinService>,
) -> Result<web::Json<Leave>, AttendanceError> {
    let leave = service
        .request_leave(user.person_id, path.into_inner(), &body.reason)
        .await?;
    Ok(web::Json(leave))
}

/// Withdraw my leave request.
#[utoipa::path(post, path = "/api/v1/leave/{id}/withdraw", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = Leave),
    (status = 404, description = "leave.not_found", body = ErrorBody),
    (status = 409, description = "leave.wrong_state", body = ErrorBody)))]
pub async fn withdraw_leave(
    user: AuthUser,
    path: web::Path<i64>,
    service: web::Data<CheckinService>,
) -> Result<web::Json<Leave>, AttendanceError> {
    let row = leave::find(&service.db, path.into_inner()).await?;
    // Someone else's request is "not found" to me: ids reveal nothing.
    if row.person_id != user.person_id {
        return Err(AttendanceError::LeaveNotFound);
    }
    let updated = service.withdraw_leave(row).await?;
    let names = crate::people::names(&service.db, std::iter::once(user.person_id)).await?;
    Ok(web::Json(leave::leave_view(
        updated,
        names.get(&user.person_id).cloned().unwrap_or_default(),
    )))
}

/// Committees above a branch approve its members' exemptions.

#[derive(Deserialize, ToSchema)]
pub struct ExemptionRequest {
    pub reason: String,
    /// YYYY-MM-DD
    pub valid_from: String,
    /// YYYY-MM-DD; null = until revoked.
    pub valid_until: Option<String>,
}

/// Exempt a person from organisational life for a period (the committee above the branch).
#[utoipa::path(post, path = "/api/v1/people/{id}/exemptions", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ExemptionRequest, responses(
    (status = 200, body = Exemption),
    (status = 400, description = "checkin.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "person.not_found", body = ErrorBody)))]
pub async fn create_exemption(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<ExemptionRequest>,
    service: web::Data<CheckinService>,
    request_id: RequestId,
) -> Result<web::Json<Exemption>, AttendanceError> {
    Ok(web::Json(
        service
            .create_exemption_as(
                user.into(),
                path.into_inner(),
                &body.reason,
                &body.valid_from,
                body.valid_until.as_deref(),
                Some(request_id.to_string()),
            )
            .await?,
    ))
}

/// Revoke an exemption (the committee above the branch).
#[utoipa::path(post, path = "/api/v1/exemptions/{id}/revoke", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ReasonRequest, responses(
    (status = 200, body = Exemption),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "exemption.not_found", body = ErrorBody)))]
pub async fn revoke_exemption(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<ReasonRequest>,
    service: web::Data<CheckinService>,
    request_id: RequestId,
) -> Result<web::Json<Exemption>, AttendanceError> {
    Ok(web::Json(
        service
            .revoke_exemption_as(
                user.into(),
                path.into_inner(),
                &body.reason,
                Some(request_id.to_string()),
            )
            .await?,
    ))
}

/// Exemptions of the people of an org's subtree (directory readers).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/exemptions", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = [Exemption]),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn list_exemptions(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Exemption>>, AttendanceError> {
    Ok(web::Json(
        leave::exemptions_in(db.get_ref(), user.into(), path.into_inner()).await?,
    ))
}
