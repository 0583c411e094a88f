//! Receptions (接待): a member — or a member of the public on no roster, with a name and a
//! phone number — books a place in a duty slot or asks a named deputy for a meeting (约谈);
//! a deputy may invite someone too. A slot's places are taken by one conditional UPDATE,
//! so a burst of bookings never exceeds its capacity. After the meeting the deputy records
//! who came and what they raised; each matter raised becomes a case (`matters`).
//!
//! A visitor's phone is kept for the studio: its keepers and the visitor see it, everyone
//! else (the deputy included) sees it masked. Visitors are limited per WeChat identity and
//! per phone number each day.
use std::time::Duration as StdDuration;

use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{Expr, ExprTrait},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    ReceptionKind, ReceptionStatus,
    error::{DeputyError, invalid, wrong_state},
    matters::{self, NewCase},
    rota, studios,
};
use crate::{
    authz::{Caller, Requester},
    cache::Cache,
    clock,
    config::DeputySettings,
    domain::{Lines, PersonName, Phone, Text},
    entities::{reception, rota_shift, studio},
};

/// The most cases one reception may record.
const MAX_CASES: usize = 10;

#[derive(Deserialize, ToSchema)]
pub struct BookingRequest {
    /// What the person wants to raise (up to 200 characters).
    pub topic: String,
    /// Members of the public only (members' come from the roster).
    pub name: Option<String>,
    /// Members of the public only: a mainland mobile number, kept for the studio.
    pub phone: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct InvitationRequest {
    pub person_id: i64,
    /// RFC 3339, in the future
    pub meets_at: String,
    pub topic: String,
}

#[derive(Deserialize, ToSchema)]
pub struct AppointmentAnswer {
    pub accept: bool,
    /// RFC 3339, in the future; required when accepting.
    pub meets_at: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct CaseRequest {
    pub category: String,
    pub title: String,
    pub body: String,
}

#[derive(Deserialize, ToSchema)]
pub struct RecordRequest {
    /// Whether the person came.
    pub came: bool,
    /// What they raised (up to 4000 characters).
    #[serde(default)]
    pub raised: String,
    /// Each matter to follow up becomes a case with this reception's person as raiser.
    #[serde(default)]
    pub cases: Vec<CaseRequest>,
}

#[derive(Serialize, ToSchema)]
pub struct Reception {
    pub id: i64,
    pub kind: ReceptionKind,
    pub status: ReceptionStatus,
    pub studio_id: i64,
    pub studio_name: String,
    pub shift_id: Option<i64>,
    pub deputy_id: i64,
    pub deputy_name: String,
    /// The person on a roster, if the requester is one.
    pub person_id: Option<i64>,
    pub name: String,
    /// In full for the requester and the studio's keepers; masked (138****5678) for others.
    pub phone: String,
    pub topic: String,
    /// RFC 3339, Asia/Shanghai: the slot's start or the agreed meeting time.
    pub meets_at: Option<String>,
    pub raised: String,
    /// The cases recorded from this reception.
    pub case_ids: Vec<i64>,
}

/// Who reads a reception, deciding whether its phone is shown in full.
enum Reader {
    Party,
    Other,
}

async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<reception::Model>,
    reader: impl Fn(&reception::Model) -> Reader,
) -> anyhow::Result<Vec<Reception>> {
    let names = crate::people::names(db, rows.iter().map(|r| r.deputy_id)).await?;
    let studio_names = crate::db::names_by_id::<studio::Entity>(
        db,
        rows.iter().map(|r| r.studio_id),
        studio::Column::Id,
        studio::Column::Name,
    )
    .await?;
    let shifts: std::collections::HashMap<i64, DateTime<FixedOffset>> = rota_shift::Entity::find()
        .filter(rota_shift::Column::Id.is_in(rows.iter().filter_map(|r| r.shift_id)))
        .all(db)
        .await
        .context("cannot read slots")?
        .into_iter()
        .map(|s| (s.id, s.starts_at))
        .collect();
    let cases = matters::case_ids_of_receptions(db, rows.iter().map(|r| r.id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let phone = match reader(&r) {
                Reader::Party => r.phone.clone(),
                Reader::Other => Phone::mask(&r.phone),
            };
            Reception {
                meets_at: r
                    .meets_at
                    .or_else(|| r.shift_id.and_then(|s| shifts.get(&s).copied()))
                    .map(crate::clock::rfc3339),
                studio_name: studio_names.get(&r.studio_id).cloned().unwrap_or_default(),
                deputy_name: names.get(&r.deputy_id).cloned().unwrap_or_default(),
                case_ids: cases.get(&r.id).cloned().unwrap_or_default(),
                phone,
                id: r.id,
                kind: r.kind,
                status: r.status,
                studio_id: r.studio_id,
                shift_id: r.shift_id,
                deputy_id: r.deputy_id,
                person_id: r.person_id,
                name: r.name,
                topic: r.topic,
                raised: r.raised,
            }
        })
        .collect())
}

