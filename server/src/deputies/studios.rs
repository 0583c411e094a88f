//! Deputies' studios (党代表工作室) and constituencies (选区). A studio is run by an
//! organisation, whose secretaries and admins keep its rota; its deputies take turns on
//! duty in its weekly opening slots. Studios are public: anyone may see where they are and
//! who is on duty, which is the point of them.
use std::collections::HashMap;

use anyhow::Context;
use chrono::NaiveTime;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{DeputyError, invalid};
use crate::{
    audit::{self, Actor, AuditEntry},
    authz::{self, Caller},
    clock,
    domain::{DeputyLevel, Lines, Role, Text},
    entities::{deputy_constituency, person, studio, studio_deputy, studio_opening},
    pagination::Page,
};

/// Who keeps a studio (its deputies, openings and rota) and sees its visitors' phones.
pub const RUN_STUDIO: &[Role] = &[Role::Secretary, Role::OrgAdmin];
/// The most deputies, opening slots and constituency organisations one request may name.
const MAX_LISTED: usize = 50;

#[derive(Deserialize, ToSchema)]
pub struct OpeningRequest {
    /// 1 = Monday … 7 = Sunday
    pub weekday: i16,
    /// HH:MM, Asia/Shanghai
    pub starts_at: String,
    /// HH:MM, after `starts_at`
    pub ends_at: String,
    /// How many people may book a reception in one such slot (1–50).
    pub capacity: i32,
}

#[derive(Deserialize, ToSchema)]
pub struct StudioRequest {
    pub name: String,
    pub address: String,
    /// The organisation that runs the studio.
    pub org_id: i64,
    /// Deputies (people with a deputy level on the roster) attached to the studio.
    pub deputy_ids: Vec<i64>,
    pub openings: Vec<OpeningRequest>,
}

#[derive(Serialize, ToSchema)]
pub struct Opening {
    pub weekday: i16,
    pub starts_at: String,
    pub ends_at: String,
    pub capacity: i32,
}

#[derive(Serialize, ToSchema)]
pub struct StudioDeputy {
    pub person_id: i64,
    pub name: String,
    pub level: Option<DeputyLevel>,
}

#[derive(Serialize, ToSchema)]
pub struct Studio {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub org_id: i64,
    pub org_name: String,
    pub deputies: Vec<StudioDeputy>,
    pub openings: Vec<Opening>,
}

fn text(raw: &str, field: &str, max: usize) -> Result<String, DeputyError> {
    Ok(Text::parse(raw, field, max, Lines::One)
        .map_err(invalid)?
        .into_inner())
}

/// An `HH:MM` local time.
pub(crate) fn clock_time(raw: &str, field: &str) -> Result<NaiveTime, DeputyError> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .map_err(|_| invalid(format!("{field} must be HH:MM")))
}

fn openings(raw: &[OpeningRequest]) -> Result<Vec<Opening>, DeputyError> {
    if raw.is_empty() || raw.len() > MAX_LISTED {
        return Err(invalid(format!(
            "a studio needs 1–{MAX_LISTED} weekly opening slots"
        )));
    }
    let mut out: Vec<Opening> = Vec::with_capacity(raw.len());
    for slot in raw {
        if !(1..=7).contains(&slot.weekday) {
            return Err(invalid("weekday must be 1 (Monday) to 7 (Sunday)"));
        }
        let starts = clock_time(&slot.starts_at, "starts_at")?;
        let ends = clock_time(&slot.ends_at, "ends_at")?;
        if ends <= starts {
            return Err(invalid("an opening slot must end after it starts"));
        }
        if !(1..=50).contains(&slot.capacity) {
            return Err(invalid("capacity must be 1–50"));
        }
        let opening = Opening {
            weekday: slot.weekday,
            starts_at: starts.format("%H:%M").to_string(),
            ends_at: ends.format("%H:%M").to_string(),
            capacity: slot.capacity,
        };
        if out
            .iter()
            .any(|o| o.weekday == opening.weekday && o.starts_at == opening.starts_at)
        {
            return Err(invalid("two opening slots start at the same time"));
        }
        out.push(opening);
    }
    Ok(out)
}

