//! Person queries shared by the HTTP routes, the token issuer and the command line.
use anyhow::Context;
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};

use crate::{
    clock,
    domain::{DeputyLevel, MemberStatus, PartyPost, PersonName, Phone},
    entities::person,
};

/// Names by person id, for lists that show who (attendance, leave, ledgers).
pub async fn names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> anyhow::Result<std::collections::HashMap<i64, String>> {
    crate::db::names_by_id::<person::Entity>(db, ids, person::Column::Id, person::Column::Name)
        .await
}

/// Ids of everyone whose branch is one of `orgs` (usually an org's subtree).
pub async fn ids_in_orgs(db: &impl ConnectionTrait, orgs: &[i64]) -> anyhow::Result<Vec<i64>> {
    let mut out = Vec::new();
    for chunk in orgs.chunks(500) {
        let ids: Vec<i64> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .filter(person::Column::OrgId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await
            .context("cannot read people of organisations")?;
        out.extend(ids);
    }
    Ok(out)
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> anyhow::Result<Option<person::Model>> {
    person::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a person")
}

pub async fn is_active(db: &impl ConnectionTrait, id: i64) -> anyhow::Result<bool> {
    Ok(find(db, id).await?.is_some_and(|p| p.active))
}

pub async fn find_by_phone(
    db: &impl ConnectionTrait,
    phone: &str,
) -> anyhow::Result<Option<person::Model>> {
    person::Entity::find()
        .filter(person::Column::Phone.eq(phone))
        .one(db)
        .await
        .context("cannot read a person by phone")
}

pub async fn find_by_openid(
    db: &impl ConnectionTrait,
    openid: &str,
) -> anyhow::Result<Option<person::Model>> {
    person::Entity::find()
        .filter(person::Column::WechatOpenid.eq(openid))
        .one(db)
        .await
        .context("cannot read a person by openid")
}

pub async fn find_by_unionid(
    db: &impl ConnectionTrait,
    unionid: &str,
) -> anyhow::Result<Option<person::Model>> {
    person::Entity::find()
        .filter(person::Column::WechatUnionid.eq(unionid))
        .one(db)
        .await
        .context("cannot read a person by unionid")
}

/// Records the unionid WeChat gave at a login. One WeChat user is one person: a unionid
/// another person holds is not taken over (an administrator sorts that out), and the login
/// goes on without it.
pub async fn record_unionid(
    db: &impl ConnectionTrait,
    person_id: i64,
    unionid: &str,
) -> anyhow::Result<bool> {
    if find_by_unionid(db, unionid)
        .await?
        .is_some_and(|holder| holder.id != person_id)
    {
        tracing::warn!(person_id, "unionid held by another person; not recorded");
        return Ok(false);
    }
    let stored = person::Entity::update_many()
        .col_expr(
            person::Column::WechatUnionid,
            sea_orm::sea_query::Expr::value(unionid),
        )
        .filter(person::Column::Id.eq(person_id))
        .exec(db)
        .await;
    // The unique index settles two logins racing for one unionid.
    if let Err(err) = stored {
        tracing::warn!(person_id, error = %err, "unionid not recorded");
        return Ok(false);
    }
    Ok(true)
}

/// Everything a roster line or a form says about a person, already validated.
#[derive(Debug, Clone)]
pub struct PersonFields {
    pub name: PersonName,
    pub phone: Phone,
    pub org_id: i64,
    pub status: MemberStatus,
    pub join_date: Option<NaiveDate>,
    pub party_post: Option<PartyPost>,
    pub leader_level: Option<crate::domain::LeaderLevel>,
    pub deputy_level: Option<DeputyLevel>,
    pub work_unit: Option<String>,
    pub in_service_organ: bool,
    pub exempt: bool,
    pub exempt_reason: Option<String>,
}

pub enum Upserted {
    Created(person::Model),
    Updated(person::Model),
    Unchanged(person::Model),
}

fn apply(active: &mut person::ActiveModel, f: &PersonFields) {
    active.name = Set(f.name.as_str().to_owned());
    active.phone = Set(f.phone.as_str().to_owned());
    active.org_id = Set(f.org_id);
    active.status = Set(f.status);
    active.join_date = Set(f.join_date);
    active.party_post = Set(f.party_post);
    active.leader_level = Set(f.leader_level);
    active.deputy_level = Set(f.deputy_level);
    active.work_unit = Set(f.work_unit.clone());
    active.in_service_organ = Set(f.in_service_organ);
    active.exempt = Set(f.exempt);
    active.exempt_reason = Set(f.exempt_reason.clone());
}

/// True when saving `f` would change nothing about the person.
pub fn is_unchanged(model: &person::Model, f: &PersonFields) -> bool {
    model.name == f.name.as_str()
        && model.org_id == f.org_id
        && model.status == f.status
        && model.join_date == f.join_date
        && model.party_post == f.party_post
        && model.leader_level == f.leader_level
        && model.deputy_level == f.deputy_level
        && model.work_unit == f.work_unit
        && model.in_service_organ == f.in_service_organ
        && model.exempt == f.exempt
        && model.exempt_reason == f.exempt_reason
}

/// Creates the person, or updates the one with the same phone: re-importing a roster
/// never duplicates anyone.
pub async fn upsert_by_phone(
    db: &impl ConnectionTrait,
    fields: &PersonFields,
) -> anyhow::Result<Upserted> {
    let now = clock::now();
    match find_by_phone(db, fields.phone.as_str()).await? {
        Some(existing) if is_unchanged(&existing, fields) => Ok(Upserted::Unchanged(existing)),
        Some(existing) => {
            let mut active = existing.into_active_model();
            apply(&mut active, fields);
            active.updated_at = Set(now);
            Ok(Upserted::Updated(
                active.update(db).await.context("cannot update a person")?,
            ))
        }
        None => {
            let mut active = person::ActiveModel {
                active: Set(true),
                wechat_openid: Set(None),
                wechat_unionid: Set(None),
                password_hash: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            };
            apply(&mut active, fields);
            Ok(Upserted::Created(
                active.insert(db).await.context("cannot insert a person")?,
            ))
        }
    }
}

/// Updates a known person in place (the phone may change, if no one else has it).
pub async fn update(
    db: &impl ConnectionTrait,
    existing: person::Model,
    fields: &PersonFields,
) -> Result<person::Model, sea_orm::DbErr> {
    let mut active = existing.into_active_model();
    apply(&mut active, fields);
    active.updated_at = Set(clock::now());
    active.update(db).await
}
