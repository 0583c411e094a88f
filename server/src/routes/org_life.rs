//! Organisational life beyond the monthly meeting: political birthdays (政治生日) and open
//! Party affairs (党务公开).
use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use tracing_actix_web::RequestId;
use utoipa::IntoParams;

use crate::{
    auth::{AnyRequester, AuthUser},
    config::DeputySettings,
    deputies::matters::Matter,
    error::ErrorBody,
    org_life::{
        LifeError,
        birthdays::{self, Birthday, CelebrateRequest, ItemsRequest, ListFilter},
        notices::{self, MyNotices, Notice, NoticeQuestion, NoticeRequest, Readers},
        pairs::{self, EntryRequest, Pair, PairEntry, PairRequest, PairYear},
    },
    pagination::{Page, PageQuery},
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

/// Publish a notice (党务, 政务 or 财务) of an organisation I organise: to its members, its
/// whole subtree, or also the public of a community under it (audited).
#[utoipa::path(post, path = "/api/v1/orgs/{id}/notices", tag = "org_life", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = NoticeRequest, responses(
    (status = 201, body = Notice),
    (status = 400, description = "life.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "life.not_found", body = ErrorBody)))]
pub async fn publish_notice(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<NoticeRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, LifeError> {
    let notice = notices::publish(
        db.get_ref(),
        user.into(),
        path.into_inner(),
        &body,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(HttpResponse::Created().json(notice))
}

/// The notices that reach me, newest first, with how many I have not opened.
#[utoipa::path(get, path = "/api/v1/me/notices", tag = "org_life", security(("bearer" = [])),
    params(PageQuery), responses((status = 200, body = MyNotices)))]
pub async fn my_notices(
    user: AuthUser,
    query: web::Query<PageQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<MyNotices>, LifeError> {
    Ok(web::Json(
        notices::mine(db.get_ref(), user.into(), query.resolve()).await?,
    ))
}

/// One notice; the first opening by a member it reaches is their read receipt.
#[utoipa::path(get, path = "/api/v1/notices/{id}", tag = "org_life", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = Notice),
    (status = 404, description = "life.not_found", body = ErrorBody)))]
pub async fn open_notice(
    who: AnyRequester,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Notice>, LifeError> {
    Ok(web::Json(
        notices::open(db.get_ref(), &who.0, path.into_inner()).await?,
    ))
}

/// Who a notice is for and who has not read it (staff who read its organisation).
#[utoipa::path(get, path = "/api/v1/notices/{id}/readers", tag = "org_life", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = Readers),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "life.not_found", body = ErrorBody)))]
pub async fn notice_readers(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Readers>, LifeError> {
    Ok(web::Json(
        notices::readers(db.get_ref(), user.into(), path.into_inner()).await?,
    ))
}

/// A community's public notices (anyone, the public included).
#[utoipa::path(get, path = "/api/v1/communities/{id}/notices", tag = "org_life", security(("bearer" = [])),
    params(("id" = i64, Path), PageQuery), responses((status = 200, body = Page<Notice>)))]
pub async fn community_notices(
    _who: AnyRequester,
    path: web::Path<i64>,
    query: web::Query<PageQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Page<Notice>>, LifeError> {
    Ok(web::Json(
        notices::of_community(db.get_ref(), path.into_inner(), query.resolve()).await?,
    ))
}

/// Ask about a notice: a question (质询) to the publishing organisation, with its deadline
/// and my rating of the answer.
#[utoipa::path(post, path = "/api/v1/notices/{id}/questions", tag = "org_life", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = NoticeQuestion, responses(
    (status = 201, body = Matter),
    (status = 400, description = "life.invalid_input", body = ErrorBody),
    (status = 404, description = "life.not_found", body = ErrorBody)))]
pub async fn ask_about_notice(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<NoticeQuestion>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<DeputySettings>,
    request_id: RequestId,
) -> Result<HttpResponse, LifeError> {
    let question = notices::ask_about(
        db.get_ref(),
        &settings,
        user.into(),
        path.into_inner(),
        &body,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(HttpResponse::Created().json(question))
}

/// Pair two organisations for a period with goals (结对共建; the organisation department over
/// both; audited).
#[utoipa::path(post, path = "/api/v1/org-pairs", tag = "org_life", security(("bearer" = [])),
    request_body = PairRequest, responses(
    (status = 201, body = Pair),
    (status = 400, description = "life.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "life.not_found", body = ErrorBody),
    (status = 409, description = "life.conflict (already paired then)", body = ErrorBody)))]
pub async fn create_pair(
    user: AuthUser,
    body: web::Json<PairRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, LifeError> {
    let pair = pairs::create(
        db.get_ref(),
        user.into(),
        &body,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(HttpResponse::Created().json(pair))
}

/// The pairs an organisation is part of.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/pairs", tag = "org_life", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = [Pair]),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn org_pairs(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Pair>>, LifeError> {
    Ok(web::Json(
        pairs::of_org(db.get_ref(), user.into(), path.into_inner()).await?,
    ))
}

/// Log an exchange or help given between the pair (one side's organisers).
#[utoipa::path(post, path = "/api/v1/org-pairs/{id}/entries", tag = "org_life", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = EntryRequest, responses(
    (status = 201, body = PairEntry),
    (status = 400, description = "life.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "life.not_found", body = ErrorBody)))]
pub async fn log_pair_entry(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<EntryRequest>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, LifeError> {
    let entry = pairs::log_entry(db.get_ref(), user.into(), path.into_inner(), &body).await?;
    Ok(HttpResponse::Created().json(entry))
}

#[derive(Deserialize, IntoParams)]
pub struct PairYearQuery {
    /// YYYY (default: this year)
    pub year: Option<i32>,
}

/// The pair's year: joint activities with each side's own attendance, exchanges, help given.
#[utoipa::path(get, path = "/api/v1/org-pairs/{id}/year", tag = "org_life", security(("bearer" = [])),
    params(("id" = i64, Path), PairYearQuery), responses(
    (status = 200, body = PairYear),
    (status = 400, description = "life.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "life.not_found", body = ErrorBody)))]
pub async fn pair_year(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<PairYearQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<PairYear>, LifeError> {
    Ok(web::Json(
        pairs::year(db.get_ref(), user.into(), path.into_inner(), query.year).await?,
    ))
}
