//! Party congress deputies (§二.4): studios and their rota, receptions (the public's too),
//! cases, questions and proposals with their deadlines, ratings and timelines.
use actix_web::{HttpResponse, web};
use base64::{Engine, engine::general_purpose::STANDARD};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use tracing_actix_web::RequestId;
use utoipa::{IntoParams, ToSchema};

use super::download::{Format, download, json_or_xlsx};
use crate::{
    auth::{AnyRequester, AuthUser},
    cache::Cache,
    checkin::{CheckinService, venue::code_for},
    config::{CheckinSettings, DeputySettings, WechatSettings},
    deputies::{
        DeputyError, MatterKind, MatterStatus,
        error::invalid,
        inspections::{self, Inspection, InspectionRequest},
        matters::{
            self, CaseRequest, InboxFilter, Matter, Move, ProposalRequest, QuestionRequest,
            RatingRequest,
        },
        receptions::{
            self, AppointmentAnswer, BookingRequest, InvitationRequest, Reception, RecordRequest,
        },
        rota::{self, MyRota, Rota, Swap, SwapRequest, UnavailableRequest},
        studios::{self, Constituency, ConstituencyRequest, Studio, StudioRequest},
        year::{self, DeputyYear, OrgDeputies},
    },
    domain::DeputyLevel,
    error::ErrorBody,
    pagination::{Page, PageQuery},
    qr::qr_png,
};

fn rid(request_id: &RequestId) -> Option<String> {
    Some(request_id.to_string())
}

/// Every studio, by name (members and the public alike).
#[utoipa::path(get, path = "/api/v1/studios", tag = "deputies", security(("bearer" = [])),
    params(PageQuery), responses((status = 200, body = Page<Studio>)))]
pub async fn list_studios(
    _who: AnyRequester,
    query: web::Query<PageQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Page<Studio>>, DeputyError> {
    Ok(web::Json(
        studios::list(db.get_ref(), query.resolve()).await?,
    ))
}

/// Open a deputies' studio (its organisation's secretaries and admins; audited).
#[utoipa::path(post, path = "/api/v1/studios", tag = "deputies", security(("bearer" = [])),
    request_body = StudioRequest, responses(
    (status = 201, body = Studio),
    (status = 400, description = "deputy.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "deputy.not_found", body = ErrorBody),
    (status = 409, description = "deputy.not_a_deputy", body = ErrorBody)))]
pub async fn create_studio(
    user: AuthUser,
    body: web::Json<StudioRequest>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<CheckinSettings>,
    request_id: RequestId,
) -> Result<HttpResponse, DeputyError> {
    let studio = studios::create(
        db.get_ref(),
        &settings,
        user.into(),
        &body,
        rid(&request_id),
    )
    .await?;
    Ok(HttpResponse::Created().json(studio))
}

/// One studio: address, deputies, weekly opening slots.
#[utoipa::path(get, path = "/api/v1/studios/{id}", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = Studio),
    (status = 404, description = "deputy.not_found", body = ErrorBody)))]
pub async fn get_studio(
    _who: AnyRequester,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Studio>, DeputyError> {
    Ok(web::Json(
        studios::one(db.get_ref(), path.into_inner()).await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct StudioQr {
    pub url: String,
    pub token: String,
    pub window_seconds: i32,
    pub valid_until: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub png_base64: String,
}

/// The studio's rotating QR for the screen at the door: deputies on duty scan it with
/// `POST /api/v1/checkins` (the studio's keepers).
#[utoipa::path(get, path = "/api/v1/studios/{id}/qr", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = StudioQr),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "deputy.not_found", body = ErrorBody)))]
pub async fn studio_qr(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    service: web::Data<CheckinService>,
) -> Result<web::Json<StudioQr>, DeputyError> {
    let studio = studios::kept_by(db.get_ref(), user.into(), path.into_inner()).await?;
    let venue = code_for(&service, &studio.code, studio.window_seconds);
    let png = qr_png(&venue.url).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(web::Json(StudioQr {
        png_base64: STANDARD.encode(png),
        valid_until: venue.valid_until,
        window_seconds: studio.window_seconds,
        url: venue.url,
        token: venue.token,
    }))
}

#[derive(Deserialize, ToSchema, IntoParams)]
pub struct MonthQuery {
    /// YYYY-MM
    pub month: String,
}

/// Generate a month's rota from the opening slots, shared out fairly (the studio's keepers).
#[utoipa::path(post, path = "/api/v1/studios/{id}/rota", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = MonthQuery, responses(
    (status = 201, body = Rota),
    (status = 400, description = "deputy.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "deputy.not_found", body = ErrorBody),
    (status = 409, description = "deputy.wrong_state (already generated)", body = ErrorBody)))]
pub async fn generate_rota(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<MonthQuery>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, DeputyError> {
    let rota = rota::generate(
        db.get_ref(),
        user.into(),
        path.into_inner(),
        &body.month,
        rid(&request_id),
    )
    .await?;
    Ok(HttpResponse::Created().json(rota))
}

/// A studio's rota of a month: who is on duty and how many places are booked.
#[utoipa::path(get, path = "/api/v1/studios/{id}/rota", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path), MonthQuery), responses(
    (status = 200, body = Rota),
    (status = 400, description = "deputy.invalid_input", body = ErrorBody),
    (status = 404, description = "deputy.not_found", body = ErrorBody)))]
