//! The monthly cycle's reads and writes: who may act for a branch or review it, the activity
//! day of a month, where a plan is filed, the history of each plan and status transitions.
use crate::domain::PlanAction;
use anyhow::Context;
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use super::{error::PlanError, rules::SUPERIORS};
use crate::{
    audit::{self, Actor, AuditEntry},
    authz::{self, Caller},
    calendar::CalendarError,
    calendar_store, clock,
    domain::{OrgKind, PlanStatus, Role},
    entities::{activity_plan, organisation, organisation_closure as closure, plan_event},
    orgs,
};

pub(crate) async fn existing_org(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<organisation::Model, PlanError> {
    orgs::find(db, id).await?.ok_or(PlanError::OrgNotFound)
}

pub(crate) async fn existing_plan(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<activity_plan::Model, PlanError> {
    activity_plan::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a plan")?
        .ok_or(PlanError::NotFound)
}

/// The branch's own secretary acts for it; a reviewer or admin above it acts on its behalf
/// (flagged in the history). Anyone else is refused.
pub(crate) async fn branch_actor(
    db: &impl ConnectionTrait,
    user: Caller,
    org: &organisation::Model,
) -> Result<bool, PlanError> {
    if authz::has_role(db, user.person_id, &[Role::Secretary], org.id).await? {
        return Ok(false);
    }
    // A higher organisation's own themed activity is its organisation department's to run.
    if org.kind != OrgKind::Branch
        && authz::has_role(db, user.person_id, &[Role::OrgAdmin], org.id).await?
    {
        return Ok(false);
    }
    if let Some(parent) = org.parent_id
        && authz::has_role(db, user.person_id, SUPERIORS, parent).await?
    {
        return Ok(true);
    }
    Err(PlanError::Forbidden)
}

/// Reviewing needs a superior role strictly above the organisation: nobody approves their own plan.
pub(crate) async fn require_reviewer(
    db: &impl ConnectionTrait,
    user: Caller,
    org: &organisation::Model,
) -> Result<(), PlanError> {
    match org.parent_id {
        Some(parent) if authz::has_role(db, user.person_id, SUPERIORS, parent).await? => Ok(()),
        // The top of the tree (the city's themed activities) has nobody above: its own
        // reviewers (审核), never its organisers, approve.
        None if authz::has_role(db, user.person_id, &[Role::Reviewer], org.id).await? => Ok(()),
        _ => Err(PlanError::Forbidden),
    }
}

pub(crate) async fn activity_day_of(
    db: &impl ConnectionTrait,
    org: &organisation::Model,
    year: i32,
    month: u32,
) -> Result<NaiveDate, PlanError> {
    let calendar = calendar_store::load_years(db, &[year, year + 1]).await?;
    let policy = org.activity_day_policy;
    calendar
        .activity_day(year, month, policy)
        .map(|d| d.activity_day)
        .map_err(|e| match e {
            CalendarError::YearMissing(_) => PlanError::Calendar(e),
            other => PlanError::InvalidInput(other.to_string()),
        })
}

/// Filing goes to the county-level organisation department (县、市、区): the nearest district
/// above the branch; with no district in between, the city-directly-attached committee
/// (市直单位党委) the branch belongs to, never the city root itself.
pub(crate) async fn filing_target(
    db: &impl ConnectionTrait,
    org_id: i64,
) -> Result<i64, PlanError> {
    let ancestors = closure::Entity::find()
        .filter(closure::Column::DescendantId.eq(org_id))
        .order_by_asc(closure::Column::Depth)
        .all(db)
        .await
        .context("cannot read ancestors")?;
    let orgs: std::collections::HashMap<i64, organisation::Model> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ancestors.iter().map(|a| a.ancestor_id)))
        .all(db)
        .await
        .context("cannot read the organisations above")?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let mut top_committee = None;
    let mut top = org_id;
    for org in ancestors
        .iter()
        .skip(1)
        .filter_map(|a| orgs.get(&a.ancestor_id))
    {
        if org.kind == OrgKind::District {
            return Ok(org.id);
        }
        if org.kind == OrgKind::Committee {
            top_committee = Some(org.id);
        }
        top = org.id;
    }
    Ok(top_committee.unwrap_or(top))
}

pub(crate) async fn record_event(
    db: &impl ConnectionTrait,
    plan: &activity_plan::Model,
    action: PlanAction,
    user: Caller,
    on_behalf: bool,
    comment: Option<String>,
    request_id: &Option<String>,
) -> Result<(), PlanError> {
    record_event_by(
        db,
        plan,
        action,
        Some(user),
        on_behalf,
        comment,
        request_id.clone(),
    )
    .await
}

/// `actor: None` is the scheduler.
pub(crate) async fn record_event_by(
    db: &impl ConnectionTrait,
    plan: &activity_plan::Model,
    action: PlanAction,
    actor: Option<Caller>,
    on_behalf: bool,
    comment: Option<String>,
    request_id: Option<String>,
) -> Result<(), PlanError> {
    plan_event::ActiveModel {
        plan_id: Set(plan.id),
        version: Set(plan.version),
        action: Set(action),
        actor_person_id: Set(actor.map(|u| u.person_id)),
        on_behalf: Set(on_behalf),
        comment: Set(comment.clone()),
        occurred_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("cannot record a plan event")?;
    audit::record(db, request_id, AuditEntry {
        actor: actor.map_or(Actor::Scheduler, |u| Actor::Person(u.person_id)),
        action: action.audit_action(),
        target_type: "plan",
        target_id: plan.id.to_string(),
        org_id: Some(plan.org_id),
        detail: json!({"version": plan.version, "status": plan.status, "on_behalf": on_behalf, "comment": comment}),
    })
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn transition(
    db: &DatabaseConnection,
    plan: activity_plan::Model,
    to: PlanStatus,
    action: PlanAction,
    user: Caller,
    on_behalf: bool,
    comment: Option<String>,
    request_id: &Option<String>,
) -> Result<activity_plan::Model, PlanError> {
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let mut active = plan.into_active_model();
    active.status = Set(to);
    if comment.is_some() {
        active.review_comment = Set(comment.clone());
    }
    active.updated_at = Set(clock::now());
    let plan = active
        .update(&txn)
        .await
        .context("cannot change a plan's status")?;
    record_event(&txn, &plan, action, user, on_behalf, comment, request_id).await?;
    txn.commit().await.context("cannot commit a transition")?;
    Ok(plan)
}