/// The people behind `ids`, each of whom must be an active deputy.
async fn deputies(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<person::Model>, DeputyError> {
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    if unique.is_empty() || unique.len() > MAX_LISTED {
        return Err(invalid(format!("a studio needs 1–{MAX_LISTED} deputies")));
    }
    let found = person::Entity::find()
        .filter(person::Column::Id.is_in(unique.iter().copied()))
        .all(db)
        .await
        .context("cannot read deputies")?;
    for id in &unique {
        match found.iter().find(|p| p.id == *id) {
            None => return Err(invalid(format!("person {id} is not on the roster"))),
            Some(p) if !p.active || p.deputy_level.is_none() => {
                return Err(DeputyError::NotADeputy(format!(
                    "{} is not a Party congress deputy on the roster",
                    p.name
                )));
            }
            Some(_) => {}
        }
    }
    Ok(found)
}

pub async fn create(
    db: &DatabaseConnection,
    settings: &crate::config::CheckinSettings,
    caller: Caller,
    body: &StudioRequest,
    request_id: Option<String>,
) -> Result<Studio, DeputyError> {
    let name = text(&body.name, "name", 100)?;
    let address = text(&body.address, "address", 200)?;
    let openings = openings(&body.openings)?;
    crate::orgs::find(db, body.org_id)
        .await?
        .ok_or(DeputyError::NotFound("organisation"))?;
    authz::require(db, caller, RUN_STUDIO, body.org_id).await?;
    let people = deputies(db, &body.deputy_ids).await?;
    // Attaching someone puts them on a rota: only people the caller may see on a roster.
    let scope = authz::Scope::load(db, caller.person_id).await?;
    if people
        .iter()
        .any(|p| !scope.allows(authz::READ_DIRECTORY, p.org_id))
    {
        return Err(DeputyError::Forbidden);
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let stored = studio::ActiveModel {
        name: Set(name),
        address: Set(address),
        org_id: Set(body.org_id),
        code: Set(crate::checkin::facts::new_code()),
        window_seconds: Set(i32::try_from(settings.window_seconds).unwrap_or(30)),
        created_by: Set(caller.person_id),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("cannot store a studio")?;
    studio_deputy::Entity::insert_many(people.iter().map(|p| studio_deputy::ActiveModel {
        studio_id: Set(stored.id),
        person_id: Set(p.id),
        ..Default::default()
    }))
    .exec(&txn)
    .await
    .context("cannot attach deputies")?;
    studio_opening::Entity::insert_many(openings.iter().map(|o| studio_opening::ActiveModel {
        studio_id: Set(stored.id),
        weekday: Set(o.weekday),
        starts_at: Set(o.starts_at.clone()),
        ends_at: Set(o.ends_at.clone()),
        capacity: Set(o.capacity),
        ..Default::default()
    }))
    .exec(&txn)
    .await
    .context("cannot store opening slots")?;
    audit::record(
        &txn,
        request_id,
        AuditEntry {
            actor: Actor::Person(caller.person_id),
            action: "deputy.create_studio",
            target_type: "studio",
            target_id: stored.id.to_string(),
            org_id: Some(stored.org_id),
            detail: serde_json::json!({
                "name": stored.name,
                "deputies": people.iter().map(|p| p.id).collect::<Vec<_>>(),
            }),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit a studio")?;
    Ok(views(db, vec![stored]).await?.remove(0))
}

/// Views of `rows` with their deputies, openings and organisations: four statements
/// whatever the number of studios.
async fn views(db: &impl ConnectionTrait, rows: Vec<studio::Model>) -> anyhow::Result<Vec<Studio>> {
    let ids: Vec<i64> = rows.iter().map(|s| s.id).collect();
    let attached = studio_deputy::Entity::find()
        .filter(studio_deputy::Column::StudioId.is_in(ids.iter().copied()))
        .order_by_asc(studio_deputy::Column::Id)
        .all(db)
        .await
        .context("cannot read studios' deputies")?;
    let people: HashMap<i64, person::Model> = person::Entity::find()
        .filter(person::Column::Id.is_in(attached.iter().map(|a| a.person_id)))
        .all(db)
        .await
        .context("cannot read deputies")?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let slots = studio_opening::Entity::find()
        .filter(studio_opening::Column::StudioId.is_in(ids.iter().copied()))
        .order_by_asc(studio_opening::Column::Weekday)
        .order_by_asc(studio_opening::Column::StartsAt)
        .all(db)
        .await
        .context("cannot read opening slots")?;
    let org_names = crate::orgs::names(db, rows.iter().map(|s| s.org_id)).await?;
    Ok(rows
        .into_iter()
        .map(|s| Studio {
            deputies: attached
                .iter()
                .filter(|a| a.studio_id == s.id)
                .filter_map(|a| people.get(&a.person_id))
                .map(|p| StudioDeputy {
                    person_id: p.id,
                    name: p.name.clone(),
                    level: p.deputy_level,
                })
                .collect(),
            openings: slots
                .iter()
                .filter(|o| o.studio_id == s.id)
                .map(|o| Opening {
                    weekday: o.weekday,
                    starts_at: o.starts_at.clone(),
                    ends_at: o.ends_at.clone(),
                    capacity: o.capacity,
                })
                .collect(),
            org_name: org_names.get(&s.org_id).cloned().unwrap_or_default(),
            id: s.id,
            name: s.name,
            address: s.address,
            org_id: s.org_id,
        })
        .collect())
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<studio::Model, DeputyError> {
    studio::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a studio")?
        .ok_or(DeputyError::NotFound("studio"))
}

/// A studio, as the public sees it.
pub async fn one(db: &DatabaseConnection, id: i64) -> Result<Studio, DeputyError> {
    let row = find(db, id).await?;
    Ok(views(db, vec![row]).await?.remove(0))
}

/// Every studio, by name, a page at a time.
pub async fn list(
    db: &DatabaseConnection,
    (index, per_page): (u64, u64),
) -> Result<Page<Studio>, DeputyError> {
    let pages = studio::Entity::find()
        .order_by_asc(studio::Column::Name)
        .order_by_asc(studio::Column::Id)
        .paginate(db, per_page);
    let total = pages.num_items().await.context("cannot count studios")?;
    let rows = pages
        .fetch_page(index)
        .await
        .context("cannot read studios")?;
    Ok(Page {
        items: views(db, rows).await?,
        page: index + 1,
        per_page,
        total,
    })
}

/// The studio, if the caller keeps it (its organisation's secretaries and admins).
pub async fn kept_by(
    db: &impl ConnectionTrait,
    caller: Caller,
    id: i64,
) -> Result<studio::Model, DeputyError> {
    let row = find(db, id).await?;
    authz::require(db, caller, RUN_STUDIO, row.org_id).await?;
    Ok(row)
}

/// Whether the caller keeps the studio (sees its visitors' phones, records its receptions).
pub async fn keeps(
    db: &impl ConnectionTrait,
    caller: Caller,
    studio: &studio::Model,
) -> anyhow::Result<bool> {
    authz::has_role(db, caller.person_id, RUN_STUDIO, studio.org_id).await
}

/// The deputies attached to a studio, in the order they were attached.
pub async fn deputies_of(db: &impl ConnectionTrait, studio_id: i64) -> anyhow::Result<Vec<i64>> {
    Ok(studio_deputy::Entity::find()
        .filter(studio_deputy::Column::StudioId.eq(studio_id))
        .order_by_asc(studio_deputy::Column::Id)
        .all(db)
        .await
        .context("cannot read a studio's deputies")?
        .into_iter()
        .map(|a| a.person_id)
        .collect())
}

/// The first studio a deputy is attached to (where requests to meet them are received).
pub async fn studio_of_deputy(
    db: &impl ConnectionTrait,
    person_id: i64,
) -> anyhow::Result<Option<i64>> {
    Ok(studio_deputy::Entity::find()
        .filter(studio_deputy::Column::PersonId.eq(person_id))
        .order_by_asc(studio_deputy::Column::Id)
        .one(db)
        .await
        .context("cannot read a deputy's studio")?
        .map(|a| a.studio_id))
}

#[derive(Deserialize, ToSchema)]
pub struct ConstituencyRequest {
    /// The organisations whose members the deputy represents (replaces the list).
    pub org_ids: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct Constituency {
    pub person_id: i64,
    pub level: Option<DeputyLevel>,
    pub orgs: Vec<super::OrgRef>,
}

/// Sets a deputy's constituency (选区). The organisation department that manages the deputy
/// must also manage every organisation named (audited).
pub async fn set_constituency(
    db: &DatabaseConnection,
    caller: Caller,
    person_id: i64,
    body: &ConstituencyRequest,
    request_id: Option<String>,
) -> Result<Constituency, DeputyError> {
    let mut org_ids = body.org_ids.clone();
    org_ids.sort_unstable();
    org_ids.dedup();
    if org_ids.len() > MAX_LISTED {
        return Err(invalid(format!(
            "a constituency has at most {MAX_LISTED} organisations"
        )));
    }
    let deputy = crate::people::find(db, person_id)
        .await?
        .ok_or(DeputyError::NotFound("person"))?;
    authz::require(db, caller, authz::MANAGE_ORGS, deputy.org_id).await?;
    if deputy.deputy_level.is_none() || !deputy.active {
        return Err(DeputyError::NotADeputy(format!(
            "{} is not a Party congress deputy on the roster",
            deputy.name
        )));
    }
    let scope = authz::Scope::load(db, caller.person_id).await?;
    for org in &org_ids {
        crate::orgs::find(db, *org)
            .await?
            .ok_or(DeputyError::NotFound("organisation"))?;
        if !scope.allows(authz::MANAGE_ORGS, *org) {
            return Err(DeputyError::Forbidden);
        }
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    deputy_constituency::Entity::delete_many()
        .filter(deputy_constituency::Column::PersonId.eq(person_id))
        .exec(&txn)
        .await
        .context("cannot clear a constituency")?;
    if !org_ids.is_empty() {
        deputy_constituency::Entity::insert_many(org_ids.iter().map(|org| {
            deputy_constituency::ActiveModel {
                person_id: Set(person_id),
                org_id: Set(*org),
                ..Default::default()
            }
        }))
        .exec(&txn)
        .await
        .context("cannot store a constituency")?;
    }
    audit::record(
        &txn,
        request_id,
        AuditEntry {
            actor: Actor::Person(caller.person_id),
            action: "deputy.set_constituency",
            target_type: "person",
            target_id: person_id.to_string(),
            org_id: Some(deputy.org_id),
            detail: serde_json::json!({ "org_ids": org_ids }),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit a constituency")?;
    constituency(db, person_id).await
}

/// A deputy's level and constituency (public: the people of a constituency should know
/// their deputy).
pub async fn constituency(
    db: &impl ConnectionTrait,
    person_id: i64,
) -> Result<Constituency, DeputyError> {
    let deputy = crate::people::find(db, person_id)
        .await?
        .filter(|p| p.active && p.deputy_level.is_some())
        .ok_or(DeputyError::NotFound("deputy"))?;
    let org_ids: Vec<i64> = deputy_constituency::Entity::find()
        .filter(deputy_constituency::Column::PersonId.eq(person_id))
        .all(db)
        .await
        .context("cannot read a constituency")?
        .into_iter()
        .map(|c| c.org_id)
        .collect();
    let names = crate::orgs::names(db, org_ids.iter().copied()).await?;
    Ok(Constituency {
        person_id,
        level: deputy.deputy_level,
        orgs: org_ids
            .into_iter()
            .map(|id| super::OrgRef {
                name: names.get(&id).cloned().unwrap_or_default(),
                id,
            })
            .collect(),
    })
}
