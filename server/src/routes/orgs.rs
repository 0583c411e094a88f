//! The organisation tree, role grants and the audit trail. Each handler parses its request
//! and calls one `directory::manage` function.
use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;
use tracing_actix_web::RequestId;

use crate::{
    auth::AuthUser,
    directory::{
        DirectoryError,
        manage::{
            self, AuditEntryResponse, AuditQuery, CreateOrgRequest, GrantRoleRequest, OrgResponse,
            OrgSettingsRequest, RoleGrantResponse,
        },
    },
    error::ErrorBody,
    pagination::{Page, PageQuery},
};

/// Create an organisation under `parent_id` (org-department admins of the parent's subtree).
#[utoipa::path(post, path = "/api/v1/orgs", tag = "directory", security(("bearer" = [])),
    request_body = CreateOrgRequest, responses(
    (status = 201, description = "Created", body = OrgResponse),
    (status = 400, description = "directory.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found (parent)", body = ErrorBody),
    (status = 409, description = "org.code_taken", body = ErrorBody),
    (status = 422, description = "org.wrong_parent_kind", body = ErrorBody)))]
#[tracing::instrument(name = "Create an organisation", skip_all, fields(person_id = user.person_id))]
pub async fn create_org(
    user: AuthUser,
    body: web::Json<CreateOrgRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, DirectoryError> {
    let org = manage::create_org(&db, user.into(), &body, Some(request_id.to_string())).await?;
    Ok(HttpResponse::Created().json(org))
}

/// One organisation.
#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "directory", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "The organisation", body = OrgResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn get_org(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<OrgResponse>, DirectoryError> {
    Ok(web::Json(manage::get_org(&db, user.into(), *path).await?))
}

/// The organisations directly under one.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/children", tag = "directory", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "Direct children", body = [OrgResponse]),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn list_children(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<OrgResponse>>, DirectoryError> {
    Ok(web::Json(
        manage::list_children(&db, user.into(), *path).await?,
    ))
}

/// Grant a role on this organisation's subtree (org-department admins).
#[utoipa::path(post, path = "/api/v1/orgs/{id}/roles", tag = "directory", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = GrantRoleRequest, responses(
    (status = 201, description = "Granted", body = RoleGrantResponse),
    (status = 400, description = "directory.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found, person.not_found", body = ErrorBody),
    (status = 409, description = "role.already_granted", body = ErrorBody)))]
#[tracing::instrument(name = "Grant a role", skip_all, fields(person_id = user.person_id))]
pub async fn grant_role(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<GrantRoleRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, DirectoryError> {
    let grant =
        manage::grant_role(&db, user.into(), *path, &body, Some(request_id.to_string())).await?;
    Ok(HttpResponse::Created().json(grant))
}

/// Roles granted on this organisation itself.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/roles", tag = "directory", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "Grants", body = [RoleGrantResponse]),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn list_roles(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<RoleGrantResponse>>, DirectoryError> {
    Ok(web::Json(
        manage::list_roles(&db, user.into(), *path).await?,
    ))
}

/// Revoke a role grant.
#[utoipa::path(delete, path = "/api/v1/orgs/{id}/roles/{grant_id}", tag = "directory", security(("bearer" = [])),
    params(("id" = i64, Path), ("grant_id" = i64, Path)), responses(
    (status = 204, description = "Revoked"),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found, role.not_found", body = ErrorBody)))]
#[tracing::instrument(name = "Revoke a role", skip_all, fields(person_id = user.person_id))]
pub async fn revoke_role(
    user: AuthUser,
    path: web::Path<(i64, i64)>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, DirectoryError> {
    let (org_id, grant_id) = path.into_inner();
    manage::revoke_role(
        &db,
        user.into(),
        org_id,
        grant_id,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Audit entries about this organisation and everything under it, newest first.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/audit", tag = "directory", security(("bearer" = [])),
    params(("id" = i64, Path), PageQuery, AuditQuery), responses(
    (status = 200, description = "A page of entries", body = Page<AuditEntryResponse>),
    (status = 400, description = "directory.invalid_input (a bad filter)", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn list_audit(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<PageQuery>,
    filter: web::Query<AuditQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Page<AuditEntryResponse>>, DirectoryError> {
    Ok(web::Json(
        manage::list_audit(&db, user.into(), *path, &query, &filter).await?,
    ))
}

/// Change an organisation's settings (org-department admins above or at it).
#[utoipa::path(put, path = "/api/v1/orgs/{id}/settings", tag = "directory", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = OrgSettingsRequest, responses(
    (status = 200, description = "Updated", body = OrgResponse),
    (status = 400, description = "directory.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn update_settings(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<OrgSettingsRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<OrgResponse>, DirectoryError> {
    Ok(web::Json(
        manage::update_settings(&db, user.into(), *path, &body, Some(request_id.to_string()))
            .await?,
    ))
}
