//! Publishing service items, posts and volunteer activities, and how they are shown.
use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    claims::{self, phase},
    error::{CommunityError, invalid},
};
use crate::{
    authz::{self, Caller},
    clock,
    domain::ClaimStatus,
    entities::{organisation, person, service_claim, service_item},
    pagination::Page,
};

/// What a community publishes.
#[derive(Deserialize, ToSchema)]
pub struct NewItem {
    /// item (服务项目), post (岗位) or volunteer (志愿服务活动)
    pub kind: String,
    /// For volunteer activities: visit (走访慰问), labour (义务劳动), practical (为民办实事),
    /// community_service (社区志愿服务).
    pub volunteer_kind: Option<String>,
    pub title: String,
    pub description: String,
    pub capacity: i32,
    pub starts_at: String,
    pub ends_at: String,
    pub place: String,
    #[serde(default)]
    pub skills: String,
    pub signup_opens_at: String,
    pub signup_closes_at: String,
}

const KINDS: [&str; 3] = ["item", "post", "volunteer"];

fn time(raw: &str, field: &str) -> Result<DateTime<FixedOffset>, CommunityError> {
    DateTime::parse_from_rfc3339(raw.trim()).map_err(|_| {
        invalid(format!(
            "{field} must be an RFC 3339 time, e.g. 2026-12-05T09:00:00+08:00"
        ))
    })
}

fn text(raw: &str, field: &str, max: usize, required: bool) -> Result<String, CommunityError> {
    let lines = crate::domain::Lines::Many;
    let checked = if required {
        crate::domain::Text::parse(raw, field, max, lines).map(Some)
    } else {
        crate::domain::Text::optional(raw, field, max, lines)
    };
    Ok(checked
        .map_err(invalid)?
        .map(crate::domain::Text::into_inner)
        .unwrap_or_default())
}

