//! Pushing previews to members' WeChat through a durable outbox.
//!
//! Publishing a preview inserts one `push_outbox` row per expected participant (unique per
//! plan and person, so nothing is queued twice). Workers — one per server process — claim
//! due rows in one conditional UPDATE (a row is claimed by exactly one worker, across
//! instances), send, and record the outcome. Delivery is at most once: a row whose send was
//! in flight when its process died stays `sending` and is later marked `unknown`, never
//! resent, because WeChat's subscribe/send has no idempotency key to make a resend safe.
use std::{collections::HashMap, sync::Arc, time::Duration};

use anyhow::Context;
use chrono::Datelike;
use futures_util::StreamExt;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    sea_query::{Expr, ExprTrait, OnConflict, Query},
};
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use utoipa::ToSchema;

use crate::{
    authz::{self, Caller, READ_DIRECTORY},
    cache::Cache,
    clock,
    config::{CommunitySettings, PushSettings, WechatSettings},
    domain::PushKind,
    entities::{activity_plan, person, plan_participant, push_outbox, subscription_quota},
    plans::PlanError,
    wechat::{SubscribeMessage, TOKEN_INVALID, Value, WechatClient, WechatError},
};

/// Published after new rows are queued, so every instance's worker starts at once.
pub const WAKE_CHANNEL: &str = "push:wake";
const TOKEN_KEY: &str = "wechat:access_token";
const TOKEN_LOCK: &str = "wechat:token_refresh";
/// Refresh well before WeChat's own expiry (it rotates stable tokens 5 min early).
const TOKEN_EARLY_SECS: u64 = 600;

/// Row states, as stored.
pub mod status {
    use crate::domain::DeliveryStatus;
    pub const PENDING: DeliveryStatus = DeliveryStatus::Pending;
    pub const SENDING: DeliveryStatus = DeliveryStatus::Sending;
    pub const SENT: DeliveryStatus = DeliveryStatus::Sent;
    pub const NO_CONSENT: DeliveryStatus = DeliveryStatus::NoConsent;
    pub const NO_WECHAT: DeliveryStatus = DeliveryStatus::NoWechat;
    pub const FAILED: DeliveryStatus = DeliveryStatus::Failed;
    pub const UNKNOWN: DeliveryStatus = DeliveryStatus::Unknown;
}

/// One shared access token for every instance: kept in the cache, refreshed early under a
/// lock. `stable_token` returns the same token to concurrent callers, so when the cache is
/// down each caller may simply fetch it.
pub struct AccessTokens {
    wechat: Arc<WechatClient>,
    cache: Cache,
    key: &'static str,
    lock: &'static str,
}

impl AccessTokens {
    /// The mini-program's token.
    pub fn new(wechat: Arc<WechatClient>, cache: Cache) -> Self {
        Self::kept_under(wechat, cache, TOKEN_KEY, TOKEN_LOCK)
    }

    /// Another app's token (the official account's), under its own cache key and lock.
    pub fn kept_under(
        wechat: Arc<WechatClient>,
        cache: Cache,
        key: &'static str,
        lock: &'static str,
    ) -> Self {
        Self {
            wechat,
            cache,
            key,
            lock,
        }
    }

    pub async fn current(&self) -> Result<String, WechatError> {
        if let Ok(Some(token)) = self.cache.get(self.key).await {
            return Ok(token);
        }
        let lock = self
            .cache
            .lock(self.lock, Duration::from_secs(10), Duration::from_secs(5))
            .await
            .ok()
            .flatten();
        if lock.is_some()
            && let Ok(Some(token)) = self.cache.get(self.key).await
        {
            if let Some(lock) = lock {
                let _ = lock.release().await;
            }
            return Ok(token);
        }
        let fetched = self.wechat.stable_token().await;
        if let Ok(token) = &fetched {
            let ttl = Ord::max(token.expires_in.saturating_sub(TOKEN_EARLY_SECS), 60);
            let _ = self
                .cache
                .set(self.key, &token.token, Some(Duration::from_secs(ttl)))
                .await;
        }
        if let Some(lock) = lock {
            let _ = lock.release().await;
        }
        fetched.map(|t| t.token)
    }

    /// Drops the token only if it is still the one that failed (another caller may already
    /// have replaced it).
    pub async fn invalidate(&self, failing: &str) {
        let _ = self.cache.delete_if_equals(self.key, failing).await;
    }
}

