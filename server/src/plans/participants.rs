//! Who is expected at a plan's activity: a snapshot of the branch's members (and invited
//! activists) taken when the plan is made or refreshed.
use std::collections::HashMap;

use anyhow::Context;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::{
    error::{PlanError, invalid},
    view::ParticipantResponse,
};
use crate::{
    domain::MemberStatus,
    entities::{activity_plan, person, plan_participant},
};

/// Expected participants: full and probationary members of the branch (and of a
/// co-organising paired branch) who are active and not exempt, plus invited activists. Replaces any earlier snapshot.
pub(crate) async fn snapshot_participants(
    db: &impl ConnectionTrait,
    plan: &activity_plan::Model,
    invited: &[i64],
) -> Result<usize, PlanError> {
    plan_participant::Entity::delete_many()
        .filter(plan_participant::Column::PlanId.eq(plan.id))
        .exec(db)
        .await
        .context("cannot clear participants")?;
    // A themed activity (集中主题活动) expects the members of the branches joining it; a
    // joint activity (结对共建) the co-organiser's members too.
    let venues: Vec<i64> = crate::entities::themed_venue::Entity::find()
        .filter(crate::entities::themed_venue::Column::PlanId.eq(plan.id))
        .all(db)
        .await
        .context("cannot read venues")?
        .into_iter()
        .map(|v| v.branch_id)
        .collect();
    let sides: Vec<i64> = if venues.is_empty() {
        std::iter::once(plan.org_id).chain(plan.co_org_id).collect()
    } else {
        venues
    };
    let members = person::Entity::find()
        .filter(person::Column::OrgId.is_in(sides.iter().copied()))
        .filter(person::Column::Active.eq(true))
        .filter(person::Column::Exempt.eq(false))
        .filter(person::Column::Status.is_in([
            MemberStatus::Full.as_str(),
            MemberStatus::Probationary.as_str(),
        ]))
        .all(db)
        .await
        .context("cannot read the roster")?;
    let activists = if invited.is_empty() {
        Vec::new()
    } else {
        person::Entity::find()
            .filter(person::Column::Id.is_in(invited.iter().copied()))
            .filter(person::Column::OrgId.is_in(sides.iter().copied()))
            .filter(person::Column::Active.eq(true))
            .filter(person::Column::Status.eq(MemberStatus::Activist.as_str()))
            .all(db)
            .await
            .context("cannot read invited activists")?
    };
    if activists.len() != invited.len() {
        return Err(invalid(
            "invited_person_ids must be active activists (入党积极分子) of this branch",
        ));
    }
    let rows: Vec<plan_participant::ActiveModel> = members
        .iter()
        .map(|p| (p.id, false))
        .chain(activists.iter().map(|p| (p.id, true)))
        .map(|(person_id, invited)| plan_participant::ActiveModel {
            plan_id: Set(plan.id),
            person_id: Set(person_id),
            invited: Set(invited),
        })
        .collect();
    let count = rows.len();
    // Chunked: SQLite caps bound parameters per statement, and a large branch exceeds it.
    for chunk in rows.chunks(1000) {
        plan_participant::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await
            .context("cannot store participants")?;
    }
    Ok(count)
}

pub(crate) async fn participants(
    db: &impl ConnectionTrait,
    plan_id: i64,
) -> Result<Vec<ParticipantResponse>, PlanError> {
    let rows = plan_participant::Entity::find()
        .filter(plan_participant::Column::PlanId.eq(plan_id))
        .all(db)
        .await
        .context("cannot read participants")?;
    let people: HashMap<i64, person::Model> = person::Entity::find()
        .filter(person::Column::Id.is_in(rows.iter().map(|r| r.person_id)))
        .all(db)
        .await
        .context("cannot read participants' names")?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut list: Vec<ParticipantResponse> = rows
        .into_iter()
        .filter_map(|p| {
            people.get(&p.person_id).map(|person| ParticipantResponse {
                person_id: p.person_id,
                name: person.name.clone(),
                status: person.status,
                invited: p.invited,
            })
        })
        .collect();
    list.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(list)
}
