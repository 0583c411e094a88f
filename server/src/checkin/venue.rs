//! The content of a venue QR at this moment: meetings' and volunteer activities' alike.
use super::{CheckinService, token::Rotation};
use crate::{clock, entities::activity};

/// The content of the current venue code.
pub struct VenueCode {
    pub url: String,
    pub token: String,
    pub valid_until: Option<chrono::DateTime<chrono::FixedOffset>>,
}

pub fn venue_code(service: &CheckinService, activity: &activity::Model) -> VenueCode {
    code_for(service, &activity.code, activity.window_seconds)
}

/// The current content of a rotating code: meetings' and volunteer activities' alike.
pub fn code_for(service: &CheckinService, code: &str, window_seconds: i32) -> VenueCode {
    let rotation = Rotation {
        seconds: u32::try_from(window_seconds).unwrap_or(0),
    };
    let window = rotation.window_at(clock::now().timestamp());
    let token = service.signer.venue_token(code, rotation, window);
    let base = service.settings.qr_base_url.trim_end_matches('/');
    VenueCode {
        url: format!("{base}/c/{code}?t={token}"),
        valid_until: rotation
            .window_end(window)
            .and_then(|end| chrono::DateTime::from_timestamp(end, 0))
            .map(|t| t.with_timezone(&clock::shanghai())),
        token,
    }
}

/// One branch's venue at a themed activity (集中主题活动), with its current code.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ThemedVenue {
    pub branch_id: i64,
    pub branch_name: String,
    pub url: String,
    pub token: String,
    pub valid_until: Option<chrono::DateTime<chrono::FixedOffset>>,
}

/// The venues of a themed activity the caller runs: all of them for the organisers of the
/// organisation holding it, a branch's own for that branch's organisers.
pub async fn themed_venues(
    service: &CheckinService,
    caller: crate::authz::Caller,
    plan_id: i64,
) -> Result<Vec<ThemedVenue>, super::AttendanceError> {
    Ok(venues_with_activity(service, caller, plan_id).await?.1)
}

/// The venues the caller runs, with the activity they belong to.
async fn venues_with_activity(
    service: &CheckinService,
    caller: crate::authz::Caller,
    plan_id: i64,
) -> Result<(activity::Model, Vec<ThemedVenue>), super::AttendanceError> {
    use anyhow::Context;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let plan = super::facts::find_plan(&service.db, plan_id).await?;
    let activity = super::facts::ensure_activity(&service.db, &plan, &service.settings).await?;
    let venues = crate::entities::themed_venue::Entity::find()
        .filter(crate::entities::themed_venue::Column::PlanId.eq(plan.id))
        .order_by_asc(crate::entities::themed_venue::Column::BranchId)
        .all(&service.db)
        .await
        .context("cannot read venues")?;
    if venues.is_empty() {
        return Err(super::AttendanceError::InvalidInput(
            "only a themed activity has venues of its own".into(),
        ));
    }
    let all = crate::authz::has_role(
        &service.db,
        caller.person_id,
        crate::authz::ORGANISE,
        plan.org_id,
    )
    .await?;
    let scope = crate::authz::Scope::load(&service.db, caller.person_id).await?;
    let names = crate::orgs::names(&service.db, venues.iter().map(|v| v.branch_id)).await?;
    let mine: Vec<ThemedVenue> = venues
        .into_iter()
        .filter(|v| all || scope.allows(crate::authz::ORGANISE, v.branch_id))
        .map(|v| {
            let code = code_for(service, &v.code, activity.window_seconds);
            ThemedVenue {
                branch_name: names.get(&v.branch_id).cloned().unwrap_or_default(),
                branch_id: v.branch_id,
                url: code.url,
                token: code.token,
                valid_until: code.valid_until,
            }
        })
        .collect();
    if mine.is_empty() {
        return Err(super::AttendanceError::Forbidden);
    }
    Ok((activity, mine))
}

/// A branch's venue QR of a themed activity, for the screen in its room.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct BranchVenueQr {
    pub url: String,
    pub token: String,
    pub window_seconds: i32,
    pub valid_until: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub png_base64: String,
}

/// The current QR of `branch_id`'s venue at a themed activity: that branch's organisers,
/// or the organisers of the organisation holding it.
pub async fn branch_venue_qr(
    service: &CheckinService,
    caller: crate::authz::Caller,
    plan_id: i64,
    branch_id: i64,
) -> Result<BranchVenueQr, super::AttendanceError> {
    use base64::Engine;
    let (activity, venues) = venues_with_activity(service, caller, plan_id).await?;
    let venue = venues
        .into_iter()
        .find(|v| v.branch_id == branch_id)
        .ok_or(super::AttendanceError::Forbidden)?;
    let png = crate::qr::qr_png(&venue.url).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(BranchVenueQr {
        png_base64: base64::engine::general_purpose::STANDARD.encode(png),
        window_seconds: activity.window_seconds,
        url: venue.url,
        token: venue.token,
        valid_until: venue.valid_until,
    })
}

/// A themed activity a branch joins, as its secretary finds it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct JoinedActivity {
    pub activity_id: i64,
    pub theme: String,
    pub activity_date: chrono::NaiveDate,
    pub start_time: String,
    pub end_time: String,
    /// The organisation holding it (a city, district or committee).
    pub host_org_name: String,
}

/// The filed themed activities `branch_id` joins, from 30 days ago on, by date (staff who
/// read the branch).
pub async fn joined_by(
    db: &sea_orm::DatabaseConnection,
    caller: crate::authz::Caller,
    branch_id: i64,
) -> Result<Vec<JoinedActivity>, super::AttendanceError> {
    use anyhow::Context;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    crate::authz::require(db, caller, crate::authz::READ_DIRECTORY, branch_id).await?;
    let plan_ids: Vec<i64> = crate::entities::themed_venue::Entity::find()
        .filter(crate::entities::themed_venue::Column::BranchId.eq(branch_id))
        .all(db)
        .await
        .context("cannot read venues")?
        .into_iter()
        .map(|v| v.plan_id)
        .collect();
    let since = clock::today() - chrono::Duration::days(30);
    let plans = crate::entities::activity_plan::Entity::find()
        .filter(crate::entities::activity_plan::Column::Id.is_in(plan_ids))
        .filter(crate::entities::activity_plan::Column::Status.eq(crate::domain::PlanStatus::Filed))
        .filter(crate::entities::activity_plan::Column::ActivityDate.gte(since))
        .order_by_asc(crate::entities::activity_plan::Column::ActivityDate)
        .all(db)
        .await
        .context("cannot read themed activities")?;
    let hosts = crate::orgs::names(db, plans.iter().map(|p| p.org_id)).await?;
    Ok(plans
        .into_iter()
        .map(|p| JoinedActivity {
            host_org_name: hosts.get(&p.org_id).cloned().unwrap_or_default(),
            activity_id: p.id,
            theme: p.theme,
            activity_date: p.activity_date,
            start_time: p.start_time,
            end_time: p.end_time,
        })
        .collect())
}
