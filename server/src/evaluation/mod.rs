//! The yearly democratic evaluation of members (民主评议党员, §二.1 "五事工作法", §三.2): a
//! branch opens a campaign for a period; each member's evidence sheet is assembled from what
//! the system holds (the activity record is "作为年度民主评议党员的重要内容之一"); members
//! write a self-assessment (自评) and rate every other member of the branch (互评); the
//! secretary comments on each member (逐一点评); after the campaign closes the branch
//! meeting records each member's final grade.
//!
//! Ballots are secret by construction: `evaluation_voted` says only who has voted on whom (the
//! one-ballot rule); what was voted is only ever added to `evaluation_tally` (counts per grade
//! and a sorted list of comments), never stored as a row of its own, so neither a column nor
//! what the store keeps about rows (PostgreSQL's `xmin`, SQLite's rowid order) ties a grade to
//! its voter. Results are counts per grade, released only after the campaign closes and only
//! for members with at least `MIN_BALLOTS` ballots. The organisation is evaluated the same
//! way by its members and by the public (`org_questionnaire`): who answered apart from counts.
pub mod error;

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use error::EvaluationError;
use error::invalid;

use crate::{
    audit::{self, Actor, AuditEntry},
    authz::{self, Caller, ORGANISE, READ_DIRECTORY},
    clock,
    domain::{Lines, MemberStatus, OrgKind, Role, Text},
    entities::{
        evaluation_campaign, evaluation_member, evaluation_tally, evaluation_voted, person,
    },
};

pub mod org_questionnaire;
pub use org_questionnaire::{Respondent, Satisfaction};

/// Below this many ballots a member's counts stay hidden, so no ballot can be singled out.
pub const MIN_BALLOTS: u64 = 5;

crate::domain::enums::slug_enum!(
    /// The four grades of the evaluation.
    Grade {
        Excellent = ("excellent", "优秀"),
        Qualified = ("qualified", "合格"),
        BasicallyQualified = ("basically_qualified", "基本合格"),
        Unqualified = ("unqualified", "不合格"),
    }
);

