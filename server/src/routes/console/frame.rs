//! What every console page of an organisation is framed by — who is signed in, the
//! organisation's heading, the open tab — and the small helpers the pages share: pagers,
//! rates, times, downloads.
use actix_web::{HttpResponse, http::header};
use sea_orm::DatabaseConnection;

pub(super) use crate::console::page::Chrome;
use crate::{
    auth::account,
    console::{ConsoleUser, PageError},
    directory::manage::{self, OrgResponse},
    pagination::Page,
};

/// Around an organisation's page: the top bar (name, logout token), its heading and tabs.
pub(super) struct Frame {
    pub(super) chrome: Chrome,
    pub(super) org: OrgHead,
    /// Which of `org_nav.html`'s tabs is open.
    pub(super) tab: &'static str,
}

/// Around a page that belongs to no organisation (the home page): the top bar alone.
pub(super) struct TopBar {
    pub(super) chrome: Chrome,
}

/// The frame of organisation `org_id`'s page `tab`; 403 when the person may not read the
/// organisation, so a page never renders a heading its reader may not see.
pub(super) async fn frame(
    db: &DatabaseConnection,
    user: &ConsoleUser,
    org_id: i64,
    tab: &'static str,
) -> Result<Frame, PageError> {
    Ok(Frame {
        chrome: chrome(db, user).await?,
        org: head(db, user, org_id).await?,
        tab,
    })
}

/// What a page's heading and tabs need of its organisation.
pub(super) struct OrgHead {
    pub(super) id: i64,
    pub(super) name: String,
    /// Communities have their own tab of service items.
    pub(super) is_community: bool,
}

impl From<&OrgResponse> for OrgHead {
    fn from(org: &OrgResponse) -> Self {
        Self {
            id: org.id,
            name: org.name.clone(),
            is_community: org.kind == crate::domain::OrgKind::Community,
        }
    }
}

pub(super) async fn chrome(
    db: &DatabaseConnection,
    user: &ConsoleUser,
) -> Result<Chrome, PageError> {
    let me = account::me(db, user.into()).await?;
    Ok(Chrome {
        name: me.name,
        csrf: user.csrf.clone(),
    })
}

/// The organisation for the heading, for anyone with a console role at it or above (403
/// otherwise); what a page shows under it is checked by the page's own service call.
pub(super) async fn head(
    db: &DatabaseConnection,
    user: &ConsoleUser,
    id: i64,
) -> Result<OrgHead, PageError> {
    Ok(OrgHead::from(
        &manage::get_org_as(
            db,
            user.into(),
            id,
            crate::console::qr_sign_in::CONSOLE_ROLES,
        )
        .await?,
    ))
}

/// A rate as the pages write it: 83%, or a dash when nobody was expected.
pub(super) fn percent<R: std::borrow::Borrow<Option<f64>>>(rate: R) -> String {
    rate.borrow()
        .map_or_else(|| "—".to_owned(), |r| format!("{:.0}%", r * 100.0))
}

/// What a workbook download is.
pub(super) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An RFC 3339 time in Asia/Shanghai as the pages write it: 2026-12-06 10:31.
pub(super) fn minutes(at: &str) -> String {
    at.get(..16).unwrap_or(at).replacen('T', " ", 1)
}

pub(super) fn this_month() -> String {
    crate::clock::today().format("%Y-%m").to_string()
}

/// Previous / next links of a list, keeping its filters.
pub(super) struct Pager {
    pub(super) page: u64,
    pub(super) pages: u64,
    pub(super) base: String,
}

impl Pager {
    pub(super) fn new<T: utoipa::ToSchema>(page: &Page<T>, base: String) -> Self {
        Self {
            page: page.page,
            pages: page.total.div_ceil(page.per_page.max(1)).max(1),
            base,
        }
    }

    pub(super) fn link<P: std::borrow::Borrow<u64>>(&self, page: P) -> String {
        let joiner = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{joiner}page={}", self.base, page.borrow())
    }
}

pub(super) fn attachment(bytes: Vec<u8>, content_type: &str, filename: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type.to_owned())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes)
}
