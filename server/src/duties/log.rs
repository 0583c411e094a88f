//! The duty log: what a leader did, one entry per research period, stay, visit, contact-point
//! activity or report. The author may change an entry for `duties.correction_days`; after
//! that a new, audited entry that names it (`corrects`) takes its place, and the old one
//! stays on record, superseded.
use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::{
    DutyKind, FIRST_YEAR,
    contact_points::{date, of_people},
    error::{DutyError, invalid},
};
use crate::{
    audit::{self, Actor, AuditEntry},
    authz::Caller,
    clock,
    config::DutySettings,
    entities::duty_entry,
};

/// A stay longer than this is a typing mistake (a year is the most anyone logs at once).
const LONGEST_PERIOD_DAYS: i64 = 366;

#[derive(Deserialize, ToSchema)]
pub struct EntryRequest {
    /// research, stationed, micro_research, contact_visit, contact_org_life, contact_research,
    /// contact_lecture, contact_review, research_report
    pub kind: String,
    /// YYYY-MM-DD (a report: the day it was finished)
    pub starts_on: String,
    /// YYYY-MM-DD, for periods (research, stationed, contact_research); the same day if left out
    pub ends_on: Option<String>,
    /// The organisation where it happened; for contact-point kinds one of the leader's
    /// contact points on those days.
    pub org_id: Option<i64>,
    #[serde(default)]
    pub place: String,
    /// The subject, or a report's title.
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub summary: String,
    /// The entry this one corrects (after its correction period has passed).
    pub corrects: Option<i64>,
}

