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
    domain::{CommitmentCategory, CommitmentStatus, HouseholdKind, OrgKind, ReportStatus},
    entities::{
        commitment, commitment_update, community_report, household, organisation, pairing,
        pairing_visit, person, suggestion,
    },
};

pub fn text(raw: &str, field: &str, max: usize) -> Result<String, CommunityError> {
    crate::domain::Text::parse(raw, field, max, crate::domain::Lines::Many)
        .map(crate::domain::Text::into_inner)
        .map_err(invalid)
}

/// The row `id` of `E`, or `community.not_found` naming `what` was missing.
async fn find_or_not_found<E>(
    db: &impl ConnectionTrait,
    id: i64,
    what: &'static str,
) -> Result<E::Model, CommunityError>
where
    E: EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
{
    E::find_by_id(id)
        .one(db)
        .await
        .with_context(|| format!("cannot read a {what}"))?
        .ok_or(CommunityError::NotFound(what))
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
    pub status: crate::domain::ReportStatus,
    pub created_at: DateTime<FixedOffset>,
    pub decided_at: Option<DateTime<FixedOffset>>,
}

pub async fn report_view(
    db: &impl ConnectionTrait,
    r: community_report::Model,
) -> anyhow::Result<Report> {
    Ok(report_views(db, vec![r]).await?.remove(0))
}

/// Reports shown with one read of people's names and one of communities' names.
async fn report_views(
    db: &impl ConnectionTrait,
    rows: Vec<community_report::Model>,
) -> anyhow::Result<Vec<Report>> {
    let people = crate::people::names(db, rows.iter().map(|r| r.person_id)).await?;
    let communities = crate::orgs::names(db, rows.iter().map(|r| r.community_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| Report {
            person_name: people.get(&r.person_id).cloned().unwrap_or_default(),
            community_name: communities
                .get(&r.community_id)
                .cloned()
                .unwrap_or_default(),
            id: r.id,
            person_id: r.person_id,
            community_id: r.community_id,
            status: r.status,
            created_at: r.created_at,
            decided_at: r.decided_at,
        })
        .collect())
}

/// Every community, by code (for a member's picker).
pub async fn communities(db: &impl ConnectionTrait) -> anyhow::Result<Vec<organisation::Model>> {
    organisation::Entity::find()
        .filter(organisation::Column::Kind.eq(OrgKind::Community))
        .order_by_asc(organisation::Column::Code)
        .all(db)
        .await
        .context("cannot read communities")
}

/// A person's reports, newest first.
pub async fn reports_of(db: &impl ConnectionTrait, person_id: i64) -> anyhow::Result<Vec<Report>> {
    let rows = community_report::Entity::find()
        .filter(community_report::Column::PersonId.eq(person_id))
        .order_by_desc(community_report::Column::Id)
        .all(db)
        .await
        .context("cannot read reports")?;
    report_views(db, rows).await
}

/// Reports to a community, oldest first, of one status when given.
pub async fn reports_to(
    db: &impl ConnectionTrait,
    community_id: i64,
    status: Option<&str>,
) -> Result<Vec<Report>, CommunityError> {
    let mut find = community_report::Entity::find()
        .filter(community_report::Column::CommunityId.eq(community_id))
        .order_by_asc(community_report::Column::Id);
    if let Some(status) = status {
        let status = ReportStatus::parse(status)
            .map_err(|_| invalid("status must be pending, accepted, declined or withdrawn"))?;
        find = find.filter(community_report::Column::Status.eq(status));
    }
    let rows = find.all(db).await.context("cannot read reports")?;
    Ok(report_views(db, rows).await?)
}

