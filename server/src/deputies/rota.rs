//! The studio's duty rota (轮流值班). A month's rota is generated from the studio's weekly
//! opening slots and shared out fairly: each slot goes to the available deputy with the
//! fewest slots so far, ties to whoever served longest ago — so nobody serves twice before
//! every available deputy has served once, and the turn carries over from month to month.
//! Deputies swap a slot only when both agree; the deputy on duty is reminded the day before
//! and proves presence by scanning the studio's rotating QR (`POST /api/v1/checkins`).
use std::collections::{HashMap, HashSet};

use anyhow::Context;
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
    sea_query::{Expr, Func},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    SwapStatus,
    error::{DeputyError, invalid, wrong_state},
    studios,
};
use crate::{
    audit::{self, Actor, AuditEntry},
    authz::Caller,
    checkin::{
        AttendanceError,
        decision::Outcome,
        service::{ActivityRef, Answer},
        token::{Rotation, Signer},
    },
    clock,
    config::{DeputySettings, WechatSettings},
    domain::PushKind,
    entities::{deputy_unavailable, reception, rota_shift, rota_swap, studio, studio_opening},
    push::{NewPush, thing},
};

/// A deputy may scan the studio's code from this long before their slot until it ends.
const OPENS_BEFORE_MINUTES: i64 = 30;
/// The most unavailable days one deputy may declare ahead.
const MAX_UNAVAILABLE: usize = 62;

/// Who takes each slot, in order of `days` (one entry per slot, chronological): the
/// available deputy with the fewest slots so far in this share-out, ties to the one who
/// served longest ago (`last_served`, never first), then to the order of `deputies`.
/// `None` when nobody is available that day.
pub fn share_out(
    days: &[NaiveDate],
    deputies: &[i64],
    last_served: &HashMap<i64, NaiveDate>,
    unavailable: &HashSet<(i64, NaiveDate)>,
) -> Vec<Option<i64>> {
    let mut served: HashMap<i64, u32> = deputies.iter().map(|d| (*d, 0)).collect();
    let mut last: HashMap<i64, NaiveDate> = last_served.clone();
    days.iter()
        .map(|day| {
            let chosen = deputies
                .iter()
                .enumerate()
                .filter(|(_, d)| !unavailable.contains(&(**d, *day)))
                .min_by_key(|(position, d)| (served[*d], last.get(*d).copied(), *position))
                .map(|(_, d)| *d)?;
            *served.entry(chosen).or_default() += 1;
            last.insert(chosen, *day);
            Some(chosen)
        })
        .collect()
}

#[derive(Serialize, ToSchema)]
pub struct Swap {
    pub id: i64,
    pub shift_id: i64,
    pub from_id: i64,
    pub from_name: String,
    pub to_id: i64,
    pub to_name: String,
    pub status: SwapStatus,
}

#[derive(Serialize, ToSchema)]
pub struct Shift {
    pub id: i64,
    pub studio_id: i64,
    pub studio_name: String,
    pub day: NaiveDate,
    /// RFC 3339, Asia/Shanghai
    pub starts_at: String,
    pub ends_at: String,
    pub deputy_id: i64,
    pub deputy_name: String,
    pub capacity: i32,
    pub booked: i32,
    /// The deputy scanned the studio's QR during the slot.
    pub checked_in: bool,
    /// A swap waiting for the other deputy's answer.
    pub pending_swap: Option<Swap>,
}

#[derive(Serialize, ToSchema)]
pub struct Rota {
    pub studio_id: i64,
    pub month: String,
    pub shifts: Vec<Shift>,
    /// Slots nobody could take (every deputy declared the day unavailable).
    pub uncovered: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MyRota {
    /// My slots from the start of this month on.
    pub shifts: Vec<Shift>,
    /// Swaps other deputies asked of me.
    pub swaps_asked_of_me: Vec<Swap>,
    /// The days I declared I cannot be on duty (from today on).
    pub unavailable_days: Vec<NaiveDate>,
}

/// `YYYY-MM` → its first day.
pub fn month_start(raw: &str) -> Result<NaiveDate, DeputyError> {
    NaiveDate::parse_from_str(&format!("{}-01", raw.trim()), "%Y-%m-%d")
        .map_err(|_| invalid("month must be YYYY-MM"))
}

fn next_month(first: NaiveDate) -> NaiveDate {
    first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first)
}

