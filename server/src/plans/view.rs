//! A plan as clients see it: its fields, check-in window, history and expected count.
use anyhow::Context;
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
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
    /// The speaker of a Party lecture, when on the roster.
    pub speaker_person_id: Option<i64>,
    /// The paired organisation holding it jointly (结对共建), whose members are expected too.
    pub co_org_id: Option<i64>,
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
    pub action: crate::domain::PlanAction,
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
    pub status: crate::domain::MemberStatus,
    pub invited: bool,
}

pub(crate) async fn respond(
    db: &impl ConnectionTrait,
    plan: activity_plan::Model,
) -> Result<PlanResponse, PlanError> {
    let mut views = respond_many(db, vec![plan]).await?;
    views
        .pop()
        .ok_or_else(|| anyhow::anyhow!("a plan went missing").into())
}

/// Many plans in two queries whatever their number: participants counted and histories
/// read for all of them at once.
pub(crate) async fn respond_many(
    db: &impl ConnectionTrait,
    plans: Vec<activity_plan::Model>,
) -> Result<Vec<PlanResponse>, PlanError> {
    let ids: Vec<i64> = plans.iter().map(|p| p.id).collect();
    let mut expected: HashMap<i64, usize> = HashMap::new();
    let mut histories: HashMap<i64, Vec<plan_event::Model>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let counted: Vec<i64> = plan_participant::Entity::find()
            .select_only()
            .column(plan_participant::Column::PlanId)
            .filter(plan_participant::Column::PlanId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await
            .context("cannot count participants")?;
        for plan_id in counted {
            *expected.entry(plan_id).or_default() += 1;
        }
        for event in plan_event::Entity::find()
            .filter(plan_event::Column::PlanId.is_in(chunk.iter().copied()))
            .order_by_asc(plan_event::Column::Id)
            .all(db)
            .await
            .context("cannot read plan histories")?
        {
            histories.entry(event.plan_id).or_default().push(event);
        }
    }
    plans
        .into_iter()
        .map(|plan| {
            let count = expected.get(&plan.id).copied().unwrap_or(0);
            let history = histories.remove(&plan.id).unwrap_or_default();
            view_of(plan, count, history)
        })
        .collect()
}

fn view_of(
    plan: activity_plan::Model,
    expected: usize,
    history: Vec<plan_event::Model>,
) -> Result<PlanResponse, PlanError> {
    let category = plan.category;
    let (deadline, _) = preview_deadline(&plan.month)?;
    Ok(PlanResponse {
        id: plan.id,
        org_id: plan.org_id,
        status: plan.status,
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
        speaker_person_id: plan.speaker_person_id,
        co_org_id: plan.co_org_id,
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

#[derive(Deserialize, ToSchema)]
pub struct YearlyPlanRequest {
    /// Month ("01"–"12") → theme. Months left out have no theme yet.
    pub themes: HashMap<String, String>,
}

#[derive(Serialize, ToSchema)]
pub struct YearlyPlanResponse {
    pub org_id: i64,
    pub year: i32,
    pub themes: serde_json::Value,
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewRequest {
    /// Required when returning a plan.
    pub comment: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PreviewStatus {
    pub org_id: i64,
    pub org_name: String,
    pub plan_id: Option<i64>,
    pub plan_status: Option<PlanStatus>,
    pub published_at: Option<String>,
    /// Published after the 10th, or still unpublished after it.
    pub late: bool,
    /// No published preview yet.
    pub missing: bool,
}

#[derive(Serialize, ToSchema)]
pub struct MyPreviewResponse {
    pub month: String,
    /// The month's activity day by my branch's policy.
    pub activity_day: NaiveDate,
    pub preview_deadline: NaiveDate,
    /// The published preview of my branch for the month, if any.
    pub preview: Option<serde_json::Value>,
    pub plan_id: Option<i64>,
    /// Whether I am among the expected participants.
    pub expected: bool,
}
