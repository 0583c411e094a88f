//! Pushing notifications to members' WeChat through a durable outbox, by one of two channels.
//!
//! Publishing a preview inserts one `push_outbox` row per expected participant (unique per
//! plan and person, so nothing is queued twice). Workers — one per server process — claim
//! due rows in one conditional UPDATE (a row is claimed by exactly one worker, across
//! instances), send, and record the outcome. Each row goes through the first channel of its
//! organisation's order that can reach the person (`channels`): the mini-program's subscribe
//! message while they have consent left, the official account's template message while
//! they follow it. A channel that answers "not this person" (43101, 43004, 40003) hands the
//! row to the next channel in the same round; the row records which channel reached them.
//!
//! Delivery is at most once: a row whose send was in flight when its process died stays
//! `sending` and is later marked `unknown`, never resent, because neither send has an
//! idempotency key WeChat keeps long enough to make a resend safe.
pub mod channels;
pub mod deliveries;
pub mod error;

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
    time::Duration,
};

use anyhow::Context;
use chrono::Datelike;
use futures_util::StreamExt;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
    sea_query::{Expr, ExprTrait, OnConflict, Query},
};
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use utoipa::ToSchema;

use crate::{
    authz::Caller,
    clock,
    config::{CommunitySettings, OaTemplate, PushSettings, WechatSettings},
    domain::{Channel, DeliveryStatus, PushKind},
    entities::{
        activity_plan, oa_follower, person, plan_participant, push_outbox, subscription_quota,
    },
    official::OfficialAccount,
    plans::PlanError,
    wechat::{
        AccessTokens, MiniprogramJump, SubscribeMessage, TOKEN_INVALID, TemplateMessage, Value,
        WechatClient, WechatError,
    },
};
use channels::ChannelOrder;

/// Published after new rows are queued, so every instance's worker starts at once.
pub const WAKE_CHANNEL: &str = "push:wake";
/// Row states, as stored.
pub mod status {
    use crate::domain::DeliveryStatus;
    pub const PENDING: DeliveryStatus = DeliveryStatus::Pending;
    pub const SENDING: DeliveryStatus = DeliveryStatus::Sending;
    pub const SENT: DeliveryStatus = DeliveryStatus::Sent;
    pub const NO_CONSENT: DeliveryStatus = DeliveryStatus::NoConsent;
    pub const NOT_FOLLOWING: DeliveryStatus = DeliveryStatus::NotFollowing;
    pub const NO_WECHAT: DeliveryStatus = DeliveryStatus::NoWechat;
    pub const FAILED: DeliveryStatus = DeliveryStatus::Failed;
    pub const UNKNOWN: DeliveryStatus = DeliveryStatus::Unknown;
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
    /// The second channel, when the deployment has an official account.
    pub official: OfficialAccount,
    pub settings: PushSettings,
    pub wechat_settings: WechatSettings,
    pub wake: Arc<Notify>,
}

/// One way to reach the person of a row, as decided before sending.
enum Route {
    Subscribe {
        openid: String,
    },
    Official {
        oa_openid: String,
        template: OaTemplate,
    },
}

enum Outcome {
    Sent(Channel),
    /// No channel could or did reach the person; final.
    Unreached(DeliveryStatus, String),
    Retry(String),
    Failed(String),
}

/// What one row's sends came to, and what they taught about the person.
struct Attempt {
    outcome: Outcome,
    /// A unit of subscribe consent was taken for this row.
    took_consent: bool,
    /// WeChat said 43101: nothing is left, whatever our mirror thought.
    consent_gone: bool,
    /// WeChat said 43004 for this account openid: they no longer follow.
    unfollowed: Option<String>,
}

/// Everything the routes of a batch depend on, read in a fixed number of queries.
struct BatchFacts {
    people: HashMap<i64, person::Model>,
    /// unionid -> the account's openid, for followers only.
    followers: HashMap<String, String>,
    /// Organisation whose channel order applies to each row.
    orders: HashMap<i64, ChannelOrder>,
    plan_orgs: HashMap<i64, i64>,
    /// (person, template) with consent left.
    consent: HashSet<(i64, String)>,
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

