//! The console's pages of an organisation: its overview with charts, people, roster import,
//! the review queue, attendance and ledgers, the live board and the audit log. Each calls the
//! same service function as the matching JSON endpoint, with the same checks.
use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, http::header, web};
use askama::Template;
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use tracing_actix_web::RequestId;

use super::frame::{Chrome, Frame, Pager, TopBar, XLSX, attachment, frame, percent, this_month};
use crate::calendar::Policy;
use crate::directory::roster::Refusal;
use crate::{
    assessment::dashboard::{self, Dashboard, LiveBoard, PeriodQuery},
    attachments::form,
    auth::account,
    checkin::{CheckinService, org_report},
    config::{DutySettings, FeedbackSettings},
    console::{
        ConsoleUser, PageError,
        chart::{self, Bar},
        page::{html, see_other},
    },
    directory::{
        DirectoryError,
        manage::{
            self, AuditEntryResponse, AuditQuery, ExportQuery, ImportReport, OrgResponse,
            PeopleQuery, PersonResponse,
        },
    },
    pagination::{Page, PageQuery},
    plans::{self, view::ReviewRequest},
};

// ---- home ----

struct GrantRow {
    org_id: i64,
    org_name: String,
    roles: String,
}

#[derive(Template)]
#[template(path = "console/home.html")]
struct HomePage {
    frame: TopBar,
    grants: Vec<GrantRow>,
}