pub async fn studio_rota(
    _who: AnyRequester,
    path: web::Path<i64>,
    query: web::Query<MonthQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Rota>, DeputyError> {
    Ok(web::Json(
        rota::of_studio(db.get_ref(), path.into_inner(), &query.month).await?,
    ))
}

/// My duty slots, the swaps asked of me and my unavailable days.
#[utoipa::path(get, path = "/api/v1/me/rota", tag = "deputies", security(("bearer" = [])),
    responses((status = 200, body = MyRota)))]
pub async fn my_rota(
    user: AuthUser,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<MyRota>, DeputyError> {
    Ok(web::Json(rota::mine(db.get_ref(), user.into()).await?))
}

#[derive(Serialize, ToSchema)]
pub struct UnavailableDays {
    pub days: Vec<chrono::NaiveDate>,
}

/// Declare the days I cannot be on duty (replaces the days declared before).
#[utoipa::path(put, path = "/api/v1/me/unavailable-days", tag = "deputies", security(("bearer" = [])),
    request_body = UnavailableRequest, responses(
    (status = 200, body = UnavailableDays),
    (status = 400, description = "deputy.invalid_input", body = ErrorBody),
    (status = 409, description = "deputy.not_a_deputy", body = ErrorBody)))]
pub async fn set_unavailable(
    user: AuthUser,
    body: web::Json<UnavailableRequest>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<UnavailableDays>, DeputyError> {
    let days = rota::set_unavailable(db.get_ref(), user.into(), &body).await?;
    Ok(web::Json(UnavailableDays { days }))
}

/// Ask another deputy of the studio to take one of my slots.
#[utoipa::path(post, path = "/api/v1/rota-shifts/{id}/swaps", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = SwapRequest, responses(
    (status = 201, body = Swap),
    (status = 400, description = "deputy.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden (not my slot)", body = ErrorBody),
    (status = 404, description = "deputy.not_found", body = ErrorBody),
    (status = 409, description = "deputy.wrong_state", body = ErrorBody)))]
pub async fn ask_swap(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<SwapRequest>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, DeputyError> {
    let swap = rota::ask_swap(db.get_ref(), user.into(), path.into_inner(), &body).await?;
    Ok(HttpResponse::Created().json(swap))
}

async fn decide_swap(
    user: AuthUser,
    id: i64,
    accept: bool,
    db: &DatabaseConnection,
    request_id: &RequestId,
) -> Result<web::Json<Swap>, DeputyError> {
    Ok(web::Json(
        rota::decide_swap(db, user.into(), id, accept, rid(request_id)).await?,
    ))
}

/// Take the slot a deputy asked me to take (audited).
#[utoipa::path(post, path = "/api/v1/rota-swaps/{id}/accept", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = Swap),
    (status = 403, description = "auth.forbidden (asked of someone else)", body = ErrorBody),
    (status = 404, description = "deputy.not_found", body = ErrorBody),
    (status = 409, description = "deputy.wrong_state", body = ErrorBody)))]
pub async fn accept_swap(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<Swap>, DeputyError> {
    decide_swap(user, path.into_inner(), true, &db, &request_id).await
}

/// Decline a swap asked of me.
#[utoipa::path(post, path = "/api/v1/rota-swaps/{id}/decline", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = Swap),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "deputy.not_found", body = ErrorBody),
    (status = 409, description = "deputy.wrong_state", body = ErrorBody)))]