#[derive(Deserialize, ToSchema)]
pub struct CampaignRequest {
    /// The year evaluated (this year or last).
    pub year: i32,
    /// RFC 3339
    pub opens_at: String,
    /// RFC 3339, after `opens_at`, at most 60 days later
    pub closes_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct CampaignMember {
    pub person_id: i64,
    pub name: String,
    /// Whether the reader has already rated this member.
    pub rated_by_me: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Campaign {
    pub id: i64,
    pub org_id: i64,
    pub year: i32,
    pub opens_at: String,
    pub closes_at: String,
    pub open: bool,
    pub closed: bool,
    /// The members evaluated (full and probationary members of the branch on its roster).
    pub members: Vec<CampaignMember>,
    /// The reader's own self-assessment, if they are one of them.
    pub my_self_assessment: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MemberResult {
    pub person_id: i64,
    pub name: String,
    pub ballots: u64,
    /// Counts per grade (优秀, 合格, 基本合格, 不合格), shown from `MIN_BALLOTS` ballots on.
    pub counts: Option<[u64; 4]>,
    /// Comments without names, sorted, with the counts.
    pub comments: Vec<String>,
    pub self_assessment: String,
    pub secretary_comment: String,
    pub final_grade: Option<Grade>,
    pub meeting_date: Option<NaiveDate>,
}

fn at(raw: &str, field: &str) -> Result<DateTime<FixedOffset>, EvaluationError> {
    DateTime::parse_from_rfc3339(raw.trim())
        .map_err(|_| invalid(format!("{field} must be an RFC 3339 time")))
}

async fn find(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<evaluation_campaign::Model, EvaluationError> {
    evaluation_campaign::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a campaign")?
        .ok_or(EvaluationError::NotFound("campaign"))
}

/// The members a campaign evaluates: full and probationary members of the branch.
async fn members(db: &impl ConnectionTrait, org_id: i64) -> anyhow::Result<Vec<person::Model>> {
    person::Entity::find()
        .filter(person::Column::OrgId.eq(org_id))
        .filter(person::Column::Active.eq(true))
        .filter(person::Column::Status.is_in([MemberStatus::Full, MemberStatus::Probationary]))
        .order_by_asc(person::Column::Name)
        .order_by_asc(person::Column::Id)
        .all(db)
        .await
        .context("cannot read the branch's members")
}

/// The caller as a member of the campaign's branch, or `evaluation.not_a_member`.
async fn member_of(
    db: &impl ConnectionTrait,
    campaign: &evaluation_campaign::Model,
    caller: Caller,
) -> Result<person::Model, EvaluationError> {
    crate::people::find(db, caller.person_id)
        .await?
        .filter(|p| {
            p.active
                && p.org_id == campaign.org_id
                && matches!(p.status, MemberStatus::Full | MemberStatus::Probationary)
        })
        .ok_or_else(|| {
            EvaluationError::NotAMember(
                "only members of the branch take part in its evaluation".into(),
            )
        })
}

fn require_open(campaign: &evaluation_campaign::Model) -> Result<(), EvaluationError> {
    let now = clock::now();
    if now < campaign.opens_at || now > campaign.closes_at {
        return Err(EvaluationError::WrongState(
            "the evaluation is not open now".into(),
        ));
    }
    Ok(())
}

/// Opens a branch's campaign for a year (its organisers; audited).
pub async fn open(
    db: &DatabaseConnection,
    caller: Caller,
    org_id: i64,
    body: &CampaignRequest,
    request_id: Option<String>,
) -> Result<Campaign, EvaluationError> {
    let org = crate::orgs::find(db, org_id)
        .await?
        .ok_or(EvaluationError::NotFound("organisation"))?;
    if org.kind != OrgKind::Branch {
        return Err(invalid("the democratic evaluation is held by a branch"));
    }
    authz::require(db, caller, ORGANISE, org.id).await?;
    let this = clock::now().with_timezone(&clock::shanghai()).year();
    if body.year != this && body.year != this - 1 {
        return Err(invalid("the year evaluated is this year or last"));
    }
    let (opens_at, closes_at) = (
        at(&body.opens_at, "opens_at")?,
        at(&body.closes_at, "closes_at")?,
    );
    if closes_at <= opens_at || (closes_at - opens_at).num_days() > 60 {
        return Err(invalid("a campaign closes after it opens, within 60 days"));
    }
    let row = evaluation_campaign::ActiveModel {
        org_id: Set(org.id),
        year: Set(body.year),
        opens_at: Set(opens_at),
        closes_at: Set(closes_at),
        created_by: Set(caller.person_id),
        created_at: Set(clock::now()),
        ..Default::default()
    };
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let row = row.insert(&txn).await.map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => EvaluationError::WrongState(
            format!("the branch's evaluation of {} is already open", body.year),
        ),
        _ => EvaluationError::Unexpected(anyhow::Error::new(e).context("cannot store a campaign")),
    })?;
    audit::record(
        &txn,
        request_id,
        AuditEntry {
            actor: Actor::Person(caller.person_id),
            action: "evaluation.open",
            target_type: "evaluation_campaign",
            target_id: row.id.to_string(),
            org_id: Some(org.id),
            detail: serde_json::json!({ "year": row.year, "opens_at": row.opens_at, "closes_at": row.closes_at }),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit a campaign")?;
    one(db, caller, row.id).await
}

/// A campaign as a member of the branch or staff who read it see it.
pub async fn one(
    db: &DatabaseConnection,
    caller: Caller,
    id: i64,
) -> Result<Campaign, EvaluationError> {
    let campaign = find(db, id).await?;
    let me = member_of(db, &campaign, caller).await.ok();
    if me.is_none()
        && !authz::has_role(db, caller.person_id, READ_DIRECTORY, campaign.org_id).await?
    {
        return Err(EvaluationError::NotFound("campaign"));
    }
    let people = members(db, campaign.org_id).await?;
    let rated: std::collections::HashSet<i64> = evaluation_voted::Entity::find()
        .filter(evaluation_voted::Column::CampaignId.eq(campaign.id))
        .filter(evaluation_voted::Column::VoterId.eq(caller.person_id))
        .all(db)
        .await
        .context("cannot read my votes")?
        .into_iter()
        .map(|v| v.subject_id)
        .collect();
    let my_self_assessment = match &me {
        Some(me) => evaluation_member::Entity::find()
            .filter(evaluation_member::Column::CampaignId.eq(campaign.id))
            .filter(evaluation_member::Column::PersonId.eq(me.id))
            .one(db)
            .await
            .context("cannot read a self-assessment")?
            .map(|m| m.self_assessment),
        None => None,
    };
    let now = clock::now();
    Ok(Campaign {
        id: campaign.id,
        org_id: campaign.org_id,
        year: campaign.year,
        opens_at: clock::rfc3339(campaign.opens_at),
        closes_at: clock::rfc3339(campaign.closes_at),
        open: now >= campaign.opens_at && now <= campaign.closes_at,
        closed: now > campaign.closes_at,
        members: people
            .into_iter()
            .map(|p| CampaignMember {
                rated_by_me: rated.contains(&p.id),
                person_id: p.id,
                name: p.name,
            })
            .collect(),
        my_self_assessment,
    })
}

#[derive(Serialize, ToSchema)]
pub struct CampaignSummary {
    pub id: i64,
    pub org_id: i64,
    pub year: i32,
    pub opens_at: String,
    pub closes_at: String,
    pub open: bool,
    pub closed: bool,
    /// In my own list: the grade the branch meeting gave me (my record), once decided.
    pub my_final_grade: Option<Grade>,
    pub my_meeting_date: Option<NaiveDate>,
}

fn summaries(rows: Vec<evaluation_campaign::Model>) -> Vec<CampaignSummary> {
    let now = clock::now();
    rows.into_iter()
        .map(|c| CampaignSummary {
            open: now >= c.opens_at && now <= c.closes_at,
            closed: now > c.closes_at,
            id: c.id,
            org_id: c.org_id,
            year: c.year,
            opens_at: clock::rfc3339(c.opens_at),
            closes_at: clock::rfc3339(c.closes_at),
            my_final_grade: None,
            my_meeting_date: None,
        })
        .collect()
}

/// The campaigns of my branch, newest first.
pub async fn mine(
    db: &DatabaseConnection,
    caller: Caller,
) -> Result<Vec<CampaignSummary>, EvaluationError> {
    let Some(me) = crate::people::find(db, caller.person_id)
        .await?
        .filter(|p| p.active)
    else {
        return Ok(Vec::new());
    };
    let mut list = of_branch(db, me.org_id).await?;
    let mine: HashMap<i64, evaluation_member::Model> = evaluation_member::Entity::find()
        .filter(evaluation_member::Column::PersonId.eq(me.id))
        .filter(evaluation_member::Column::CampaignId.is_in(list.iter().map(|c| c.id)))
        .all(db)
        .await
        .context("cannot read my grades")?
        .into_iter()
        .map(|m| (m.campaign_id, m))
        .collect();
    for c in &mut list {
        if let Some(m) = mine.get(&c.id) {
            c.my_final_grade = m.final_grade;
            c.my_meeting_date = m.meeting_date;
        }
    }
    Ok(list)
}

/// The campaigns of a branch (staff who read it), newest first.
pub async fn of_org(
    db: &DatabaseConnection,
    caller: Caller,
    org_id: i64,
) -> Result<Vec<CampaignSummary>, EvaluationError> {
    authz::require(db, caller, READ_DIRECTORY, org_id).await?;
    of_branch(db, org_id).await
}

async fn of_branch(
    db: &DatabaseConnection,
    org_id: i64,
) -> Result<Vec<CampaignSummary>, EvaluationError> {
    let rows = evaluation_campaign::Entity::find()
        .filter(evaluation_campaign::Column::OrgId.eq(org_id))
        .order_by_desc(evaluation_campaign::Column::Year)
        .limit(20)
        .all(db)
        .await
        .context("cannot read campaigns")?;
    Ok(summaries(rows))
}

/// Writes one column of a member's row in the campaign (created on first write).
async fn upsert_member(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    person_id: i64,
    change: impl FnOnce(&mut evaluation_member::ActiveModel),
) -> Result<(), EvaluationError> {
    let existing = evaluation_member::Entity::find()
        .filter(evaluation_member::Column::CampaignId.eq(campaign_id))
        .filter(evaluation_member::Column::PersonId.eq(person_id))
        .one(db)
        .await
        .context("cannot read a member's evaluation")?;
    let mut active = match existing {
        Some(row) => row.into_active_model(),
        None => evaluation_member::ActiveModel {
            campaign_id: Set(campaign_id),
            person_id: Set(person_id),
            self_assessment: Set(String::new()),
            secretary_comment: Set(String::new()),
            final_grade: Set(None),
            meeting_date: Set(None),
            ..Default::default()
        },
    };
    change(&mut active);
    active.updated_at = Set(clock::now());
    active
        .save(db)
        .await
        .context("cannot store a member's evaluation")?;
    Ok(())
}

#[derive(Deserialize, ToSchema)]
pub struct TextRequest {
    /// Up to 4000 characters.
    pub text: String,
}

/// The member's self-assessment (自评), while the campaign is open.
pub async fn self_assess(
    db: &DatabaseConnection,
    caller: Caller,
    id: i64,
    body: &TextRequest,
) -> Result<(), EvaluationError> {
    let campaign = find(db, id).await?;
    let me = member_of(db, &campaign, caller).await?;
    require_open(&campaign)?;
    let text = Text::parse(&body.text, "text", 4000, Lines::Many)
        .map_err(invalid)?
        .into_inner();
    upsert_member(db, campaign.id, me.id, |a| a.self_assessment = Set(text)).await
}

#[derive(Deserialize, ToSchema)]
pub struct BallotRequest {
    /// Another member of the branch.
    pub subject_id: i64,
    pub grade: Grade,
    /// Optional, up to 500 characters.
    #[serde(default)]
    pub comment: String,
}

/// One secret ballot on another member of the branch, once, while the campaign is open.
pub async fn vote(
    db: &DatabaseConnection,
    caller: Caller,
    id: i64,
    body: &BallotRequest,
) -> Result<(), EvaluationError> {
    let campaign = find(db, id).await?;
    let me = member_of(db, &campaign, caller).await?;
    require_open(&campaign)?;
    if body.subject_id == me.id {
        return Err(invalid("members rate each other, not themselves"));
    }
    let subject_ok = members(db, campaign.org_id)
        .await?
        .iter()
        .any(|p| p.id == body.subject_id);
    if !subject_ok {
        return Err(invalid("the member rated is a member of the same branch"));
    }
    let comment = Text::optional(&body.comment, "comment", 500, Lines::Many)
        .map_err(invalid)?
        .map(Text::into_inner)
        .unwrap_or_default();
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    evaluation_voted::ActiveModel {
        campaign_id: Set(campaign.id),
        voter_id: Set(me.id),
        subject_id: Set(body.subject_id),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => EvaluationError::AlreadyVoted,
        _ => EvaluationError::Unexpected(anyhow::Error::new(e).context("cannot record a vote")),
    })?;
    add_to_tally(&txn, campaign.id, body.subject_id, body.grade, comment).await?;
    txn.commit().await.context("cannot commit a ballot")?;
    Ok(())
}

/// Adds one grade (and its comment) to the member's tally. The first UPDATE holds the row's
/// lock until commit, so the comments read after it are the latest and none is lost.
async fn add_to_tally(
    txn: &impl ConnectionTrait,
    campaign_id: i64,
    subject_id: i64,
    grade: Grade,
    comment: String,
) -> Result<(), EvaluationError> {
    use evaluation_tally::Column as T;
    use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
    evaluation_tally::Entity::insert(evaluation_tally::ActiveModel {
        campaign_id: Set(campaign_id),
        subject_id: Set(subject_id),
        excellent: Set(0),
        qualified: Set(0),
        basically_qualified: Set(0),
        unqualified: Set(0),
        comments: Set("[]".into()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([T::CampaignId, T::SubjectId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await
    .context("cannot start a tally")?;
    let column = match grade {
        Grade::Excellent => T::Excellent,
        Grade::Qualified => T::Qualified,
        Grade::BasicallyQualified => T::BasicallyQualified,
        Grade::Unqualified => T::Unqualified,
    };
    evaluation_tally::Entity::update_many()
        .col_expr(column, Expr::col(column).add(1))
        .filter(T::CampaignId.eq(campaign_id))
        .filter(T::SubjectId.eq(subject_id))
        .exec(txn)
        .await
        .context("cannot count a ballot")?;
    if comment.is_empty() {
        return Ok(());
    }
    let tally = evaluation_tally::Entity::find()
        .filter(T::CampaignId.eq(campaign_id))
        .filter(T::SubjectId.eq(subject_id))
        .one(txn)
        .await
        .context("cannot read a tally")?
        .context("the tally is gone")?;
    let mut comments: Vec<String> =
        serde_json::from_str(&tally.comments).context("a tally's comments are not a list")?;
    comments.push(comment);
    // Sorted, so the list's order says nothing about who wrote what when.
    comments.sort();
    let mut active = tally.into_active_model();
    active.comments = Set(serde_json::to_string(&comments).context("cannot write comments")?);
    active.update(txn).await.context("cannot store comments")?;
    Ok(())
}

async fn require_secretary(
    db: &impl ConnectionTrait,
    caller: Caller,
    campaign: &evaluation_campaign::Model,
) -> Result<(), EvaluationError> {
    if authz::has_role(db, caller.person_id, &[Role::Secretary], campaign.org_id).await? {
        Ok(())
    } else {
        Err(EvaluationError::Forbidden)
    }
}

async fn evaluated(
    db: &impl ConnectionTrait,
    campaign: &evaluation_campaign::Model,
    person_id: i64,
) -> Result<(), EvaluationError> {
    if members(db, campaign.org_id)
        .await?
        .iter()
        .any(|p| p.id == person_id)
    {
        Ok(())
    } else {
        Err(EvaluationError::NotFound("member"))
    }
}

/// The secretary's comment on one member (逐一点评), during or after the campaign.
pub async fn comment(
    db: &DatabaseConnection,
    caller: Caller,
    id: i64,
    person_id: i64,
    body: &TextRequest,
) -> Result<(), EvaluationError> {
    let campaign = find(db, id).await?;
    require_secretary(db, caller, &campaign).await?;
    evaluated(db, &campaign, person_id).await?;
    if clock::now() < campaign.opens_at {
        return Err(EvaluationError::WrongState(
            "the evaluation has not opened".into(),
        ));
    }
    let text = Text::parse(&body.text, "text", 4000, Lines::Many)
        .map_err(invalid)?
        .into_inner();
    upsert_member(db, campaign.id, person_id, |a| {
        a.secretary_comment = Set(text)
    })
    .await
}

#[derive(Deserialize, ToSchema)]
pub struct GradeRequest {
    pub grade: Grade,
    /// YYYY-MM-DD: the branch meeting that decided it (not before the campaign closed).
    pub meeting_date: String,
}

/// The branch meeting's final grade of a member, after the campaign closed (audited).
pub async fn decide(
    db: &DatabaseConnection,
    caller: Caller,
    id: i64,
    person_id: i64,
    body: &GradeRequest,
    request_id: Option<String>,
) -> Result<(), EvaluationError> {
    let campaign = find(db, id).await?;
    require_secretary(db, caller, &campaign).await?;
    evaluated(db, &campaign, person_id).await?;
    if clock::now() <= campaign.closes_at {
        return Err(EvaluationError::WrongState(
            "final grades are decided after the evaluation closes".into(),
        ));
    }
    let meeting =
        crate::domain::dates::parse_date(&body.meeting_date, "meeting_date").map_err(invalid)?;
    let today = clock::today();
    if meeting
        < campaign
            .closes_at
            .with_timezone(&clock::shanghai())
            .date_naive()
        || meeting > today
    {
        return Err(invalid(
            "the meeting is held after the evaluation closed, not in the future",
        ));
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let grade = body.grade;
    upsert_member(&txn, campaign.id, person_id, |a| {
        a.final_grade = Set(Some(grade));
        a.meeting_date = Set(Some(meeting));
    })
    .await?;
    audit::record(
        &txn,
        request_id,
        AuditEntry {
            actor: Actor::Person(caller.person_id),
            action: "evaluation.decide",
            target_type: "person",
            target_id: person_id.to_string(),
            org_id: Some(campaign.org_id),
            detail: serde_json::json!({ "campaign": campaign.id, "grade": grade, "meeting_date": meeting }),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit a grade")?;
    Ok(())
}

/// The results, only after the campaign closed: staff who read the branch see everyone; a
/// member sees their own. Counts and comments only from `MIN_BALLOTS` ballots on.
pub async fn results(
    db: &DatabaseConnection,
    caller: Caller,
    id: i64,
) -> Result<Vec<MemberResult>, EvaluationError> {
    let campaign = find(db, id).await?;
    let staff = authz::has_role(db, caller.person_id, READ_DIRECTORY, campaign.org_id).await?;
    let me = member_of(db, &campaign, caller).await.ok();
    if !staff && me.is_none() {
        return Err(EvaluationError::NotFound("campaign"));
    }
    if clock::now() <= campaign.closes_at {
        return Err(EvaluationError::WrongState(
            "results are released when the evaluation closes".into(),
        ));
    }
    let people: Vec<person::Model> = members(db, campaign.org_id)
        .await?
        .into_iter()
        .filter(|p| staff || Some(p.id) == me.as_ref().map(|m| m.id))
        .collect();
    let tallies: HashMap<i64, evaluation_tally::Model> = evaluation_tally::Entity::find()
        .filter(evaluation_tally::Column::CampaignId.eq(campaign.id))
        .all(db)
        .await
        .context("cannot read tallies")?
        .into_iter()
        .map(|t| (t.subject_id, t))
        .collect();
    let rows: HashMap<i64, evaluation_member::Model> = evaluation_member::Entity::find()
        .filter(evaluation_member::Column::CampaignId.eq(campaign.id))
        .all(db)
        .await
        .context("cannot read members' evaluations")?
        .into_iter()
        .map(|m| (m.person_id, m))
        .collect();
    Ok(people
        .into_iter()
        .map(|p| {
            let tally = tallies.get(&p.id);
            let counts = tally.map_or([0u64; 4], |t| {
                [
                    t.excellent,
                    t.qualified,
                    t.basically_qualified,
                    t.unqualified,
                ]
                .map(|n| u64::try_from(n).unwrap_or(0))
            });
            let count: u64 = counts.iter().sum();
            let enough = count >= MIN_BALLOTS;
            let comments: Vec<String> = match tally {
                Some(t) if enough => serde_json::from_str(&t.comments).unwrap_or_default(),
                _ => Vec::new(),
            };
            let row = rows.get(&p.id);
            MemberResult {
                person_id: p.id,
                name: p.name,
                ballots: count,
                counts: enough.then_some(counts),
                comments,
                self_assessment: row.map(|r| r.self_assessment.clone()).unwrap_or_default(),
                secretary_comment: row.map(|r| r.secretary_comment.clone()).unwrap_or_default(),
                final_grade: row.and_then(|r| r.final_grade),
                meeting_date: row.and_then(|r| r.meeting_date),
            }
        })
        .collect())
}

#[derive(Serialize, ToSchema)]
pub struct EvidenceSheet {
    pub person_id: i64,
    pub name: String,
    pub year: i32,
    /// The activity record of the year (§三.2): attendance with its rate.
    pub attendance: crate::checkin::attendance::PersonYear,
    /// Exempt from organisational life (and why), as the roster holds it today.
    pub exempt: bool,
    pub exempt_reason: Option<String>,
    /// The year against the service minimums (社区服务、志愿服务、建议、结对).
    pub service: crate::community::progress::Progress,
    /// Commitments (承诺) of the year and how many are completed.
    pub commitments: u64,
    pub commitments_completed: u64,
    /// Leaders' and secretaries' duties (§二.3) against their quotas; `null` for members
    /// without duties.
    pub duties: Option<crate::duties::progress::DutyRow>,
    /// Talks held with the member (谈心谈话) in the year.
    pub talks_received: u64,
    /// Activities the member rated (their feedback), in the year.
    pub feedback_given: u64,
}

/// A member's evidence sheet for the campaign's year, assembled from the records: the member
/// themself, and staff who read the branch.
pub async fn evidence(
    db: &DatabaseConnection,
    duty_settings: &crate::config::DutySettings,
    receipts: &crate::feedback::ReceiptKey,
    caller: Caller,
    id: i64,
    person_id: i64,
) -> Result<EvidenceSheet, EvaluationError> {
    let campaign = find(db, id).await?;
    let staff = authz::has_role(db, caller.person_id, READ_DIRECTORY, campaign.org_id).await?;
    if !staff && caller.person_id != person_id {
        return Err(EvaluationError::NotFound("member"));
    }
    evaluated(db, &campaign, person_id).await?;
    let person = crate::people::find(db, person_id)
        .await?
        .ok_or(EvaluationError::NotFound("member"))?;
    let attendance = crate::checkin::attendance::person_year(db, &person, campaign.year).await?;
    let (from, until) = (
        NaiveDate::from_ymd_opt(campaign.year, 1, 1).context("a first day")?,
        NaiveDate::from_ymd_opt(campaign.year, 12, 31).context("a last day")?,
    );
    let talks_received = crate::entities::talk::Entity::find()
        .filter(crate::entities::talk::Column::WithPersonId.eq(person.id))
        .filter(crate::entities::talk::Column::TalkedOn.between(from, until))
        .count(db)
        .await
        .context("cannot count talks")?;
    let plans_of_year: Vec<i64> = attendance
        .activities
        .iter()
        .map(|a| a.activity_id)
        .collect();
    let feedback_given =
        crate::feedback::answered_by(db, receipts, person.id, &plans_of_year).await?;
    let service =
        crate::community::progress::for_people(db, std::slice::from_ref(&person), campaign.year)
            .await?
            .pop()
            .context("no service progress for the member")?;
    let commitments = crate::entities::commitment::Entity::find()
        .filter(crate::entities::commitment::Column::PersonId.eq(person.id))
        .filter(crate::entities::commitment::Column::Year.eq(campaign.year))
        .all(db)
        .await
        .context("cannot read commitments")?;
    let commitments_completed = commitments
        .iter()
        .filter(|c| c.status == crate::domain::CommitmentStatus::Completed)
        .count() as u64;
    let duties =
        crate::duties::progress::rows_for(db, duty_settings, vec![person.clone()], campaign.year)
            .await?
            .pop();
    Ok(EvidenceSheet {
        person_id: person.id,
        name: person.name,
        year: campaign.year,
        attendance,
        exempt: person.exempt,
        exempt_reason: person.exempt_reason,
        service,
        commitments: commitments.len() as u64,
        commitments_completed,
        duties,
        talks_received,
        feedback_given,
    })
}
