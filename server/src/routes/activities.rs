//! Activities (filed plans) for organisers and supervisors: the venue QR, live counts,
//! settings, cancellation, minutes, attendance, organiser check-in and corrections, leave
//! decisions, the ledger and refused attempts.
use actix_web::{HttpResponse, http::header, web};
use base64::{Engine, engine::general_purpose::STANDARD};
use sea_orm::{DatabaseConnection, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tracing_actix_web::RequestId;
use utoipa::ToSchema;

use crate::{
    auth::AuthUser,
    authz::{self, READ_DIRECTORY},
    checkin::{
        AttendanceError, CheckinService,
        attendance::{self, PersonStatus, RefusalResponse},
        error::invalid,
        export, facts,
        leave::{self, Leave},
        live::LiveCounts,
        service::Someone,
    },
    clock,
    entities::{activity, activity_plan},
    error::ErrorBody,
};

use super::{
    checkins::{CheckinResponse, ReasonRequest, answer_response},
    download::{Format, FormatQuery, download, parse_format},
};
use crate::{
    checkin::{facts::phase, venue::venue_code},
    qr::{qr_png, qr_svg},
};

use crate::authz::ORGANISE;

pub(super) async fn organiser(
    db: &DatabaseConnection,
    user: AuthUser,
    plan_id: i64,
) -> Result<activity_plan::Model, AttendanceError> {
    let plan = facts::find_plan(db, plan_id).await?;
    authz::require(db, user, ORGANISE, plan.org_id).await?;
    Ok(plan)
}

async fn reader(
    db: &DatabaseConnection,
    user: AuthUser,
    plan_id: i64,
) -> Result<activity_plan::Model, AttendanceError> {
    let plan = facts::find_plan(db, plan_id).await?;
    authz::require(db, user, READ_DIRECTORY, plan.org_id).await?;
    Ok(plan)
}

#[derive(Serialize, ToSchema)]
pub struct ActivityResponse {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub theme: String,
    pub activity_date: chrono::NaiveDate,
    pub start_time: String,
    pub end_time: String,
    pub place: String,
    /// The public code printed in QR codes.
    pub code: String,
    pub window_seconds: i32,
    pub require_location: bool,
    pub radius_m: i32,
    pub offline_static: bool,
    pub checkin_opens_at: chrono::DateTime<chrono::FixedOffset>,
    pub checkin_closes_at: chrono::DateTime<chrono::FixedOffset>,
    pub cancelled: bool,
    pub cancel_reason: Option<String>,
    /// upcoming, open, closed, cancelled
    pub phase: String,
    pub minutes: Option<String>,
    pub live: Option<LiveCounts>,
}

async fn activity_response(
    service: &CheckinService,
    plan: activity_plan::Model,
    activity: activity::Model,
) -> Result<ActivityResponse, AttendanceError> {
    let (opens, closes) = facts::check_in_period(&plan);
    let facts = service.facts.by_code(&service.db, &activity.code).await?;
    let live = match facts {
        Some(f) => Some(service.live.counts(&f).await?),
        None => None,
    };
    let org_name = crate::orgs::find(&service.db, plan.org_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    Ok(ActivityResponse {
        phase: phase(&plan, &activity).to_owned(),
        id: plan.id,
        org_id: plan.org_id,
        org_name,
        theme: plan.theme,
        activity_date: plan.activity_date,
        start_time: plan.start_time,
        end_time: plan.end_time,
        place: plan.place,
        code: activity.code,
        window_seconds: activity.window_seconds,
        require_location: activity.require_location,
        radius_m: activity.radius_m,
        offline_static: activity.offline_static,
        checkin_opens_at: opens,
        checkin_closes_at: closes,
        cancelled: activity.cancelled_at.is_some(),
        cancel_reason: activity.cancel_reason,
        minutes: activity.minutes,
        live,
    })
}

/// An activity with its check-in settings and live counts (organisers and supervisors).
#[utoipa::path(get, path = "/api/v1/activities/{id}", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Activity id (the filed plan's id)")),
    responses(
    (status = 200, body = ActivityResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "activity.not_found", body = ErrorBody),
    (status = 409, description = "activity.not_filed", body = ErrorBody)))]
