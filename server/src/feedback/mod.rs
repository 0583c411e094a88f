//! Feedback on every activity (the "八有" of §一: 明显的活动成效, 较好的吸引力). After an
//! activity, each member who attended may rate it once, 1–5 with an optional comment, for
//! `feedback.window_days`. Answers are kept apart from who gave them (`activity_feedback`
//! has no person and no time; the once-only rule rests on its unique `receipt`, a keyed hash
//! of (activity, person) that only the server can compute — no row names who answered, so
//! nothing the store keeps about rows can join an answer to a member), and the branch and
//! those above see them only as counts, an average and unattributed comments once at least
//! `feedback.min_answers` members answered.
pub mod error;

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Duration, FixedOffset};
use hmac::{Hmac, Mac};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect, Set,
    sea_query::{Expr, Func},
};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use utoipa::ToSchema;

pub use error::FeedbackError;

use crate::{
    authz::{self, Caller, READ_DIRECTORY},
    clock,
    config::FeedbackSettings,
    domain::{Lines, Text},
    entities::{activity_feedback, activity_plan, checkin},
};

/// The key of answer receipts, derived from a server secret with a label of its own.
#[derive(Clone)]
pub struct ReceiptKey(Vec<u8>);

impl ReceiptKey {
    pub fn derive(secret: &[u8]) -> Self {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any size");
        mac.update(b"huodongri feedback receipt v1");
        Self(mac.finalize().into_bytes().to_vec())
    }

    pub(crate) fn receipt(&self, plan_id: i64, person_id: i64) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any size");
        mac.update(format!("{plan_id}:{person_id}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

impl std::fmt::Debug for ReceiptKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReceiptKey { .. }")
    }
}

#[derive(Deserialize, ToSchema)]
pub struct FeedbackRequest {
    /// 1 (poor) to 5 (excellent)
    pub rating: i16,
    /// Optional, up to 500 characters.
    #[serde(default)]
    pub comment: String,
}

#[derive(Serialize, ToSchema, Debug, PartialEq, Eq)]
pub struct Answer {
    pub rating: i16,
    pub comment: String,
}

/// What a member sees: whether they may still answer, until when, and their own answer.
#[derive(Serialize, ToSchema)]
pub struct MyFeedback {
    pub plan_id: i64,
    pub can_answer: bool,
    /// RFC 3339, Asia/Shanghai
    pub opens_at: String,
    pub closes_at: String,
    pub mine: Option<Answer>,
}

/// What the branch and those above see: aggregates only, and only from `min_answers` on.
#[derive(Serialize, ToSchema)]
pub struct FeedbackSummary {
    pub plan_id: i64,
    pub answers: u64,
    /// False below the threshold: nothing but the count is shown ("not enough answers").
    pub enough: bool,
    pub min_answers: u32,
    /// Answers per rating 1..5 (index 0 is 1).
    pub distribution: Option<[u64; 5]>,
    pub average: Option<f64>,
    /// Comments without names, in alphabetical order (never the order they came in).
    pub comments: Vec<String>,
}

/// When the window of `plan` opens (its end) and closes.
fn window(
    plan: &activity_plan::Model,
    settings: &FeedbackSettings,
) -> (DateTime<FixedOffset>, DateTime<FixedOffset>) {
    let end = chrono::NaiveTime::parse_from_str(&plan.end_time, "%H:%M")
        .ok()
        .and_then(|t| {
            chrono::TimeZone::from_local_datetime(
                &clock::shanghai(),
                &plan.activity_date.and_time(t),
            )
            .single()
        })
        .unwrap_or_else(clock::now);
    (end, end + Duration::days(i64::from(settings.window_days)))
}

async fn plan(db: &impl ConnectionTrait, id: i64) -> Result<activity_plan::Model, FeedbackError> {
    activity_plan::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a plan")?
        .ok_or(FeedbackError::NotFound)
}

async fn attended(db: &impl ConnectionTrait, plan_id: i64, person_id: i64) -> anyhow::Result<bool> {
    Ok(checkin::Entity::find()
        .filter(checkin::Column::PlanId.eq(plan_id))
        .filter(checkin::Column::PersonId.eq(person_id))
        .filter(checkin::Column::Present.eq(true))
        .count(db)
        .await
        .context("cannot read check-ins")?
        > 0)
}

async fn own_answer(
    db: &impl ConnectionTrait,
    key: &ReceiptKey,
    plan_id: i64,
    person_id: i64,
) -> anyhow::Result<Option<Answer>> {
    Ok(activity_feedback::Entity::find()
        .filter(activity_feedback::Column::PlanId.eq(plan_id))
        .filter(activity_feedback::Column::Receipt.eq(key.receipt(plan_id, person_id)))
        .one(db)
        .await
        .context("cannot read an answer")?
        .map(|a| Answer {
            rating: a.rating,
            comment: a.comment,
        }))
}

/// A member's answer: once, within the window, only after attending (checked in present).
pub async fn give(
    db: &DatabaseConnection,
    settings: &FeedbackSettings,
    key: &ReceiptKey,
    caller: Caller,
    plan_id: i64,
    body: &FeedbackRequest,
) -> Result<Answer, FeedbackError> {
    if !(1..=5).contains(&body.rating) {
        return Err(FeedbackError::InvalidInput("rating must be 1 to 5".into()));
    }
    let comment = Text::optional(&body.comment, "comment", 500, Lines::Many)
        .map_err(FeedbackError::InvalidInput)?
        .map(Text::into_inner)
        .unwrap_or_default();
    let plan = plan(db, plan_id).await?;
    if !attended(db, plan.id, caller.person_id).await? {
        return Err(FeedbackError::NotAttended);
    }
    let (opens, closes) = window(&plan, settings);
    let now = clock::now();
    if now < opens || now > closes {
        return Err(FeedbackError::Closed(settings.window_days));
    }
    let mut id = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut id);
    activity_feedback::ActiveModel {
        id: Set(hex::encode(id)),
        plan_id: Set(plan.id),
        receipt: Set(key.receipt(plan.id, caller.person_id)),
        rating: Set(body.rating),
        comment: Set(comment.clone()),
    }
    .insert(db)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => FeedbackError::AlreadyGiven,
        _ => FeedbackError::Unexpected(anyhow::Error::new(e).context("cannot store an answer")),
    })?;
    Ok(Answer {
        rating: body.rating,
        comment,
    })
}

