//! Community service: members report to communities, claim service items and posts (with a
//! capacity that is never exceeded and a waitlist with offers), volunteer on site with the
//! same rotating QR as meetings, make suggestions, pair with households in need, keep a
//! yearly commitment; and each member's year against the document's minimums.
pub mod claim_writer;
pub mod claims;
pub mod engagement;
pub mod error;
pub mod items;
pub mod progress;
pub mod volunteer;

pub use error::CommunityError;

/// Who runs a community's services.
pub const RUN_COMMUNITY: &[crate::domain::Role] = &[
    crate::domain::Role::CommunityAdmin,
    crate::domain::Role::VolunteerLead,
    crate::domain::Role::OrgAdmin,
];

/// The community `id` (404 when it is missing or not a community).
pub async fn find_community(
    db: &impl sea_orm::ConnectionTrait,
    id: i64,
) -> Result<crate::entities::organisation::Model, CommunityError> {
    crate::orgs::find(db, id)
        .await?
        .filter(|o| o.kind == crate::domain::OrgKind::Community)
        .ok_or(CommunityError::CommunityNotFound)
}
