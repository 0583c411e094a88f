//! Organisation queries shared by the HTTP routes and the command line.
use anyhow::Context;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};

use crate::{
    clock,
    domain::{OrgCode, OrgKind},
    entities::{organisation, organisation_closure as closure},
};

#[derive(Debug, thiserror::Error)]
pub enum CreateOrgError {
    #[error("the code {0} is already used by another organisation")]
    CodeTaken(String),
    #[error("a {child} cannot be placed under a {parent}")]
    WrongParentKind {
        parent: &'static str,
        child: &'static str,
    },
    #[error("the parent organisation does not exist")]
    ParentMissing,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

pub struct NewOrg {
    pub code: OrgCode,
    pub name: String,
    pub kind: OrgKind,
    pub parent_id: Option<i64>,
}

/// Creates an organisation and its closure rows (itself, then each ancestor).
/// Run it inside a transaction when several must land together.
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewOrg,
) -> Result<organisation::Model, CreateOrgError> {
    if find_by_code(db, new.code.as_str()).await?.is_some() {
        return Err(CreateOrgError::CodeTaken(new.code.as_str().to_owned()));
    }
    let mut ancestors = Vec::new();
    if let Some(parent_id) = new.parent_id {
        let parent = find(db, parent_id)
            .await?
            .ok_or(CreateOrgError::ParentMissing)?;
        let parent_kind = parent.kind;
        if !parent_kind.allows_child(new.kind) {
            return Err(CreateOrgError::WrongParentKind {
                parent: parent_kind.as_str(),
                child: new.kind.as_str(),
            });
        }
        ancestors = closure::Entity::find()
            .filter(closure::Column::DescendantId.eq(parent_id))
            .all(db)
            .await
            .context("cannot read the parent's ancestors")?;
    }
    let org = organisation::ActiveModel {
        code: Set(new.code.as_str().to_owned()),
        name: Set(new.name),
        kind: Set(new.kind),
        parent_id: Set(new.parent_id),
        activity_day_policy: Set(crate::calendar::Policy::NextWorkingDay),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            CreateOrgError::CodeTaken(new.code.as_str().to_owned())
        }
        _ => CreateOrgError::Unexpected(
            anyhow::Error::new(e).context("cannot insert an organisation"),
        ),
    })?;
    let mut rows = vec![closure::ActiveModel {
        ancestor_id: Set(org.id),
        descendant_id: Set(org.id),
        depth: Set(0),
    }];
    rows.extend(ancestors.iter().map(|a| closure::ActiveModel {
        ancestor_id: Set(a.ancestor_id),
        descendant_id: Set(org.id),
        depth: Set(a.depth + 1),
    }));
    closure::Entity::insert_many(rows)
        .exec(db)
        .await
        .context("cannot insert closure rows")?;
    Ok(org)
}

/// Names by organisation id, for lists that show where (items, claims, ledgers).
pub async fn names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> anyhow::Result<std::collections::HashMap<i64, String>> {
    crate::db::names_by_id::<organisation::Entity>(
        db,
        ids,
        organisation::Column::Id,
        organisation::Column::Name,
    )
    .await
}

pub async fn find(
    db: &impl ConnectionTrait,
    id: i64,
) -> anyhow::Result<Option<organisation::Model>> {
    organisation::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read an organisation")
}

pub async fn find_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> anyhow::Result<Option<organisation::Model>> {
    organisation::Entity::find()
        .filter(organisation::Column::Code.eq(code))
        .one(db)
        .await
        .context("cannot read an organisation by code")
}

/// Ids of the organisation and everything under it.
pub async fn subtree_ids(db: &impl ConnectionTrait, org_id: i64) -> anyhow::Result<Vec<i64>> {
    closure::Entity::find()
        .select_only()
        .column(closure::Column::DescendantId)
        .filter(closure::Column::AncestorId.eq(org_id))
        .into_tuple()
        .all(db)
        .await
        .context("cannot read a subtree")
}
