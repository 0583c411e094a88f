//! Organisations, role grants and the audit log of a subtree.
use actix_web::{HttpResponse, web};
use anyhow::Context;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, ModelTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tracing_actix_web::RequestId;
use utoipa::ToSchema;

use super::{
    directory_error::DirectoryError,
    pagination::{Page, PageQuery},
};
use crate::{
    audit::{self, Actor, AuditEntry},
    auth::AuthUser,
    authz::{self, MANAGE_ORGS, READ_DIRECTORY},
    clock,
    domain::{OrgCode, OrgKind, Role},
    entities::{audit_log, organisation, organisation_closure as closure, role_grant},
    error::ErrorBody,
    orgs::{self, NewOrg},
    people,
};

#[derive(Deserialize, ToSchema)]
pub struct CreateOrgRequest {
    pub parent_id: i64,
    pub code: String,
    pub name: String,
    /// district, committee, branch or community
    pub kind: String,
}

#[derive(Serialize, ToSchema)]
pub struct OrgResponse {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub activity_day_policy: String,
}

impl From<organisation::Model> for OrgResponse {
    fn from(o: organisation::Model) -> Self {
        Self {
            id: o.id,
            code: o.code,
            name: o.name,
            kind: o.kind,
            parent_id: o.parent_id,
            activity_day_policy: o.activity_day_policy,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct GrantRoleRequest {
    pub person_id: i64,
    /// secretary, reviewer, org_admin, supervisor, community_admin, volunteer_lead
    pub role: String,
}

#[derive(Serialize, ToSchema)]
pub struct RoleGrantResponse {
    pub id: i64,
    pub person_id: i64,
    pub role: String,
    pub org_id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntryResponse {
    pub id: i64,
    pub occurred_at: String,
    pub actor: String,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub org_id: Option<i64>,
    pub request_id: Option<String>,
    pub detail: serde_json::Value,
}

fn org_name(raw: &str) -> Result<String, DirectoryError> {
    let trimmed = raw.trim();
    let length = trimmed.chars().count();
    if (1..=100).contains(&length) && !trimmed.chars().any(char::is_control) {
        Ok(trimmed.to_owned())
    } else {
        Err(DirectoryError::InvalidInput(format!(
            "an organisation name has 1 to 100 characters, this one has {length}"
        )))
    }
}

/// The organisation, or 404 `org.not_found`; shared by the directory routes.
pub(super) async fn existing_org(
    db: &DatabaseConnection,
    id: i64,
) -> Result<organisation::Model, DirectoryError> {
    orgs::find(db, id).await?.ok_or(DirectoryError::OrgNotFound)
}

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
    let code = OrgCode::parse(&body.code).map_err(DirectoryError::InvalidInput)?;
    let kind = OrgKind::parse(&body.kind).map_err(DirectoryError::InvalidInput)?;
    let name = org_name(&body.name)?;
    existing_org(&db, body.parent_id).await?;
    authz::require(db.get_ref(), user, MANAGE_ORGS, body.parent_id).await?;
    let txn = crate::db::begin_write(db.get_ref())
        .await
        .context("cannot start a transaction")?;
    let org = orgs::create(
        &txn,
        NewOrg {
            code,
            name,
            kind,
            parent_id: Some(body.parent_id),
        },
    )
    .await?;
    audit::record(&txn, Some(request_id.to_string()), AuditEntry {
        actor: Actor::Person(user.person_id),
        action: "org.create",
        target_type: "organisation",
        target_id: org.id.to_string(),
        org_id: Some(org.id),
        detail: json!({"after": {"code": org.code, "name": org.name, "kind": org.kind, "parent_id": org.parent_id}}),
    })
    .await?;
    txn.commit()
        .await
        .context("cannot commit an organisation")?;
    tracing::info!(org_id = org.id, "organisation created");
    Ok(HttpResponse::Created().json(OrgResponse::from(org)))
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
    let org = existing_org(&db, *path).await?;
    authz::require(db.get_ref(), user, READ_DIRECTORY, org.id).await?;
    Ok(web::Json(org.into()))
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
    let org = existing_org(&db, *path).await?;
    authz::require(db.get_ref(), user, READ_DIRECTORY, org.id).await?;
    let children = organisation::Entity::find()
        .filter(organisation::Column::ParentId.eq(org.id))
        .order_by_asc(organisation::Column::Code)
        .all(db.get_ref())
        .await
        .context("cannot list child organisations")?;
    Ok(web::Json(children.into_iter().map(Into::into).collect()))
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
    let role = Role::parse(&body.role).map_err(DirectoryError::InvalidInput)?;
    let org = existing_org(&db, *path).await?;
    authz::require(db.get_ref(), user, MANAGE_ORGS, org.id).await?;
    let grantee = people::find(db.get_ref(), body.person_id)
        .await?
        .ok_or(DirectoryError::PersonNotFound)?;
    // Roles go only to people inside the granter's scope, who hold nothing beyond it: an
    // administrator cannot hand a role to (or through) someone they do not manage.
    authz::require_covers_person(db.get_ref(), user, &grantee).await?;
    let txn = crate::db::begin_write(db.get_ref())
        .await
        .context("cannot start a transaction")?;
    let grant = role_grant::ActiveModel {
        person_id: Set(body.person_id),
        role: Set(role.as_str().to_owned()),
        org_id: Set(org.id),
        granted_by: Set(Some(user.person_id)),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => DirectoryError::Conflict(
            "this person already holds that role here".into(),
            "role.already_granted",
        ),
        _ => DirectoryError::Unexpected(anyhow::Error::new(e).context("cannot grant a role")),
    })?;
    audit::record(
        &txn,
        Some(request_id.to_string()),
        AuditEntry {
            actor: Actor::Person(user.person_id),
            action: "role.grant",
            target_type: "person",
            target_id: body.person_id.to_string(),
            org_id: Some(org.id),
            detail: json!({"after": {"role": role.as_str(), "org_id": org.id}}),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit a grant")?;
    Ok(HttpResponse::Created().json(RoleGrantResponse {
        id: grant.id,
        person_id: grant.person_id,
        role: grant.role,
        org_id: grant.org_id,
    }))
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
    let org = existing_org(&db, *path).await?;
    authz::require(db.get_ref(), user, READ_DIRECTORY, org.id).await?;
    let grants = role_grant::Entity::find()
        .filter(role_grant::Column::OrgId.eq(org.id))
        .order_by_asc(role_grant::Column::Id)
        .all(db.get_ref())
        .await
        .context("cannot list grants")?;
    Ok(web::Json(
        grants
            .into_iter()
            .map(|g| RoleGrantResponse {
                id: g.id,
                person_id: g.person_id,
                role: g.role,
                org_id: g.org_id,
            })
            .collect(),
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
    let org = existing_org(&db, org_id).await?;
    authz::require(db.get_ref(), user, MANAGE_ORGS, org.id).await?;
    let grant = role_grant::Entity::find_by_id(grant_id)
        .filter(role_grant::Column::OrgId.eq(org.id))
        .one(db.get_ref())
        .await
        .context("cannot read a grant")?
        .ok_or(DirectoryError::GrantNotFound)?;
    let txn = crate::db::begin_write(db.get_ref())
        .await
        .context("cannot start a transaction")?;
    let summary = json!({"before": {"role": grant.role, "org_id": grant.org_id}});
    let person_id = grant.person_id;
    grant.delete(&txn).await.context("cannot delete a grant")?;
    audit::record(
        &txn,
        Some(request_id.to_string()),
        AuditEntry {
            actor: Actor::Person(user.person_id),
            action: "role.revoke",
            target_type: "person",
            target_id: person_id.to_string(),
            org_id: Some(org.id),
            detail: summary,
        },
    )
    .await?;
    txn.commit().await.context("cannot commit a revocation")?;
    Ok(HttpResponse::NoContent().finish())
}

/// Audit entries about this organisation and everything under it, newest first.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/audit", tag = "directory", security(("bearer" = [])),
    params(("id" = i64, Path), PageQuery), responses(
    (status = 200, description = "A page of entries", body = Page<AuditEntryResponse>),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn list_audit(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<PageQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Page<AuditEntryResponse>>, DirectoryError> {
    let org = existing_org(&db, *path).await?;
    authz::require(db.get_ref(), user, READ_DIRECTORY, org.id).await?;
    let (page, per_page) = query.resolve();
    let subtree = sea_orm::sea_query::Query::select()
        .column(closure::Column::DescendantId)
        .from(closure::Entity)
        .and_where(sea_orm::sea_query::ExprTrait::eq(
            sea_orm::sea_query::Expr::col(closure::Column::AncestorId),
            org.id,
        ))
        .to_owned();
    let paginator = audit_log::Entity::find()
        .filter(audit_log::Column::OrgId.in_subquery(subtree))
        .order_by_desc(audit_log::Column::Id)
        .paginate(db.get_ref(), per_page);
    let total = paginator
        .num_items()
        .await
        .context("cannot count audit entries")?;
    let items = paginator
        .fetch_page(page)
        .await
        .context("cannot read audit entries")?;
    Ok(web::Json(Page {
        items: items
            .into_iter()
            .map(|e| AuditEntryResponse {
                id: e.id,
                occurred_at: e.occurred_at.with_timezone(&clock::shanghai()).to_rfc3339(),
                actor: e.actor_label,
                action: e.action,
                target_type: e.target_type,
                target_id: e.target_id,
                org_id: e.org_id,
                request_id: e.request_id,
                detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
            })
            .collect(),
        page: page + 1,
        per_page,
        total,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct OrgSettingsRequest {
    /// next_working_day (the 20th moves to the next working day) or statutory_only (it moves
    /// only out of a statutory holiday period).
    pub activity_day_policy: String,
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
    let policy = crate::calendar::Policy::parse(&body.activity_day_policy)
        .map_err(DirectoryError::InvalidInput)?;
    let org = existing_org(&db, *path).await?;
    authz::require(db.get_ref(), user, MANAGE_ORGS, org.id).await?;
    let before = org.activity_day_policy.clone();
    let txn = crate::db::begin_write(db.get_ref())
        .await
        .context("cannot start a transaction")?;
    let mut active: organisation::ActiveModel = org.into();
    active.activity_day_policy = Set(policy.as_str().to_owned());
    let org = active
        .update(&txn)
        .await
        .context("cannot update settings")?;
    audit::record(
        &txn,
        Some(request_id.to_string()),
        AuditEntry {
            actor: Actor::Person(user.person_id),
            action: "org.settings",
            target_type: "organisation",
            target_id: org.id.to_string(),
            org_id: Some(org.id),
            detail: json!({"before": {"activity_day_policy": before}, "after": {"activity_day_policy": org.activity_day_policy}}),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit settings")?;
    Ok(web::Json(org.into()))
}
