//! Computing a subtree's scores of a year: what each branch's year holds is read once for the
//! whole subtree (`load`), scored by the pure `assess`, rolled up as means for the
//! organisations above, and stored (one row per organisation and year, replaced on recompute).
use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::Context;
use chrono::{Datelike, NaiveDate, TimeZone};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ASSESS, AssessmentError, LineKey, RubricLine, points, round1, rubric};
use crate::{
    authz::{self, Caller, READ_DIRECTORY},
    clock,
    config::{DutySettings, FeedbackSettings},
    domain::{MemberStatus, OrgKind, PlanStatus},
    entities::{
        activity_plan, assessment_score, attachment, organisation, person, rectification,
        themed_venue,
    },
    supervision::RectificationStatus,
};

/// How a month's preview went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preview {
    OnTime,
    Late,
    Missing,
}

/// One held activity of the branch's year.
#[derive(Debug, Clone)]
pub struct Held {
    pub plan_id: i64,
    pub date: NaiveDate,
    pub theme: String,
    pub expected: u64,
    pub present: u64,
    /// The branch hosted it (its ledger is the branch's to keep).
    pub own: bool,
    pub minutes: bool,
    pub photos: u64,
    pub themed: bool,
}

/// What a branch's year holds, as the rubric reads it.
#[derive(Debug, Clone, Default)]
pub struct BranchYear {
    /// Each month whose preview was due by the 10th, and how it went.
    pub previews: BTreeMap<String, Option<Preview>>,
    pub held: Vec<Held>,
    /// Members with service minimums, and how many met them.
    pub service: (u64, u64),
    /// Leaders and secretaries with quotas, and how many met all.
    pub leaders: (u64, u64),
    /// Feedback answers and the sum of their ratings.
    pub feedback: (u64, u64),
    pub rectifications: Vec<(i64, RectificationStatus)>,
    /// Any plan of the year at all.
    pub any_plan: bool,
}

#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct Line {
    pub key: LineKey,
    pub label: String,
    pub weight: u32,
    pub threshold: f64,
    /// The measure (a share, a count or an average); `null` when there was nothing to measure.
    pub value: Option<f64>,
    pub points: f64,
    /// The measure in words.
    pub detail: String,
    /// The records behind it (activities, months, tasks), for the organisation to check.
    pub records: Vec<String>,
}