/// One notification to queue: `dedupe_key` says what it is for and is unique.
pub struct NewPush {
    pub kind: PushKind,
    pub dedupe_key: String,
    pub plan_id: Option<i64>,
    pub person_id: i64,
    pub template_id: String,
    /// `{"page": …, "data": {key: value}}`, values already fitted to WeChat's rules.
    pub payload: serde_json::Value,
}

/// Queues notifications, skipping any whose `dedupe_key` is already queued; returns how
/// many rows were new.
pub async fn enqueue(db: &impl ConnectionTrait, pushes: Vec<NewPush>) -> anyhow::Result<u64> {
    let now = clock::now();
    let mut new_rows = 0;
    let mut pushes = pushes.into_iter().peekable();
    while pushes.peek().is_some() {
        let rows: Vec<push_outbox::ActiveModel> = pushes
            .by_ref()
            .take(500)
            .map(|p| push_outbox::ActiveModel {
                dedupe_key: Set(p.dedupe_key),
                kind: Set(p.kind),
                plan_id: Set(p.plan_id),
                person_id: Set(p.person_id),
                template_id: Set(p.template_id),
                payload: Set(p.payload.to_string()),
                status: Set(status::PENDING.to_owned()),
                claimed_by: Set(None),
                attempts: Set(0),
                next_attempt_at: Set(now),
                last_error: Set(None),
                msgid: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .collect();
        new_rows += push_outbox::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(push_outbox::Column::DedupeKey)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await
            .context("cannot queue notifications")?;
    }
    Ok(new_rows)
}

/// Queues the plan's preview for every expected participant.
pub async fn enqueue_preview(
    db: &impl ConnectionTrait,
    plan: &activity_plan::Model,
    wechat: &WechatSettings,
) -> anyhow::Result<u64> {
    let people: Vec<i64> = plan_participant::Entity::find()
        .filter(plan_participant::Column::PlanId.eq(plan.id))
        .all(db)
        .await
        .context("cannot read participants")?
        .into_iter()
        .map(|p| p.person_id)
        .collect();
    let date = plan.activity_date;
    let payload = serde_json::json!({
        "page": format!("{}?plan={}", wechat.preview_page, plan.id),
        "data": {
            "thing1": thing(&plan.theme),
            "date2": format!("{}年{}月{}日 {}", date.year(), date.month(), date.day(), plan.start_time),
            "thing3": thing(&plan.place),
            "phrase4": "请准时参加",
        }
    });
    let pushes = people
        .into_iter()
        .map(|person_id| NewPush {
            kind: PushKind::Preview,
            dedupe_key: format!("preview:{}:{person_id}", plan.id),
            plan_id: Some(plan.id),
            person_id,
            template_id: wechat.preview_template_id.clone(),
            payload: payload.clone(),
        })
        .collect();
    enqueue(db, pushes).await
}

/// Records what `wx.requestSubscribeMessage` returned: each `accept` allows one more send of
/// a one-time template; for long-term templates it grants (and `reject`/`ban` revokes).
pub async fn record_consent(
    db: &impl ConnectionTrait,
    person_id: i64,
    template_id: &str,
    accepted: bool,
    long_term: bool,
) -> anyhow::Result<()> {
    let now = clock::now();
    let row = subscription_quota::ActiveModel {
        person_id: Set(person_id),
        template_id: Set(template_id.to_owned()),
        remaining: Set(i32::from(accepted && !long_term)),
        long_term: Set(accepted && long_term),
        updated_at: Set(now),
    };
    let mut conflict = OnConflict::columns([
        subscription_quota::Column::PersonId,
        subscription_quota::Column::TemplateId,
    ]);
    if long_term {
        conflict.update_columns([
            subscription_quota::Column::LongTerm,
            subscription_quota::Column::UpdatedAt,
        ]);
    } else if accepted {
        conflict
            .value(
                subscription_quota::Column::Remaining,
                Expr::col((
                    subscription_quota::Entity,
                    subscription_quota::Column::Remaining,
                ))
                .add(1),
            )
            .update_column(subscription_quota::Column::UpdatedAt);
    } else {
        conflict.update_column(subscription_quota::Column::UpdatedAt);
    }
    subscription_quota::Entity::insert(row)
        .on_conflict(conflict.to_owned())
        .exec_without_returning(db)
        .await
        .context("cannot record a subscription result")?;
    Ok(())
}

/// WeChat's `thing` values hold 20 characters; longer text is cut to 19 and "…".
pub fn thing(text: &str) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    if clean.chars().count() <= 20 {
        clean
    } else {
        clean.chars().take(19).chain(['…']).collect()
    }
}

/// A notification about the binding itself goes to the account it names (the one just
/// unbound), not to whatever the person is bound to when it is sent.
fn addressed_to(row: &push_outbox::Model) -> Option<String> {
    let payload: serde_json::Value = serde_json::from_str(&row.payload).ok()?;
    payload["touser"].as_str().map(str::to_owned)
}

fn message_of(
    row: &push_outbox::Model,
    openid: &str,
    wechat: &WechatSettings,
) -> Option<SubscribeMessage> {
    let payload: serde_json::Value = serde_json::from_str(&row.payload).ok()?;
    let data = payload["data"]
        .as_object()?
        .iter()
        .map(|(key, value)| {
            (
                key.clone(),
                Value {
                    value: value.as_str().unwrap_or_default().to_owned(),
                },
            )
        })
        .collect();
    Some(SubscribeMessage {
        touser: openid.to_owned(),
        template_id: row.template_id.clone(),
        page: payload["page"]
            .as_str()
            .unwrap_or(&wechat.preview_page)
            .to_owned(),
        miniprogram_state: wechat.miniprogram_state.clone(),
        lang: "zh_CN".to_owned(),
        data,
    })
}

/// The worker: drains due rows until none are left, then waits for a wake-up or the poll.
pub struct Pusher {
    pub db: DatabaseConnection,
    pub wechat: Arc<WechatClient>,
    pub tokens: AccessTokens,
    pub settings: PushSettings,
    pub wechat_settings: WechatSettings,
    pub wake: Arc<Notify>,
}

enum Outcome {
    Sent,
    NoConsent(String),
    Retry(String),
    Failed(String),
}

impl Pusher {
    pub async fn run(self) {
        let worker = uuid::Uuid::new_v4().to_string();
        loop {
            if let Err(e) = self.mark_stuck().await {
                tracing::warn!(error = ?e, "cannot sweep stuck pushes");
            }
            loop {
                match self.round(&worker).await {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) => {
                        tracing::error!(error = ?e, "push round failed");
                        break;
                    }
                }
            }
            let _ = tokio::time::timeout(
                Duration::from_millis(self.settings.idle_poll_ms),
                self.wake.notified(),
            )
            .await;
        }
    }

    /// Rows left `sending` by a dead worker become `unknown` (see the module note).
    async fn mark_stuck(&self) -> anyhow::Result<()> {
        let cutoff = clock::now() - Duration::from_secs(self.settings.stuck_after_secs);
        let result = push_outbox::Entity::update_many()
            .col_expr(push_outbox::Column::Status, Expr::value(status::UNKNOWN))
            .col_expr(
                push_outbox::Column::LastError,
                Expr::value("in flight when the server stopped; not resent to avoid a duplicate"),
            )
            .filter(push_outbox::Column::Status.eq(status::SENDING))
            .filter(push_outbox::Column::UpdatedAt.lt(cutoff))
            .exec(&self.db)
            .await?;
        if result.rows_affected > 0 {
            tracing::warn!(
                rows = result.rows_affected,
                "pushes in flight at a crash marked unknown"
            );
        }
        Ok(())
    }

    /// Claims up to `batch` due rows, sends them concurrently, records the outcomes.
    /// Returns how many rows it handled.
    pub async fn round(&self, worker: &str) -> anyhow::Result<usize> {
        let now = clock::now();
        let due = Query::select()
            .column(push_outbox::Column::Id)
            .from(push_outbox::Entity)
            .and_where(Expr::col(push_outbox::Column::Status).eq(status::PENDING))
            .and_where(Expr::col(push_outbox::Column::NextAttemptAt).lte(now))
            .order_by(push_outbox::Column::Id, sea_orm::Order::Asc)
            .limit(self.settings.batch)
            .to_owned();
        push_outbox::Entity::update_many()
            .col_expr(push_outbox::Column::Status, Expr::value(status::SENDING))
            .col_expr(push_outbox::Column::ClaimedBy, Expr::value(worker))
            .col_expr(push_outbox::Column::UpdatedAt, Expr::value(now))
            .filter(push_outbox::Column::Id.in_subquery(due))
            .filter(push_outbox::Column::Status.eq(status::PENDING))
            .exec(&self.db)
            .await
            .context("cannot claim pushes")?;
        let claimed = push_outbox::Entity::find()
            .filter(push_outbox::Column::ClaimedBy.eq(worker))
            .filter(push_outbox::Column::Status.eq(status::SENDING))
            .all(&self.db)
            .await
            .context("cannot read claimed pushes")?;
        if claimed.is_empty() {
            return Ok(0);
        }
        let count = claimed.len();
        let people = self.people_of(&claimed).await?;
        let consenting = self.take_quota(&claimed).await?;
        let results: Vec<(push_outbox::Model, Outcome)> = futures_util::stream::iter(claimed)
            .map(|row| {
                let openid =
                    addressed_to(&row).or_else(|| people.get(&row.person_id).cloned().flatten());
                let consent = consenting.contains(&(row.person_id, row.template_id.clone()));
                async move {
                    let outcome = match openid {
                        None => Outcome::Failed("no_wechat".into()),
                        Some(_) if !consent => {
                            Outcome::NoConsent("no remaining consent for this template".into())
                        }
                        Some(openid) => match message_of(&row, &openid, &self.wechat_settings) {
                            Some(message) => self.send(&message).await,
                            None => Outcome::Failed("the queued message is unreadable".into()),
                        },
                    };
                    (row, outcome)
                }
            })
            .buffer_unordered(Ord::max(self.settings.concurrency, 1))
            .collect()
            .await;
        self.record(results).await?;
        Ok(count)
    }

    async fn people_of(
        &self,
        rows: &[push_outbox::Model],
    ) -> anyhow::Result<std::collections::HashMap<i64, Option<String>>> {
        Ok(person::Entity::find()
            .filter(person::Column::Id.is_in(rows.iter().map(|r| r.person_id)))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.wechat_openid.filter(|_| p.active)))
            .collect())
    }

    /// Takes one unit of consent from everyone in the batch who has one, in one statement per
    /// template; returns who may be sent what. A send that then fails gives its unit back.
    async fn take_quota(
        &self,
        rows: &[push_outbox::Model],
    ) -> anyhow::Result<std::collections::HashSet<(i64, String)>> {
        let mut by_template: std::collections::HashMap<&str, Vec<i64>> =
            std::collections::HashMap::new();
        for row in rows {
            by_template
                .entry(row.template_id.as_str())
                .or_default()
                .push(row.person_id);
        }
        let mut allowed = std::collections::HashSet::new();
        for (template, ids) in by_template {
            let quotas = subscription_quota::Entity::find()
                .filter(subscription_quota::Column::TemplateId.eq(template))
                .filter(subscription_quota::Column::PersonId.is_in(ids.clone()))
                .all(&self.db)
                .await?;
            for q in &quotas {
                if q.long_term || q.remaining > 0 {
                    allowed.insert((q.person_id, template.to_owned()));
                }
            }
            subscription_quota::Entity::update_many()
                .col_expr(
                    subscription_quota::Column::Remaining,
                    Expr::col(subscription_quota::Column::Remaining).sub(1),
                )
                .filter(subscription_quota::Column::TemplateId.eq(template))
                .filter(subscription_quota::Column::PersonId.is_in(ids))
                .filter(subscription_quota::Column::LongTerm.eq(false))
                .filter(subscription_quota::Column::Remaining.gt(0))
                .exec(&self.db)
                .await?;
        }
        Ok(allowed)
    }

    async fn send(&self, message: &SubscribeMessage) -> Outcome {
        let mut refreshed = false;
        loop {
            let token = match self.tokens.current().await {
                Ok(token) => token,
                Err(e) => return Outcome::Retry(format!("no access token: {e}")),
            };
            match self.wechat.send_subscribe(&token, message).await {
                Ok(()) => return Outcome::Sent,
                Err(WechatError::Api { code, .. })
                    if TOKEN_INVALID.contains(&code) && !refreshed =>
                {
                    self.tokens.invalidate(&token).await;
                    refreshed = true;
                }
                Err(WechatError::Api {
                    code: 43101,
                    message,
                }) => return Outcome::NoConsent(format!("43101 {message}")),
                Err(WechatError::Api { code: -1, message })
                | Err(WechatError::Api {
                    code: 45009,
                    message,
                }) => {
                    return Outcome::Retry(message);
                }
                Err(WechatError::Api { code, message }) => {
                    return Outcome::Failed(format!("{code} {message}"));
                }
                Err(other) => return Outcome::Retry(other.to_string()),
            }
        }
    }

    async fn record(&self, results: Vec<(push_outbox::Model, Outcome)>) -> anyhow::Result<()> {
        let now = clock::now();
        let sent: Vec<i64> = results
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Sent))
            .map(|(r, _)| r.id)
            .collect();
        if !sent.is_empty() {
            push_outbox::Entity::update_many()
                .col_expr(push_outbox::Column::Status, Expr::value(status::SENT))
                .col_expr(
                    push_outbox::Column::Attempts,
                    Expr::col(push_outbox::Column::Attempts).add(1),
                )
                .col_expr(push_outbox::Column::UpdatedAt, Expr::value(now))
                .filter(push_outbox::Column::Id.is_in(sent))
                .exec(&self.db)
                .await
                .context("cannot record sent pushes")?;
        }
        for (row, outcome) in results {
            let attempts = row.attempts + 1;
            let (state, error, next, give_back) = match outcome {
                Outcome::Sent => continue,
                Outcome::NoConsent(e) => (status::NO_CONSENT, e, now, false),
                Outcome::Failed(e) if e == "no_wechat" => (
                    status::NO_WECHAT,
                    "this person has not bound WeChat".to_owned(),
                    now,
                    true,
                ),
                Outcome::Failed(e) => (status::FAILED, e, now, true),
                Outcome::Retry(e) if attempts >= self.settings.max_attempts => (
                    status::FAILED,
                    format!("gave up after {attempts} attempts: {e}"),
                    now,
                    true,
                ),
                Outcome::Retry(e) => {
                    let backoff = Duration::from_secs(1 << attempts.clamp(0, 8));
                    (status::PENDING, e, now + backoff, true)
                }
            };
            if give_back {
                self.give_back(&row).await?;
            } else {
                // 43101: WeChat says nothing is left, whatever our mirror thought.
                subscription_quota::Entity::update_many()
                    .col_expr(subscription_quota::Column::Remaining, Expr::value(0))
                    .filter(subscription_quota::Column::PersonId.eq(row.person_id))
                    .filter(subscription_quota::Column::TemplateId.eq(&row.template_id))
                    .exec(&self.db)
                    .await?;
            }
            push_outbox::Entity::update_many()
                .col_expr(push_outbox::Column::Status, Expr::value(state))
                .col_expr(push_outbox::Column::Attempts, Expr::value(attempts))
                .col_expr(push_outbox::Column::LastError, Expr::value(error))
                .col_expr(push_outbox::Column::NextAttemptAt, Expr::value(next))
                .col_expr(push_outbox::Column::UpdatedAt, Expr::value(now))
                .filter(push_outbox::Column::Id.eq(row.id))
                .exec(&self.db)
                .await
                .context("cannot record a push outcome")?;
        }
        Ok(())
    }

    /// A send that did not reach the person did not use their consent.
    async fn give_back(&self, row: &push_outbox::Model) -> anyhow::Result<()> {
        subscription_quota::Entity::update_many()
            .col_expr(
                subscription_quota::Column::Remaining,
                Expr::col(subscription_quota::Column::Remaining).add(1),
            )
            .filter(subscription_quota::Column::PersonId.eq(row.person_id))
            .filter(subscription_quota::Column::TemplateId.eq(&row.template_id))
            .filter(subscription_quota::Column::LongTerm.eq(false))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_things_are_cut_to_twenty_characters_with_an_ellipsis() {
        assert_eq!(thing("学习党章"), "学习党章");
        let long = "一".repeat(25);
        let cut = thing(&long);
        assert_eq!(cut.chars().count(), 20);
        assert!(cut.ends_with('…'));
        assert_eq!(thing("换\n行"), "换行");
    }
}