fn topic(raw: &str) -> Result<String, DeputyError> {
    Ok(Text::parse(raw, "topic", 200, Lines::One)
        .map_err(invalid)?
        .into_inner())
}

fn future_time(raw: &str, field: &str) -> Result<DateTime<FixedOffset>, DeputyError> {
    let at = DateTime::parse_from_rfc3339(raw.trim())
        .map_err(|_| invalid(format!("{field} must be an RFC 3339 time")))?;
    let now = clock::now();
    if at <= now || at > now + chrono::Duration::days(366) {
        return Err(invalid(format!("{field} must be within the coming year")));
    }
    Ok(at)
}

/// Who is booking: a member's name and phone come from the roster; a visitor gives theirs
/// and is counted against the day's limits (per WeChat identity and per phone number).
async fn identify(
    db: &impl ConnectionTrait,
    cache: &Cache,
    settings: &DeputySettings,
    requester: &Requester,
    name: Option<&str>,
    phone: Option<&str>,
) -> Result<(Option<i64>, Option<String>, String, String), DeputyError> {
    match requester {
        Requester::Person(id) => {
            let person = crate::people::find(db, *id)
                .await?
                .filter(|p| p.active)
                .ok_or(DeputyError::Forbidden)?;
            Ok((Some(person.id), None, person.name, person.phone))
        }
        Requester::Visitor(openid) => {
            let name = PersonName::parse(name.unwrap_or_default())
                .map_err(|e| invalid(format!("name: {e}")))?;
            let phone = Phone::parse(phone.unwrap_or_default())
                .map_err(|e| invalid(format!("phone: {e}")))?;
            limit_public(cache, settings, openid, phone.as_str()).await?;
            Ok((
                None,
                Some(openid.clone()),
                name.as_str().to_owned(),
                phone.into_inner(),
            ))
        }
    }
}

/// Counts one request of the public per WeChat identity and per phone; refuses past the
/// day's limit. With the cache down it refuses rather than let anyone flood a studio.
async fn limit_public(
    cache: &Cache,
    settings: &DeputySettings,
    openid: &str,
    phone: &str,
) -> Result<(), DeputyError> {
    let day = StdDuration::from_secs(24 * 3600);
    for key in [
        format!("deputy:public:o:{openid}"),
        format!("deputy:public:p:{phone}"),
    ] {
        let count = cache.count_in_window(&key, day).await.map_err(|e| {
            tracing::warn!(error = %e, "cache down: refusing the public's request");
            DeputyError::TemporarilyUnavailable
        })?;
        if count > i64::from(settings.public_requests_per_day) {
            tracing::info!(key, count, "public request limit reached");
            return Err(DeputyError::TooManyRequests);
        }
    }
    Ok(())
}

