//! People on the roster: list, create, read, update, invite codes, unbinding, roster import
//! and export. Each handler parses its request and calls one `directory::manage` function.
use actix_web::{HttpRequest, HttpResponse, http::header, web};
use sea_orm::DatabaseConnection;
use tracing_actix_web::RequestId;

use crate::{
    auth::AuthUser,
    config::AuthSettings,
    directory::{
        DirectoryError,
        manage::{
            self, ExportQuery, ImportReport, InviteResponse, PeopleQuery, PersonRequest,
            PersonResponse, UnbindRequest,
        },
    },
    domain::InviteKey,
    error::ErrorBody,
    pagination::{Page, PageQuery},
};

/// People of this organisation and everything under it, by name.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/people", tag = "directory", security(("bearer" = [])),
    params(("id" = i64, Path), PageQuery, PeopleQuery), responses(
    (status = 200, description = "A page of people", body = Page<PersonResponse>),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn list_people(
    user: AuthUser,
    path: web::Path<i64>,
    page: web::Query<PageQuery>,
    filter: web::Query<PeopleQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Page<PersonResponse>>, DirectoryError> {
    Ok(web::Json(
        manage::list_people(&db, user.into(), *path, &page, &filter).await?,
    ))
}

/// Add a person to a branch's roster.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/people", tag = "directory", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = PersonRequest, responses(
    (status = 201, description = "Created", body = PersonResponse),
    (status = 400, description = "directory.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody),
    (status = 409, description = "person.phone_taken", body = ErrorBody)))]
#[tracing::instrument(name = "Add a person", skip_all, fields(person_id = user.person_id))]
pub async fn create_person(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<PersonRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, DirectoryError> {
    let person =
        manage::create_person(&db, user.into(), *path, &body, Some(request_id.to_string())).await?;
    Ok(HttpResponse::Created().json(person))
}

/// One person (staff in scope, or the person themselves).
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "directory", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "The person", body = PersonResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "person.not_found", body = ErrorBody)))]
pub async fn get_person(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<PersonResponse>, DirectoryError> {
    Ok(web::Json(
        manage::get_person(&db, user.into(), *path).await?,
    ))
}

/// Replace a person's details (secretaries of their branch, org-department admins).
#[utoipa::path(put, path = "/api/v1/people/{id}", tag = "directory", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = PersonRequest, responses(
    (status = 200, description = "Updated", body = PersonResponse),
    (status = 400, description = "directory.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "person.not_found", body = ErrorBody),
    (status = 409, description = "person.phone_taken", body = ErrorBody)))]
#[tracing::instrument(name = "Update a person", skip_all, fields(person_id = user.person_id))]
pub async fn update_person(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<PersonRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<PersonResponse>, DirectoryError> {
    Ok(web::Json(
        manage::update_person(&db, user.into(), *path, &body, Some(request_id.to_string())).await?,
    ))
}

/// Issue a one-time invite code for binding this person's WeChat (replaces earlier unused ones).
/// Only someone whose scope covers every role the person holds may do this, and a person
/// whose WeChat is bound needs that binding revoked first.
#[utoipa::path(post, path = "/api/v1/people/{id}/invite", tag = "directory", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 201, description = "A new code; shown once", body = InviteResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "person.not_found", body = ErrorBody),
    (status = 409, description = "person.already_bound", body = ErrorBody)))]
#[tracing::instrument(name = "Issue an invite code", skip_all, fields(person_id = user.person_id))]
pub async fn issue_invite(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<AuthSettings>,
    invite_key: web::Data<InviteKey>,
    request_id: RequestId,
) -> Result<HttpResponse, DirectoryError> {
    let invite = manage::issue_invite(
        &db,
        &settings,
        &invite_key,
        user.into(),
        *path,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(HttpResponse::Created().json(invite))
}

/// Import a roster file (CSV or XLSX) into this organisation: all rows or none.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/roster", tag = "directory", security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body(content = Vec<u8>, content_type = "text/csv", description = "CSV (UTF-8) or XLSX (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet)"),
    responses(
    (status = 200, description = "Imported", body = ImportReport),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody),
    (status = 415, description = "roster.unsupported_format", body = ErrorBody),
    (status = 422, description = "roster.invalid: every problem, by row and column", body = crate::directory::error::RosterErrorBody)))]
#[tracing::instrument(name = "Import a roster", skip_all, fields(person_id = user.person_id))]
pub async fn import_roster(
    user: AuthUser,
    path: web::Path<i64>,
    req: HttpRequest,
    body: web::Bytes,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<ImportReport>, DirectoryError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let report = manage::import_roster(
        &db,
        user.into(),
        *path,
        content_type,
        &body,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(web::Json(report))
}

/// Export the roster of this organisation's subtree, in the import format.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/roster", tag = "directory", security(("bearer" = [])),
    params(("id" = i64, Path), ExportQuery), responses(
    (status = 200, description = "The roster file", content_type = "text/csv"),
    (status = 400, description = "directory.invalid_input (unknown format)", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn export_roster(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<ExportQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, DirectoryError> {
    let file = manage::export_roster(&db, user.into(), *path, &query).await?;
    Ok(HttpResponse::Ok()
        .content_type(file.format.content_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", file.filename),
        ))
        .body(file.bytes))
}

/// Revoke a person's WeChat binding (a lost phone, a binding made by someone else). Only
/// someone whose scope covers every role of the person may; their sign-ins end, the old
/// WeChat account is told, and the person can then be sent a new invite code. Audited.
#[utoipa::path(post, path = "/api/v1/people/{id}/unbind", tag = "directory", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = UnbindRequest, responses(
    (status = 204, description = "Unbound"),
    (status = 400, description = "directory.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "person.not_found", body = ErrorBody),
    (status = 409, description = "person.not_bound", body = ErrorBody)))]
#[tracing::instrument(name = "Revoke a WeChat binding", skip_all, fields(person_id = user.person_id))]
pub async fn unbind_wechat(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<UnbindRequest>,
    db: web::Data<DatabaseConnection>,
    wechat: web::Data<crate::config::WechatSettings>,
    request_id: RequestId,
) -> Result<HttpResponse, DirectoryError> {
    manage::unbind_wechat(
        &db,
        &wechat,
        user.into(),
        *path,
        &body,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
