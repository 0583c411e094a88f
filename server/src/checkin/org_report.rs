//! Attendance across an organisation's subtree for a month or a year: which activities and
//! which organisations fall below 80 %, and the ledger of the period as a spreadsheet.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    AttendanceError,
    attendance::{self, LeaderAttendance},
    error::invalid,
    export,
    live::THRESHOLD,
};
use crate::{
    authz::{self, Caller, READ_DIRECTORY},
    entities::organisation,
    orgs,
};

#[derive(Deserialize, IntoParams)]
pub struct PeriodQuery {
    /// YYYY-MM; or give `year` for the whole year.
    pub month: Option<String>,
    pub year: Option<i32>,
    /// json (default), csv or xlsx (ledger only)
    pub format: Option<String>,
}

struct Period {
    from: NaiveDate,
    to: NaiveDate,
    label: String,
}

fn period(query: &PeriodQuery) -> Result<Period, AttendanceError> {
    match (&query.month, query.year) {
        (Some(month), None) => {
            let (year, month) =
                crate::domain::dates::parse_month(month).map_err(AttendanceError::InvalidInput)?;
            let first =
                NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| invalid("bad month"))?;
            let next = first
                .checked_add_months(chrono::Months::new(1))
                .ok_or_else(|| invalid("month out of range"))?;
            Ok(Period {
                from: first,
                to: next.pred_opt().unwrap_or(first),
                label: first.format("%Y年%m月").to_string(),
            })
        }
        (None, Some(year)) if (2000..=2100).contains(&year) => Ok(Period {
            from: NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| invalid("bad year"))?,
            to: NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| invalid("bad year"))?,
            label: format!("{year}年"),
        }),
        _ => Err(invalid(
            "give either month=YYYY-MM or year=YYYY (2000–2100)",
        )),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ActivitySummary {
    pub activity_id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub activity_date: NaiveDate,
    pub theme: String,
    pub expected: u64,
    pub present: u64,
    pub on_leave: u64,
    pub absent: u64,
    pub guests: u64,
    pub rate: Option<f64>,
    pub below_threshold: bool,
    /// Leading cadres among the expected, apart from the rate (§三.2).
    pub leaders: LeaderAttendance,
    /// Members who rated the activity.
    pub feedback_answers: u64,
    /// Their average rating (1–5), shown from `feedback.min_answers` answers on.
    pub feedback_average: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct OrgSummary {
    pub org_id: i64,
    pub org_name: String,
    pub activities: u64,
    pub expected: u64,
    pub present: u64,
    pub rate: Option<f64>,
    pub below_threshold: bool,
    /// Leading cadres among the expected, apart from the rate (§三.2).
    pub leaders: LeaderAttendance,
    /// Members' ratings of the period's activities: how many, and their average (1–5) from
    /// `feedback.min_answers` answers on.
    pub feedback_answers: u64,
    pub feedback_average: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct OrgAttendanceResponse {
    pub org_id: i64,
    pub period: String,
    pub organisations: Vec<OrgSummary>,
    pub activities: Vec<ActivitySummary>,
}

async fn readable_org(
    db: &DatabaseConnection,
    caller: Caller,
    org_id: i64,
) -> Result<organisation::Model, AttendanceError> {
    let org = orgs::find(db, org_id)
        .await?
        .ok_or(AttendanceError::OrgNotFound)?;
    authz::require(db, caller, READ_DIRECTORY, org_id).await?;
    Ok(org)
}

/// Participation per activity and per organisation of a subtree for a month or a year;
/// those under 80 % are flagged.
pub async fn summary(
    db: &DatabaseConnection,
    caller: Caller,
    org_id: i64,
    query: &PeriodQuery,
    min_answers: u32,
) -> Result<OrgAttendanceResponse, AttendanceError> {
    let period = period(query)?;
    readable_org(db, caller, org_id).await?;
    let mut activities = Vec::new();
    let mut per_org: BTreeMap<i64, OrgSummary> = BTreeMap::new();
    let plans = attendance::filed_plans(db, org_id, period.from, period.to).await?;
    let plan_ids: Vec<i64> = plans.iter().map(|(p, _)| p.id).collect();
    let ratings = crate::feedback::totals(db, &plan_ids).await?;
    let mut rating_sums: BTreeMap<i64, (u64, u64)> = BTreeMap::new();
    for (plan, side) in plans {
        let a = attendance::for_side(db, plan, Some(side)).await?;
        let c = a.counts;
        let entry = per_org.entry(a.org.id).or_insert_with(|| OrgSummary {
            org_id: a.org.id,
            org_name: a.org.name.clone(),
            activities: 0,
            expected: 0,
            present: 0,
            rate: None,
            below_threshold: false,
            leaders: LeaderAttendance::default(),
            feedback_answers: 0,
            feedback_average: None,
        });
        entry.activities += 1;
        entry.expected += c.expected;
        entry.present += c.present;
        entry.leaders.expected += a.leaders.expected;
        entry.leaders.present += a.leaders.present;
        let rated = ratings.get(&a.plan.id).copied().unwrap_or_default();
        let sums = rating_sums.entry(a.org.id).or_default();
        sums.0 += rated.0;
        sums.1 += rated.1;
        activities.push(ActivitySummary {
            feedback_answers: rated.0,
            feedback_average: crate::feedback::average(rated, min_answers),
            activity_id: a.plan.id,
            org_id: a.org.id,
            org_name: a.org.name,
            activity_date: a.plan.activity_date,
            theme: a.plan.theme,
            expected: c.expected,
            present: c.present,
            on_leave: c.on_leave,
            absent: c.absent,
            guests: c.guests,
            rate: c.rate,
            below_threshold: c.below_threshold,
            leaders: a.leaders,
        });
    }
    let organisations = per_org
        .into_values()
        .map(|mut o| {
            o.rate = (o.expected > 0).then(|| o.present as f64 / o.expected as f64);
            o.below_threshold = o.rate.is_some_and(|r| r < THRESHOLD);
            let rated = rating_sums.get(&o.org_id).copied().unwrap_or_default();
            o.feedback_answers = rated.0;
            o.feedback_average = crate::feedback::average(rated, min_answers);
            o
        })
        .collect();
    Ok(OrgAttendanceResponse {
        org_id,
        period: period.label,
        organisations,
        activities,
    })
}

/// A file to download: its bytes, what they are and a name without extension.
pub struct LedgerFile {
    pub bytes: Vec<u8>,
    pub xlsx: bool,
    pub name: String,
}

/// The ledger (台账) of an organisation's subtree for a month or a year, as CSV or XLSX.
pub async fn ledger_file(
    db: &DatabaseConnection,
    caller: Caller,
    org_id: i64,
    query: &PeriodQuery,
) -> Result<LedgerFile, AttendanceError> {
    let period = period(query)?;
    let xlsx = match query.format.as_deref().unwrap_or("xlsx") {
        "xlsx" => true,
        "csv" => false,
        _ => return Err(invalid("the org ledger is a file: use format=csv or xlsx")),
    };
    let org = readable_org(db, caller, org_id).await?;
    let mut activities = Vec::new();
    for (plan, side) in attendance::filed_plans(db, org_id, period.from, period.to).await? {
        let a = attendance::for_side(db, plan, Some(side)).await?;
        activities.push(attendance::ledger(db, &a).await?);
    }
    let ledger = export::OrgLedger {
        org_name: org.name,
        org_code: org.code.clone(),
        period: period.label,
        activities,
    };
    Ok(LedgerFile {
        bytes: if xlsx {
            export::org_xlsx(&ledger)?
        } else {
            export::org_csv(&ledger)
        },
        xlsx,
        name: format!("ledger-{}-{}", org.code, period.from.format("%Y%m")),
    })
}
