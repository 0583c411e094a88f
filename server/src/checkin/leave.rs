//! Leave (请假) for one activity, asked by the member before it starts and decided by the
//! branch's organisers; and exemptions (按规定可暂不参加组织生活), approved by the committee
//! above the person's branch for a period. Both change who is expected.
use anyhow::Context;
use chrono::{DateTime, FixedOffset, NaiveDate};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::{
    error::{AttendanceError, invalid},
    facts,
};
use crate::{
    audit::{self, Actor, AuditEntry},
    clock,
    domain::LeaveStatus,
    entities::{activity_plan, exemption, leave_request, person},
};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Leave {
    pub id: i64,
    pub activity_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub reason: String,
    pub status: LeaveStatus,
    pub requested_at: DateTime<FixedOffset>,
    pub decided_at: Option<DateTime<FixedOffset>>,
    pub decision_comment: Option<String>,
}

pub fn leave_view(row: leave_request::Model, person_name: String) -> Leave {
    Leave {
        id: row.id,
        activity_id: row.plan_id,
        person_id: row.person_id,
        person_name,
        reason: row.reason,
        status: row.status,
        requested_at: row.requested_at,
        decided_at: row.decided_at,
        decision_comment: row.decision_comment,
    }
}

fn text(raw: &str, field: &str, max: usize) -> Result<String, AttendanceError> {
    crate::domain::Text::parse(raw, field, max, crate::domain::Lines::Many)
        .map(crate::domain::Text::into_inner)
        .map_err(invalid)
}

