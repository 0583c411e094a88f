//! The holiday calendar in the database (seeded by a migration, new years loaded by admins).
//! Read per use, and only the years a caller needs (a month's activity day may move into the
//! next year), so every server instance sees a newly loaded year at once.
use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use anyhow::Context;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{Value, json};

use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    calendar::{ActivityDay, Calendar, CalendarError, Policy, YearCalendar},
    domain::DayKind,
    entities::calendar_day,
};

pub async fn load_years(db: &impl ConnectionTrait, years: &[i32]) -> anyhow::Result<Calendar> {
    let rows = calendar_day::Entity::find()
        .filter(calendar_day::Column::Year.is_in(years.iter().copied()))
        .order_by_asc(calendar_day::Column::Day)
        .all(db)
        .await
        .context("cannot read the holiday calendar")?;
    let mut years: BTreeMap<i32, (Vec<Value>, Vec<Value>)> = BTreeMap::new();
    for row in rows {
        let entry = json!([row.day.format("%Y-%m-%d").to_string(), row.name]);
        let (holidays, workdays) = years.entry(row.year).or_default();
        if row.kind == DayKind::Holiday {
            holidays.push(entry);
        } else {
            workdays.push(entry);
        }
    }
    let mut calendar = Calendar::default();
    for (year, (holidays, workdays)) in years {
        let year_calendar =
            YearCalendar::parse(year, &json!({"holidays": holidays, "workdays": workdays}))
                .map_err(anyhow::Error::msg)
                .with_context(|| format!("the stored calendar of {year} is inconsistent"))?;
        calendar.insert(year_calendar);
    }
    Ok(calendar)
}

/// Replaces one year's arrangement atomically (an amended notice, or next year's).
/// Loads (or replaces) a year's official arrangement, audited in the same transaction.
/// Only an org-department admin of a top-level organisation may: the calendar is the city's.
pub async fn load_year(
    db: &sea_orm::DatabaseConnection,
    caller: crate::authz::Caller,
    year: &YearCalendar,
    request_id: Option<String>,
) -> Result<bool, anyhow::Error> {
    use crate::entities::organisation;
    let roots = organisation::Entity::find()
        .filter(organisation::Column::ParentId.is_null())
        .all(db)
        .await
        .context("cannot read the top of the tree")?;
    let mut allowed = false;
    for root in &roots {
        allowed |= crate::authz::has_role(
            db,
            caller.person_id,
            &[crate::domain::Role::OrgAdmin],
            root.id,
        )
        .await?;
    }
    if !allowed {
        return Ok(false);
    }
    let entry = crate::audit::AuditEntry {
        actor: crate::audit::Actor::Person(caller.person_id),
        action: "calendar.load_year",
        target_type: "calendar",
        target_id: year.year().to_string(),
        org_id: roots.first().map(|r| r.id),
        detail: serde_json::json!({"holidays": year.holidays().count(), "workdays": year.workdays().count()}),
    };
    replace_year(db, year, Some((entry, request_id))).await?;
    Ok(true)
}

/// Replaces a year's rows in one transaction, with its audit entry when a person did it.
pub async fn replace_year(
    db: &sea_orm::DatabaseConnection,
    year: &YearCalendar,
    audit: Option<(crate::audit::AuditEntry, Option<String>)>,
) -> anyhow::Result<()> {
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    calendar_day::Entity::delete_many()
        .filter(calendar_day::Column::Year.eq(year.year()))
        .exec(&txn)
        .await
        .context("cannot clear the year")?;
    let rows: Vec<calendar_day::ActiveModel> = year
        .holidays()
        .map(|(day, name)| (day, name, DayKind::Holiday))
        .chain(
            year.workdays()
                .map(|(day, name)| (day, name, DayKind::Workday)),
        )
        .map(|(day, name, kind)| calendar_day::ActiveModel {
            day: Set(day),
            year: Set(year.year()),
            kind: Set(kind),
            name: Set(name.to_owned()),
        })
        .collect();
    if !rows.is_empty() {
        calendar_day::Entity::insert_many(rows)
            .exec(&txn)
            .await
            .context("cannot store the year")?;
    }
    if let Some((entry, request_id)) = audit {
        crate::audit::record(&txn, request_id, entry).await?;
    }
    txn.commit().await.context("cannot commit the year")?;
    Ok(())
}

#[derive(Serialize, ToSchema)]
pub struct CalendarResponse {
    pub year: i32,
    pub policy: Policy,
    pub months: Vec<ActivityDay>,
}

#[derive(thiserror::Error)]
pub enum CalendarRouteError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("no such organisation")]
    OrgNotFound,
    #[error(transparent)]
    YearMissing(CalendarError),
    #[error("only an org-department admin of a top-level organisation may load holiday data")]
    Forbidden,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl crate::error::ApiError for CalendarRouteError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::InvalidInput(_) => (StatusCode::BAD_REQUEST, "calendar.invalid_input"),
            Self::OrgNotFound => (StatusCode::NOT_FOUND, "org.not_found"),
            Self::YearMissing(_) => (StatusCode::NOT_FOUND, "calendar.year_missing"),
            Self::Forbidden => (StatusCode::FORBIDDEN, "auth.forbidden"),
            Self::Unexpected(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

crate::api_error!(CalendarRouteError);

/// Every month's activity day and preview deadline of `year` under a policy: the one given,
/// else organisation `org`'s, else the default (`next_working_day`).
pub async fn activity_year(
    db: &impl ConnectionTrait,
    year: i32,
    policy: Option<&str>,
    org: Option<i64>,
) -> Result<CalendarResponse, CalendarRouteError> {
    let year = crate::domain::dates::check_year(year).map_err(CalendarRouteError::InvalidInput)?;
    let policy = match (policy, org) {
        (Some(_), Some(_)) => {
            return Err(CalendarRouteError::InvalidInput(
                "give either policy or org, not both".into(),
            ));
        }
        (Some(raw), None) => Policy::parse(raw).map_err(CalendarRouteError::InvalidInput)?,
        (None, Some(org_id)) => {
            let org = crate::orgs::find(db, org_id)
                .await?
                .ok_or(CalendarRouteError::OrgNotFound)?;
            org.activity_day_policy
        }
        (None, None) => Policy::NextWorkingDay,
    };
    let calendar = load_years(db, &[year, year + 1]).await?;
    let months = calendar.year_plan(year, policy).map_err(|e| match e {
        CalendarError::YearMissing(_) => CalendarRouteError::YearMissing(e),
        other => CalendarRouteError::InvalidInput(other.to_string()),
    })?;
    Ok(CalendarResponse {
        year,
        policy,
        months,
    })
}
