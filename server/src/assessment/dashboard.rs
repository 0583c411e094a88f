//! What each level reads at a glance for its subtree and a month or a year: previews on time,
//! late or missing; participation by band with the organisations under 80 %; activity days
//! held; leaders behind on quotas; open rectifications; the stored assessment scores. And the
//! live board of the 20th: today's check-ins per organisation directly below, rolled up from
//! the per-activity live counters (the cache's sets), never by reading the check-in table.
use std::collections::{BTreeMap, HashMap};

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{AssessmentError, error::invalid};
use crate::{
    authz::{self, Caller, READ_DIRECTORY},
    checkin::{
        facts::FactsCache,
        live::{Live, THRESHOLD},
    },
    clock,
    config::DutySettings,
    domain::{OrgKind, PlanStatus},
    entities::{
        activity, activity_plan, assessment_score, organisation, organisation_closure,
        rectification,
    },
    supervision::RectificationStatus,
};

/// How many names a dashboard lists under each heading (the counts are complete).
const LISTED: usize = 50;

#[derive(Deserialize, IntoParams)]
pub struct PeriodQuery {
    /// YYYY-MM for a month …
    pub month: Option<String>,
    /// … or YYYY for a year (defaults to this month).
    pub year: Option<i32>,
}

#[derive(Serialize, ToSchema, Default)]
pub struct Previews {
    pub on_time: u64,
    pub late: u64,
    pub missing: u64,
    /// Months whose 10th has not come yet.
    pub not_due: u64,
    /// Branches with a missing or late preview (up to 50).
    pub behind: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Band {
    pub label: &'static str,
    pub organisations: u64,
}

#[derive(Serialize, ToSchema)]
pub struct OrgRate {
    pub org_id: i64,
    pub org_name: String,
    pub expected: u64,
    pub present: u64,
    pub rate: f64,
}

#[derive(Serialize, ToSchema)]
pub struct ScoreRow {
    pub org_id: i64,
    pub org_name: String,
    pub total: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct Dashboard {
    pub org_id: i64,
    pub period: String,
    pub branches: u64,
    pub previews: Previews,
    /// Branches by participation rate: under 60 %, 60–80 %, 80–90 %, 90 % and over.
    pub participation: Vec<Band>,
    /// Branches under 80 %, lowest first (up to 50).
    pub under_threshold: Vec<OrgRate>,
    /// Activities held (filed and dated in the period, up to today).
    pub activities_held: u64,
    pub leaders_behind: u64,
    /// Names of leaders and secretaries behind on their quotas (up to 50).
    pub leaders_behind_names: Vec<String>,
    pub open_rectifications: u64,
    pub overdue_rectifications: u64,
    /// The stored scores of the period's year of the organisations directly below.
    pub scores: Vec<ScoreRow>,
}

struct Period {
    label: String,
    year: i32,
    months: Vec<String>,
    from: NaiveDate,
    to: NaiveDate,
}

fn period(query: &PeriodQuery) -> Result<Period, AssessmentError> {
    let today = clock::today();
    let this = today.year();
    match (&query.month, query.year) {
        (Some(_), Some(_)) => Err(invalid("give month or year, not both")),
        (None, Some(year)) => {
            if !(2014..=this).contains(&year) {
                return Err(invalid(format!("year is 2014–{this}")));
            }
            Ok(Period {
                label: year.to_string(),
                year,
                months: (1..=12).map(|m| format!("{year}-{m:02}")).collect(),
                from: NaiveDate::from_ymd_opt(year, 1, 1).context("a year's start")?,
                to: NaiveDate::from_ymd_opt(year, 12, 31).context("a year's end")?,
            })
        }
        (month, None) => {
            let label = month
                .clone()
                .unwrap_or_else(|| today.format("%Y-%m").to_string());
            let from = NaiveDate::parse_from_str(&format!("{label}-01"), "%Y-%m-%d")
                .map_err(|_| invalid("month is YYYY-MM"))?;
            if !(2014..=this).contains(&from.year()) {
                return Err(invalid(format!("month is in 2014–{this}")));
            }
            let to = from
                .checked_add_months(chrono::Months::new(1))
                .and_then(|d| d.pred_opt())
                .context("a month's end")?;
            Ok(Period {
                year: from.year(),
                months: vec![label.clone()],
                label,
                from,
                to,
            })
        }
    }
}

/// The dashboard of a subtree for a month or a year (staff who read it).
pub async fn dashboard(
    db: &DatabaseConnection,
    duty_settings: &DutySettings,
    caller: Caller,
    org_id: i64,
    query: &PeriodQuery,
) -> Result<Dashboard, AssessmentError> {
    let period = period(query)?;
    let org = crate::orgs::find(db, org_id)
        .await?
        .ok_or(AssessmentError::NotFound("organisation"))?;
    authz::require(db, caller, READ_DIRECTORY, org.id).await?;
    let subtree = crate::orgs::subtree_ids(db, org.id).await?;
    let mut orgs: Vec<organisation::Model> = Vec::new();
    for chunk in subtree.chunks(500) {
        orgs.extend(
            organisation::Entity::find()
                .filter(organisation::Column::Id.is_in(chunk.iter().copied()))
                .all(db)
                .await
                .context("cannot read the subtree")?,
        );
    }
    let branches: Vec<&organisation::Model> =
        orgs.iter().filter(|o| o.kind == OrgKind::Branch).collect();
    let names: HashMap<i64, String> = orgs.iter().map(|o| (o.id, o.name.clone())).collect();
    let today = clock::today();

    // Previews of the period's months.
    let mut plans: Vec<activity_plan::Model> = Vec::new();
    for chunk in subtree.chunks(500) {
        plans.extend(
            activity_plan::Entity::find()
                .filter(activity_plan::Column::OrgId.is_in(chunk.iter().copied()))
                .filter(activity_plan::Column::Month.is_in(period.months.clone()))
                .filter(activity_plan::Column::Status.eq(PlanStatus::Filed))
                .all(db)
                .await
                .context("cannot read plans")?,
        );
    }
    let mut previews = Previews::default();
    for month in &period.months {
        let tenth = NaiveDate::parse_from_str(&format!("{month}-10"), "%Y-%m-%d")
            .context("a month's 10th")?;
        for b in &branches {
            let published = plans
                .iter()
                .filter(|p| p.org_id == b.id && &p.month == month)
                .filter_map(|p| p.published_at)
                .min()
                .map(|at| at.with_timezone(&clock::shanghai()).date_naive());
            match published {
                Some(day) if day <= tenth => previews.on_time += 1,
                Some(_) => {
                    previews.late += 1;
                    previews.behind.push(format!("{} {month} 逾期", b.name));
                }
                None if tenth >= today => previews.not_due += 1,
                None => {
                    previews.missing += 1;
                    previews.behind.push(format!("{} {month} 未发布", b.name));
                }
            }
        }
    }
    previews.behind.truncate(LISTED);

    // Participation per branch and activities held.
    let to = period.to.min(today);
    let mut per_branch: BTreeMap<i64, (u64, u64)> = BTreeMap::new();
    let mut held = std::collections::HashSet::new();
    if period.from <= to {
        for (plan, side) in
            crate::checkin::attendance::filed_plans(db, org.id, period.from, to).await?
        {
            let a = crate::checkin::attendance::for_side(db, plan, Some(side)).await?;
            if a.activity
                .as_ref()
                .is_some_and(|act| act.cancelled_at.is_some())
            {
                continue;
            }
            held.insert(a.plan.id);
            let entry = per_branch.entry(side).or_default();
            entry.0 += a.counts.present;
            entry.1 += a.counts.expected;
        }
    }
    let mut bands = [0u64; 4];
    let mut under: Vec<OrgRate> = Vec::new();
    for (org_id, (present, expected)) in &per_branch {
        if *expected == 0 {
            continue;
        }
        let rate = *present as f64 / *expected as f64;
        let band = match rate {
            r if r < 0.6 => 0,
            r if r < THRESHOLD => 1,
            r if r < 0.9 => 2,
            _ => 3,
        };
        bands[band] += 1;
        if rate < THRESHOLD {
            under.push(OrgRate {
                org_id: *org_id,
                org_name: names.get(org_id).cloned().unwrap_or_default(),
                expected: *expected,
                present: *present,
                rate: (rate * 1000.0).round() / 1000.0,
            });
        }
    }
    under.sort_by(|a, b| a.rate.total_cmp(&b.rate));
    under.truncate(LISTED);

    // Leaders behind on their quotas (the period's year).
    let leaders =
        crate::duties::progress::people_of(db, &subtree, crate::duties::progress::carries_duties())
            .await?;
    let behind: Vec<String> =
        crate::duties::progress::rows_for(db, duty_settings, leaders, period.year)
            .await?
            .into_iter()
            .filter(|r| !r.met_all)
            .map(|r| format!("{}（{}）", r.name, r.org_name))
            .collect();

    // Rectifications still waiting, and those past their deadline.
    let mut open = 0;
    let mut overdue = 0;
    for chunk in subtree.chunks(500) {
        let waiting = rectification::Entity::find()
            .filter(rectification::Column::OrgId.is_in(chunk.iter().copied()))
            .filter(
                rectification::Column::Status
                    .is_in([RectificationStatus::Open, RectificationStatus::Returned]),
            );
        open += waiting
            .clone()
            .count(db)
            .await
            .context("cannot count tasks")?;
        overdue += waiting
            .filter(rectification::Column::Deadline.lt(today))
            .count(db)
            .await
            .context("cannot count overdue tasks")?;
    }

    let children: Vec<i64> = orgs
        .iter()
        .filter(|o| o.parent_id == Some(org.id))
        .map(|o| o.id)
        .collect();
    let mut scores: Vec<ScoreRow> = assessment_score::Entity::find()
        .filter(assessment_score::Column::OrgId.is_in(children))
        .filter(assessment_score::Column::Year.eq(period.year))
        .all(db)
        .await
        .context("cannot read scores")?
        .into_iter()
        .map(|s| ScoreRow {
            org_name: names.get(&s.org_id).cloned().unwrap_or_default(),
            org_id: s.org_id,
            total: s.total,
        })
        .collect();
    scores.sort_by(|a, b| b.total.unwrap_or(-1.0).total_cmp(&a.total.unwrap_or(-1.0)));

    Ok(Dashboard {
        org_id: org.id,
        period: period.label,
        branches: branches.len() as u64,
        previews,
        participation: ["60%以下", "60%–80%", "80%–90%", "90%以上"]
            .into_iter()
            .zip(bands)
            .map(|(label, organisations)| Band {
                label,
                organisations,
            })
            .collect(),
        under_threshold: under,
        activities_held: held.len() as u64,
        leaders_behind: behind.len() as u64,
        leaders_behind_names: behind.into_iter().take(LISTED).collect(),
        open_rectifications: open,
        overdue_rectifications: overdue,
        scores,
    })
}

#[derive(Serialize, ToSchema, Clone, Default)]
pub struct BoardRow {
    pub org_id: i64,
    pub org_name: String,
    /// Today's activities held under it.
    pub activities: u64,
    pub expected: u64,
    pub present: u64,
    pub rate: Option<f64>,
    pub below_threshold: bool,
}

#[derive(Serialize, ToSchema)]
pub struct LiveBoard {
    pub org_id: i64,
    pub date: NaiveDate,
    /// The whole subtree.
    pub total: BoardRow,
    /// Each organisation directly below (districts, committees, branches).
    pub rows: Vec<BoardRow>,
    pub at: String,
}

fn finish(row: &mut BoardRow) {
    row.rate = (row.expected > 0)
        .then(|| (row.present as f64 / row.expected as f64 * 1000.0).round() / 1000.0);
    row.below_threshold = row.rate.is_some_and(|r| r < THRESHOLD);
}

/// Who may watch a subtree's board (staff who read it).
pub async fn may_watch(
    db: &impl ConnectionTrait,
    caller: Caller,
    org_id: i64,
) -> Result<(), AssessmentError> {
    crate::orgs::find(db, org_id)
        .await?
        .ok_or(AssessmentError::NotFound("organisation"))?;
    authz::require(db, caller, READ_DIRECTORY, org_id).await?;
    Ok(())
}

/// Today's board for a subtree: each of today's activities counted by its host from the live
/// counters (expected from the activity's facts, present from the cache's sets), summed up to
/// the organisations directly below. A joint or themed activity counts for its host.
pub async fn live_board(
    db: &DatabaseConnection,
    facts: &FactsCache,
    live: &Live,
    org_id: i64,
) -> Result<LiveBoard, AssessmentError> {
    let today = clock::today();
    let subtree = crate::orgs::subtree_ids(db, org_id).await?;
    let mut plans: Vec<activity_plan::Model> = Vec::new();
    for chunk in subtree.chunks(500) {
        plans.extend(
            activity_plan::Entity::find()
                .filter(activity_plan::Column::OrgId.is_in(chunk.iter().copied()))
                .filter(activity_plan::Column::ActivityDate.eq(today))
                .filter(activity_plan::Column::Status.eq(PlanStatus::Filed))
                .all(db)
                .await
                .context("cannot read today's plans")?,
        );
    }
    let codes: HashMap<i64, activity::Model> = activity::Entity::find()
        .filter(activity::Column::PlanId.is_in(plans.iter().map(|p| p.id)))
        .all(db)
        .await
        .context("cannot read today's activities")?
        .into_iter()
        .map(|a| (a.plan_id, a))
        .collect();
    let children = organisation::Entity::find()
        .filter(organisation::Column::ParentId.eq(org_id))
        .all(db)
        .await
        .context("cannot read the organisations below")?;
    // Each host → the child of `org_id` it lies under.
    let child_of: HashMap<i64, i64> = organisation_closure::Entity::find()
        .filter(organisation_closure::Column::AncestorId.is_in(children.iter().map(|c| c.id)))
        .filter(organisation_closure::Column::DescendantId.is_in(plans.iter().map(|p| p.org_id)))
        .all(db)
        .await
        .context("cannot read the tree")?
        .into_iter()
        .map(|c| (c.descendant_id, c.ancestor_id))
        .collect();
    let mut rows: BTreeMap<i64, BoardRow> = children
        .iter()
        .map(|c| {
            (
                c.id,
                BoardRow {
                    org_id: c.id,
                    org_name: c.name.clone(),
                    ..Default::default()
                },
            )
        })
        .collect();
    let name = crate::orgs::names(db, [org_id])
        .await?
        .remove(&org_id)
        .unwrap_or_default();
    let mut total = BoardRow {
        org_id,
        org_name: name,
        ..Default::default()
    };
    for plan in &plans {
        let Some(act) = codes.get(&plan.id).filter(|a| a.cancelled_at.is_none()) else {
            continue;
        };
        let Some(f) = facts.by_code(db, &act.code).await? else {
            continue;
        };
        let presence = live.presence(plan.id).await?;
        let expected = f.expected.len() as u64;
        let present = presence.present.min(expected);
        total.activities += 1;
        total.expected += expected;
        total.present += present;
        if let Some(row) = child_of.get(&plan.org_id).and_then(|c| rows.get_mut(c)) {
            row.activities += 1;
            row.expected += expected;
            row.present += present;
        }
    }
    finish(&mut total);
    let mut rows: Vec<BoardRow> = rows.into_values().collect();
    rows.iter_mut().for_each(finish);
    rows.sort_by(|a, b| a.org_name.cmp(&b.org_name));
    Ok(LiveBoard {
        org_id,
        date: today,
        total,
        rows,
        at: clock::rfc3339(clock::now()),
    })
}
