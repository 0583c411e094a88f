//! Service items, posts and volunteer activities of communities, and claims on them.
use actix_web::web;
use base64::{Engine, engine::general_purpose::STANDARD};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    auth::AuthUser,
    authz,
    checkin::CheckinService,
    clock,
    community::{
        CommunityError,
        claims::{self, ClaimDesk, ClaimOutcome},
        items::{self, ClaimView, ItemView, NewItem},
        volunteer,
    },
    config::CommunitySettings,
    entities::{organisation, person, service_claim},
    error::ErrorBody,
};
use crate::{checkin::venue::code_for, qr::qr_png};

pub use crate::community::RUN_COMMUNITY;

pub async fn community(
    db: &DatabaseConnection,
    id: i64,
) -> Result<organisation::Model, CommunityError> {
    crate::community::find_community(db, id).await
}

pub async fn require_runner(
    db: &DatabaseConnection,
    user: AuthUser,
    community_id: i64,
) -> Result<(), CommunityError> {
    authz::require(db, user, RUN_COMMUNITY, community_id).await?;
    Ok(())
}

pub async fn me(db: &DatabaseConnection, user: AuthUser) -> Result<person::Model, CommunityError> {
    crate::people::find(db, user.person_id)
        .await?
        .filter(|p| p.active)
        .ok_or(CommunityError::Forbidden)
}

/// Publish a service item, post or volunteer activity (community admins, volunteer leads).
#[utoipa::path(post, path = "/api/v1/communities/{id}/service-items", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = NewItem, responses(
    (status = 201, body = ItemView),
    (status = 400, description = "community.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "community.not_found", body = ErrorBody)))]
pub async fn create_item(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<NewItem>,
    db: web::Data<DatabaseConnection>,
) -> Result<actix_web::HttpResponse, CommunityError> {
    let community = community(&db, path.into_inner()).await?;
    require_runner(&db, user, community.id).await?;
    let item = items::create(db.get_ref(), &community, user.person_id, &body).await?;
    Ok(actix_web::HttpResponse::Created()
        .json(items::item_view(db.get_ref(), item, user.person_id).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct ItemQuery {
    /// item, post or volunteer
    pub kind: Option<String>,
    #[param(value_type = Option<u64>, minimum = 1, maximum = 100_000)]
    pub page: Option<crate::pagination::PageNumber>,
    pub per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct ItemPage {
    pub items: Vec<ItemView>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

/// A community's service items, posts and volunteer activities, soonest first.
#[utoipa::path(get, path = "/api/v1/communities/{id}/service-items", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path), ItemQuery), responses(
    (status = 200, body = ItemPage),
    (status = 404, description = "community.not_found", body = ErrorBody)))]
pub async fn list_items(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<ItemQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<ItemPage>, CommunityError> {
    let page = items::of_community(
        db.get_ref(),
        user.person_id,
        path.into_inner(),
        query.kind.as_deref(),
        (
            query.page.map_or(0, crate::pagination::PageNumber::index),
            query.per_page.unwrap_or(20),
        ),
    )
    .await?;
    Ok(web::Json(ItemPage {
        items: page.items,
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    }))
}

/// One service item, with my claim if I have one.
#[utoipa::path(get, path = "/api/v1/service-items/{id}", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = ItemView),
    (status = 404, description = "service.item_not_found", body = ErrorBody)))]
pub async fn get_item(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<CommunitySettings>,
) -> Result<web::Json<ItemView>, CommunityError> {
    let id = path.into_inner();
    claims::sweep_item(&db, id, clock::now(), settings.get_ref()).await?;
    let item = claims::find_item(db.get_ref(), id).await?;
    Ok(web::Json(
        items::item_view(db.get_ref(), item, user.person_id).await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ClaimResponse {
    /// ok, full (waitlisted), already_claimed, not_open_yet, closed, not_reported, time_clash
    pub result: ClaimOutcome,
    pub message: String,
    pub claim: Option<ClaimView>,
}

/// Claim a place (认领). Every outcome is a 200 with a `result`; `full` puts the person on
/// the waitlist. Capacity is never exceeded, whatever the concurrency.
#[utoipa::path(post, path = "/api/v1/service-items/{id}/claims", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = ClaimResponse),
    (status = 404, description = "service.item_not_found", body = ErrorBody)))]
pub async fn claim_item(
    user: AuthUser,
    path: web::Path<i64>,
    desk: web::Data<ClaimDesk>,
) -> Result<web::Json<ClaimResponse>, CommunityError> {
    let answer = desk.claim_for(user.person_id, path.into_inner()).await?;
    Ok(web::Json(ClaimResponse {
        result: answer.outcome,
        message: answer.outcome.message().to_owned(),
        claim: answer.claim,
    }))
}

async fn my_claim(
    db: &DatabaseConnection,
    user: AuthUser,
    id: i64,
) -> Result<service_claim::Model, CommunityError> {
    let claim = claims::find_claim(db, id).await?;
    // Someone else's claim is "not found" to me.
    if claim.person_id != user.person_id {
        return Err(CommunityError::ClaimNotFound);
    }
    Ok(claim)
}

/// Give up my claim, waitlist place or offer (before sign-up closes); a held place goes to
/// the first person waiting.
#[utoipa::path(post, path = "/api/v1/service-claims/{id}/cancel", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = ClaimView),
    (status = 404, description = "service.claim_not_found", body = ErrorBody),
    (status = 409, description = "service.too_late, community.wrong_state", body = ErrorBody)))]