/// Books a place in a duty slot that has not begun.
pub async fn book(
    db: &DatabaseConnection,
    cache: &Cache,
    settings: &DeputySettings,
    requester: &Requester,
    shift_id: i64,
    body: &BookingRequest,
) -> Result<Reception, DeputyError> {
    let topic = topic(&body.topic)?;
    let shift = rota::shift(db, shift_id).await?;
    if shift.starts_at <= clock::now() {
        return Err(wrong_state("this slot has begun; please book a later one"));
    }
    let (person_id, visitor_openid, name, phone) = identify(
        db,
        cache,
        settings,
        requester,
        body.name.as_deref(),
        body.phone.as_deref(),
    )
    .await?;
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let taken = rota_shift::Entity::update_many()
        .col_expr(
            rota_shift::Column::Booked,
            Expr::col(rota_shift::Column::Booked).add(1),
        )
        .filter(rota_shift::Column::Id.eq(shift.id))
        .filter(Expr::col(rota_shift::Column::Booked).lt(Expr::col(rota_shift::Column::Capacity)))
        .exec(&txn)
        .await
        .context("cannot take a place")?;
    if taken.rows_affected != 1 {
        return Err(DeputyError::SlotFull);
    }
    let now = clock::now();
    let stored = reception::ActiveModel {
        kind: Set(ReceptionKind::Booking),
        status: Set(ReceptionStatus::Booked),
        shift_id: Set(Some(shift.id)),
        deputy_id: Set(shift.deputy_id),
        studio_id: Set(shift.studio_id),
        person_id: Set(person_id),
        visitor_openid: Set(visitor_openid),
        requester_key: Set(requester.key()),
        name: Set(name),
        phone: Set(phone),
        topic: Set(topic),
        meets_at: Set(None),
        raised: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        // The unique (slot, requester) of live bookings; the place taken above rolls back.
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => DeputyError::AlreadyBooked,
        _ => DeputyError::Unexpected(anyhow::Error::new(e).context("cannot store a booking")),
    })?;
    txn.commit().await.context("cannot commit a booking")?;
    tracing::info!(
        reception_id = stored.id,
        shift_id = shift.id,
        "reception booked"
    );
    Ok(views(db, vec![stored], |_| Reader::Party).await?.remove(0))
}

