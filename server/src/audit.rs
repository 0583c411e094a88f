//! The audit log: every administrative write leaves who, what, where, a before/after
//! summary, when, and the request id that ties it to the logs.
use anyhow::Context;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde_json::Value;

use crate::{clock, entities::audit_log};

#[derive(Debug, Clone, Copy)]
pub enum Actor {
    Person(i64),
    /// The operator's shell (`huodongri admin …`).
    CommandLine,
    /// A scheduled job (e.g. the push on the 10th).
    Scheduler,
}

pub struct AuditEntry {
    pub actor: Actor,
    pub action: &'static str,
    pub target_type: &'static str,
    pub target_id: String,
    pub org_id: Option<i64>,
    /// `{"before": …, "after": …}` or whatever summary fits the action.
    pub detail: Value,
}

pub async fn record(
    db: &impl ConnectionTrait,
    request_id: Option<String>,
    entry: AuditEntry,
) -> anyhow::Result<()> {
    let (actor_person_id, actor_label) = match entry.actor {
        Actor::Person(id) => (Some(id), format!("person:{id}")),
        Actor::CommandLine => (None, "cli".to_owned()),
        Actor::Scheduler => (None, "scheduler".to_owned()),
    };
    audit_log::ActiveModel {
        occurred_at: Set(clock::now()),
        actor_person_id: Set(actor_person_id),
        actor_label: Set(actor_label),
        action: Set(entry.action.to_owned()),
        target_type: Set(Some(entry.target_type.to_owned())),
        target_id: Set(Some(entry.target_id)),
        org_id: Set(entry.org_id),
        request_id: Set(request_id),
        detail: Set(entry.detail.to_string()),
        ..Default::default()
    }
    .insert(db)
    .await
    .with_context(|| format!("cannot write the audit entry for {}", entry.action))?;
    Ok(())
}
