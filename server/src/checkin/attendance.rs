//! Attendance from the database (the source of truth): an activity's roster with each
//! person's status, a person's year for the democratic evaluation, and the ledger (台账).
use std::collections::{HashMap, HashSet};

use anyhow::Context;
use chrono::{DateTime, FixedOffset, NaiveDate};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Query},
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    export::{ActivityLedger, Correction, Counts, LedgerRow},
    facts,
    live::LiveCounts,
    writer::Method,
};
use crate::{
    clock,
    domain::PlanStatus,
    entities::{
        activity, activity_plan, checkin, checkin_undo, leave_request, organisation, person,
        plan_participant,
    },
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Present,
    OnLeave,
    Absent,
    Exempt,
    Guest,
    /// An activist (入党积极分子) invited to attend: listed, not in the rate.
    Invited,
    /// The activity has not happened yet.
    Expected,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Present => "出席",
            Status::OnLeave => "请假",
            Status::Absent => "缺席",
            Status::Exempt => "免参加",
            Status::Guest => "列席",
            Status::Invited => "积极分子列席",
            Status::Expected => "应到",
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonStatus {
    pub person_id: i64,
    pub name: String,
    pub status: Status,
    pub checkin_id: Option<i64>,
    pub checked_in_at: Option<DateTime<FixedOffset>>,
    pub method: Option<Method>,
    pub location_far: bool,
    /// Leave reason, the organiser's reason, or the exemption.
    pub note: Option<String>,
}

pub struct ActivityAttendance {
    pub plan: activity_plan::Model,
    pub org: organisation::Model,
    pub activity: Option<activity::Model>,
    pub counts: LiveCounts,
    pub exempt: u64,
    pub people: Vec<PersonStatus>,
    pub leaders: LeaderAttendance,
}

/// "党员领导干部要带头参加活动" (§三.2): the leading cadres among the expected members, and
/// how many of them came, shown apart from the branch's rate.
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema)]
pub struct LeaderAttendance {
    pub expected: u64,
    pub present: u64,
}

/// Which of `ids` are leading cadres by the roster (one statement per 500 people).
async fn leaders_among(
    db: &impl ConnectionTrait,
    ids: &HashSet<i64>,
) -> anyhow::Result<HashSet<i64>> {
    let ids: Vec<i64> = ids.iter().copied().collect();
    let mut out = HashSet::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<i64> = crate::entities::person::Entity::find()
            .select_only()
            .column(crate::entities::person::Column::Id)
            .filter(crate::entities::person::Column::Id.is_in(chunk.iter().copied()))
            .filter(crate::entities::person::Column::LeaderLevel.is_not_null())
            .into_tuple()
            .all(db)
            .await
            .context("cannot read leader levels")?;
        out.extend(rows);
    }
    Ok(out)
}

/// Present rows not undone, one per person (the latest round).
async fn presence_rows(
    db: &impl ConnectionTrait,
    plan_ids: &[i64],
    person: Option<i64>,
) -> anyhow::Result<Vec<checkin::Model>> {
    if plan_ids.is_empty() {
        return Ok(Vec::new());
    }
    let undone = Query::select()
        .column(checkin_undo::Column::CheckinId)
        .from(checkin_undo::Entity)
        .to_owned();
    let mut query = checkin::Entity::find()
        .filter(checkin::Column::PlanId.is_in(plan_ids.iter().copied()))
        .filter(checkin::Column::Present.eq(true))
        .filter(Expr::col(checkin::Column::Id).not_in_subquery(undone));
    if let Some(person) = person {
        query = query.filter(checkin::Column::PersonId.eq(person));
    }
    query
        .order_by_asc(checkin::Column::Id)
        .all(db)
        .await
        .context("cannot read check-ins")
}

/// Everyone's attendance at an activity (a joint activity: both sides together).
pub async fn for_activity(
    db: &impl ConnectionTrait,
    plan: activity_plan::Model,
) -> anyhow::Result<ActivityAttendance> {
    for_side(db, plan, None).await
}