/// Asks a named deputy for a meeting (约谈); the deputy answers with a time or declines.
pub async fn request_meeting(
    db: &DatabaseConnection,
    cache: &Cache,
    settings: &DeputySettings,
    requester: &Requester,
    deputy_id: i64,
    body: &BookingRequest,
) -> Result<Reception, DeputyError> {
    let topic = topic(&body.topic)?;
    let deputy = crate::people::find(db, deputy_id)
        .await?
        .filter(|p| p.active && p.deputy_level.is_some())
        .ok_or(DeputyError::NotFound("deputy"))?;
    if requester.person_id() == Some(deputy.id) {
        return Err(invalid("a deputy does not ask themselves for a meeting"));
    }
    let studio_id = studios::studio_of_deputy(db, deputy.id)
        .await?
        .ok_or(DeputyError::NotFound("deputy"))?;
    let (person_id, visitor_openid, name, phone) = identify(
        db,
        cache,
        settings,
        requester,
        body.name.as_deref(),
        body.phone.as_deref(),
    )
    .await?;
    let now = clock::now();
    let stored = reception::ActiveModel {
        kind: Set(ReceptionKind::Appointment),
        status: Set(ReceptionStatus::Requested),
        shift_id: Set(None),
        deputy_id: Set(deputy.id),
        studio_id: Set(studio_id),
        person_id: Set(person_id),
        visitor_openid: Set(visitor_openid),
        requester_key: Set(requester.key()),
        name: Set(name),
        phone: Set(phone),
        topic: Set(topic),
        meets_at: Set(None),
        raised: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("cannot store a meeting request")?;
    Ok(views(db, vec![stored], |_| Reader::Party).await?.remove(0))
}

/// A deputy invites someone on the roster to meet (邀约).
pub async fn invite(
    db: &DatabaseConnection,
    caller: Caller,
    body: &InvitationRequest,
) -> Result<Reception, DeputyError> {
    let topic = topic(&body.topic)?;
    let meets_at = future_time(&body.meets_at, "meets_at")?;
    let studio_id = studios::studio_of_deputy(db, caller.person_id)
        .await?
        .ok_or_else(|| {
            DeputyError::NotADeputy("only a deputy attached to a studio invites people".into())
        })?;
    if body.person_id == caller.person_id {
        return Err(invalid("a deputy does not invite themselves"));
    }
    let person = crate::people::find(db, body.person_id)
        .await?
        .filter(|p| p.active)
        .ok_or_else(|| invalid(format!("person {} is not on the roster", body.person_id)))?;
    let now = clock::now();
    let stored = reception::ActiveModel {
        kind: Set(ReceptionKind::Invitation),
        status: Set(ReceptionStatus::Booked),
        shift_id: Set(None),
        deputy_id: Set(caller.person_id),
        studio_id: Set(studio_id),
        person_id: Set(Some(person.id)),
        visitor_openid: Set(None),
        requester_key: Set(Requester::Person(person.id).key()),
        name: Set(person.name),
        phone: Set(person.phone),
        topic: Set(topic),
        meets_at: Set(Some(meets_at)),
        raised: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("cannot store an invitation")?;
    Ok(views(db, vec![stored], |_| Reader::Other).await?.remove(0))
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<reception::Model, DeputyError> {
    reception::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a reception")?
        .ok_or(DeputyError::NotFound("reception"))
}

/// The requester cancels a booking or request still to come; a slot's place is freed.
pub async fn cancel(
    db: &DatabaseConnection,
    requester: &Requester,
    id: i64,
) -> Result<Reception, DeputyError> {
    let row = find(db, id).await?;
    let key = requester.key();
    let own = row.requester_key == key || row.requester_key.starts_with(&format!("{key}#"));
    if !own {
        return Err(DeputyError::NotFound("reception"));
    }
    if !row.status.is_live() {
        return Err(wrong_state(
            "only a booking or request still to come is cancelled",
        ));
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let cancelled = reception::Entity::update_many()
        .col_expr(
            reception::Column::Status,
            Expr::value(ReceptionStatus::Cancelled),
        )
        // Frees the (slot, requester) key so the person may book the slot again.
        .col_expr(
            reception::Column::RequesterKey,
            Expr::value(format!("{}#{}", row.requester_key, row.id)),
        )
        .col_expr(reception::Column::UpdatedAt, Expr::value(clock::now()))
        .filter(reception::Column::Id.eq(row.id))
        .filter(
            reception::Column::Status.is_in([ReceptionStatus::Requested, ReceptionStatus::Booked]),
        )
        .exec(&txn)
        .await
        .context("cannot cancel a reception")?;
    if cancelled.rows_affected != 1 {
        return Err(wrong_state("this reception was already changed"));
    }
    if let Some(shift) = row.shift_id {
        rota_shift::Entity::update_many()
            .col_expr(
                rota_shift::Column::Booked,
                Expr::col(rota_shift::Column::Booked).sub(1),
            )
            .filter(rota_shift::Column::Id.eq(shift))
            .filter(rota_shift::Column::Booked.gt(0))
            .exec(&txn)
            .await
            .context("cannot free a place")?;
    }
    txn.commit().await.context("cannot commit a cancellation")?;
    Ok(views(db, vec![find(db, id).await?], |_| Reader::Party)
        .await?
        .remove(0))
}

/// The deputy answers a request for a meeting: a time, or declined.
pub async fn answer_request(
    db: &DatabaseConnection,
    caller: Caller,
    id: i64,
    body: &AppointmentAnswer,
) -> Result<Reception, DeputyError> {
    let row = find(db, id).await?;
    if row.deputy_id != caller.person_id {
        return Err(DeputyError::NotFound("reception"));
    }
    if row.kind != ReceptionKind::Appointment || row.status != ReceptionStatus::Requested {
        return Err(wrong_state(
            "only a request for a meeting waiting for you is answered",
        ));
    }
    let mut active = row.into_active_model();
    if body.accept {
        let at = future_time(body.meets_at.as_deref().unwrap_or_default(), "meets_at")?;
        active.meets_at = Set(Some(at));
        active.status = Set(ReceptionStatus::Booked);
    } else {
        active.status = Set(ReceptionStatus::Declined);
    }
    active.updated_at = Set(clock::now());
    let updated = active.update(db).await.context("cannot answer a request")?;
    Ok(views(db, vec![updated], |_| Reader::Other).await?.remove(0))
}

/// The deputy on the reception (or the studio's keepers) records who came and what they
/// raised; each matter becomes a case in the same transaction.
pub async fn record(
    db: &DatabaseConnection,
    caller: Caller,
    id: i64,
    body: &RecordRequest,
    request_id: Option<String>,
) -> Result<Reception, DeputyError> {
    let row = find(db, id).await?;
    let studio = studios::find(db, row.studio_id).await?;
    let keeper = studios::keeps(db, caller, &studio).await?;
    if row.deputy_id != caller.person_id && !keeper {
        return Err(DeputyError::NotFound("reception"));
    }
    if row.status != ReceptionStatus::Booked {
        return Err(wrong_state("only a booked reception is recorded"));
    }
    let raised = Text::optional(&body.raised, "raised", 4000, Lines::Many)
        .map_err(invalid)?
        .map(Text::into_inner)
        .unwrap_or_default();
    if body.cases.len() > MAX_CASES || (!body.came && !body.cases.is_empty()) {
        return Err(invalid(format!(
            "up to {MAX_CASES} cases, and only from someone who came"
        )));
    }
    let cases = body
        .cases
        .iter()
        .map(|c| NewCase::parse(&c.category, &c.title, &c.body))
        .collect::<Result<Vec<_>, _>>()?;
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let updated = reception::Entity::update_many()
        .col_expr(
            reception::Column::Status,
            Expr::value(if body.came {
                ReceptionStatus::Attended
            } else {
                ReceptionStatus::NoShow
            }),
        )
        .col_expr(reception::Column::Raised, Expr::value(raised))
        .col_expr(reception::Column::UpdatedAt, Expr::value(clock::now()))
        .filter(reception::Column::Id.eq(row.id))
        .filter(reception::Column::Status.eq(ReceptionStatus::Booked))
        .exec(&txn)
        .await
        .context("cannot record a reception")?;
    if updated.rows_affected != 1 {
        return Err(wrong_state("this reception was already recorded"));
    }
    for case in cases {
        matters::open_case_from_reception(&txn, caller, &row, case, request_id.clone()).await?;
    }
    txn.commit().await.context("cannot commit a reception")?;
    let row = find(db, id).await?;
    Ok(views(db, vec![row], |_| {
        if keeper { Reader::Party } else { Reader::Other }
    })
    .await?
    .remove(0))
}

/// The requester's own receptions, newest first.
pub async fn mine(
    db: &DatabaseConnection,
    requester: &Requester,
) -> Result<Vec<Reception>, DeputyError> {
    let key = requester.key();
    let rows = reception::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(reception::Column::RequesterKey.eq(key.clone()))
                .add(reception::Column::RequesterKey.starts_with(format!("{key}#"))),
        )
        .order_by_desc(reception::Column::Id)
        .limit(200)
        .all(db)
        .await
        .context("cannot read my receptions")?;
    Ok(views(db, rows, |_| Reader::Party).await?)
}

/// The receptions a deputy holds (upcoming and recorded), newest first; phones masked.
pub async fn of_deputy(
    db: &DatabaseConnection,
    caller: Caller,
) -> Result<Vec<Reception>, DeputyError> {
    let rows = reception::Entity::find()
        .filter(reception::Column::DeputyId.eq(caller.person_id))
        .order_by_desc(reception::Column::Id)
        .limit(200)
        .all(db)
        .await
        .context("cannot read receptions")?;
    Ok(views(db, rows, |_| Reader::Other).await?)
}

/// The bookings of one slot, for its deputy (phones masked) and the studio's keepers (in full).
pub async fn of_shift(
    db: &DatabaseConnection,
    caller: Caller,
    shift_id: i64,
) -> Result<Vec<Reception>, DeputyError> {
    let shift = rota::shift(db, shift_id).await?;
    let studio = studios::find(db, shift.studio_id).await?;
    let keeper = studios::keeps(db, caller, &studio).await?;
    if shift.deputy_id != caller.person_id && !keeper {
        return Err(DeputyError::Forbidden);
    }
    let rows = reception::Entity::find()
        .filter(reception::Column::ShiftId.eq(shift.id))
        .order_by_asc(reception::Column::Id)
        .all(db)
        .await
        .context("cannot read bookings")?;
    Ok(views(
        db,
        rows,
        |_| if keeper { Reader::Party } else { Reader::Other },
    )
    .await?)
}
