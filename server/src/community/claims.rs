//! Service items and claims (认领). Capacity is enforced by one conditional UPDATE of the
//! item's `taken` counter inside the claim's transaction, which both databases serialise per
//! row: whoever runs it when `taken < capacity` gets the place, everyone else is waitlisted.
//! A freed place is not released: it is offered to the first person waiting, with a deadline;
//! it goes back to the pool only when nobody is waiting.
use anyhow::Context;
use chrono::{DateTime, Duration, FixedOffset};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
    sea_query::{Expr, ExprTrait, Query},
};
use serde::Serialize;
use utoipa::ToSchema;

use super::error::CommunityError;
use crate::{
    cache::Cache,
    clock,
    config::CommunitySettings,
    db::begin_write,
    domain::ClaimStatus,
    entities::{community_report, organisation_closure, person, service_claim, service_item},
};

/// The answer to a claim. The slugs are the API's `result` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimOutcome {
    Ok,
    /// No place left: the person is on the waitlist.
    Full,
    AlreadyClaimed,
    NotOpenYet,
    Closed,
    NotReported,
    TimeClash,
}

impl ClaimOutcome {
    /// The API's `result` slug.
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimOutcome::Ok => "ok",
            ClaimOutcome::Full => "full",
            ClaimOutcome::AlreadyClaimed => "already_claimed",
            ClaimOutcome::NotOpenYet => "not_open_yet",
            ClaimOutcome::Closed => "closed",
            ClaimOutcome::NotReported => "not_reported",
            ClaimOutcome::TimeClash => "time_clash",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            ClaimOutcome::Ok => "认领成功",
            ClaimOutcome::Full => "名额已满，已为您加入候补名单，有名额时会通知您确认",
            ClaimOutcome::AlreadyClaimed => "您已认领过该项目",
            ClaimOutcome::NotOpenYet => "报名尚未开始",
            ClaimOutcome::Closed => "报名已结束",
            ClaimOutcome::NotReported => "请先到该社区报到，社区同意后即可认领",
            ClaimOutcome::TimeClash => "与您已认领的项目时间冲突",
        }
    }
}