pub async fn create(
    db: &impl ConnectionTrait,
    community: &organisation::Model,
    creator: i64,
    new: &NewItem,
) -> Result<service_item::Model, CommunityError> {
    let kind = new.kind.trim();
    if !KINDS.contains(&kind) {
        return Err(invalid("kind must be item, post or volunteer"));
    }
    let volunteer_kind = match (kind, new.volunteer_kind.as_deref().map(str::trim)) {
        ("volunteer", Some(v)) if !v.is_empty() => {
            Some(crate::domain::VolunteerKind::parse(v).map_err(|_| {
                invalid("volunteer_kind must be visit, labour, practical or community_service")
            })?)
        }
        ("volunteer", _) => {
            return Err(invalid(
                "volunteer_kind must be visit, labour, practical or community_service",
            ));
        }
        (_, None | Some("")) => None,
        _ => return Err(invalid("volunteer_kind is only for volunteer activities")),
    };
    if !(1..=10_000).contains(&new.capacity) {
        return Err(invalid("capacity must be 1–10000"));
    }
    let (starts, ends) = (
        time(&new.starts_at, "starts_at")?,
        time(&new.ends_at, "ends_at")?,
    );
    let (opens, closes) = (
        time(&new.signup_opens_at, "signup_opens_at")?,
        time(&new.signup_closes_at, "signup_closes_at")?,
    );
    if ends <= starts {
        return Err(invalid("ends_at must be after starts_at"));
    }
    if closes <= opens || closes > ends {
        return Err(invalid(
            "sign-up must close after it opens and no later than the end",
        ));
    }
    let now = clock::now();
    let code = (kind == "volunteer").then(crate::checkin::facts::new_code);
    Ok(service_item::ActiveModel {
        community_id: Set(community.id),
        kind: Set(crate::domain::ItemKind::parse(kind).map_err(invalid)?),
        volunteer_kind: Set(volunteer_kind),
        title: Set(text(&new.title, "title", 100, true)?),
        description: Set(text(&new.description, "description", 2000, false)?),
        capacity: Set(new.capacity),
        taken: Set(0),
        starts_at: Set(starts),
        ends_at: Set(ends),
        place: Set(text(&new.place, "place", 200, true)?),
        skills: Set(text(&new.skills, "skills", 200, false)?),
        signup_opens_at: Set(opens),
        signup_closes_at: Set(closes),
        status: Set(crate::domain::ItemStatus::Open),
        code: Set(code),
        window_seconds: Set(30),
        created_by: Set(creator),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("cannot store a service item")?)
}

#[derive(Serialize, ToSchema)]
pub struct ClaimView {
    pub id: i64,
    pub item_id: i64,
    pub item_title: String,
    pub person_id: i64,
    pub person_name: String,
    /// claimed, waitlisted, offered, cancelled, declined, expired, attended, no_show, walk_in
    pub status: crate::domain::ClaimStatus,
    pub waitlist_position: Option<u64>,
    pub offer_expires_at: Option<DateTime<FixedOffset>>,
    pub hours: Option<f64>,
    pub checked_in_at: Option<DateTime<FixedOffset>>,
    pub created_at: DateTime<FixedOffset>,
}

pub async fn claim_view(
    db: &impl ConnectionTrait,
    claim: service_claim::Model,
    item_title: Option<String>,
) -> anyhow::Result<ClaimView> {
    let name = person::Entity::find_by_id(claim.person_id)
        .one(db)
        .await
        .context("cannot read a person")?
        .map(|p| p.name)
        .unwrap_or_default();
    claim_view_of(db, claim, item_title, &name).await
}

/// The same, when the caller already knows the person's name.
pub async fn claim_view_of(
    db: &impl ConnectionTrait,
    claim: service_claim::Model,
    item_title: Option<String>,
    name: &str,
) -> anyhow::Result<ClaimView> {
    let title = match item_title {
        Some(t) => t,
        None => claims::find_item(db, claim.item_id)
            .await
            .map(|i| i.title)
            .unwrap_or_default(),
    };
    let name = name.to_owned();
    // Best effort: after a committed claim the answer must not turn into an error because
    // counting the queue failed under load.
    let waitlist_position = match claims::waitlist_position(db, &claim).await {
        Ok(position) => position,
        Err(err) => {
            tracing::warn!(error = ?err, claim_id = claim.id, "cannot count the waitlist");
            None
        }
    };
    Ok(ClaimView {
        waitlist_position,
        id: claim.id,
        item_id: claim.item_id,
        item_title: title,
        person_id: claim.person_id,
        person_name: name,
        status: claim.status,
        offer_expires_at: claim.offer_expires_at,
        hours: claim.minutes.map(|m| f64::from(m) / 60.0),
        checked_in_at: claim.checked_in_at,
        created_at: claim.created_at,
    })
}

#[derive(Serialize, ToSchema)]
pub struct ItemView {
    pub id: i64,
    pub community_id: i64,
    pub community_name: String,
    pub kind: crate::domain::ItemKind,
    pub volunteer_kind: Option<crate::domain::VolunteerKind>,
    pub title: String,
    pub description: String,
    pub capacity: i32,
    /// Places held (claimed, offered, attended).
    pub taken: i32,
    /// People waiting for a place.
    pub waitlist: u64,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    pub place: String,
    pub skills: String,
    pub signup_opens_at: DateTime<FixedOffset>,
    pub signup_closes_at: DateTime<FixedOffset>,
    pub status: crate::domain::ItemStatus,
    /// not_open_yet, open, closed, cancelled
    pub phase: String,
    pub my_claim: Option<ClaimView>,
}

/// One page of a community's items (of one kind when given), by start time, with the total.
pub async fn page(
    db: &impl ConnectionTrait,
    community_id: i64,
    kind: Option<&str>,
    page_index: u64,
    per_page: u64,
    viewer: i64,
) -> Result<(Vec<ItemView>, u64), CommunityError> {
    let mut find = service_item::Entity::find()
        .filter(service_item::Column::CommunityId.eq(community_id))
        .order_by_asc(service_item::Column::StartsAt)
        .order_by_asc(service_item::Column::Id);
    if let Some(kind) = kind {
        if !KINDS.contains(&kind) {
            return Err(invalid("kind must be item, post or volunteer"));
        }
        find = find.filter(service_item::Column::Kind.eq(kind));
    }
    let paginator = find.paginate(db, per_page);
    let total = paginator.num_items().await.context("cannot count items")?;
    let rows = paginator
        .fetch_page(page_index)
        .await
        .context("cannot read items")?;
    Ok((item_views(db, rows, viewer).await?, total))
}

/// One page of community `community_id`'s items, of one kind when given (`item`, `post`,
/// `volunteer`), soonest first, as `viewer` sees them. Anyone signed in may browse them.
pub async fn of_community(
    db: &impl ConnectionTrait,
    viewer: i64,
    community_id: i64,
    kind: Option<&str>,
    (index, per_page): (u64, u64),
) -> Result<Page<ItemView>, CommunityError> {
    let community = super::find_community(db, community_id).await?;
    if !(1..=100).contains(&per_page) {
        return Err(invalid("per_page is 1–100"));
    }
    let (items, total) = page(db, community.id, kind, index, per_page, viewer).await?;
    Ok(Page {
        items,
        page: index + 1,
        per_page,
        total,
    })
}

/// An item and every claim on it, waitlist in order, for the people who run its community.
pub async fn with_claims(
    db: &DatabaseConnection,
    caller: Caller,
    item_id: i64,
) -> Result<(ItemView, Vec<ClaimView>), CommunityError> {
    let item = claims::find_item(db, item_id).await?;
    authz::require(db, caller, super::RUN_COMMUNITY, item.community_id).await?;
    let claims = claims_on(db, &item).await?;
    Ok((item_view(db, item, caller.person_id).await?, claims))
}

pub async fn item_view(
    db: &impl ConnectionTrait,
    item: service_item::Model,
    viewer: i64,
) -> anyhow::Result<ItemView> {
    Ok(item_views(db, vec![item], viewer).await?.remove(0))
}

/// Views of a page of items as `viewer` sees them, in three statements however many items:
/// their communities' names, their claims (for waitlists and the viewer's own claim) and the
/// viewer's name.
pub async fn item_views(
    db: &impl ConnectionTrait,
    items: Vec<service_item::Model>,
    viewer: i64,
) -> anyhow::Result<Vec<ItemView>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let communities = crate::orgs::names(db, items.iter().map(|i| i.community_id)).await?;
    let mut claims_by_item: HashMap<i64, Vec<service_claim::Model>> = HashMap::new();
    for claim in service_claim::Entity::find()
        .filter(service_claim::Column::ItemId.is_in(items.iter().map(|i| i.id)))
        .all(db)
        .await
        .context("cannot read claims")?
    {
        claims_by_item.entry(claim.item_id).or_default().push(claim);
    }
    let viewer_name = crate::people::names(db, [viewer])
        .await?
        .remove(&viewer)
        .unwrap_or_default();
    let now = clock::now();
    Ok(items
        .into_iter()
        .map(|item| {
            let claims = claims_by_item.remove(&item.id).unwrap_or_default();
            let waitlist = claims
                .iter()
                .filter(|c| c.status == ClaimStatus::Waitlisted)
                .count() as u64;
            let my_claim = claims
                .iter()
                .find(|c| c.person_id == viewer)
                .map(|mine| view_among(mine, &claims, &item.title, &viewer_name));
            ItemView {
                phase: phase(&item, now).to_owned(),
                id: item.id,
                community_id: item.community_id,
                community_name: communities
                    .get(&item.community_id)
                    .cloned()
                    .unwrap_or_default(),
                kind: item.kind,
                volunteer_kind: item.volunteer_kind,
                title: item.title,
                description: item.description,
                capacity: item.capacity,
                taken: item.taken,
                waitlist,
                starts_at: item.starts_at,
                ends_at: item.ends_at,
                place: item.place,
                skills: item.skills,
                signup_opens_at: item.signup_opens_at,
                signup_closes_at: item.signup_closes_at,
                status: item.status,
                my_claim,
            }
        })
        .collect())
}

