//! The rules of a plan as the document states them: its month, times, texts and the day it
//! is held; what a plan says after an edit; and the statuses of review.
use chrono::{NaiveDate, NaiveTime, TimeZone};
use sea_orm::Set;
use serde::Deserialize;
use utoipa::ToSchema;

use super::error::{PlanError, invalid};
use crate::{
    clock,
    domain::{PlanCategory, PlanStatus, Role},
    entities::activity_plan,
};

/// Superiors who review, file, and may act for a branch.
pub(crate) const SUPERIORS: &[Role] = &[Role::Reviewer, Role::OrgAdmin];
pub(crate) const DEFAULT_OPENS_BEFORE: i32 = 30;
pub(crate) const DEFAULT_CLOSES_AFTER: i32 = 60;

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
    /// The speaker of a Party lecture (党课), when on the roster: a leader's lecture at a
    /// contact point then counts for their duties (§二.3) without a second entry.
    pub speaker_person_id: Option<i64>,
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
    /// `null` removes the speaker.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub speaker_person_id: Option<Option<i64>>,
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
    pub(crate) fn merged_with(self, plan: &activity_plan::Model, invited: Vec<i64>) -> PlanRequest {
        let keep = |new: Option<Option<String>>, old: &Option<String>| match new {
            Some(value) => value,
            None => old.clone(),
        };
        PlanRequest {
            month: None,
            theme: self.theme.unwrap_or_else(|| plan.theme.clone()),
            category: self
                .category
                .unwrap_or_else(|| plan.category.as_str().to_owned()),
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
            speaker_person_id: self.speaker_person_id.unwrap_or(plan.speaker_person_id),
        }
    }
}

pub(crate) fn parse_month(raw: &str) -> Result<(i32, u32), PlanError> {
    crate::domain::dates::parse_month(raw).map_err(PlanError::InvalidInput)
}

pub(crate) fn parse_time(raw: &str, field: &str) -> Result<NaiveTime, PlanError> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .map_err(|_| invalid(format!("{field} `{raw}` is not HH:MM")))
}

pub(crate) fn text(
    raw: &str,
    field: &str,
    max: usize,
    required: bool,
) -> Result<String, PlanError> {
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

pub(crate) struct ValidPlan {
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
    pub(crate) speaker_person_id: Option<i64>,
}

pub(crate) fn validate(req: &PlanRequest, activity_day: NaiveDate) -> Result<ValidPlan, PlanError> {
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
    let category = PlanCategory::parse(&req.category).map_err(PlanError::InvalidInput)?;
    if req.speaker_person_id.is_some() && category != PlanCategory::PartyLecture {
        return Err(invalid(
            "speaker_person_id names the speaker of a Party lecture (党课) only",
        ));
    }
    Ok(ValidPlan {
        theme: text(&req.theme, "theme", 100, true)?,
        category,
        speaker_person_id: req.speaker_person_id,
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

pub(crate) fn apply(active: &mut activity_plan::ActiveModel, v: &ValidPlan) {
    active.theme = Set(v.theme.clone());
    active.category = Set(v.category);
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
    active.speaker_person_id = Set(v.speaker_person_id);
}

/// A named speaker must be an active person on the roster.
pub(crate) async fn check_speaker(
    db: &impl sea_orm::ConnectionTrait,
    valid: &ValidPlan,
) -> Result<(), PlanError> {
    let Some(id) = valid.speaker_person_id else {
        return Ok(());
    };
    match crate::people::find(db, id).await? {
        Some(person) if person.active => Ok(()),
        _ => Err(invalid(format!(
            "speaker_person_id {id} is not an active person on the roster"
        ))),
    }
}

pub(crate) fn shanghai_time(date: NaiveDate, time: &str, offset_minutes: i64) -> String {
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
pub(crate) fn preview_deadline(
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

pub(crate) fn status_of(plan: &activity_plan::Model) -> Result<PlanStatus, PlanError> {
    Ok(plan.status)
}

pub(crate) fn wrong_state(plan: &activity_plan::Model, action: &str) -> PlanError {
    PlanError::WrongState(format!("a plan that is {} cannot be {action}", plan.status))
}