pub async fn find_item(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<service_item::Model, CommunityError> {
    service_item::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a service item")?
        .ok_or(CommunityError::ItemNotFound)
}

pub async fn find_claim(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<service_claim::Model, CommunityError> {
    service_claim::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a claim")?
        .ok_or(CommunityError::ClaimNotFound)
}

/// Whether a person may serve a community: a member of it (or of an org under it), or
/// accepted after reporting to it.
pub async fn serves(
    db: &impl ConnectionTrait,
    person: &person::Model,
    community_id: i64,
) -> anyhow::Result<bool> {
    let inside = organisation_closure::Entity::find()
        .filter(organisation_closure::Column::AncestorId.eq(community_id))
        .filter(organisation_closure::Column::DescendantId.eq(person.org_id))
        .one(db)
        .await
        .context("cannot read the org tree")?
        .is_some();
    if inside {
        return Ok(true);
    }
    Ok(community_report::Entity::find()
        .filter(community_report::Column::PersonId.eq(person.id))
        .filter(community_report::Column::CommunityId.eq(community_id))
        .filter(community_report::Column::Status.eq("accepted"))
        .one(db)
        .await
        .context("cannot read reports")?
        .is_some())
}

pub fn phase(item: &service_item::Model, now: DateTime<FixedOffset>) -> &'static str {
    if item.status == crate::domain::ItemStatus::Cancelled {
        "cancelled"
    } else if now < item.signup_opens_at {
        "not_open_yet"
    } else if now > item.signup_closes_at {
        "closed"
    } else {
        "open"
    }
}

fn gate_key(item_id: i64) -> String {
    format!("svc:{item_id}:left")
}

/// How long a gate counter lives before it is read again from the database.
const GATE_TTL: std::time::Duration = std::time::Duration::from_secs(60);

/// The cache gate in front of the item row: a counter of places left, so that when hundreds
/// claim at once only about `capacity` of them queue for the row lock; the rest go straight
/// to the waitlist. The conditional UPDATE stays the arbiter: a wrong gate (lost, stale) only
/// costs contention; a place the gate lost (a failure between its decrement and the
/// UPDATE) is found by the sweeper, which offers free places to people waiting.
async fn gate_says_full(cache: &Cache, item: &service_item::Model) -> bool {
    let key = gate_key(item.id);
    let left = Ord::max(i64::from(item.capacity - item.taken), 0);
    if cache
        .set_if_absent(&key, &left.to_string(), GATE_TTL)
        .await
        .is_err()
    {
        return false;
    }
    match cache.incr_by(&key, -1).await {
        Ok(after) => after < 0,
        Err(_) => false,
    }
}

/// Called after a place returns to the pool: the gate is reread from the database.
pub async fn reopen_gate(cache: &Cache, item_id: i64) {
    if let Err(err) = cache.delete(&gate_key(item_id)).await {
        tracing::warn!(error = %err, item_id, "cannot reset a claim gate");
    }
}

/// Claims a place (or a waitlist place) on an item for a person.
pub async fn claim(
    db: &DatabaseConnection,
    cache: &Cache,
    item: &service_item::Model,
    person: &person::Model,
) -> Result<(ClaimOutcome, Option<service_claim::Model>), CommunityError> {
    let now = clock::now();
    match phase(item, now) {
        "not_open_yet" => return Ok((ClaimOutcome::NotOpenYet, None)),
        "closed" | "cancelled" => return Ok((ClaimOutcome::Closed, None)),
        _ => {}
    }
    if !serves(db, person, item.community_id).await? {
        return Ok((ClaimOutcome::NotReported, None));
    }
    // The person's claims, read once: "already claimed?" and "does it clash?" come from them.
    // Outside the transaction: the unique (item, person) index settles a double claim, and
    // the row lock below is then held only for the UPDATE and INSERT.
    let mine = service_claim::Entity::find()
        .filter(service_claim::Column::PersonId.eq(person.id))
        .all(db)
        .await
        .context("cannot read claims")?;
    let existing = mine.iter().find(|c| c.item_id == item.id).cloned();
    if let Some(existing) = &existing
        && existing.status.is_active()
    {
        return Ok((ClaimOutcome::AlreadyClaimed, Some(existing.clone())));
    }
    let holding: Vec<i64> = mine
        .iter()
        .filter(|c| {
            c.item_id != item.id && matches!(c.status, ClaimStatus::Claimed | ClaimStatus::Offered)
        })
        .map(|c| c.item_id)
        .collect();
    if !holding.is_empty() && clashes(db, item, &holding).await? {
        return Ok((ClaimOutcome::TimeClash, None));
    }
    let full = gate_says_full(cache, item).await;
    let (took, stored) = if full {
        // Straight to the waitlist: one INSERT, no transaction, no row lock.
        (
            false,
            store_claim(
                db,
                existing,
                item.id,
                person.id,
                ClaimStatus::Waitlisted,
                now,
            )
            .await,
        )
    } else {
        let txn = begin_write(db)
            .await
            .context("cannot start a transaction")?;
        let took = txn
            .execute(
                Query::update()
                    .table(service_item::Entity)
                    .value(
                        service_item::Column::Taken,
                        Expr::col(service_item::Column::Taken).add(1),
                    )
                    .and_where(Expr::col(service_item::Column::Id).eq(item.id))
                    .and_where(
                        Expr::col(service_item::Column::Taken)
                            .lt(Expr::col(service_item::Column::Capacity)),
                    ),
            )
            .await
            .context("cannot take a place")?
            .rows_affected()
            == 1;
        let status = if took {
            ClaimStatus::Claimed
        } else {
            ClaimStatus::Waitlisted
        };
        let stored = store_claim(&txn, existing, item.id, person.id, status, now).await;
        match stored {
            Ok(stored) => {
                txn.commit().await.context("cannot commit a claim")?;
                (took, Ok(stored))
            }
            Err(err) => {
                txn.rollback().await.ok();
                (took, Err(err))
            }
        }
    };
    let stored = match stored {
        Ok(stored) => stored,
        // The same person claiming twice at once: the unique (item, person) index let one in.
        Err(err) => {
            let first = service_claim::Entity::find()
                .filter(service_claim::Column::ItemId.eq(item.id))
                .filter(service_claim::Column::PersonId.eq(person.id))
                .one(db)
                .await
                .context("cannot read claims")?;
            return match first {
                Some(first) => Ok((ClaimOutcome::AlreadyClaimed, Some(first))),
                None => Err(anyhow::Error::new(err)
                    .context("cannot store a claim")
                    .into()),
            };
        }
    };
    let outcome = if took {
        ClaimOutcome::Ok
    } else {
        ClaimOutcome::Full
    };
    Ok((outcome, Some(stored)))
}

/// Stores a claim: a new row, or a person's earlier (cancelled, declined…) row reused at the
/// back of the queue.
async fn store_claim(
    db: &impl ConnectionTrait,
    existing: Option<service_claim::Model>,
    item_id: i64,
    person_id: i64,
    status: ClaimStatus,
    now: DateTime<FixedOffset>,
) -> Result<service_claim::Model, sea_orm::DbErr> {
    match existing {
        Some(old) => {
            let mut active: service_claim::ActiveModel = old.into();
            active.status = Set(status);
            active.offer_expires_at = Set(None);
            active.minutes = Set(None);
            active.checked_in_at = Set(None);
            active.created_at = Set(now);
            active.updated_at = Set(now);
            active.update(db).await
        }
        None => {
            service_claim::ActiveModel {
                item_id: Set(item_id),
                person_id: Set(person_id),
                status: Set(status),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await
        }
    }
}

/// Whether one of the items the person holds overlaps this item's time.
async fn clashes(
    db: &impl ConnectionTrait,
    item: &service_item::Model,
    holding: &[i64],
) -> anyhow::Result<bool> {
    let overlapping = service_item::Entity::find()
        .filter(service_item::Column::Id.is_in(holding.iter().copied()))
        .filter(service_item::Column::Status.ne("cancelled"))
        .filter(service_item::Column::StartsAt.lt(item.ends_at))
        .filter(service_item::Column::EndsAt.gt(item.starts_at))
        .one(db)
        .await
        .context("cannot check for clashes")?;
    Ok(overlapping.is_some())
}

/// Gives a freed place to the first person waiting (an offer with a deadline), or back to
/// the pool when nobody waits. Runs inside the caller's transaction.
async fn pass_place_on(
    db: &impl ConnectionTrait,
    item: &service_item::Model,
    now: DateTime<FixedOffset>,
    offers: &CommunitySettings,
) -> anyhow::Result<Option<service_claim::Model>> {
    let next = service_claim::Entity::find()
        .filter(service_claim::Column::ItemId.eq(item.id))
        .filter(service_claim::Column::Status.eq("waitlisted"))
        .order_by_asc(service_claim::Column::CreatedAt)
        .order_by_asc(service_claim::Column::Id)
        .one(db)
        .await
        .context("cannot read the waitlist")?;
    match next {
        Some(next) => {
            let deadline = Ord::min(
                now + Duration::hours(offers.offer_hours.into()),
                Ord::max(item.starts_at, now),
            );
            let mut active: service_claim::ActiveModel = next.into();
            active.status = Set(ClaimStatus::Offered);
            active.offer_expires_at = Set(Some(deadline));
            active.updated_at = Set(now);
            let offered = active.update(db).await.context("cannot offer a place")?;
            // In the same transaction as the offer (the outbox): the member is told by WeChat
            // once, whatever crashes, and only if the offer really happened.
            let deadline_local = deadline.with_timezone(&clock::shanghai());
            crate::push::enqueue(
                db,
                vec![crate::push::NewPush {
                    kind: crate::domain::PushKind::ServiceOffer,
                    dedupe_key: format!("service_offer:{}:{}", offered.id, deadline.timestamp()),
                    plan_id: None,
                    person_id: offered.person_id,
                    template_id: offers.offer_template_id.clone(),
                    payload: serde_json::json!({
                        "page": format!("{}?id={}", offers.offer_page, item.id),
                        "data": {
                            "thing1": crate::push::thing(&format!("候补转正：{}", item.title)),
                            "time2": deadline_local.format("%Y年%m月%d日 %H:%M").to_string(),
                            "thing3": crate::push::thing("请在此时间前确认，逾期顺延给下一位"),
                        },
                    }),
                }],
            )
            .await?;
            tracing::info!(
                item_id = item.id,
                person_id = offered.person_id,
                "place offered to the next on the waitlist"
            );
            Ok(Some(offered))
        }
        None => {
            db.execute(
                Query::update()
                    .table(service_item::Entity)
                    .value(
                        service_item::Column::Taken,
                        Expr::col(service_item::Column::Taken).sub(1),
                    )
                    .and_where(Expr::col(service_item::Column::Id).eq(item.id))
                    .and_where(Expr::col(service_item::Column::Taken).gt(0)),
            )
            .await
            .context("cannot free a place")?;
            Ok(None)
        }
    }
}

/// Offers whose deadline passed expire, and their places move on. Called before any claim
/// change on the item and by the scheduler for all items.
pub async fn sweep_item(
    db: &DatabaseConnection,
    cache: &Cache,
    item_id: i64,
    now: DateTime<FixedOffset>,
    offers: &CommunitySettings,
) -> Result<(), CommunityError> {
    loop {
        let expired = service_claim::Entity::find()
            .filter(service_claim::Column::ItemId.eq(item_id))
            .filter(service_claim::Column::Status.eq("offered"))
            .filter(service_claim::Column::OfferExpiresAt.lt(now))
            .one(db)
            .await
            .context("cannot read offers")?;
        let Some(expired) = expired else {
            return Ok(());
        };
        let txn = begin_write(db)
            .await
            .context("cannot start a transaction")?;
        // Conditional: another instance may have expired it meanwhile.
        let changed = txn
            .execute(
                Query::update()
                    .table(service_claim::Entity)
                    .value(service_claim::Column::Status, "expired")
                    .value(service_claim::Column::UpdatedAt, now)
                    .and_where(Expr::col(service_claim::Column::Id).eq(expired.id))
                    .and_where(Expr::col(service_claim::Column::Status).eq("offered")),
            )
            .await
            .context("cannot expire an offer")?
            .rows_affected();
        let mut released = false;
        if changed == 1 {
            let item = find_item(&txn, item_id).await?;
            released = pass_place_on(&txn, &item, now, offers).await?.is_none();
        }
        txn.commit().await.context("cannot commit")?;
        if released {
            reopen_gate(cache, item_id).await;
        }
    }
}

/// Free places while people wait (the gate lost a place): offer them, first come first.
async fn fill_free_places(
    db: &DatabaseConnection,
    item_id: i64,
    now: DateTime<FixedOffset>,
    offers: &CommunitySettings,
) -> Result<(), CommunityError> {
    loop {
        let txn = begin_write(db)
            .await
            .context("cannot start a transaction")?;
        let item = find_item(&txn, item_id).await?;
        let waiting = service_claim::Entity::find()
            .filter(service_claim::Column::ItemId.eq(item_id))
            .filter(service_claim::Column::Status.eq("waitlisted"))
            .count(&txn)
            .await
            .context("cannot read the waitlist")?;
        if waiting == 0
            || item.taken >= item.capacity
            || item.status == crate::domain::ItemStatus::Cancelled
        {
            return Ok(());
        }
        let took = txn
            .execute(
                Query::update()
                    .table(service_item::Entity)
                    .value(
                        service_item::Column::Taken,
                        Expr::col(service_item::Column::Taken).add(1),
                    )
                    .and_where(Expr::col(service_item::Column::Id).eq(item_id))
                    .and_where(
                        Expr::col(service_item::Column::Taken)
                            .lt(Expr::col(service_item::Column::Capacity)),
                    ),
            )
            .await
            .context("cannot take a place")?
            .rows_affected()
            == 1;
        if !took {
            return Ok(());
        }
        // Taking the place and offering it are one transaction: the offer holds it.
        if pass_place_on(&txn, &item, now, offers).await?.is_none() {
            return Ok(());
        }
        txn.commit().await.context("cannot commit")?;
    }
}

/// The scheduler's pass over every item with an expired offer.
pub async fn sweep_all(
    db: &DatabaseConnection,
    cache: &Cache,
    offers: &CommunitySettings,
) -> Result<(), CommunityError> {
    let now = clock::now();
    let items: Vec<i64> = service_claim::Entity::find()
        .filter(service_claim::Column::Status.eq("offered"))
        .filter(service_claim::Column::OfferExpiresAt.lt(now))
        .all(db)
        .await
        .context("cannot read offers")?
        .into_iter()
        .map(|c| c.item_id)
        .collect();
    for item in items {
        sweep_item(db, cache, item, now, offers).await?;
    }
    // Items still ahead with a free place; fill_free_places returns at once when nobody waits.
    let waiting: Vec<i64> = service_item::Entity::find()
        .filter(service_item::Column::Status.eq("open"))
        .filter(service_item::Column::StartsAt.gt(now))
        .filter(
            Expr::col(service_item::Column::Taken).lt(Expr::col(service_item::Column::Capacity)),
        )
        .all(db)
        .await
        .context("cannot read items with free places")?
        .into_iter()
        .map(|i| i.id)
        .collect();
    for item in waiting {
        fill_free_places(db, item, now, offers).await?;
    }
    Ok(())
}

/// The member gives up a claim, a waitlist place or an offer (before sign-up closes).
pub async fn cancel(
    db: &DatabaseConnection,
    cache: &Cache,
    claim: service_claim::Model,
    offers: &CommunitySettings,
    declining: bool,
) -> Result<service_claim::Model, CommunityError> {
    let now = clock::now();
    sweep_item(db, cache, claim.item_id, now, offers).await?;
    let item = find_item(db, claim.item_id).await?;
    let claim = find_claim(db, claim.id).await?;
    if !claim.status.may_withdraw(declining) {
        return Err(CommunityError::WrongState(format!(
            "a {} claim cannot be {}",
            claim.status,
            if declining { "declined" } else { "cancelled" }
        )));
    }
    if !declining && now > item.signup_closes_at {
        return Err(CommunityError::TooLate(
            "sign-up has closed; ask the community to release your place".into(),
        ));
    }
    let held = claim.status.holds_place();
    let txn = begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let changed = txn
        .execute(
            Query::update()
                .table(service_claim::Entity)
                .value(
                    service_claim::Column::Status,
                    if declining { "declined" } else { "cancelled" },
                )
                .value(service_claim::Column::UpdatedAt, now)
                .and_where(Expr::col(service_claim::Column::Id).eq(claim.id))
                .and_where(Expr::col(service_claim::Column::Status).eq(claim.status.as_str())),
        )
        .await
        .context("cannot cancel a claim")?
        .rows_affected();
    let released = changed == 1 && held && pass_place_on(&txn, &item, now, offers).await?.is_none();
    txn.commit().await.context("cannot commit")?;
    if released {
        reopen_gate(cache, item.id).await;
    }
    find_claim(db, claim.id).await
}

/// The member takes up an offered place before its deadline.
pub async fn confirm(
    db: &DatabaseConnection,
    cache: &Cache,
    claim: service_claim::Model,
    offers: &CommunitySettings,
) -> Result<service_claim::Model, CommunityError> {
    let now = clock::now();
    sweep_item(db, cache, claim.item_id, now, offers).await?;
    let claim = find_claim(db, claim.id).await?;
    match claim.status.as_str() {
        "offered" => {}
        "expired" => return Err(CommunityError::OfferExpired),
        other => {
            return Err(CommunityError::WrongState(format!(
                "only an offered place can be confirmed; this claim is {other}"
            )));
        }
    }
    let mut active: service_claim::ActiveModel = claim.into();
    active.status = Set(ClaimStatus::Claimed);
    active.offer_expires_at = Set(None);
    active.updated_at = Set(now);
    Ok(active.update(db).await.context("cannot confirm an offer")?)
}

/// Position in the waitlist (1 = next), for a waitlisted claim.
pub async fn waitlist_position(
    db: &impl ConnectionTrait,
    claim: &service_claim::Model,
) -> anyhow::Result<Option<u64>> {
    if claim.status != ClaimStatus::Waitlisted {
        return Ok(None);
    }
    let ahead = service_claim::Entity::find()
        .filter(service_claim::Column::ItemId.eq(claim.item_id))
        .filter(service_claim::Column::Status.eq("waitlisted"))
        .filter(
            Expr::col(service_claim::Column::CreatedAt)
                .lt(claim.created_at)
                .or(Expr::col(service_claim::Column::CreatedAt)
                    .eq(claim.created_at)
                    .and(Expr::col(service_claim::Column::Id).lt(claim.id))),
        )
        .count(db)
        .await
        .context("cannot read the waitlist")?;
    Ok(Some(ahead + 1))
}

/// One of my claims, with what and where.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MyClaim {
    #[serde(flatten)]
    pub claim: super::items::ClaimView,
    /// item, post or volunteer
    pub item_kind: crate::domain::ItemKind,
    pub starts_at: DateTime<FixedOffset>,
    pub place: String,
    pub community_name: String,
}

/// A person's claims, newest first (only items held in `year` when given), in five queries
/// however many there are: the person, the claims, their items, their communities and the
/// waitlists the person stands on.
pub async fn mine(
    db: &impl ConnectionTrait,
    person_id: i64,
    year: Option<i32>,
) -> Result<Vec<MyClaim>, CommunityError> {
    use chrono::Datelike;
    use std::collections::HashMap;
    let me = crate::people::find(db, person_id)
        .await?
        .filter(|p| p.active)
        .ok_or(CommunityError::Forbidden)?;
    let rows = service_claim::Entity::find()
        .filter(service_claim::Column::PersonId.eq(person_id))
        .order_by_desc(service_claim::Column::Id)
        .all(db)
        .await
        .context("cannot read claims")?;
    let mut items: HashMap<i64, service_item::Model> = HashMap::new();
    for chunk in rows.chunks(500) {
        items.extend(
            service_item::Entity::find()
                .filter(service_item::Column::Id.is_in(chunk.iter().map(|r| r.item_id)))
                .all(db)
                .await
                .context("cannot read items")?
                .into_iter()
                .map(|i| (i.id, i)),
        );
    }
    let communities = crate::orgs::names(db, items.values().map(|i| i.community_id)).await?;
    let waiting_on: Vec<i64> = rows
        .iter()
        .filter(|r| r.status == ClaimStatus::Waitlisted)
        .map(|r| r.item_id)
        .collect();
    let queues = if waiting_on.is_empty() {
        Vec::new()
    } else {
        service_claim::Entity::find()
            .filter(service_claim::Column::ItemId.is_in(waiting_on))
            .filter(service_claim::Column::Status.eq(ClaimStatus::Waitlisted))
            .all(db)
            .await
            .context("cannot read the waitlists")?
    };
    let position = |claim: &service_claim::Model| {
        (claim.status == ClaimStatus::Waitlisted).then(|| {
            let ahead = queues
                .iter()
                .filter(|q| q.item_id == claim.item_id)
                .filter(|q| (q.created_at, q.id) < (claim.created_at, claim.id))
                .count();
            ahead as u64 + 1
        })
    };
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let Some(item) = items.get(&row.item_id) else {
            continue;
        };
        if year.is_some_and(|y| item.starts_at.with_timezone(&clock::shanghai()).year() != y) {
            continue;
        }
        out.push(MyClaim {
            claim: super::items::ClaimView {
                id: row.id,
                item_id: row.item_id,
                item_title: item.title.clone(),
                person_id: row.person_id,
                person_name: me.name.clone(),
                status: row.status,
                waitlist_position: position(row),
                offer_expires_at: row.offer_expires_at,
                hours: row.minutes.map(|m| f64::from(m) / 60.0),
                checked_in_at: row.checked_in_at,
                created_at: row.created_at,
            },
            item_kind: item.kind,
            starts_at: item.starts_at,
            place: item.place.clone(),
            community_name: communities
                .get(&item.community_id)
                .cloned()
                .unwrap_or_default(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::domain::{ItemKind, ItemStatus};

    fn item(status: ItemStatus) -> service_item::Model {
        let at = |h: u32| {
            clock::shanghai()
                .with_ymd_and_hms(2026, 12, 20, h, 0, 0)
                .single()
                .expect("a time")
        };
        service_item::Model {
            id: 1,
            community_id: 2,
            kind: ItemKind::Item,
            volunteer_kind: None,
            title: "帮老人买菜".into(),
            description: String::new(),
            place: "社区服务站".into(),
            skills: String::new(),
            starts_at: at(14),
            ends_at: at(16),
            capacity: 10,
            taken: 0,
            signup_opens_at: at(8),
            signup_closes_at: at(12),
            status,
            code: None,
            window_seconds: 30,
            created_by: 3,
            created_at: at(7),
            updated_at: at(7),
        }
    }

    #[test]
    fn an_items_phase_follows_its_sign_up_period_and_cancellation_wins() {
        let open = item(ItemStatus::Open);
        let at = |h: i64| open.signup_opens_at + Duration::hours(h);
        assert_eq!(phase(&open, at(-1)), "not_open_yet");
        assert_eq!(phase(&open, at(0)), "open");
        assert_eq!(phase(&open, at(4)), "open");
        assert_eq!(phase(&open, at(5)), "closed");
        assert_eq!(phase(&item(ItemStatus::Cancelled), at(1)), "cancelled");
    }

    #[test]
    fn each_item_has_its_own_gate() {
        assert_ne!(gate_key(1), gate_key(2));
    }
}
