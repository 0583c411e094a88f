//! The console's pages for the monthly cycle's oversight and for supervision: previews on
//! time / late / missing per branch, rectification tasks, and the yearly assessment with each
//! score's lines and the rankings below. The same service functions as the JSON API.
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Datelike;
use sea_orm::DatabaseConnection;
use serde::Deserialize;

use super::{
    frame::{Frame, Pager, XLSX, attachment, frame, minutes, this_month},
    orgs::MonthQuery,
};
use crate::{
    assessment::compute::{self, Rankings, Score},
    config::{DutySettings, FeedbackSettings},
    console::{
        ConsoleUser, PageError,
        chart::{self, Bar},
        page::html,
    },
    duties::progress::{self, OrgDuties},
    error::ApiError,
    pagination::{Page, PageQuery},
    plans::{self, view::PreviewStatus},
    supervision::rectifications::{self, Task, TaskQuery},
};

// ---- previews by branch ----

#[derive(Template)]
#[template(path = "console/previews.html")]
struct PreviewsPage {
    frame: Frame,
    month: String,
    rows: Vec<PreviewStatus>,
    on_time: usize,
    late: usize,
    missing: usize,
}

pub async fn previews(
    user: ConsoleUser,
    path: web::Path<i64>,
    query: web::Query<MonthQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let month = query
        .month
        .clone()
        .filter(|m| !m.is_empty())
        .unwrap_or_else(this_month);
    let rows = plans::cycle::preview_status(&db, (&user).into(), id, &month).await?;
    let late = rows.iter().filter(|r| r.late && !r.missing).count();
    let missing = rows.iter().filter(|r| r.missing).count();
    Ok(html(
        StatusCode::OK,
        &PreviewsPage {
            frame: frame(&db, &user, id, "previews").await?,
            month,
            on_time: rows.len() - late - missing,
            late,
            missing,
            rows,
        },
    ))
}

// ---- rectification tasks ----

#[derive(Template)]
#[template(path = "console/rectifications.html")]
struct RectificationsPage {
    frame: Frame,
    overdue_only: bool,
    page: Page<Task>,
    pager: Pager,
}

#[derive(Deserialize)]
pub struct OverdueQuery {
    #[serde(default)]
    overdue: bool,
}

pub async fn rectifications(
    user: ConsoleUser,
    path: web::Path<i64>,
    filter: web::Query<OverdueQuery>,
    paging: web::Query<PageQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let page = rectifications::of_org(
        &db,
        (&user).into(),
        id,
        &TaskQuery {
            overdue: filter.overdue,
            status: None,
        },
        paging.resolve(),
    )
    .await?;
    let pager = Pager::new(
        &page,
        format!(
            "/console/orgs/{id}/rectifications?overdue={}",
            filter.overdue
        ),
    );
    Ok(html(
        StatusCode::OK,
        &RectificationsPage {
            frame: frame(&db, &user, id, "rectifications").await?,
            overdue_only: filter.overdue,
            page,
            pager,
        },
    ))
}

// ---- the yearly assessment ----

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

#[derive(Template)]
#[template(path = "console/assessment.html")]
struct AssessmentPage {
    frame: Frame,
    year: i32,
    /// None when the year holds no data for the organisation.
    score: Option<Score>,
    rankings: Rankings,
    chart: String,
}

impl AssessmentPage {
    fn points(&self, value: &f64) -> String {
        format!("{value:.1}")
    }

    fn when(&self, at: &str) -> String {
        minutes(at)
    }
}

impl PreviewsPage {
    fn when(&self, at: &str) -> String {
        minutes(at)
    }
}

pub async fn assessment(
    user: ConsoleUser,
    path: web::Path<i64>,
    query: web::Query<YearQuery>,
    db: web::Data<DatabaseConnection>,
    duty_settings: web::Data<DutySettings>,
    feedback_settings: web::Data<FeedbackSettings>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let year = query.year.unwrap_or_else(|| crate::clock::today().year());
    let score = match compute::of_org(
        &db,
        &duty_settings,
        &feedback_settings,
        (&user).into(),
        id,
        Some(year),
    )
    .await
    {
        Ok(score) => Some(score),
        // A year without records is a page that says so, not an error page.
        Err(err) if err.parts().1 == "assessment.no_data" => None,
        Err(err) => return Err(err.into()),
    };
    let rankings = compute::rankings(
        &db,
        &duty_settings,
        &feedback_settings,
        (&user).into(),
        id,
        Some(year),
    )
    .await?;
    let bars: Vec<Bar> = rankings
        .items
        .iter()
        .filter_map(|r| {
            Some(Bar {
                label: r.score.org_name.clone(),
                value: r.score.total?,
                flagged: r.score.total? < 60.0,
            })
        })
        .collect();
    let chart = chart::bars(&format!("{year}年考核得分"), &bars, false, None);
    Ok(html(
        StatusCode::OK,
        &AssessmentPage {
            frame: frame(&db, &user, id, "assessment").await?,
            year,
            score,
            rankings,
            chart,
        },
    ))
}

pub async fn rankings_file(
    user: ConsoleUser,
    path: web::Path<i64>,
    query: web::Query<YearQuery>,
    db: web::Data<DatabaseConnection>,
    duty_settings: web::Data<DutySettings>,
    feedback_settings: web::Data<FeedbackSettings>,
) -> Result<HttpResponse, PageError> {
    let rankings = compute::rankings(
        &db,
        &duty_settings,
        &feedback_settings,
        (&user).into(),
        path.into_inner(),
        query.year,
    )
    .await?;
    let bytes = compute::workbook(&rankings)?;
    Ok(attachment(
        bytes,
        XLSX,
        &format!("rankings-{}-{}.xlsx", rankings.parent_org_id, rankings.year),
    ))
}

// ---- leaders' duties ----

#[derive(Deserialize)]
pub struct DutiesQuery {
    year: Option<i32>,
    #[serde(default)]
    behind_only: bool,
}

#[derive(Template)]
#[template(path = "console/duties.html")]
struct DutiesPage {
    frame: Frame,
    behind_only: bool,
    duties: OrgDuties,
    pager: Pager,
}

pub async fn duties(
    user: ConsoleUser,
    path: web::Path<i64>,
    query: web::Query<DutiesQuery>,
    paging: web::Query<PageQuery>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<DutySettings>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let duties = progress::of_org(
        db.get_ref(),
        &settings,
        (&user).into(),
        id,
        query.year,
        query.behind_only,
        Some(paging.resolve()),
    )
    .await?;
    let pager = Pager {
        page: duties.page,
        pages: duties.total.div_ceil(duties.per_page.max(1)).max(1),
        base: format!(
            "/console/orgs/{id}/duties?year={}&behind_only={}",
            duties.year, query.behind_only
        ),
    };
    Ok(html(
        StatusCode::OK,
        &DutiesPage {
            frame: frame(&db, &user, id, "duties").await?,
            behind_only: query.behind_only,
            duties,
            pager,
        },
    ))
}

pub async fn duties_file(
    user: ConsoleUser,
    path: web::Path<i64>,
    query: web::Query<DutiesQuery>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<DutySettings>,
) -> Result<HttpResponse, PageError> {
    let list = progress::of_org(
        db.get_ref(),
        &settings,
        (&user).into(),
        path.into_inner(),
        query.year,
        query.behind_only,
        None,
    )
    .await?;
    Ok(attachment(
        progress::workbook(&list)?,
        XLSX,
        &format!("duties-{}.xlsx", list.year),
    ))
}