pub async fn decline_swap(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<Swap>, DeputyError> {
    decide_swap(user, path.into_inner(), false, &db, &request_id).await
}

/// Set a deputy's constituency (选区) (the organisation department; audited).
#[utoipa::path(put, path = "/api/v1/people/{id}/constituency", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ConstituencyRequest, responses(
    (status = 200, body = Constituency),
    (status = 400, description = "deputy.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "deputy.not_found", body = ErrorBody),
    (status = 409, description = "deputy.not_a_deputy", body = ErrorBody)))]
pub async fn set_constituency(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<ConstituencyRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<Constituency>, DeputyError> {
    Ok(web::Json(
        studios::set_constituency(
            db.get_ref(),
            user.into(),
            path.into_inner(),
            &body,
            rid(&request_id),
        )
        .await?,
    ))
}

/// A deputy's level and constituency.
#[utoipa::path(get, path = "/api/v1/people/{id}/constituency", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = Constituency),
    (status = 404, description = "deputy.not_found", body = ErrorBody)))]
pub async fn constituency(
    _who: AnyRequester,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Constituency>, DeputyError> {
    Ok(web::Json(
        studios::constituency(db.get_ref(), path.into_inner()).await?,
    ))
}

/// Book a place in a duty slot. Members of the public give a name and phone number and are
/// limited per WeChat identity and per phone each day.
#[utoipa::path(post, path = "/api/v1/rota-shifts/{id}/bookings", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = BookingRequest, responses(
    (status = 201, body = Reception),
    (status = 400, description = "deputy.invalid_input", body = ErrorBody),
    (status = 404, description = "deputy.not_found", body = ErrorBody),
    (status = 409, description = "deputy.slot_full, deputy.already_booked, deputy.wrong_state (begun)", body = ErrorBody),
    (status = 429, description = "deputy.too_many_requests", body = ErrorBody),
    (status = 503, description = "deputy.temporarily_unavailable", body = ErrorBody)))]
pub async fn book(
    who: AnyRequester,
    path: web::Path<i64>,
    body: web::Json<BookingRequest>,
    db: web::Data<DatabaseConnection>,
    cache: web::Data<Cache>,
    settings: web::Data<DeputySettings>,
) -> Result<HttpResponse, DeputyError> {
    let booked = receptions::book(
        db.get_ref(),
        &cache,
        &settings,
        &who.0,
        path.into_inner(),
        &body,
    )
    .await?;
    Ok(HttpResponse::Created().json(booked))
}

/// The bookings of a slot (its deputy, phones masked; the studio's keepers, in full).
#[utoipa::path(get, path = "/api/v1/rota-shifts/{id}/receptions", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = [Reception]),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "deputy.not_found", body = ErrorBody)))]
pub async fn shift_receptions(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Reception>>, DeputyError> {
    Ok(web::Json(
        receptions::of_shift(db.get_ref(), user.into(), path.into_inner()).await?,
    ))
}

/// Ask a named deputy for a meeting (约谈).
#[utoipa::path(post, path = "/api/v1/deputies/{id}/meeting-requests", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = BookingRequest, responses(
    (status = 201, body = Reception),
    (status = 400, description = "deputy.invalid_input", body = ErrorBody),
    (status = 404, description = "deputy.not_found", body = ErrorBody),
    (status = 429, description = "deputy.too_many_requests", body = ErrorBody),
    (status = 503, description = "deputy.temporarily_unavailable", body = ErrorBody)))]
pub async fn request_meeting(
    who: AnyRequester,
    path: web::Path<i64>,
    body: web::Json<BookingRequest>,
    db: web::Data<DatabaseConnection>,
    cache: web::Data<Cache>,
    settings: web::Data<DeputySettings>,
) -> Result<HttpResponse, DeputyError> {
    let asked = receptions::request_meeting(
        db.get_ref(),
        &cache,
        &settings,
        &who.0,
        path.into_inner(),
        &body,
    )
    .await?;
    Ok(HttpResponse::Created().json(asked))
}

/// A deputy invites someone on the roster to meet (邀约).
#[utoipa::path(post, path = "/api/v1/me/invitations", tag = "deputies", security(("bearer" = [])),
    request_body = InvitationRequest, responses(
    (status = 201, body = Reception),
    (status = 400, description = "deputy.invalid_input", body = ErrorBody),
    (status = 409, description = "deputy.not_a_deputy", body = ErrorBody)))]
pub async fn invite(
    user: AuthUser,
    body: web::Json<InvitationRequest>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, DeputyError> {
    let invited = receptions::invite(db.get_ref(), user.into(), &body).await?;
    Ok(HttpResponse::Created().json(invited))
}

/// My bookings and meeting requests (members and the public).
#[utoipa::path(get, path = "/api/v1/me/receptions", tag = "deputies", security(("bearer" = [])),
    responses((status = 200, body = [Reception])))]
