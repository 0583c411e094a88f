//! The console's page of deputies' cases, questions and proposals an organisation and those
//! under it must answer or accept, earliest deadline first. The same service as the JSON API.
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use sea_orm::DatabaseConnection;
use serde::Deserialize;

use super::frame::{Frame, Pager, frame};
use crate::{
    console::{ConsoleUser, PageError, page::html},
    deputies::{
        MatterKind,
        error::invalid,
        matters::{self, InboxFilter, Matter},
    },
    pagination::{Page, PageQuery},
};

#[derive(Deserialize)]
pub struct MattersQuery {
    /// case, question or proposal; empty for all.
    #[serde(default)]
    kind: String,
    #[serde(default)]
    overdue: bool,
}

#[derive(Template)]
#[template(path = "console/matters.html")]
struct MattersPage {
    frame: Frame,
    kind: String,
    overdue_only: bool,
    page: Page<Matter>,
    pager: Pager,
}

pub async fn matters(
    user: ConsoleUser,
    path: web::Path<i64>,
    query: web::Query<MattersQuery>,
    paging: web::Query<PageQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let kind = match query.kind.as_str() {
        "" => None,
        raw => Some(MatterKind::parse(raw).map_err(invalid)?),
    };
    let page = matters::inbox(
        db.get_ref(),
        (&user).into(),
        id,
        InboxFilter {
            kind,
            status: None,
            overdue: query.overdue,
        },
        paging.resolve(),
    )
    .await?;
    let pager = Pager::new(
        &page,
        format!(
            "/console/orgs/{id}/matters?kind={}&overdue={}",
            query.kind.as_str(),
            query.overdue
        ),
    );
    Ok(html(
        StatusCode::OK,
        &MattersPage {
            frame: frame(&db, &user, id, "matters").await?,
            kind: query.kind.clone(),
            overdue_only: query.overdue,
            page,
            pager,
        },
    ))
}