/// Every claim on `item`, oldest first, in two statements (the claims and their names).
pub async fn claims_on(
    db: &impl ConnectionTrait,
    item: &service_item::Model,
) -> anyhow::Result<Vec<ClaimView>> {
    let all = claims_of_item(db, item.id).await?;
    views_among(db, item, &all, &all).await
}

/// Views of some claims on `item` (just changed, say), in two statements however many.
pub async fn claim_views(
    db: &impl ConnectionTrait,
    item: &service_item::Model,
    rows: &[service_claim::Model],
) -> anyhow::Result<Vec<ClaimView>> {
    let all = claims_of_item(db, item.id).await?;
    views_among(db, item, rows, &all).await
}

async fn claims_of_item(
    db: &impl ConnectionTrait,
    item_id: i64,
) -> anyhow::Result<Vec<service_claim::Model>> {
    service_claim::Entity::find()
        .filter(service_claim::Column::ItemId.eq(item_id))
        .order_by_asc(service_claim::Column::CreatedAt)
        .order_by_asc(service_claim::Column::Id)
        .all(db)
        .await
        .context("cannot read claims")
}

/// `rows` shown with one read of their names; waitlist places counted among `all` the item's
/// claims, so no statement per row.
async fn views_among(
    db: &impl ConnectionTrait,
    item: &service_item::Model,
    rows: &[service_claim::Model],
    all: &[service_claim::Model],
) -> anyhow::Result<Vec<ClaimView>> {
    let names = crate::people::names(db, rows.iter().map(|c| c.person_id)).await?;
    Ok(rows
        .iter()
        .map(|claim| {
            let name = names.get(&claim.person_id).cloned().unwrap_or_default();
            view_among(claim, all, &item.title, &name)
        })
        .collect())
}

/// A claim's view, its waitlist place counted among its item's claims.
fn view_among(
    claim: &service_claim::Model,
    item_claims: &[service_claim::Model],
    item_title: &str,
    person_name: &str,
) -> ClaimView {
    let waitlist_position = (claim.status == ClaimStatus::Waitlisted).then(|| {
        let ahead = item_claims
            .iter()
            .filter(|q| q.status == ClaimStatus::Waitlisted)
            .filter(|q| (q.created_at, q.id) < (claim.created_at, claim.id))
            .count();
        ahead as u64 + 1
    });
    ClaimView {
        waitlist_position,
        id: claim.id,
        item_id: claim.item_id,
        item_title: item_title.to_owned(),
        person_id: claim.person_id,
        person_name: person_name.to_owned(),
        status: claim.status,
        offer_expires_at: claim.offer_expires_at,
        hours: claim.minutes.map(|m| f64::from(m) / 60.0),
        checked_in_at: claim.checked_in_at,
        created_at: claim.created_at,
    }
}
