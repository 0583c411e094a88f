//! Publishing a plan's preview (due by the 10th): the preview text, the history entry and
//! one queued WeChat message per expected participant, in the caller's transaction.
use crate::domain::PlanAction;
use anyhow::Context;
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set};
use serde_json::json;

use super::{error::PlanError, rules::preview_deadline, service::record_event_by};
use crate::{
    authz::Caller,
    clock,
    entities::{activity_plan, organisation},
};

/// Publishes a filed plan's preview and queues its pushes, inside the caller's transaction
/// (so a published preview always has its pushes). `actor: None` is the scheduler.
pub async fn publish(
    txn: &impl ConnectionTrait,
    plan: activity_plan::Model,
    org: &organisation::Model,
    actor: Option<Caller>,
    on_behalf: bool,
    request_id: Option<String>,
    wechat: &crate::config::WechatSettings,
) -> Result<(activity_plan::Model, u64), PlanError> {
    let category = plan.category;
    let preview = json!({
        "org_name": org.name, "month": plan.month, "version": plan.version, "theme": plan.theme,
        "category": category.label(), "date": plan.activity_date, "start_time": plan.start_time,
        "end_time": plan.end_time, "place": plan.place, "requirements": plan.requirements,
        "organiser": plan.organiser,
    });
    let now = clock::now();
    let (_, deadline) = preview_deadline(&plan.month)?;
    let mut active = plan.into_active_model();
    active.published_at = Set(Some(now));
    active.preview = Set(Some(preview.to_string()));
    let plan = active.update(txn).await.context("cannot publish")?;
    let note = match (actor, now > deadline) {
        (None, _) => Some("published automatically on the 10th".to_owned()),
        (Some(_), true) => Some("published after the 10th".to_owned()),
        (Some(_), false) => None,
    };
    record_event_by(
        txn,
        &plan,
        PlanAction::Published,
        actor,
        on_behalf,
        note,
        request_id,
    )
    .await?;
    let queued = crate::push::enqueue_preview(txn, &plan, wechat).await?;
    Ok((plan, queued))
}
