//! Volunteer activities on site: members scan the activity's rotating QR (the same codes and
//! the same `POST /api/v1/checkins` as meetings), then the organiser confirms who came and for
//! how long; people who claimed a place and did not come are recorded as no-shows.
use anyhow::Context;
use chrono::{DateTime, Duration, FixedOffset};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

use super::error::CommunityError;
use crate::{
    checkin::{
        AttendanceError,
        decision::{Attendance, Outcome},
        service::{ActivityRef, Answer},
        token::{Rotation, Signer},
    },
    db::begin_write,
    domain::ClaimStatus,
    entities::{organisation, service_claim, service_item},
};

/// Check-in opens this long before a volunteer activity starts and closes this long after
/// it ends (the same defaults as meetings).
const OPENS_BEFORE_MINUTES: i64 = 30;
const CLOSES_AFTER_MINUTES: i64 = 60;

pub async fn by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> anyhow::Result<Option<service_item::Model>> {
    service_item::Entity::find()
        .filter(service_item::Column::Code.eq(code))
        .one(db)
        .await
        .context("cannot read a volunteer activity by code")
}

fn answer(outcome: Outcome, item: &service_item::Model, org_name: &str) -> Answer {
    Answer {
        outcome,
        checkin_id: None,
        checked_in_at: None,
        attendance: None,
        late_sync: false,
        location_far: false,
        activity: Some(ActivityRef {
            id: item.id,
            theme: item.title.clone(),
            org_name: org_name.to_owned(),
        }),
        live: None,
    }
}

/// A scan of a volunteer activity's code. Someone who did not sign up is recorded as a
/// walk-in (they came to help; the organiser confirms their hours like anyone's).
pub async fn check_in(
    db: &DatabaseConnection,
    signer: &Signer,
    item: service_item::Model,
    person_id: i64,
    token: &str,
    now: DateTime<FixedOffset>,
) -> Result<Answer, AttendanceError> {
    let org_name = organisation::Entity::find_by_id(item.community_id)
        .one(db)
        .await
        .context("cannot read a community")?
        .map(|o| o.name)
        .unwrap_or_default();
    let code = item.code.clone().unwrap_or_default();
    let rotation = Rotation {
        seconds: u32::try_from(item.window_seconds).unwrap_or(0),
    };
    if item.status == crate::domain::ItemStatus::Cancelled {
        return Ok(answer(Outcome::Cancelled, &item, &org_name));
    }
    let Some(window) = signer.verify_venue(&code, rotation, token) else {
        return Ok(answer(Outcome::InvalidToken, &item, &org_name));
    };
    let current = rotation.window_at(now.timestamp());
    if rotation.seconds != 0 && (window + 1 < current || window > current + 1) {
        return Ok(answer(Outcome::WindowExpired, &item, &org_name));
    }
    if now < item.starts_at - Duration::minutes(OPENS_BEFORE_MINUTES) {
        return Ok(answer(Outcome::NotOpenYet, &item, &org_name));
    }
    if now > item.ends_at + Duration::minutes(CLOSES_AFTER_MINUTES) {
        return Ok(answer(Outcome::Closed, &item, &org_name));
    }
    let txn = begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let existing = service_claim::Entity::find()
        .filter(service_claim::Column::ItemId.eq(item.id))
        .filter(service_claim::Column::PersonId.eq(person_id))
        .one(&txn)
        .await
        .context("cannot read claims")?;
    let (outcome, attendance, row) = match existing {
        Some(claim) if claim.checked_in_at.is_some() => {
            let mut a = answer(Outcome::AlreadyCheckedIn, &item, &org_name);
            a.checked_in_at = claim.checked_in_at;
            a.checkin_id = Some(claim.id);
            a.attendance = Some(Attendance::Member);
            return Ok(a);
        }
        Some(claim) if claim.status.holds_place() => {
            let mut active: service_claim::ActiveModel = claim.into();
            active.checked_in_at = Set(Some(now));
            active.updated_at = Set(now);
            let row = active
                .update(&txn)
                .await
                .context("cannot record a check-in")?;
            (Outcome::Ok, Attendance::Member, row)
        }
        Some(claim) => {
            let mut active: service_claim::ActiveModel = claim.into();
            active.status = Set(ClaimStatus::WalkIn);
            active.checked_in_at = Set(Some(now));
            active.updated_at = Set(now);
            let row = active
                .update(&txn)
                .await
                .context("cannot record a walk-in")?;
            (Outcome::NotExpected, Attendance::Guest, row)
        }
        None => {
            let row = service_claim::ActiveModel {
                item_id: Set(item.id),
                person_id: Set(person_id),
                status: Set(ClaimStatus::WalkIn),
                checked_in_at: Set(Some(now)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .context("cannot record a walk-in")?;
            (Outcome::NotExpected, Attendance::Guest, row)
        }
    };
    txn.commit().await.context("cannot commit a check-in")?;
    let mut a = answer(outcome, &item, &org_name);
    a.checkin_id = Some(row.id);
    a.checked_in_at = Some(now);
    a.attendance = Some(attendance);
    Ok(a)
}

/// The organiser confirms who came (with hours); everyone else holding a place is a no-show.
pub async fn confirm_attendance(
    db: &DatabaseConnection,
    item: &service_item::Model,
    actor: i64,
    entries: &[(i64, f64)],
) -> Result<Vec<service_claim::Model>, CommunityError> {
    for (_, hours) in entries {
        if !hours.is_finite() || !(0.0..=24.0).contains(hours) {
            return Err(super::error::invalid("hours must be between 0 and 24"));
        }
    }
    let now = crate::clock::now();
    if now < item.starts_at {
        return Err(CommunityError::WrongState(
            "attendance is confirmed once the activity has started".into(),
        ));
    }
    let txn = begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let claims = service_claim::Entity::find()
        .filter(service_claim::Column::ItemId.eq(item.id))
        .all(&txn)
        .await
        .context("cannot read claims")?;
    for (person, _) in entries {
        if !claims.iter().any(|c| c.person_id == *person) {
            return Err(super::error::invalid(format!(
                "person {person} neither claimed a place nor checked in"
            )));
        }
    }
    let mut out = Vec::with_capacity(claims.len());
    for claim in claims {
        let came = entries.iter().find(|(p, _)| *p == claim.person_id);
        let holds = claim.status.holds_place();
        let status = match (came, holds, claim.status.as_str()) {
            (Some(_), _, _) if holds || claim.status == ClaimStatus::WalkIn => "attended",
            (None, true, _) => "no_show",
            // Waitlisted, cancelled, unlisted walk-ins: unchanged.
            _ => {
                out.push(claim);
                continue;
            }
        };
        let mut active: service_claim::ActiveModel = claim.into();
        active.status = Set(ClaimStatus::parse(status).map_err(anyhow::Error::msg)?);
        active.minutes = Set(came.map(|(_, hours)| (hours * 60.0).round() as i32));
        active.confirmed_by = Set(Some(actor));
        active.updated_at = Set(now);
        out.push(
            active
                .update(&txn)
                .await
                .context("cannot confirm attendance")?,
        );
    }
    txn.commit().await.context("cannot commit")?;
    Ok(out)
}
