//! `huodongri demo`: notices of the demo city (a committee's finances to its subtree, a
//! branch's own 党务 notice, a community's public 政务 notice) and a pair (结对共建) of two
//! branches of different committees for this year, with an exchange logged; and the city's
//! themed activity (集中主题活动) of next month, filed, joined by three branches at their own
//! venues. Political birthdays need no
//! seed: the demo roster's joining dates already fall in every month. Runs once.
use anyhow::Context;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

use super::{Audience, NoticeKind};
use crate::{
    clock,
    domain::OrgKind,
    domain::{PlanCategory, PlanStatus},
    entities::{
        activity_plan, notice, org_pair, org_pair_entry, organisation, person, themed_venue,
    },
};

/// Returns how many notices were seeded (0 when the demo already has some).
pub async fn seed(db: &DatabaseConnection) -> anyhow::Result<usize> {
    if notice::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let first = |kind: OrgKind| {
        organisation::Entity::find()
            .filter(organisation::Column::Kind.eq(kind))
            .order_by_asc(organisation::Column::Id)
            .one(db)
    };
    let (Some(committee), Some(branch)) = (
        first(OrgKind::Committee).await?,
        first(OrgKind::Branch).await?,
    ) else {
        return Ok(0);
    };
    let community = first(OrgKind::Community).await?;
    let Some(author) = person::Entity::find()
        .order_by_asc(person::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    let now = clock::now();
    let mut notices = vec![
        (
            committee.id,
            NoticeKind::Finance,
            Audience::Subtree,
            None,
            "2026年党费收缴、使用和管理情况",
            "全年收缴党费 126,480 元，按规定上缴 63,240 元；用于党员教育培训 21,300 元、慰问困难党员 18,000 元，结余 23,940 元。明细见附件。",
        ),
        (
            branch.id,
            NoticeKind::Party,
            Audience::Members,
            None,
            "关于接收预备党员的公示",
            "经支部委员会研究，拟接收王某某同志为中共预备党员，公示期 5 个工作日。如有意见，请向支部书记反映。",
        ),
    ];
    if let Some(community) = &community
        && let Some(parent) = community.parent_id
    {
        notices.push((
            parent,
            NoticeKind::Government,
            Audience::Public,
            Some(community.id),
            "老旧小区改造项目公示",
            "本年度改造范围：东关街片区 12 栋住宅的屋面、管网和加装电梯。施工期间请居民注意出行安全。",
        ));
    }
    let count = notices.len();
    let branches = organisation::Entity::find()
        .filter(organisation::Column::Kind.eq(OrgKind::Branch))
        .order_by_asc(organisation::Column::Id)
        .all(db)
        .await?;
    let other_side = branches
        .iter()
        .find(|b| b.parent_id != branch.parent_id && b.id != branch.id);
    if let Some(other) = other_side {
        let today = now.with_timezone(&clock::shanghai()).date_naive();
        let year = chrono::Datelike::year(&today);
        let pair = org_pair::ActiveModel {
            org_a: Set(branch.id),
            org_b: Set(other.id),
            starts_on: Set(chrono::NaiveDate::from_ymd_opt(year, 1, 1).context("a day")?),
            ends_on: Set(chrono::NaiveDate::from_ymd_opt(year, 12, 31).context("a day")?),
            goals: Set(
                "机关支部与村党支部结对：每季度一次联合主题党日，帮助对接农产品销路".to_owned(),
            ),
            created_by: Set(author.id),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .context("cannot store the demo pair")?;
        org_pair_entry::ActiveModel {
            pair_id: Set(pair.id),
            org_id: Set(branch.id),
            kind: Set(super::PairEntryKind::Exchange),
            on_date: Set(today),
            summary: Set("两支部书记座谈，商定明年共建计划".to_owned()),
            created_by: Set(author.id),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .context("cannot store the demo pair's exchange")?;
    }
    for (org_id, kind, audience, community_id, title, body) in notices {
        notice::ActiveModel {
            org_id: Set(org_id),
            kind: Set(kind),
            audience: Set(audience),
            community_id: Set(community_id),
            title: Set(title.to_owned()),
            body: Set(body.to_owned()),
            author_id: Set(author.id),
            published_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .context("cannot store a demo notice")?;
    }
    themed_city_activity(db, author.id, &branches).await?;
    Ok(count)
}

/// The city's themed activity on the 15th of next month, joined by the first three branches.
async fn themed_city_activity(
    db: &DatabaseConnection,
    author: i64,
    branches: &[organisation::Model],
) -> anyhow::Result<()> {
    let Some(city) = organisation::Entity::find()
        .filter(organisation::Column::Kind.eq(OrgKind::City))
        .order_by_asc(organisation::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let today = clock::today();
    let day = chrono::Datelike::with_day(&today, 15).context("a day")? + chrono::Months::new(1);
    let now = clock::now();
    let plan = activity_plan::ActiveModel {
        org_id: Set(city.id),
        month: Set(day.format("%Y-%m").to_string()),
        version: Set(1),
        status: Set(PlanStatus::Filed),
        theme: Set("学习贯彻全会精神集中主题党日（演示）".to_owned()),
        category: Set(PlanCategory::PartyLecture),
        activity_date: Set(day),
        start_time: Set("09:00".to_owned()),
        end_time: Set("11:00".to_owned()),
        date_reason: Set(Some("全市统一安排".to_owned())),
        place: Set("各支部活动室".to_owned()),
        requirements: Set("各支部在本支部会场扫码签到。".to_owned()),
        organiser: Set("市委组织部".to_owned()),
        checkin_opens_minutes_before: Set(30),
        checkin_closes_minutes_after: Set(60),
        filed_to_org_id: Set(Some(city.id)),
        filed_at: Set(Some(now)),
        created_by: Set(author),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("cannot store the demo themed activity")?;
    for branch in branches.iter().take(3) {
        themed_venue::ActiveModel {
            plan_id: Set(plan.id),
            branch_id: Set(branch.id),
            code: Set(crate::checkin::facts::new_code()),
            ..Default::default()
        }
        .insert(db)
        .await
        .context("cannot store a demo venue")?;
    }
    crate::plans::participants::snapshot_participants(db, &plan, &[])
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}