fn local(day: NaiveDate, time: chrono::NaiveTime) -> anyhow::Result<DateTime<FixedOffset>> {
    clock::shanghai()
        .from_local_datetime(&day.and_time(time))
        .single()
        .context("a local time that does not exist")
}

/// Shift views with names and pending swaps: four statements whatever the number of rows.
async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<rota_shift::Model>,
) -> anyhow::Result<Vec<Shift>> {
    let swaps = rota_swap::Entity::find()
        .filter(rota_swap::Column::ShiftId.is_in(rows.iter().map(|s| s.id)))
        .filter(rota_swap::Column::Status.eq(SwapStatus::Asked))
        .all(db)
        .await
        .context("cannot read swaps")?;
    let names = crate::people::names(
        db,
        rows.iter()
            .map(|s| s.deputy_id)
            .chain(swaps.iter().flat_map(|s| [s.from_id, s.to_id])),
    )
    .await?;
    let studio_names = crate::db::names_by_id::<studio::Entity>(
        db,
        rows.iter().map(|s| s.studio_id),
        studio::Column::Id,
        studio::Column::Name,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|s| Shift {
            pending_swap: swaps
                .iter()
                .find(|w| w.shift_id == s.id)
                .map(|w| swap_view(w, &names)),
            studio_name: studio_names.get(&s.studio_id).cloned().unwrap_or_default(),
            deputy_name: names.get(&s.deputy_id).cloned().unwrap_or_default(),
            id: s.id,
            studio_id: s.studio_id,
            day: s.day,
            starts_at: crate::clock::rfc3339(s.starts_at),
            ends_at: crate::clock::rfc3339(s.ends_at),
            deputy_id: s.deputy_id,
            capacity: s.capacity,
            booked: s.booked,
            checked_in: s.checked_in_at.is_some(),
        })
        .collect())
}

fn swap_view(w: &rota_swap::Model, names: &HashMap<i64, String>) -> Swap {
    Swap {
        id: w.id,
        shift_id: w.shift_id,
        from_id: w.from_id,
        from_name: names.get(&w.from_id).cloned().unwrap_or_default(),
        to_id: w.to_id,
        to_name: names.get(&w.to_id).cloned().unwrap_or_default(),
        status: w.status,
    }
}

async fn shifts_between(
    db: &impl ConnectionTrait,
    studio_id: i64,
    from: NaiveDate,
    until: NaiveDate,
) -> anyhow::Result<Vec<rota_shift::Model>> {
    rota_shift::Entity::find()
        .filter(rota_shift::Column::StudioId.eq(studio_id))
        .filter(rota_shift::Column::Day.gte(from))
        .filter(rota_shift::Column::Day.lt(until))
        .order_by_asc(rota_shift::Column::StartsAt)
        .all(db)
        .await
        .context("cannot read a rota")
}

/// Generates the rota of `month` (YYYY-MM, this month or one of the next twelve) for a
/// studio the caller keeps. Days already past and official holidays on weekdays get no
/// slot. A month that already has a rota is refused (`deputy.wrong_state`).
pub async fn generate(
    db: &DatabaseConnection,
    caller: Caller,
    studio_id: i64,
    month: &str,
    request_id: Option<String>,
) -> Result<Rota, DeputyError> {
    let first = month_start(month)?;
    let today = crate::clock::today();
    let this_month = today.with_day(1).unwrap_or(today);
    if first < this_month || first > this_month + chrono::Months::new(12) {
        return Err(invalid(
            "a rota is generated for this month or one of the next twelve",
        ));
    }
    let studio = studios::kept_by(db, caller, studio_id).await?;
    generate_month(
        db,
        &studio,
        first,
        Actor::Person(caller.person_id),
        request_id,
    )
    .await
}