pub async fn my_receptions(
    who: AnyRequester,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Reception>>, DeputyError> {
    Ok(web::Json(receptions::mine(db.get_ref(), &who.0).await?))
}

/// The receptions I hold as a deputy (phones masked).
#[utoipa::path(get, path = "/api/v1/me/deputy-receptions", tag = "deputies", security(("bearer" = [])),
    responses((status = 200, body = [Reception])))]
pub async fn deputy_receptions(
    user: AuthUser,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Reception>>, DeputyError> {
    Ok(web::Json(
        receptions::of_deputy(db.get_ref(), user.into()).await?,
    ))
}

/// Cancel my booking or request (a slot's place is freed).
#[utoipa::path(post, path = "/api/v1/receptions/{id}/cancel", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = Reception),
    (status = 404, description = "deputy.not_found", body = ErrorBody),
    (status = 409, description = "deputy.wrong_state", body = ErrorBody)))]
pub async fn cancel_reception(
    who: AnyRequester,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Reception>, DeputyError> {
    Ok(web::Json(
        receptions::cancel(db.get_ref(), &who.0, path.into_inner()).await?,
    ))
}

/// The deputy answers a request for a meeting: a time, or declined.
#[utoipa::path(post, path = "/api/v1/receptions/{id}/answer", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = AppointmentAnswer, responses(
    (status = 200, body = Reception),
    (status = 400, description = "deputy.invalid_input", body = ErrorBody),
    (status = 404, description = "deputy.not_found", body = ErrorBody),
    (status = 409, description = "deputy.wrong_state", body = ErrorBody)))]
pub async fn answer_request(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<AppointmentAnswer>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Reception>, DeputyError> {
    Ok(web::Json(
        receptions::answer_request(db.get_ref(), user.into(), path.into_inner(), &body).await?,
    ))
}

/// Record a reception: who came, what they raised, and the cases to follow up.
#[utoipa::path(post, path = "/api/v1/receptions/{id}/record", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = RecordRequest, responses(
    (status = 200, body = Reception),
    (status = 400, description = "deputy.invalid_input", body = ErrorBody),
    (status = 404, description = "deputy.not_found", body = ErrorBody),
    (status = 409, description = "deputy.wrong_state", body = ErrorBody)))]
pub async fn record_reception(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<RecordRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<Reception>, DeputyError> {
    Ok(web::Json(
        receptions::record(
            db.get_ref(),
            user.into(),
            path.into_inner(),
            &body,
            rid(&request_id),
        )
        .await?,
    ))
}

/// A deputy writes down a case raised with them (反映问题).
#[utoipa::path(post, path = "/api/v1/cases", tag = "deputies", security(("bearer" = [])),
    request_body = CaseRequest, responses(
    (status = 201, body = Matter),
    (status = 400, description = "deputy.invalid_input", body = ErrorBody),
    (status = 409, description = "deputy.not_a_deputy", body = ErrorBody)))]
pub async fn open_case(
    user: AuthUser,
    body: web::Json<CaseRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, DeputyError> {
    let case = matters::open_case(db.get_ref(), user.into(), &body, rid(&request_id)).await?;
    Ok(HttpResponse::Created().json(case))
}

/// Put a question (质询) to an organisation: a deputy to any, a member to their own or one
/// above it.
#[utoipa::path(post, path = "/api/v1/questions", tag = "deputies", security(("bearer" = [])),
    request_body = QuestionRequest, responses(
    (status = 201, body = Matter),
    (status = 400, description = "deputy.invalid_input", body = ErrorBody),
    (status = 404, description = "deputy.not_found", body = ErrorBody)))]
pub async fn ask_question(
    user: AuthUser,
    body: web::Json<QuestionRequest>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<DeputySettings>,
    request_id: RequestId,
) -> Result<HttpResponse, DeputyError> {
    let question = matters::ask(
        db.get_ref(),
        &settings,
        user.into(),
        &body,
        rid(&request_id),
    )
    .await?;
    Ok(HttpResponse::Created().json(question))
}

/// Draft a proposal (提案) with co-signers, who each confirm before it is submitted.
#[utoipa::path(post, path = "/api/v1/proposals", tag = "deputies", security(("bearer" = [])),
    request_body = ProposalRequest, responses(
    (status = 201, body = Matter),
    (status = 400, description = "deputy.invalid_input", body = ErrorBody),
    (status = 404, description = "deputy.not_found", body = ErrorBody),
    (status = 409, description = "deputy.not_a_deputy", body = ErrorBody)))]