pub async fn home(
    user: ConsoleUser,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, PageError> {
    let me = account::me(&db, (&user).into()).await?;
    let mut by_org: BTreeMap<i64, GrantRow> = BTreeMap::new();
    for grant in me.roles {
        let row = by_org.entry(grant.org_id).or_insert_with(|| GrantRow {
            org_id: grant.org_id,
            org_name: grant.org_name.clone(),
            roles: String::new(),
        });
        if !row.roles.is_empty() {
            row.roles.push('、');
        }
        row.roles.push_str(grant.role.label());
    }
    Ok(html(
        StatusCode::OK,
        &HomePage {
            frame: TopBar {
                chrome: Chrome {
                    name: me.name,
                    csrf: user.csrf.clone(),
                },
            },
            grants: by_org.into_values().collect(),
        },
    ))
}

// ---- overview ----

#[derive(Deserialize)]
pub struct MonthQuery {
    pub(super) month: Option<String>,
}

#[derive(Template)]
#[template(path = "console/org.html")]
struct OverviewPage {
    frame: Frame,
    month: String,
    period_label: String,
    dashboard: Dashboard,
    children: Vec<OrgResponse>,
    previews_chart: String,
    bands_chart: String,
    under_chart: String,
}

pub async fn overview(
    user: ConsoleUser,
    path: web::Path<i64>,
    query: web::Query<MonthQuery>,
    db: web::Data<DatabaseConnection>,
    duty_settings: web::Data<DutySettings>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let month = query
        .month
        .clone()
        .filter(|m| !m.is_empty())
        .unwrap_or_else(this_month);
    let dashboard = dashboard::dashboard(
        &db,
        &duty_settings,
        (&user).into(),
        id,
        &PeriodQuery {
            month: Some(month.clone()),
            year: None,
        },
    )
    .await?;
    let children = manage::list_children(&db, (&user).into(), id).await?;
    let previews = &dashboard.previews;
    let previews_chart = chart::columns(
        "预告发布情况（个支部）",
        &[
            ("按时", previews.on_time as f64, false),
            ("迟报", previews.late as f64, true),
            ("未报", previews.missing as f64, true),
            ("未到期", previews.not_due as f64, false),
        ]
        .map(|(label, value, flagged)| Bar {
            label: label.into(),
            value,
            flagged: flagged && value > 0.0,
        }),
        false,
        None,
    );
    let bands: Vec<Bar> = dashboard
        .participation
        .iter()
        .enumerate()
        .map(|(i, band)| Bar {
            label: band.label.into(),
            value: band.organisations as f64,
            flagged: i < 2 && band.organisations > 0,
        })
        .collect();
    let bands_chart = chart::columns("参与率分布（个支部）", &bands, false, None);
    let under: Vec<Bar> = dashboard
        .under_threshold
        .iter()
        .map(|o| Bar {
            label: o.org_name.clone(),
            value: o.rate,
            flagged: true,
        })
        .collect();
    let under_chart = chart::bars("参与率不足80%的支部", &under, true, Some(0.8));
    Ok(html(
        StatusCode::OK,
        &OverviewPage {
            frame: frame(&db, &user, id, "overview").await?,
            period_label: dashboard.period.clone(),
            month,
            dashboard,
            children,
            previews_chart,
            bands_chart,
            under_chart,
        },
    ))
}

// ---- people ----

#[derive(Template)]
#[template(path = "console/people.html")]
struct PeoplePage {
    frame: Frame,
    q: String,
    page: Page<PersonResponse>,
    pager: Pager,
}

pub async fn people(
    user: ConsoleUser,
    path: web::Path<i64>,
    paging: web::Query<PageQuery>,
    filter: web::Query<PeopleQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let page = manage::list_people(&db, (&user).into(), id, &paging, &filter).await?;
    let q = filter.q.clone().unwrap_or_default();
    let pager = Pager::new(
        &page,
        format!(
            "/console/orgs/{id}/people?q={}",
            crate::console::page::encode(&q)
        ),
    );
    Ok(html(
        StatusCode::OK,
        &PeoplePage {
            frame: frame(&db, &user, id, "people").await?,
            q,
            page,
            pager,
        },
    ))
}

pub async fn roster_file(
    user: ConsoleUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, PageError> {
    let file = manage::export_roster(
        &db,
        (&user).into(),
        path.into_inner(),
        &ExportQuery {
            format: Some("xlsx".into()),
        },
    )
    .await?;
    Ok(attachment(
        file.bytes,
        file.format.content_type(),
        &file.filename,
    ))
}

// ---- roster import ----

#[derive(Template)]
#[template(path = "console/roster.html")]
struct RosterPage {
    frame: Frame,
    imported: Option<ImportReport>,
    refused: Option<Refusal>,
}

impl RosterPage {
    /// Member rows with no problem of their own.
    fn fine_rows(&self) -> usize {
        self.refused.as_ref().map_or(0, |r| {
            let bad: std::collections::HashSet<usize> = r
                .problems
                .iter()
                .map(|p| p.row)
                .filter(|row| *row > 0)
                .collect();
            r.rows.saturating_sub(bad.len())
        })
    }
}

pub async fn roster_form(
    user: ConsoleUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    Ok(html(
        StatusCode::OK,
        &RosterPage {
            frame: frame(&db, &user, id, "roster").await?,
            imported: None,
            refused: None,
        },
    ))
}

/// The uploaded roster's type, by its name (browsers label CSV files inconsistently).
fn roster_type(filename: Option<&str>) -> Option<&'static str> {
    let name = filename?.to_ascii_lowercase();
    if name.ends_with(".csv") {
        Some("text/csv")
    } else if name.ends_with(".xlsx") {
        Some(XLSX)
    } else {
        None
    }
}

pub async fn import_roster(
    req: HttpRequest,
    user: ConsoleUser,
    path: web::Path<i64>,
    body: web::Bytes,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let boundary = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(form::boundary)
        .ok_or(PageError::CsrfRefused)?;
    let csrf = form::part(&body, &boundary, "csrf")
        .map(|p| String::from_utf8_lossy(p.bytes).into_owned())
        .unwrap_or_default();
    user.check_csrf(&csrf)?;
    let file = form::part(&body, &boundary, "file").map_err(DirectoryError::InvalidInput)?;
    let outcome = manage::import_roster(
        &db,
        (&user).into(),
        id,
        Some(roster_type(file.name.as_deref()).unwrap_or("application/octet-stream")),
        file.bytes,
        Some(request_id.to_string()),
    )
    .await;
    let (status, imported, refused) = match outcome {
        Ok(report) => (StatusCode::OK, Some(report), None),
        Err(DirectoryError::RosterInvalid(refusal)) => {
            (StatusCode::UNPROCESSABLE_ENTITY, None, Some(refusal))
        }
        Err(err) => return Err(err.into()),
    };
    Ok(html(
        status,
        &RosterPage {
            frame: frame(&db, &user, id, "roster").await?,
            imported,
            refused,
        },
    ))
}

// ---- review queue ----

struct ReviewRow {
    id: i64,
    org_name: String,
    month: String,
    version: i32,
    theme: String,
    category_label: String,
    date: chrono::NaiveDate,
    start_time: String,
    end_time: String,
    place: String,
    date_reason: Option<String>,
    requirements: String,
    expected: usize,
}

#[derive(Template)]
#[template(path = "console/reviews.html")]
struct ReviewsPage {
    frame: Frame,
    plans: Vec<ReviewRow>,
    done: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn reviews(
    user: ConsoleUser,
    path: web::Path<i64>,
    query: web::Query<DoneQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let queue = plans::cycle::review_queue(&db, (&user).into(), id).await?;
    let plans = queue
        .into_iter()
        .map(|q| ReviewRow {
            id: q.plan.id,
            org_name: q.org_name,
            month: q.plan.month,
            version: q.plan.version,
            theme: q.plan.theme,
            category_label: q.plan.category_label,
            date: q.plan.date,
            start_time: q.plan.start_time,
            end_time: q.plan.end_time,
            place: q.plan.place,
            date_reason: q.plan.date_reason,
            requirements: q.plan.requirements,
            expected: q.plan.expected_participants,
        })
        .collect();
    let done = match query.done.as_deref() {
        Some("approved") => Some("已通过，预告已备案。"),
        Some("returned") => Some("已退回支部修改，退回意见已发送。"),
        _ => None,
    };
    Ok(html(
        StatusCode::OK,
        &ReviewsPage {
            frame: frame(&db, &user, id, "reviews").await?,
            plans,
            done,
        },
    ))
}

#[derive(Deserialize)]
pub struct ReviewForm {
    /// Missing is the same as wrong: refused with the "page expired" page, not a 400.
    #[serde(default)]
    csrf: String,
    /// The queue to go back to.
    org: i64,
    comment: Option<String>,
}

pub async fn approve(
    user: ConsoleUser,
    path: web::Path<i64>,
    form: web::Form<ReviewForm>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    plans::cycle::approve(
        &db,
        (&user).into(),
        path.into_inner(),
        &ReviewRequest {
            comment: form.comment.clone().filter(|c| !c.trim().is_empty()),
        },
        Some(request_id.to_string()),
    )
    .await?;
    Ok(see_other(&format!(
        "/console/orgs/{}/reviews?done=approved",
        form.org
    )))
}

pub async fn return_plan(
    user: ConsoleUser,
    path: web::Path<i64>,
    form: web::Form<ReviewForm>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    plans::cycle::return_to_branch(
        &db,
        (&user).into(),
        path.into_inner(),
        &ReviewRequest {
            comment: form.comment.clone(),
        },
        Some(request_id.to_string()),
    )
    .await?;
    Ok(see_other(&format!(
        "/console/orgs/{}/reviews?done=returned",
        form.org
    )))
}

// ---- attendance and ledgers ----

#[derive(Template)]
#[template(path = "console/attendance.html")]
struct AttendancePage {
    frame: Frame,
    month: String,
    report: org_report::OrgAttendanceResponse,
    chart: String,
}

pub async fn attendance(
    user: ConsoleUser,
    path: web::Path<i64>,
    query: web::Query<MonthQuery>,
    db: web::Data<DatabaseConnection>,
    feedback: web::Data<FeedbackSettings>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let month = query
        .month
        .clone()
        .filter(|m| !m.is_empty())
        .unwrap_or_else(this_month);
    let report = org_report::summary(
        &db,
        (&user).into(),
        id,
        &org_report::PeriodQuery {
            month: Some(month.clone()),
            year: None,
            format: None,
        },
        feedback.min_answers,
    )
    .await?;
    let bars: Vec<Bar> = report
        .organisations
        .iter()
        .map(|o| Bar {
            label: o.org_name.clone(),
            value: o.rate.unwrap_or(0.0),
            flagged: o.below_threshold,
        })
        .collect();
    let chart = chart::bars("参与率", &bars, true, Some(0.8));
    Ok(html(
        StatusCode::OK,
        &AttendancePage {
            frame: frame(&db, &user, id, "attendance").await?,
            month,
            report,
            chart,
        },
    ))
}

pub async fn ledger_file(
    user: ConsoleUser,
    path: web::Path<i64>,
    query: web::Query<MonthQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, PageError> {
    let file = org_report::ledger_file(
        &db,
        (&user).into(),
        path.into_inner(),
        &org_report::PeriodQuery {
            month: Some(query.month.clone().unwrap_or_else(this_month)),
            year: None,
            format: Some("xlsx".into()),
        },
    )
    .await?;
    Ok(attachment(file.bytes, XLSX, &format!("{}.xlsx", file.name)))
}

// ---- the live board ----

#[derive(Template)]
#[template(path = "console/live.html")]
struct LivePage {
    org_id: i64,
    org_name: String,
    /// HH:MM:SS of the snapshot, Asia/Shanghai.
    updated: String,
    board: LiveBoard,
}

pub async fn live(
    user: ConsoleUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    service: web::Data<CheckinService>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    dashboard::may_watch(db.get_ref(), (&user).into(), id).await?;
    let org = super::frame::head(&db, &user, id).await?;
    let board = dashboard::live_board(&service.db, &service.facts, &service.live, id).await?;
    Ok(html(
        StatusCode::OK,
        &LivePage {
            org_id: org.id,
            org_name: org.name,
            updated: board.at.get(11..19).unwrap_or_default().to_owned(),
            board,
        },
    ))
}

pub async fn live_events(
    user: ConsoleUser,
    path: web::Path<i64>,
    service: web::Data<CheckinService>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    dashboard::may_watch(&service.db, (&user).into(), id).await?;
    Ok(crate::routes::assessment::board_events(service, id))
}

// ---- audit ----

#[derive(Template)]
#[template(path = "console/audit.html")]
struct AuditPage {
    frame: Frame,
    action: String,
    from: String,
    to: String,
    page: Page<AuditEntryResponse>,
    pager: Pager,
}

impl AuditPage {
    fn when(&self, at: &str) -> String {
        at.get(..19).unwrap_or(at).replacen('T', " ", 1)
    }
}

pub async fn audit(
    user: ConsoleUser,
    path: web::Path<i64>,
    paging: web::Query<PageQuery>,
    filter: web::Query<AuditQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let page = manage::list_audit(&db, (&user).into(), id, &paging, &filter).await?;
    let action = filter.action.clone().unwrap_or_default();
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let (from, to) = (day(filter.from), day(filter.to));
    let pager = Pager::new(
        &page,
        format!(
            "/console/orgs/{id}/audit?action={}&from={from}&to={to}",
            crate::console::page::encode(&action)
        ),
    );
    Ok(html(
        StatusCode::OK,
        &AuditPage {
            frame: frame(&db, &user, id, "audit").await?,
            action,
            from,
            to,
            page,
            pager,
        },
    ))
}

// ---- the holiday calendar and the organisation's policy ----

#[derive(Template)]
#[template(path = "console/calendar.html")]
struct CalendarPage {
    frame: Frame,
    year: crate::calendar_store::CalendarResponse,
    /// Whether the reader may change the policy (org-department admins at it or above).
    may_change: bool,
    saved: bool,
}

impl CalendarPage {
    fn policies(&self) -> &'static [Policy] {
        Policy::ALL
    }
}

#[derive(Deserialize)]
pub struct CalendarQuery {
    year: Option<i32>,
    #[serde(default)]
    saved: bool,
}

pub async fn calendar(
    user: ConsoleUser,
    path: web::Path<i64>,
    query: web::Query<CalendarQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let frame = frame(&db, &user, id, "calendar").await?;
    let year = query
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&crate::clock::today()));
    let may_change = manage::may_change_settings(&db, (&user).into(), id).await?;
    let year = crate::calendar_store::activity_year(db.get_ref(), year, None, Some(id)).await?;
    Ok(html(
        StatusCode::OK,
        &CalendarPage {
            frame,
            year,
            may_change,
            saved: query.saved,
        },
    ))
}