pub async fn get_activity(
    user: AuthUser,
    path: web::Path<i64>,
    service: web::Data<CheckinService>,
) -> Result<web::Json<ActivityResponse>, AttendanceError> {
    let plan = reader(&service.db, user, path.into_inner()).await?;
    let activity = facts::ensure_activity(&service.db, &plan, &service.settings).await?;
    Ok(web::Json(
        activity_response(&service, plan, activity).await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct QrResponse {
    /// What the QR encodes: `{qr_base_url}/c/{code}?t={token}`.
    pub url: String,
    pub token: String,
    pub window_seconds: i32,
    /// When to fetch the next code; null for a static code.
    pub valid_until: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub png_base64: String,
}

async fn organiser_activity(
    service: &CheckinService,
    user: AuthUser,
    plan_id: i64,
) -> Result<(activity_plan::Model, activity::Model), AttendanceError> {
    let plan = organiser(&service.db, user, plan_id).await?;
    let activity = facts::ensure_activity(&service.db, &plan, &service.settings).await?;
    Ok((plan, activity))
}

/// The current venue code as JSON with a PNG, for the secretary's phone.
#[utoipa::path(get, path = "/api/v1/activities/{id}/qr", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = QrResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "activity.not_found", body = ErrorBody),
    (status = 409, description = "activity.not_filed", body = ErrorBody)))]
pub async fn get_qr(
    user: AuthUser,
    path: web::Path<i64>,
    service: web::Data<CheckinService>,
) -> Result<web::Json<QrResponse>, AttendanceError> {
    let (_, activity) = organiser_activity(&service, user, path.into_inner()).await?;
    let code = venue_code(&service, &activity);
    Ok(web::Json(QrResponse {
        png_base64: STANDARD.encode(qr_png(&code.url)?),
        url: code.url,
        token: code.token,
        window_seconds: activity.window_seconds,
        valid_until: code.valid_until,
    }))
}

