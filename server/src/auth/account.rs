//! The signed-in person as they see themselves.
use anyhow::Context;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Serialize;
use utoipa::ToSchema;

use super::AuthError;
use crate::{
    authz::Caller,
    entities::{organisation, role_grant},
    people,
};

#[derive(Serialize, ToSchema)]
pub struct MeResponse {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub org_id: i64,
    pub status: crate::domain::MemberStatus,
    /// A leading cadre's rank (their duties: 我的履职), by the roster.
    pub leader_level: Option<crate::domain::LeaderLevel>,
    /// Their post in their organisation (a secretary owes talks), by the roster.
    pub party_post: Option<crate::domain::PartyPost>,
    /// A Party congress deputy's level (their rota, receptions and proposals), by the roster.
    pub deputy_level: Option<crate::domain::DeputyLevel>,
    pub roles: Vec<RoleGrantView>,
}

#[derive(Serialize, ToSchema)]
pub struct RoleGrantView {
    pub role: crate::domain::Role,
    pub org_id: i64,
    pub org_name: String,
}

/// The signed-in person and the roles they hold where.
pub async fn me(db: &DatabaseConnection, user: Caller) -> Result<MeResponse, AuthError> {
    let person = people::find(db, user.person_id)
        .await?
        .filter(|p| p.active)
        .ok_or(AuthError::TokenInvalid)?;
    let grants = role_grant::Entity::find()
        .filter(role_grant::Column::PersonId.eq(person.id))
        .all(db)
        .await
        .context("cannot read role grants")?;
    let names: std::collections::HashMap<i64, String> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(grants.iter().map(|g| g.org_id)))
        .all(db)
        .await
        .context("cannot read the granting organisations")?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(MeResponse {
        id: person.id,
        name: person.name,
        phone: person.phone,
        org_id: person.org_id,
        status: person.status,
        leader_level: person.leader_level,
        party_post: person.party_post,
        deputy_level: person.deputy_level,
        roles: grants
            .into_iter()
            .map(|g| RoleGrantView {
                org_name: names.get(&g.org_id).cloned().unwrap_or_default(),
                role: g.role,
                org_id: g.org_id,
            })
            .collect(),
    })
}
