//! A plan as clients see it: its fields, check-in window, history and expected count.
use anyhow::Context;
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    error::PlanError,
    rules::{preview_deadline, shanghai_time},
};
use crate::{
    clock,
    domain::{PlanCategory, PlanStatus},
    entities::{activity_plan, plan_event, plan_participant},
};

#[derive(Serialize, ToSchema)]
pub struct PlanResponse {
    pub id: i64,
    pub org_id: i64,
    pub month: String,
    pub version: i32,
    pub status: PlanStatus,
    pub theme: String,
    pub category: PlanCategory,
    pub category_label: String,
    pub date: NaiveDate,
    pub start_time: String,
    pub end_time: String,
    pub date_reason: Option<String>,
    pub place: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub requirements: String,
    pub organiser: String,
    /// Check-in window, Asia/Shanghai.
    pub checkin_opens_at: String,
    pub checkin_closes_at: String,
    /// The check-in window as the plan states it (what an edit form shows and sends back).
    pub checkin_opens_minutes_before: i32,
    pub checkin_closes_minutes_after: i32,
    pub review_comment: Option<String>,
    pub filed_to_org_id: Option<i64>,
    pub published_at: Option<String>,
    pub preview_deadline: NaiveDate,
    pub expected_participants: usize,
    pub history: Vec<PlanEventResponse>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanEventResponse {
    pub version: i32,
    pub action: String,
    /// None when the scheduler acted.
    pub actor_person_id: Option<i64>,
    /// A superior acted for the branch.
    pub on_behalf: bool,
    pub comment: Option<String>,
    pub occurred_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct ParticipantResponse {
    pub person_id: i64,
    pub name: String,
    pub status: String,
    pub invited: bool,
}

pub(crate) async fn respond(
    db: &impl ConnectionTrait,
    plan: activity_plan::Model,
) -> Result<PlanResponse, PlanError> {
    let expected = plan_participant::Entity::find()
        .filter(plan_participant::Column::PlanId.eq(plan.id))
        .all(db)
        .await
        .context("cannot count participants")?
        .len();
    let history = plan_event::Entity::find()
        .filter(plan_event::Column::PlanId.eq(plan.id))
        .order_by_asc(plan_event::Column::Id)
        .all(db)
        .await
        .context("cannot read plan history")?;
    let category = PlanCategory::parse(&plan.category).map_err(anyhow::Error::msg)?;
    let (deadline, _) = preview_deadline(&plan.month)?;
    Ok(PlanResponse {
        id: plan.id,
        org_id: plan.org_id,
        status: PlanStatus::parse(&plan.status).map_err(anyhow::Error::msg)?,
        category,
        category_label: category.label().to_owned(),
        checkin_opens_at: shanghai_time(
            plan.activity_date,
            &plan.start_time,
            -i64::from(plan.checkin_opens_minutes_before),
        ),
        checkin_closes_at: shanghai_time(
            plan.activity_date,
            &plan.end_time,
            i64::from(plan.checkin_closes_minutes_after),
        ),
        checkin_opens_minutes_before: plan.checkin_opens_minutes_before,
        checkin_closes_minutes_after: plan.checkin_closes_minutes_after,
        month: plan.month,
        version: plan.version,
        theme: plan.theme,
        date: plan.activity_date,
        start_time: plan.start_time,
        end_time: plan.end_time,
        date_reason: plan.date_reason,
        place: plan.place,
        latitude: plan.latitude,
        longitude: plan.longitude,
        requirements: plan.requirements,
        organiser: plan.organiser,
        review_comment: plan.review_comment,
        filed_to_org_id: plan.filed_to_org_id,
        published_at: plan
            .published_at
            .map(|t| t.with_timezone(&clock::shanghai()).to_rfc3339()),
        preview_deadline: deadline,
        expected_participants: expected,
        history: history
            .into_iter()
            .map(|e| PlanEventResponse {
                version: e.version,
                action: e.action,
                actor_person_id: e.actor_person_id,
                on_behalf: e.on_behalf,
                comment: e.comment,
                occurred_at: e.occurred_at.with_timezone(&clock::shanghai()).to_rfc3339(),
            })
            .collect(),
    })
}