pub async fn cancel_claim(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<CommunitySettings>,
) -> Result<web::Json<ClaimView>, CommunityError> {
    let claim = my_claim(&db, user, path.into_inner()).await?;
    let updated = claims::cancel(&db, claim, settings.get_ref(), false).await?;
    Ok(web::Json(
        items::claim_view(db.get_ref(), updated, None).await?,
    ))
}

/// Take up an offered place before its deadline.
#[utoipa::path(post, path = "/api/v1/service-claims/{id}/confirm", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = ClaimView),
    (status = 404, description = "service.claim_not_found", body = ErrorBody),
    (status = 409, description = "service.offer_expired, community.wrong_state", body = ErrorBody)))]
pub async fn confirm_claim(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<CommunitySettings>,
) -> Result<web::Json<ClaimView>, CommunityError> {
    let claim = my_claim(&db, user, path.into_inner()).await?;
    let updated = claims::confirm(&db, claim, settings.get_ref()).await?;
    Ok(web::Json(
        items::claim_view(db.get_ref(), updated, None).await?,
    ))
}

/// Decline an offered place; it goes to the next person waiting.
#[utoipa::path(post, path = "/api/v1/service-claims/{id}/decline", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = ClaimView),
    (status = 404, description = "service.claim_not_found", body = ErrorBody),
    (status = 409, description = "community.wrong_state", body = ErrorBody)))]
pub async fn decline_claim(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<CommunitySettings>,
) -> Result<web::Json<ClaimView>, CommunityError> {
    let claim = my_claim(&db, user, path.into_inner()).await?;
    let updated = claims::cancel(&db, claim, settings.get_ref(), true).await?;
    Ok(web::Json(
        items::claim_view(db.get_ref(), updated, None).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct MyClaimsQuery {
    /// Only claims on items held in this year.
    pub year: Option<i32>,
}

/// My claims, newest first, with what and where.
#[utoipa::path(get, path = "/api/v1/me/service-claims", tag = "community", security(("bearer" = [])),
    params(MyClaimsQuery), responses((status = 200, body = [claims::MyClaim])))]
pub async fn my_claims(
    user: AuthUser,
    query: web::Query<MyClaimsQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<claims::MyClaim>>, CommunityError> {
    if let Some(year) = query.year {
        crate::domain::dates::check_year(year).map_err(CommunityError::InvalidInput)?;
    }
    Ok(web::Json(
        claims::mine(db.get_ref(), user.person_id, query.year).await?,
    ))
}

/// Everyone's claims on an item (its community's admins).
#[utoipa::path(get, path = "/api/v1/service-items/{id}/claims", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = [ClaimView]),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn list_claims(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<ClaimView>>, CommunityError> {
    let (_, claims) = items::with_claims(&db, user.into(), path.into_inner()).await?;
    Ok(web::Json(claims))
}

#[derive(Deserialize, ToSchema)]
pub struct AttendanceEntry {
    pub person_id: i64,
    pub hours: f64,
}

#[derive(Deserialize, ToSchema)]
pub struct AttendanceRequest {
    pub entries: Vec<AttendanceEntry>,
}

/// Confirm who came and for how long; others holding a place become no-shows.
#[utoipa::path(post, path = "/api/v1/service-items/{id}/attendance", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = AttendanceRequest, responses(
    (status = 200, body = [ClaimView]),
    (status = 400, description = "community.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 409, description = "community.wrong_state (not started yet)", body = ErrorBody)))]
pub async fn confirm_attendance(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<AttendanceRequest>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<ClaimView>>, CommunityError> {
    let item = claims::find_item(db.get_ref(), path.into_inner()).await?;
    require_runner(&db, user, item.community_id).await?;
    let entries: Vec<(i64, f64)> = body
        .entries
        .iter()
        .map(|e| (e.person_id, e.hours))
        .collect();
    let rows = volunteer::confirm_attendance(&db, &item, user.person_id, &entries).await?;
    Ok(web::Json(
        items::claim_views(db.get_ref(), &item, &rows).await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct VolunteerQr {
    pub url: String,
    pub token: String,
    pub window_seconds: i32,
    pub valid_until: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub png_base64: String,
}

/// The rotating check-in QR of a volunteer activity (same format as meetings').
#[utoipa::path(get, path = "/api/v1/service-items/{id}/qr", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = VolunteerQr),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 409, description = "community.wrong_state (not a volunteer activity)", body = ErrorBody)))]
pub async fn volunteer_qr(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    service: web::Data<CheckinService>,
) -> Result<web::Json<VolunteerQr>, CommunityError> {
    let item = claims::find_item(db.get_ref(), path.into_inner()).await?;
    require_runner(&db, user, item.community_id).await?;
    let code = item.code.clone().ok_or_else(|| {
        CommunityError::WrongState("only volunteer activities are checked in by QR".into())
    })?;
    let venue = code_for(&service, &code, item.window_seconds);
    let png = qr_png(&venue.url).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(web::Json(VolunteerQr {
        png_base64: STANDARD.encode(png),
        valid_until: venue.valid_until,
        window_seconds: item.window_seconds,
        url: venue.url,
        token: venue.token,
    }))
}