/// One side's attendance at an activity: for a joint activity (结对共建) each organisation
/// counts only its own members, in its own rate and ledger; `None` counts everyone.
pub async fn for_side(
    db: &impl ConnectionTrait,
    plan: activity_plan::Model,
    side: Option<i64>,
) -> anyhow::Result<ActivityAttendance> {
    // A side other than the host is a co-organiser or a branch joining a themed activity.
    let side = side.filter(|s| plan.co_org_id.is_some() || *s != plan.org_id);
    let org = organisation::Entity::find_by_id(side.unwrap_or(plan.org_id))
        .one(db)
        .await
        .context("cannot read an organisation")?
        .context("a plan's organisation is missing")?;
    let activity = activity::Entity::find_by_id(plan.id)
        .one(db)
        .await
        .context("cannot read an activity")?;
    let (invited, members): (Vec<_>, Vec<_>) = plan_participant::Entity::find()
        .filter(plan_participant::Column::PlanId.eq(plan.id))
        .all(db)
        .await
        .context("cannot read participants")?
        .into_iter()
        .partition(|p| p.invited);
    let invited: HashSet<i64> = invited.into_iter().map(|p| p.person_id).collect();
    let members: HashSet<i64> = members.into_iter().map(|p| p.person_id).collect();
    let presence: HashMap<i64, checkin::Model> = presence_rows(db, &[plan.id], None)
        .await?
        .into_iter()
        .map(|c| (c.person_id, c))
        .collect();
    // One side of a joint activity: only the people of that organisation.
    let of_side = match side {
        Some(side) => {
            let everyone: Vec<i64> = members
                .iter()
                .chain(&invited)
                .chain(presence.keys())
                .copied()
                .collect();
            Some(people_of_org(db, &everyone, side).await?)
        }
        None => None,
    };
    let on_side = |id: &i64| of_side.as_ref().is_none_or(|ids| ids.contains(id));
    let invited: HashSet<i64> = invited.into_iter().filter(on_side).collect();
    let members: HashSet<i64> = members.into_iter().filter(on_side).collect();
    let presence: HashMap<i64, checkin::Model> =
        presence.into_iter().filter(|(id, _)| on_side(id)).collect();
    let exempt_all = facts::exempt_on(db, org.id, plan.activity_date).await?;
    let exempt: HashSet<i64> = members.intersection(&exempt_all).copied().collect();
    // Party members only: invited activists are listed, never in the rate.
    let expected: HashSet<i64> = members.difference(&exempt).copied().collect();
    let participants: HashSet<i64> = members.union(&invited).copied().collect();
    let leave: HashMap<i64, leave_request::Model> = leave_request::Entity::find()
        .filter(leave_request::Column::PlanId.eq(plan.id))
        .filter(leave_request::Column::Status.eq(crate::domain::LeaveStatus::Approved))
        .all(db)
        .await
        .context("cannot read leave")?
        .into_iter()
        .map(|l| (l.person_id, l))
        .collect();
    let mut everyone: HashSet<i64> = participants.clone();
    everyone.extend(presence.keys().copied());
    let names = crate::people::names(db, everyone.iter().copied()).await?;
    let happened = facts::check_in_period(&plan).0 <= clock::now();
    let mut people: Vec<PersonStatus> = everyone
        .iter()
        .map(|id| {
            let row = presence.get(id);
            let status = if expected.contains(id) {
                match (row, leave.contains_key(id)) {
                    (Some(_), _) => Status::Present,
                    (None, true) => Status::OnLeave,
                    (None, false) if happened => Status::Absent,
                    (None, false) => Status::Expected,
                }
            } else if exempt.contains(id) {
                Status::Exempt
            } else if invited.contains(id) {
                Status::Invited
            } else {
                Status::Guest
            };
            let note = match status {
                Status::OnLeave => leave.get(id).map(|l| l.reason.clone()),
                _ => row.and_then(|r| r.reason.clone()),
            };
            PersonStatus {
                person_id: *id,
                name: names.get(id).cloned().unwrap_or_default(),
                status,
                checkin_id: row.map(|r| r.id),
                checked_in_at: row.map(|r| r.at),
                method: row.map(|r| r.method),
                location_far: row.is_some_and(|r| r.location_far),
                note,
            }
        })
        .collect();
    people.sort_by(|a, b| {
        (status_rank(a.status), &a.name, a.person_id).cmp(&(
            status_rank(b.status),
            &b.name,
            b.person_id,
        ))
    });
    let count = |s: Status| people.iter().filter(|p| p.status == s).count() as u64;
    let mut counts = LiveCounts::new(
        expected.len() as u64,
        count(Status::Present),
        count(Status::OnLeave),
        count(Status::Guest),
    );
    if !happened {
        counts.absent = 0;
        counts.below_threshold = false;
    }
    let leader_ids = leaders_among(db, &expected).await?;
    let leaders = LeaderAttendance {
        expected: leader_ids.len() as u64,
        present: people
            .iter()
            .filter(|p| p.status == Status::Present && leader_ids.contains(&p.person_id))
            .count() as u64,
    };
    Ok(ActivityAttendance {
        leaders,
        exempt: count(Status::Exempt),
        plan,
        org,
        activity,
        counts,
        people,
    })
}

