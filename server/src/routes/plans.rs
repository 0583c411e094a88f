//! The monthly cycle (审核预告制度): yearly plans, monthly activity plans with their
//! expected participants, review and filing, and the preview due by the 10th.
use std::collections::HashMap;

use actix_web::{HttpResponse, http::StatusCode, web};
use anyhow::Context;
use chrono::{NaiveDate, NaiveTime, TimeZone};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tracing_actix_web::RequestId;
use utoipa::{IntoParams, ToSchema};

use crate::{
    audit::{self, Actor, AuditEntry},
    auth::AuthUser,
    authz::{self, READ_DIRECTORY},
    calendar::{CalendarError, Policy},
    calendar_store, clock,
    domain::{MemberStatus, OrgKind, PlanCategory, PlanStatus, Role},
    entities::{
        activity_plan, organisation, organisation_closure as closure, person, plan_event,
        plan_participant, yearly_plan,
    },
    error::ErrorBody,
    orgs,
};

/// Superiors who review, file, and may act for a branch.
const SUPERIORS: &[Role] = &[Role::Reviewer, Role::OrgAdmin];
const DEFAULT_OPENS_BEFORE: i32 = 30;
const DEFAULT_CLOSES_AFTER: i32 = 60;

#[derive(thiserror::Error)]
pub enum PlanError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("no such plan")]
    NotFound,
    #[error("no such organisation")]
    OrgNotFound,
    #[error("you do not have a role that allows this for that organisation")]
    Forbidden,
    #[error("{0}")]
    WrongState(String),
    #[error("this organisation already has a plan for {0}")]
    Exists(String),
    #[error(transparent)]
    Calendar(CalendarError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl crate::error::ApiError for PlanError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::InvalidInput(_) => (StatusCode::BAD_REQUEST, "plan.invalid_input"),
            Self::NotFound => (StatusCode::NOT_FOUND, "plan.not_found"),
            Self::OrgNotFound => (StatusCode::NOT_FOUND, "org.not_found"),
            Self::Forbidden => (StatusCode::FORBIDDEN, "auth.forbidden"),
            Self::WrongState(_) => (StatusCode::CONFLICT, "plan.wrong_state"),
            Self::Exists(_) => (StatusCode::CONFLICT, "plan.exists"),
            Self::Calendar(_) => (StatusCode::UNPROCESSABLE_ENTITY, "calendar.year_missing"),
            Self::Unexpected(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

crate::api_error!(PlanError, forbidden = PlanError::Forbidden);

// ---- request and response bodies ----

#[derive(Deserialize, ToSchema)]
pub struct YearlyPlanRequest {
    /// Month ("01"–"12") → theme. Months left out have no theme yet.
    pub themes: HashMap<String, String>,
}

#[derive(Serialize, ToSchema)]
pub struct YearlyPlanResponse {
    pub org_id: i64,
    pub year: i32,
    pub themes: serde_json::Value,
}

#[derive(Deserialize, ToSchema)]
pub struct PlanRequest {
    /// YYYY-MM (creation only; ignored on edit)
    pub month: Option<String>,
    pub theme: String,
    /// A category slug or its Chinese name, e.g. `party_lecture` / 党课.
    pub category: String,
    /// YYYY-MM-DD; defaults to the month's activity day. Another date needs `date_reason`.
    pub date: Option<String>,
    pub date_reason: Option<String>,
    /// HH:MM
    pub start_time: String,
    /// HH:MM
    pub end_time: String,
    pub place: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    #[serde(default)]
    pub requirements: String,
    pub organiser: String,
    /// Check-in opens this many minutes before the start (default 30).
    pub checkin_opens_minutes_before: Option<i32>,
    /// Check-in closes this many minutes after the end (default 60).
    pub checkin_closes_minutes_after: Option<i32>,
    /// Activists (入党积极分子) invited to attend; members are included automatically.
    #[serde(default)]
    pub invited_person_ids: Vec<i64>,
}

/// Changes to a plan: every field left out keeps its value, and `null` clears a field that
/// may be empty (date_reason, latitude, longitude). PUT and PATCH both take this, so a form
/// that shows only some fields never erases the others.
#[derive(Deserialize, ToSchema)]
pub struct PlanPatch {
    pub theme: Option<String>,
    pub category: Option<String>,
    /// YYYY-MM-DD; another day than the month's activity day needs `date_reason`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub date: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub date_reason: Option<Option<String>>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub place: Option<String>,
    /// GCJ-02 (what `wx.chooseLocation` gives); `null` removes the venue's coordinates.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<f64>)]
    pub latitude: Option<Option<f64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<f64>)]
    pub longitude: Option<Option<f64>>,
    pub requirements: Option<String>,
    pub organiser: Option<String>,
    pub checkin_opens_minutes_before: Option<i32>,
    pub checkin_closes_minutes_after: Option<i32>,
    /// Replaces the invited activists when given.
    pub invited_person_ids: Option<Vec<i64>>,
}

/// A field that was sent, possibly as `null` (`Some(None)`), as opposed to left out (`None`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

