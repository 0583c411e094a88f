//! The console's community-service pages: a subtree's commitments of the year (承诺践诺), who
//! has made none, and how far along the rest are. The same service as the JSON API.
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Datelike;
use sea_orm::DatabaseConnection;
use serde::Deserialize;

use super::frame::{Frame, frame};
use crate::{
    community::engagement::{self, OrgCommitments},
    console::{
        ConsoleUser, PageError,
        chart::{self, Bar},
        page::html,
    },
    domain::CommitmentStatus,
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