/// Which of `ids` belong to `org_id` (one statement per 500).
async fn people_of_org(
    db: &impl ConnectionTrait,
    ids: &[i64],
    org_id: i64,
) -> anyhow::Result<HashSet<i64>> {
    let mut out = HashSet::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<i64> = crate::entities::person::Entity::find()
            .select_only()
            .column(crate::entities::person::Column::Id)
            .filter(crate::entities::person::Column::Id.is_in(chunk.iter().copied()))
            .filter(crate::entities::person::Column::OrgId.eq(org_id))
            .into_tuple()
            .all(db)
            .await
            .context("cannot read people's organisations")?;
        out.extend(rows);
    }
    Ok(out)
}

fn status_rank(s: Status) -> u8 {
    match s {
        Status::Present => 0,
        Status::OnLeave => 1,
        Status::Absent => 2,
        Status::Expected => 3,
        Status::Exempt => 4,
        Status::Invited => 5,
        Status::Guest => 6,
    }
}

/// One activity in a person's year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct YearEntry {
    pub activity_id: i64,
    pub theme: String,
    pub activity_date: NaiveDate,
    pub org_name: String,
    pub status: Status,
    pub checked_in_at: Option<DateTime<FixedOffset>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonYear {
    pub person_id: i64,
    pub year: i32,
    /// Activities held so far where the person was expected.
    pub expected: u64,
    pub present: u64,
    pub on_leave: u64,
    pub absent: u64,
    pub rate: Option<f64>,
    pub below_threshold: bool,
    pub activities: Vec<YearEntry>,
}

/// A person's attendance over a year, for the annual democratic evaluation.
pub async fn person_year(
    db: &impl ConnectionTrait,
    person: &person::Model,
    year: i32,
) -> anyhow::Result<PersonYear> {
    // Activities the person was expected at as a member (an invitation as an activist is
    // not an expectation).
    let plan_ids: Vec<i64> = plan_participant::Entity::find()
        .filter(plan_participant::Column::PersonId.eq(person.id))
        .filter(plan_participant::Column::Invited.eq(false))
        .all(db)
        .await
        .context("cannot read participation")?
        .into_iter()
        .map(|p| p.plan_id)
        .collect();
    let (from, to) = (
        NaiveDate::from_ymd_opt(year, 1, 1).context("bad year")?,
        NaiveDate::from_ymd_opt(year, 12, 31).context("bad year")?,
    );
    let mut plans = Vec::new();
    for chunk in plan_ids.chunks(500) {
        plans.extend(
            activity_plan::Entity::find()
                .filter(activity_plan::Column::Id.is_in(chunk.iter().copied()))
                .filter(activity_plan::Column::Status.eq(PlanStatus::Filed))
                .filter(activity_plan::Column::ActivityDate.between(from, to))
                .all(db)
                .await
                .context("cannot read plans")?,
        );
    }
    plans.sort_by_key(|p| (p.activity_date, p.id));
    let ids: Vec<i64> = plans.iter().map(|p| p.id).collect();
    let presence: HashMap<i64, checkin::Model> = presence_rows(db, &ids, Some(person.id))
        .await?
        .into_iter()
        .map(|c| (c.plan_id.unwrap_or_default(), c))
        .collect();
    let leave: HashSet<i64> = leave_request::Entity::find()
        .filter(leave_request::Column::PersonId.eq(person.id))
        .filter(leave_request::Column::Status.eq(crate::domain::LeaveStatus::Approved))
        .all(db)
        .await
        .context("cannot read leave")?
        .into_iter()
        .map(|l| l.plan_id)
        .collect();
    let org_names: HashMap<i64, String> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(plans.iter().map(|p| p.org_id)))
        .all(db)
        .await
        .context("cannot read organisations")?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let now = clock::now();
    let mut activities = Vec::with_capacity(plans.len());
    for plan in &plans {
        let exempt = facts::exempt_on(db, plan.org_id, plan.activity_date)
            .await?
            .contains(&person.id);
        let row = presence.get(&plan.id);
        let status = match (row, exempt) {
            (Some(_), false) => Status::Present,
            (_, true) => Status::Exempt,
            (None, false) if leave.contains(&plan.id) => Status::OnLeave,
            (None, false) if facts::check_in_period(plan).0 <= now => Status::Absent,
            (None, false) => Status::Expected,
        };
        activities.push(YearEntry {
            activity_id: plan.id,
            theme: plan.theme.clone(),
            activity_date: plan.activity_date,
            org_name: org_names.get(&plan.org_id).cloned().unwrap_or_default(),
            status,
            checked_in_at: row.map(|r| r.at),
        });
    }
    let count = |s: Status| activities.iter().filter(|a| a.status == s).count() as u64;
    let (present, on_leave, absent) = (
        count(Status::Present),
        count(Status::OnLeave),
        count(Status::Absent),
    );
    let expected = present + on_leave + absent;
    let rate = (expected > 0).then(|| present as f64 / expected as f64);
    Ok(PersonYear {
        person_id: person.id,
        year,
        expected,
        present,
        on_leave,
        absent,
        rate,
        below_threshold: rate.is_some_and(|r| r < super::live::THRESHOLD),
        activities,
    })
}

