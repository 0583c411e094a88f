//! `huodongri demo`: the demo city's leaders get contact points and a half-done year, and
//! its branch secretaries some talks, so the progress pages show something real. Writes
//! only for people who have no contact point yet, so re-running adds nothing.
use anyhow::Context;
use chrono::{Duration, NaiveDate};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::DutyKind;
use crate::{
    clock,
    domain::{OrgKind, PartyPost},
    entities::{contact_point, duty_entry, organisation, person, talk},
};

/// kind, from, to, where (an organisation), where (a place), topic
type DemoEntry<'a> = (
    DutyKind,
    NaiveDate,
    NaiveDate,
    Option<i64>,
    &'a str,
    &'a str,
);

/// Returns how many leaders were given a year.
pub async fn seed(db: &DatabaseConnection) -> anyhow::Result<usize> {
    let today = clock::now().with_timezone(&clock::shanghai()).date_naive();
    let branches = organisation::Entity::find()
        .filter(organisation::Column::Kind.eq(OrgKind::Branch))
        .order_by_asc(organisation::Column::Id)
        .all(db)
        .await?;
    if branches.is_empty() {
        return Ok(0);
    }
    let leaders = person::Entity::find()
        .filter(person::Column::LeaderLevel.is_not_null())
        .filter(person::Column::Active.eq(true))
        .order_by_asc(person::Column::Id)
        .all(db)
        .await?;
    let assigned: std::collections::HashSet<i64> = contact_point::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|cp| cp.person_id)
        .collect();
    let assigner = leaders.first().map(|p| p.id).unwrap_or_default();
    let txn = crate::db::begin_write(db).await?;
    let mut seeded = 0;
    for (k, leader) in leaders.iter().enumerate() {
        if assigned.contains(&leader.id) {
            continue;
        }
        let point = branches
            .iter()
            .cycle()
            .skip(k)
            .find(|b| b.id != leader.org_id)
            .context("a branch other than the leader's own")?;
        contact_point::ActiveModel {
            person_id: Set(leader.id),
            org_id: Set(point.id),
            valid_from: Set(today - Duration::days(365)),
            valid_until: Set(None),
            assigned_by: Set(assigner),
            created_at: Set(clock::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let ago = |days: i64| today - Duration::days(days);
        // About half of each quota: 15 of 30 research days, 2 of 3 stationed, one visit.
        let entries: [DemoEntry; 5] = [
            (
                DutyKind::Research,
                ago(70),
                ago(63),
                None,
                "乡镇街道",
                "基层治理现状调研",
            ),
            (
                DutyKind::Research,
                ago(45),
                ago(41),
                None,
                "工业园区",
                "民营企业党建调研",
            ),
            (
                DutyKind::Stationed,
                ago(30),
                ago(29),
                Some(point.id),
                "",
                "驻点调研",
            ),
            (
                DutyKind::MicroResearch,
                ago(20),
                ago(20),
                None,
                "农贸市场",
                "物价与供应",
            ),
            (
                DutyKind::ContactVisit,
                ago(10),
                ago(10),
                Some(point.id),
                "",
                "同吃同住同劳动",
            ),
        ];
        for (kind, starts_on, ends_on, org_id, place, topic) in entries {
            duty_entry::ActiveModel {
                person_id: Set(leader.id),
                kind: Set(kind),
                starts_on: Set(starts_on),
                ends_on: Set(ends_on),
                org_id: Set(org_id),
                place: Set(place.to_owned()),
                topic: Set(topic.to_owned()),
                summary: Set(String::new()),
                corrects_id: Set(None),
                created_at: Set(clock::now()),
                updated_at: Set(clock::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        let member = person::Entity::find()
            .filter(person::Column::OrgId.eq(point.id))
            .order_by_asc(person::Column::Id)
            .one(&txn)
            .await?;
        if let Some(member) = member {
            demo_talk(&txn, leader.id, &member, ago(5)).await?;
        }
        seeded += 1;
    }
    // Branch secretaries: one talk with each of their first ten members.
    let secretaries = person::Entity::find()
        .filter(person::Column::PartyPost.eq(PartyPost::Secretary))
        .filter(person::Column::Active.eq(true))
        .all(&txn)
        .await?;
    for secretary in secretaries {
        if !branches.iter().any(|b| b.id == secretary.org_id) {
            continue;
        }
        let already = talk::Entity::find()
            .filter(talk::Column::LeaderId.eq(secretary.id))
            .one(&txn)
            .await?;
        if already.is_some() {
            continue;
        }
        let members = person::Entity::find()
            .filter(person::Column::OrgId.eq(secretary.org_id))
            .filter(person::Column::Id.ne(secretary.id))
            .order_by_asc(person::Column::Id)
            .all(&txn)
            .await?;
        for (n, member) in members.iter().take(10).enumerate() {
            let days = 3 + 7 * i64::try_from(n).unwrap_or_default();
            demo_talk(&txn, secretary.id, member, today - Duration::days(days)).await?;
        }
    }
    txn.commit().await?;
    Ok(seeded)
}

async fn demo_talk(
    db: &impl sea_orm::ConnectionTrait,
    leader_id: i64,
    with: &person::Model,
    on: NaiveDate,
) -> anyhow::Result<()> {
    talk::ActiveModel {
        leader_id: Set(leader_id),
        with_person_id: Set(Some(with.id)),
        with_name: Set(with.name.clone()),
        talked_on: Set(on),
        notes: Set("了解工作和家庭情况，听取意见建议。".to_owned()),
        created_at: Set(clock::now()),
        updated_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
