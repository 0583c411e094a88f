//! Scheduled jobs. Each job has a period (e.g. a month) and a due time; every server
//! instance ticks, and the first to insert the `job_run` row for (job, period) runs it — so
//! a job runs exactly once per period across instances, and an instance that was down at
//! the due time catches up on its next tick within the same period.
//!
//! Jobs (Asia/Shanghai times from `scheduler.*`):
//! - `preview_push`, on the 10th: publish and push the previews of approved plans whose
//!   branch has not published yet;
//! - `remind_submit` (the 5th) and `remind_approve` (the 8th): remind secretaries whose plan
//!   is not submitted, or not yet approved;
//! - `remind_members`, daily: remind expected participants the day before their activity;
//! - `remind_duties`, on `duties.reminder_dates` at `reminders_at`: remind leaders and
//!   secretaries who are behind on their yearly duties.
use std::{sync::Arc, time::Duration};

use anyhow::Context;
use chrono::{DateTime, Datelike, FixedOffset, NaiveTime, TimeZone};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
    sea_query::OnConflict,
};
use tokio::sync::Notify;

use crate::{
    clock,
    config::{Settings, WechatSettings},
    domain::{OrgKind, PlanStatus, PushKind, Role},
    entities::{activity_plan, job_run, organisation, plan_participant, role_grant},
    orgs,
    plans::publish::publish,
    push::NewPush,
};

crate::domain::enums::slug_enum!(
    /// A scheduled job; with its period it is the `job_run` row that makes it run once.
    Job {
        PreviewPush = ("preview_push", "推送活动预告"),
        RemindSubmit = ("remind_submit", "提醒提交计划"),
        RemindApprove = ("remind_approve", "提醒审核计划"),
        RemindMembers = ("remind_members", "活动前一天提醒党员"),
        RemindDuties = ("remind_duties", "提醒履职进度"),
        RemindRota = ("remind_rota", "提醒党代表明日值班"),
        EscalateMatters = ("escalate_matters", "逾期事项报上级组织"),
        GreetBirthdays = ("greet_birthdays", "政治生日祝福"),
        EscalateRectifications = ("escalate_rectifications", "逾期整改报上级组织"),
        AssessYear = ("assess_year", "重算年度考核得分"),
    }
);

pub async fn run(db: DatabaseConnection, settings: Settings, wake: Arc<Notify>) {
    if settings.scheduler.clock_offset_secs != 0 {
        tracing::warn!(
            offset_secs = settings.scheduler.clock_offset_secs,
            "the scheduler runs on a moved clock (scheduler.clock_offset_secs)"
        );
    }
    loop {
        match run_due(&db, settings.scheduler.now(), &settings).await {
            Ok(ran) if !ran.is_empty() => {
                wake.notify_one();
                tracing::info!(jobs = ?ran, "scheduled jobs ran");
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = ?e, "scheduled jobs failed"),
        }
        tokio::time::sleep(Duration::from_secs(settings.scheduler.tick_secs.max(1))).await;
    }
}