/// The ledger of one activity: plan, preview, attendance, corrections, minutes.
pub async fn ledger(
    db: &impl ConnectionTrait,
    attendance: &ActivityAttendance,
) -> anyhow::Result<ActivityLedger> {
    let plan = &attendance.plan;
    let rows = attendance
        .people
        .iter()
        .map(|p| LedgerRow {
            name: p.name.clone(),
            status: p.status.label(),
            checked_in_at: p.checked_in_at.map(|t| t.with_timezone(&clock::shanghai())),
            method: p.method.map(Method::label),
            location_far: p.location_far,
            note: p.note.clone().unwrap_or_default(),
        })
        .collect();
    let all_rows = checkin::Entity::find()
        .filter(checkin::Column::PlanId.eq(plan.id))
        .filter(checkin::Column::Present.eq(true))
        .order_by_asc(checkin::Column::Id)
        .all(db)
        .await
        .context("cannot read check-ins")?;
    let undos = checkin_undo::Entity::find()
        .filter(checkin_undo::Column::CheckinId.is_in(all_rows.iter().map(|r| r.id)))
        .all(db)
        .await
        .context("cannot read undo entries")?;
    let mut who: HashSet<i64> = all_rows.iter().map(|r| r.person_id).collect();
    who.extend(all_rows.iter().filter_map(|r| r.actor_id));
    who.extend(undos.iter().map(|u| u.actor_id));
    let names = crate::people::names(db, who.iter().copied()).await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
    let mut corrections: Vec<Correction> = all_rows
        .iter()
        .filter(|r| r.method == Method::Organiser)
        .map(|r| Correction {
            at: r.at.with_timezone(&clock::shanghai()),
            actor: r.actor_id.map(name).unwrap_or_default(),
            person: name(r.person_id),
            action: "补签",
            reason: r.reason.clone().unwrap_or_default(),
        })
        .collect();
    let person_of: HashMap<i64, i64> = all_rows.iter().map(|r| (r.id, r.person_id)).collect();
    corrections.extend(undos.iter().map(|u| {
        Correction {
            at: u.at.with_timezone(&clock::shanghai()),
            actor: name(u.actor_id),
            person: person_of
                .get(&u.checkin_id)
                .copied()
                .map(name)
                .unwrap_or_default(),
            action: "撤销签到",
            reason: u.reason.clone(),
        }
    }));
    corrections.sort_by_key(|c| c.at);
    let c = &attendance.counts;
    let to_u32 = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    let shanghai =
        |t: Option<DateTime<FixedOffset>>| t.map(|t| t.with_timezone(&clock::shanghai()));
    Ok(ActivityLedger {
        org_name: attendance.org.name.clone(),
        org_code: attendance.org.code.clone(),
        activity_id: plan.id,
        theme: plan.theme.clone(),
        category: plan.category.label().to_owned(),
        activity_date: plan.activity_date,
        start_time: plan.start_time.clone(),
        end_time: plan.end_time.clone(),
        place: plan.place.clone(),
        organiser: plan.organiser.clone(),
        requirements: plan.requirements.clone(),
        filed_at: shanghai(plan.filed_at),
        published_at: shanghai(plan.published_at),
        preview: plan.preview.clone(),
        counts: Counts {
            expected: to_u32(c.expected),
            present: to_u32(c.present),
            on_leave: to_u32(c.on_leave),
            absent: to_u32(c.absent),
            guests: to_u32(c.guests),
            exempt: to_u32(attendance.exempt),
        },
        rows,
        corrections,
        minutes: attendance.activity.as_ref().and_then(|a| a.minutes.clone()),
        photos: crate::attachments::service::of_record(
            db,
            crate::attachments::AttachmentOwner::Activity,
            plan.id,
        )
        .await?
        .into_iter()
        .map(|a| a.name)
        .collect(),
    })
}