    /// Claims up to `batch` due rows, sends each through the first channel that can reach
    /// its person, records the outcomes. Returns how many rows it handled.
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
        let facts = self.facts_of(&claimed).await?;
        let planned: Vec<(push_outbox::Model, Result<Vec<Route>, Outcome>)> = claimed
            .into_iter()
            .map(|row| {
                let routes = self.routes_for(&row, &facts);
                (row, routes)
            })
            .collect();
        let first_by_subscribe: Vec<&push_outbox::Model> = planned
            .iter()
            .filter(|(_, routes)| matches!(routes.as_deref(), Ok([Route::Subscribe { .. }, ..])))
            .map(|(row, _)| row)
            .collect();
        self.take_consent(&first_by_subscribe).await?;
        let results: Vec<(push_outbox::Model, Attempt)> = futures_util::stream::iter(planned)
            .map(|(row, routes)| async move {
                let attempt = match routes {
                    Err(outcome) => Attempt {
                        outcome,
                        took_consent: false,
                        consent_gone: false,
                        unfollowed: None,
                    },
                    Ok(routes) => self.deliver(&row, routes).await,
                };
                (row, attempt)
            })
            .buffer_unordered(Ord::max(self.settings.concurrency, 1))
            .collect()
            .await;
        self.record(results).await?;
        Ok(count)
    }

    /// Six queries per batch: people, followers, plans, channel orders (two), consent.
    async fn facts_of(&self, rows: &[push_outbox::Model]) -> anyhow::Result<BatchFacts> {
        let people: HashMap<i64, person::Model> = person::Entity::find()
            .filter(person::Column::Id.is_in(rows.iter().map(|r| r.person_id)))
            .all(&self.db)
            .await
            .context("cannot read the people of pushes")?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let followers = if self.official.is_configured() {
            let unionids: Vec<String> = people
                .values()
                .filter_map(|p| p.wechat_unionid.clone())
                .collect();
            oa_follower::Entity::find()
                .filter(oa_follower::Column::Unionid.is_in(unionids))
                .filter(oa_follower::Column::Following.eq(true))
                .all(&self.db)
                .await
                .context("cannot read followers")?
                .into_iter()
                .filter_map(|f| Some((f.unionid?, f.oa_openid)))
                .collect()
        } else {
            HashMap::new()
        };
        let plan_ids: HashSet<i64> = rows.iter().filter_map(|r| r.plan_id).collect();
        let plan_orgs: HashMap<i64, i64> = if plan_ids.is_empty() {
            HashMap::new()
        } else {
            activity_plan::Entity::find()
                .filter(activity_plan::Column::Id.is_in(plan_ids))
                .all(&self.db)
                .await
                .context("cannot read plans of pushes")?
                .into_iter()
                .map(|p| (p.id, p.org_id))
                .collect()
        };
        let org_ids: HashSet<i64> = people
            .values()
            .map(|p| p.org_id)
            .chain(plan_orgs.values().copied())
            .collect();
        let orders = channels::orders_for(
            &self.db,
            org_ids,
            &channels::deployment_order(&self.wechat_settings),
        )
        .await?;
        let mut consent = HashSet::new();
        let templates: HashSet<&str> = rows.iter().map(|r| r.template_id.as_str()).collect();
        let quotas = subscription_quota::Entity::find()
            .filter(subscription_quota::Column::TemplateId.is_in(templates))
            .filter(subscription_quota::Column::PersonId.is_in(rows.iter().map(|r| r.person_id)))
            .all(&self.db)
            .await
            .context("cannot read consent")?;
        for q in quotas {
            if q.long_term || q.remaining > 0 {
                consent.insert((q.person_id, q.template_id));
            }
        }
        Ok(BatchFacts {
            people,
            followers,
            orders,
            plan_orgs,
            consent,
        })
    }

    /// The channels that can reach the row's person, in their organisation's order; or the
    /// final outcome when none can.
    fn routes_for(
        &self,
        row: &push_outbox::Model,
        facts: &BatchFacts,
    ) -> Result<Vec<Route>, Outcome> {
        // A notification about the binding itself goes to the account it names, and only
        // through the mini-program.
        if let Some(openid) = addressed_to(row) {
            return if facts
                .consent
                .contains(&(row.person_id, row.template_id.clone()))
            {
                Ok(vec![Route::Subscribe { openid }])
            } else {
                Err(Outcome::Unreached(
                    status::NO_CONSENT,
                    "no remaining consent for this template".into(),
                ))
            };
        }
        let person = facts.people.get(&row.person_id).filter(|p| p.active);
        let openid = person.and_then(|p| p.wechat_openid.clone());
        let Some(openid) = openid else {
            return Err(Outcome::Unreached(
                status::NO_WECHAT,
                "this person has not bound WeChat".into(),
            ));
        };
        let org = row
            .plan_id
            .and_then(|plan| facts.plan_orgs.get(&plan))
            .or(person.map(|p| &p.org_id));
        let order = org
            .and_then(|org| facts.orders.get(org))
            .map(ChannelOrder::channels)
            .unwrap_or(&[Channel::Subscribe]);
        let stand_in = self.wechat_settings.oa_template_for(&row.template_id);
        let follower = person
            .and_then(|p| p.wechat_unionid.as_ref())
            .and_then(|unionid| facts.followers.get(unionid));
        let mut routes = Vec::new();
        for channel in order {
            match channel {
                Channel::Subscribe
                    if facts
                        .consent
                        .contains(&(row.person_id, row.template_id.clone())) =>
                {
                    routes.push(Route::Subscribe {
                        openid: openid.clone(),
                    });
                }
                Channel::OfficialAccount => {
                    if let (Some(template), Some(oa_openid)) = (stand_in, follower) {
                        routes.push(Route::Official {
                            oa_openid: oa_openid.clone(),
                            template: template.clone(),
                        });
                    }
                }
                _ => {}
            }
        }
        if routes.is_empty() {
            let second = self.official.is_configured()
                && stand_in.is_some()
                && order.contains(&Channel::OfficialAccount);
            let why = if second {
                "no remaining consent for this template, and not following the official account"
            } else {
                "no remaining consent for this template"
            };
            return Err(Outcome::Unreached(status::NO_CONSENT, why.into()));
        }
        Ok(routes)
    }

    /// Tries the routes in order. A channel that says for certain it did not deliver
    /// (43101 no consent, 43004 not following, 40003 not an openid of the account) hands
    /// over to the next; anything else ends the row's round.
    async fn deliver(&self, row: &push_outbox::Model, routes: Vec<Route>) -> Attempt {
        let mut attempt = Attempt {
            outcome: Outcome::Failed("no channel was tried".into()),
            took_consent: false,
            consent_gone: false,
            unfollowed: None,
        };
        for (i, route) in routes.into_iter().enumerate() {
            match route {
                Route::Subscribe { openid } => {
                    if i == 0 {
                        attempt.took_consent = true;
                    } else {
                        match self.take_one_consent(row).await {
                            Ok(true) => attempt.took_consent = true,
                            Ok(false) => continue,
                            Err(e) => {
                                attempt.outcome = Outcome::Retry(e.to_string());
                                return attempt;
                            }
                        }
                    }
                    let Some(message) = message_of(row, &openid, &self.wechat_settings) else {
                        attempt.outcome =
                            Outcome::Failed("the queued message is unreadable".into());
                        return attempt;
                    };
                    match self.send(&message).await {
                        Outcome::Unreached(_, why) => {
                            attempt.consent_gone = true;
                            attempt.took_consent = false;
                            attempt.outcome = Outcome::Unreached(status::NO_CONSENT, why);
                        }
                        other => {
                            attempt.outcome = other;
                            return attempt;
                        }
                    }
                }
                Route::Official {
                    oa_openid,
                    template,
                } => {
                    let Some(message) =
                        template_message_of(row, &oa_openid, &template, &self.wechat_settings)
                    else {
                        attempt.outcome = Outcome::Failed(
                            "the queued message lacks a value the official account's template needs"
                                .into(),
                        );
                        return attempt;
                    };
                    match self.send_official(&message).await {
                        Outcome::Unreached(state, why) => {
                            if state == status::NOT_FOLLOWING {
                                attempt.unfollowed = Some(oa_openid);
                            }
                            attempt.outcome = Outcome::Unreached(state, why);
                        }
                        other => {
                            attempt.outcome = other;
                            return attempt;
                        }
                    }
                }
            }
        }
        attempt
    }

    /// Takes one unit of consent from every row's person for its template, in one statement
    /// per template. A send that then does not reach the person gives its unit back.
    async fn take_consent(&self, rows: &[&push_outbox::Model]) -> anyhow::Result<()> {
        let mut by_template: HashMap<&str, Vec<i64>> = HashMap::new();
        for row in rows {
            by_template
                .entry(row.template_id.as_str())
                .or_default()
                .push(row.person_id);
        }
        for (template, ids) in by_template {
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
                .await
                .context("cannot take consent")?;
        }
        Ok(())
    }

    /// The subscribe channel as a fallback: one unit, if there still is one.
    async fn take_one_consent(&self, row: &push_outbox::Model) -> anyhow::Result<bool> {
        let quota = subscription_quota::Entity::find()
            .filter(subscription_quota::Column::PersonId.eq(row.person_id))
            .filter(subscription_quota::Column::TemplateId.eq(&row.template_id))
            .one(&self.db)
            .await?;
        match quota {
            Some(q) if q.long_term => Ok(true),
            Some(_) => Ok(subscription_quota::Entity::update_many()
                .col_expr(
                    subscription_quota::Column::Remaining,
                    Expr::col(subscription_quota::Column::Remaining).sub(1),
                )
                .filter(subscription_quota::Column::PersonId.eq(row.person_id))
                .filter(subscription_quota::Column::TemplateId.eq(&row.template_id))
                .filter(subscription_quota::Column::Remaining.gt(0))
                .exec(&self.db)
                .await?
                .rows_affected
                == 1),
            None => Ok(false),
        }
    }

    async fn send(&self, message: &SubscribeMessage) -> Outcome {
        let mut refreshed = false;
        loop {
            let token = match self.tokens.current().await {
                Ok(token) => token,
                Err(e) => return Outcome::Retry(format!("no access token: {e}")),
            };
            match self.wechat.send_subscribe(&token, message).await {
                Ok(()) => return Outcome::Sent(Channel::Subscribe),
                Err(WechatError::Api { code, .. })
                    if TOKEN_INVALID.contains(&code) && !refreshed =>
                {
                    self.tokens.invalidate(&token).await;
                    refreshed = true;
                }
                Err(WechatError::Api {
                    code: 43101,
                    message,
                }) => return Outcome::Unreached(status::NO_CONSENT, format!("43101 {message}")),
                Err(other) => return retry_or_fail(other),
            }
        }
    }

    async fn send_official(&self, message: &TemplateMessage) -> Outcome {
        let Ok(account) = self.official.configured() else {
            return Outcome::Failed("the official account is no longer configured".into());
        };
        let mut refreshed = false;
        loop {
            let token = match account.tokens.current().await {
                Ok(token) => token,
                Err(e) => return Outcome::Retry(format!("no official-account token: {e}")),
            };
            match account.wechat.send_template(&token, message).await {
                Ok(()) => return Outcome::Sent(Channel::OfficialAccount),
                Err(WechatError::Api { code, .. })
                    if TOKEN_INVALID.contains(&code) && !refreshed =>
                {
                    account.tokens.invalidate(&token).await;
                    refreshed = true;
                }
                Err(WechatError::Api {
                    code: 43004,
                    message,
                }) => {
                    return Outcome::Unreached(status::NOT_FOLLOWING, format!("43004 {message}"));
                }
                Err(WechatError::Api {
                    code: 40003,
                    message,
                }) => return Outcome::Unreached(status::FAILED, format!("40003 {message}")),
                Err(other) => return retry_or_fail(other),
            }
        }
    }

    async fn record(&self, results: Vec<(push_outbox::Model, Attempt)>) -> anyhow::Result<()> {
        let now = clock::now();
        for channel in [Channel::Subscribe, Channel::OfficialAccount] {
            let sent: Vec<i64> = results
                .iter()
                .filter(|(_, a)| matches!(a.outcome, Outcome::Sent(c) if c == channel))
                .map(|(r, _)| r.id)
                .collect();
            if sent.is_empty() {
                continue;
            }
            push_outbox::Entity::update_many()
                .col_expr(push_outbox::Column::Status, Expr::value(status::SENT))
                .col_expr(push_outbox::Column::Channel, Expr::value(channel))
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
        for (row, attempt) in results {
            let attempts = row.attempts + 1;
            let give_back = attempt.took_consent
                && !matches!(attempt.outcome, Outcome::Sent(Channel::Subscribe));
            if give_back {
                self.give_back(&row).await?;
            }
            if attempt.consent_gone {
                subscription_quota::Entity::update_many()
                    .col_expr(subscription_quota::Column::Remaining, Expr::value(0))
                    .filter(subscription_quota::Column::PersonId.eq(row.person_id))
                    .filter(subscription_quota::Column::TemplateId.eq(&row.template_id))
                    .exec(&self.db)
                    .await?;
            }
            if let Some(oa_openid) = &attempt.unfollowed {
                // WeChat's word is newer than the last push we had; the unsubscribe push
                // that follows changes nothing more.
                oa_follower::Entity::update_many()
                    .col_expr(oa_follower::Column::Following, Expr::value(false))
                    .filter(oa_follower::Column::OaOpenid.eq(oa_openid))
                    .exec(&self.db)
                    .await?;
            }
            let (state, error, next) = match attempt.outcome {
                Outcome::Sent(_) => continue,
                Outcome::Unreached(state, e) => (state, e, now),
                Outcome::Failed(e) => (status::FAILED, e, now),
                Outcome::Retry(e) if attempts >= self.settings.max_attempts => (
                    status::FAILED,
                    format!("gave up after {attempts} attempts: {e}"),
                    now,
                ),
                Outcome::Retry(e) => {
                    let backoff = Duration::from_secs(1 << attempts.clamp(0, 8));
                    (status::PENDING, e, now + backoff)
                }
            };
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

/// Busy and daily-limit answers are retried later; any other refusal is final.
fn retry_or_fail(error: WechatError) -> Outcome {
    match error {
        WechatError::Api { code: -1, message }
        | WechatError::Api {
            code: 45009,
            message,
        } => Outcome::Retry(message),
        WechatError::Api { code, message } => Outcome::Failed(format!("{code} {message}")),
        other => Outcome::Retry(other.to_string()),
    }
}

/// The official account's message for a queued notification: its keys filled from the
/// subscribe keys they stand for, opening the same mini-program page.
fn template_message_of(
    row: &push_outbox::Model,
    oa_openid: &str,
    template: &OaTemplate,
    wechat: &WechatSettings,
) -> Option<TemplateMessage> {
    let payload: serde_json::Value = serde_json::from_str(&row.payload).ok()?;
    let data = template
        .keys
        .iter()
        .map(|(oa_key, subscribe_key)| {
            let value = payload["data"][subscribe_key].as_str()?;
            Some((
                oa_key.clone(),
                Value {
                    value: value.to_owned(),
                },
            ))
        })
        .collect::<Option<_>>()?;
    Some(TemplateMessage {
        touser: oa_openid.to_owned(),
        template_id: template.template_id.clone(),
        miniprogram: MiniprogramJump {
            appid: wechat.appid.clone(),
            pagepath: payload["page"]
                .as_str()
                .unwrap_or(&wechat.preview_page)
                .to_owned(),
        },
        // WeChat drops a repeat within ten minutes; the outbox row is the message.
        client_msg_id: format!("huodongri-{}", row.id),
        data,
    })
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
