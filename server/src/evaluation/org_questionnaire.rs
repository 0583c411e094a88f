//! The organisation evaluated by its members and by the public (§二.1: 党员和群众评议党组织):
//! a short fixed questionnaire, open while the branch's campaign is, one answer per person or
//! WeChat identity. As with ballots, who answered (`evaluation_org_answered`) is kept apart
//! from what was answered (`evaluation_org_tally`, counts only). The public reach it by a link
//! or QR code with a visitor token, limited per WeChat identity.
use std::time::Duration as StdDuration;

use anyhow::Context;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, OnConflict},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{EvaluationError, MIN_BALLOTS, find, invalid, member_of, require_open};
use crate::{
    authz::{self, Caller, READ_DIRECTORY, Requester},
    cache::Cache,
    clock,
    entities::{evaluation_org_answered, evaluation_org_tally},
};

/// The questions, in order (each answered 满意 / 基本满意 / 不满意).
pub const QUESTIONS: [&str; 5] = [
    "组织生活经常、规范，“统一活动日”按时开展",
    "活动内容实在、形式多样，党员参与度高",
    "党员发挥先锋模范作用，联系服务群众",
    "为民办实事、解难题，群众反映的问题有回应",
    "班子团结、作风民主，党务公开透明",
];
/// Answers one WeChat identity may attempt in an hour (one of them counts).
const PUBLIC_ATTEMPTS_PER_HOUR: i64 = 10;

crate::domain::enums::slug_enum!(
    /// Who answered: a member of the branch, or anyone else (the public, members elsewhere).
    Respondent {
        Member = ("member", "本支部党员"),
        Public = ("public", "群众"),
    }
);

crate::domain::enums::slug_enum!(
    /// An answer to one question.
    Satisfaction {
        Satisfied = ("satisfied", "满意"),
        BasicallySatisfied = ("basically_satisfied", "基本满意"),
        Dissatisfied = ("dissatisfied", "不满意"),
    }
);

#[derive(Serialize, ToSchema)]
pub struct Questionnaire {
    pub campaign_id: i64,
    pub org_name: String,
    pub year: i32,
    pub open: bool,
    pub questions: Vec<&'static str>,
    /// Whether the asker has already answered.
    pub answered: bool,
}

#[derive(Deserialize, ToSchema)]
pub struct Answers {
    /// One answer per question, in order.
    pub answers: Vec<Satisfaction>,
}

#[derive(Serialize, ToSchema)]
pub struct QuestionCounts {
    pub question: &'static str,
    /// 满意, 基本满意, 不满意
    pub counts: [u64; 3],
}

#[derive(Serialize, ToSchema)]
pub struct RespondentResult {
    pub audience: Respondent,
    pub answers: u64,
    /// Shown from `MIN_BALLOTS` answers on.
    pub questions: Option<Vec<QuestionCounts>>,
}

#[derive(Serialize, ToSchema)]
pub struct QuestionnaireQr {
    /// `{qr_base_url}/e/{campaign}`: WeChat opens the questionnaire page from it when that
    /// prefix is registered (扫普通链接二维码打开小程序); other scanners get a page saying so.
    pub url: String,
    pub png_base64: String,
}

/// The QR code a branch shows or prints for the public (its staff).
pub async fn qr(
    db: &DatabaseConnection,
    caller: Caller,
    id: i64,
    qr_base_url: &str,
) -> Result<QuestionnaireQr, EvaluationError> {
    use base64::Engine;
    let campaign = find(db, id).await?;
    authz::require(db, caller, READ_DIRECTORY, campaign.org_id).await?;
    let url = format!("{}/e/{}", qr_base_url.trim_end_matches('/'), campaign.id);
    let png = crate::qr::qr_png(&url)?;
    Ok(QuestionnaireQr {
        png_base64: base64::engine::general_purpose::STANDARD.encode(png),
        url,
    })
}

/// The questionnaire as anyone with the link sees it.
pub async fn questionnaire(
    db: &DatabaseConnection,
    who: &Requester,
    id: i64,
) -> Result<Questionnaire, EvaluationError> {
    let campaign = find(db, id).await?;
    let org = crate::orgs::find(db, campaign.org_id)
        .await?
        .ok_or(EvaluationError::NotFound("campaign"))?;
    let answered = evaluation_org_answered::Entity::find()
        .filter(evaluation_org_answered::Column::CampaignId.eq(campaign.id))
        .filter(evaluation_org_answered::Column::Answerer.eq(who.key()))
        .one(db)
        .await
        .context("cannot read an answer receipt")?
        .is_some();
    let now = clock::now();
    Ok(Questionnaire {
        campaign_id: campaign.id,
        org_name: org.name,
        year: campaign.year,
        open: now >= campaign.opens_at && now <= campaign.closes_at,
        questions: QUESTIONS.to_vec(),
        answered,
    })
}