/// A check-in row by id.
pub async fn find_checkin(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<checkin::Model, super::AttendanceError> {
    checkin::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a check-in")?
        .ok_or(super::AttendanceError::CheckinNotFound)
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RefusalResponse {
    pub checkin_id: i64,
    pub person_id: i64,
    pub name: String,
    pub result: super::Outcome,
    pub at: chrono::DateTime<chrono::FixedOffset>,
    pub scanned_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub location_far: bool,
}

/// Refused attempts of an activity, newest first (at most 1,000), with names.
pub async fn refusals(
    db: &impl ConnectionTrait,
    plan_id: i64,
) -> anyhow::Result<Vec<RefusalResponse>> {
    let rows = checkin::Entity::find()
        .filter(checkin::Column::PlanId.eq(plan_id))
        .filter(checkin::Column::Present.eq(false))
        .order_by_desc(checkin::Column::Id)
        .limit(1000)
        .all(db)
        .await
        .context("cannot read refusals")?;
    let names = crate::people::names(db, rows.iter().map(|r| r.person_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| RefusalResponse {
            name: names.get(&r.person_id).cloned().unwrap_or_default(),
            checkin_id: r.id,
            person_id: r.person_id,
            result: r.outcome,
            at: r.at,
            scanned_at: r.scanned_at,
            location_far: r.location_far,
        })
        .collect())
}

/// Filed plans of an organisation's subtree held between two days, by date, each with the
/// side it counts for: the host's own plans, and joint activities (结对共建) co-organised by
/// an organisation of the subtree — a joint activity of two organisations of the subtree
/// appears once for each side.
pub async fn filed_plans(
    db: &impl ConnectionTrait,
    org_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> anyhow::Result<Vec<(activity_plan::Model, i64)>> {
    let orgs = crate::orgs::subtree_ids(db, org_id).await?;
    let mut plans = Vec::new();
    let mut rows_of_subtree = Vec::new();
    for chunk in orgs.chunks(500) {
        let rows = activity_plan::Entity::find()
            .filter(
                sea_orm::Condition::any()
                    .add(activity_plan::Column::OrgId.is_in(chunk.iter().copied()))
                    .add(activity_plan::Column::CoOrgId.is_in(chunk.iter().copied()))
                    .add(
                        activity_plan::Column::Id.in_subquery(
                            Query::select()
                                .column(crate::entities::themed_venue::Column::PlanId)
                                .from(crate::entities::themed_venue::Entity)
                                .and_where(
                                    Expr::col(crate::entities::themed_venue::Column::BranchId)
                                        .is_in(chunk.iter().copied()),
                                )
                                .to_owned(),
                        ),
                    ),
            )
            .filter(activity_plan::Column::Status.eq(PlanStatus::Filed))
            .filter(activity_plan::Column::ActivityDate.between(from, to))
            .order_by_asc(activity_plan::Column::ActivityDate)
            .all(db)
            .await
            .context("cannot read plans")?;
        rows_of_subtree.extend(rows);
    }
    // A themed activity counts for each branch joining it, at its own venue.
    let mut venues: HashMap<i64, Vec<i64>> = HashMap::new();
    let ids: Vec<i64> = rows_of_subtree.iter().map(|p| p.id).collect();
    for chunk in ids.chunks(500) {
        for v in crate::entities::themed_venue::Entity::find()
            .filter(crate::entities::themed_venue::Column::PlanId.is_in(chunk.iter().copied()))
            .all(db)
            .await
            .context("cannot read venues")?
        {
            venues.entry(v.plan_id).or_default().push(v.branch_id);
        }
    }
    let in_subtree: HashSet<i64> = orgs.iter().copied().collect();
    for plan in rows_of_subtree {
        let sides: Vec<i64> = match venues.get(&plan.id) {
            Some(branches) => branches.clone(),
            None => std::iter::once(plan.org_id).chain(plan.co_org_id).collect(),
        };
        for side in sides.into_iter().filter(|s| in_subtree.contains(s)) {
            plans.push((plan.clone(), side));
        }
    }
    plans.sort_by_key(|(p, side)| (p.activity_date, *side, p.id));
    plans.dedup_by_key(|(p, side)| (p.id, *side));
    Ok(plans)
}