pub async fn find_report(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<community_report::Model, CommunityError> {
    find_or_not_found::<community_report::Entity>(db, id, "report").await
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
    Ok(suggestion_views(db, vec![s]).await?.remove(0))
}

/// Suggestions shown with one read of their authors' names.
async fn suggestion_views(
    db: &impl ConnectionTrait,
    rows: Vec<suggestion::Model>,
) -> anyhow::Result<Vec<Suggestion>> {
    let names = crate::people::names(db, rows.iter().map(|s| s.person_id)).await?;
    Ok(rows
        .into_iter()
        .map(|s| Suggestion {
            person_name: names.get(&s.person_id).cloned().unwrap_or_default(),
            id: s.id,
            community_id: s.community_id,
            person_id: s.person_id,
            title: s.title,
            content: s.content,
            answer: s.answer,
            answered_at: s.answered_at,
            created_at: s.created_at,
        })
        .collect())
}

pub async fn make_suggestion(
    db: &impl ConnectionTrait,
    community_id: i64,
    person_id: i64,
    title: &str,
    content: &str,
) -> Result<Suggestion, CommunityError> {
    let row = suggestion::ActiveModel {
        community_id: Set(community_id),
        person_id: Set(person_id),
        title: Set(text(title, "title", 100)?),
        content: Set(text(content, "content", 2000)?),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("cannot store a suggestion")?;
    Ok(suggestion_view(db, row).await?)
}

/// Suggestions, newest first: a person's own (`Author`) or those made to a community.
pub enum SuggestionsBy {
    Author(i64),
    Community(i64),
}

pub async fn suggestions(
    db: &impl ConnectionTrait,
    by: SuggestionsBy,
) -> anyhow::Result<Vec<Suggestion>> {
    let filter = match by {
        SuggestionsBy::Author(id) => suggestion::Column::PersonId.eq(id),
        SuggestionsBy::Community(id) => suggestion::Column::CommunityId.eq(id),
    };
    let rows = suggestion::Entity::find()
        .filter(filter)
        .order_by_desc(suggestion::Column::Id)
        .all(db)
        .await
        .context("cannot read suggestions")?;
    suggestion_views(db, rows).await
}

pub async fn find_suggestion(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<suggestion::Model, CommunityError> {
    find_or_not_found::<suggestion::Entity>(db, id, "suggestion").await
}

pub async fn answer_suggestion(
    db: &impl ConnectionTrait,
    row: suggestion::Model,
    answered_by: i64,
    answer: &str,
) -> Result<Suggestion, CommunityError> {
    let mut active: suggestion::ActiveModel = row.into();
    active.answer = Set(Some(text(answer, "answer", 2000)?));
    active.answered_by = Set(Some(answered_by));
    active.answered_at = Set(Some(clock::now()));
    let updated = active.update(db).await.context("cannot answer")?;
    Ok(suggestion_view(db, updated).await?)
}

// ---- pairing ----

#[derive(Serialize, ToSchema)]
pub struct Household {
    pub id: i64,
    pub community_id: i64,
    /// empty_nest (空巢老人), disabled (残疾人), left_behind_child (留守儿童), hardship (困难群众)
    pub kind: crate::domain::HouseholdKind,
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
    Ok(pairing_views(db, vec![p]).await?.remove(0))
}

/// Pairings with their households, visit logs and members' names, in three statements however
/// many pairings (the households, the visits, the names).
async fn pairing_views(
    db: &impl ConnectionTrait,
    rows: Vec<pairing::Model>,
) -> anyhow::Result<Vec<Pairing>> {
    use std::collections::HashMap;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let households: HashMap<i64, household::Model> = household::Entity::find()
        .filter(household::Column::Id.is_in(rows.iter().map(|p| p.household_id)))
        .all(db)
        .await
        .context("cannot read households")?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let mut visits: HashMap<i64, Vec<Visit>> = HashMap::new();
    for v in pairing_visit::Entity::find()
        .filter(pairing_visit::Column::PairingId.is_in(rows.iter().map(|p| p.id)))
        .order_by_desc(pairing_visit::Column::VisitedOn)
        .order_by_desc(pairing_visit::Column::Id)
        .all(db)
        .await
        .context("cannot read visits")?
    {
        visits.entry(v.pairing_id).or_default().push(Visit {
            id: v.id,
            visited_on: v.visited_on,
            note: v.note,
        });
    }
    let names = crate::people::names(db, rows.iter().map(|p| p.person_id)).await?;
    rows.into_iter()
        .map(|p| {
            // Several pairings may share a household; each takes its own copy.
            let household = households
                .get(&p.household_id)
                .cloned()
                .context("a pairing's household is missing")?;
            Ok(Pairing {
                person_name: names.get(&p.person_id).cloned().unwrap_or_default(),
                id: p.id,
                person_id: p.person_id,
                household: household.into(),
                started_at: p.started_at,
                ended_at: p.ended_at,
                visits: visits.remove(&p.id).unwrap_or_default(),
            })
        })
        .collect()
}

/// What a community's admin records about a household in need.
pub struct HouseholdFields<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
    pub notes: &'a str,
}

pub async fn register_household(
    db: &impl ConnectionTrait,
    community_id: i64,
    registered_by: i64,
    fields: HouseholdFields<'_>,
) -> Result<Household, CommunityError> {
    let kind = HouseholdKind::parse(fields.kind)
        .map_err(|_| invalid("kind must be empty_nest, disabled, left_behind_child or hardship"))?;
    let row = household::ActiveModel {
        community_id: Set(community_id),
        kind: Set(kind),
        name: Set(text(fields.name, "name", 50)?),
        address: Set(text(fields.address, "address", 200)?),
        phone: Set(text(fields.phone, "phone", 20)?),
        notes: Set(fields.notes.trim().chars().take(2000).collect()),
        created_by: Set(registered_by),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("cannot store a household")?;
    Ok(row.into())
}

pub async fn households_of(
    db: &impl ConnectionTrait,
    community_id: i64,
) -> anyhow::Result<Vec<Household>> {
    Ok(household::Entity::find()
        .filter(household::Column::CommunityId.eq(community_id))
        .order_by_asc(household::Column::Id)
        .all(db)
        .await
        .context("cannot read households")?
        .into_iter()
        .map(Household::from)
        .collect())
}

pub async fn find_household(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<household::Model, CommunityError> {
    find_or_not_found::<household::Entity>(db, id, "household").await
}

/// A household as `viewer` may see it: its paired member and its community's runners do;
/// to anyone else it does not exist, because its details are private.
pub async fn visible_household(
    db: &impl ConnectionTrait,
    viewer: i64,
    id: i64,
) -> Result<Household, CommunityError> {
    let row = find_household(db, id).await?;
    let paired = pairing::Entity::find()
        .filter(pairing::Column::HouseholdId.eq(row.id))
        .filter(pairing::Column::PersonId.eq(viewer))
        .filter(pairing::Column::EndedAt.is_null())
        .one(db)
        .await
        .context("cannot read pairings")?
        .is_some();
    let runs = paired
        || crate::authz::has_role(db, viewer, super::RUN_COMMUNITY, row.community_id).await?;
    if runs {
        Ok(row.into())
    } else {
        Err(CommunityError::NotFound("household"))
    }
}

/// Pairs a member with a household; pairing them again answers the existing pairing.
pub async fn pair(
    db: &impl ConnectionTrait,
    household: &household::Model,
    person_id: i64,
) -> Result<Pairing, CommunityError> {
    crate::people::find(db, person_id)
        .await?
        .ok_or(CommunityError::NotFound("person"))?;
    let existing = pairing::Entity::find()
        .filter(pairing::Column::HouseholdId.eq(household.id))
        .filter(pairing::Column::PersonId.eq(person_id))
        .one(db)
        .await
        .context("cannot read pairings")?;
    let stored = match existing {
        Some(p) => p,
        None => pairing::ActiveModel {
            household_id: Set(household.id),
            person_id: Set(person_id),
            started_at: Set(clock::now()),
            ..Default::default()
        }
        .insert(db)
        .await
        .context("cannot store a pairing")?,
    };
    Ok(pairing_view(db, stored).await?)
}

/// A member's pairings, newest first, with households and visit logs.
pub async fn pairings_of(
    db: &impl ConnectionTrait,
    person_id: i64,
) -> anyhow::Result<Vec<Pairing>> {
    let rows = pairing::Entity::find()
        .filter(pairing::Column::PersonId.eq(person_id))
        .order_by_desc(pairing::Column::Id)
        .all(db)
        .await
        .context("cannot read pairings")?;
    pairing_views(db, rows).await
}

/// Logs a visit to the household of the member's own pairing (anyone else's is not found).
pub async fn log_visit(
    db: &impl ConnectionTrait,
    person_id: i64,
    pairing_id: i64,
    visited_on: &str,
    note: &str,
) -> Result<Visit, CommunityError> {
    let row = pairing::Entity::find_by_id(pairing_id)
        .one(db)
        .await
        .context("cannot read a pairing")?
        .filter(|p| p.person_id == person_id)
        .ok_or(CommunityError::NotFound("pairing"))?;
    let visited_on = crate::domain::dates::parse_date(visited_on, "visited_on")
        .map_err(CommunityError::InvalidInput)?;
    if visited_on > clock::now().with_timezone(&clock::shanghai()).date_naive() {
        return Err(invalid("visited_on cannot be in the future"));
    }
    let visit = pairing_visit::ActiveModel {
        pairing_id: Set(row.id),
        visited_on: Set(visited_on),
        note: Set(text(note, "note", 1000)?),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("cannot store a visit")?;
    Ok(Visit {
        id: visit.id,
        visited_on: visit.visited_on,
        note: visit.note,
    })
}

// ---- commitments ----

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
    pub category: crate::domain::CommitmentCategory,
    pub emphasis: String,
    pub content: String,
    /// in_progress, completed
    pub status: crate::domain::CommitmentStatus,
    pub completed_at: Option<DateTime<FixedOffset>>,
    pub completion_note: Option<String>,
    pub updates: Vec<CommitmentUpdate>,
}

pub async fn commitment_view(
    db: &impl ConnectionTrait,
    c: commitment::Model,
) -> anyhow::Result<Commitment> {
    Ok(commitment_views(db, vec![c]).await?.remove(0))
}

/// Commitments with their progress notes and people's names, in two reads however many.
pub async fn commitment_views(
    db: &impl ConnectionTrait,
    rows: Vec<commitment::Model>,
) -> anyhow::Result<Vec<Commitment>> {
    use std::collections::HashMap;
    let mut updates: HashMap<i64, Vec<CommitmentUpdate>> = HashMap::new();
    for chunk in rows.chunks(500) {
        for u in commitment_update::Entity::find()
            .filter(commitment_update::Column::CommitmentId.is_in(chunk.iter().map(|c| c.id)))
            .order_by_asc(commitment_update::Column::Id)
            .all(db)
            .await
            .context("cannot read updates")?
        {
            updates
                .entry(u.commitment_id)
                .or_default()
                .push(CommitmentUpdate {
                    note: u.note,
                    created_at: u.created_at,
                });
        }
    }
    let names = crate::people::names(db, rows.iter().map(|c| c.person_id)).await?;
    Ok(rows
        .into_iter()
        .map(|c| Commitment {
            person_name: names.get(&c.person_id).cloned().unwrap_or_default(),
            emphasis: c.category.emphasis().to_owned(),
            updates: updates.remove(&c.id).unwrap_or_default(),
            id: c.id,
            person_id: c.person_id,
            year: c.year,
            category: c.category,
            content: c.content,
            status: c.status,
            completed_at: c.completed_at,
            completion_note: c.completion_note,
        })
        .collect())
}

/// A subtree's commitments of a year and the people who have made none (承诺事项 at the branch
/// meeting), as the viewer may see them.
pub struct OrgCommitments {
    pub year: i32,
    pub commitments: Vec<Commitment>,
    pub missing: Vec<person::Model>,
}

pub async fn of_org(
    db: &impl ConnectionTrait,
    viewer: i64,
    org_id: i64,
    year: i32,
) -> Result<OrgCommitments, CommunityError> {
    let year = valid_year(year)?;
    let people = people_in_scope(db, viewer, org_id).await?;
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let commitments = commitments_for(db, &ids, year).await?;
    let missing = without_commitment(db, people, year).await?;
    Ok(OrgCommitments {
        year,
        commitments,
        missing,
    })
}

pub fn valid_year(year: i32) -> Result<i32, CommunityError> {
    if (2000..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(invalid("year must be 2000–2100"))
    }
}

async fn commitment_of(
    db: &impl ConnectionTrait,
    person_id: i64,
    year: i32,
) -> Result<commitment::Model, CommunityError> {
    commitment::Entity::find()
        .filter(commitment::Column::PersonId.eq(person_id))
        .filter(commitment::Column::Year.eq(valid_year(year)?))
        .one(db)
        .await
        .context("cannot read a commitment")?
        .ok_or(CommunityError::NotFound("commitment"))
}

/// Makes or changes a person's commitment for a year; a completed one stays as it was.
pub async fn commit(
    db: &impl ConnectionTrait,
    person_id: i64,
    year: i32,
    category: &str,
    content: &str,
) -> Result<Commitment, CommunityError> {
    let year = valid_year(year)?;
    let category = CommitmentCategory::parse(category)
        .map_err(|_| invalid("category must be organ, rural_community, enterprise or retired"))?;
    let content = text(content, "content", 1000)?;
    let now = clock::now();
    let stored = match commitment_of(db, person_id, year).await {
        Ok(existing) if existing.status == CommitmentStatus::Completed => {
            return Err(CommunityError::WrongState(
                "a completed commitment is not changed".into(),
            ));
        }
        Ok(existing) => {
            let mut active: commitment::ActiveModel = existing.into();
            active.category = Set(category);
            active.content = Set(content);
            active.updated_at = Set(now);
            active
                .update(db)
                .await
                .context("cannot update a commitment")?
        }
        Err(CommunityError::NotFound(_)) => commitment::ActiveModel {
            person_id: Set(person_id),
            year: Set(year),
            category: Set(category),
            content: Set(content),
            status: Set(CommitmentStatus::InProgress),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .context("cannot store a commitment")?,
        Err(other) => return Err(other),
    };
    Ok(commitment_view(db, stored).await?)
}

/// Notes progress on a person's commitment (践诺).
pub async fn note_progress(
    db: &impl ConnectionTrait,
    person_id: i64,
    year: i32,
    note: &str,
) -> Result<Commitment, CommunityError> {
    let row = commitment_of(db, person_id, year).await?;
    commitment_update::ActiveModel {
        commitment_id: Set(row.id),
        note: Set(text(note, "note", 1000)?),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("cannot store progress")?;
    Ok(commitment_view(db, row).await?)
}

/// Marks a person's commitment completed, with what was done.
pub async fn complete(
    db: &impl ConnectionTrait,
    person_id: i64,
    year: i32,
    note: &str,
) -> Result<Commitment, CommunityError> {
    let row = commitment_of(db, person_id, year).await?;
    let mut active: commitment::ActiveModel = row.into();
    active.status = Set(CommitmentStatus::Completed);
    active.completed_at = Set(Some(clock::now()));
    active.completion_note = Set(Some(text(note, "note", 1000)?));
    active.updated_at = Set(clock::now());
    let updated = active.update(db).await.context("cannot complete")?;
    Ok(commitment_view(db, updated).await?)
}

/// The commitments of `people` for `year`, by name, in a fixed number of reads per 500 people.
pub async fn commitments_for(
    db: &impl ConnectionTrait,
    people: &[i64],
    year: i32,
) -> Result<Vec<Commitment>, CommunityError> {
    let rows = commitment_rows(db, people, valid_year(year)?).await?;
    let mut out = commitment_views(db, rows).await?;
    out.sort_by(|a, b| a.person_name.cmp(&b.person_name).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// Party members among `people` with no commitment for `year`: the document asks one of
/// 每名党员, so activists are not listed.
pub async fn without_commitment(
    db: &impl ConnectionTrait,
    people: Vec<person::Model>,
    year: i32,
) -> Result<Vec<person::Model>, CommunityError> {
    let members: Vec<person::Model> = people
        .into_iter()
        .filter(|p| p.status != crate::domain::MemberStatus::Activist)
        .collect();
    let ids: Vec<i64> = members.iter().map(|p| p.id).collect();
    let committed: std::collections::HashSet<i64> = commitment_rows(db, &ids, valid_year(year)?)
        .await?
        .into_iter()
        .map(|c| c.person_id)
        .collect();
    Ok(members
        .into_iter()
        .filter(|p| !committed.contains(&p.id))
        .collect())
}

async fn commitment_rows(
    db: &impl ConnectionTrait,
    people: &[i64],
    year: i32,
) -> anyhow::Result<Vec<commitment::Model>> {
    let mut rows = Vec::new();
    for chunk in people.chunks(500) {
        rows.extend(
            commitment::Entity::find()
                .filter(commitment::Column::PersonId.is_in(chunk.iter().copied()))
                .filter(commitment::Column::Year.eq(year))
                .all(db)
                .await
                .context("cannot read commitments")?,
        );
    }
    Ok(rows)
}

/// People of an org's subtree (for branch secretaries and anyone who reads the directory),
/// or for a community: its own members and everyone it accepted. Sorted by name.
pub async fn people_in_scope(
    db: &impl ConnectionTrait,
    viewer: i64,
    org_id: i64,
) -> Result<Vec<person::Model>, CommunityError> {
    let org = crate::orgs::find(db, org_id)
        .await?
        .ok_or(CommunityError::CommunityNotFound)?;
    let reads = crate::authz::has_role(db, viewer, crate::authz::READ_DIRECTORY, org.id).await?;
    let runs = org.kind == OrgKind::Community
        && crate::authz::has_role(db, viewer, super::RUN_COMMUNITY, org.id).await?;
    if !reads && !runs {
        return Err(CommunityError::Forbidden);
    }
    let orgs = crate::orgs::subtree_ids(db, org.id).await?;
    let mut people = Vec::new();
    for chunk in orgs.chunks(500) {
        people.extend(
            person::Entity::find()
                .filter(person::Column::OrgId.is_in(chunk.iter().copied()))
                .filter(person::Column::Active.eq(true))
                .all(db)
                .await
                .context("cannot read people")?,
        );
    }
    if org.kind == OrgKind::Community {
        let reported: Vec<i64> = community_report::Entity::find()
            .filter(community_report::Column::CommunityId.eq(org.id))
            .filter(community_report::Column::Status.eq(ReportStatus::Accepted))
            .all(db)
            .await
            .context("cannot read reports")?
            .into_iter()
            .map(|r| r.person_id)
            .filter(|id| !people.iter().any(|p| p.id == *id))
            .collect();
        for chunk in reported.chunks(500) {
            people.extend(
                person::Entity::find()
                    .filter(person::Column::Id.is_in(chunk.iter().copied()))
                    .all(db)
                    .await
                    .context("cannot read people")?,
            );
        }
    }
    people.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(people)
}

/// A person's commitments, newest year first.
pub async fn commitments_of(
    db: &impl ConnectionTrait,
    person_id: i64,
) -> anyhow::Result<Vec<Commitment>> {
    let rows = commitment::Entity::find()
        .filter(commitment::Column::PersonId.eq(person_id))
        .order_by_desc(commitment::Column::Year)
        .all(db)
        .await
        .context("cannot read commitments")?;
    commitment_views(db, rows).await
}