fn share(done: u64, of: u64) -> Option<f64> {
    (of > 0).then(|| done as f64 / of as f64)
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// Scores one branch's year by the rubric. `None` when the year holds nothing of the branch.
pub fn assess(year: &BranchYear, rubric: &[RubricLine], min_answers: u32) -> Option<Vec<Line>> {
    if !year.any_plan && year.held.is_empty() {
        return None;
    }
    let lines = rubric
        .iter()
        .map(|rule| {
            let (value, detail, records): (Option<f64>, String, Vec<String>) = match rule.key {
                LineKey::PreviewsOnTime => {
                    let on_time = year
                        .previews
                        .values()
                        .filter(|p| **p == Some(Preview::OnTime))
                        .count() as u64;
                    let due = year.previews.len() as u64;
                    let records = year
                        .previews
                        .iter()
                        .map(|(month, p)| {
                            let how = match p {
                                Some(Preview::OnTime) => "10日前发布",
                                Some(Preview::Late) => "逾期发布",
                                Some(Preview::Missing) | None => "未发布",
                            };
                            format!("{month} {how}")
                        })
                        .collect();
                    (
                        share(on_time, due),
                        format!("{on_time}/{due} 个月按时发布预告"),
                        records,
                    )
                }
                LineKey::Participation => {
                    let mut months: BTreeMap<String, (u64, u64)> = BTreeMap::new();
                    for h in &year.held {
                        let m = months
                            .entry(h.date.format("%Y-%m").to_string())
                            .or_default();
                        m.0 += h.present;
                        m.1 += h.expected;
                    }
                    months.retain(|_, (_, expected)| *expected > 0);
                    let reached = months
                        .values()
                        .filter(|(p, e)| *p as f64 / *e as f64 >= rule.threshold)
                        .count() as u64;
                    let records = months
                        .iter()
                        .map(|(m, (p, e))| {
                            format!("{m} 实到 {p}/应到 {e}（{}）", pct(*p as f64 / *e as f64))
                        })
                        .collect();
                    (
                        share(reached, months.len() as u64),
                        format!(
                            "{reached}/{} 个月参加率达到 {}",
                            months.len(),
                            pct(rule.threshold)
                        ),
                        records,
                    )
                }
                LineKey::LedgerComplete => {
                    let own: Vec<&Held> = year.held.iter().filter(|h| h.own).collect();
                    let complete = own.iter().filter(|h| h.minutes && h.photos > 0).count() as u64;
                    let records = own
                        .iter()
                        .map(|h| {
                            format!(
                                "{} {}：纪要{}，照片 {} 张 (#{})",
                                h.date,
                                h.theme,
                                if h.minutes { "有" } else { "无" },
                                h.photos,
                                h.plan_id
                            )
                        })
                        .collect();
                    (
                        share(complete, own.len() as u64),
                        format!("{complete}/{} 次活动纪要和照片齐全", own.len()),
                        records,
                    )
                }
                LineKey::ThemedActivities => {
                    let themed: Vec<&Held> = year.held.iter().filter(|h| h.themed).collect();
                    (
                        Some(themed.len() as f64),
                        format!("参加主题活动 {} 次", themed.len()),
                        themed
                            .iter()
                            .map(|h| format!("{} {} (#{})", h.date, h.theme, h.plan_id))
                            .collect(),
                    )
                }
                LineKey::ServiceMinimums => {
                    let (met, of) = year.service;
                    (
                        share(met, of),
                        format!("{met}/{of} 名党员达到服务基本要求"),
                        Vec::new(),
                    )
                }
                LineKey::LeadersQuotas => {
                    let (met, of) = year.leaders;
                    (
                        share(met, of),
                        format!("{met}/{of} 名领导干部和书记完成履职要求"),
                        Vec::new(),
                    )
                }
                LineKey::FeedbackAverage => {
                    let average = crate::feedback::average(year.feedback, min_answers);
                    (
                        average,
                        match average {
                            Some(a) => format!("{} 份评价，平均 {a:.1} 分", year.feedback.0),
                            None => format!("{} 份评价，不足以计算", year.feedback.0),
                        },
                        Vec::new(),
                    )
                }
                LineKey::RectificationsClosed => {
                    let closed = year
                        .rectifications
                        .iter()
                        .filter(|(_, s)| *s == RectificationStatus::Accepted)
                        .count() as u64;
                    (
                        share(closed, year.rectifications.len() as u64),
                        format!("{closed}/{} 项整改通过", year.rectifications.len()),
                        year.rectifications
                            .iter()
                            .map(|(id, s)| format!("整改 #{id}：{}", s.label()))
                            .collect(),
                    )
                }
            };
            let detail = if value.is_none() && rule.key != LineKey::FeedbackAverage {
                format!("{detail}（无可考核事项，计满分）")
            } else {
                detail
            };
            Line {
                key: rule.key,
                label: rule.key.label().to_owned(),
                weight: rule.weight,
                threshold: rule.threshold,
                points: points(rule, value),
                value: value.map(|v| (v * 1000.0).round() / 1000.0),
                detail,
                records,
            }
        })
        .collect();
    Some(lines)
}

fn total(lines: &[Line]) -> f64 {
    round1(lines.iter().map(|l| l.points).sum())
}

/// The last day of the year counted: the year's end, or yesterday for this year.
fn year_end(year: i32, today: NaiveDate) -> anyhow::Result<NaiveDate> {
    let end = NaiveDate::from_ymd_opt(year, 12, 31).context("a year's end")?;
    Ok(end.min(today))
}

/// Reads what every branch of `root`'s subtree holds for the year, in a fixed number of reads
/// per table plus one attendance read per held activity.
pub async fn load(
    db: &impl ConnectionTrait,
    duty_settings: &DutySettings,
    branches: &[organisation::Model],
    root: i64,
    year: i32,
    today: NaiveDate,
) -> anyhow::Result<HashMap<i64, BranchYear>> {
    let ids: Vec<i64> = branches.iter().map(|b| b.id).collect();
    let mut out: HashMap<i64, BranchYear> =
        ids.iter().map(|id| (*id, BranchYear::default())).collect();
    let first = NaiveDate::from_ymd_opt(year, 1, 1).context("a year's start")?;
    let end = year_end(year, today)?;
    if end < first {
        return Ok(out);
    }
    // Previews: every month whose 10th has passed.
    let mut own_plans: Vec<activity_plan::Model> = Vec::new();
    for chunk in ids.chunks(500) {
        own_plans.extend(
            activity_plan::Entity::find()
                .filter(activity_plan::Column::OrgId.is_in(chunk.iter().copied()))
                .filter(activity_plan::Column::Month.starts_with(format!("{year}-")))
                .all(db)
                .await
                .context("cannot read the year's plans")?,
        );
    }
    for month in 1..=12u32 {
        let Some(tenth) = NaiveDate::from_ymd_opt(year, month, 10) else {
            continue;
        };
        if tenth >= today {
            break;
        }
        let label = format!("{year}-{month:02}");
        for id in &ids {
            let best = own_plans
                .iter()
                .filter(|p| p.org_id == *id && p.month == label && p.status == PlanStatus::Filed)
                .filter_map(|p| p.published_at)
                .min();
            let state = match best {
                Some(at) if at.with_timezone(&clock::shanghai()).date_naive() <= tenth => {
                    Preview::OnTime
                }
                Some(_) => Preview::Late,
                None => Preview::Missing,
            };
            if let Some(y) = out.get_mut(id) {
                y.previews.insert(label.clone(), Some(state));
            }
        }
    }
    for p in &own_plans {
        if let Some(y) = out.get_mut(&p.org_id) {
            y.any_plan = true;
        }
    }
    // Held activities with their attendance, minutes and photos.
    let plans = crate::checkin::attendance::filed_plans(db, root, first, end).await?;
    let plan_ids: Vec<i64> = plans.iter().map(|(p, _)| p.id).collect();
    let mut photos: HashMap<i64, u64> = HashMap::new();
    let mut themed: HashSet<(i64, i64)> = HashSet::new();
    for chunk in plan_ids.chunks(500) {
        for a in attachment::Entity::find()
            .filter(attachment::Column::OwnerType.eq(crate::attachments::AttachmentOwner::Activity))
            .filter(attachment::Column::OwnerId.is_in(chunk.iter().copied()))
            .all(db)
            .await
            .context("cannot read activity photos")?
        {
            if a.file_type.is_image() {
                *photos.entry(a.owner_id).or_default() += 1;
            }
        }
        for v in themed_venue::Entity::find()
            .filter(themed_venue::Column::PlanId.is_in(chunk.iter().copied()))
            .all(db)
            .await
            .context("cannot read themed venues")?
        {
            themed.insert((v.plan_id, v.branch_id));
        }
    }
    let feedback = crate::feedback::totals(db, &plan_ids).await?;
    for (plan, side) in plans {
        if !out.contains_key(&side) {
            continue;
        }
        let a = crate::checkin::attendance::for_side(db, plan, Some(side)).await?;
        if a.activity
            .as_ref()
            .is_some_and(|act| act.cancelled_at.is_some())
        {
            continue;
        }
        let y = out.get_mut(&side).context("a branch of the subtree")?;
        let rated = feedback.get(&a.plan.id).copied().unwrap_or_default();
        y.feedback.0 += rated.0;
        y.feedback.1 += rated.1;
        y.held.push(Held {
            plan_id: a.plan.id,
            date: a.plan.activity_date,
            theme: a.plan.theme.clone(),
            expected: a.counts.expected,
            present: a.counts.present,
            own: a.plan.org_id == side,
            minutes: a
                .activity
                .as_ref()
                .and_then(|act| act.minutes.as_deref())
                .is_some_and(|m| !m.trim().is_empty()),
            photos: photos.get(&a.plan.id).copied().unwrap_or_default(),
            themed: themed.contains(&(a.plan.id, side)),
        });
    }
    // Members' service minimums and leaders' quotas.
    let mut members: Vec<person::Model> = Vec::new();
    for chunk in ids.chunks(500) {
        members.extend(
            person::Entity::find()
                .filter(person::Column::OrgId.is_in(chunk.iter().copied()))
                .filter(person::Column::Active.eq(true))
                .filter(
                    person::Column::Status.is_in([MemberStatus::Full, MemberStatus::Probationary]),
                )
                .all(db)
                .await
                .context("cannot read members")?,
        );
    }
    let org_of: HashMap<i64, i64> = members.iter().map(|p| (p.id, p.org_id)).collect();
    for progress in crate::community::progress::for_people(db, &members, year).await? {
        let required = progress.items.required
            + progress.community_services.required
            + progress.suggestions.required
            + progress.pairings.required
            + progress.volunteer.required;
        if required == 0 {
            continue;
        }
        if let Some(y) = org_of.get(&progress.person_id).and_then(|o| out.get_mut(o)) {
            y.service.1 += 1;
            if !progress.behind {
                y.service.0 += 1;
            }
        }
    }
    let leaders =
        crate::duties::progress::people_of(db, &ids, crate::duties::progress::carries_duties())
            .await?;
    let leader_org: HashMap<i64, i64> = leaders.iter().map(|p| (p.id, p.org_id)).collect();
    for row in crate::duties::progress::rows_for(db, duty_settings, leaders, year).await? {
        if let Some(y) = leader_org.get(&row.person_id).and_then(|o| out.get_mut(o)) {
            y.leaders.1 += 1;
            if row.met_all {
                y.leaders.0 += 1;
            }
        }
    }
    // Rectification tasks opened in the year.
    let (from, until) = (
        clock::shanghai()
            .from_local_datetime(&first.and_hms_opt(0, 0, 0).context("midnight")?)
            .single()
            .context("a year's start")?,
        clock::shanghai()
            .from_local_datetime(
                &NaiveDate::from_ymd_opt(year + 1, 1, 1)
                    .context("next year")?
                    .and_hms_opt(0, 0, 0)
                    .context("midnight")?,
            )
            .single()
            .context("a year's end")?,
    );
    for chunk in ids.chunks(500) {
        for r in rectification::Entity::find()
            .filter(rectification::Column::OrgId.is_in(chunk.iter().copied()))
            .filter(rectification::Column::CreatedAt.gte(from))
            .filter(rectification::Column::CreatedAt.lt(until))
            .order_by_asc(rectification::Column::Id)
            .all(db)
            .await
            .context("cannot read rectifications")?
        {
            if let Some(y) = out.get_mut(&r.org_id) {
                y.rectifications.push((r.id, r.status));
            }
        }
    }
    Ok(out)
}

#[derive(Serialize, ToSchema)]
pub struct Score {
    pub org_id: i64,
    pub org_name: String,
    pub year: i32,
    pub rubric_version: i32,
    /// Out of 100; `null` when the year holds no data for the organisation.
    pub total: Option<f64>,
    pub lines: Vec<Line>,
    pub computed_at: String,
}

fn check_year(year: i32) -> Result<(), AssessmentError> {
    let this = clock::today().year();
    if year < 2014 || year > this {
        return Err(super::error::invalid(format!(
            "year is 2014–{this} (the rule document dates from 2014)"
        )));
    }
    Ok(())
}

/// Computes and stores the scores of `root`'s subtree for the year; returns how many
/// organisations were scored.
pub async fn compute_subtree(
    db: &DatabaseConnection,
    duty_settings: &DutySettings,
    feedback_settings: &FeedbackSettings,
    root: i64,
    year: i32,
    today: NaiveDate,
) -> anyhow::Result<usize> {
    let rubric = rubric::current(db).await?;
    let subtree = crate::orgs::subtree_ids(db, root).await?;
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
    let branches: Vec<organisation::Model> = orgs
        .iter()
        .filter(|o| o.kind == OrgKind::Branch)
        .cloned()
        .collect();
    let years = load(db, duty_settings, &branches, root, year, today).await?;
    let mut lines_of: HashMap<i64, Option<Vec<Line>>> = years
        .iter()
        .map(|(id, y)| (*id, assess(y, &rubric.lines, feedback_settings.min_answers)))
        .collect();
    // Above the branches: the mean of the branches below that have data.
    let mut below: HashMap<i64, Vec<i64>> = HashMap::new();
    for chunk in subtree.chunks(500) {
        for c in crate::entities::organisation_closure::Entity::find()
            .filter(
                crate::entities::organisation_closure::Column::AncestorId
                    .is_in(chunk.iter().copied()),
            )
            .all(db)
            .await
            .context("cannot read the tree")?
        {
            if lines_of.contains_key(&c.descendant_id) && c.ancestor_id != c.descendant_id {
                below
                    .entry(c.ancestor_id)
                    .or_default()
                    .push(c.descendant_id);
            }
        }
    }
    let names: HashMap<i64, String> = orgs.iter().map(|o| (o.id, o.name.clone())).collect();
    for org in orgs.iter().filter(|o| o.kind != OrgKind::Branch) {
        let scored: Vec<(i64, &Vec<Line>)> = below
            .get(&org.id)
            .into_iter()
            .flatten()
            .filter_map(|b| lines_of.get(b).and_then(|l| l.as_ref()).map(|l| (*b, l)))
            .collect();
        let rolled = (!scored.is_empty()).then(|| {
            rubric
                .lines
                .iter()
                .enumerate()
                .map(|(i, rule)| {
                    let n = scored.len() as f64;
                    let values: Vec<f64> = scored.iter().filter_map(|(_, l)| l[i].value).collect();
                    Line {
                        key: rule.key,
                        label: rule.key.label().to_owned(),
                        weight: rule.weight,
                        threshold: rule.threshold,
                        value: (!values.is_empty()).then(|| {
                            (values.iter().sum::<f64>() / values.len() as f64 * 1000.0).round()
                                / 1000.0
                        }),
                        points: round1(scored.iter().map(|(_, l)| l[i].points).sum::<f64>() / n),
                        detail: format!("{} 个支部的平均", scored.len()),
                        records: scored
                            .iter()
                            .map(|(b, l)| {
                                format!(
                                    "{}：{} 分",
                                    names.get(b).cloned().unwrap_or_default(),
                                    l[i].points
                                )
                            })
                            .collect(),
                    }
                })
                .collect()
        });
        lines_of.insert(org.id, rolled);
    }
    let now = clock::now();
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    for chunk in subtree.chunks(500) {
        assessment_score::Entity::delete_many()
            .filter(assessment_score::Column::OrgId.is_in(chunk.iter().copied()))
            .filter(assessment_score::Column::Year.eq(year))
            .exec(&txn)
            .await
            .context("cannot clear old scores")?;
    }
    let rows: Vec<assessment_score::ActiveModel> = lines_of
        .iter()
        .map(|(org_id, lines)| {
            Ok(assessment_score::ActiveModel {
                org_id: Set(*org_id),
                year: Set(year),
                rubric_version: Set(rubric.version),
                total: Set(lines.as_deref().map(total)),
                lines: Set(serde_json::to_string(&lines.clone().unwrap_or_default())?),
                computed_at: Set(now),
                ..Default::default()
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let scored = rows.len();
    for chunk in rows.chunks(200) {
        assessment_score::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await
            .context("cannot store scores")?;
    }
    txn.commit().await.context("cannot commit scores")?;
    Ok(scored)
}

/// The nightly recompute of this year for every top-level organisation.
pub async fn nightly(
    db: &DatabaseConnection,
    duty_settings: &DutySettings,
    feedback_settings: &FeedbackSettings,
    today: NaiveDate,
) -> anyhow::Result<usize> {
    let tops = organisation::Entity::find()
        .filter(organisation::Column::ParentId.is_null())
        .all(db)
        .await
        .context("cannot read the top of the tree")?;
    let mut scored = 0;
    for top in tops {
        scored += compute_subtree(
            db,
            duty_settings,
            feedback_settings,
            top.id,
            today.year(),
            today,
        )
        .await?;
    }
    Ok(scored)
}

async fn stored(
    db: &impl ConnectionTrait,
    org_ids: &[i64],
    year: i32,
) -> anyhow::Result<Vec<assessment_score::Model>> {
    let mut out = Vec::new();
    for chunk in org_ids.chunks(500) {
        out.extend(
            assessment_score::Entity::find()
                .filter(assessment_score::Column::OrgId.is_in(chunk.iter().copied()))
                .filter(assessment_score::Column::Year.eq(year))
                .all(db)
                .await
                .context("cannot read scores")?,
        );
    }
    Ok(out)
}

fn score_view(row: assessment_score::Model, name: String) -> anyhow::Result<Score> {
    Ok(Score {
        org_id: row.org_id,
        org_name: name,
        year: row.year,
        rubric_version: row.rubric_version,
        total: row.total,
        lines: serde_json::from_str(&row.lines).context("stored lines")?,
        computed_at: clock::rfc3339(row.computed_at),
    })
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct YearQuery {
    /// Defaults to this year.
    pub year: Option<i32>,
    /// `xlsx` for the rankings as a workbook.
    pub format: Option<String>,
}

/// The organisation asked about and the year (this year by default), both checked.
async fn org_and_year(
    db: &DatabaseConnection,
    org_id: i64,
    year: Option<i32>,
) -> Result<(organisation::Model, i32), AssessmentError> {
    let year = year.unwrap_or_else(|| clock::today().year());
    check_year(year)?;
    let org = crate::orgs::find(db, org_id)
        .await?
        .ok_or(AssessmentError::NotFound("organisation"))?;
    Ok((org, year))
}

/// Recomputes an organisation's subtree now (the office's supervisors, org admins) and
/// returns its score.
pub async fn recompute(
    db: &DatabaseConnection,
    duty_settings: &DutySettings,
    feedback_settings: &FeedbackSettings,
    caller: Caller,
    org_id: i64,
    year: Option<i32>,
) -> Result<Score, AssessmentError> {
    let (org, year) = org_and_year(db, org_id, year).await?;
    authz::require(db, caller, ASSESS, org.id).await?;
    compute_subtree(
        db,
        duty_settings,
        feedback_settings,
        org.id,
        year,
        clock::today(),
    )
    .await?;
    of_org(
        db,
        duty_settings,
        feedback_settings,
        caller,
        org.id,
        Some(year),
    )
    .await
}

/// An organisation's score of a year with its lines (staff who read it — the organisation
/// itself included), computed first if it never was.
pub async fn of_org(
    db: &DatabaseConnection,
    duty_settings: &DutySettings,
    feedback_settings: &FeedbackSettings,
    caller: Caller,
    org_id: i64,
    year: Option<i32>,
) -> Result<Score, AssessmentError> {
    let (org, year) = org_and_year(db, org_id, year).await?;
    authz::require(db, caller, READ_DIRECTORY, org.id).await?;
    let mut row = stored(db, &[org.id], year).await?.pop();
    if row.is_none() {
        compute_subtree(
            db,
            duty_settings,
            feedback_settings,
            org.id,
            year,
            clock::today(),
        )
        .await?;
        row = stored(db, &[org.id], year).await?.pop();
    }
    let row = row.context("a score was just computed")?;
    if row.total.is_none() {
        return Err(AssessmentError::NoData(format!(
            "{} holds no activity records for {year}",
            org.name
        )));
    }
    Ok(score_view(row, org.name)?)
}

#[derive(Serialize, ToSchema)]
pub struct Ranked {
    /// 1 for the highest; equal totals share a rank; `null` without data.
    pub rank: Option<u32>,
    #[serde(flatten)]
    pub score: Score,
}

#[derive(Serialize, ToSchema)]
pub struct Rankings {
    pub parent_org_id: i64,
    pub year: i32,
    pub items: Vec<Ranked>,
}

/// The organisations directly under `org_id`, ranked by their score of the year (staff who
/// read it), computed first if none of them ever was.
pub async fn rankings(
    db: &DatabaseConnection,
    duty_settings: &DutySettings,
    feedback_settings: &FeedbackSettings,
    caller: Caller,
    org_id: i64,
    year: Option<i32>,
) -> Result<Rankings, AssessmentError> {
    let (parent, year) = org_and_year(db, org_id, year).await?;
    authz::require(db, caller, READ_DIRECTORY, parent.id).await?;
    let children = organisation::Entity::find()
        .filter(organisation::Column::ParentId.eq(parent.id))
        .all(db)
        .await
        .context("cannot read the organisations below")?;
    let ids: Vec<i64> = children.iter().map(|c| c.id).collect();
    let mut rows = stored(db, &ids, year).await?;
    if rows.is_empty() && !ids.is_empty() {
        compute_subtree(
            db,
            duty_settings,
            feedback_settings,
            parent.id,
            year,
            clock::today(),
        )
        .await?;
        rows = stored(db, &ids, year).await?;
    }
    let names: HashMap<i64, String> = children.into_iter().map(|c| (c.id, c.name)).collect();
    let mut scores: Vec<Score> = rows
        .into_iter()
        .map(|r| {
            let name = names.get(&r.org_id).cloned().unwrap_or_default();
            score_view(r, name)
        })
        .collect::<anyhow::Result<_>>()?;
    scores.sort_by(|a, b| {
        b.total
            .unwrap_or(-1.0)
            .total_cmp(&a.total.unwrap_or(-1.0))
            .then_with(|| a.org_name.cmp(&b.org_name))
    });
    let mut items = Vec::with_capacity(scores.len());
    let mut previous: Option<(f64, u32)> = None;
    for (position, score) in (1u32..).zip(scores) {
        let rank = score.total.map(|t| match previous {
            Some((p, r)) if p == t => r,
            _ => position,
        });
        if let (Some(t), Some(r)) = (score.total, rank) {
            previous = Some((t, r));
        }
        items.push(Ranked { rank, score });
    }
    Ok(Rankings {
        parent_org_id: parent.id,
        year,
        items,
    })
}

/// The rankings as a workbook: rank, organisation, total and each line's points (cells
/// guarded against formulas).
pub fn workbook(rankings: &Rankings) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .set_name(format!("{}年考核排名", rankings.year))
        .context("cannot name the sheet")?;
    let bold = Format::new().set_bold();
    let mut headers: Vec<String> = vec!["名次".into(), "组织".into(), "总分".into()];
    headers.extend(LineKey::ALL.iter().map(|k| k.label().to_owned()));
    for (col, title) in (0u16..).zip(&headers) {
        sheet
            .write_string_with_format(0, col, title, &bold)
            .and_then(|s| s.set_column_width(col, if col == 1 { 28.0 } else { 14.0 }))
            .context("cannot write the header")?;
    }
    sheet
        .set_freeze_panes(1, 0)
        .context("cannot freeze the header")?;
    for (row, item) in (1u32..).zip(&rankings.items) {
        match item.rank {
            Some(rank) => sheet.write_number(row, 0, f64::from(rank)),
            None => sheet.write_string(row, 0, "无数据"),
        }
        .context("cannot write a rank")?;
        sheet
            .write_string(row, 1, crate::spreadsheet::defused(&item.score.org_name))
            .context("cannot write a name")?;
        if let Some(total) = item.score.total {
            sheet
                .write_number(row, 2, total)
                .context("cannot write a total")?;
        }
        for (col, key) in (3u16..).zip(LineKey::ALL.iter().copied()) {
            if let Some(line) = item.score.lines.iter().find(|l| l.key == key) {
                sheet
                    .write_number(row, col, line.points)
                    .context("cannot write points")?;
            }
        }
    }
    book.save_to_buffer()
        .context("cannot assemble the workbook")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rubric() -> Vec<RubricLine> {
        [
            (LineKey::PreviewsOnTime, 15, 1.0),
            (LineKey::Participation, 25, 0.8),
            (LineKey::LedgerComplete, 15, 1.0),
            (LineKey::ThemedActivities, 10, 2.0),
            (LineKey::ServiceMinimums, 10, 1.0),
            (LineKey::LeadersQuotas, 10, 1.0),
            (LineKey::FeedbackAverage, 5, 4.0),
            (LineKey::RectificationsClosed, 10, 1.0),
        ]
        .map(|(key, weight, threshold)| RubricLine {
            key,
            weight,
            threshold,
        })
        .to_vec()
    }

    fn held(month: u32, present: u64, minutes: bool, photos: u64, themed: bool) -> Held {
        Held {
            plan_id: i64::from(month),
            date: NaiveDate::from_ymd_opt(2026, month, 20).expect("a day"),
            theme: format!("{month}月活动"),
            expected: 10,
            present,
            own: !themed,
            minutes,
            photos,
            themed,
        }
    }

    #[test]
    fn a_year_is_scored_line_by_line_from_its_records() {
        let mut previews = BTreeMap::new();
        previews.insert("2026-01".to_owned(), Some(Preview::OnTime));
        previews.insert("2026-02".to_owned(), Some(Preview::Late));
        previews.insert("2026-03".to_owned(), Some(Preview::OnTime));
        previews.insert("2026-04".to_owned(), Some(Preview::Missing));
        let year = BranchYear {
            previews,
            held: vec![
                held(1, 9, true, 2, false),
                held(2, 7, true, 0, false),
                held(3, 8, false, 1, false),
                held(3, 10, false, 0, true),
            ],
            service: (3, 4),
            leaders: (0, 0),
            feedback: (6, 27),
            rectifications: vec![
                (1, RectificationStatus::Accepted),
                (2, RectificationStatus::Open),
            ],
            any_plan: true,
        };
        let lines = assess(&year, &rubric(), 5).expect("scored");
        let got: Vec<(LineKey, Option<f64>, f64)> =
            lines.iter().map(|l| (l.key, l.value, l.points)).collect();
        assert_eq!(
            got,
            vec![
                (LineKey::PreviewsOnTime, Some(0.5), 7.5),
                // January 90 %, February 70 %, March (8+10)/20 = 90 %: two of three months.
                (LineKey::Participation, Some(0.667), 16.7),
                // Own activities: only January has both minutes and photos.
                (LineKey::LedgerComplete, Some(0.333), 5.0),
                (LineKey::ThemedActivities, Some(1.0), 5.0),
                (LineKey::ServiceMinimums, Some(0.75), 7.5),
                (LineKey::LeadersQuotas, None, 10.0),
                (LineKey::FeedbackAverage, Some(4.5), 5.0),
                (LineKey::RectificationsClosed, Some(0.5), 5.0),
            ]
        );
        assert_eq!(total(&lines), 61.7);
        assert_eq!(lines[0].records[1], "2026-02 逾期发布");
    }

    #[test]
    fn a_year_without_any_plan_or_activity_has_no_score() {
        assert!(assess(&BranchYear::default(), &rubric(), 5).is_none());
    }
}