/// Runs every job that is due at `now` and not yet run for its period; returns
/// `job:period` for each one this call ran.
pub async fn run_due(
    db: &DatabaseConnection,
    now: DateTime<FixedOffset>,
    all: &Settings,
) -> anyhow::Result<Vec<String>> {
    let (settings, wechat) = (&all.scheduler, &all.wechat);
    let mut ran = Vec::new();
    let local = now.with_timezone(&clock::shanghai());
    let month = format!("{}-{:02}", local.year(), local.month());
    let today = local.date_naive();
    let at = |day: u32, time: &str| -> anyhow::Result<DateTime<FixedOffset>> {
        let time = NaiveTime::parse_from_str(time, "%H:%M")
            .with_context(|| format!("scheduler time `{time}` is not HH:MM"))?;
        today
            .with_day(day)
            .and_then(|d| {
                clock::shanghai()
                    .from_local_datetime(&d.and_time(time))
                    .single()
            })
            .with_context(|| format!("day {day} does not exist this month"))
    };
    let mut jobs = vec![
        (
            Job::PreviewPush,
            month.clone(),
            at(10, &settings.preview_push_at)?,
        ),
        (
            Job::RemindSubmit,
            month.clone(),
            at(settings.remind_submit_day, &settings.reminders_at)?,
        ),
        (
            Job::RemindApprove,
            month.clone(),
            at(settings.remind_approve_day, &settings.reminders_at)?,
        ),
        (
            Job::RemindMembers,
            today.to_string(),
            at(today.day(), &settings.remind_members_at)?,
        ),
        (
            Job::RemindRota,
            today.to_string(),
            at(today.day(), &settings.remind_members_at)?,
        ),
        // Just after midnight: a matter due yesterday is overdue from today.
        (
            Job::EscalateMatters,
            today.to_string(),
            at(today.day(), "00:05")?,
        ),
        (
            Job::GreetBirthdays,
            today.to_string(),
            at(today.day(), &settings.reminders_at)?,
        ),
        (
            Job::EscalateRectifications,
            today.to_string(),
            at(today.day(), "00:05")?,
        ),
        // At night, when nobody checks in: this year's scores from yesterday's records.
        (
            Job::AssessYear,
            today.to_string(),
            at(today.day(), "02:00")?,
        ),
    ];
    if crate::duties::reminders::is_reminder_day(&all.duties, today) {
        jobs.push((
            Job::RemindDuties,
            today.to_string(),
            at(today.day(), &settings.reminders_at)?,
        ));
    }
    for (job, period, due) in jobs {
        if now < due || !claim(db, job, &period).await? {
            continue;
        }
        let outcome = match job {
            Job::PreviewPush => push_unpublished_previews(db, &month, wechat).await,
            Job::RemindSubmit | Job::RemindApprove => {
                remind_secretaries(db, job, &month, wechat).await
            }
            Job::RemindMembers => remind_members(db, today, wechat).await,
            Job::RemindRota => {
                crate::deputies::rota::remind_tomorrow(db, &all.deputies, wechat, today)
                    .await
                    .map(|queued| usize::try_from(queued).unwrap_or(usize::MAX))
            }
            Job::EscalateMatters => crate::deputies::matters::escalate_overdue(db, today).await,
            Job::AssessYear => {
                crate::assessment::compute::nightly(db, &all.duties, &all.feedback, today).await
            }
            Job::EscalateRectifications => {
                crate::supervision::rectifications::escalate_overdue(db, today).await
            }
            Job::GreetBirthdays => {
                crate::org_life::birthdays::greet(db, wechat, &all.org_life.birthday_page, today)
                    .await
                    .map(|queued| usize::try_from(queued).unwrap_or(usize::MAX))
            }
            Job::RemindDuties => {
                crate::duties::reminders::remind_behind(db, &all.duties, wechat, today)
                    .await
                    .map(|queued| usize::try_from(queued).unwrap_or(usize::MAX))
            }
        };
        finish(db, job, &period, &outcome).await?;
        outcome?;
        ran.push(format!("{job}:{period}"));
    }
    Ok(ran)
}