/// Shares out the slots of the month starting `first` (no authorization: the caller checked
/// it, or it is the demo seed).
pub(crate) async fn generate_month(
    db: &DatabaseConnection,
    studio: &studio::Model,
    first: NaiveDate,
    actor: Actor,
    request_id: Option<String>,
) -> Result<Rota, DeputyError> {
    let today = crate::clock::today();
    let until = next_month(first);
    if !shifts_between(db, studio.id, first, until)
        .await?
        .is_empty()
    {
        return Err(wrong_state(format!(
            "the rota of {} is already generated",
            first.format("%Y-%m")
        )));
    }
    let deputies = studios::deputies_of(db, studio.id).await?;
    let active: HashSet<i64> = crate::people::names(db, deputies.iter().copied())
        .await?
        .into_keys()
        .collect();
    let deputies: Vec<i64> = deputies
        .into_iter()
        .filter(|d| active.contains(d))
        .collect();
    let openings = studio_opening::Entity::find()
        .filter(studio_opening::Column::StudioId.eq(studio.id))
        .order_by_asc(studio_opening::Column::StartsAt)
        .all(db)
        .await
        .context("cannot read opening slots")?;
    let calendar = crate::calendar_store::load_years(db, &[first.year()]).await?;
    let mut slots = Vec::new();
    let mut day = first.max(today + Duration::days(1));
    while day < until {
        let weekday = i16::try_from(day.weekday().number_from_monday()).unwrap_or(0);
        let holiday = weekday <= 5 && calendar.is_working_day(day).is_ok_and(|w| !w);
        for opening in openings.iter().filter(|o| o.weekday == weekday && !holiday) {
            let starts = studios::clock_time(&opening.starts_at, "starts_at")?;
            let ends = studios::clock_time(&opening.ends_at, "ends_at")?;
            slots.push((
                day,
                local(day, starts)?,
                local(day, ends)?,
                opening.capacity,
            ));
        }
        day += Duration::days(1);
    }
    let last_served: HashMap<i64, NaiveDate> = rota_shift::Entity::find()
        .select_only()
        .column(rota_shift::Column::DeputyId)
        .column_as(
            Expr::from(Func::max(Expr::col(rota_shift::Column::Day))),
            "last",
        )
        .filter(rota_shift::Column::StudioId.eq(studio.id))
        .filter(rota_shift::Column::Day.lt(first))
        .group_by(rota_shift::Column::DeputyId)
        .into_tuple::<(i64, NaiveDate)>()
        .all(db)
        .await
        .context("cannot read who served last")?
        .into_iter()
        .collect();
    let unavailable: HashSet<(i64, NaiveDate)> = deputy_unavailable::Entity::find()
        .filter(deputy_unavailable::Column::PersonId.is_in(deputies.iter().copied()))
        .filter(deputy_unavailable::Column::Day.gte(first))
        .filter(deputy_unavailable::Column::Day.lt(until))
        .all(db)
        .await
        .context("cannot read unavailable days")?
        .into_iter()
        .map(|u| (u.person_id, u.day))
        .collect();
    let days: Vec<NaiveDate> = slots.iter().map(|s| s.0).collect();
    let assigned = share_out(&days, &deputies, &last_served, &unavailable);
    let now = clock::now();
    let mut uncovered = Vec::new();
    let mut rows = Vec::new();
    for ((day, starts, ends, capacity), deputy) in slots.into_iter().zip(assigned) {
        match deputy {
            Some(deputy) => rows.push(rota_shift::ActiveModel {
                studio_id: Set(studio.id),
                day: Set(day),
                starts_at: Set(starts),
                ends_at: Set(ends),
                deputy_id: Set(deputy),
                capacity: Set(capacity),
                booked: Set(0),
                checked_in_at: Set(None),
                created_at: Set(now),
                ..Default::default()
            }),
            None => uncovered.push(crate::clock::rfc3339(starts)),
        }
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let count = rows.len();
    for chunk in rows.chunks(200) {
        rota_shift::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await
            .map_err(|e| match e.sql_err() {
                // Two admins generating the same month at once: the second finds it taken.
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                    wrong_state("the rota of this month is already generated")
                }
                _ => DeputyError::Unexpected(anyhow::Error::new(e).context("cannot store a rota")),
            })?;
    }
    audit::record(
        &txn,
        request_id,
        AuditEntry {
            actor,
            action: "deputy.generate_rota",
            target_type: "studio",
            target_id: studio.id.to_string(),
            org_id: Some(studio.org_id),
            detail: serde_json::json!({
                "month": first.format("%Y-%m").to_string(),
                "slots": count,
                "uncovered": uncovered.len(),
            }),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit a rota")?;
    tracing::info!(
        studio_id = studio.id,
        slots = count,
        uncovered = uncovered.len(),
        "rota generated"
    );
    Ok(Rota {
        studio_id: studio.id,
        month: first.format("%Y-%m").to_string(),
        shifts: views(db, shifts_between(db, studio.id, first, until).await?).await?,
        uncovered,
    })
}

/// A studio's rota of a month (public).
pub async fn of_studio(
    db: &DatabaseConnection,
    studio_id: i64,
    month: &str,
) -> Result<Rota, DeputyError> {
    let first = month_start(month)?;
    let studio = studios::find(db, studio_id).await?;
    let rows = shifts_between(db, studio.id, first, next_month(first)).await?;
    Ok(Rota {
        studio_id: studio.id,
        month: first.format("%Y-%m").to_string(),
        shifts: views(db, rows).await?,
        uncovered: Vec::new(),
    })
}

/// My slots from the start of this month on, the swaps asked of me, my unavailable days.
pub async fn mine(db: &DatabaseConnection, caller: Caller) -> Result<MyRota, DeputyError> {
    let today = crate::clock::today();
    let first = today.with_day(1).unwrap_or(today);
    let rows = rota_shift::Entity::find()
        .filter(rota_shift::Column::DeputyId.eq(caller.person_id))
        .filter(rota_shift::Column::Day.gte(first))
        .order_by_asc(rota_shift::Column::StartsAt)
        .limit(200)
        .all(db)
        .await
        .context("cannot read my rota")?;
    let asked = rota_swap::Entity::find()
        .filter(rota_swap::Column::ToId.eq(caller.person_id))
        .filter(rota_swap::Column::Status.eq(SwapStatus::Asked))
        .order_by_asc(rota_swap::Column::Id)
        .all(db)
        .await
        .context("cannot read swaps")?;
    let names = crate::people::names(db, asked.iter().flat_map(|s| [s.from_id, s.to_id])).await?;
    let unavailable_days = deputy_unavailable::Entity::find()
        .filter(deputy_unavailable::Column::PersonId.eq(caller.person_id))
        .filter(deputy_unavailable::Column::Day.gte(today))
        .order_by_asc(deputy_unavailable::Column::Day)
        .all(db)
        .await
        .context("cannot read unavailable days")?
        .into_iter()
        .map(|u| u.day)
        .collect();
    Ok(MyRota {
        shifts: views(db, rows).await?,
        swaps_asked_of_me: asked.iter().map(|s| swap_view(s, &names)).collect(),
        unavailable_days,
    })
}

#[derive(Deserialize, ToSchema)]
pub struct UnavailableRequest {
    /// YYYY-MM-DD days from today to a year ahead; replaces the days declared before.
    pub days: Vec<String>,
}

async fn require_deputy(db: &impl ConnectionTrait, person_id: i64) -> Result<(), DeputyError> {
    let person = crate::people::find(db, person_id)
        .await?
        .ok_or(DeputyError::NotFound("person"))?;
    if person.deputy_level.is_none() || !person.active {
        return Err(DeputyError::NotADeputy(
            "only Party congress deputies keep a duty rota".into(),
        ));
    }
    Ok(())
}

/// Replaces the days the caller (a deputy) cannot be on duty; later rotas respect them.
pub async fn set_unavailable(
    db: &DatabaseConnection,
    caller: Caller,
    body: &UnavailableRequest,
) -> Result<Vec<NaiveDate>, DeputyError> {
    require_deputy(db, caller.person_id).await?;
    if body.days.len() > MAX_UNAVAILABLE {
        return Err(invalid(format!(
            "at most {MAX_UNAVAILABLE} unavailable days"
        )));
    }
    let today = crate::clock::today();
    let mut days = Vec::with_capacity(body.days.len());
    for raw in &body.days {
        let day = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
            .map_err(|_| invalid("days must be YYYY-MM-DD"))?;
        if day < today || day > today + Duration::days(366) {
            return Err(invalid("unavailable days are from today to a year ahead"));
        }
        days.push(day);
    }
    days.sort_unstable();
    days.dedup();
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    deputy_unavailable::Entity::delete_many()
        .filter(deputy_unavailable::Column::PersonId.eq(caller.person_id))
        .filter(deputy_unavailable::Column::Day.gte(today))
        .exec(&txn)
        .await
        .context("cannot clear unavailable days")?;
    if !days.is_empty() {
        deputy_unavailable::Entity::insert_many(days.iter().map(|d| {
            deputy_unavailable::ActiveModel {
                person_id: Set(caller.person_id),
                day: Set(*d),
                ..Default::default()
            }
        }))
        .exec(&txn)
        .await
        .context("cannot store unavailable days")?;
    }
    txn.commit()
        .await
        .context("cannot commit unavailable days")?;
    Ok(days)
}

async fn find_shift(db: &impl ConnectionTrait, id: i64) -> Result<rota_shift::Model, DeputyError> {
    rota_shift::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a slot")?
        .ok_or(DeputyError::NotFound("slot"))
}

pub async fn shift(db: &impl ConnectionTrait, id: i64) -> Result<rota_shift::Model, DeputyError> {
    find_shift(db, id).await
}

#[derive(Deserialize, ToSchema)]
pub struct SwapRequest {
    /// Another deputy of the same studio, who must accept.
    pub to_person_id: i64,
}

/// Asks another deputy of the studio to take one of the caller's future slots.
pub async fn ask_swap(
    db: &DatabaseConnection,
    caller: Caller,
    shift_id: i64,
    body: &SwapRequest,
) -> Result<Swap, DeputyError> {
    let shift = find_shift(db, shift_id).await?;
    if shift.deputy_id != caller.person_id {
        return Err(DeputyError::Forbidden);
    }
    if shift.starts_at <= clock::now() {
        return Err(wrong_state(
            "a slot that has begun can no longer be swapped",
        ));
    }
    if body.to_person_id == caller.person_id
        || !studios::deputies_of(db, shift.studio_id)
            .await?
            .contains(&body.to_person_id)
    {
        return Err(invalid(
            "a slot is swapped with another deputy of the same studio",
        ));
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let pending = rota_swap::Entity::find()
        .filter(rota_swap::Column::ShiftId.eq(shift.id))
        .filter(rota_swap::Column::Status.eq(SwapStatus::Asked))
        .one(&txn)
        .await
        .context("cannot read swaps")?;
    if pending.is_some() {
        return Err(wrong_state(
            "a swap of this slot is already waiting for an answer",
        ));
    }
    let swap = rota_swap::ActiveModel {
        shift_id: Set(shift.id),
        from_id: Set(caller.person_id),
        to_id: Set(body.to_person_id),
        status: Set(SwapStatus::Asked),
        created_at: Set(clock::now()),
        decided_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("cannot store a swap")?;
    txn.commit().await.context("cannot commit a swap")?;
    let names = crate::people::names(db, [swap.from_id, swap.to_id]).await?;
    Ok(swap_view(&swap, &names))
}

/// The other deputy accepts or declines; on accepting, the slot changes hands only if it is
/// still the asker's and has not begun (audited).
pub async fn decide_swap(
    db: &DatabaseConnection,
    caller: Caller,
    swap_id: i64,
    accept: bool,
    request_id: Option<String>,
) -> Result<Swap, DeputyError> {
    let swap = rota_swap::Entity::find_by_id(swap_id)
        .one(db)
        .await
        .context("cannot read a swap")?
        .filter(|s| s.to_id == caller.person_id || s.from_id == caller.person_id)
        .ok_or(DeputyError::NotFound("swap"))?;
    if swap.to_id != caller.person_id {
        return Err(DeputyError::Forbidden);
    }
    if swap.status != SwapStatus::Asked {
        return Err(wrong_state("this swap was already answered"));
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let status = if accept {
        let moved = rota_shift::Entity::update_many()
            .col_expr(rota_shift::Column::DeputyId, Expr::value(swap.to_id))
            .filter(rota_shift::Column::Id.eq(swap.shift_id))
            .filter(rota_shift::Column::DeputyId.eq(swap.from_id))
            .filter(rota_shift::Column::StartsAt.gt(clock::now()))
            .exec(&txn)
            .await
            .context("cannot move a slot")?;
        if moved.rows_affected != 1 {
            return Err(wrong_state(
                "the slot has begun or is no longer the asker's",
            ));
        }
        SwapStatus::Accepted
    } else {
        SwapStatus::Declined
    };
    let decided = rota_swap::Entity::update_many()
        .col_expr(rota_swap::Column::Status, Expr::value(status))
        .col_expr(rota_swap::Column::DecidedAt, Expr::value(clock::now()))
        .filter(rota_swap::Column::Id.eq(swap.id))
        .filter(rota_swap::Column::Status.eq(SwapStatus::Asked))
        .exec(&txn)
        .await
        .context("cannot answer a swap")?;
    if decided.rows_affected != 1 {
        return Err(wrong_state("this swap was already answered"));
    }
    if accept {
        let studio_org = studios::find(&txn, find_shift(&txn, swap.shift_id).await?.studio_id)
            .await?
            .org_id;
        audit::record(
            &txn,
            request_id,
            AuditEntry {
                actor: Actor::Person(caller.person_id),
                action: "deputy.swap_slot",
                target_type: "rota_shift",
                target_id: swap.shift_id.to_string(),
                org_id: Some(studio_org),
                detail: serde_json::json!({ "from": swap.from_id, "to": swap.to_id }),
            },
        )
        .await?;
    }
    txn.commit().await.context("cannot commit a swap")?;
    let names = crate::people::names(db, [swap.from_id, swap.to_id]).await?;
    Ok(swap_view(&rota_swap::Model { status, ..swap }, &names))
}

/// Queues a reminder to every deputy on duty tomorrow and to everyone on a roster who booked
/// a place; returns how many were new. The
/// outbox's dedupe key makes a re-run harmless.
pub async fn remind_tomorrow(
    db: &impl ConnectionTrait,
    settings: &DeputySettings,
    wechat: &WechatSettings,
    today: NaiveDate,
) -> anyhow::Result<u64> {
    let tomorrow = today + Duration::days(1);
    let rows = rota_shift::Entity::find()
        .filter(rota_shift::Column::Day.eq(tomorrow))
        .all(db)
        .await
        .context("cannot read tomorrow's slots")?;
    let studios: HashMap<i64, studio::Model> = studio::Entity::find()
        .filter(studio::Column::Id.is_in(rows.iter().map(|s| s.studio_id)))
        .all(db)
        .await
        .context("cannot read studios")?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let pushes = rows
        .iter()
        .filter_map(|shift| {
            let studio = studios.get(&shift.studio_id)?;
            let starts = shift.starts_at.with_timezone(&clock::shanghai());
            Some(NewPush {
                kind: PushKind::RotaReminder,
                dedupe_key: format!("rota:{}:{}", shift.id, shift.deputy_id),
                plan_id: None,
                person_id: shift.deputy_id,
                template_id: wechat.reminder_template_id.clone(),
                payload: serde_json::json!({
                    "page": settings.rota_reminder_page,
                    "data": {
                        "thing1": thing(&format!("{}值班", studio.name)),
                        "time2": starts.format("%Y年%m月%d日 %H:%M").to_string(),
                        "thing3": thing(&studio.address),
                    }
                }),
            })
        })
        .collect::<Vec<_>>();
    // Bookings of tomorrow's slots, and meetings agreed for tomorrow (约谈, 邀约).
    let (from, until) = (
        local(tomorrow, chrono::NaiveTime::MIN)?,
        local(tomorrow + Duration::days(1), chrono::NaiveTime::MIN)?,
    );
    let booked = reception::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(reception::Column::ShiftId.is_in(rows.iter().map(|s| s.id)))
                .add(
                    sea_orm::Condition::all()
                        .add(reception::Column::MeetsAt.gte(from))
                        .add(reception::Column::MeetsAt.lt(until)),
                ),
        )
        .filter(reception::Column::Status.eq(super::ReceptionStatus::Booked))
        .filter(reception::Column::PersonId.is_not_null())
        .all(db)
        .await
        .context("cannot read tomorrow's receptions")?;
    let meeting_studios: HashMap<i64, studio::Model> = studio::Entity::find()
        .filter(studio::Column::Id.is_in(booked.iter().map(|r| r.studio_id)))
        .all(db)
        .await
        .context("cannot read studios")?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let bookers = booked.iter().filter_map(|r| {
        let studio = meeting_studios.get(&r.studio_id)?;
        let starts = match r.shift_id {
            Some(id) => rows.iter().find(|s| s.id == id)?.starts_at,
            None => r.meets_at?,
        }
        .with_timezone(&clock::shanghai());
        Some(NewPush {
            kind: PushKind::ReceptionReminder,
            dedupe_key: format!("reception:{}", r.id),
            plan_id: None,
            person_id: r.person_id?,
            template_id: wechat.reminder_template_id.clone(),
            payload: serde_json::json!({
                "page": format!("{}?id={}", settings.reception_page, studio.id),
                "data": {
                    "thing1": thing(&format!("{}接待", studio.name)),
                    "time2": starts.format("%Y年%m月%d日 %H:%M").to_string(),
                    "thing3": thing(&studio.address),
                }
            }),
        })
    });
    let pushes: Vec<NewPush> = pushes.into_iter().chain(bookers).collect();
    crate::push::enqueue(db, pushes).await
}

pub async fn by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> anyhow::Result<Option<studio::Model>> {
    studio::Entity::find()
        .filter(studio::Column::Code.eq(code))
        .one(db)
        .await
        .context("cannot read a studio by code")
}

fn answer(outcome: Outcome, studio: &studio::Model, shift: Option<&rota_shift::Model>) -> Answer {
    Answer {
        outcome,
        checkin_id: None,
        checked_in_at: shift.and_then(|s| s.checked_in_at),
        attendance: None,
        late_sync: false,
        location_far: false,
        activity: Some(ActivityRef {
            id: shift.map_or(studio.id, |s| s.id),
            theme: format!("{}值班", studio.name),
            org_name: studio.name.clone(),
        }),
        live: None,
    }
}

/// A deputy's scan of the studio's code: presence on a slot of theirs that is open now
/// (from half an hour before it starts until it ends) is recorded once.
pub async fn check_in(
    db: &DatabaseConnection,
    signer: &Signer,
    studio: studio::Model,
    person_id: i64,
    token: &str,
    now: DateTime<FixedOffset>,
) -> Result<Answer, AttendanceError> {
    let rotation = Rotation {
        seconds: u32::try_from(studio.window_seconds).unwrap_or(0),
    };
    let Some(window) = signer.verify_venue(&studio.code, rotation, token) else {
        return Ok(answer(Outcome::InvalidToken, &studio, None));
    };
    let current = rotation.window_at(now.timestamp());
    if rotation.seconds != 0 && (window + 1 < current || window > current + 1) {
        return Ok(answer(Outcome::WindowExpired, &studio, None));
    }
    let open = rota_shift::Entity::find()
        .filter(rota_shift::Column::StudioId.eq(studio.id))
        .filter(rota_shift::Column::DeputyId.eq(person_id))
        .filter(rota_shift::Column::StartsAt.lte(now + Duration::minutes(OPENS_BEFORE_MINUTES)))
        .filter(rota_shift::Column::EndsAt.gte(now))
        .order_by_asc(rota_shift::Column::StartsAt)
        .one(db)
        .await
        .context("cannot read the slot on duty")?;
    let Some(shift) = open else {
        return Ok(answer(Outcome::NotOnDuty, &studio, None));
    };
    if shift.checked_in_at.is_some() {
        return Ok(answer(Outcome::AlreadyCheckedIn, &studio, Some(&shift)));
    }
    let recorded = rota_shift::Entity::update_many()
        .col_expr(rota_shift::Column::CheckedInAt, Expr::value(now))
        .filter(rota_shift::Column::Id.eq(shift.id))
        .filter(rota_shift::Column::CheckedInAt.is_null())
        .exec(db)
        .await
        .context("cannot record presence on duty")?;
    if recorded.rows_affected == 1 {
        let shift = rota_shift::Model {
            checked_in_at: Some(now),
            ..shift
        };
        return Ok(answer(Outcome::Ok, &studio, Some(&shift)));
    }
    // A scan on another phone got there first: answer with its time.
    let shift = find_shift(db, shift.id)
        .await
        .map_err(|e| AttendanceError::Unexpected(anyhow::anyhow!("{e}")))?;
    Ok(answer(Outcome::AlreadyCheckedIn, &studio, Some(&shift)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(n: u32) -> Vec<NaiveDate> {
        (1..=n)
            .map(|d| NaiveDate::from_ymd_opt(2026, 12, d).expect("a day"))
            .collect()
    }

    #[test]
    fn nobody_serves_twice_before_everyone_has_served_once() {
        let deputies = [7, 3, 9];
        let out = share_out(&days(7), &deputies, &HashMap::new(), &HashSet::new());
        let out: Vec<i64> = out.into_iter().map(|d| d.expect("covered")).collect();
        assert_eq!(out, [7, 3, 9, 7, 3, 9, 7]);
    }

    #[test]
    fn the_turn_carries_over_from_the_last_month() {
        let deputies = [1, 2, 3];
        let served: HashMap<i64, NaiveDate> = [
            (1, NaiveDate::from_ymd_opt(2026, 11, 28).expect("day")),
            (2, NaiveDate::from_ymd_opt(2026, 11, 20).expect("day")),
        ]
        .into();
        let out = share_out(&days(3), &deputies, &served, &HashSet::new());
        assert_eq!(out, [Some(3), Some(2), Some(1)]);
    }

    #[test]
    fn unavailable_days_are_respected_and_the_others_cover() {
        let deputies = [1, 2];
        let d = days(4);
        let unavailable: HashSet<(i64, NaiveDate)> = [(1, d[0]), (1, d[1]), (2, d[3])].into();
        let out = share_out(&d, &deputies, &HashMap::new(), &unavailable);
        assert_eq!(out, [Some(2), Some(2), Some(1), Some(1)]);
        let nobody: HashSet<(i64, NaiveDate)> = [(1, d[0]), (2, d[0])].into();
        assert_eq!(
            share_out(&d[..1], &deputies, &HashMap::new(), &nobody),
            [None]
        );
    }

    #[test]
    fn shares_differ_by_at_most_one_when_everyone_is_available() {
        let deputies: Vec<i64> = (1..=5).collect();
        let out = share_out(&days(31), &deputies, &HashMap::new(), &HashSet::new());
        let mut counts: HashMap<i64, u32> = HashMap::new();
        for d in out.into_iter().flatten() {
            *counts.entry(d).or_default() += 1;
        }
        let (min, max) = (counts.values().min(), counts.values().max());
        assert_eq!((min, max), (Some(&6), Some(&7)));
    }
}
