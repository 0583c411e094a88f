//! Service items and claims (认领). Claims are decided and stored in batches by the
//! group-commit writer (`claim_writer`): a handful of statements per batch, against the
//! locked item rows, so capacity is never exceeded however many claim at once: the first
//! ones get the places, everyone else is waitlisted in order.
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

use super::{
    claim_writer::{ClaimRequest, ClaimWriter, Settled},
    error::CommunityError,
    items::ClaimView,
};
use crate::{
    clock,
    config::CommunitySettings,
    db::begin_write,
    domain::ClaimStatus,
    entities::{service_claim, service_item},
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

/// Claims go through here: the group-commit writer decides and stores them in batches.
#[derive(Clone)]
pub struct ClaimDesk {
    db: DatabaseConnection,
    writer: ClaimWriter,
}

/// What a claim came to, with the claim as the member now sees it.
pub struct ClaimAnswer {
    pub outcome: ClaimOutcome,
    pub claim: Option<ClaimView>,
}

impl ClaimDesk {
    /// Starts the writer tasks; call inside the runtime.
    pub fn start(db: DatabaseConnection, settings: &CommunitySettings) -> Self {
        let writer =
            ClaimWriter::spawn(db.clone(), settings.claim_writers, settings.claim_max_batch);
        Self { db, writer }
    }

    /// Claims a place (or a waitlist place) on item `item_id` for person `person_id`.
    pub async fn claim_for(
        &self,
        person_id: i64,
        item_id: i64,
    ) -> Result<ClaimAnswer, CommunityError> {
        let settled = self
            .writer
            .claim(ClaimRequest { item_id, person_id })
            .await
            .map_err(anyhow::Error::new)?;
        let answer = match settled {
            Settled::Stored {
                id,
                status,
                position,
                created_at,
                item_title,
                person_name,
            } => ClaimAnswer {
                outcome: if status == ClaimStatus::Claimed {
                    ClaimOutcome::Ok
                } else {
                    ClaimOutcome::Full
                },
                claim: Some(ClaimView {
                    id,
                    item_id,
                    item_title,
                    person_id,
                    person_name,
                    status,
                    waitlist_position: position,
                    offer_expires_at: None,
                    hours: None,
                    checked_in_at: None,
                    created_at,
                }),
            },
            Settled::Refused(outcome) => ClaimAnswer {
                outcome,
                claim: None,
            },
            Settled::AlreadyClaimed {
                item_title,
                person_name,
            } => {
                self.already_claimed(item_id, person_id, item_title, &person_name)
                    .await?
            }
            Settled::NoItem => return Err(CommunityError::ItemNotFound),
            Settled::NoPerson => return Err(CommunityError::Forbidden),
        };
        crate::metrics::count_claim(answer.outcome.as_str());
        Ok(answer)
    }

    /// The person's claim on the item, as it stands now.
    async fn already_claimed(
        &self,
        item_id: i64,
        person_id: i64,
        item_title: String,
        person_name: &str,
    ) -> Result<ClaimAnswer, CommunityError> {
        let claim = service_claim::Entity::find()
            .filter(service_claim::Column::ItemId.eq(item_id))
            .filter(service_claim::Column::PersonId.eq(person_id))
            .one(&self.db)
            .await
            .context("cannot read claims")?
            .ok_or_else(|| anyhow::anyhow!("a claim said to exist is missing"))?;
        let view =
            super::items::claim_view_of(&self.db, claim, Some(item_title), person_name).await?;
        Ok(ClaimAnswer {
            outcome: ClaimOutcome::AlreadyClaimed,
            claim: Some(view),
        })
    }
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
        if changed == 1 {
            let item = find_item(&txn, item_id).await?;
            pass_place_on(&txn, &item, now, offers).await?;
        }
        txn.commit().await.context("cannot commit")?;
    }
}

/// Free places while people wait (a claim the unique index kept out gave its place back, or
/// a crash between taking and offering): offer them, first come first.
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
        sweep_item(db, item, now, offers).await?;
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
    claim: service_claim::Model,
    offers: &CommunitySettings,
    declining: bool,
) -> Result<service_claim::Model, CommunityError> {
    let now = clock::now();
    sweep_item(db, claim.item_id, now, offers).await?;
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
    if changed == 1 && held {
        pass_place_on(&txn, &item, now, offers).await?;
    }
    txn.commit().await.context("cannot commit")?;
    find_claim(db, claim.id).await
}

/// The member takes up an offered place before its deadline.
pub async fn confirm(
    db: &DatabaseConnection,
    claim: service_claim::Model,
    offers: &CommunitySettings,
) -> Result<service_claim::Model, CommunityError> {
    let now = clock::now();
    sweep_item(db, claim.item_id, now, offers).await?;
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
    fn a_claim_is_refused_for_the_first_rule_it_breaks() {
        use super::super::claim_writer::{ClaimFacts, Settled, judge};
        let open = item(ItemStatus::Open);
        let now = open.signup_opens_at + Duration::hours(1);
        let facts = |change: &dyn Fn(&mut ClaimFacts)| {
            let mut facts = ClaimFacts {
                item: open.clone(),
                person_name: "张三".into(),
                person_active: true,
                serves: true,
                existing: None,
                clashes: false,
            };
            change(&mut facts);
            facts
        };
        assert_eq!(judge(&facts(&|_| {}), now), Ok(()));
        assert_eq!(
            judge(&facts(&|f| f.person_active = false), now),
            Err(Settled::NoPerson)
        );
        assert_eq!(
            judge(&facts(&|f| f.serves = false), now - Duration::hours(2)),
            Err(Settled::Refused(ClaimOutcome::NotOpenYet)),
            "the sign-up period is told before the community"
        );
        assert_eq!(
            judge(&facts(&|f| f.serves = false), now),
            Err(Settled::Refused(ClaimOutcome::NotReported))
        );
        assert!(matches!(
            judge(
                &facts(&|f| f.existing = Some((7, ClaimStatus::Waitlisted))),
                now
            ),
            Err(Settled::AlreadyClaimed { .. })
        ));
        assert_eq!(
            judge(
                &facts(&|f| f.existing = Some((7, ClaimStatus::Cancelled))),
                now
            ),
            Ok(()),
            "a cancelled claim may be made again"
        );
        assert_eq!(
            judge(&facts(&|f| f.clashes = true), now),
            Err(Settled::Refused(ClaimOutcome::TimeClash))
        );
        assert_eq!(
            judge(&facts(&|f| f.item.status = ItemStatus::Cancelled), now),
            Err(Settled::Refused(ClaimOutcome::Closed))
        );
    }
}
