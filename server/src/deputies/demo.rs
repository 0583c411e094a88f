//! `huodongri demo`: a deputies' studio of the demo city with its city and county deputies,
//! this month's and next month's rota, and cases in several states (open, being handled,
//! answered and waiting for the raiser's verdict, closed with a rating, overdue and flagged
//! upward). Runs once: a city that already has a studio gets nothing more.
use anyhow::Context;
use chrono::Datelike;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

use super::{MatterAction, Rating, matters, rota};
use crate::{
    audit::Actor,
    clock,
    domain::OrgKind,
    entities::{organisation, person, studio, studio_deputy, studio_opening},
};

/// Category, title, who raised it, days to the deadline once forwarded, and the steps taken.
type DemoCase = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    Vec<(MatterAction, Option<Rating>)>,
);

/// Returns the number of cases seeded (0 when the demo already has a studio).
pub async fn seed(db: &DatabaseConnection) -> anyhow::Result<usize> {
    if studio::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let deputies = person::Entity::find()
        .filter(person::Column::DeputyLevel.is_not_null())
        .filter(person::Column::Active.eq(true))
        .order_by_asc(person::Column::Id)
        .all(db)
        .await?;
    let Some(runner) = organisation::Entity::find()
        .filter(organisation::Column::Kind.eq(OrgKind::Committee))
        .order_by_asc(organisation::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    let deputies: Vec<person::Model> = deputies.into_iter().take(4).collect();
    if deputies.len() < 2 {
        return Ok(0);
    }
    let now = clock::now();
    let row = studio::ActiveModel {
        name: Set(format!(
            "{}党代表工作室",
            runner.name.trim_end_matches("党委")
        )),
        address: Set("文昌中路1号党群服务中心二楼".to_owned()),
        org_id: Set(runner.id),
        code: Set(crate::checkin::facts::new_code()),
        window_seconds: Set(30),
        created_by: Set(deputies[0].id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("cannot store the demo studio")?;
    studio_deputy::Entity::insert_many(deputies.iter().map(|d| studio_deputy::ActiveModel {
        studio_id: Set(row.id),
        person_id: Set(d.id),
        ..Default::default()
    }))
    .exec(db)
    .await?;
    // 每周二、四上午接待.
    studio_opening::Entity::insert_many([2i16, 4].map(|weekday| studio_opening::ActiveModel {
        studio_id: Set(row.id),
        weekday: Set(weekday),
        starts_at: Set("09:00".to_owned()),
        ends_at: Set("11:30".to_owned()),
        capacity: Set(5),
        ..Default::default()
    }))
    .exec(db)
    .await?;
    let today = crate::clock::today();
    let this_month = today.with_day(1).context("a first day")?;
    for first in [this_month, this_month + chrono::Months::new(1)] {
        rota::generate_month(db, &row, first, Actor::CommandLine, None)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let handler = organisation::Entity::find()
        .filter(organisation::Column::ParentId.eq(runner.id))
        .order_by_asc(organisation::Column::Id)
        .one(db)
        .await?
        .map_or(runner.id, |o| o.id);
    use MatterAction::{Answer, Forward, Rate, Reopen};
    let cases: [DemoCase; 5] = [
        ("livelihood", "幸福小区3栋前路灯不亮", "王大爷", 15, vec![]),
        (
            "governance",
            "村道破损需修补",
            "孙大妈",
            15,
            vec![(Forward, None)],
        ),
        (
            "environment",
            "河道垃圾清理不及时",
            "李师傅",
            15,
            vec![(Forward, None), (Answer, None)],
        ),
        (
            "livelihood",
            "老旧小区加装电梯",
            "赵阿姨",
            15,
            vec![
                (Forward, None),
                (Answer, None),
                (Reopen, Some(Rating::Unsatisfied)),
                (Answer, None),
                (Rate, Some(Rating::Satisfied)),
            ],
        ),
        (
            "party_building",
            "流动党员组织关系接转慢",
            "陈同志",
            -3,
            vec![(Forward, None)],
        ),
    ];
    let mut seeded = 0;
    for (i, (category, title, raiser, due, path)) in cases.into_iter().enumerate() {
        let deputy = &deputies[i % deputies.len()];
        let case = matters::NewCase::parse(
            category,
            title,
            &format!("{raiser}在党代表工作室反映：{title}。"),
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        matters::seed_case(db, deputy, raiser, case, handler, due, &path).await?;
        seeded += 1;
    }
    // The one forwarded with a past deadline is flagged to the organisation above now.
    matters::escalate_overdue(db, today).await?;
    Ok(seeded)
}