/// Inserting the row is the lock: only one caller per (job, period) gets `true`.
async fn claim(db: &DatabaseConnection, job: Job, period: &str) -> anyhow::Result<bool> {
    let inserted = job_run::Entity::insert(job_run::ActiveModel {
        job: Set(job),
        period: Set(period.to_owned()),
        started_at: Set(clock::now()),
        finished_at: Set(None),
        outcome: Set(None),
    })
    .on_conflict(
        OnConflict::columns([job_run::Column::Job, job_run::Column::Period])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await
    .context("cannot claim a scheduled job")?;
    Ok(inserted == 1)
}

async fn finish(
    db: &DatabaseConnection,
    job: Job,
    period: &str,
    outcome: &anyhow::Result<usize>,
) -> anyhow::Result<()> {
    let row = job_run::Entity::find_by_id((job, period.to_owned()))
        .one(db)
        .await?
        .context("the claimed job row is gone")?;
    let mut active: job_run::ActiveModel = row.into();
    active.finished_at = Set(Some(clock::now()));
    active.outcome = Set(Some(match outcome {
        Ok(n) => format!("{n} done"),
        Err(e) => format!("failed: {e:#}"),
    }));
    active
        .update(db)
        .await
        .context("cannot record a job outcome")?;
    Ok(())
}

async fn push_unpublished_previews(
    db: &DatabaseConnection,
    month: &str,
    wechat: &WechatSettings,
) -> anyhow::Result<usize> {
    let plans = activity_plan::Entity::find()
        .filter(activity_plan::Column::Month.eq(month))
        .filter(activity_plan::Column::Status.eq(PlanStatus::Filed))
        .filter(activity_plan::Column::PublishedAt.is_null())
        .all(db)
        .await
        .context("cannot find unpublished plans")?;
    let mut published = 0;
    for plan in plans {
        let org = orgs::find(db, plan.org_id)
            .await?
            .context("a plan's organisation is gone")?;
        let txn = crate::db::begin_write(db).await?;
        publish(&txn, plan, &org, None, false, None, wechat)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        txn.commit().await?;
        published += 1;
    }
    Ok(published)
}

fn reminder(
    kind: PushKind,
    dedupe_key: String,
    plan_id: Option<i64>,
    person_id: i64,
    wechat: &WechatSettings,
    data: serde_json::Value,
) -> NewPush {
    NewPush {
        kind,
        dedupe_key,
        plan_id,
        person_id,
        template_id: wechat.reminder_template_id.clone(),
        payload: serde_json::json!({"page": wechat.preview_page, "data": data}),
    }
}

/// `remind_submit`: branches whose plan is missing, a draft or returned.
/// `remind_approve`: branches whose plan is still waiting for review.
async fn remind_secretaries(
    db: &DatabaseConnection,
    job: Job,
    month: &str,
    wechat: &WechatSettings,
) -> anyhow::Result<usize> {
    let branches = organisation::Entity::find()
        .filter(organisation::Column::Kind.eq(OrgKind::Branch.as_str()))
        .all(db)
        .await?;
    let plans: std::collections::HashMap<i64, PlanStatus> = activity_plan::Entity::find()
        .filter(activity_plan::Column::Month.eq(month))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.org_id, p.status))
        .collect();
    let (year, m) = month.split_once('-').context("bad month")?;
    let kind = if job == Job::RemindSubmit {
        PushKind::RemindSubmit
    } else {
        PushKind::RemindApprove
    };
    let mut pushes = Vec::new();
    for branch in branches {
        let status = plans.get(&branch.id).copied();
        let (needs, what, deadline_day) = match job {
            Job::RemindSubmit => (
                matches!(
                    status,
                    None | Some(PlanStatus::Draft) | Some(PlanStatus::Returned)
                ),
                "请尽快提交本月活动计划",
                8,
            ),
            _ => (
                status == Some(PlanStatus::Submitted),
                "本月活动计划尚待审核",
                10,
            ),
        };
        if !needs {
            continue;
        }
        let secretaries = role_grant::Entity::find()
            .filter(role_grant::Column::Role.eq(Role::Secretary.as_str()))
            .filter(role_grant::Column::OrgId.eq(branch.id))
            .all(db)
            .await?;
        for grant in secretaries {
            pushes.push(reminder(
                kind,
                format!("{job}:{month}:{}", grant.person_id),
                None,
                grant.person_id,
                wechat,
                serde_json::json!({
                    "thing1": crate::push::thing(what),
                    "time2": format!("{}年{}月{}日 23:59", year, m.trim_start_matches('0'), deadline_day),
                    "thing3": crate::push::thing(&branch.name),
                }),
            ));
        }
    }
    Ok(usize::try_from(crate::push::enqueue(db, pushes).await?).unwrap_or(usize::MAX))
}

/// `remind_members`: expected participants of published plans whose activity is tomorrow.
async fn remind_members(
    db: &DatabaseConnection,
    today: chrono::NaiveDate,
    wechat: &WechatSettings,
) -> anyhow::Result<usize> {
    let tomorrow = today.succ_opt().context("no tomorrow")?;
    let plans = activity_plan::Entity::find()
        .filter(activity_plan::Column::ActivityDate.eq(tomorrow))
        .filter(activity_plan::Column::Status.eq(PlanStatus::Filed))
        .filter(activity_plan::Column::PublishedAt.is_not_null())
        .all(db)
        .await?;
    let mut pushes = Vec::new();
    for plan in plans {
        let participants = plan_participant::Entity::find()
            .filter(plan_participant::Column::PlanId.eq(plan.id))
            .all(db)
            .await?;
        let data = serde_json::json!({
            "thing1": crate::push::thing(&plan.theme),
            "time2": format!("{}年{}月{}日 {}", tomorrow.year(), tomorrow.month(), tomorrow.day(), plan.start_time),
            "thing3": crate::push::thing(&plan.place),
        });
        for p in participants {
            pushes.push(reminder(
                PushKind::RemindMembers,
                format!("remind_day_before:{}:{}", plan.id, p.person_id),
                Some(plan.id),
                p.person_id,
                wechat,
                data.clone(),
            ));
        }
    }
    Ok(usize::try_from(crate::push::enqueue(db, pushes).await?).unwrap_or(usize::MAX))
}
