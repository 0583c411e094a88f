//! Leaders' duties (§二.3): contact points, the duty log, talks, the year's progress and the
//! organisation department's list of who is behind.
use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use tracing_actix_web::RequestId;
use utoipa::{IntoParams, ToSchema};

use super::download::{Format, download, json_or_xlsx};
use crate::{
    auth::AuthUser,
    config::DutySettings,
    duties::{
        DutyError,
        contact_points::{self, Assignment, ContactPoint},
        error::invalid,
        log::{self, DutyEntry, EntryPatch, EntryRequest},
        progress::{self, DutyProgress, OrgDuties},
        talks::{self, Talk, TalkPatch, TalkRequest},
    },
    error::ErrorBody,
    pagination::{PageNumber, PerPage},
};

#[derive(Deserialize, ToSchema)]
pub struct ContactPointRequest {
    /// A grassroots branch (村、社区、企业党支部).
    pub org_id: i64,
    /// YYYY-MM-DD
    pub valid_from: String,
    /// YYYY-MM-DD; open-ended when left out.
    pub valid_until: Option<String>,
}

/// Assign a leading cadre a contact point (the organisation department; audited).
#[utoipa::path(post, path = "/api/v1/people/{id}/contact-points", tag = "duties", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ContactPointRequest, responses(
    (status = 201, body = ContactPoint),
    (status = 400, description = "duty.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "duty.not_found", body = ErrorBody),
    (status = 409, description = "duty.not_a_leader, duty.overlap", body = ErrorBody)))]
pub async fn assign_contact_point(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<ContactPointRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, DutyError> {
    let assignment = Assignment {
        org_id: body.org_id,
        valid_from: &body.valid_from,
        valid_until: body.valid_until.as_deref(),
    };
    let point = contact_points::assign(
        db.get_ref(),
        user.into(),
        path.into_inner(),
        assignment,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(HttpResponse::Created().json(point))
}

/// A person's contact points (themselves, or staff who read their organisation).
#[utoipa::path(get, path = "/api/v1/people/{id}/contact-points", tag = "duties", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = [ContactPoint]),
    (status = 404, description = "duty.not_found", body = ErrorBody)))]
pub async fn contact_points_of(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<ContactPoint>>, DutyError> {
    Ok(web::Json(
        contact_points::of_person(db.get_ref(), user.into(), path.into_inner()).await?,
    ))
}

/// My contact points.
#[utoipa::path(get, path = "/api/v1/me/contact-points", tag = "duties", security(("bearer" = [])),
    responses((status = 200, body = [ContactPoint])))]
pub async fn my_contact_points(
    user: AuthUser,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<ContactPoint>>, DutyError> {
    Ok(web::Json(
        contact_points::of_person(db.get_ref(), user.into(), user.person_id).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct YearQuery {
    /// YYYY, 2014 to this year (default: this year)
    pub year: Option<i32>,
}

/// Log a duty I did (research, a stay, a visit, a contact-point activity, a report).
#[utoipa::path(post, path = "/api/v1/me/duties", tag = "duties", security(("bearer" = [])),
    request_body = EntryRequest, responses(
    (status = 201, body = DutyEntry),
    (status = 400, description = "duty.invalid_input, duty.not_contact_point", body = ErrorBody),
    (status = 404, description = "duty.not_found (corrects)", body = ErrorBody),
    (status = 409, description = "duty.overlap", body = ErrorBody)))]
pub async fn log_duty(
    user: AuthUser,
    body: web::Json<EntryRequest>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<DutySettings>,
    request_id: RequestId,
) -> Result<HttpResponse, DutyError> {
    let entry = log::log(
        db.get_ref(),
        &settings,
        user.into(),
        &body,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(HttpResponse::Created().json(entry))
}

/// My duty entries of a year, newest first.
#[utoipa::path(get, path = "/api/v1/me/duties", tag = "duties", security(("bearer" = [])),
    params(YearQuery), responses(
    (status = 200, body = [DutyEntry]),
    (status = 400, description = "duty.invalid_input", body = ErrorBody)))]
pub async fn my_duties(
    user: AuthUser,
    query: web::Query<YearQuery>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<DutySettings>,
) -> Result<web::Json<Vec<DutyEntry>>, DutyError> {
    Ok(web::Json(
        log::mine(db.get_ref(), &settings, user.into(), query.year).await?,
    ))
}

/// Change one of my entries within its correction period.
#[utoipa::path(patch, path = "/api/v1/duty-entries/{id}", tag = "duties", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = EntryPatch, responses(
    (status = 200, body = DutyEntry),
    (status = 400, description = "duty.invalid_input, duty.not_contact_point", body = ErrorBody),
    (status = 404, description = "duty.not_found", body = ErrorBody),
    (status = 409, description = "duty.correction_closed, duty.overlap", body = ErrorBody)))]
pub async fn change_duty(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<EntryPatch>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<DutySettings>,
) -> Result<web::Json<DutyEntry>, DutyError> {
    Ok(web::Json(
        log::change(
            db.get_ref(),
            &settings,
            user.into(),
            path.into_inner(),
            &body,
        )
        .await?,
    ))
}

