//! A member's own view: the activities they are expected at, with their standing at each.
use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    AttendanceError, CheckinService,
    attendance::{self, PersonYear},
    facts::{self, phase},
    leave::{self, Leave},
};
use crate::{
    clock,
    domain::PlanStatus,
    entities::{activity_plan, leave_request, organisation, person, plan_participant},
};

#[derive(Serialize, ToSchema)]
pub struct MyActivity {
    pub activity_id: i64,
    pub theme: String,
    pub activity_date: NaiveDate,
    pub start_time: String,
    pub end_time: String,
    pub place: String,
    pub org_name: String,
    pub checkin_opens_at: DateTime<FixedOffset>,
    pub checkin_closes_at: DateTime<FixedOffset>,
    /// upcoming, open, closed, cancelled
    pub phase: String,
    /// expected, present, on_leave, leave_pending, absent, exempt
    pub my_status: String,
    pub checked_in_at: Option<DateTime<FixedOffset>>,
    pub leave: Option<Leave>,
}

/// Activities the person is expected at, from 45 days back on (newest first). Plans, leave
/// and organisations are read once for all of them; the person's year once per year.
pub async fn activities(
    service: &CheckinService,
    person_id: i64,
) -> Result<Vec<MyActivity>, AttendanceError> {
    let db = &service.db;
    let plan_ids: Vec<i64> = plan_participant::Entity::find()
        .filter(plan_participant::Column::PersonId.eq(person_id))
        .all(db)
        .await
        .context("cannot read participation")?
        .into_iter()
        .map(|p| p.plan_id)
        .collect();
    let today = clock::now().with_timezone(&clock::shanghai()).date_naive();
    let since = today
        .checked_sub_signed(chrono::Duration::days(45))
        .unwrap_or(today);
    let plans = activity_plan::Entity::find()
        .filter(activity_plan::Column::Id.is_in(plan_ids))
        .filter(activity_plan::Column::Status.eq(PlanStatus::Filed))
        .filter(activity_plan::Column::ActivityDate.gte(since))
        .order_by_desc(activity_plan::Column::ActivityDate)
        .all(db)
        .await
        .context("cannot read plans")?;
    let leave_rows: HashMap<i64, leave_request::Model> = leave_request::Entity::find()
        .filter(leave_request::Column::PersonId.eq(person_id))
        .filter(leave_request::Column::PlanId.is_in(plans.iter().map(|p| p.id)))
        .all(db)
        .await
        .context("cannot read leave")?
        .into_iter()
        .map(|l| (l.plan_id, l))
        .collect();
    let org_names: HashMap<i64, String> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(plans.iter().map(|p| p.org_id)))
        .all(db)
        .await
        .context("cannot read organisations")?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let me = person::Entity::find_by_id(person_id)
        .one(db)
        .await
        .context("cannot read a person")?
        .ok_or(AttendanceError::PersonNotFound)?;
    // At most two years are involved (45 days back): each is read once.
    let mut years: std::collections::HashMap<i32, PersonYear> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(plans.len());
    for plan in plans {
        let activity = facts::ensure_activity(db, &plan, &service.settings).await?;
        let year = plan.activity_date.year();
        if let std::collections::hash_map::Entry::Vacant(slot) = years.entry(year) {
            slot.insert(attendance::person_year(db, &me, year).await?);
        }
        let entry = years[&year]
            .activities
            .iter()
            .find(|a| a.activity_id == plan.id);
        let leave_row = leave_rows.get(&plan.id).cloned();
        let status = match (
            entry.map(|e| e.status),
            leave_row.as_ref().map(|l| l.status.as_str()),
        ) {
            (Some(attendance::Status::Present), _) => "present",
            (Some(attendance::Status::Exempt), _) => "exempt",
            (Some(attendance::Status::OnLeave), _) => "on_leave",
            (_, Some("pending")) => "leave_pending",
            (Some(attendance::Status::Absent), _) => "absent",
            _ => "expected",
        };
        let org_name = org_names.get(&plan.org_id).cloned().unwrap_or_default();
        let (opens, closes) = facts::check_in_period(&plan);
        out.push(MyActivity {
            activity_id: plan.id,
            phase: phase(&plan, &activity).to_owned(),
            my_status: status.to_owned(),
            checked_in_at: entry.and_then(|e| e.checked_in_at),
            leave: leave_row.map(|l| leave::leave_view(l, me.name.clone())),
            theme: plan.theme,
            activity_date: plan.activity_date,
            start_time: plan.start_time,
            end_time: plan.end_time,
            place: plan.place,
            org_name,
            checkin_opens_at: opens,
            checkin_closes_at: closes,
        });
    }
    Ok(out)
}
