//! Research inspections (调研视察): deputies go out together on a topic, to places, over some
//! days, and write a report (uploaded as an attachment of the inspection). The deputies who
//! took part and the staff who read the organiser's organisation see it.
use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{DeputyError, invalid};
use crate::{
    authz::{self, Caller, READ_DIRECTORY},
    clock,
    domain::{Lines, Text},
    entities::{deputy_inspection, inspection_deputy, person},
};

/// The most deputies on one inspection.
const MAX_DEPUTIES: usize = 50;

#[derive(Deserialize, ToSchema)]
pub struct InspectionRequest {
    pub topic: String,
    /// YYYY-MM-DD
    pub starts_on: String,
    /// YYYY-MM-DD, on or after `starts_on`, at most 60 days later
    pub ends_on: String,
    /// Where (up to 200 characters).
    pub places: String,
    /// What was found (up to 4000 characters); the full report is an attachment.
    #[serde(default)]
    pub summary: String,
    /// Other deputies who took part (the organiser is always one).
    #[serde(default)]
    pub deputy_ids: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct InspectionDeputy {
    pub person_id: i64,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct Inspection {
    pub id: i64,
    pub topic: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub places: String,
    pub summary: String,
    pub organiser_id: i64,
    pub deputies: Vec<InspectionDeputy>,
    pub created_at: String,
}

fn day(raw: &str, field: &str) -> Result<NaiveDate, DeputyError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| invalid(format!("{field} must be YYYY-MM-DD")))
}

async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<deputy_inspection::Model>,
) -> anyhow::Result<Vec<Inspection>> {
    let taking_part = inspection_deputy::Entity::find()
        .filter(inspection_deputy::Column::InspectionId.is_in(rows.iter().map(|r| r.id)))
        .order_by_asc(inspection_deputy::Column::Id)
        .all(db)
        .await
        .context("cannot read inspections' deputies")?;
    let names = crate::people::names(db, taking_part.iter().map(|t| t.person_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| Inspection {
            deputies: taking_part
                .iter()
                .filter(|t| t.inspection_id == r.id)
                .map(|t| InspectionDeputy {
                    person_id: t.person_id,
                    name: names.get(&t.person_id).cloned().unwrap_or_default(),
                })
                .collect(),
            created_at: crate::clock::rfc3339(r.created_at),
            id: r.id,
            topic: r.topic,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            places: r.places,
            summary: r.summary,
            organiser_id: r.organiser_id,
        })
        .collect())
}

/// A deputy records an inspection they organised, with the deputies who took part.
pub async fn record(
    db: &DatabaseConnection,
    caller: Caller,
    body: &InspectionRequest,
) -> Result<Inspection, DeputyError> {
    let topic = Text::parse(&body.topic, "topic", 100, Lines::One)
        .map_err(invalid)?
        .into_inner();
    let places = Text::parse(&body.places, "places", 200, Lines::One)
        .map_err(invalid)?
        .into_inner();
    let summary = Text::optional(&body.summary, "summary", 4000, Lines::Many)
        .map_err(invalid)?
        .map(Text::into_inner)
        .unwrap_or_default();
    let starts_on = day(&body.starts_on, "starts_on")?;
    let ends_on = day(&body.ends_on, "ends_on")?;
    let today = crate::clock::today();
    if ends_on < starts_on || (ends_on - starts_on).num_days() > 60 {
        return Err(invalid(
            "an inspection ends on or after its start, within 60 days",
        ));
    }
    if starts_on > today || starts_on.year() < crate::duties::FIRST_YEAR {
        return Err(invalid("an inspection is recorded once it has begun"));
    }
    let mut ids = body.deputy_ids.clone();
    ids.push(caller.person_id);
    ids.sort_unstable();
    ids.dedup();
    if ids.len() > MAX_DEPUTIES {
        return Err(invalid(format!("at most {MAX_DEPUTIES} deputies")));
    }
    let found = person::Entity::find()
        .filter(person::Column::Id.is_in(ids.iter().copied()))
        .filter(person::Column::Active.eq(true))
        .filter(person::Column::DeputyLevel.is_not_null())
        .all(db)
        .await
        .context("cannot read deputies")?;
    if found.len() != ids.len() {
        return Err(DeputyError::NotADeputy(
            "everyone on an inspection, you included, must be a Party congress deputy".into(),
        ));
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let row = deputy_inspection::ActiveModel {
        topic: Set(topic),
        starts_on: Set(starts_on),
        ends_on: Set(ends_on),
        places: Set(places),
        summary: Set(summary),
        organiser_id: Set(caller.person_id),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("cannot store an inspection")?;
    inspection_deputy::Entity::insert_many(ids.iter().map(|p| inspection_deputy::ActiveModel {
        inspection_id: Set(row.id),
        person_id: Set(*p),
        ..Default::default()
    }))
    .exec(&txn)
    .await
    .context("cannot store an inspection's deputies")?;
    txn.commit().await.context("cannot commit an inspection")?;
    Ok(views(db, vec![row]).await?.remove(0))
}

/// Whether the caller may read (`upload == false`) or add files to an inspection: the
/// deputies who took part do both; staff who read the organiser's organisation read.
pub async fn may_access(
    db: &impl ConnectionTrait,
    caller: Caller,
    id: i64,
    upload: bool,
) -> Result<bool, DeputyError> {
    let row = find(db, id).await?;
    let took_part = inspection_deputy::Entity::find()
        .filter(inspection_deputy::Column::InspectionId.eq(row.id))
        .filter(inspection_deputy::Column::PersonId.eq(caller.person_id))
        .one(db)
        .await
        .context("cannot read an inspection's deputies")?
        .is_some();
    if took_part || upload {
        return Ok(took_part);
    }
    let organiser = crate::people::find(db, row.organiser_id)
        .await?
        .ok_or(DeputyError::NotFound("inspection"))?;
    Ok(authz::has_role(db, caller.person_id, READ_DIRECTORY, organiser.org_id).await?)
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<deputy_inspection::Model, DeputyError> {
    deputy_inspection::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read an inspection")?
        .ok_or(DeputyError::NotFound("inspection"))
}

pub async fn one(
    db: &DatabaseConnection,
    caller: Caller,
    id: i64,
) -> Result<Inspection, DeputyError> {
    if !may_access(db, caller, id, false).await? {
        return Err(DeputyError::NotFound("inspection"));
    }
    Ok(views(db, vec![find(db, id).await?]).await?.remove(0))
}

/// The inspections the caller took part in, newest first.
pub async fn mine(db: &DatabaseConnection, caller: Caller) -> Result<Vec<Inspection>, DeputyError> {
    let ids: Vec<i64> = inspection_deputy::Entity::find()
        .select_only()
        .column(inspection_deputy::Column::InspectionId)
        .filter(inspection_deputy::Column::PersonId.eq(caller.person_id))
        .into_tuple()
        .all(db)
        .await
        .context("cannot read my inspections")?;
    let rows = deputy_inspection::Entity::find()
        .filter(deputy_inspection::Column::Id.is_in(ids))
        .order_by_desc(deputy_inspection::Column::StartsOn)
        .limit(200)
        .all(db)
        .await
        .context("cannot read inspections")?;
    Ok(views(db, rows).await?)
}