/// Record a talk I held (谈心谈话). The notes are seen only by the two people in it.
#[utoipa::path(post, path = "/api/v1/me/talks", tag = "duties", security(("bearer" = [])),
    request_body = TalkRequest, responses(
    (status = 201, body = Talk),
    (status = 400, description = "duty.invalid_input, duty.talk_with_self", body = ErrorBody),
    (status = 404, description = "duty.not_found (corrects)", body = ErrorBody)))]
pub async fn record_talk(
    user: AuthUser,
    body: web::Json<TalkRequest>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<DutySettings>,
    request_id: RequestId,
) -> Result<HttpResponse, DutyError> {
    let talk = talks::record(
        db.get_ref(),
        &settings,
        user.into(),
        &body,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(HttpResponse::Created().json(talk))
}

/// Change the date or notes of a talk I held, within its correction period.
#[utoipa::path(patch, path = "/api/v1/talks/{id}", tag = "duties", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = TalkPatch, responses(
    (status = 200, body = Talk),
    (status = 400, description = "duty.invalid_input", body = ErrorBody),
    (status = 404, description = "duty.not_found", body = ErrorBody),
    (status = 409, description = "duty.correction_closed", body = ErrorBody)))]
pub async fn change_talk(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<TalkPatch>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<DutySettings>,
) -> Result<web::Json<Talk>, DutyError> {
    Ok(web::Json(
        talks::change(
            db.get_ref(),
            &settings,
            user.into(),
            path.into_inner(),
            &body,
        )
        .await?,
    ))
}

/// Talks I held or was talked with in a year, with their notes.
#[utoipa::path(get, path = "/api/v1/me/talks", tag = "duties", security(("bearer" = [])),
    params(YearQuery), responses(
    (status = 200, body = [Talk]),
    (status = 400, description = "duty.invalid_input", body = ErrorBody)))]
pub async fn my_talks(
    user: AuthUser,
    query: web::Query<YearQuery>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<DutySettings>,
) -> Result<web::Json<Vec<Talk>>, DutyError> {
    Ok(web::Json(
        talks::mine(db.get_ref(), &settings, user.into(), query.year).await?,
    ))
}

/// One talk: the notes only for its two people; staff of the leader's organisation see
/// that it happened and when.
#[utoipa::path(get, path = "/api/v1/talks/{id}", tag = "duties", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = Talk),
    (status = 404, description = "duty.not_found", body = ErrorBody)))]
pub async fn get_talk(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<DutySettings>,
) -> Result<web::Json<Talk>, DutyError> {
    Ok(web::Json(
        talks::one(db.get_ref(), &settings, user.into(), path.into_inner()).await?,
    ))
}

/// A person's year against the quotas, with where each count came from.
#[utoipa::path(get, path = "/api/v1/people/{id}/duties", tag = "duties", security(("bearer" = [])),
    params(("id" = i64, Path), YearQuery), responses(
    (status = 200, body = DutyProgress),
    (status = 400, description = "duty.invalid_input", body = ErrorBody),
    (status = 404, description = "duty.not_found", body = ErrorBody)))]
pub async fn person_duties(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<YearQuery>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<DutySettings>,
) -> Result<web::Json<DutyProgress>, DutyError> {
    Ok(web::Json(
        progress::of_person(
            db.get_ref(),
            &settings,
            user.into(),
            path.into_inner(),
            query.year,
        )
        .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct OrgDutiesQuery {
    /// YYYY, 2014 to this year (default: this year)
    pub year: Option<i32>,
    /// Only people behind on something.
    pub behind_only: Option<bool>,
    /// json (default) or xlsx (the whole list)
    pub format: Option<String>,
    #[param(value_type = Option<u64>, minimum = 1, maximum = 100_000)]
    pub page: Option<PageNumber>,
    #[param(value_type = Option<u64>, minimum = 1, maximum = 100)]
    pub per_page: Option<PerPage>,
}

/// The leaders and secretaries of a subtree and what each is behind on (furthest behind
/// first); `format=xlsx` downloads the whole list.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/duties", tag = "duties", security(("bearer" = [])),
    params(("id" = i64, Path), OrgDutiesQuery), responses(
    (status = 200, body = OrgDuties),
    (status = 400, description = "duty.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "duty.not_found", body = ErrorBody)))]
pub async fn org_duties(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<OrgDutiesQuery>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<DutySettings>,
) -> Result<HttpResponse, DutyError> {
    let format = json_or_xlsx(query.format.as_deref()).map_err(invalid)?;
    let page = crate::pagination::PageQuery {
        page: query.page,
        per_page: query.per_page,
    };
    let whole = matches!(format, Format::Xlsx);
    let list: OrgDuties = progress::of_org(
        db.get_ref(),
        &settings,
        user.into(),
        path.into_inner(),
        query.year,
        query.behind_only.unwrap_or(false),
        (!whole).then(|| page.resolve()),
    )
    .await?;
    Ok(if whole {
        let name = format!("duties-{}", list.year);
        download(progress::workbook(&list)?, &format, &name)
    } else {
        HttpResponse::Ok().json(list)
    })
}
