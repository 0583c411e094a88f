//! A member's other duties towards a community: reporting to it (到社区报到), suggestions
//! (可行性建议), pairing with a household in need (结对) and the yearly commitment (承诺践诺).
use anyhow::Context;
use chrono::{DateTime, FixedOffset, NaiveDate};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{CommunityError, invalid};
use crate::{
    clock,
    domain::ReportStatus,
    entities::{
        commitment, commitment_update, community_report, household, organisation, pairing,
        pairing_visit, suggestion,
    },
};

pub fn text(raw: &str, field: &str, max: usize) -> Result<String, CommunityError> {
    crate::domain::Text::parse(raw, field, max, crate::domain::Lines::Many)
        .map(crate::domain::Text::into_inner)
        .map_err(invalid)
}

async fn name_of(db: &impl ConnectionTrait, id: i64) -> anyhow::Result<String> {
    Ok(crate::people::find(db, id)
        .await?
        .map(|p| p.name)
        .unwrap_or_default())
}

// ---- reporting to a community ----

#[derive(Serialize, ToSchema)]
pub struct Report {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub community_id: i64,
    pub community_name: String,
    /// pending, accepted, declined, withdrawn
    pub status: String,
    pub created_at: DateTime<FixedOffset>,
    pub decided_at: Option<DateTime<FixedOffset>>,
}

pub async fn report_view(
    db: &impl ConnectionTrait,
    r: community_report::Model,
) -> anyhow::Result<Report> {
    let community_name = organisation::Entity::find_by_id(r.community_id)
        .one(db)
        .await
        .context("cannot read a community")?
        .map(|o| o.name)
        .unwrap_or_default();
    Ok(Report {
        person_name: name_of(db, r.person_id).await?,
        community_name,
        id: r.id,
        person_id: r.person_id,
        community_id: r.community_id,
        status: r.status.as_str().to_owned(),
        created_at: r.created_at,
        decided_at: r.decided_at,
    })
}

