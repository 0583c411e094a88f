//! On the configured dates (default 1 September and 1 November) every leader and secretary
//! who is behind gets one WeChat reminder saying what is missing. The scheduler's `job_run`
//! row makes the job run once per date across instances; the outbox's dedupe key makes each
//! person's reminder queue once even if the job is re-run.
use chrono::{Datelike, NaiveDate};
use sea_orm::ConnectionTrait;

use super::progress::everyone_behind;
use crate::{
    config::{DutySettings, WechatSettings},
    domain::PushKind,
    push::{NewPush, thing},
};

/// Whether `day` is one of the configured reminder dates (MM-DD).
pub fn is_reminder_day(settings: &DutySettings, day: NaiveDate) -> bool {
    let today = format!("{:02}-{:02}", day.month(), day.day());
    settings.reminder_dates.iter().any(|d| d.trim() == today)
}

/// Queues the reminders of `day`; returns how many were new.
pub async fn remind_behind(
    db: &impl ConnectionTrait,
    settings: &DutySettings,
    wechat: &WechatSettings,
    day: NaiveDate,
) -> anyhow::Result<u64> {
    let rows = everyone_behind(db, settings, day.year()).await?;
    let pushes = rows
        .into_iter()
        .map(|row| {
            let missing = row
                .behind
                .iter()
                .map(|b| format!("{}{}/{}", b.label, b.done, b.required))
                .collect::<Vec<_>>()
                .join("，");
            NewPush {
                kind: PushKind::DutyReminder,
                dedupe_key: format!("remind_duties:{day}:{}", row.person_id),
                plan_id: None,
                person_id: row.person_id,
                template_id: wechat.reminder_template_id.clone(),
                payload: serde_json::json!({
                    "page": settings.reminder_page,
                    "data": {
                        "thing1": thing(&format!("履职尚有{}项未完成", row.behind.len())),
                        "time2": format!("{}年12月31日 23:59", day.year()),
                        "thing3": thing(&missing),
                    }
                }),
            }
        })
        .collect();
    crate::push::enqueue(db, pushes).await
}
