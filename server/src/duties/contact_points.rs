//! Contact points (联系点): the organisation department assigns a leading cadre grassroots
//! branches to work with, for a period. Audited; the leader sees theirs.
use anyhow::Context;
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::error::{DutyError, invalid};
use crate::{
    audit::{self, Actor, AuditEntry},
    authz::{self, Caller, READ_DIRECTORY, Scope},
    clock,
    domain::{OrgKind, Role},
    entities::{contact_point, person},
};

#[derive(Serialize, ToSchema)]
pub struct ContactPoint {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
}

impl contact_point::Model {
    /// Whether the leader held this contact point on `day`.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && self.valid_until.is_none_or(|until| day <= until)
    }
}

pub struct Assignment<'a> {
    pub org_id: i64,
    pub valid_from: &'a str,
    pub valid_until: Option<&'a str>,
}

pub(crate) fn date(raw: &str, field: &str) -> Result<NaiveDate, DutyError> {
    crate::domain::dates::parse_date(raw, field).map_err(DutyError::InvalidInput)
}

/// The organisation department (org admins over both the leader and the branch) gives a
/// leader a contact point. A lower role never assigns one to someone holding a higher role.
pub async fn assign(
    db: &DatabaseConnection,
    caller: Caller,
    leader_id: i64,
    assignment: Assignment<'_>,
    request_id: Option<String>,
) -> Result<ContactPoint, DutyError> {
    let leader = crate::people::find(db, leader_id)
        .await?
        .filter(|p| p.active)
        .ok_or(DutyError::NotFound("person"))?;
    let org = crate::orgs::find(db, assignment.org_id)
        .await?
        .ok_or(DutyError::NotFound("organisation"))?;
    let scope = Scope::load(db, caller.person_id).await?;
    let grants = authz::grants_of(db, &[leader.id]).await?;
    let covers_leader = scope.allows(&[Role::OrgAdmin], leader.org_id)
        && grants
            .get(&leader.id)
            .is_none_or(|held| held.iter().all(|g| scope.covers_grant(g)));
    if !covers_leader || !scope.allows(&[Role::OrgAdmin], org.id) {
        tracing::info!(
            caller = caller.person_id,
            leader_id,
            org_id = org.id,
            "contact point refused"
        );
        return Err(DutyError::Forbidden);
    }
    if leader.leader_level.is_none() {
        return Err(DutyError::NotALeader(leader.name));
    }
    if org.kind != OrgKind::Branch {
        return Err(invalid(format!(
            "a contact point is a grassroots branch (村、社区、企业党支部); {} is a {}",
            org.name,
            org.kind.label()
        )));
    }
    let valid_from = date(assignment.valid_from, "valid_from")?;
    let valid_until = assignment
        .valid_until
        .map(|raw| date(raw, "valid_until"))
        .transpose()?;
    if valid_until.is_some_and(|until| until < valid_from) {
        return Err(invalid("valid_until is before valid_from"));
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let overlapping = contact_point::Entity::find()
        .filter(contact_point::Column::PersonId.eq(leader.id))
        .filter(contact_point::Column::OrgId.eq(org.id))
        .all(&txn)
        .await
        .context("cannot read contact points")?
        .into_iter()
        .any(|cp| {
            cp.valid_until.is_none_or(|until| valid_from <= until)
                && valid_until.is_none_or(|until| cp.valid_from <= until)
        });
    if overlapping {
        return Err(DutyError::Overlap(format!(
            "{} already has {} as a contact point in that period",
            leader.name, org.name
        )));
    }
    let stored = contact_point::ActiveModel {
        person_id: Set(leader.id),
        org_id: Set(org.id),
        valid_from: Set(valid_from),
        valid_until: Set(valid_until),
        assigned_by: Set(caller.person_id),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("cannot store a contact point")?;
    audit::record(
        &txn,
        request_id,
        AuditEntry {
            actor: Actor::Person(caller.person_id),
            action: "duty.assign_contact_point",
            target_type: "person",
            target_id: leader.id.to_string(),
            org_id: Some(org.id),
            detail: json!({"after": {"contact_point": stored.id, "org_id": org.id,
                "valid_from": valid_from, "valid_until": valid_until}}),
        },
    )
    .await?;
    txn.commit()
        .await
        .context("cannot commit a contact point")?;
    Ok(ContactPoint {
        id: stored.id,
        person_id: leader.id,
        person_name: leader.name,
        org_id: org.id,
        org_name: org.name,
        valid_from,
        valid_until,
    })
}

/// Contact points of several people, oldest first (one statement per 500 people).
pub async fn of_people(
    db: &impl ConnectionTrait,
    person_ids: &[i64],
) -> anyhow::Result<Vec<contact_point::Model>> {
    let mut out = Vec::new();
    for chunk in person_ids.chunks(500) {
        out.extend(
            contact_point::Entity::find()
                .filter(contact_point::Column::PersonId.is_in(chunk.iter().copied()))
                .order_by_asc(contact_point::Column::ValidFrom)
                .order_by_asc(contact_point::Column::Id)
                .all(db)
                .await
                .context("cannot read contact points")?,
        );
    }
    Ok(out)
}

async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<contact_point::Model>,
) -> anyhow::Result<Vec<ContactPoint>> {
    let people = crate::people::names(db, rows.iter().map(|cp| cp.person_id)).await?;
    let orgs = crate::orgs::names(db, rows.iter().map(|cp| cp.org_id)).await?;
    Ok(rows
        .into_iter()
        .map(|cp| ContactPoint {
            id: cp.id,
            person_name: people.get(&cp.person_id).cloned().unwrap_or_default(),
            org_name: orgs.get(&cp.org_id).cloned().unwrap_or_default(),
            person_id: cp.person_id,
            org_id: cp.org_id,
            valid_from: cp.valid_from,
            valid_until: cp.valid_until,
        })
        .collect())
}

/// A person's contact points: themselves, or staff who read their organisation.
pub async fn of_person(
    db: &impl ConnectionTrait,
    caller: Caller,
    person_id: i64,
) -> Result<Vec<ContactPoint>, DutyError> {
    let person = visible_person(db, caller, person_id).await?;
    Ok(views(db, of_people(db, &[person.id]).await?).await?)
}

/// The person `person_id` if the caller is them or reads their organisation; otherwise
/// `duty.not_found` (whether they exist is not the caller's business).
pub(crate) async fn visible_person(
    db: &impl ConnectionTrait,
    caller: Caller,
    person_id: i64,
) -> Result<person::Model, DutyError> {
    let person = crate::people::find(db, person_id)
        .await?
        .ok_or(DutyError::NotFound("person"))?;
    if person.id == caller.person_id
        || authz::has_role(db, caller.person_id, READ_DIRECTORY, person.org_id).await?
    {
        Ok(person)
    } else {
        Err(DutyError::NotFound("person"))
    }
}
