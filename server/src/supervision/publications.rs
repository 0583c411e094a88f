//! Published results (通报, "及时公布督查结果"): a round's summary and each inspected
//! organisation's result, visible from their publication day to the organisations under the
//! planning office and their members — never before. A version is never edited: a correction
//! is a new version with its reason, and every version stays readable to the inspectors.
use std::collections::{HashMap, HashSet};

use anyhow::Context;
use chrono::{Duration, NaiveDate};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{InspectionMethod, SupervisionError, Verdict, error::invalid, inspections::visible};
use crate::{
    audit::{self, Actor, AuditEntry},
    authz::{self, Caller, READ_DIRECTORY},
    clock,
    domain::{Lines, Text},
    entities::{
        inspection_publication, inspection_result, inspection_round, inspection_target,
        organisation_closure,
    },
};

/// The audit action of a round's first publication, and of every correction after it.
const PUBLISH_ACTION: &str = "inspection.publish";
const CORRECT_ACTION: &str = "inspection.correct";

#[derive(Deserialize, ToSchema)]
pub struct ResultRequest {
    pub org_id: i64,
    pub verdict: Verdict,
    /// Up to 1000 characters.
    #[serde(default)]
    pub comment: String,
}

#[derive(Deserialize, ToSchema)]
pub struct PublishRequest {
    /// YYYY-MM-DD, today or later (within 90 days): nobody below sees it before.
    pub publish_on: String,
    /// The published summary, up to 4000 characters.
    pub summary: String,
    /// The round's organisations, each at most once.
    pub results: Vec<ResultRequest>,
    /// Required for a correction (every version after the first), refused on the first.
    pub correction_reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OrgResult {
    pub org_id: i64,
    pub org_name: String,
    pub verdict: Verdict,
    pub comment: String,
}

#[derive(Serialize, ToSchema)]
pub struct Publication {
    pub id: i64,
    pub round_id: i64,
    pub version: i32,
    pub publish_on: NaiveDate,
    pub summary: String,
    pub correction_reason: Option<String>,
    pub published_by: i64,
    pub created_at: String,
    pub results: Vec<OrgResult>,
}

async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<inspection_publication::Model>,
    only_org: Option<i64>,
) -> anyhow::Result<Vec<Publication>> {
    let mut find = inspection_result::Entity::find()
        .filter(inspection_result::Column::PublicationId.is_in(rows.iter().map(|p| p.id)));
    if let Some(org) = only_org {
        find = find.filter(inspection_result::Column::OrgId.eq(org));
    }
    let results = find
        .order_by_asc(inspection_result::Column::Id)
        .all(db)
        .await
        .context("cannot read results")?;
    let names = crate::orgs::names(db, results.iter().map(|r| r.org_id)).await?;
    Ok(rows
        .into_iter()
        .map(|p| Publication {
            results: results
                .iter()
                .filter(|r| r.publication_id == p.id)
                .map(|r| OrgResult {
                    org_id: r.org_id,
                    org_name: names.get(&r.org_id).cloned().unwrap_or_default(),
                    verdict: r.verdict,
                    comment: r.comment.clone(),
                })
                .collect(),
            id: p.id,
            round_id: p.round_id,
            version: p.version,
            publish_on: p.publish_on,
            summary: p.summary,
            correction_reason: p.correction_reason,
            published_by: p.published_by,
            created_at: clock::rfc3339(p.created_at),
        })
        .collect())
}

