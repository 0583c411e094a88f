//! Political birthdays (政治生日). Each member's is the anniversary of their joining date
//! (入党日期, on the roster); a 29 February joining date is kept on 28 February in other
//! years. The branch sees whose falls in each month and how many years they have been in
//! the Party, holds a political-birthday activity for a group of them, and records the four
//! items for each: 听取一次思想汇报 (text here, or the report attached as a file),
//! 重温一次入党誓词, 书记谈心交流 (recorded as the secretary's talk, so it counts for their
//! duties) and 组织一次参观学习. On the day itself the member may get a greeting (with their
//! consent; never to someone exempt or no longer on the roster).
use std::collections::HashMap;

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{LifeError, invalid};
use crate::{
    authz::{self, Caller, ORGANISE, READ_DIRECTORY},
    clock,
    config::WechatSettings,
    domain::{Lines, MemberStatus, PlanCategory, PushKind, Text},
    entities::{activity_plan, person, political_birthday},
    push::{NewPush, thing},
};

/// The day of `year` on which a member who joined on `joined` celebrates: the anniversary,
/// or 28 February for a 29 February joining date outside leap years. None before they joined.
pub fn birthday_in(joined: NaiveDate, year: i32) -> Option<NaiveDate> {
    if year <= joined.year() {
        return None;
    }
    NaiveDate::from_ymd_opt(year, joined.month(), joined.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
}

/// Members whose political birthday counts: full and probationary members on the roster.
fn celebrates(p: &person::Model) -> bool {
    p.active
        && matches!(p.status, MemberStatus::Full | MemberStatus::Probationary)
        && p.join_date.is_some()
}

#[derive(Serialize, ToSchema)]
pub struct Celebration {
    pub id: i64,
    pub plan_id: i64,
    /// 听取一次思想汇报: written here, or attached (`owner_type=political_birthday`).
    pub report: String,
    /// 重温一次入党誓词
    pub oath_renewed: bool,
    /// 书记谈心交流: the secretary's talk (counted for their duties).
    pub talk_id: Option<i64>,
    /// 组织一次参观学习
    pub visit_done: bool,
    /// All four items are recorded.
    pub complete: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Birthday {
    pub person_id: i64,
    pub name: String,
    pub org_id: i64,
    pub org_name: String,
    pub join_date: NaiveDate,
    /// This year's date (a 29 February joining date falls on 28 February outside leap years).
    pub birthday: NaiveDate,
    /// Years in the Party on that day.
    pub years: i32,
    /// Null until the branch holds it.
    pub celebration: Option<Celebration>,
}

fn celebration(row: &political_birthday::Model, has_report_file: bool) -> Celebration {
    Celebration {
        id: row.id,
        plan_id: row.plan_id,
        report: row.report.clone(),
        oath_renewed: row.oath_renewed,
        talk_id: row.talk_id,
        visit_done: row.visit_done,
        complete: (has_report_file || !row.report.is_empty())
            && row.oath_renewed
            && row.talk_id.is_some()
            && row.visit_done,
    }
}

/// Views of `people`'s birthdays in `year`, with their celebrations: four statements.
async fn views(
    db: &impl ConnectionTrait,
    people: Vec<person::Model>,
    year: i32,
) -> anyhow::Result<Vec<Birthday>> {
    let rows: HashMap<i64, political_birthday::Model> = political_birthday::Entity::find()
        .filter(political_birthday::Column::Year.eq(year))
        .filter(political_birthday::Column::PersonId.is_in(people.iter().map(|p| p.id)))
        .all(db)
        .await
        .context("cannot read political birthdays")?
        .into_iter()
        .map(|r| (r.person_id, r))
        .collect();
    let files = crate::entities::attachment::Entity::find()
        .filter(
            crate::entities::attachment::Column::OwnerType
                .eq(crate::attachments::AttachmentOwner::PoliticalBirthday),
        )
        .filter(crate::entities::attachment::Column::OwnerId.is_in(rows.values().map(|r| r.id)))
        .all(db)
        .await
        .context("cannot read reports")?;
    let org_names = crate::orgs::names(db, people.iter().map(|p| p.org_id)).await?;
    let mut out: Vec<Birthday> = people
        .into_iter()
        .filter_map(|p| {
            let joined = p.join_date?;
            let birthday = birthday_in(joined, year)?;
            Some(Birthday {
                celebration: rows
                    .get(&p.id)
                    .map(|r| celebration(r, files.iter().any(|f| f.owner_id == r.id))),
                org_name: org_names.get(&p.org_id).cloned().unwrap_or_default(),
                person_id: p.id,
                name: p.name,
                org_id: p.org_id,
                join_date: joined,
                birthday,
                years: year - joined.year(),
            })
        })
        .collect();
    out.sort_by_key(|b| (b.birthday, b.person_id));
    Ok(out)
}

fn check_year(year: Option<i32>) -> Result<i32, LifeError> {
    let this = clock::now().with_timezone(&clock::shanghai()).year();
    let year = year.unwrap_or(this);
    if !(2000..=this + 1).contains(&year) {
        return Err(invalid(format!("year must be 2000–{}", this + 1)));
    }
    Ok(year)
}

/// Filters of an organisation's birthday list.
pub struct ListFilter {
    pub year: Option<i32>,
    /// 1–12: only birthdays in that month.
    pub month: Option<u32>,
    /// Only those not yet celebrated this year.
    pub pending: bool,
}

/// Whose political birthday falls in the year (or one month of it) under an organisation,
/// by date (staff who read it).
pub async fn of_org(
    db: &DatabaseConnection,
    caller: Caller,
    org_id: i64,
    filter: ListFilter,
) -> Result<Vec<Birthday>, LifeError> {
    let year = check_year(filter.year)?;
    if filter.month.is_some_and(|m| !(1..=12).contains(&m)) {
        return Err(invalid("month must be 1–12"));
    }
    authz::require(db, caller, READ_DIRECTORY, org_id).await?;
    let orgs = crate::orgs::subtree_ids(db, org_id).await?;
    let mut people = Vec::new();
    for chunk in orgs.chunks(500) {
        people.extend(
            person::Entity::find()
                .filter(person::Column::OrgId.is_in(chunk.iter().copied()))
                .filter(person::Column::Active.eq(true))
                .filter(person::Column::JoinDate.is_not_null())
                .order_by_asc(person::Column::Id)
                .all(db)
                .await
                .context("cannot read members")?
                .into_iter()
                .filter(celebrates),
        );
    }
    let mut list = views(db, people, year).await?;
    list.retain(|b| {
        filter.month.is_none_or(|m| b.birthday.month() == m)
            && (!filter.pending || b.celebration.is_none())
    });
    Ok(list)
}

/// The caller's own political birthday this year (the card in the mini-program).
pub async fn mine(db: &DatabaseConnection, caller: Caller) -> Result<Birthday, LifeError> {
    let me = crate::people::find(db, caller.person_id)
        .await?
        .filter(celebrates)
        .ok_or(LifeError::NotFound(
            "political birthday (no joining date on the roster)",
        ))?;
    let year = clock::now().with_timezone(&clock::shanghai()).year();
    views(db, vec![me], year)
        .await?
        .pop()
        .ok_or(LifeError::NotFound("political birthday this year"))
}

#[derive(Deserialize, ToSchema)]
pub struct CelebrateRequest {
    /// Members of the activity's branch whose political birthday it celebrates.
    pub person_ids: Vec<i64>,
}

async fn organised_plan(
    db: &impl ConnectionTrait,
    caller: Caller,
    plan_id: i64,
) -> Result<activity_plan::Model, LifeError> {
    let plan = activity_plan::Entity::find_by_id(plan_id)
        .one(db)
        .await
        .context("cannot read a plan")?
        .ok_or(LifeError::NotFound("plan"))?;
    authz::require(db, caller, ORGANISE, plan.org_id).await?;
    Ok(plan)
}

/// Names the members a political-birthday activity celebrates (the branch's organisers).
/// All or nothing: a member of another branch, someone without a joining date, or someone
/// whose birthday this year was already held refuses the whole request.
pub async fn celebrate(
    db: &DatabaseConnection,
    caller: Caller,
    plan_id: i64,
    body: &CelebrateRequest,
) -> Result<Vec<Birthday>, LifeError> {
    let plan = organised_plan(db, caller, plan_id).await?;
    if plan.category != PlanCategory::PoliticalBirthday {
        return Err(invalid(
            "only a 政治生日 activity celebrates political birthdays",
        ));
    }
    let mut ids = body.person_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() || ids.len() > 200 {
        return Err(invalid("name 1–200 members"));
    }
    let people = person::Entity::find()
        .filter(person::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
        .context("cannot read members")?;
    let year = plan.activity_date.year();
    for id in &ids {
        let p = people
            .iter()
            .find(|p| p.id == *id)
            .ok_or_else(|| invalid(format!("person {id} is not on the roster")))?;
        if p.org_id != plan.org_id {
            return Err(invalid(format!(
                "{} is not a member of the activity's branch",
                p.name
            )));
        }
        if !celebrates(p) || p.join_date.and_then(|j| birthday_in(j, year)).is_none() {
            return Err(invalid(format!(
                "{} has no political birthday in {year} (a member with a joining date before it)",
                p.name
            )));
        }
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let now = clock::now();
    for p in &people {
        political_birthday::ActiveModel {
            person_id: Set(p.id),
            year: Set(year),
            plan_id: Set(plan.id),
            report: Set(String::new()),
            oath_renewed: Set(false),
            talk_id: Set(None),
            visit_done: Set(false),
            recorded_by: Set(caller.person_id),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => LifeError::Conflict(format!(
                "{}'s political birthday of {year} is already recorded",
                p.name
            )),
            _ => LifeError::Unexpected(anyhow::Error::new(e).context("cannot store a birthday")),
        })?;
    }
    txn.commit().await.context("cannot commit birthdays")?;
    Ok(views(db, people, year).await?)
}

#[derive(Deserialize, ToSchema)]
pub struct ItemsRequest {
    /// 思想汇报 as text (up to 4000 characters).
    pub report: Option<String>,
    pub oath_renewed: Option<bool>,
    pub visit_done: Option<bool>,
    /// True records the caller's talk with the member (书记谈心交流) on the activity's day;
    /// it counts for the caller's duties. Recorded once.
    #[serde(default)]
    pub secretary_talk: bool,
}

/// Records the four items of one member's celebration (the branch's organisers).
pub async fn record_items(
    db: &DatabaseConnection,
    caller: Caller,
    id: i64,
    body: &ItemsRequest,
) -> Result<Birthday, LifeError> {
    let row = political_birthday::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a political birthday")?
        .ok_or(LifeError::NotFound("political birthday"))?;
    let plan = organised_plan(db, caller, row.plan_id).await?;
    let member = crate::people::find(db, row.person_id)
        .await?
        .ok_or(LifeError::NotFound("person"))?;
    let report = body
        .report
        .as_deref()
        .map(|r| Text::optional(r, "report", 4000, Lines::Many))
        .transpose()
        .map_err(invalid)?;
    if body.secretary_talk && member.id == caller.person_id {
        return Err(invalid("a talk is with someone else"));
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let talk = match (body.secretary_talk, row.talk_id) {
        (true, None) => {
            let talked_on = plan.activity_date.min(clock::today());
            Some(
                crate::duties::talks::record_within(&txn, caller.person_id, &member, talked_on)
                    .await?
                    .id,
            )
        }
        _ => row.talk_id,
    };
    let mut active = row.clone().into_active_model();
    if let Some(report) = report {
        active.report = Set(report.map(Text::into_inner).unwrap_or_default());
    }
    if let Some(oath) = body.oath_renewed {
        active.oath_renewed = Set(oath);
    }
    if let Some(visit) = body.visit_done {
        active.visit_done = Set(visit);
    }
    active.talk_id = Set(talk);
    active.updated_at = Set(clock::now());
    active
        .update(&txn)
        .await
        .context("cannot record the items")?;
    txn.commit().await.context("cannot commit the items")?;
    views(db, vec![member], row.year)
        .await?
        .pop()
        .ok_or(LifeError::NotFound("political birthday"))
}

/// Whether the caller may read (or, with `upload`, add) the report of a celebration: the
/// member themself does both; the branch's organisers do both; staff above read.
pub async fn may_access_report(
    db: &impl ConnectionTrait,
    caller: Caller,
    id: i64,
    upload: bool,
) -> Result<bool, LifeError> {
    let row = political_birthday::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a political birthday")?
        .ok_or(LifeError::NotFound("political birthday"))?;
    if row.person_id == caller.person_id {
        return Ok(true);
    }
    let member = crate::people::find(db, row.person_id)
        .await?
        .ok_or(LifeError::NotFound("political birthday"))?;
    let roles = if upload { ORGANISE } else { READ_DIRECTORY };
    Ok(authz::has_role(db, caller.person_id, roles, member.org_id).await?)
}

/// Queues a greeting to every member whose political birthday is `day` (the scheduler,
/// daily); consent is the reminder template's, as for every notice. Returns how many were new.
pub async fn greet(
    db: &impl ConnectionTrait,
    wechat: &WechatSettings,
    page: &str,
    day: NaiveDate,
) -> anyhow::Result<u64> {
    let candidates = person::Entity::find()
        .filter(person::Column::Active.eq(true))
        .filter(person::Column::Exempt.eq(false))
        .filter(person::Column::JoinDate.is_not_null())
        .filter(person::Column::Status.is_in([MemberStatus::Full, MemberStatus::Probationary]))
        .all(db)
        .await
        .context("cannot read members")?;
    let pushes = candidates
        .into_iter()
        .filter(celebrates)
        .filter_map(|p| {
            let joined = p.join_date?;
            (birthday_in(joined, day.year())? == day).then(|| {
                let years = day.year() - joined.year();
                NewPush {
                    kind: PushKind::PoliticalBirthday,
                    dedupe_key: format!("political_birthday:{}:{}", day.year(), p.id),
                    plan_id: None,
                    person_id: p.id,
                    template_id: wechat.reminder_template_id.clone(),
                    payload: serde_json::json!({
                        "page": page,
                        "data": {
                            "thing1": thing(&format!("{}同志，祝您政治生日快乐", p.name)),
                            "time2": day.format("%Y年%m月%d日").to_string(),
                            "thing3": thing(&format!("今天是您入党{years}周年")),
                        }
                    }),
                }
            })
        })
        .collect();
    crate::push::enqueue(db, pushes).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("a date")
    }

    #[test]
    fn a_leap_day_joining_date_is_kept_on_28_february_in_other_years() {
        assert_eq!(birthday_in(d(2000, 2, 29), 2027), Some(d(2027, 2, 28)));
        assert_eq!(birthday_in(d(2000, 2, 29), 2028), Some(d(2028, 2, 29)));
        assert_eq!(birthday_in(d(1990, 7, 1), 2026), Some(d(2026, 7, 1)));
    }

    #[test]
    fn there_is_no_birthday_in_the_joining_year_or_before() {
        assert_eq!(birthday_in(d(2026, 7, 1), 2026), None);
        assert_eq!(birthday_in(d(2026, 7, 1), 2025), None);
    }
}