impl PlanPatch {
    /// The whole plan after this change, in the shape creation validates.
    fn merged_with(self, plan: &activity_plan::Model, invited: Vec<i64>) -> PlanRequest {
        let keep = |new: Option<Option<String>>, old: &Option<String>| match new {
            Some(value) => value,
            None => old.clone(),
        };
        PlanRequest {
            month: None,
            theme: self.theme.unwrap_or_else(|| plan.theme.clone()),
            category: self.category.unwrap_or_else(|| plan.category.clone()),
            date: keep(self.date, &Some(plan.activity_date.to_string())),
            date_reason: keep(self.date_reason, &plan.date_reason),
            start_time: self.start_time.unwrap_or_else(|| plan.start_time.clone()),
            end_time: self.end_time.unwrap_or_else(|| plan.end_time.clone()),
            place: self.place.unwrap_or_else(|| plan.place.clone()),
            latitude: self.latitude.unwrap_or(plan.latitude),
            longitude: self.longitude.unwrap_or(plan.longitude),
            requirements: self
                .requirements
                .unwrap_or_else(|| plan.requirements.clone()),
            organiser: self.organiser.unwrap_or_else(|| plan.organiser.clone()),
            checkin_opens_minutes_before: Some(
                self.checkin_opens_minutes_before
                    .unwrap_or(plan.checkin_opens_minutes_before),
            ),
            checkin_closes_minutes_after: Some(
                self.checkin_closes_minutes_after
                    .unwrap_or(plan.checkin_closes_minutes_after),
            ),
            invited_person_ids: self.invited_person_ids.unwrap_or(invited),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewRequest {
    /// Required when returning a plan.
    pub comment: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanResponse {
    pub id: i64,
    pub org_id: i64,
    pub month: String,
    pub version: i32,
    pub status: PlanStatus,
    pub theme: String,
    pub category: PlanCategory,
    pub category_label: String,
    pub date: NaiveDate,
    pub start_time: String,
    pub end_time: String,
    pub date_reason: Option<String>,
    pub place: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub requirements: String,
    pub organiser: String,
    /// Check-in window, Asia/Shanghai.
    pub checkin_opens_at: String,
    pub checkin_closes_at: String,
    /// The check-in window as the plan states it (what an edit form shows and sends back).
    pub checkin_opens_minutes_before: i32,
    pub checkin_closes_minutes_after: i32,
    pub review_comment: Option<String>,
    pub filed_to_org_id: Option<i64>,
    pub published_at: Option<String>,
    pub preview_deadline: NaiveDate,
    pub expected_participants: usize,
    pub history: Vec<PlanEventResponse>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanEventResponse {
    pub version: i32,
    pub action: String,
    /// None when the scheduler acted.
    pub actor_person_id: Option<i64>,
    /// A superior acted for the branch.
    pub on_behalf: bool,
    pub comment: Option<String>,
    pub occurred_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct ParticipantResponse {
    pub person_id: i64,
    pub name: String,
    pub status: String,
    pub invited: bool,
}

#[derive(Deserialize, IntoParams)]
pub struct MonthQuery {
    /// YYYY-MM
    pub month: String,
}

#[derive(Serialize, ToSchema)]
pub struct PreviewStatus {
    pub org_id: i64,
    pub org_name: String,
    pub plan_id: Option<i64>,
    pub plan_status: Option<PlanStatus>,
    pub published_at: Option<String>,
    /// Published after the 10th, or still unpublished after it.
    pub late: bool,
    /// No published preview yet.
    pub missing: bool,
}

// ---- validation ----

fn invalid(msg: impl Into<String>) -> PlanError {
    PlanError::InvalidInput(msg.into())
}

fn parse_month(raw: &str) -> Result<(i32, u32), PlanError> {
    crate::domain::dates::parse_month(raw).map_err(PlanError::InvalidInput)
}

fn parse_time(raw: &str, field: &str) -> Result<NaiveTime, PlanError> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .map_err(|_| invalid(format!("{field} `{raw}` is not HH:MM")))
}

fn text(raw: &str, field: &str, max: usize, required: bool) -> Result<String, PlanError> {
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

struct ValidPlan {
    theme: String,
    category: PlanCategory,
    date: NaiveDate,
    date_reason: Option<String>,
    start: NaiveTime,
    end: NaiveTime,
    place: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
    requirements: String,
    organiser: String,
    opens_before: i32,
    closes_after: i32,
}

fn validate(req: &PlanRequest, activity_day: NaiveDate) -> Result<ValidPlan, PlanError> {
    let date = match req.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => crate::domain::dates::parse_date(d, "date").map_err(PlanError::InvalidInput)?,
        None => activity_day,
    };
    let date_reason = req
        .date_reason
        .as_deref()
        .map(|r| text(r, "date_reason", 200, false))
        .transpose()?
        .filter(|r| !r.is_empty());
    if date != activity_day && date_reason.is_none() {
        return Err(invalid(format!(
            "the activity day is {activity_day}; another date needs a date_reason"
        )));
    }
    let start = parse_time(&req.start_time, "start_time")?;
    let end = parse_time(&req.end_time, "end_time")?;
    if end <= start {
        return Err(invalid("end_time must be after start_time"));
    }
    match (req.latitude, req.longitude) {
        (Some(lat), Some(lon))
            if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) => {}
        (None, None) => {}
        _ => {
            return Err(invalid(
                "latitude and longitude come together, within ±90 / ±180",
            ));
        }
    }
    let window = |v: Option<i32>, default: i32, field: &str| match v.unwrap_or(default) {
        m @ 0..=720 => Ok(m),
        _ => Err(invalid(format!("{field} is 0 to 720 minutes"))),
    };
    Ok(ValidPlan {
        theme: text(&req.theme, "theme", 100, true)?,
        category: PlanCategory::parse(&req.category).map_err(PlanError::InvalidInput)?,
        date,
        date_reason,
        start,
        end,
        place: text(&req.place, "place", 200, true)?,
        latitude: req.latitude,
        longitude: req.longitude,
        requirements: text(&req.requirements, "requirements", 2000, false)?,
        organiser: text(&req.organiser, "organiser", 50, true)?,
        opens_before: window(
            req.checkin_opens_minutes_before,
            DEFAULT_OPENS_BEFORE,
            "checkin_opens_minutes_before",
        )?,
        closes_after: window(
            req.checkin_closes_minutes_after,
            DEFAULT_CLOSES_AFTER,
            "checkin_closes_minutes_after",
        )?,
    })
}

fn apply(active: &mut activity_plan::ActiveModel, v: &ValidPlan) {
    active.theme = Set(v.theme.clone());
    active.category = Set(v.category.as_str().to_owned());
    active.activity_date = Set(v.date);
    active.date_reason = Set(v.date_reason.clone());
    active.start_time = Set(v.start.format("%H:%M").to_string());
    active.end_time = Set(v.end.format("%H:%M").to_string());
    active.place = Set(v.place.clone());
    active.latitude = Set(v.latitude);
    active.longitude = Set(v.longitude);
    active.requirements = Set(v.requirements.clone());
    active.organiser = Set(v.organiser.clone());
    active.checkin_opens_minutes_before = Set(v.opens_before);
    active.checkin_closes_minutes_after = Set(v.closes_after);
}

// ---- queries ----

async fn existing_org(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<organisation::Model, PlanError> {
    orgs::find(db, id).await?.ok_or(PlanError::OrgNotFound)
}

async fn existing_plan(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<activity_plan::Model, PlanError> {
    activity_plan::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a plan")?
        .ok_or(PlanError::NotFound)
}

/// The branch's own secretary acts for it; a reviewer or admin above it acts on its behalf
/// (flagged in the history). Anyone else is refused.
async fn branch_actor(
    db: &impl ConnectionTrait,
    user: AuthUser,
    org: &organisation::Model,
) -> Result<bool, PlanError> {
    if authz::has_role(db, user.person_id, &[Role::Secretary], org.id).await? {
        return Ok(false);
    }
    if let Some(parent) = org.parent_id
        && authz::has_role(db, user.person_id, SUPERIORS, parent).await?
    {
        return Ok(true);
    }
    Err(PlanError::Forbidden)
}

/// Reviewing needs a superior role strictly above the organisation: nobody approves their own plan.
async fn require_reviewer(
    db: &impl ConnectionTrait,
    user: AuthUser,
    org: &organisation::Model,
) -> Result<(), PlanError> {
    match org.parent_id {
        Some(parent) if authz::has_role(db, user.person_id, SUPERIORS, parent).await? => Ok(()),
        _ => Err(PlanError::Forbidden),
    }
}

async fn activity_day_of(
    db: &impl ConnectionTrait,
    org: &organisation::Model,
    year: i32,
    month: u32,
) -> Result<NaiveDate, PlanError> {
    let calendar = calendar_store::load_years(db, &[year, year + 1]).await?;
    let policy = Policy::parse(&org.activity_day_policy).map_err(anyhow::Error::msg)?;
    calendar
        .activity_day(year, month, policy)
        .map(|d| d.activity_day)
        .map_err(|e| match e {
            CalendarError::YearMissing(_) => PlanError::Calendar(e),
            other => PlanError::InvalidInput(other.to_string()),
        })
}

/// Filing goes to the county-level organisation department (县、市、区): the nearest district
/// above the branch; with no district in between, the city-directly-attached committee
/// (市直单位党委) the branch belongs to, never the city root itself.
async fn filing_target(db: &impl ConnectionTrait, org_id: i64) -> Result<i64, PlanError> {
    let ancestors = closure::Entity::find()
        .filter(closure::Column::DescendantId.eq(org_id))
        .order_by_asc(closure::Column::Depth)
        .all(db)
        .await
        .context("cannot read ancestors")?;
    let orgs: std::collections::HashMap<i64, organisation::Model> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ancestors.iter().map(|a| a.ancestor_id)))
        .all(db)
        .await
        .context("cannot read the organisations above")?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let mut top_committee = None;
    let mut top = org_id;
    for org in ancestors
        .iter()
        .skip(1)
        .filter_map(|a| orgs.get(&a.ancestor_id))
    {
        if org.kind == OrgKind::District.as_str() {
            return Ok(org.id);
        }
        if org.kind == OrgKind::Committee.as_str() {
            top_committee = Some(org.id);
        }
        top = org.id;
    }
    Ok(top_committee.unwrap_or(top))
}

async fn record_event(
    db: &impl ConnectionTrait,
    plan: &activity_plan::Model,
    action: &'static str,
    user: AuthUser,
    on_behalf: bool,
    comment: Option<String>,
    request_id: &RequestId,
) -> Result<(), PlanError> {
    record_event_by(
        db,
        plan,
        action,
        Some(user),
        on_behalf,
        comment,
        Some(request_id.to_string()),
    )
    .await
}

/// `actor: None` is the scheduler.
async fn record_event_by(
    db: &impl ConnectionTrait,
    plan: &activity_plan::Model,
    action: &'static str,
    actor: Option<AuthUser>,
    on_behalf: bool,
    comment: Option<String>,
    request_id: Option<String>,
) -> Result<(), PlanError> {
    plan_event::ActiveModel {
        plan_id: Set(plan.id),
        version: Set(plan.version),
        action: Set(action.to_owned()),
        actor_person_id: Set(actor.map(|u| u.person_id)),
        on_behalf: Set(on_behalf),
        comment: Set(comment.clone()),
        occurred_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("cannot record a plan event")?;
    audit::record(db, request_id, AuditEntry {
        actor: actor.map_or(Actor::Scheduler, |u| Actor::Person(u.person_id)),
        action: match action {
            "created" => "plan.create",
            "edited" => "plan.edit",
            "submitted" => "plan.submit",
            "returned" => "plan.return",
            "approved" => "plan.approve",
            "filed" => "plan.file",
            "published" => "plan.publish",
            _ => "plan.participants_refresh",
        },
        target_type: "plan",
        target_id: plan.id.to_string(),
        org_id: Some(plan.org_id),
        detail: json!({"version": plan.version, "status": plan.status, "on_behalf": on_behalf, "comment": comment}),
    })
    .await?;
    Ok(())
}

/// Expected participants: full and probationary members of the branch who are active and
/// not exempt, plus invited activists. Replaces any earlier snapshot.
async fn snapshot_participants(
    db: &impl ConnectionTrait,
    plan: &activity_plan::Model,
    invited: &[i64],
) -> Result<usize, PlanError> {
    plan_participant::Entity::delete_many()
        .filter(plan_participant::Column::PlanId.eq(plan.id))
        .exec(db)
        .await
        .context("cannot clear participants")?;
    let members = person::Entity::find()
        .filter(person::Column::OrgId.eq(plan.org_id))
        .filter(person::Column::Active.eq(true))
        .filter(person::Column::Exempt.eq(false))
        .filter(person::Column::Status.is_in([
            MemberStatus::Full.as_str(),
            MemberStatus::Probationary.as_str(),
        ]))
        .all(db)
        .await
        .context("cannot read the roster")?;
    let activists = if invited.is_empty() {
        Vec::new()
    } else {
        person::Entity::find()
            .filter(person::Column::Id.is_in(invited.iter().copied()))
            .filter(person::Column::OrgId.eq(plan.org_id))
            .filter(person::Column::Active.eq(true))
            .filter(person::Column::Status.eq(MemberStatus::Activist.as_str()))
            .all(db)
            .await
            .context("cannot read invited activists")?
    };
    if activists.len() != invited.len() {
        return Err(invalid(
            "invited_person_ids must be active activists (入党积极分子) of this branch",
        ));
    }
    let rows: Vec<plan_participant::ActiveModel> = members
        .iter()
        .map(|p| (p.id, false))
        .chain(activists.iter().map(|p| (p.id, true)))
        .map(|(person_id, invited)| plan_participant::ActiveModel {
            plan_id: Set(plan.id),
            person_id: Set(person_id),
            invited: Set(invited),
        })
        .collect();
    let count = rows.len();
    // Chunked: SQLite caps bound parameters per statement, and a large branch exceeds it.
    for chunk in rows.chunks(1000) {
        plan_participant::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await
            .context("cannot store participants")?;
    }
    Ok(count)
}

fn shanghai_time(date: NaiveDate, time: &str, offset_minutes: i64) -> String {
    let time = NaiveTime::parse_from_str(time, "%H:%M").unwrap_or_default();
    let Some(local) = date
        .and_time(time)
        .checked_add_signed(chrono::Duration::minutes(offset_minutes))
    else {
        return String::new();
    };
    clock::shanghai()
        .from_local_datetime(&local)
        .single()
        .map(|t| t.to_rfc3339())
        .unwrap_or_default()
}

/// The 10th of the plan's month, end of day, Asia/Shanghai.
fn preview_deadline(
    month: &str,
) -> Result<(NaiveDate, chrono::DateTime<chrono::FixedOffset>), PlanError> {
    let (year, month) = parse_month(month)?;
    let day = NaiveDate::from_ymd_opt(year, month, 10).ok_or_else(|| invalid("bad month"))?;
    let end = day
        .and_hms_opt(23, 59, 59)
        .ok_or_else(|| invalid("bad month"))?;
    let deadline = clock::shanghai()
        .from_local_datetime(&end)
        .single()
        .ok_or_else(|| invalid("bad month"))?;
    Ok((day, deadline))
}

async fn respond(
    db: &impl ConnectionTrait,
    plan: activity_plan::Model,
) -> Result<PlanResponse, PlanError> {
    let expected = plan_participant::Entity::find()
        .filter(plan_participant::Column::PlanId.eq(plan.id))
        .all(db)
        .await
        .context("cannot count participants")?
        .len();
    let history = plan_event::Entity::find()
        .filter(plan_event::Column::PlanId.eq(plan.id))
        .order_by_asc(plan_event::Column::Id)
        .all(db)
        .await
        .context("cannot read plan history")?;
    let category = PlanCategory::parse(&plan.category).map_err(anyhow::Error::msg)?;
    let (deadline, _) = preview_deadline(&plan.month)?;
    Ok(PlanResponse {
        id: plan.id,
        org_id: plan.org_id,
        status: PlanStatus::parse(&plan.status).map_err(anyhow::Error::msg)?,
        category,
        category_label: category.label().to_owned(),
        checkin_opens_at: shanghai_time(
            plan.activity_date,
            &plan.start_time,
            -i64::from(plan.checkin_opens_minutes_before),
        ),
        checkin_closes_at: shanghai_time(
            plan.activity_date,
            &plan.end_time,
            i64::from(plan.checkin_closes_minutes_after),
        ),
        checkin_opens_minutes_before: plan.checkin_opens_minutes_before,
        checkin_closes_minutes_after: plan.checkin_closes_minutes_after,
        month: plan.month,
        version: plan.version,
        theme: plan.theme,
        date: plan.activity_date,
        start_time: plan.start_time,
        end_time: plan.end_time,
        date_reason: plan.date_reason,
        place: plan.place,
        latitude: plan.latitude,
        longitude: plan.longitude,
        requirements: plan.requirements,
        organiser: plan.organiser,
        review_comment: plan.review_comment,
        filed_to_org_id: plan.filed_to_org_id,
        published_at: plan
            .published_at
            .map(|t| t.with_timezone(&clock::shanghai()).to_rfc3339()),
        preview_deadline: deadline,
        expected_participants: expected,
        history: history
            .into_iter()
            .map(|e| PlanEventResponse {
                version: e.version,
                action: e.action,
                actor_person_id: e.actor_person_id,
                on_behalf: e.on_behalf,
                comment: e.comment,
                occurred_at: e.occurred_at.with_timezone(&clock::shanghai()).to_rfc3339(),
            })
            .collect(),
    })
}

fn status_of(plan: &activity_plan::Model) -> Result<PlanStatus, PlanError> {
    Ok(PlanStatus::parse(&plan.status).map_err(anyhow::Error::msg)?)
}

fn wrong_state(plan: &activity_plan::Model, action: &str) -> PlanError {
    PlanError::WrongState(format!("a plan that is {} cannot be {action}", plan.status))
}

// ---- handlers ----

/// Set the yearly plan (活动规划): a theme per month.
#[utoipa::path(put, path = "/api/v1/orgs/{id}/yearly-plans/{year}", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path), ("year" = i32, Path)), request_body = YearlyPlanRequest, responses(
    (status = 200, description = "Stored", body = YearlyPlanResponse),
    (status = 400, description = "plan.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn put_yearly_plan(
    user: AuthUser,
    path: web::Path<(i64, i32)>,
    body: web::Json<YearlyPlanRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<YearlyPlanResponse>, PlanError> {
    let (org_id, year) = path.into_inner();
    let year = crate::domain::dates::check_year(year).map_err(PlanError::InvalidInput)?;
    let mut themes = serde_json::Map::new();
    for (month, theme) in &body.themes {
        let m: u32 = month
            .parse()
            .map_err(|_| invalid(format!("`{month}` is not a month 01–12")))?;
        if month.len() != 2 || !(1..=12).contains(&m) {
            return Err(invalid(format!("`{month}` is not a month 01–12")));
        }
        themes.insert(month.clone(), json!(text(theme, "theme", 100, true)?));
    }
    let org = existing_org(db.get_ref(), org_id).await?;
    let on_behalf = branch_actor(db.get_ref(), user, &org).await?;
    let txn = crate::db::begin_write(db.get_ref())
        .await
        .context("cannot start a transaction")?;
    let existing = yearly_plan::Entity::find()
        .filter(yearly_plan::Column::OrgId.eq(org.id))
        .filter(yearly_plan::Column::Year.eq(year))
        .one(&txn)
        .await
        .context("cannot read the yearly plan")?;
    let themes_text = serde_json::Value::Object(themes.clone()).to_string();
    match existing {
        Some(row) => {
            let mut active = row.into_active_model();
            active.themes = Set(themes_text);
            active.updated_by = Set(user.person_id);
            active.updated_at = Set(clock::now());
            active
                .update(&txn)
                .await
                .context("cannot update the yearly plan")?;
        }
        None => {
            yearly_plan::ActiveModel {
                org_id: Set(org.id),
                year: Set(year),
                themes: Set(themes_text),
                updated_by: Set(user.person_id),
                updated_at: Set(clock::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .context("cannot store the yearly plan")?;
        }
    }
    audit::record(
        &txn,
        Some(request_id.to_string()),
        AuditEntry {
            actor: Actor::Person(user.person_id),
            action: "yearly_plan.set",
            target_type: "organisation",
            target_id: org.id.to_string(),
            org_id: Some(org.id),
            detail: json!({"year": year, "months": themes.len(), "on_behalf": on_behalf}),
        },
    )
    .await?;
    txn.commit()
        .await
        .context("cannot commit the yearly plan")?;
    Ok(web::Json(YearlyPlanResponse {
        org_id: org.id,
        year,
        themes: serde_json::Value::Object(themes),
    }))
}

/// The yearly plan of an organisation.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/yearly-plans/{year}", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path), ("year" = i32, Path)), responses(
    (status = 200, description = "The themes (empty when none set)", body = YearlyPlanResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn get_yearly_plan(
    user: AuthUser,
    path: web::Path<(i64, i32)>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<YearlyPlanResponse>, PlanError> {
    let (org_id, year) = path.into_inner();
    let org = existing_org(db.get_ref(), org_id).await?;
    authz::require(db.get_ref(), user, READ_DIRECTORY, org.id).await?;
    let row = yearly_plan::Entity::find()
        .filter(yearly_plan::Column::OrgId.eq(org.id))
        .filter(yearly_plan::Column::Year.eq(year))
        .one(db.get_ref())
        .await
        .context("cannot read the yearly plan")?;
    let themes = row
        .and_then(|r| serde_json::from_str(&r.themes).ok())
        .unwrap_or_else(|| json!({}));
    Ok(web::Json(YearlyPlanResponse {
        org_id: org.id,
        year,
        themes,
    }))
}

/// Draft the monthly activity plan of a branch; expected participants are snapshotted.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/plans", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = PlanRequest, responses(
    (status = 201, description = "Drafted", body = PlanResponse),
    (status = 400, description = "plan.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody),
    (status = 409, description = "plan.exists", body = ErrorBody),
    (status = 422, description = "calendar.year_missing", body = ErrorBody)))]
#[tracing::instrument(name = "Draft a plan", skip_all, fields(person_id = user.person_id))]
pub async fn create_plan(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<PlanRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, PlanError> {
    let month = body
        .month
        .as_deref()
        .ok_or_else(|| invalid("month (YYYY-MM) is required"))?
        .trim()
        .to_owned();
    let (year, m) = parse_month(&month)?;
    let org = existing_org(db.get_ref(), *path).await?;
    if org.kind != OrgKind::Branch.as_str() {
        return Err(invalid(format!(
            "monthly plans belong to branches; {} is a {}",
            org.name, org.kind
        )));
    }
    let on_behalf = branch_actor(db.get_ref(), user, &org).await?;
    let valid = validate(&body, activity_day_of(db.get_ref(), &org, year, m).await?)?;
    let txn = crate::db::begin_write(db.get_ref())
        .await
        .context("cannot start a transaction")?;
    let taken = activity_plan::Entity::find()
        .filter(activity_plan::Column::OrgId.eq(org.id))
        .filter(activity_plan::Column::Month.eq(&month))
        .one(&txn)
        .await
        .context("cannot check for an existing plan")?;
    if taken.is_some() {
        return Err(PlanError::Exists(month));
    }
    let now = clock::now();
    let mut active = activity_plan::ActiveModel {
        org_id: Set(org.id),
        month: Set(month),
        version: Set(1),
        status: Set(PlanStatus::Draft.as_str().to_owned()),
        review_comment: Set(None),
        filed_to_org_id: Set(None),
        filed_at: Set(None),
        published_at: Set(None),
        preview: Set(None),
        created_by: Set(user.person_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply(&mut active, &valid);
    let plan = active.insert(&txn).await.context("cannot store a plan")?;
    snapshot_participants(&txn, &plan, &body.invited_person_ids).await?;
    record_event(&txn, &plan, "created", user, on_behalf, None, &request_id).await?;
    txn.commit().await.context("cannot commit a plan")?;
    Ok(HttpResponse::Created().json(respond(db.get_ref(), plan).await?))
}

/// One plan with its history (the branch, and everyone who may read it in scope).
#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "The plan", body = PlanResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody)))]
pub async fn get_plan(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<PlanResponse>, PlanError> {
    let plan = existing_plan(db.get_ref(), *path).await?;
    authz::require(db.get_ref(), user, READ_DIRECTORY, plan.org_id).await?;
    Ok(web::Json(respond(db.get_ref(), plan).await?))
}

/// Edit a plan: fields left out keep their values (`null` clears a nullable one). Drafts
/// and returned plans change in place; a filed plan becomes a new version that needs review
/// again. A plan under review cannot change. PUT and PATCH are the same.
#[utoipa::path(patch, path = "/api/v1/plans/{id}", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = PlanPatch, responses(
    (status = 200, description = "Edited", body = PlanResponse),
    (status = 400, description = "plan.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state", body = ErrorBody)))]
pub async fn patch_plan(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<PlanPatch>,
    db: web::Data<DatabaseConnection>,
    cache: web::Data<crate::cache::Cache>,
    request_id: RequestId,
) -> Result<web::Json<PlanResponse>, PlanError> {
    update_plan(user, path, body, db, cache, request_id).await
}

/// Edit a plan: fields left out keep their values (`null` clears a nullable one). Drafts
/// and returned plans change in place; a filed plan becomes a new version that needs review
/// again. A plan under review cannot change.
#[utoipa::path(put, path = "/api/v1/plans/{id}", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = PlanPatch, responses(
    (status = 200, description = "Edited", body = PlanResponse),
    (status = 400, description = "plan.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state", body = ErrorBody)))]
#[tracing::instrument(name = "Edit a plan", skip_all, fields(person_id = user.person_id))]
pub async fn update_plan(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<PlanPatch>,
    db: web::Data<DatabaseConnection>,
    cache: web::Data<crate::cache::Cache>,
    request_id: RequestId,
) -> Result<web::Json<PlanResponse>, PlanError> {
    let plan = existing_plan(db.get_ref(), *path).await?;
    let org = existing_org(db.get_ref(), plan.org_id).await?;
    let on_behalf = branch_actor(db.get_ref(), user, &org).await?;
    let (year, m) = parse_month(&plan.month)?;
    let invited: Vec<i64> = plan_participant::Entity::find()
        .filter(plan_participant::Column::PlanId.eq(plan.id))
        .filter(plan_participant::Column::Invited.eq(true))
        .all(db.get_ref())
        .await
        .context("cannot read the invited activists")?
        .into_iter()
        .map(|p| p.person_id)
        .collect();
    let body = body.into_inner().merged_with(&plan, invited);
    let valid = validate(&body, activity_day_of(db.get_ref(), &org, year, m).await?)?;
    let status = status_of(&plan)?;
    if status == PlanStatus::Submitted {
        return Err(wrong_state(&plan, "edited while under review"));
    }
    let txn = crate::db::begin_write(db.get_ref())
        .await
        .context("cannot start a transaction")?;
    let mut active = plan.clone().into_active_model();
    apply(&mut active, &valid);
    if status == PlanStatus::Filed {
        active.version = Set(plan.version + 1);
        active.status = Set(PlanStatus::Draft.as_str().to_owned());
        active.filed_at = Set(None);
        active.filed_to_org_id = Set(None);
    }
    active.updated_at = Set(clock::now());
    let plan = active.update(&txn).await.context("cannot update a plan")?;
    snapshot_participants(&txn, &plan, &body.invited_person_ids).await?;
    record_event(&txn, &plan, "edited", user, on_behalf, None, &request_id).await?;
    txn.commit().await.context("cannot commit an edit")?;
    // Scans decide on cached participants and times; tell every instance.
    crate::checkin::facts::facts_changed(&cache).await;
    Ok(web::Json(respond(db.get_ref(), plan).await?))
}

/// Submit for review (draft or returned → submitted).
#[utoipa::path(post, path = "/api/v1/plans/{id}/submit", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "Submitted", body = PlanResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state", body = ErrorBody)))]
pub async fn submit_plan(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<PlanResponse>, PlanError> {
    let plan = existing_plan(db.get_ref(), *path).await?;
    let org = existing_org(db.get_ref(), plan.org_id).await?;
    let on_behalf = branch_actor(db.get_ref(), user, &org).await?;
    if !matches!(status_of(&plan)?, PlanStatus::Draft | PlanStatus::Returned) {
        return Err(wrong_state(&plan, "submitted"));
    }
    let plan = transition(
        &db,
        plan,
        PlanStatus::Submitted,
        "submitted",
        user,
        on_behalf,
        None,
        &request_id,
    )
    .await?;
    Ok(web::Json(respond(db.get_ref(), plan).await?))
}

/// Approve (reviewers and admins above the branch): the plan is filed with the county-level
/// organisation department at once.
#[utoipa::path(post, path = "/api/v1/plans/{id}/approve", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ReviewRequest, responses(
    (status = 200, description = "Approved and filed", body = PlanResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state", body = ErrorBody)))]
pub async fn approve_plan(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<ReviewRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<PlanResponse>, PlanError> {
    let plan = existing_plan(db.get_ref(), *path).await?;
    let org = existing_org(db.get_ref(), plan.org_id).await?;
    require_reviewer(db.get_ref(), user, &org).await?;
    if status_of(&plan)? != PlanStatus::Submitted {
        return Err(wrong_state(&plan, "approved"));
    }
    let comment = body
        .comment
        .as_deref()
        .map(|c| text(c, "comment", 500, false))
        .transpose()?
        .filter(|c| !c.is_empty());
    let target = filing_target(db.get_ref(), org.id).await?;
    let txn = crate::db::begin_write(db.get_ref())
        .await
        .context("cannot start a transaction")?;
    record_event(
        &txn,
        &plan,
        "approved",
        user,
        false,
        comment.clone(),
        &request_id,
    )
    .await?;
    let mut active = plan.into_active_model();
    active.status = Set(PlanStatus::Filed.as_str().to_owned());
    active.review_comment = Set(comment);
    active.filed_to_org_id = Set(Some(target));
    active.filed_at = Set(Some(clock::now()));
    active.updated_at = Set(clock::now());
    let plan = active.update(&txn).await.context("cannot file a plan")?;
    record_event(
        &txn,
        &plan,
        "filed",
        user,
        false,
        Some(format!("filed with organisation {target}")),
        &request_id,
    )
    .await?;
    txn.commit().await.context("cannot commit an approval")?;
    Ok(web::Json(respond(db.get_ref(), plan).await?))
}

/// Return to the branch with a comment (reviewers and admins above the branch).
#[utoipa::path(post, path = "/api/v1/plans/{id}/return", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ReviewRequest, responses(
    (status = 200, description = "Returned", body = PlanResponse),
    (status = 400, description = "plan.invalid_input (a comment is required)", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state", body = ErrorBody)))]
pub async fn return_plan(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<ReviewRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<PlanResponse>, PlanError> {
    let comment = text(body.comment.as_deref().unwrap_or(""), "comment", 500, true)?;
    let plan = existing_plan(db.get_ref(), *path).await?;
    let org = existing_org(db.get_ref(), plan.org_id).await?;
    require_reviewer(db.get_ref(), user, &org).await?;
    if status_of(&plan)? != PlanStatus::Submitted {
        return Err(wrong_state(&plan, "returned"));
    }
    let plan = transition(
        &db,
        plan,
        PlanStatus::Returned,
        "returned",
        user,
        false,
        Some(comment),
        &request_id,
    )
    .await?;
    Ok(web::Json(respond(db.get_ref(), plan).await?))
}

#[allow(clippy::too_many_arguments)]
async fn transition(
    db: &DatabaseConnection,
    plan: activity_plan::Model,
    to: PlanStatus,
    action: &'static str,
    user: AuthUser,
    on_behalf: bool,
    comment: Option<String>,
    request_id: &RequestId,
) -> Result<activity_plan::Model, PlanError> {
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let mut active = plan.into_active_model();
    active.status = Set(to.as_str().to_owned());
    if comment.is_some() {
        active.review_comment = Set(comment.clone());
    }
    active.updated_at = Set(clock::now());
    let plan = active
        .update(&txn)
        .await
        .context("cannot change a plan's status")?;
    record_event(&txn, &plan, action, user, on_behalf, comment, request_id).await?;
    txn.commit().await.context("cannot commit a transition")?;
    Ok(plan)
}

/// Re-snapshot the expected participants from the roster (until the activity day).
#[utoipa::path(post, path = "/api/v1/plans/{id}/participants/refresh", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "Refreshed", body = [ParticipantResponse]),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state (the day has passed)", body = ErrorBody)))]
pub async fn refresh_participants(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    cache: web::Data<crate::cache::Cache>,
    request_id: RequestId,
) -> Result<web::Json<Vec<ParticipantResponse>>, PlanError> {
    let plan = existing_plan(db.get_ref(), *path).await?;
    let org = existing_org(db.get_ref(), plan.org_id).await?;
    let on_behalf = branch_actor(db.get_ref(), user, &org).await?;
    let today = clock::now().with_timezone(&clock::shanghai()).date_naive();
    if today > plan.activity_date {
        return Err(PlanError::WrongState(
            "the activity day has passed; participants are fixed".into(),
        ));
    }
    let invited: Vec<i64> = plan_participant::Entity::find()
        .filter(plan_participant::Column::PlanId.eq(plan.id))
        .filter(plan_participant::Column::Invited.eq(true))
        .all(db.get_ref())
        .await
        .context("cannot read invited activists")?
        .into_iter()
        .map(|p| p.person_id)
        .collect();
    let txn = crate::db::begin_write(db.get_ref())
        .await
        .context("cannot start a transaction")?;
    snapshot_participants(&txn, &plan, &invited).await?;
    record_event(
        &txn,
        &plan,
        "participants_refreshed",
        user,
        on_behalf,
        None,
        &request_id,
    )
    .await?;
    txn.commit().await.context("cannot commit a refresh")?;
    // Scans decide on cached participants and times; tell every instance.
    crate::checkin::facts::facts_changed(&cache).await;
    Ok(web::Json(participants(db.get_ref(), plan.id).await?))
}

async fn participants(
    db: &impl ConnectionTrait,
    plan_id: i64,
) -> Result<Vec<ParticipantResponse>, PlanError> {
    let rows = plan_participant::Entity::find()
        .filter(plan_participant::Column::PlanId.eq(plan_id))
        .all(db)
        .await
        .context("cannot read participants")?;
    let people: HashMap<i64, person::Model> = person::Entity::find()
        .filter(person::Column::Id.is_in(rows.iter().map(|r| r.person_id)))
        .all(db)
        .await
        .context("cannot read participants' names")?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut list: Vec<ParticipantResponse> = rows
        .into_iter()
        .filter_map(|p| {
            people.get(&p.person_id).map(|person| ParticipantResponse {
                person_id: p.person_id,
                name: person.name.clone(),
                status: person.status.clone(),
                invited: p.invited,
            })
        })
        .collect();
    list.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(list)
}

/// The expected participants of a plan.
#[utoipa::path(get, path = "/api/v1/plans/{id}/participants", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "Expected participants", body = [ParticipantResponse]),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody)))]
pub async fn list_participants(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<ParticipantResponse>>, PlanError> {
    let plan = existing_plan(db.get_ref(), *path).await?;
    authz::require(db.get_ref(), user, READ_DIRECTORY, plan.org_id).await?;
    Ok(web::Json(participants(db.get_ref(), plan.id).await?))
}

/// Publish the preview (预告) of a filed plan. Due by the 10th of the month, Asia/Shanghai;
/// a later publication is recorded as late.
#[utoipa::path(post, path = "/api/v1/plans/{id}/publish", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "Published", body = PlanResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state (not filed yet)", body = ErrorBody)))]
pub async fn publish_preview(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    cache: web::Data<crate::cache::Cache>,
    wechat: web::Data<crate::config::WechatSettings>,
    wake: web::Data<tokio::sync::Notify>,
    request_id: RequestId,
) -> Result<web::Json<PlanResponse>, PlanError> {
    let plan = existing_plan(db.get_ref(), *path).await?;
    let org = existing_org(db.get_ref(), plan.org_id).await?;
    let on_behalf = branch_actor(db.get_ref(), user, &org).await?;
    if status_of(&plan)? != PlanStatus::Filed {
        return Err(wrong_state(&plan, "published before it is approved"));
    }
    let txn = crate::db::begin_write(db.get_ref())
        .await
        .context("cannot start a transaction")?;
    let (plan, queued) = publish(
        &txn,
        plan,
        &org,
        Some(user),
        on_behalf,
        Some(request_id.to_string()),
        &wechat,
    )
    .await?;
    txn.commit().await.context("cannot commit a publication")?;
    wake.notify_one();
    if let Err(e) = cache.publish(crate::push::WAKE_CHANNEL, "preview").await {
        tracing::debug!(error = %e, "cannot wake other instances; they poll");
    }
    tracing::info!(plan_id = plan.id, queued, "preview published");
    Ok(web::Json(respond(db.get_ref(), plan).await?))
}

/// Plans of the branches under an organisation for one month (reviewers see what waits).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/plans", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path), MonthQuery), responses(
    (status = 200, description = "Plans in the subtree", body = [PlanResponse]),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn list_plans(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<MonthQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<PlanResponse>>, PlanError> {
    parse_month(&query.month)?;
    let org = existing_org(db.get_ref(), *path).await?;
    authz::require(db.get_ref(), user, READ_DIRECTORY, org.id).await?;
    let subtree = orgs::subtree_ids(db.get_ref(), org.id).await?;
    let plans = activity_plan::Entity::find()
        .filter(activity_plan::Column::OrgId.is_in(subtree))
        .filter(activity_plan::Column::Month.eq(query.month.trim()))
        .order_by_asc(activity_plan::Column::OrgId)
        .all(db.get_ref())
        .await
        .context("cannot list plans")?;
    let mut out = Vec::with_capacity(plans.len());
    for plan in plans {
        out.push(respond(db.get_ref(), plan).await?);
    }
    Ok(web::Json(out))
}

/// For superiors and supervisors: every branch under an organisation with its preview for
/// the month, flagging late (after the 10th) and missing ones.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/previews", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path), MonthQuery), responses(
    (status = 200, description = "One row per branch", body = [PreviewStatus]),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn preview_status(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<MonthQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<PreviewStatus>>, PlanError> {
    let (_, deadline) = preview_deadline(query.month.trim())?;
    let org = existing_org(db.get_ref(), *path).await?;
    authz::require(db.get_ref(), user, READ_DIRECTORY, org.id).await?;
    let subtree = orgs::subtree_ids(db.get_ref(), org.id).await?;
    let branches = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(subtree.clone()))
        .filter(organisation::Column::Kind.eq(OrgKind::Branch.as_str()))
        .order_by_asc(organisation::Column::Code)
        .all(db.get_ref())
        .await
        .context("cannot list branches")?;
    let plans: HashMap<i64, activity_plan::Model> = activity_plan::Entity::find()
        .filter(activity_plan::Column::OrgId.is_in(subtree))
        .filter(activity_plan::Column::Month.eq(query.month.trim()))
        .all(db.get_ref())
        .await
        .context("cannot list plans")?
        .into_iter()
        .map(|p| (p.org_id, p))
        .collect();
    let now = clock::now();
    let rows = branches
        .into_iter()
        .map(|b| {
            let plan = plans.get(&b.id);
            let published = plan.and_then(|p| p.published_at);
            PreviewStatus {
                org_id: b.id,
                org_name: b.name,
                plan_id: plan.map(|p| p.id),
                plan_status: plan.and_then(|p| PlanStatus::parse(&p.status).ok()),
                published_at: published.map(|t| t.with_timezone(&clock::shanghai()).to_rfc3339()),
                late: match published {
                    Some(at) => at > deadline,
                    None => now > deadline,
                },
                missing: published.is_none(),
            }
        })
        .collect();
    Ok(web::Json(rows))
}

#[derive(Serialize, ToSchema)]
pub struct MyPreviewResponse {
    pub month: String,
    /// The month's activity day by my branch's policy.
    pub activity_day: NaiveDate,
    pub preview_deadline: NaiveDate,
    /// The published preview of my branch for the month, if any.
    pub preview: Option<serde_json::Value>,
    pub plan_id: Option<i64>,
    /// Whether I am among the expected participants.
    pub expected: bool,
}

/// For members: this month's activity day and my branch's published preview.
#[utoipa::path(get, path = "/api/v1/me/preview", tag = "plans", security(("bearer" = [])),
    params(MonthQuery), responses(
    (status = 200, description = "The activity day and, once published, the preview", body = MyPreviewResponse),
    (status = 400, description = "plan.invalid_input", body = ErrorBody),
    (status = 401, description = "auth.token_missing, auth.token_invalid, auth.token_expired", body = ErrorBody),
    (status = 422, description = "calendar.year_missing", body = ErrorBody)))]
pub async fn my_preview(
    user: AuthUser,
    query: web::Query<MonthQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<MyPreviewResponse>, PlanError> {
    let month = query.month.trim().to_owned();
    let (year, m) = parse_month(&month)?;
    let me = crate::people::find(db.get_ref(), user.person_id)
        .await?
        .filter(|p| p.active)
        .ok_or(PlanError::Forbidden)?;
    let org = existing_org(db.get_ref(), me.org_id).await?;
    let activity_day = activity_day_of(db.get_ref(), &org, year, m).await?;
    let (deadline, _) = preview_deadline(&month)?;
    let plan = activity_plan::Entity::find()
        .filter(activity_plan::Column::OrgId.eq(org.id))
        .filter(activity_plan::Column::Month.eq(&month))
        .one(db.get_ref())
        .await
        .context("cannot read my branch's plan")?;
    let expected = match &plan {
        Some(p) => plan_participant::Entity::find_by_id((p.id, me.id))
            .one(db.get_ref())
            .await
            .context("cannot read participation")?
            .is_some(),
        None => false,
    };
    Ok(web::Json(MyPreviewResponse {
        month,
        activity_day,
        preview_deadline: deadline,
        preview: plan
            .as_ref()
            .and_then(|p| p.preview.as_deref())
            .and_then(|t| serde_json::from_str(t).ok()),
        plan_id: plan.as_ref().map(|p| p.id),
        expected,
    }))
}

/// Publishes a filed plan's preview and queues its pushes, inside the caller's transaction
/// (so a published preview always has its pushes). `actor: None` is the scheduler.
pub(crate) async fn publish(
    txn: &impl ConnectionTrait,
    plan: activity_plan::Model,
    org: &organisation::Model,
    actor: Option<AuthUser>,
    on_behalf: bool,
    request_id: Option<String>,
    wechat: &crate::config::WechatSettings,
) -> Result<(activity_plan::Model, u64), PlanError> {
    let category = PlanCategory::parse(&plan.category).map_err(anyhow::Error::msg)?;
    let preview = json!({
        "org_name": org.name, "month": plan.month, "version": plan.version, "theme": plan.theme,
        "category": category.label(), "date": plan.activity_date, "start_time": plan.start_time,
        "end_time": plan.end_time, "place": plan.place, "requirements": plan.requirements,
        "organiser": plan.organiser,
    });
    let now = clock::now();
    let (_, deadline) = preview_deadline(&plan.month)?;
    let mut active = plan.into_active_model();
    active.published_at = Set(Some(now));
    active.preview = Set(Some(preview.to_string()));
    let plan = active.update(txn).await.context("cannot publish")?;
    let note = match (actor, now > deadline) {
        (None, _) => Some("published automatically on the 10th".to_owned()),
        (Some(_), true) => Some("published after the 10th".to_owned()),
        (Some(_), false) => None,
    };
    record_event_by(txn, &plan, "published", actor, on_behalf, note, request_id).await?;
    let queued = crate::push::enqueue_preview(txn, &plan, wechat).await?;
    Ok((plan, queued))
}