/// Publishes a round's results as its next version (its office's inspectors; audited).
pub async fn publish(
    db: &DatabaseConnection,
    caller: Caller,
    round_id: i64,
    body: &PublishRequest,
    request_id: Option<String>,
) -> Result<Publication, SupervisionError> {
    let round = visible(db, caller, round_id).await?;
    let publish_on =
        crate::domain::dates::parse_date(&body.publish_on, "publish_on").map_err(invalid)?;
    let today = clock::today();
    if publish_on < today || publish_on > today + Duration::days(90) {
        return Err(invalid("publish_on is today or later, within 90 days"));
    }
    let summary = Text::parse(&body.summary, "summary", 4000, Lines::Many)
        .map_err(invalid)?
        .into_inner();
    let reason = body
        .correction_reason
        .as_deref()
        .map(|r| Text::parse(r, "correction_reason", 500, Lines::Many))
        .transpose()
        .map_err(invalid)?
        .map(Text::into_inner);
    let targets: HashSet<i64> = inspection_target::Entity::find()
        .filter(inspection_target::Column::RoundId.eq(round.id))
        .all(db)
        .await
        .context("cannot read targets")?
        .into_iter()
        .map(|t| t.org_id)
        .collect();
    let mut seen = HashSet::new();
    let mut results = Vec::with_capacity(body.results.len());
    for r in &body.results {
        if !targets.contains(&r.org_id) || !seen.insert(r.org_id) {
            return Err(invalid(format!(
                "organisation {} is not one of the round's, or appears twice",
                r.org_id
            )));
        }
        let comment = Text::optional(&r.comment, "comment", 1000, Lines::Many)
            .map_err(invalid)?
            .map(Text::into_inner)
            .unwrap_or_default();
        results.push((r.org_id, r.verdict, comment));
    }
    let latest = inspection_publication::Entity::find()
        .filter(inspection_publication::Column::RoundId.eq(round.id))
        .order_by_desc(inspection_publication::Column::Version)
        .one(db)
        .await
        .context("cannot read the latest version")?;
    let version = latest.as_ref().map_or(1, |p| p.version + 1);
    match (version, &reason) {
        (1, Some(_)) => return Err(invalid("the first publication corrects nothing")),
        (v, None) if v > 1 => {
            return Err(invalid(
                "a published result is corrected by a new version with correction_reason",
            ));
        }
        _ => {}
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let row = inspection_publication::ActiveModel {
        round_id: Set(round.id),
        version: Set(version),
        publish_on: Set(publish_on),
        summary: Set(summary),
        correction_reason: Set(reason.clone()),
        published_by: Set(caller.person_id),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => SupervisionError::WrongState(
            "another version was published meanwhile; reload and publish again".into(),
        ),
        _ => SupervisionError::Unexpected(
            anyhow::Error::new(e).context("cannot store a publication"),
        ),
    })?;
    if !results.is_empty() {
        inspection_result::Entity::insert_many(results.iter().map(|(org, verdict, comment)| {
            inspection_result::ActiveModel {
                publication_id: Set(row.id),
                org_id: Set(*org),
                verdict: Set(*verdict),
                comment: Set(comment.clone()),
                ..Default::default()
            }
        }))
        .exec_without_returning(&txn)
        .await
        .context("cannot store results")?;
    }
    audit::record(
        &txn,
        request_id,
        AuditEntry {
            actor: Actor::Person(caller.person_id),
            action: if version == 1 {
                PUBLISH_ACTION
            } else {
                CORRECT_ACTION
            },
            target_type: "inspection_publication",
            target_id: row.id.to_string(),
            org_id: Some(round.org_id),
            detail: serde_json::json!({
                "round": round.id, "version": version, "publish_on": publish_on,
                "correction_reason": reason, "results": results.len(),
            }),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit a publication")?;
    Ok(views(db, vec![row], None).await?.remove(0))
}

/// Every version of a round's results, newest first (its office's inspectors).
pub async fn versions(
    db: &DatabaseConnection,
    caller: Caller,
    round_id: i64,
) -> Result<Vec<Publication>, SupervisionError> {
    let round = visible(db, caller, round_id).await?;
    let rows = inspection_publication::Entity::find()
        .filter(inspection_publication::Column::RoundId.eq(round.id))
        .order_by_desc(inspection_publication::Column::Version)
        .all(db)
        .await
        .context("cannot read versions")?;
    Ok(views(db, rows, None).await?)
}

#[derive(Serialize, ToSchema)]
pub struct PublishedRound {
    pub round_id: i64,
    pub title: String,
    pub method: InspectionMethod,
    pub planned_on: NaiveDate,
    /// The version shown (the latest published by today).
    pub version: i32,
    pub publish_on: NaiveDate,
    pub summary: String,
    /// Why this version corrected the one before, if it did.
    pub correction_reason: Option<String>,
    /// The organisation's own result, if the round inspected it.
    pub result: Option<OrgResult>,
}

/// What has been published to an organisation (its members, staff who read it): every round
/// planned by the organisation or an office above it, at its latest version published by
/// today, with the organisation's own result.
pub async fn for_org(
    db: &DatabaseConnection,
    caller: Caller,
    org_id: i64,
) -> Result<Vec<PublishedRound>, SupervisionError> {
    let member = crate::people::find(db, caller.person_id)
        .await?
        .is_some_and(|p| p.active && p.org_id == org_id);
    if !member && !authz::has_role(db, caller.person_id, READ_DIRECTORY, org_id).await? {
        return Err(SupervisionError::Forbidden);
    }
    let ancestors: Vec<i64> = organisation_closure::Entity::find()
        .filter(organisation_closure::Column::DescendantId.eq(org_id))
        .all(db)
        .await
        .context("cannot read ancestors")?
        .into_iter()
        .map(|c| c.ancestor_id)
        .collect();
    let rounds: HashMap<i64, inspection_round::Model> = inspection_round::Entity::find()
        .filter(inspection_round::Column::OrgId.is_in(ancestors))
        .all(db)
        .await
        .context("cannot read rounds")?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut latest: HashMap<i64, inspection_publication::Model> = HashMap::new();
    for p in inspection_publication::Entity::find()
        .filter(inspection_publication::Column::RoundId.is_in(rounds.keys().copied()))
        .filter(inspection_publication::Column::PublishOn.lte(clock::today()))
        .all(db)
        .await
        .context("cannot read publications")?
    {
        if latest
            .get(&p.round_id)
            .is_none_or(|l| l.version < p.version)
        {
            latest.insert(p.round_id, p);
        }
    }
    let mut shown = views(db, latest.into_values().collect(), Some(org_id)).await?;
    shown.sort_by(|a, b| b.publish_on.cmp(&a.publish_on).then(b.id.cmp(&a.id)));
    Ok(shown
        .into_iter()
        .filter_map(|p| {
            let round = rounds.get(&p.round_id)?;
            Some(PublishedRound {
                round_id: round.id,
                title: round.title.clone(),
                method: round.method,
                planned_on: round.planned_on,
                version: p.version,
                publish_on: p.publish_on,
                summary: p.summary,
                correction_reason: p.correction_reason,
                result: p.results.into_iter().next(),
            })
        })
        .collect())
}

/// What has been published to my organisation.
pub async fn mine(
    db: &DatabaseConnection,
    caller: Caller,
) -> Result<Vec<PublishedRound>, SupervisionError> {
    let me = crate::people::find(db, caller.person_id)
        .await?
        .filter(|p| p.active)
        .ok_or(SupervisionError::Forbidden)?;
    for_org(db, caller, me.org_id).await
}
