//! What became of a plan's notifications, as the secretary sees it: per person the channel
//! that reached them and the outcome, totals per channel, the people reached by neither
//! channel (to be phoned or told at the branch), and marking one of them as told in person.
use std::collections::HashMap;

use anyhow::Context;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    sea_query::Expr,
};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::error::DeliveryError;
use crate::{
    audit::{self, Actor, AuditEntry},
    authz::{self, Caller, MANAGE_PEOPLE, ORGANISE, READ_DIRECTORY, Scope},
    clock,
    domain::{Channel, DeliveryStatus, Phone, PushKind},
    entities::{activity_plan, organisation, person, push_outbox},
};

#[derive(Serialize, ToSchema)]
pub struct DeliveryResponse {
    pub kind: PushKind,
    pub person_id: i64,
    pub name: String,
    /// In full where the caller manages the member, else masked (`138****5678`).
    pub phone: String,
    /// subscribe, official_account or in_person: what reached the person; `null` while
    /// nothing has.
    pub channel: Option<Channel>,
    /// pending, sending, sent, no_consent, not_following, no_wechat, failed, unknown,
    /// told_in_person
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub updated_at: String,
}

/// One kind of notification of the plan (the preview, the day-before reminder…).
#[derive(Serialize, ToSchema)]
pub struct KindTotals {
    pub kind: PushKind,
    pub total: u32,
    /// Reached by the mini-program's subscribe message.
    pub subscribe: u32,
    /// Reached by the official account's template message.
    pub official_account: u32,
    /// Told in person by the secretary.
    pub in_person: u32,
    /// Reached by no channel: no consent and not following, no WeChat, failed or unknown.
    pub unreached: u32,
    /// Still queued or in flight.
    pub under_way: u32,
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryReport {
    pub plan_id: i64,
    pub totals: Vec<KindTotals>,
    /// One row per person and kind, in the order they were queued.
    pub people: Vec<DeliveryResponse>,
}

fn is_unreached(status: DeliveryStatus) -> bool {
    !status.reached() && !status.under_way()
}

/// Four queries, whatever the plan's size: the plan, the rows, their people, the scope.
pub async fn report(
    db: &DatabaseConnection,
    user: Caller,
    plan_id: i64,
) -> Result<DeliveryReport, DeliveryError> {
    let plan = readable_plan(db, user, plan_id).await?;
    let rows = push_outbox::Entity::find()
        .filter(push_outbox::Column::PlanId.eq(plan.id))
        .order_by_asc(push_outbox::Column::Id)
        .all(db)
        .await
        .context("cannot read deliveries")?;
    let people = people_of(db, rows.iter().map(|r| r.person_id)).await?;
    let scope = Scope::load(db, user.person_id).await?;
    let mut totals: Vec<KindTotals> = Vec::new();
    for row in &rows {
        let at = match totals.iter().position(|t| t.kind == row.kind) {
            Some(at) => at,
            None => {
                totals.push(KindTotals {
                    kind: row.kind,
                    total: 0,
                    subscribe: 0,
                    official_account: 0,
                    in_person: 0,
                    unreached: 0,
                    under_way: 0,
                });
                totals.len() - 1
            }
        };
        let kind = &mut totals[at];
        kind.total += 1;
        match (row.status.reached(), row.channel) {
            (true, Some(Channel::Subscribe)) => kind.subscribe += 1,
            (true, Some(Channel::OfficialAccount)) => kind.official_account += 1,
            (true, _) => kind.in_person += 1,
            (false, _) if row.status.under_way() => kind.under_way += 1,
            (false, _) => kind.unreached += 1,
        }
    }
    let people = rows
        .into_iter()
        .map(|row| response(row, &people, &scope))
        .collect();
    Ok(DeliveryReport {
        plan_id: plan.id,
        totals,
        people,
    })
}

/// The plan's preview recipients reached by no channel, as a workbook to phone down.
pub async fn unreached_workbook(
    db: &DatabaseConnection,
    user: Caller,
    plan_id: i64,
) -> Result<Vec<u8>, DeliveryError> {
    let plan = readable_plan(db, user, plan_id).await?;
    let rows: Vec<push_outbox::Model> = push_outbox::Entity::find()
        .filter(push_outbox::Column::PlanId.eq(plan.id))
        .filter(push_outbox::Column::Kind.eq(PushKind::Preview))
        .order_by_asc(push_outbox::Column::Id)
        .all(db)
        .await
        .context("cannot read deliveries")?
        .into_iter()
        .filter(|row| is_unreached(row.status))
        .collect();
    let people = people_of(db, rows.iter().map(|r| r.person_id)).await?;
    let orgs: HashMap<i64, String> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(people.values().map(|p| p.org_id)))
        .all(db)
        .await
        .context("cannot read organisations")?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let scope = Scope::load(db, user.person_id).await?;
    let lines = rows.into_iter().filter_map(|row| {
        let person = people.get(&row.person_id)?;
        Some(vec![
            person.name.clone(),
            orgs.get(&person.org_id).cloned().unwrap_or_default(),
            shown_phone(person, &scope),
            row.status.label().to_owned(),
            reason(row.status).to_owned(),
        ])
    });
    Ok(crate::spreadsheet::list_workbook(
        "未送达名单",
        &[
            ("姓名", 12.0),
            ("所在组织", 28.0),
            ("手机号", 16.0),
            ("情况", 14.0),
            ("说明", 40.0),
        ],
        lines,
    )?)
}

