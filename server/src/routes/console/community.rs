//! The console's community-service pages: a subtree's commitments of the year (承诺践诺), each
//! member's year against the minimums with their service hours, a community's items, posts and
//! volunteer activities, and one item's claims with its waitlist in order. The same service
//! functions as the JSON API.
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Datelike;
use sea_orm::DatabaseConnection;
use serde::Deserialize;

use super::frame::{Frame, Pager, XLSX, attachment, frame, minutes};
use crate::{
    community::{
        engagement::{self, OrgCommitments},
        items::{self, ClaimView, ItemView},
        progress::{self, Progress},
    },
    console::{
        ConsoleUser, PageError,
        chart::{self, Bar},
        page::html,
    },
    domain::{ClaimStatus, CommitmentStatus},
    pagination::{Page, PageQuery},
};

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

#[derive(Template)]
#[template(path = "console/commitments.html")]
struct CommitmentsPage {
    frame: Frame,
    list: OrgCommitments,
    completed: usize,
    chart: String,
}

pub async fn commitments(
    user: ConsoleUser,
    path: web::Path<i64>,
    query: web::Query<YearQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let year = query.year.unwrap_or_else(|| crate::clock::today().year());
    let list = engagement::of_org(db.get_ref(), user.person_id, id, year).await?;
    let completed = list
        .commitments
        .iter()
        .filter(|c| c.status == CommitmentStatus::Completed)
        .count();
    let chart = chart::columns(
        &format!("{year}年承诺践诺（人）"),
        &[
            ("已完成", completed, false),
            ("进行中", list.commitments.len() - completed, false),
            ("未作承诺", list.missing.len(), true),
        ]
        .map(|(label, count, flagged)| Bar {
            label: label.into(),
            value: count as f64,
            flagged: flagged && count > 0,
        }),
        false,
        None,
    );
    Ok(html(
        StatusCode::OK,
        &CommitmentsPage {
            frame: frame(&db, &user, id, "commitments").await?,
            list,
            completed,
            chart,
        },
    ))
}

// ---- the yearly minimums and hours ----

#[derive(Deserialize)]
pub struct MinimumsQuery {
    year: Option<i32>,
    #[serde(default)]
    behind: bool,
}

#[derive(Template)]
#[template(path = "console/service.html")]
struct ServicePage {
    frame: Frame,
    year: i32,
    behind_only: bool,
    /// This page of the list (the charts and totals are of everyone).
    people: Vec<Progress>,
    listed: usize,
    pager: Pager,
    behind: usize,
    hours: f64,
    chart: String,
    hours_chart: String,
}

impl ServicePage {
    fn hours(&self, hours: &f64) -> String {
        format!("{hours:.1}")
    }
}

pub async fn minimums(
    user: ConsoleUser,
    path: web::Path<i64>,
    query: web::Query<MinimumsQuery>,
    paging: web::Query<PageQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let year = query.year.unwrap_or_else(|| crate::clock::today().year());
    let everyone = progress::of_org(db.get_ref(), user.person_id, id, year, false).await?;
    // Per minimum: of the people it applies to, the share who have met it.
    let mut owing = [0usize; 5];
    let mut met = [0usize; 5];
    for person in &everyone {
        for (i, tally) in person.minimums().into_iter().enumerate() {
            if tally.required > 0 {
                owing[i] += 1;
                met[i] += usize::from(tally.done >= tally.required);
            }
        }
    }
    let rates: Vec<Bar> = progress::MINIMUMS
        .iter()
        .enumerate()
        .filter(|(i, _)| owing[*i] > 0)
        .map(|(i, label)| {
            let rate = met[i] as f64 / owing[i] as f64;
            Bar {
                label: (*label).into(),
                value: rate,
                flagged: rate < 1.0,
            }
        })
        .collect();
    let chart = chart::bars(&format!("{year}年各项最低要求的达标率"), &rates, true, None);
    let mut by_hours: Vec<&Progress> = everyone.iter().filter(|p| p.hours > 0.0).collect();
    by_hours.sort_by(|a, b| b.hours.total_cmp(&a.hours));
    let hours_chart = chart::bars(
        "服务时长最多的十人（小时）",
        &by_hours
            .iter()
            .take(10)
            .map(|p| Bar {
                label: p.name.clone(),
                value: p.hours,
                flagged: false,
            })
            .collect::<Vec<_>>(),
        false,
        None,
    );
    let behind = everyone.iter().filter(|p| p.behind).count();
    let hours = everyone.iter().map(|p| p.hours).sum();
    let listed: Vec<Progress> = everyone
        .into_iter()
        .filter(|p| !query.behind || p.behind)
        .collect();
    let (index, per_page) = paging.resolve();
    let pager = Pager {
        page: index + 1,
        pages: (listed.len() as u64).div_ceil(per_page.max(1)).max(1),
        base: format!(
            "/console/orgs/{id}/service?year={year}&behind={}",
            query.behind
        ),
    };
    let count = listed.len();
    let people = listed
        .into_iter()
        .skip(usize::try_from(index.saturating_mul(per_page)).unwrap_or(usize::MAX))
        .take(usize::try_from(per_page).unwrap_or(usize::MAX))
        .collect();
    Ok(html(
        StatusCode::OK,
        &ServicePage {
            frame: frame(&db, &user, id, "service").await?,
            year,
            behind_only: query.behind,
            people,
            listed: count,
            pager,
            behind,
            hours,
            chart,
            hours_chart,
        },
    ))
}