/// Changes to an entry within its correction period; fields left out keep their value.
#[derive(Deserialize, ToSchema)]
pub struct EntryPatch {
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub org_id: Option<i64>,
    pub place: Option<String>,
    pub topic: Option<String>,
    pub summary: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DutyEntry {
    pub id: i64,
    pub person_id: i64,
    pub kind: DutyKind,
    pub kind_label: &'static str,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
    pub place: String,
    pub topic: String,
    pub summary: String,
    /// The entry this one corrects.
    pub corrects: Option<i64>,
    /// A later entry corrects this one: it no longer counts.
    pub superseded: bool,
    /// Until then the author may change it (RFC 3339, Asia/Shanghai).
    pub editable_until: String,
    pub created_at: String,
}

pub fn today() -> NaiveDate {
    clock::now().with_timezone(&clock::shanghai()).date_naive()
}

fn text(raw: &str, field: &str, max: usize) -> Result<String, DutyError> {
    crate::domain::Text::optional(raw, field, max, crate::domain::Lines::Many)
        .map(|t| t.map(crate::domain::Text::into_inner).unwrap_or_default())
        .map_err(invalid)
}

/// An entry's fields once checked: dates in order, in the past, the right shape for the kind.
struct ValidEntry {
    kind: DutyKind,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    org_id: Option<i64>,
    place: String,
    topic: String,
    summary: String,
}

fn validate(
    kind: DutyKind,
    starts_on: &str,
    ends_on: Option<&str>,
    org_id: Option<i64>,
    place: &str,
    topic: &str,
    summary: &str,
) -> Result<ValidEntry, DutyError> {
    let starts_on = date(starts_on, "starts_on")?;
    let ends_on = ends_on
        .map(str::trim)
        .filter(|raw| !raw.is_empty())
        .map(|raw| date(raw, "ends_on"))
        .transpose()?
        .unwrap_or(starts_on);
    if ends_on < starts_on {
        return Err(invalid("ends_on is before starts_on"));
    }
    if starts_on.year() < FIRST_YEAR {
        return Err(invalid(format!("duties are recorded from {FIRST_YEAR} on")));
    }
    if ends_on > today() {
        return Err(invalid(
            "a duty is recorded once done: the dates cannot be in the future",
        ));
    }
    if !kind.is_period() && ends_on != starts_on {
        return Err(invalid(format!(
            "{} is one day: leave ends_on out",
            kind.label()
        )));
    }
    if (ends_on - starts_on).num_days() >= LONGEST_PERIOD_DAYS {
        return Err(invalid(
            "one entry covers at most a year; split longer periods",
        ));
    }
    let entry = ValidEntry {
        kind,
        starts_on,
        ends_on,
        org_id,
        place: text(place, "place", 200)?,
        topic: text(topic, "topic", 200)?,
        summary: text(summary, "summary", 4000)?,
    };
    if kind.at_contact_point() && entry.org_id.is_none() {
        return Err(DutyError::NotContactPoint(format!(
            "{} happens at one of your contact points: choose it (org_id)",
            kind.label()
        )));
    }
    if matches!(
        kind,
        DutyKind::Research | DutyKind::Stationed | DutyKind::MicroResearch
    ) && entry.org_id.is_none()
        && entry.place.is_empty()
    {
        return Err(invalid("say where: a place or an organisation (org_id)"));
    }
    if kind == DutyKind::ResearchReport && entry.topic.is_empty() {
        return Err(invalid("a research report needs its title (topic)"));
    }
    Ok(entry)
}

/// Checks what needs the database: the organisation exists, a contact point was the
/// leader's on every day of the entry, and a period does not overlap another of its kind.
async fn check_against_record(
    db: &impl ConnectionTrait,
    person_id: i64,
    entry: &ValidEntry,
    replacing: Option<i64>,
) -> Result<(), DutyError> {
    if let Some(org_id) = entry.org_id {
        crate::orgs::find(db, org_id)
            .await?
            .ok_or_else(|| invalid(format!("no organisation {org_id}")))?;
    }
    if entry.kind.at_contact_point() {
        let points = of_people(db, &[person_id]).await?;
        let held = points.iter().any(|cp| {
            Some(cp.org_id) == entry.org_id
                && cp.covers(entry.starts_on)
                && cp.covers(entry.ends_on)
        });
        if !held {
            return Err(DutyError::NotContactPoint(
                "that organisation was not your contact point on those days".into(),
            ));
        }
    }
    if entry.kind.is_period() {
        let clash = duty_entry::Entity::find()
            .filter(duty_entry::Column::PersonId.eq(person_id))
            .filter(duty_entry::Column::Kind.eq(entry.kind))
            .filter(duty_entry::Column::StartsOn.lte(entry.ends_on))
            .filter(duty_entry::Column::EndsOn.gte(entry.starts_on))
            .all(db)
            .await
            .context("cannot read overlapping entries")?;
        let superseded =
            superseded_among(db, &clash.iter().map(|e| e.id).collect::<Vec<_>>()).await?;
        if let Some(other) = clash
            .iter()
            .find(|e| Some(e.id) != replacing && !superseded.contains(&e.id))
        {
            return Err(DutyError::Overlap(format!(
                "this {} overlaps your entry of {} to {} (no. {}); change that one instead",
                entry.kind.label(),
                other.starts_on,
                other.ends_on,
                other.id
            )));
        }
    }
    Ok(())
}

/// Which of `ids` a later record corrects.
pub(crate) async fn superseded_among(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> anyhow::Result<std::collections::HashSet<i64>> {
    super::corrected_among::<duty_entry::Entity>(db, ids, duty_entry::Column::CorrectsId).await
}

async fn views(
    db: &impl ConnectionTrait,
    settings: &DutySettings,
    rows: Vec<duty_entry::Model>,
) -> anyhow::Result<Vec<DutyEntry>> {
    let orgs = crate::orgs::names(db, rows.iter().filter_map(|e| e.org_id)).await?;
    let superseded = superseded_among(db, &rows.iter().map(|e| e.id).collect::<Vec<_>>()).await?;
    Ok(rows
        .into_iter()
        .map(|e| DutyEntry {
            editable_until: crate::clock::rfc3339(super::correction_deadline(
                e.created_at,
                settings,
            )),
            created_at: e.created_at.with_timezone(&clock::shanghai()).to_rfc3339(),
            superseded: superseded.contains(&e.id),
            org_name: e.org_id.and_then(|id| orgs.get(&id).cloned()),
            id: e.id,
            person_id: e.person_id,
            kind: e.kind,
            kind_label: e.kind.label(),
            starts_on: e.starts_on,
            ends_on: e.ends_on,
            org_id: e.org_id,
            place: e.place,
            topic: e.topic,
            summary: e.summary,
            corrects: e.corrects_id,
        })
        .collect())
}

async fn one_view(
    db: &impl ConnectionTrait,
    settings: &DutySettings,
    row: duty_entry::Model,
) -> anyhow::Result<DutyEntry> {
    views(db, settings, vec![row])
        .await?
        .pop()
        .context("a view for one entry")
}

/// Logs what the caller did. With `corrects`, the new entry takes the place of one of the
/// caller's earlier entries (audited), whose own correction period has passed or not.
pub async fn log(
    db: &DatabaseConnection,
    settings: &DutySettings,
    caller: Caller,
    body: &EntryRequest,
    request_id: Option<String>,
) -> Result<DutyEntry, DutyError> {
    let kind = DutyKind::parse(&body.kind).map_err(DutyError::InvalidInput)?;
    let entry = validate(
        kind,
        &body.starts_on,
        body.ends_on.as_deref(),
        body.org_id,
        &body.place,
        &body.topic,
        &body.summary,
    )?;
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let corrected = match body.corrects {
        Some(id) => {
            let old = duty_entry::Entity::find_by_id(id)
                .one(&txn)
                .await
                .context("cannot read the corrected entry")?
                .filter(|e| e.person_id == caller.person_id)
                .ok_or(DutyError::NotFound("duty entry"))?;
            if superseded_among(&txn, &[old.id]).await?.contains(&old.id) {
                return Err(invalid(format!("entry {id} was already corrected")));
            }
            Some(old)
        }
        None => None,
    };
    check_against_record(
        &txn,
        caller.person_id,
        &entry,
        corrected.as_ref().map(|e| e.id),
    )
    .await?;
    let now = clock::now();
    let stored = duty_entry::ActiveModel {
        person_id: Set(caller.person_id),
        kind: Set(entry.kind),
        starts_on: Set(entry.starts_on),
        ends_on: Set(entry.ends_on),
        org_id: Set(entry.org_id),
        place: Set(entry.place),
        topic: Set(entry.topic),
        summary: Set(entry.summary),
        corrects_id: Set(corrected.as_ref().map(|e| e.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("cannot store a duty entry")?;
    if let Some(old) = &corrected {
        audit::record(
            &txn,
            request_id,
            AuditEntry {
                actor: Actor::Person(caller.person_id),
                action: "duty.correct_entry",
                target_type: "duty_entry",
                target_id: old.id.to_string(),
                org_id: old.org_id,
                detail: json!({
                    "before": {"id": old.id, "kind": old.kind, "starts_on": old.starts_on, "ends_on": old.ends_on, "org_id": old.org_id},
                    "after": {"id": stored.id, "kind": stored.kind, "starts_on": stored.starts_on, "ends_on": stored.ends_on, "org_id": stored.org_id},
                }),
            },
        )
        .await?;
    }
    txn.commit().await.context("cannot commit a duty entry")?;
    Ok(one_view(db, settings, stored).await?)
}

/// The author changes an entry within its correction period.
pub async fn change(
    db: &DatabaseConnection,
    settings: &DutySettings,
    caller: Caller,
    id: i64,
    patch: &EntryPatch,
) -> Result<DutyEntry, DutyError> {
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let old = duty_entry::Entity::find_by_id(id)
        .one(&txn)
        .await
        .context("cannot read a duty entry")?
        .filter(|e| e.person_id == caller.person_id)
        .ok_or(DutyError::NotFound("duty entry"))?;
    let superseded = superseded_among(&txn, &[old.id]).await?.contains(&old.id);
    super::still_editable(old.created_at, superseded, settings)?;
    let starts_on = patch
        .starts_on
        .clone()
        .unwrap_or_else(|| old.starts_on.to_string());
    // A new start without a new end keeps a one-day entry one day.
    let ends_on = match (&patch.ends_on, &patch.starts_on) {
        (Some(end), _) => Some(end.clone()),
        (None, Some(_)) if !old.kind.is_period() => None,
        (None, _) => Some(old.ends_on.to_string()),
    };
    let entry = validate(
        old.kind,
        &starts_on,
        ends_on.as_deref(),
        patch.org_id.or(old.org_id),
        patch.place.as_deref().unwrap_or(&old.place),
        patch.topic.as_deref().unwrap_or(&old.topic),
        patch.summary.as_deref().unwrap_or(&old.summary),
    )?;
    check_against_record(&txn, caller.person_id, &entry, Some(old.id)).await?;
    let mut active = old.into_active_model();
    active.starts_on = Set(entry.starts_on);
    active.ends_on = Set(entry.ends_on);
    active.org_id = Set(entry.org_id);
    active.place = Set(entry.place);
    active.topic = Set(entry.topic);
    active.summary = Set(entry.summary);
    active.updated_at = Set(clock::now());
    let stored = active
        .update(&txn)
        .await
        .context("cannot update a duty entry")?;
    txn.commit().await.context("cannot commit a duty entry")?;
    Ok(one_view(db, settings, stored).await?)
}

/// The entries of the people in `person_ids` that touch `year` (superseded ones included).
pub(crate) async fn entries_in_year(
    db: &impl ConnectionTrait,
    person_ids: &[i64],
    year: i32,
) -> anyhow::Result<Vec<duty_entry::Model>> {
    let (first, last) = year_bounds(year)?;
    let mut out = Vec::new();
    for chunk in person_ids.chunks(500) {
        out.extend(
            duty_entry::Entity::find()
                .filter(duty_entry::Column::PersonId.is_in(chunk.iter().copied()))
                .filter(duty_entry::Column::StartsOn.lte(last))
                .filter(duty_entry::Column::EndsOn.gte(first))
                .order_by_desc(duty_entry::Column::StartsOn)
                .order_by_desc(duty_entry::Column::Id)
                .all(db)
                .await
                .context("cannot read duty entries")?,
        );
    }
    Ok(out)
}

pub(crate) fn year_bounds(year: i32) -> anyhow::Result<(NaiveDate, NaiveDate)> {
    Ok((
        NaiveDate::from_ymd_opt(year, 1, 1).context("no such year")?,
        NaiveDate::from_ymd_opt(year, 12, 31).context("no such year")?,
    ))
}

/// A year the duties can be asked about: from the document's year to this one.
pub fn check_year(year: Option<i32>) -> Result<i32, DutyError> {
    let this_year = today().year();
    let year = year.unwrap_or(this_year);
    if (FIRST_YEAR..=this_year).contains(&year) {
        Ok(year)
    } else {
        Err(invalid(format!(
            "no duties are recorded for {year}: ask for a year from {FIRST_YEAR} to {this_year}"
        )))
    }
}

/// The caller's entries of a year, newest first.
pub async fn mine(
    db: &impl ConnectionTrait,
    settings: &DutySettings,
    caller: Caller,
    year: Option<i32>,
) -> Result<Vec<DutyEntry>, DutyError> {
    let year = check_year(year)?;
    let rows = entries_in_year(db, &[caller.person_id], year).await?;
    Ok(views(db, settings, rows).await?)
}
