//! Organisational life beyond the monthly meeting: political birthdays (政治生日).
use actix_web::web;
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    auth::AuthUser,
    error::ErrorBody,
    org_life::{
        LifeError,
        birthdays::{self, Birthday, CelebrateRequest, ItemsRequest, ListFilter},
    },
};

#[derive(Deserialize, IntoParams)]
pub struct BirthdayQuery {
    /// YYYY (default: this year)
    pub year: Option<i32>,
    /// 1–12: only that month's birthdays
    pub month: Option<u32>,
    /// Only those not yet celebrated this year
    #[serde(default)]
    pub pending: bool,
}

/// Whose political birthday falls in a year or month under an organisation, with how many
/// years they have been in the Party and what was recorded (staff who read it).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/political-birthdays", tag = "org_life", security(("bearer" = [])),
    params(("id" = i64, Path), BirthdayQuery), responses(
    (status = 200, body = [Birthday]),
    (status = 400, description = "life.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn org_birthdays(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<BirthdayQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Birthday>>, LifeError> {
    let filter = ListFilter {
        year: query.year,
        month: query.month,
        pending: query.pending,
    };
    Ok(web::Json(
        birthdays::of_org(db.get_ref(), user.into(), path.into_inner(), filter).await?,
    ))
}

/// My political birthday this year (the card).
#[utoipa::path(get, path = "/api/v1/me/political-birthday", tag = "org_life", security(("bearer" = [])),
    responses(
    (status = 200, body = Birthday),
    (status = 404, description = "life.not_found (no joining date on the roster)", body = ErrorBody)))]
pub async fn my_birthday(
    user: AuthUser,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Birthday>, LifeError> {
    Ok(web::Json(birthdays::mine(db.get_ref(), user.into()).await?))
}

/// Name the members a 政治生日 activity celebrates (the branch's organisers; all or nothing).
#[utoipa::path(post, path = "/api/v1/plans/{id}/political-birthdays", tag = "org_life", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = CelebrateRequest, responses(
    (status = 200, body = [Birthday]),
    (status = 400, description = "life.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "life.not_found", body = ErrorBody),
    (status = 409, description = "life.conflict (already celebrated this year)", body = ErrorBody)))]
pub async fn celebrate(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<CelebrateRequest>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Birthday>>, LifeError> {
    Ok(web::Json(
        birthdays::celebrate(db.get_ref(), user.into(), path.into_inner(), &body).await?,
    ))
}

/// Record the four items of one member's celebration; `secretary_talk` records the
/// caller's talk with the member (counted for their duties).
#[utoipa::path(patch, path = "/api/v1/political-birthdays/{id}", tag = "org_life", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ItemsRequest, responses(
    (status = 200, body = Birthday),
    (status = 400, description = "life.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "life.not_found", body = ErrorBody)))]
pub async fn record_items(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<ItemsRequest>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Birthday>, LifeError> {
    Ok(web::Json(
        birthdays::record_items(db.get_ref(), user.into(), path.into_inner(), &body).await?,
    ))
}