/// Files (or re-files after a decline) a person's report to a community.
pub async fn file_report(
    db: &impl ConnectionTrait,
    person_id: i64,
    community_id: i64,
    requested_by: i64,
) -> Result<community_report::Model, CommunityError> {
    let now = clock::now();
    let existing = community_report::Entity::find()
        .filter(community_report::Column::PersonId.eq(person_id))
        .filter(community_report::Column::CommunityId.eq(community_id))
        .one(db)
        .await
        .context("cannot read reports")?;
    match existing {
        Some(r) if matches!(r.status, ReportStatus::Pending | ReportStatus::Accepted) => Ok(r),
        Some(r) => {
            let mut active: community_report::ActiveModel = r.into();
            active.status = Set(ReportStatus::Pending);
            active.requested_by = Set(requested_by);
            active.decided_by = Set(None);
            active.decided_at = Set(None);
            active.created_at = Set(now);
            Ok(active.update(db).await.context("cannot re-file a report")?)
        }
        None => Ok(community_report::ActiveModel {
            person_id: Set(person_id),
            community_id: Set(community_id),
            status: Set(ReportStatus::Pending),
            requested_by: Set(requested_by),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .context("cannot store a report")?),
    }
}

pub async fn decide_report(
    db: &impl ConnectionTrait,
    report: community_report::Model,
    actor: i64,
    accept: bool,
) -> Result<community_report::Model, CommunityError> {
    if report.status != ReportStatus::Pending {
        return Err(CommunityError::WrongState(format!(
            "only a pending report can be decided; this one is {}",
            report.status
        )));
    }
    let mut active: community_report::ActiveModel = report.into();
    active.status = Set(if accept {
        ReportStatus::Accepted
    } else {
        ReportStatus::Declined
    });
    active.decided_by = Set(Some(actor));
    active.decided_at = Set(Some(clock::now()));
    Ok(active.update(db).await.context("cannot decide a report")?)
}

// ---- suggestions ----

#[derive(Serialize, ToSchema)]
pub struct Suggestion {
    pub id: i64,
    pub community_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub title: String,
    pub content: String,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<FixedOffset>>,
    pub created_at: DateTime<FixedOffset>,
}

pub async fn suggestion_view(
    db: &impl ConnectionTrait,
    s: suggestion::Model,
) -> anyhow::Result<Suggestion> {
    Ok(Suggestion {
        person_name: name_of(db, s.person_id).await?,
        id: s.id,
        community_id: s.community_id,
        person_id: s.person_id,
        title: s.title,
        content: s.content,
        answer: s.answer,
        answered_at: s.answered_at,
        created_at: s.created_at,
    })
}

// ---- pairing ----

pub const HOUSEHOLD_KINDS: [&str; 4] = ["empty_nest", "disabled", "left_behind_child", "hardship"];

#[derive(Serialize, ToSchema)]
pub struct Household {
    pub id: i64,
    pub community_id: i64,
    /// empty_nest (空巢老人), disabled (残疾人), left_behind_child (留守儿童), hardship (困难群众)
    pub kind: String,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub notes: String,
}

impl From<household::Model> for Household {
    fn from(h: household::Model) -> Self {
        Self {
            id: h.id,
            community_id: h.community_id,
            kind: h.kind,
            name: h.name,
            address: h.address,
            phone: h.phone,
            notes: h.notes,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Visit {
    pub id: i64,
    pub visited_on: NaiveDate,
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct Pairing {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub household: Household,
    pub started_at: DateTime<FixedOffset>,
    pub ended_at: Option<DateTime<FixedOffset>>,
    pub visits: Vec<Visit>,
}

pub async fn pairing_view(db: &impl ConnectionTrait, p: pairing::Model) -> anyhow::Result<Pairing> {
    let household = household::Entity::find_by_id(p.household_id)
        .one(db)
        .await
        .context("cannot read a household")?
        .context("a pairing's household is missing")?;
    let visits = pairing_visit::Entity::find()
        .filter(pairing_visit::Column::PairingId.eq(p.id))
        .order_by_desc(pairing_visit::Column::VisitedOn)
        .all(db)
        .await
        .context("cannot read visits")?
        .into_iter()
        .map(|v| Visit {
            id: v.id,
            visited_on: v.visited_on,
            note: v.note,
        })
        .collect();
    Ok(Pairing {
        person_name: name_of(db, p.person_id).await?,
        id: p.id,
        person_id: p.person_id,
        household: household.into(),
        started_at: p.started_at,
        ended_at: p.ended_at,
        visits,
    })
}

// ---- commitments ----

pub const COMMITMENT_CATEGORIES: [&str; 4] = ["organ", "rural_community", "enterprise", "retired"];

/// What the document asks each category to commit to (承诺践诺的重点).
pub fn emphasis(category: &str) -> &'static str {
    match category {
        "organ" => "机关事业单位党员：改进工作作风、联系服务基层",
        "rural_community" => "农村和社区党员：反映社情民意、为群众办实事解难事",
        "enterprise" => "企业和社会组织党员：关爱职工会员、提供优质服务",
        "retired" => "离退休党员：关心下一代、促进社会公益",
        _ => "",
    }
}

#[derive(Serialize, ToSchema)]
pub struct CommitmentUpdate {
    pub note: String,
    pub created_at: DateTime<FixedOffset>,
}

#[derive(Serialize, ToSchema)]
pub struct Commitment {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub year: i32,
    /// organ, rural_community, enterprise, retired
    pub category: String,
    pub emphasis: String,
    pub content: String,
    /// in_progress, completed
    pub status: String,
    pub completed_at: Option<DateTime<FixedOffset>>,
    pub completion_note: Option<String>,
    pub updates: Vec<CommitmentUpdate>,
}

pub async fn commitment_view(
    db: &impl ConnectionTrait,
    c: commitment::Model,
) -> anyhow::Result<Commitment> {
    let updates = commitment_update::Entity::find()
        .filter(commitment_update::Column::CommitmentId.eq(c.id))
        .order_by_asc(commitment_update::Column::Id)
        .all(db)
        .await
        .context("cannot read updates")?
        .into_iter()
        .map(|u| CommitmentUpdate {
            note: u.note,
            created_at: u.created_at,
        })
        .collect();
    Ok(Commitment {
        person_name: name_of(db, c.person_id).await?,
        emphasis: emphasis(&c.category).to_owned(),
        id: c.id,
        person_id: c.person_id,
        year: c.year,
        category: c.category,
        content: c.content,
        status: c.status.as_str().to_owned(),
        completed_at: c.completed_at,
        completion_note: c.completion_note,
        updates,
    })
}
