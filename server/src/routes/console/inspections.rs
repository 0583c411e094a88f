//! The console's pages of inspections (督查): the rounds an office planned, and one round with
//! its targets (the draw, for an unannounced round), its findings with their rectification
//! tasks, and every published version of its results. The same service functions as the JSON
//! API, so the same inspectors see the same rounds.
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use sea_orm::DatabaseConnection;

use super::frame::{Frame, Pager, frame, minutes};
use crate::{
    console::{ConsoleUser, PageError, page::html},
    pagination::{Page, PageQuery},
    supervision::{
        inspections::{self, Finding, Round},
        publications::{self, Publication},
    },
};

#[derive(Template)]
#[template(path = "console/inspections.html")]
struct RoundsPage {
    frame: Frame,
    page: Page<Round>,
    pager: Pager,
}

pub async fn rounds(
    user: ConsoleUser,
    path: web::Path<i64>,
    paging: web::Query<PageQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let page = inspections::list(&db, (&user).into(), id, paging.resolve()).await?;
    let pager = Pager::new(&page, format!("/console/orgs/{id}/inspections"));
    Ok(html(
        StatusCode::OK,
        &RoundsPage {
            frame: frame(&db, &user, id, "inspections").await?,
            page,
            pager,
        },
    ))
}

#[derive(Template)]
#[template(path = "console/inspection_round.html")]
struct RoundPage {
    frame: Frame,
    round: Round,
    findings: Vec<Finding>,
    versions: Vec<Publication>,
}

impl RoundPage {
    fn when(&self, at: &str) -> String {
        minutes(at)
    }
}

pub async fn round(
    user: ConsoleUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let round = inspections::one(&db, (&user).into(), id).await?;
    let findings = inspections::findings(&db, (&user).into(), id).await?;
    let versions = publications::versions(&db, (&user).into(), id).await?;
    Ok(html(
        StatusCode::OK,
        &RoundPage {
            frame: frame(&db, &user, round.org_id, "inspections").await?,
            round,
            findings,
            versions,
        },
    ))
}
