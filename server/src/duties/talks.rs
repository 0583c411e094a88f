//! Talks (谈心谈话). Whom and when is part of the duty record that staff check; what was
//! said belongs to the two people in the talk and is never shown to anyone else — not the
//! secretary, not the organisation department. Like duty entries, the leader may change a
//! talk for `duties.correction_days`; after that a new, audited record names it (`corrects`).
use std::collections::HashSet;

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    FIRST_YEAR,
    contact_points::date,
    error::{DutyError, invalid},
    log::{check_year, today, year_bounds},
};
use crate::{
    audit::{self, Actor, AuditEntry},
    authz::{self, Caller, READ_DIRECTORY},
    clock,
    config::DutySettings,
    entities::talk,
};

#[derive(Deserialize, ToSchema)]
pub struct TalkRequest {
    /// Someone on the roster; or leave out and give `with_name` (a non-member).
    pub with_person_id: Option<i64>,
    pub with_name: Option<String>,
    /// YYYY-MM-DD
    pub talked_on: String,
    /// What was said: seen only by the two people in the talk.
    #[serde(default)]
    pub notes: String,
    /// The talk this record corrects (after its correction period has passed).
    pub corrects: Option<i64>,
}

/// Changes to a talk within its correction period; fields left out keep their value.
#[derive(Deserialize, ToSchema)]
pub struct TalkPatch {
    /// YYYY-MM-DD
    pub talked_on: Option<String>,
    pub notes: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Talk {
    pub id: i64,
    pub leader_id: i64,
    pub leader_name: String,
    pub with_person_id: Option<i64>,
    pub with_name: String,
    pub talked_on: NaiveDate,
    /// Only for the two people in the talk; `null` for everyone else.
    pub notes: Option<String>,
    /// The talk this record corrects.
    pub corrects: Option<i64>,
    /// A later record corrects this one: it no longer counts.
    pub superseded: bool,
    /// Until then the leader may change it (RFC 3339, Asia/Shanghai).
    pub editable_until: String,
    pub created_at: String,
}

/// Which of `ids` a later record corrects.
async fn superseded_among(db: &impl ConnectionTrait, ids: &[i64]) -> anyhow::Result<HashSet<i64>> {
    super::corrected_among::<talk::Entity>(db, ids, talk::Column::CorrectsId).await
}

/// What anyone may see of a talk; the notes only when `reader` took part.
fn view(
    row: talk::Model,
    leader_name: String,
    reader: i64,
    superseded: bool,
    settings: &DutySettings,
) -> Talk {
    let party = reader == row.leader_id || Some(reader) == row.with_person_id;
    Talk {
        editable_until: crate::clock::rfc3339(super::correction_deadline(row.created_at, settings)),
        corrects: row.corrects_id,
        superseded,
        id: row.id,
        leader_id: row.leader_id,
        leader_name,
        with_person_id: row.with_person_id,
        with_name: row.with_name,
        talked_on: row.talked_on,
        notes: party.then_some(row.notes),
        created_at: row
            .created_at
            .with_timezone(&clock::shanghai())
            .to_rfc3339(),
    }
}

fn talked_on(raw: &str) -> Result<NaiveDate, DutyError> {
    let talked_on = date(raw, "talked_on")?;
    if talked_on > today() {
        return Err(invalid("talked_on cannot be in the future"));
    }
    if talked_on.year() < FIRST_YEAR {
        return Err(invalid(format!("talks are recorded from {FIRST_YEAR} on")));
    }
    Ok(talked_on)
}

fn notes(raw: &str) -> Result<String, DutyError> {
    Ok(
        crate::domain::Text::optional(raw, "notes", 4000, crate::domain::Lines::Many)
            .map_err(invalid)?
            .map(crate::domain::Text::into_inner)
            .unwrap_or_default(),
    )
}

/// The caller's own talk `id`.
async fn own_talk(
    db: &impl ConnectionTrait,
    caller: Caller,
    id: i64,
) -> Result<talk::Model, DutyError> {
    talk::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a talk")?
        .filter(|t| t.leader_id == caller.person_id)
        .ok_or(DutyError::NotFound("talk"))
}

/// A talk recorded as part of another record (the secretary's talk at a member's political
/// birthday), in the caller's transaction; it counts like any talk.
pub(crate) async fn record_within(
    txn: &impl ConnectionTrait,
    leader_id: i64,
    with: &crate::entities::person::Model,
    talked_on: NaiveDate,
) -> anyhow::Result<talk::Model> {
    let now = clock::now();
    talk::ActiveModel {
        leader_id: Set(leader_id),
        with_person_id: Set(Some(with.id)),
        with_name: Set(with.name.clone()),
        talked_on: Set(talked_on),
        notes: Set(String::new()),
        corrects_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .context("cannot store a talk")
}

pub async fn record(
    db: &DatabaseConnection,
    settings: &DutySettings,
    caller: Caller,
    body: &TalkRequest,
    request_id: Option<String>,
) -> Result<Talk, DutyError> {
    let talked_on = talked_on(&body.talked_on)?;
    let notes = notes(&body.notes)?;
    let (with_person_id, with_name) = match body.with_person_id {
        Some(id) if id == caller.person_id => return Err(DutyError::TalkWithSelf),
        Some(id) => {
            let person = crate::people::find(db, id)
                .await?
                .filter(|p| p.active)
                .ok_or_else(|| invalid(format!("person {id} is not on the roster")))?;
            (Some(person.id), person.name)
        }
        None => {
            let raw = body.with_name.as_deref().unwrap_or_default();
            let name = crate::domain::PersonName::parse(raw)
                .map_err(|e| invalid(format!("with_name: {e}")))?;
            (None, name.as_str().to_owned())
        }
    };
    let leader = crate::people::find(db, caller.person_id)
        .await?
        .ok_or(DutyError::NotFound("person"))?;
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let corrected = match body.corrects {
        Some(id) => {
            let old = own_talk(&txn, caller, id).await?;
            if superseded_among(&txn, &[old.id]).await?.contains(&old.id) {
                return Err(invalid(format!("talk {id} was already corrected")));
            }
            Some(old)
        }
        None => None,
    };
    let now = clock::now();
    let stored = talk::ActiveModel {
        leader_id: Set(caller.person_id),
        with_person_id: Set(with_person_id),
        with_name: Set(with_name),
        talked_on: Set(talked_on),
        notes: Set(notes),
        corrects_id: Set(corrected.as_ref().map(|t| t.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("cannot store a talk")?;
    if let Some(old) = &corrected {
        // Whom and when, never what was said: the audit log is read by staff.
        audit::record(
            &txn,
            request_id,
            AuditEntry {
                actor: Actor::Person(caller.person_id),
                action: "duty.correct_talk",
                target_type: "talk",
                target_id: old.id.to_string(),
                org_id: None,
                detail: serde_json::json!({
                    "before": {"id": old.id, "with_person_id": old.with_person_id, "talked_on": old.talked_on},
                    "after": {"id": stored.id, "with_person_id": stored.with_person_id, "talked_on": stored.talked_on},
                }),
            },
        )
        .await?;
    }
    txn.commit().await.context("cannot commit a talk")?;
    Ok(view(stored, leader.name, caller.person_id, false, settings))
}

/// The leader changes the date or notes of a talk within its correction period.
pub async fn change(
    db: &DatabaseConnection,
    settings: &DutySettings,
    caller: Caller,
    id: i64,
    patch: &TalkPatch,
) -> Result<Talk, DutyError> {
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let old = own_talk(&txn, caller, id).await?;
    let superseded = superseded_among(&txn, &[old.id]).await?.contains(&old.id);
    super::still_editable(old.created_at, superseded, settings)?;
    let mut active = old.clone().into_active_model();
    if let Some(raw) = &patch.talked_on {
        active.talked_on = Set(talked_on(raw)?);
    }
    if let Some(raw) = &patch.notes {
        active.notes = Set(notes(raw)?);
    }
    active.updated_at = Set(clock::now());
    let stored = active.update(&txn).await.context("cannot update a talk")?;
    txn.commit().await.context("cannot commit a talk")?;
    let leader = crate::people::names(db, [stored.leader_id]).await?;
    let name = leader.get(&stored.leader_id).cloned().unwrap_or_default();
    Ok(view(stored, name, caller.person_id, false, settings))
}

/// One talk: in full for its two people; without notes for staff who read the leader's
/// organisation; `duty.not_found` for anyone else.
pub async fn one(
    db: &impl ConnectionTrait,
    settings: &DutySettings,
    caller: Caller,
    id: i64,
) -> Result<Talk, DutyError> {
    let row = talk::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a talk")?
        .ok_or(DutyError::NotFound("talk"))?;
    let leader = crate::people::find(db, row.leader_id)
        .await?
        .ok_or(DutyError::NotFound("talk"))?;
    let party = caller.person_id == row.leader_id || Some(caller.person_id) == row.with_person_id;
    if !party && !authz::has_role(db, caller.person_id, READ_DIRECTORY, leader.org_id).await? {
        return Err(DutyError::NotFound("talk"));
    }
    let superseded = superseded_among(db, &[row.id]).await?.contains(&row.id);
    Ok(view(
        row,
        leader.name,
        caller.person_id,
        superseded,
        settings,
    ))
}

/// Talks the caller held or was talked with in a year, newest first, with notes.
pub async fn mine(
    db: &impl ConnectionTrait,
    settings: &DutySettings,
    caller: Caller,
    year: Option<i32>,
) -> Result<Vec<Talk>, DutyError> {
    let (first, last) = year_bounds(check_year(year)?)?;
    let rows = talk::Entity::find()
        .filter(
            Condition::any()
                .add(talk::Column::LeaderId.eq(caller.person_id))
                .add(talk::Column::WithPersonId.eq(caller.person_id)),
        )
        .filter(talk::Column::TalkedOn.between(first, last))
        .order_by_desc(talk::Column::TalkedOn)
        .order_by_desc(talk::Column::Id)
        .all(db)
        .await
        .context("cannot read talks")?;
    let leaders = crate::people::names(db, rows.iter().map(|t| t.leader_id)).await?;
    let superseded = superseded_among(db, &rows.iter().map(|t| t.id).collect::<Vec<_>>()).await?;
    Ok(rows
        .into_iter()
        .map(|t| {
            let name = leaders.get(&t.leader_id).cloned().unwrap_or_default();
            let replaced = superseded.contains(&t.id);
            view(t, name, caller.person_id, replaced, settings)
        })
        .collect())
}

/// Talks held by `leader_ids` in a year that still count (corrected ones left out), for
/// counting; notes never leave this module's views.
pub(crate) async fn held_in_year(
    db: &impl ConnectionTrait,
    leader_ids: &[i64],
    year: i32,
) -> anyhow::Result<Vec<talk::Model>> {
    let (first, last) = year_bounds(year)?;
    let mut out = Vec::new();
    for chunk in leader_ids.chunks(500) {
        out.extend(
            talk::Entity::find()
                .filter(talk::Column::LeaderId.is_in(chunk.iter().copied()))
                .filter(talk::Column::TalkedOn.between(first, last))
                .order_by_asc(talk::Column::TalkedOn)
                .all(db)
                .await
                .context("cannot read talks")?,
        );
    }
    let superseded = superseded_among(db, &out.iter().map(|t| t.id).collect::<Vec<_>>()).await?;
    out.retain(|t| !superseded.contains(&t.id));
    Ok(out)
}