/// What the secretary can do about each outcome, in the words of the workbook.
fn reason(status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::NoConsent => "未在小程序订阅预告，也未关注公众号",
        DeliveryStatus::NotFollowing => "已取消关注公众号，且没有可用的订阅",
        DeliveryStatus::NoWechat => "尚未在小程序绑定微信",
        DeliveryStatus::Failed => "微信发送失败",
        DeliveryStatus::Unknown => "发送时服务中断，为免重复未再发送",
        _ => "",
    }
}

/// Marks one member's preview as told in person (by phone or at the branch): it then counts
/// as delivered. Only for a preview no channel reached; audited.
pub async fn told_in_person(
    db: &DatabaseConnection,
    user: Caller,
    plan_id: i64,
    person_id: i64,
    request_id: Option<String>,
) -> Result<DeliveryResponse, DeliveryError> {
    let plan = activity_plan::Entity::find_by_id(plan_id)
        .one(db)
        .await
        .context("cannot read a plan")?
        .ok_or(DeliveryError::PlanNotFound)?;
    authz::require(db, user, ORGANISE, plan.org_id).await?;
    let txn = crate::db::begin_write(db).await?;
    let row = push_outbox::Entity::find()
        .filter(push_outbox::Column::PlanId.eq(plan.id))
        .filter(push_outbox::Column::PersonId.eq(person_id))
        .filter(push_outbox::Column::Kind.eq(PushKind::Preview))
        .one(&txn)
        .await
        .context("cannot read the delivery")?
        .ok_or(DeliveryError::NotFound)?;
    if row.status.reached() {
        return Err(DeliveryError::AlreadyReached(row.status.label()));
    }
    if row.status.under_way() {
        return Err(DeliveryError::UnderWay);
    }
    let now = clock::now();
    // Conditional on the status read: a retry the worker picked up meanwhile wins.
    let changed = push_outbox::Entity::update_many()
        .col_expr(
            push_outbox::Column::Status,
            Expr::value(DeliveryStatus::ToldInPerson),
        )
        .col_expr(push_outbox::Column::Channel, Expr::value(Channel::InPerson))
        .col_expr(push_outbox::Column::UpdatedAt, Expr::value(now))
        .filter(push_outbox::Column::Id.eq(row.id))
        .filter(push_outbox::Column::Status.eq(row.status))
        .exec(&txn)
        .await
        .context("cannot mark the delivery")?;
    if changed.rows_affected == 0 {
        return Err(DeliveryError::UnderWay);
    }
    audit::record(
        &txn,
        request_id,
        AuditEntry {
            actor: Actor::Person(user.person_id),
            action: "delivery.told_in_person",
            target_type: "push_outbox",
            target_id: row.id.to_string(),
            org_id: Some(plan.org_id),
            detail: json!({"plan_id": plan.id, "person_id": person_id, "before": row.status}),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit")?;
    let people = people_of(db, [person_id]).await?;
    let scope = Scope::load(db, user.person_id).await?;
    let row = push_outbox::Model {
        status: DeliveryStatus::ToldInPerson,
        channel: Some(Channel::InPerson),
        updated_at: now,
        ..row
    };
    Ok(response(row, &people, &scope))
}

async fn readable_plan(
    db: &DatabaseConnection,
    user: Caller,
    plan_id: i64,
) -> Result<activity_plan::Model, DeliveryError> {
    let plan = activity_plan::Entity::find_by_id(plan_id)
        .one(db)
        .await
        .context("cannot read a plan")?
        .ok_or(DeliveryError::PlanNotFound)?;
    authz::require(db, user, READ_DIRECTORY, plan.org_id).await?;
    Ok(plan)
}

async fn people_of(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> anyhow::Result<HashMap<i64, person::Model>> {
    Ok(person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .all(db)
        .await
        .context("cannot read people")?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

fn shown_phone(person: &person::Model, scope: &Scope) -> String {
    if scope.allows(MANAGE_PEOPLE, person.org_id) {
        person.phone.clone()
    } else {
        Phone::mask(&person.phone)
    }
}

fn response(
    row: push_outbox::Model,
    people: &HashMap<i64, person::Model>,
    scope: &Scope,
) -> DeliveryResponse {
    let person = people.get(&row.person_id);
    DeliveryResponse {
        kind: row.kind,
        person_id: row.person_id,
        name: person.map(|p| p.name.clone()).unwrap_or_default(),
        phone: person.map(|p| shown_phone(p, scope)).unwrap_or_default(),
        channel: row.channel,
        status: row.status,
        attempts: row.attempts,
        last_error: row.last_error,
        updated_at: row
            .updated_at
            .with_timezone(&clock::shanghai())
            .to_rfc3339(),
    }
}