/// One answer to the questionnaire, while the campaign is open, once per person or WeChat
/// identity; a visitor's attempts are limited per hour.
pub async fn answer(
    db: &DatabaseConnection,
    cache: &Cache,
    who: &Requester,
    id: i64,
    body: &Answers,
) -> Result<(), EvaluationError> {
    let campaign = find(db, id).await?;
    require_open(&campaign)?;
    let audience = match who {
        Requester::Person(person_id) => {
            let caller = Caller {
                person_id: *person_id,
            };
            if member_of(db, &campaign, caller).await.is_ok() {
                Respondent::Member
            } else {
                Respondent::Public
            }
        }
        Requester::Visitor(openid) => {
            let attempts = cache
                .count_in_window(
                    &format!("evaluation:public:{openid}"),
                    StdDuration::from_secs(3600),
                )
                .await
                .map_err(|e| {
                    tracing::warn!(error = %e, "cache down: refusing the public's answer");
                    EvaluationError::TemporarilyUnavailable
                })?;
            if attempts > PUBLIC_ATTEMPTS_PER_HOUR {
                return Err(EvaluationError::TooManyRequests);
            }
            Respondent::Public
        }
    };
    if body.answers.len() != QUESTIONS.len() {
        return Err(invalid(format!(
            "answers holds one answer for each of the {} questions",
            QUESTIONS.len()
        )));
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    evaluation_org_answered::Entity::insert(evaluation_org_answered::ActiveModel {
        campaign_id: sea_orm::Set(campaign.id),
        answerer: sea_orm::Set(who.key()),
        ..Default::default()
    })
    .exec_without_returning(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => EvaluationError::AlreadyVoted,
        _ => EvaluationError::Unexpected(anyhow::Error::new(e).context("cannot record an answer")),
    })?;
    for (question, answer) in body.answers.iter().enumerate() {
        let question = i16::try_from(question).context("a question number")?;
        evaluation_org_tally::Entity::insert(evaluation_org_tally::ActiveModel {
            campaign_id: sea_orm::Set(campaign.id),
            audience: sea_orm::Set(audience),
            question: sea_orm::Set(question),
            satisfied: sea_orm::Set(0),
            basically_satisfied: sea_orm::Set(0),
            dissatisfied: sea_orm::Set(0),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([
                evaluation_org_tally::Column::CampaignId,
                evaluation_org_tally::Column::Audience,
                evaluation_org_tally::Column::Question,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await
        .context("cannot start a tally")?;
        let column = match answer {
            Satisfaction::Satisfied => evaluation_org_tally::Column::Satisfied,
            Satisfaction::BasicallySatisfied => evaluation_org_tally::Column::BasicallySatisfied,
            Satisfaction::Dissatisfied => evaluation_org_tally::Column::Dissatisfied,
        };
        evaluation_org_tally::Entity::update_many()
            .col_expr(column, Expr::col(column).add(1))
            .filter(evaluation_org_tally::Column::CampaignId.eq(campaign.id))
            .filter(evaluation_org_tally::Column::Audience.eq(audience))
            .filter(evaluation_org_tally::Column::Question.eq(question))
            .exec(&txn)
            .await
            .context("cannot count an answer")?;
    }
    txn.commit().await.context("cannot commit an answer")?;
    Ok(())
}

/// The counts per audience, after the campaign closed: the branch's members and staff who read
/// it. An audience with fewer than `MIN_BALLOTS` answers shows only how many answered.
pub async fn results(
    db: &impl ConnectionTrait,
    caller: Caller,
    id: i64,
) -> Result<Vec<RespondentResult>, EvaluationError> {
    let campaign = find(db, id).await?;
    if member_of(db, &campaign, caller).await.is_err()
        && !authz::has_role(db, caller.person_id, READ_DIRECTORY, campaign.org_id).await?
    {
        return Err(EvaluationError::NotFound("campaign"));
    }
    if clock::now() <= campaign.closes_at {
        return Err(EvaluationError::WrongState(
            "results are released when the evaluation closes".into(),
        ));
    }
    let rows = evaluation_org_tally::Entity::find()
        .filter(evaluation_org_tally::Column::CampaignId.eq(campaign.id))
        .all(db)
        .await
        .context("cannot read the questionnaire's counts")?;
    Ok([Respondent::Member, Respondent::Public]
        .into_iter()
        .map(|audience| {
            let counts: Vec<[u64; 3]> = (0..QUESTIONS.len())
                .map(|q| {
                    rows.iter()
                        .find(|r| r.audience == audience && usize::try_from(r.question) == Ok(q))
                        .map_or([0; 3], |r| {
                            [r.satisfied, r.basically_satisfied, r.dissatisfied]
                                .map(|n| u64::try_from(n).unwrap_or(0))
                        })
                })
                .collect();
            // Every answer answers every question: the first question's total is the count.
            let answers: u64 = counts.first().map_or(0, |c| c.iter().sum());
            RespondentResult {
                audience,
                answers,
                questions: (answers >= MIN_BALLOTS).then(|| {
                    counts
                        .into_iter()
                        .zip(QUESTIONS)
                        .map(|(counts, question)| QuestionCounts { question, counts })
                        .collect()
                }),
            }
        })
        .collect())
}
