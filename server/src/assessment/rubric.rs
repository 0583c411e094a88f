//! The city's rubric, in versions: a new rubric is a new version (audited); scores keep the
//! version they were computed with.
use anyhow::Context;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{AssessmentError, LineKey, RubricLine, error::invalid, validate};
use crate::{
    audit::{self, Actor, AuditEntry},
    authz::{self, Caller},
    clock,
    domain::{Lines, Role, Text},
    entities::{assessment_rubric, organisation},
};

#[derive(Serialize, ToSchema)]
pub struct RubricLineView {
    pub key: LineKey,
    pub label: &'static str,
    pub weight: u32,
    pub threshold: f64,
}

#[derive(Serialize, ToSchema)]
pub struct Rubric {
    pub version: i32,
    pub note: String,
    pub created_at: String,
    pub lines: Vec<RubricLineView>,
}

/// A rubric as stored, with its lines parsed.
pub struct Current {
    pub version: i32,
    pub lines: Vec<RubricLine>,
}

fn parse(row: &assessment_rubric::Model) -> anyhow::Result<Vec<RubricLine>> {
    serde_json::from_str(&row.lines).context("a stored rubric is not a list of lines")
}

/// The latest version (the migration stores the first).
pub async fn current(db: &impl ConnectionTrait) -> anyhow::Result<Current> {
    let row = assessment_rubric::Entity::find()
        .order_by_desc(assessment_rubric::Column::Version)
        .one(db)
        .await
        .context("cannot read the rubric")?
        .context("no rubric is stored")?;
    Ok(Current {
        version: row.version,
        lines: parse(&row)?,
    })
}

fn view(row: assessment_rubric::Model) -> anyhow::Result<Rubric> {
    let lines = parse(&row)?
        .into_iter()
        .map(|l| RubricLineView {
            key: l.key,
            label: l.key.label(),
            weight: l.weight,
            threshold: l.threshold,
        })
        .collect();
    Ok(Rubric {
        version: row.version,
        note: row.note,
        created_at: clock::rfc3339(row.created_at),
        lines,
    })
}

/// A version of the rubric (the latest without one); anyone signed in may read it, since an
/// organisation checks its score against it.
pub async fn one(db: &DatabaseConnection, version: Option<i32>) -> Result<Rubric, AssessmentError> {
    let mut find = assessment_rubric::Entity::find();
    if let Some(v) = version {
        find = find.filter(assessment_rubric::Column::Version.eq(v));
    }
    let row = find
        .order_by_desc(assessment_rubric::Column::Version)
        .one(db)
        .await
        .context("cannot read the rubric")?
        .ok_or(AssessmentError::NotFound("rubric version"))?;
    Ok(view(row)?)
}

#[derive(Deserialize, ToSchema)]
pub struct RubricRequest {
    /// Why it changed, up to 500 characters.
    pub note: String,
    /// Every line once; weights sum to 100.
    pub lines: Vec<RubricLine>,
}

/// Sets a new version (org admins of a top-level organisation — the city; audited).
pub async fn set(
    db: &DatabaseConnection,
    caller: Caller,
    body: &RubricRequest,
    request_id: Option<String>,
) -> Result<Rubric, AssessmentError> {
    let tops: Vec<i64> = organisation::Entity::find()
        .filter(organisation::Column::ParentId.is_null())
        .all(db)
        .await
        .context("cannot read the top of the tree")?
        .into_iter()
        .map(|o| o.id)
        .collect();
    let mut city_admin = false;
    for top in tops {
        city_admin |= authz::has_role(db, caller.person_id, &[Role::OrgAdmin], top).await?;
    }
    if !city_admin {
        return Err(AssessmentError::Forbidden);
    }
    let note = Text::parse(&body.note, "note", 500, Lines::Many)
        .map_err(invalid)?
        .into_inner();
    validate(&body.lines).map_err(invalid)?;
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let version = current(&txn).await?.version + 1;
    let row = assessment_rubric::ActiveModel {
        version: Set(version),
        lines: Set(serde_json::to_string(&body.lines).context("cannot write the lines")?),
        note: Set(note),
        created_by: Set(Some(caller.person_id)),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            invalid("another version was set meanwhile; reload and try again")
        }
        _ => AssessmentError::Unexpected(anyhow::Error::new(e).context("cannot store a rubric")),
    })?;
    audit::record(
        &txn,
        request_id,
        AuditEntry {
            actor: Actor::Person(caller.person_id),
            action: "assessment.rubric",
            target_type: "assessment_rubric",
            target_id: version.to_string(),
            org_id: None,
            detail: serde_json::json!({ "lines": body.lines }),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit a rubric")?;
    Ok(view(row)?)
}