pub async fn minimums_file(
    user: ConsoleUser,
    path: web::Path<i64>,
    query: web::Query<MinimumsQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, PageError> {
    let year = query.year.unwrap_or_else(|| crate::clock::today().year());
    let people = progress::of_org(
        db.get_ref(),
        user.person_id,
        path.into_inner(),
        year,
        query.behind,
    )
    .await?;
    Ok(attachment(
        progress::workbook(year, &people)?,
        XLSX,
        &format!("service-{year}.xlsx"),
    ))
}

// ---- a community's items and their claims ----

#[derive(Deserialize)]
pub struct KindQuery {
    kind: Option<String>,
}

#[derive(Template)]
#[template(path = "console/service_items.html")]
struct ItemsPage {
    frame: Frame,
    kind: String,
    page: Page<ItemView>,
    pager: Pager,
    /// Places taken of each item on the page, those with people waiting flagged.
    chart: String,
}

impl ItemsPage {
    fn when(&self, item: &ItemView) -> String {
        let starts = item.starts_at.format("%Y-%m-%d %H:%M");
        format!("{starts}–{}", item.ends_at.format("%H:%M"))
    }
}

pub async fn service_items(
    user: ConsoleUser,
    path: web::Path<i64>,
    query: web::Query<KindQuery>,
    paging: web::Query<PageQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let kind = query.kind.clone().filter(|k| !k.is_empty());
    let page = items::of_community(
        db.get_ref(),
        user.person_id,
        id,
        kind.as_deref(),
        paging.resolve(),
    )
    .await?;
    let kind = kind.unwrap_or_default();
    let pager = Pager::new(
        &page,
        format!("/console/orgs/{id}/service-items?kind={kind}"),
    );
    let fill: Vec<Bar> = page
        .items
        .iter()
        .map(|item| Bar {
            label: item.title.clone(),
            value: f64::from(item.taken) / f64::from(item.capacity.max(1)),
            flagged: item.waitlist > 0,
        })
        .collect();
    let chart = chart::bars("名额认领情况（标红的有人候补）", &fill, true, None);
    Ok(html(
        StatusCode::OK,
        &ItemsPage {
            frame: frame(&db, &user, id, "service-items").await?,
            kind,
            page,
            pager,
            chart,
        },
    ))
}

#[derive(Template)]
#[template(path = "console/service_item.html")]
struct ItemPage {
    frame: Frame,
    item: ItemView,
    holding: Vec<ClaimView>,
    waiting: Vec<ClaimView>,
    others: Vec<ClaimView>,
    /// The confirmed hours of everyone, written as the page shows them.
    total_hours: String,
}

impl ItemPage {
    fn when(&self, at: &chrono::DateTime<chrono::FixedOffset>) -> String {
        minutes(&at.to_rfc3339())
    }

    fn hours(&self, hours: &Option<f64>) -> String {
        hours.map_or_else(|| "—".to_owned(), |h| format!("{h:.1}"))
    }
}

pub async fn service_item(
    user: ConsoleUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, PageError> {
    let (item, claims) = items::with_claims(&db, (&user).into(), path.into_inner()).await?;
    let hours: f64 = claims.iter().filter_map(|c| c.hours).sum();
    let (mut holding, mut waiting, mut others) = (Vec::new(), Vec::new(), Vec::new());
    for claim in claims {
        if claim.status == ClaimStatus::Waitlisted {
            waiting.push(claim);
        } else if claim.status.holds_place() || claim.status == ClaimStatus::WalkIn {
            holding.push(claim);
        } else {
            others.push(claim);
        }
    }
    waiting.sort_by_key(|c| c.waitlist_position);
    Ok(html(
        StatusCode::OK,
        &ItemPage {
            frame: frame(&db, &user, item.community_id, "service-items").await?,
            item,
            holding,
            waiting,
            others,
            total_hours: format!("{hours:.1}"),
        },
    ))
}
