//! What a person may do: roles are granted on an organisation and reach its whole subtree.
//! Every check reads the database, so a revoked grant takes effect at once.
use anyhow::Context;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, Query},
};

use crate::{
    auth::AuthUser,
    domain::Role,
    entities::{organisation_closure as closure, person, role_grant},
};

/// Who may read people, rosters and audit entries of an org.
pub const READ_DIRECTORY: &[Role] = &[
    Role::Secretary,
    Role::Reviewer,
    Role::OrgAdmin,
    Role::Supervisor,
];
/// Who may change people and rosters (supervisors and reviewers read only).
pub const MANAGE_PEOPLE: &[Role] = &[Role::Secretary, Role::OrgAdmin];
/// Who may create organisations and grant roles.
pub const MANAGE_ORGS: &[Role] = &[Role::OrgAdmin];

/// The caller lacks a role for this organisation.
#[derive(Debug, thiserror::Error)]
#[error("you do not have a role that allows this for that organisation")]
pub struct Forbidden;

#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// True when the (active) person holds one of `roles` on `org_id` or one of its ancestors.
pub async fn has_role(
    db: &impl ConnectionTrait,
    person_id: i64,
    roles: &[Role],
    org_id: i64,
) -> anyhow::Result<bool> {
    let ancestors = Query::select()
        .column(closure::Column::AncestorId)
        .from(closure::Entity)
        .and_where(Expr::col(closure::Column::DescendantId).eq(org_id))
        .to_owned();
    let active = Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .and_where(Expr::col(person::Column::Id).eq(person_id))
        .and_where(Expr::col(person::Column::Active).eq(true))
        .to_owned();
    let count = role_grant::Entity::find()
        .filter(role_grant::Column::PersonId.in_subquery(active))
        .filter(role_grant::Column::Role.is_in(roles.iter().map(|r| r.as_str())))
        .filter(role_grant::Column::OrgId.in_subquery(ancestors))
        .count(db)
        .await
        .context("cannot check the caller's roles")?;
    Ok(count > 0)
}

pub async fn require(
    db: &impl ConnectionTrait,
    user: AuthUser,
    roles: &[Role],
    org_id: i64,
) -> Result<(), AccessError> {
    if has_role(db, user.person_id, roles, org_id).await? {
        Ok(())
    } else {
        tracing::info!(person_id = user.person_id, org_id, "access refused");
        Err(Forbidden.into())
    }
}
