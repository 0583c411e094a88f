//! Paired organisations (结对共建): two organisations — an organ and a village, a state
//! enterprise and a private one — pair up for a period with goals. A joint activity is one
//! plan of one side with the other as co-organiser (`plans::cycle::set_co_organiser`):
//! members of both are expected, and each side's attendance counts in its own rate and
//! ledger. Exchanges and help given are logged by either side; the pair's year shows all.
use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    PairEntryKind,
    error::{LifeError, invalid},
};
use crate::{
    audit::{self, Actor, AuditEntry},
    authz::{self, Caller, MANAGE_ORGS, ORGANISE, READ_DIRECTORY},
    checkin::attendance,
    clock,
    deputies::OrgRef,
    domain::{Lines, PlanStatus, Text},
    entities::{activity_plan, org_pair, org_pair_entry},
};

#[derive(Deserialize, ToSchema)]
pub struct PairRequest {
    pub org_a: i64,
    pub org_b: i64,
    /// YYYY-MM-DD
    pub starts_on: String,
    /// YYYY-MM-DD, on or after `starts_on`, within five years
    pub ends_on: String,
    /// What the pair means to achieve (up to 2000 characters).
    pub goals: String,
}

#[derive(Serialize, ToSchema)]
pub struct Pair {
    pub id: i64,
    pub org_a: OrgRef,
    pub org_b: OrgRef,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub goals: String,
}

#[derive(Deserialize, ToSchema)]
pub struct EntryRequest {
    /// The side logging it (an organisation of the pair the caller organises).
    pub org_id: i64,
    pub kind: PairEntryKind,
    /// YYYY-MM-DD, within the pair's period and not in the future
    pub on: String,
    pub summary: String,
}

#[derive(Serialize, ToSchema)]
pub struct PairEntry {
    pub id: i64,
    pub org: OrgRef,
    pub kind: PairEntryKind,
    pub on: NaiveDate,
    pub summary: String,
}