// ---- consent and deliveries, as members and secretaries see them ----

#[derive(Deserialize, ToSchema)]
pub struct SubscriptionReport {
    /// What `wx.requestSubscribeMessage` returned per template id:
    /// accept, acceptWithAudio, reject, ban or filter.
    pub results: HashMap<String, String>,
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryResponse {
    pub kind: PushKind,
    pub person_id: i64,
    pub name: String,
    /// pending, sending, sent, no_consent, no_wechat, failed, unknown
    pub status: crate::domain::DeliveryStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub updated_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct TemplateView {
    /// preview (the monthly preview), reminder (deadlines, the day before), offer (a freed
    /// place offered from a waitlist)
    pub kind: String,
    /// Pass this to `wx.requestSubscribeMessage`.
    pub template_id: String,
    /// Long-term templates need one consent; one-time templates one per message.
    pub long_term: bool,
    /// Messages of this template the person has consented to and not yet received
    /// (long-term: 1 when granted, else 0). 0 on a one-time template: ask again.
    pub remaining: i32,
}

#[derive(Serialize, ToSchema)]
pub struct TemplatesResponse {
    pub templates: Vec<TemplateView>,
}

pub async fn templates(
    db: &DatabaseConnection,
    user: Caller,
    wechat: &WechatSettings,
    community: &CommunitySettings,
) -> Result<TemplatesResponse, PlanError> {
    let consent: HashMap<String, crate::entities::subscription_quota::Model> =
        crate::entities::subscription_quota::Entity::find()
            .filter(crate::entities::subscription_quota::Column::PersonId.eq(user.person_id))
            .all(db)
            .await
            .context("cannot read consent")?
            .into_iter()
            .map(|q| (q.template_id.clone(), q))
            .collect();
    let templates = [
        ("preview", &wechat.preview_template_id),
        ("reminder", &wechat.reminder_template_id),
        ("offer", &community.offer_template_id),
    ]
    .into_iter()
    .map(|(kind, template_id)| {
        let long_term = wechat.long_term_templates.contains(template_id);
        let remaining = consent.get(template_id).map_or(0, |q| {
            if long_term {
                i32::from(q.long_term)
            } else {
                Ord::max(q.remaining, 0)
            }
        });
        TemplateView {
            kind: kind.to_owned(),
            template_id: template_id.clone(),
            long_term,
            remaining,
        }
    })
    .collect();
    Ok(TemplatesResponse { templates })
}

pub async fn record_subscriptions(
    db: &DatabaseConnection,
    user: Caller,
    body: &SubscriptionReport,
    wechat: &WechatSettings,
    community: &CommunitySettings,
) -> Result<(), PlanError> {
    if body.results.is_empty() || body.results.len() > 5 {
        return Err(PlanError::InvalidInput(
            "report 1 to 5 template results".into(),
        ));
    }
    for (template, result) in &body.results {
        let known = *template == wechat.preview_template_id
            || *template == wechat.reminder_template_id
            || *template == community.offer_template_id
            || wechat.long_term_templates.contains(template);
        if !known {
            return Err(PlanError::InvalidInput(format!(
                "`{template}` is not a template this server sends"
            )));
        }
        let accepted = match result.as_str() {
            "accept" | "acceptWithAudio" => true,
            "reject" | "ban" | "filter" => false,
            other => {
                return Err(PlanError::InvalidInput(format!(
                    "`{other}` is not a subscribe result"
                )));
            }
        };
        let long_term = wechat.long_term_templates.contains(template);
        record_consent(db, user.person_id, template, accepted, long_term).await?;
    }
    Ok(())
}

pub async fn deliveries(
    db: &DatabaseConnection,
    user: Caller,
    plan_id: i64,
) -> Result<Vec<DeliveryResponse>, PlanError> {
    let plan = activity_plan::Entity::find_by_id(plan_id)
        .one(db)
        .await
        .context("cannot read a plan")?
        .ok_or(PlanError::NotFound)?;
    authz::require(db, user, READ_DIRECTORY, plan.org_id).await?;
    let rows = push_outbox::Entity::find()
        .filter(push_outbox::Column::PlanId.eq(plan.id))
        .order_by_asc(push_outbox::Column::Id)
        .all(db)
        .await
        .context("cannot read deliveries")?;
    let names: HashMap<i64, String> = person::Entity::find()
        .filter(person::Column::Id.is_in(rows.iter().map(|r| r.person_id)))
        .all(db)
        .await
        .context("cannot read names")?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| DeliveryResponse {
            name: names.get(&r.person_id).cloned().unwrap_or_default(),
            person_id: r.person_id,
            kind: r.kind,
            status: r.status,
            attempts: r.attempts,
            last_error: r.last_error,
            updated_at: r
                .updated_at
                .with_timezone(&crate::clock::shanghai())
                .to_rfc3339(),
        })
        .collect())
}