pub async fn draft_proposal(
    user: AuthUser,
    body: web::Json<ProposalRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, DeputyError> {
    let proposal = matters::draft(db.get_ref(), user.into(), &body, rid(&request_id)).await?;
    Ok(HttpResponse::Created().json(proposal))
}

/// A case, question or proposal with its timeline (its raiser, deputy, co-signers, the
/// organisations it was addressed or forwarded to; public questions to the asker's
/// organisation).
#[utoipa::path(get, path = "/api/v1/matters/{id}", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = Matter),
    (status = 404, description = "deputy.not_found", body = ErrorBody)))]
pub async fn get_matter(
    who: AnyRequester,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Matter>, DeputyError> {
    Ok(web::Json(
        matters::one(db.get_ref(), &who.0, path.into_inner()).await?,
    ))
}

/// Take a step on a matter: `forward` / `close` (the case's deputy), `return` / `answer` /
/// `make_private` (the handling organisation), `cosign` / `submit` (the deputies of a
/// proposal), `accept` / `reject` (the committee it was submitted to). Audited.
#[utoipa::path(post, path = "/api/v1/matters/{id}/steps", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = Move, responses(
    (status = 200, body = Matter),
    (status = 400, description = "deputy.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "deputy.not_found", body = ErrorBody),
    (status = 409, description = "deputy.wrong_state", body = ErrorBody)))]
pub async fn matter_step(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<Move>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<DeputySettings>,
    wechat: web::Data<WechatSettings>,
    request_id: RequestId,
) -> Result<web::Json<Matter>, DeputyError> {
    Ok(web::Json(
        matters::act(
            db.get_ref(),
            &settings,
            &wechat,
            user.into(),
            path.into_inner(),
            body.into_inner(),
            rid(&request_id),
        )
        .await?,
    ))
}

/// The raiser rates the answer; 不满意 sends it back once for a second answer.
#[utoipa::path(post, path = "/api/v1/matters/{id}/rating", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = RatingRequest, responses(
    (status = 200, body = Matter),
    (status = 400, description = "deputy.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden (not the raiser)", body = ErrorBody),
    (status = 404, description = "deputy.not_found", body = ErrorBody),
    (status = 409, description = "deputy.already_rated, deputy.wrong_state", body = ErrorBody)))]
pub async fn rate_matter(
    who: AnyRequester,
    path: web::Path<i64>,
    body: web::Json<RatingRequest>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<DeputySettings>,
    request_id: RequestId,
) -> Result<web::Json<Matter>, DeputyError> {
    Ok(web::Json(
        matters::rate(
            db.get_ref(),
            &settings,
            &who.0,
            path.into_inner(),
            &body,
            rid(&request_id),
        )
        .await?,
    ))
}

/// My cases, questions and proposals (raised, held as deputy, co-signed).
#[utoipa::path(get, path = "/api/v1/me/matters", tag = "deputies", security(("bearer" = [])),
    responses((status = 200, body = [Matter])))]
pub async fn my_matters(
    who: AnyRequester,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Matter>>, DeputyError> {
    Ok(web::Json(matters::mine(db.get_ref(), &who.0).await?))
}

/// Questions members of my organisation asked, with their answers (unless made private).
#[utoipa::path(get, path = "/api/v1/me/org-questions", tag = "deputies", security(("bearer" = [])),
    responses((status = 200, body = [Matter])))]