/// The caller's view of an activity's feedback: may they answer, and their own answer.
pub async fn mine(
    db: &DatabaseConnection,
    settings: &FeedbackSettings,
    key: &ReceiptKey,
    caller: Caller,
    plan_id: i64,
) -> Result<MyFeedback, FeedbackError> {
    let plan = plan(db, plan_id).await?;
    let (opens, closes) = window(&plan, settings);
    let now = clock::now();
    let mine = own_answer(db, key, plan.id, caller.person_id).await?;
    let can_answer = mine.is_none()
        && now >= opens
        && now <= closes
        && attended(db, plan.id, caller.person_id).await?;
    Ok(MyFeedback {
        plan_id: plan.id,
        can_answer,
        opens_at: clock::rfc3339(opens),
        closes_at: clock::rfc3339(closes),
        mine,
    })
}

/// The aggregates of an activity's feedback, for staff who read its organisation.
pub async fn summary(
    db: &DatabaseConnection,
    settings: &FeedbackSettings,
    caller: Caller,
    plan_id: i64,
) -> Result<FeedbackSummary, FeedbackError> {
    let plan = plan(db, plan_id).await?;
    authz::require(db, caller, READ_DIRECTORY, plan.org_id).await?;
    let answers = activity_feedback::Entity::find()
        .filter(activity_feedback::Column::PlanId.eq(plan.id))
        .all(db)
        .await
        .context("cannot read answers")?;
    let count = answers.len() as u64;
    let enough = count >= u64::from(settings.min_answers);
    if !enough {
        return Ok(FeedbackSummary {
            plan_id: plan.id,
            answers: count,
            enough,
            min_answers: settings.min_answers,
            distribution: None,
            average: None,
            comments: Vec::new(),
        });
    }
    let mut distribution = [0u64; 5];
    for a in &answers {
        if let Some(slot) = usize::try_from(a.rating - 1)
            .ok()
            .and_then(|i| distribution.get_mut(i))
        {
            *slot += 1;
        }
    }
    let sum: i64 = answers.iter().map(|a| i64::from(a.rating)).sum();
    let mut comments: Vec<String> = answers
        .into_iter()
        .map(|a| a.comment)
        .filter(|c| !c.is_empty())
        .collect();
    comments.sort();
    Ok(FeedbackSummary {
        plan_id: plan.id,
        answers: count,
        enough,
        min_answers: settings.min_answers,
        distribution: Some(distribution),
        average: Some(sum as f64 / count as f64),
        comments,
    })
}

/// Answer counts and rating sums per plan, for averages next to attendance (one statement
/// per 500 plans).
pub async fn totals(
    db: &impl ConnectionTrait,
    plan_ids: &[i64],
) -> anyhow::Result<HashMap<i64, (u64, u64)>> {
    let mut out = HashMap::new();
    for chunk in plan_ids.chunks(500) {
        let rows: Vec<(i64, i64, Option<i64>)> = activity_feedback::Entity::find()
            .select_only()
            .column(activity_feedback::Column::PlanId)
            .column_as(
                Expr::from(Func::count(Expr::col(activity_feedback::Column::Id))),
                "answers",
            )
            .column_as(
                Expr::from(Func::sum(Expr::col(activity_feedback::Column::Rating))),
                "total",
            )
            .filter(activity_feedback::Column::PlanId.is_in(chunk.iter().copied()))
            .group_by(activity_feedback::Column::PlanId)
            .into_tuple()
            .all(db)
            .await
            .context("cannot total answers")?;
        for (plan, answers, total) in rows {
            out.insert(
                plan,
                (
                    u64::try_from(answers).unwrap_or(0),
                    u64::try_from(total.unwrap_or(0)).unwrap_or(0),
                ),
            );
        }
    }
    Ok(out)
}

/// The average of `totals` when at least `min_answers` answered, else None.
pub fn average((answers, total): (u64, u64), min_answers: u32) -> Option<f64> {
    (answers >= u64::from(min_answers) && answers > 0).then(|| total as f64 / answers as f64)
}

/// How many of `plan_ids` the person answered, found by their receipts (the evaluation's
/// evidence sheet).
pub async fn answered_by(
    db: &impl ConnectionTrait,
    key: &ReceiptKey,
    person_id: i64,
    plan_ids: &[i64],
) -> anyhow::Result<u64> {
    let mut count = 0;
    for chunk in plan_ids.chunks(500) {
        count += activity_feedback::Entity::find()
            .filter(
                activity_feedback::Column::Receipt
                    .is_in(chunk.iter().map(|plan| key.receipt(*plan, person_id))),
            )
            .count(db)
            .await
            .context("cannot count a member's answers")?;
    }
    Ok(count)
}
