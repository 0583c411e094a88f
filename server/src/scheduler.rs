//! Scheduled jobs. Each job has a period (e.g. a month) and a due time; every server
//! instance ticks, and the first to insert the `job_run` row for (job, period) runs it — so
//! a job runs exactly once per period across instances, and an instance that was down at
//! the due time catches up on its next tick within the same period.
//!
//! Jobs: `preview_push` — on the 10th (Asia/Shanghai, at `scheduler.preview_push_at`),
//! publish and push the previews of approved plans whose branch has not published yet.
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
    config::{SchedulerSettings, WechatSettings},
    domain::PlanStatus,
    entities::{activity_plan, job_run},
    orgs,
    routes::plans::publish,
};

pub const PREVIEW_PUSH: &str = "preview_push";

pub async fn run(
    db: DatabaseConnection,
    settings: SchedulerSettings,
    wechat: WechatSettings,
    wake: Arc<Notify>,
) {
    loop {
        match run_due(&db, clock::now(), &settings, &wechat).await {
            Ok(ran) if !ran.is_empty() => {
                wake.notify_one();
                tracing::info!(jobs = ?ran, "scheduled jobs ran");
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = ?e, "scheduled jobs failed"),
        }
        tokio::time::sleep(Duration::from_secs(settings.tick_secs.max(1))).await;
    }
}

/// Runs every job that is due at `now` and not yet run for its period; returns
/// `job:period` for each one this call ran.
pub async fn run_due(
    db: &DatabaseConnection,
    now: DateTime<FixedOffset>,
    settings: &SchedulerSettings,
    wechat: &WechatSettings,
) -> anyhow::Result<Vec<String>> {
    let mut ran = Vec::new();
    let local = now.with_timezone(&clock::shanghai());
    let push_at =
        NaiveTime::parse_from_str(&settings.preview_push_at, "%H:%M").with_context(|| {
            format!(
                "scheduler.preview_push_at `{}` is not HH:MM",
                settings.preview_push_at
            )
        })?;
    let period = format!("{}-{:02}", local.year(), local.month());
    let due = local
        .date_naive()
        .with_day(10)
        .and_then(|d| {
            clock::shanghai()
                .from_local_datetime(&d.and_time(push_at))
                .single()
        })
        .context("cannot compute the due time")?;
    if now >= due && claim(db, PREVIEW_PUSH, &period).await? {
        let outcome = push_unpublished_previews(db, &period, &wechat.preview_template_id).await;
        finish(db, PREVIEW_PUSH, &period, &outcome).await?;
        outcome?;
        ran.push(format!("{PREVIEW_PUSH}:{period}"));
    }
    Ok(ran)
}

/// Inserting the row is the lock: only one caller per (job, period) gets `true`.
async fn claim(db: &DatabaseConnection, job: &str, period: &str) -> anyhow::Result<bool> {
    let inserted = job_run::Entity::insert(job_run::ActiveModel {
        job: Set(job.to_owned()),
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
    job: &str,
    period: &str,
    outcome: &anyhow::Result<usize>,
) -> anyhow::Result<()> {
    let row = job_run::Entity::find_by_id((job.to_owned(), period.to_owned()))
        .one(db)
        .await?
        .context("the claimed job row is gone")?;
    let mut active: job_run::ActiveModel = row.into();
    active.finished_at = Set(Some(clock::now()));
    active.outcome = Set(Some(match outcome {
        Ok(n) => format!("{n} previews published"),
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
    template_id: &str,
) -> anyhow::Result<usize> {
    let plans = activity_plan::Entity::find()
        .filter(activity_plan::Column::Month.eq(month))
        .filter(activity_plan::Column::Status.eq(PlanStatus::Filed.as_str()))
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
        publish(&txn, plan, &org, None, false, None, template_id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        txn.commit().await?;
        published += 1;
    }
    Ok(published)
}