pub async fn org_questions(
    user: AuthUser,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Matter>>, DeputyError> {
    Ok(web::Json(
        matters::questions_of_my_org(db.get_ref(), user.into()).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct InboxQuery {
    /// case / question / proposal
    pub kind: Option<String>,
    /// One status (e.g. forwarded)
    pub status: Option<String>,
    /// Only matters past their deadline and not answered
    #[serde(default)]
    pub overdue: bool,
    #[param(value_type = Option<u64>, minimum = 1, maximum = 100_000)]
    pub page: Option<crate::pagination::PageNumber>,
    #[param(value_type = Option<u64>, minimum = 1, maximum = 100)]
    pub per_page: Option<crate::pagination::PerPage>,
}

/// What an organisation and those under it must answer or accept, earliest deadline first
/// (staff who read the organisation).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/matters", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path), InboxQuery), responses(
    (status = 200, body = Page<Matter>),
    (status = 400, description = "deputy.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn org_matters(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<InboxQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Page<Matter>>, DeputyError> {
    let filter = InboxFilter {
        kind: query
            .kind
            .as_deref()
            .map(MatterKind::parse)
            .transpose()
            .map_err(invalid)?,
        status: query
            .status
            .as_deref()
            .map(MatterStatus::parse)
            .transpose()
            .map_err(invalid)?,
        overdue: query.overdue,
    };
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    };
    Ok(web::Json(
        matters::inbox(
            db.get_ref(),
            user.into(),
            path.into_inner(),
            filter,
            page.resolve(),
        )
        .await?,
    ))
}

/// Record a research inspection (调研视察) I organised; the report is uploaded as an
/// attachment with `owner_type=deputy_inspection`.
#[utoipa::path(post, path = "/api/v1/inspections", tag = "deputies", security(("bearer" = [])),
    request_body = InspectionRequest, responses(
    (status = 201, body = Inspection),
    (status = 400, description = "deputy.invalid_input", body = ErrorBody),
    (status = 409, description = "deputy.not_a_deputy", body = ErrorBody)))]
pub async fn record_inspection(
    user: AuthUser,
    body: web::Json<InspectionRequest>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, DeputyError> {
    let inspection = inspections::record(db.get_ref(), user.into(), &body).await?;
    Ok(HttpResponse::Created().json(inspection))
}

/// One inspection (the deputies who took part; staff who read the organiser's organisation).
#[utoipa::path(get, path = "/api/v1/inspections/{id}", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = Inspection),
    (status = 404, description = "deputy.not_found", body = ErrorBody)))]
pub async fn get_inspection(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Inspection>, DeputyError> {
    Ok(web::Json(
        inspections::one(db.get_ref(), user.into(), path.into_inner()).await?,
    ))
}

/// The inspections I took part in.
#[utoipa::path(get, path = "/api/v1/me/inspections", tag = "deputies", security(("bearer" = [])),
    responses((status = 200, body = [Inspection])))]
pub async fn my_inspections(
    user: AuthUser,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Inspection>>, DeputyError> {
    Ok(web::Json(
        inspections::mine(db.get_ref(), user.into()).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct DeputyYearQuery {
    /// YYYY, 2014 to this year (default: this year)
    pub year: Option<i32>,
}

/// A deputy's year: duty slots served against the rota, receptions, cases and their
/// outcomes, inspections, proposals, questions (the deputy; staff who read their organisation).
#[utoipa::path(get, path = "/api/v1/people/{id}/deputy-duties", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path), DeputyYearQuery), responses(
    (status = 200, body = DeputyYear),
    (status = 400, description = "deputy.invalid_input", body = ErrorBody),
    (status = 404, description = "deputy.not_found", body = ErrorBody)))]
pub async fn deputy_year(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<DeputyYearQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<DeputyYear>, DeputyError> {
    Ok(web::Json(
        year::of_person(db.get_ref(), user.into(), path.into_inner(), query.year).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct OrgDeputiesQuery {
    pub year: Option<i32>,
    /// city / county / township
    pub level: Option<String>,
    /// json (default, paginated) or xlsx (everyone)
    pub format: Option<String>,
    #[param(value_type = Option<u64>, minimum = 1, maximum = 100_000)]
    pub page: Option<crate::pagination::PageNumber>,
    #[param(value_type = Option<u64>, minimum = 1, maximum = 100)]
    pub per_page: Option<crate::pagination::PerPage>,
}

/// Every deputy under an organisation with their year, by name; `format=xlsx` downloads
/// the workbook of all of them (staff who read the organisation).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/deputy-duties", tag = "deputies", security(("bearer" = [])),
    params(("id" = i64, Path), OrgDeputiesQuery), responses(
    (status = 200, body = OrgDeputies),
    (status = 400, description = "deputy.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn org_deputy_years(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<OrgDeputiesQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, DeputyError> {
    let format = json_or_xlsx(query.format.as_deref()).map_err(invalid)?;
    let level = query
        .level
        .as_deref()
        .map(DeputyLevel::parse)
        .transpose()
        .map_err(invalid)?;
    let whole = matches!(format, Format::Xlsx);
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    };
    let list = year::of_org(
        db.get_ref(),
        user.into(),
        path.into_inner(),
        query.year,
        level,
        (!whole).then(|| page.resolve()),
    )
    .await?;
    Ok(if whole {
        let name = format!("deputies-{}", list.year);
        download(year::workbook(&list)?, &format, &name)
    } else {
        HttpResponse::Ok().json(list)
    })
}