fn no_store(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

/// The current venue code as SVG.
#[utoipa::path(get, path = "/api/v1/activities/{id}/qr.svg", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "image/svg+xml", content_type = "image/svg+xml", body = String),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "activity.not_found", body = ErrorBody)))]
pub async fn get_qr_svg(
    user: AuthUser,
    path: web::Path<i64>,
    service: web::Data<CheckinService>,
) -> Result<HttpResponse, AttendanceError> {
    let (_, activity) = organiser_activity(&service, user, path.into_inner()).await?;
    let code = venue_code(&service, &activity);
    Ok(no_store(
        HttpResponse::Ok()
            .content_type("image/svg+xml")
            .body(qr_svg(&code.url)?),
    ))
}

/// The current venue code as PNG.
#[utoipa::path(get, path = "/api/v1/activities/{id}/qr.png", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "image/png", content_type = "image/png", body = Vec<u8>),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "activity.not_found", body = ErrorBody)))]
pub async fn get_qr_png(
    user: AuthUser,
    path: web::Path<i64>,
    service: web::Data<CheckinService>,
) -> Result<HttpResponse, AttendanceError> {
    let (_, activity) = organiser_activity(&service, user, path.into_inner()).await?;
    let code = venue_code(&service, &activity);
    Ok(no_store(
        HttpResponse::Ok()
            .content_type("image/png")
            .body(qr_png(&code.url)?),
    ))
}

/// Live counts (present / expected / on leave / guests), from the cache, rebuilt from the
/// database when the cache lost them.
#[utoipa::path(get, path = "/api/v1/activities/{id}/live", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = LiveCounts),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "activity.not_found", body = ErrorBody)))]
pub async fn get_live(
    user: AuthUser,
    path: web::Path<i64>,
    service: web::Data<CheckinService>,
) -> Result<web::Json<LiveCounts>, AttendanceError> {
    let plan = reader(&service.db, user, path.into_inner()).await?;
    let activity = facts::ensure_activity(&service.db, &plan, &service.settings).await?;
    let facts = service
        .facts
        .by_code(&service.db, &activity.code)
        .await?
        .ok_or(AttendanceError::ActivityNotFound)?;
    Ok(web::Json(service.live.counts(&facts).await?))
}

#[derive(Serialize, ToSchema)]
pub struct DisplayLink {
    /// Open in a browser on the meeting-room screen; works until `expires_at`.
    pub url: String,
    pub expires_at: chrono::DateTime<chrono::FixedOffset>,
}

/// A short-lived link to the projector page (rotating code + live count), so the screen's
/// browser never holds an organiser's login.
#[utoipa::path(post, path = "/api/v1/activities/{id}/display-link", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = DisplayLink),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "activity.not_found", body = ErrorBody)))]
pub async fn create_display_link(
    user: AuthUser,
    path: web::Path<i64>,
    service: web::Data<CheckinService>,
    base: web::Data<crate::config::ApplicationSettings>,
) -> Result<web::Json<DisplayLink>, AttendanceError> {
    let (_, activity) = organiser_activity(&service, user, path.into_inner()).await?;
    let expires = clock::now().timestamp() + i64::from(service.settings.display_link_hours) * 3600;
    let key = service.signer.display_key(&activity.code, expires);
    Ok(web::Json(DisplayLink {
        url: format!(
            "{}/display/{}?k={key}",
            base.public_base_url.trim_end_matches('/'),
            activity.code
        ),
        expires_at: chrono::DateTime::from_timestamp(expires, 0)
            .unwrap_or_default()
            .with_timezone(&clock::shanghai()),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct SettingsRequest {
    /// 0 = a static code (printed posters), else 10–3600 seconds.
    pub window_seconds: i32,
    pub require_location: bool,
    pub radius_m: i32,
    /// Accept queued offline scans of a static code (they prove nothing about when the
    /// code was scanned; off unless the organiser opts in).
    #[serde(default)]
    pub offline_static: bool,
}

/// Change the rotation and the location rule. Audited.
#[utoipa::path(put, path = "/api/v1/activities/{id}/checkin-settings", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = SettingsRequest, responses(
    (status = 200, body = ActivityResponse),
    (status = 400, description = "checkin.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn put_settings(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<SettingsRequest>,
    service: web::Data<CheckinService>,
    request_id: RequestId,
) -> Result<web::Json<ActivityResponse>, AttendanceError> {
    let (plan, activity) = organiser_activity(&service, user, path.into_inner()).await?;
    if body.window_seconds != 0 && !(10..=3600).contains(&body.window_seconds) {
        return Err(invalid("window_seconds must be 0 (static) or 10–3600"));
    }
    if !(20..=20_000).contains(&body.radius_m) {
        return Err(invalid("radius_m must be 20–20000 metres"));
    }
    if body.require_location && (plan.latitude.is_none() || plan.longitude.is_none()) {
        return Err(invalid(
            "the plan has no coordinates; add latitude and longitude to require location",
        ));
    }
    let before = json!({"window_seconds": activity.window_seconds, "require_location": activity.require_location, "radius_m": activity.radius_m, "offline_static": activity.offline_static});
    let mut active: activity::ActiveModel = activity.into();
    active.window_seconds = Set(body.window_seconds);
    active.require_location = Set(body.require_location);
    active.radius_m = Set(body.radius_m);
    active.offline_static = Set(body.offline_static);
    active.updated_at = Set(clock::now());
    let after = json!({"window_seconds": body.window_seconds, "require_location": body.require_location, "radius_m": body.radius_m, "offline_static": body.offline_static});
    let updated = service
        .change_activity(
            user.person_id,
            &plan,
            active,
            "activity.settings",
            json!({"before": before, "after": after}),
            Some(request_id.to_string()),
        )
        .await?;
    Ok(web::Json(activity_response(&service, plan, updated).await?))
}

/// Cancel an activity: scans are refused with `cancelled`. Audited.
#[utoipa::path(post, path = "/api/v1/activities/{id}/cancel", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ReasonRequest, responses(
    (status = 200, body = ActivityResponse),
    (status = 400, description = "checkin.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn cancel_activity(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<ReasonRequest>,
    service: web::Data<CheckinService>,
    request_id: RequestId,
) -> Result<web::Json<ActivityResponse>, AttendanceError> {
    let (plan, activity) = organiser_activity(&service, user, path.into_inner()).await?;
    let reason = body.reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(invalid("reason is required (up to 200 characters)"));
    }
    if activity.cancelled_at.is_some() {
        return Ok(web::Json(
            activity_response(&service, plan, activity).await?,
        ));
    }
    let mut active: activity::ActiveModel = activity.into();
    active.cancelled_at = Set(Some(clock::now()));
    active.cancelled_by = Set(Some(user.person_id));
    active.cancel_reason = Set(Some(reason.to_owned()));
    active.updated_at = Set(clock::now());
    let updated = service
        .change_activity(
            user.person_id,
            &plan,
            active,
            "activity.cancel",
            json!({"reason": reason}),
            Some(request_id.to_string()),
        )
        .await?;
    Ok(web::Json(activity_response(&service, plan, updated).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct MinutesRequest {
    /// 会议记录, up to 20,000 characters.
    pub text: String,
}

/// Record the minutes of the meeting (part of the ledger). Audited.
#[utoipa::path(put, path = "/api/v1/activities/{id}/minutes", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = MinutesRequest, responses(
    (status = 200, body = ActivityResponse),
    (status = 400, description = "checkin.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn put_minutes(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<MinutesRequest>,
    service: web::Data<CheckinService>,
    request_id: RequestId,
) -> Result<web::Json<ActivityResponse>, AttendanceError> {
    let (plan, activity) = organiser_activity(&service, user, path.into_inner()).await?;
    let text = body.text.trim();
    if text.is_empty() || text.chars().count() > 20_000 {
        return Err(invalid("text is required (up to 20000 characters)"));
    }
    let mut active: activity::ActiveModel = activity.into();
    active.minutes = Set(Some(text.to_owned()));
    active.minutes_by = Set(Some(user.person_id));
    active.minutes_at = Set(Some(clock::now()));
    active.updated_at = Set(clock::now());
    let updated = service
        .change_activity(
            user.person_id,
            &plan,
            active,
            "activity.minutes",
            json!({"characters": text.chars().count()}),
            Some(request_id.to_string()),
        )
        .await?;
    Ok(web::Json(activity_response(&service, plan, updated).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct OrganiserCheckinRequest {
    /// The member's card code (`GET /api/v1/me/card`), scanned by the organiser…
    pub card_code: Option<String>,
    /// …or the person picked from the roster.
    pub person_id: Option<i64>,
    /// Why the organiser checks this person in, e.g. 无智能手机.
    pub reason: String,
}

/// Check someone in for them (no phone, or marked present afterwards). Audited.
#[utoipa::path(post, path = "/api/v1/activities/{id}/checkins", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = OrganiserCheckinRequest, responses(
    (status = 200, body = CheckinResponse),
    (status = 400, description = "checkin.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "activity.not_found, person.not_found", body = ErrorBody)))]
pub async fn organiser_checkin(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<OrganiserCheckinRequest>,
    service: web::Data<CheckinService>,
    request_id: RequestId,
) -> Result<web::Json<CheckinResponse>, AttendanceError> {
    let plan = organiser(&service.db, user, path.into_inner()).await?;
    let body = body.into_inner();
    let someone = match (body.card_code, body.person_id) {
        (Some(code), None) => Someone::Card(code),
        (None, Some(id)) => Someone::Person(id),
        _ => return Err(invalid("give exactly one of card_code and person_id")),
    };
    let answer = service
        .organiser_check_in(
            user.person_id,
            plan.id,
            someone,
            &body.reason,
            Some(request_id.to_string()),
        )
        .await?;
    Ok(web::Json(answer_response(answer)))
}

#[derive(Serialize, ToSchema)]
pub struct UndoResponse {
    pub undone: bool,
    pub checkin_id: i64,
}

/// Undo a mistaken check-in: a new ledger entry with who and why; nothing is deleted.
#[utoipa::path(post, path = "/api/v1/checkins/{id}/undo", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Check-in id")), request_body = ReasonRequest, responses(
    (status = 200, body = UndoResponse),
    (status = 400, description = "checkin.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "checkin.not_found", body = ErrorBody),
    (status = 409, description = "checkin.already_undone", body = ErrorBody)))]
pub async fn undo_checkin(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<ReasonRequest>,
    service: web::Data<CheckinService>,
    request_id: RequestId,
) -> Result<web::Json<UndoResponse>, AttendanceError> {
    let row = attendance::find_checkin(&service.db, path.into_inner()).await?;
    let plan_id = row.plan_id.ok_or(AttendanceError::CheckinNotFound)?;
    let plan = organiser(&service.db, user, plan_id).await?;
    service
        .undo(
            user.person_id,
            &row,
            plan.org_id,
            &body.reason,
            Some(request_id.to_string()),
        )
        .await?;
    Ok(web::Json(UndoResponse {
        undone: true,
        checkin_id: row.id,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct AttendanceCounts {
    pub expected: u64,
    pub present: u64,
    pub on_leave: u64,
    pub absent: u64,
    pub guests: u64,
    pub exempt: u64,
    pub rate: Option<f64>,
    pub below_threshold: bool,
}

#[derive(Serialize, ToSchema)]
pub struct AttendanceResponse {
    pub activity_id: i64,
    pub theme: String,
    pub activity_date: chrono::NaiveDate,
    pub org_name: String,
    pub counts: AttendanceCounts,
    /// Leading cadres among the expected, shown apart (§三.2 党员领导干部要带头参加活动).
    pub leaders: attendance::LeaderAttendance,
    pub people: Vec<PersonStatus>,
}

pub fn attendance_response(a: attendance::ActivityAttendance) -> AttendanceResponse {
    let c = a.counts;
    AttendanceResponse {
        activity_id: a.plan.id,
        theme: a.plan.theme,
        activity_date: a.plan.activity_date,
        org_name: a.org.name,
        leaders: a.leaders,
        counts: AttendanceCounts {
            expected: c.expected,
            present: c.present,
            on_leave: c.on_leave,
            absent: c.absent,
            guests: c.guests,
            exempt: a.exempt,
            rate: c.rate,
            below_threshold: c.below_threshold,
        },
        people: a.people,
    }
}

/// The roster with each person's status, from the database (应到/实到/请假/缺席/参与率).
#[utoipa::path(get, path = "/api/v1/activities/{id}/attendance", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = AttendanceResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "activity.not_found", body = ErrorBody)))]
pub async fn get_attendance(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<AttendanceResponse>, AttendanceError> {
    let plan = reader(&db, user, path.into_inner()).await?;
    let a = attendance::for_activity(db.get_ref(), plan).await?;
    Ok(web::Json(attendance_response(a)))
}

/// The ledger (台账) of one activity: plan, preview, attendance with time and method,
/// leave, absentees, corrections and minutes; as JSON, CSV or XLSX.
#[utoipa::path(get, path = "/api/v1/activities/{id}/ledger", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path), FormatQuery), responses(
    (status = 200, description = "JSON attendance, or a CSV / XLSX file"),
    (status = 400, description = "checkin.invalid_input (format)", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn get_ledger(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<FormatQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, AttendanceError> {
    let format = parse_format(query.format.as_deref())?;
    let plan = reader(&db, user, path.into_inner()).await?;
    let a = attendance::for_activity(db.get_ref(), plan).await?;
    let ledger = attendance::ledger(db.get_ref(), &a).await?;
    let name = format!("ledger-{}-{}", ledger.activity_date, ledger.activity_id);
    Ok(match format {
        Format::Json => HttpResponse::Ok().json(json!({
            "attendance": attendance_response(a),
            "minutes": ledger.minutes,
            "corrections": ledger.corrections.iter().map(|c| json!({
                "at": c.at, "actor": c.actor, "person": c.person, "action": c.action, "reason": c.reason,
            })).collect::<Vec<_>>(),
        })),
        Format::Csv => download(export::activity_csv(&ledger), &format, &name),
        Format::Xlsx => download(export::activity_xlsx(&ledger)?, &format, &name),
    })
}

/// Refused check-in attempts of an activity, newest first (for supervisors' audits).
#[utoipa::path(get, path = "/api/v1/activities/{id}/refusals", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = [RefusalResponse]),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn list_refusals(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<RefusalResponse>>, AttendanceError> {
    let plan = reader(&db, user, path.into_inner()).await?;
    Ok(web::Json(
        attendance::refusals(db.get_ref(), plan.id).await?,
    ))
}

/// Leave requests of an activity (organisers).
#[utoipa::path(get, path = "/api/v1/activities/{id}/leave", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = [Leave]),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn list_leave(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Leave>>, AttendanceError> {
    let plan = reader(&db, user, path.into_inner()).await?;
    let rows = leave::for_plan(db.get_ref(), plan.id).await?;
    let names = crate::people::names(db.get_ref(), rows.iter().map(|r| r.person_id)).await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|r| {
                let name = names.get(&r.person_id).cloned().unwrap_or_default();
                leave::leave_view(r, name)
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct LeaveDecision {
    pub approve: bool,
    pub comment: Option<String>,
}

/// Approve or decline a leave request (the branch's organisers). Audited.
#[utoipa::path(post, path = "/api/v1/leave/{id}/decision", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Leave request id")), request_body = LeaveDecision, responses(
    (status = 200, body = Leave),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "leave.not_found", body = ErrorBody),
    (status = 409, description = "leave.wrong_state", body = ErrorBody)))]
pub async fn decide_leave(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<LeaveDecision>,
    service: web::Data<CheckinService>,
    request_id: RequestId,
) -> Result<web::Json<Leave>, AttendanceError> {
    let row = leave::find(&service.db, path.into_inner()).await?;
    let plan = organiser(&service.db, user, row.plan_id).await?;
    let updated = service
        .decide_leave(
            user.person_id,
            plan.org_id,
            row,
            body.approve,
            body.comment.as_deref(),
            Some(request_id.to_string()),
        )
        .await?;
    let names = crate::people::names(&service.db, std::iter::once(updated.person_id)).await?;
    let name = names.get(&updated.person_id).cloned().unwrap_or_default();
    Ok(web::Json(leave::leave_view(updated, name)))
}

/// The venues of a themed activity with their current codes: all of them for its
/// organisers, a branch's own for that branch's (each branch's members check in at theirs).
#[utoipa::path(get, path = "/api/v1/activities/{id}/venues", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = [crate::checkin::venue::ThemedVenue]),
    (status = 400, description = "checkin.invalid_input (not a themed activity)", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "activity.not_found", body = ErrorBody),
    (status = 409, description = "activity.not_filed", body = ErrorBody)))]
pub async fn get_venues(
    user: AuthUser,
    path: web::Path<i64>,
    service: web::Data<CheckinService>,
) -> Result<web::Json<Vec<crate::checkin::venue::ThemedVenue>>, AttendanceError> {
    Ok(web::Json(
        crate::checkin::venue::themed_venues(&service, user.into(), path.into_inner()).await?,
    ))
}

/// One branch's venue QR of a themed activity, for the screen in its room (that branch's
/// organisers, or the organisers of the organisation holding it).
#[utoipa::path(get, path = "/api/v1/activities/{id}/venues/{branch_id}/qr", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path), ("branch_id" = i64, Path)), responses(
    (status = 200, body = crate::checkin::venue::BranchVenueQr),
    (status = 400, description = "checkin.invalid_input (not a themed activity)", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "activity.not_found", body = ErrorBody),
    (status = 409, description = "activity.not_filed", body = ErrorBody)))]
pub async fn get_branch_venue_qr(
    user: AuthUser,
    path: web::Path<(i64, i64)>,
    service: web::Data<CheckinService>,
) -> Result<web::Json<crate::checkin::venue::BranchVenueQr>, AttendanceError> {
    let (id, branch) = path.into_inner();
    Ok(web::Json(
        crate::checkin::venue::branch_venue_qr(&service, user.into(), id, branch).await?,
    ))
}

/// The themed activities a branch joins (from 30 days ago on), for its secretary to open
/// the branch's venue QR.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/themed-venues", tag = "checkin", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = [crate::checkin::venue::JoinedActivity]),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn joined_themed(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<crate::checkin::venue::JoinedActivity>>, AttendanceError> {
    Ok(web::Json(
        crate::checkin::venue::joined_by(db.get_ref(), user.into(), path.into_inner()).await?,
    ))
}