/// A member asks for leave. Asking again after a decline or a withdrawal reopens the request.
pub async fn request(
    db: &impl ConnectionTrait,
    plan: &activity_plan::Model,
    person_id: i64,
    reason: &str,
    expected: bool,
) -> Result<leave_request::Model, AttendanceError> {
    let reason = text(reason, "reason", 200)?;
    if !expected {
        return Err(AttendanceError::NotParticipant);
    }
    if clock::now() >= facts::starts_at(plan) {
        return Err(AttendanceError::LeaveTooLate(
            "leave must be asked for before the activity starts; ask your secretary to record it"
                .into(),
        ));
    }
    let now = clock::now();
    let existing = leave_request::Entity::find()
        .filter(leave_request::Column::PlanId.eq(plan.id))
        .filter(leave_request::Column::PersonId.eq(person_id))
        .one(db)
        .await
        .context("cannot read leave")?;
    let row = match existing {
        Some(row) if matches!(row.status, LeaveStatus::Pending | LeaveStatus::Approved) => {
            return Err(AttendanceError::LeaveWrongState(format!(
                "you already have a {} leave request for this activity",
                row.status
            )));
        }
        Some(row) => {
            let mut active: leave_request::ActiveModel = row.into();
            active.reason = Set(reason);
            active.status = Set(LeaveStatus::Pending);
            active.requested_at = Set(now);
            active.decided_by = Set(None);
            active.decided_at = Set(None);
            active.decision_comment = Set(None);
            active.update(db).await.context("cannot reopen leave")?
        }
        None => leave_request::ActiveModel {
            plan_id: Set(plan.id),
            person_id: Set(person_id),
            reason: Set(reason),
            status: Set(LeaveStatus::Pending),
            requested_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .context("cannot store leave")?,
    };
    Ok(row)
}

pub async fn find(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<leave_request::Model, AttendanceError> {
    leave_request::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read leave")?
        .ok_or(AttendanceError::LeaveNotFound)
}

pub async fn withdraw(
    db: &impl ConnectionTrait,
    row: leave_request::Model,
) -> Result<leave_request::Model, AttendanceError> {
    if !matches!(row.status, LeaveStatus::Pending | LeaveStatus::Approved) {
        return Err(AttendanceError::LeaveWrongState(format!(
            "a {} request cannot be withdrawn",
            row.status
        )));
    }
    let mut active: leave_request::ActiveModel = row.into();
    active.status = Set(LeaveStatus::Withdrawn);
    Ok(active.update(db).await.context("cannot withdraw leave")?)
}

/// An organiser approves or declines. Audited.
pub async fn decide(
    db: &impl ConnectionTrait,
    actor_id: i64,
    org_id: i64,
    row: leave_request::Model,
    approve: bool,
    comment: Option<&str>,
    request_id: Option<String>,
) -> Result<leave_request::Model, AttendanceError> {
    if row.status != LeaveStatus::Pending {
        return Err(AttendanceError::LeaveWrongState(format!(
            "only a pending request can be decided; this one is {}",
            row.status
        )));
    }
    let comment = comment
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| text(c, "comment", 200))
        .transpose()?;
    let id = row.id;
    let mut active: leave_request::ActiveModel = row.into();
    active.status = Set(if approve {
        LeaveStatus::Approved
    } else {
        LeaveStatus::Declined
    });
    active.decided_by = Set(Some(actor_id));
    active.decided_at = Set(Some(clock::now()));
    active.decision_comment = Set(comment.clone());
    let updated = active.update(db).await.context("cannot decide leave")?;
    audit::record(
        db,
        request_id,
        AuditEntry {
            actor: Actor::Person(actor_id),
            action: if approve { "leave.approve" } else { "leave.decline" },
            target_type: "leave_request",
            target_id: id.to_string(),
            org_id: Some(org_id),
            detail: json!({"plan_id": updated.plan_id, "person_id": updated.person_id, "comment": comment}),
        },
    )
    .await?;
    Ok(updated)
}

pub async fn for_plan(
    db: &impl ConnectionTrait,
    plan_id: i64,
) -> anyhow::Result<Vec<leave_request::Model>> {
    leave_request::Entity::find()
        .filter(leave_request::Column::PlanId.eq(plan_id))
        .order_by_asc(leave_request::Column::Id)
        .all(db)
        .await
        .context("cannot read leave")
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Exemption {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub reason: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub approved_by_name: String,
    pub approved_at: DateTime<FixedOffset>,
    pub revoked_at: Option<DateTime<FixedOffset>>,
    pub revoke_reason: Option<String>,
}

/// Who decides exemptions for `org_id`'s people (the committee above the branch, or higher).
pub(crate) async fn require_committee(
    db: &impl ConnectionTrait,
    caller: crate::authz::Caller,
    org_id: i64,
) -> Result<(), AttendanceError> {
    crate::orgs::find(db, org_id)
        .await?
        .ok_or(AttendanceError::OrgNotFound)?;
    if crate::authz::approves_exemptions_for(db, caller.person_id, org_id).await? {
        Ok(())
    } else {
        Err(AttendanceError::Forbidden)
    }
}

/// The exemptions of a subtree's people (staff who read it), newest first.
pub async fn exemptions_in(
    db: &impl ConnectionTrait,
    caller: crate::authz::Caller,
    org_id: i64,
) -> Result<Vec<Exemption>, AttendanceError> {
    crate::orgs::find(db, org_id)
        .await?
        .ok_or(AttendanceError::OrgNotFound)?;
    crate::authz::require(db, caller, crate::authz::READ_DIRECTORY, org_id).await?;
    let orgs = crate::orgs::subtree_ids(db, org_id).await?;
    exemptions_of(db, &orgs).await
}

pub async fn exemption_view(
    db: &impl ConnectionTrait,
    row: exemption::Model,
) -> anyhow::Result<Exemption> {
    Ok(exemption_views(db, vec![row]).await?.remove(0))
}

/// Views of many exemptions with one read of the names they mention (never one per row).
async fn exemption_views(
    db: &impl ConnectionTrait,
    rows: Vec<exemption::Model>,
) -> anyhow::Result<Vec<Exemption>> {
    let names = crate::people::names(
        db,
        rows.iter().flat_map(|row| [row.person_id, row.approved_by]),
    )
    .await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|row| Exemption {
            id: row.id,
            person_name: name(row.person_id),
            approved_by_name: name(row.approved_by),
            person_id: row.person_id,
            reason: row.reason,
            valid_from: row.valid_from,
            valid_until: row.valid_until,
            approved_at: row.approved_at,
            revoked_at: row.revoked_at,
            revoke_reason: row.revoke_reason,
        })
        .collect())
}

