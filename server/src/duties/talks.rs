//! Talks (谈心谈话). Whom and when is part of the duty record that staff check; what was
//! said belongs to the two people in the talk and is never shown to anyone else — not the
//! secretary, not the organisation department.
use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
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
    authz::{self, Caller, READ_DIRECTORY},
    clock,
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
    pub created_at: String,
}

/// What anyone may see of a talk; the notes only when `reader` took part.
fn view(row: talk::Model, leader_name: String, reader: i64) -> Talk {
    let party = reader == row.leader_id || Some(reader) == row.with_person_id;
    Talk {
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

pub async fn record(
    db: &impl ConnectionTrait,
    caller: Caller,
    body: &TalkRequest,
) -> Result<Talk, DutyError> {
    let talked_on = date(&body.talked_on, "talked_on")?;
    if talked_on > today() {
        return Err(invalid("talked_on cannot be in the future"));
    }
    if talked_on.year() < FIRST_YEAR {
        return Err(invalid(format!("talks are recorded from {FIRST_YEAR} on")));
    }
    let notes =
        crate::domain::Text::optional(&body.notes, "notes", 4000, crate::domain::Lines::Many)
            .map_err(invalid)?
            .map(crate::domain::Text::into_inner)
            .unwrap_or_default();
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
    let now = clock::now();
    let stored = talk::ActiveModel {
        leader_id: Set(caller.person_id),
        with_person_id: Set(with_person_id),
        with_name: Set(with_name),
        talked_on: Set(talked_on),
        notes: Set(notes),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("cannot store a talk")?;
    Ok(view(stored, leader.name, caller.person_id))
}

/// One talk: in full for its two people; without notes for staff who read the leader's
/// organisation; `duty.not_found` for anyone else.
pub async fn one(db: &impl ConnectionTrait, caller: Caller, id: i64) -> Result<Talk, DutyError> {
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
    Ok(view(row, leader.name, caller.person_id))
}

/// Talks the caller held or was talked with in a year, newest first, with notes.
pub async fn mine(
    db: &impl ConnectionTrait,
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
    Ok(rows
        .into_iter()
        .map(|t| {
            let name = leaders.get(&t.leader_id).cloned().unwrap_or_default();
            view(t, name, caller.person_id)
        })
        .collect())
}

/// Talks held by `leader_ids` in a year (for counting; notes never leave this module's
/// views).
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
    Ok(out)
}