#[derive(Deserialize)]
pub struct PolicyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    activity_day_policy: String,
}

pub async fn change_policy(
    user: ConsoleUser,
    path: web::Path<i64>,
    form: web::Form<PolicyForm>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let id = path.into_inner();
    manage::update_settings(
        &db,
        (&user).into(),
        id,
        &manage::OrgSettingsRequest {
            activity_day_policy: form.into_inner().activity_day_policy,
        },
        Some(request_id.to_string()),
    )
    .await?;
    Ok(see_other(&format!(
        "/console/orgs/{id}/calendar?saved=true"
    )))
}

// ---- exemptions (暂不参加组织生活) ----

#[derive(Template)]
#[template(path = "console/exemptions.html")]
struct ExemptionsPage {
    frame: Frame,
    exemptions: Vec<crate::checkin::leave::Exemption>,
    done: bool,
}

impl ExemptionsPage {
    /// The day of a moment, in Asia/Shanghai.
    fn day(&self, at: &chrono::DateTime<chrono::FixedOffset>) -> String {
        at.with_timezone(&crate::clock::shanghai())
            .format("%Y-%m-%d")
            .to_string()
    }
}

#[derive(Deserialize)]
pub struct RevokedQuery {
    #[serde(default)]
    revoked: bool,
}

pub async fn exemptions(
    user: ConsoleUser,
    path: web::Path<i64>,
    query: web::Query<RevokedQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let exemptions = crate::checkin::leave::exemptions_in(db.get_ref(), (&user).into(), id).await?;
    Ok(html(
        StatusCode::OK,
        &ExemptionsPage {
            frame: frame(&db, &user, id, "exemptions").await?,
            exemptions,
            done: query.revoked,
        },
    ))
}

#[derive(Deserialize)]
pub struct RevokeForm {
    /// Missing is the same as wrong: refused with the "page expired" page, not a 400.
    #[serde(default)]
    csrf: String,
    /// The list to go back to.
    org: i64,
    #[serde(default)]
    reason: String,
}

pub async fn revoke_exemption(
    user: ConsoleUser,
    path: web::Path<i64>,
    form: web::Form<RevokeForm>,
    service: web::Data<CheckinService>,
    request_id: RequestId,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    service
        .revoke_exemption_as(
            (&user).into(),
            path.into_inner(),
            &form.reason,
            Some(request_id.to_string()),
        )
        .await?;
    Ok(see_other(&format!(
        "/console/orgs/{}/exemptions?revoked=true",
        form.org
    )))
}