pub async fn find_exemption(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<exemption::Model, AttendanceError> {
    exemption::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read an exemption")?
        .ok_or(AttendanceError::ExemptionNotFound)
}

/// Exemptions of everyone whose branch lies in `orgs` (an org's subtree), newest first.
/// Reads people, exemptions and names in chunks, so the number of statements depends on the
/// subtree's size in chunks of 500, never on the number of exemptions.
pub async fn exemptions_of(
    db: &impl ConnectionTrait,
    orgs: &[i64],
) -> Result<Vec<Exemption>, AttendanceError> {
    let people = crate::people::ids_in_orgs(db, orgs).await?;
    let mut rows = Vec::new();
    for chunk in people.chunks(500) {
        rows.extend(
            exemption::Entity::find()
                .filter(exemption::Column::PersonId.is_in(chunk.iter().copied()))
                .all(db)
                .await
                .context("cannot read exemptions")?,
        );
    }
    rows.sort_unstable_by_key(|row| std::cmp::Reverse(row.id));
    Ok(exemption_views(db, rows).await?)
}

pub fn parse_date(raw: &str, field: &str) -> Result<NaiveDate, AttendanceError> {
    crate::domain::dates::parse_date(raw, field).map_err(AttendanceError::InvalidInput)
}

pub async fn create_exemption(
    db: &impl ConnectionTrait,
    actor_id: i64,
    person: &person::Model,
    reason: &str,
    valid_from: NaiveDate,
    valid_until: Option<NaiveDate>,
    request_id: Option<String>,
) -> Result<exemption::Model, AttendanceError> {
    let reason = text(reason, "reason", 200)?;
    if valid_until.is_some_and(|until| until < valid_from) {
        return Err(invalid("valid_until is before valid_from"));
    }
    let row = exemption::ActiveModel {
        person_id: Set(person.id),
        reason: Set(reason.clone()),
        valid_from: Set(valid_from),
        valid_until: Set(valid_until),
        approved_by: Set(actor_id),
        approved_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("cannot store an exemption")?;
    audit::record(
        db,
        request_id,
        AuditEntry {
            actor: Actor::Person(actor_id),
            action: "exemption.create",
            target_type: "exemption",
            target_id: row.id.to_string(),
            org_id: Some(person.org_id),
            detail: json!({"person_id": person.id, "reason": reason, "valid_from": valid_from, "valid_until": valid_until}),
        },
    )
    .await?;
    Ok(row)
}

pub async fn revoke_exemption(
    db: &impl ConnectionTrait,
    actor_id: i64,
    org_id: i64,
    row: exemption::Model,
    reason: &str,
    request_id: Option<String>,
) -> Result<exemption::Model, AttendanceError> {
    let reason = text(reason, "reason", 200)?;
    if row.revoked_at.is_some() {
        return Err(invalid("this exemption was already revoked"));
    }
    let id = row.id;
    let mut active: exemption::ActiveModel = row.into();
    active.revoked_at = Set(Some(clock::now()));
    active.revoked_by = Set(Some(actor_id));
    active.revoke_reason = Set(Some(reason.clone()));
    let updated = active
        .update(db)
        .await
        .context("cannot revoke an exemption")?;
    audit::record(
        db,
        request_id,
        AuditEntry {
            actor: Actor::Person(actor_id),
            action: "exemption.revoke",
            target_type: "exemption",
            target_id: id.to_string(),
            org_id: Some(org_id),
            detail: json!({"person_id": updated.person_id, "reason": reason}),
        },
    )
    .await?;
    Ok(updated)
}