#[derive(Serialize, ToSchema)]
pub struct SideAttendance {
    pub org: OrgRef,
    pub expected: u64,
    pub present: u64,
    pub rate: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct JointActivity {
    pub plan_id: i64,
    pub date: NaiveDate,
    pub theme: String,
    pub host: OrgRef,
    /// Each side's own attendance: the host's members, then the co-organiser's.
    pub sides: Vec<SideAttendance>,
}

#[derive(Serialize, ToSchema)]
pub struct PairYear {
    pub pair: Pair,
    pub year: i32,
    pub joint_activities: Vec<JointActivity>,
    pub exchanges: u64,
    pub help_given: u64,
    pub entries: Vec<PairEntry>,
}

fn day(raw: &str, field: &str) -> Result<NaiveDate, LifeError> {
    crate::domain::dates::parse_date(raw, field).map_err(LifeError::InvalidInput)
}

async fn org_ref(db: &impl ConnectionTrait, id: i64) -> Result<OrgRef, LifeError> {
    let org = crate::orgs::find(db, id)
        .await?
        .ok_or(LifeError::NotFound("organisation"))?;
    Ok(OrgRef {
        id: org.id,
        name: org.name,
    })
}

async fn view(db: &impl ConnectionTrait, p: org_pair::Model) -> Result<Pair, LifeError> {
    Ok(Pair {
        org_a: org_ref(db, p.org_a).await?,
        org_b: org_ref(db, p.org_b).await?,
        id: p.id,
        starts_on: p.starts_on,
        ends_on: p.ends_on,
        goals: p.goals,
    })
}

/// Pairs of `a` and `b` (either way round) whose period meets [from, until].
fn between(a: i64, b: i64, from: NaiveDate, until: NaiveDate) -> Condition {
    Condition::all()
        .add(
            Condition::any()
                .add(
                    Condition::all()
                        .add(org_pair::Column::OrgA.eq(a))
                        .add(org_pair::Column::OrgB.eq(b)),
                )
                .add(
                    Condition::all()
                        .add(org_pair::Column::OrgA.eq(b))
                        .add(org_pair::Column::OrgB.eq(a)),
                ),
        )
        .add(org_pair::Column::StartsOn.lte(until))
        .add(org_pair::Column::EndsOn.gte(from))
}

/// The pair of `a` and `b` in force on `on`, if any (joint activities need one).
pub async fn active_between(
    db: &impl ConnectionTrait,
    a: i64,
    b: i64,
    on: NaiveDate,
) -> anyhow::Result<Option<org_pair::Model>> {
    org_pair::Entity::find()
        .filter(between(a, b, on, on))
        .one(db)
        .await
        .context("cannot read pairs")
}

/// Pairs two organisations for a period (the organisation department over both; audited).
/// Not an organisation with itself, nor with one above or below it, nor twice at once.
pub async fn create(
    db: &DatabaseConnection,
    caller: Caller,
    body: &PairRequest,
    request_id: Option<String>,
) -> Result<Pair, LifeError> {
    if body.org_a == body.org_b {
        return Err(invalid("an organisation is not paired with itself"));
    }
    let starts_on = day(&body.starts_on, "starts_on")?;
    let ends_on = day(&body.ends_on, "ends_on")?;
    if ends_on < starts_on || (ends_on - starts_on).num_days() > 5 * 366 {
        return Err(invalid(
            "a pair ends on or after its start, within five years",
        ));
    }
    let goals = Text::parse(&body.goals, "goals", 2000, Lines::Many)
        .map_err(invalid)?
        .into_inner();
    for org in [body.org_a, body.org_b] {
        org_ref(db, org).await?;
        authz::require(db, caller, MANAGE_ORGS, org).await?;
    }
    let related = crate::orgs::subtree_ids(db, body.org_a)
        .await?
        .contains(&body.org_b)
        || crate::orgs::subtree_ids(db, body.org_b)
            .await?
            .contains(&body.org_a);
    if related {
        return Err(invalid(
            "paired organisations are two different units, not one above the other",
        ));
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let overlapping = org_pair::Entity::find()
        .filter(between(body.org_a, body.org_b, starts_on, ends_on))
        .one(&txn)
        .await
        .context("cannot read pairs")?;
    if overlapping.is_some() {
        return Err(LifeError::Conflict(
            "these two organisations are already paired for part of that period".into(),
        ));
    }
    let row = org_pair::ActiveModel {
        org_a: Set(body.org_a),
        org_b: Set(body.org_b),
        starts_on: Set(starts_on),
        ends_on: Set(ends_on),
        goals: Set(goals),
        created_by: Set(caller.person_id),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("cannot store a pair")?;
    audit::record(
        &txn,
        request_id,
        AuditEntry {
            actor: Actor::Person(caller.person_id),
            action: "life.pair",
            target_type: "org_pair",
            target_id: row.id.to_string(),
            org_id: Some(row.org_a),
            detail: serde_json::json!({
                "org_a": row.org_a, "org_b": row.org_b,
                "starts_on": row.starts_on, "ends_on": row.ends_on,
            }),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit a pair")?;
    view(db, row).await
}

/// The pairs an organisation is part of (staff who read it).
pub async fn of_org(
    db: &DatabaseConnection,
    caller: Caller,
    org_id: i64,
) -> Result<Vec<Pair>, LifeError> {
    authz::require(db, caller, READ_DIRECTORY, org_id).await?;
    let rows = org_pair::Entity::find()
        .filter(
            Condition::any()
                .add(org_pair::Column::OrgA.eq(org_id))
                .add(org_pair::Column::OrgB.eq(org_id)),
        )
        .order_by_desc(org_pair::Column::StartsOn)
        .all(db)
        .await
        .context("cannot read pairs")?;
    let names = crate::orgs::names(db, rows.iter().flat_map(|p| [p.org_a, p.org_b])).await?;
    let named = |id: i64| OrgRef {
        id,
        name: names.get(&id).cloned().unwrap_or_default(),
    };
    Ok(rows
        .into_iter()
        .map(|p| Pair {
            org_a: named(p.org_a),
            org_b: named(p.org_b),
            id: p.id,
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            goals: p.goals,
        })
        .collect())
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<org_pair::Model, LifeError> {
    org_pair::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a pair")?
        .ok_or(LifeError::NotFound("pair"))
}

/// One side logs an exchange or help given (that side's organisers).
pub async fn log_entry(
    db: &DatabaseConnection,
    caller: Caller,
    pair_id: i64,
    body: &EntryRequest,
) -> Result<PairEntry, LifeError> {
    let pair = find(db, pair_id).await?;
    if body.org_id != pair.org_a && body.org_id != pair.org_b {
        return Err(invalid("org_id is one of the pair's two organisations"));
    }
    authz::require(db, caller, ORGANISE, body.org_id).await?;
    let on = day(&body.on, "on")?;
    let today = clock::today();
    if on < pair.starts_on || on > pair.ends_on || on > today {
        return Err(invalid(
            "the day is within the pair's period and not in the future",
        ));
    }
    let summary = Text::parse(&body.summary, "summary", 500, Lines::Many)
        .map_err(invalid)?
        .into_inner();
    let row = org_pair_entry::ActiveModel {
        pair_id: Set(pair.id),
        org_id: Set(body.org_id),
        kind: Set(body.kind),
        on_date: Set(on),
        summary: Set(summary),
        created_by: Set(caller.person_id),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("cannot store an entry")?;
    Ok(PairEntry {
        org: org_ref(db, row.org_id).await?,
        id: row.id,
        kind: row.kind,
        on: row.on_date,
        summary: row.summary,
    })
}

/// The pair's year: joint activities with each side's own attendance, exchanges and help
/// (staff who read either side).
pub async fn year(
    db: &DatabaseConnection,
    caller: Caller,
    pair_id: i64,
    year: Option<i32>,
) -> Result<PairYear, LifeError> {
    let pair = find(db, pair_id).await?;
    let reads = authz::has_role(db, caller.person_id, READ_DIRECTORY, pair.org_a).await?
        || authz::has_role(db, caller.person_id, READ_DIRECTORY, pair.org_b).await?;
    if !reads {
        return Err(LifeError::Forbidden);
    }
    let this = clock::now().with_timezone(&clock::shanghai()).year();
    let year = year.unwrap_or(this);
    if !(2000..=this).contains(&year) {
        return Err(invalid(format!("year must be 2000–{this}")));
    }
    let (from, until) = (
        NaiveDate::from_ymd_opt(year, 1, 1).context("a first day")?,
        NaiveDate::from_ymd_opt(year, 12, 31).context("a last day")?,
    );
    let plans = activity_plan::Entity::find()
        .filter(activity_plan::Column::Status.eq(PlanStatus::Filed))
        .filter(activity_plan::Column::ActivityDate.between(from, until))
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(activity_plan::Column::OrgId.eq(pair.org_a))
                        .add(activity_plan::Column::CoOrgId.eq(pair.org_b)),
                )
                .add(
                    Condition::all()
                        .add(activity_plan::Column::OrgId.eq(pair.org_b))
                        .add(activity_plan::Column::CoOrgId.eq(pair.org_a)),
                ),
        )
        .order_by_asc(activity_plan::Column::ActivityDate)
        .all(db)
        .await
        .context("cannot read joint activities")?;
    let mut joint_activities = Vec::with_capacity(plans.len());
    for plan in plans {
        let mut sides = Vec::new();
        for side in std::iter::once(plan.org_id).chain(plan.co_org_id) {
            let a = attendance::for_side(db, plan.clone(), Some(side)).await?;
            sides.push(SideAttendance {
                org: OrgRef {
                    id: a.org.id,
                    name: a.org.name,
                },
                expected: a.counts.expected,
                present: a.counts.present,
                rate: a.counts.rate,
            });
        }
        joint_activities.push(JointActivity {
            host: org_ref(db, plan.org_id).await?,
            plan_id: plan.id,
            date: plan.activity_date,
            theme: plan.theme,
            sides,
        });
    }
    let rows = org_pair_entry::Entity::find()
        .filter(org_pair_entry::Column::PairId.eq(pair.id))
        .filter(org_pair_entry::Column::OnDate.between(from, until))
        .order_by_asc(org_pair_entry::Column::OnDate)
        .all(db)
        .await
        .context("cannot read entries")?;
    let names = crate::orgs::names(db, [pair.org_a, pair.org_b]).await?;
    let entries: Vec<PairEntry> = rows
        .into_iter()
        .map(|e| PairEntry {
            org: OrgRef {
                id: e.org_id,
                name: names.get(&e.org_id).cloned().unwrap_or_default(),
            },
            id: e.id,
            kind: e.kind,
            on: e.on_date,
            summary: e.summary,
        })
        .collect();
    let count = |k: PairEntryKind| entries.iter().filter(|e| e.kind == k).count() as u64;
    Ok(PairYear {
        exchanges: count(PairEntryKind::Exchange),
        help_given: count(PairEntryKind::Help),
        pair: view(db, pair).await?,
        year,
        joint_activities,
        entries,
    })
}
