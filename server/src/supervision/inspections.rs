//! Inspection rounds and their findings. An unannounced round's targets are drawn by the
//! system: every candidate organisation of the subtree gets the key SHA-256(seed ":" code) and
//! the lowest keys win, so anyone holding the stored seed and the codes can redo the draw (and
//! `draw` does, to show it). Rounds are visible only to the inspectors over the planning office
//! (an unannounced round must not be known to the inspected beforehand).
use std::collections::{HashMap, HashSet};

use anyhow::Context;
use chrono::{Duration, NaiveDate};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::{
    FindingKind, INSPECT, InspectionMethod, InspectionMode, SupervisionError, error::invalid,
};
use crate::{
    audit::{self, Actor, AuditEntry},
    authz::{self, Caller, READ_DIRECTORY},
    clock,
    domain::{Lines, OrgKind, Text},
    entities::{inspection_finding, inspection_round, inspection_target, organisation},
    pagination::Page,
};

/// The most organisations one round inspects.
const MAX_TARGETS: usize = 200;

#[derive(Deserialize, ToSchema)]
pub struct RoundRequest {
    /// Up to 200 characters.
    pub title: String,
    pub mode: InspectionMode,
    pub method: InspectionMethod,
    /// YYYY-MM-DD, today or later (within a year).
    pub planned_on: String,
    /// A scheduled round: the organisations inspected (in the office's subtree).
    #[serde(default)]
    pub org_ids: Vec<i64>,
    /// An unannounced round: the subtree the branches are drawn from …
    pub draw_from_org_id: Option<i64>,
    /// … and how many (1–200).
    pub draw_size: Option<u32>,
}

#[derive(Serialize, ToSchema, Clone)]
pub struct Target {
    pub org_id: i64,
    pub org_name: String,
    pub org_code: String,
    /// Place in the draw (1 = lowest key), for a drawn organisation.
    pub draw_rank: Option<i32>,
    /// SHA-256(seed ":" code) in hex, for a drawn organisation.
    pub draw_key: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Round {
    pub id: i64,
    pub org_id: i64,
    pub title: String,
    pub mode: InspectionMode,
    pub method: InspectionMethod,
    pub planned_on: NaiveDate,
    pub draw_from_org_id: Option<i64>,
    pub draw_size: Option<i32>,
    /// The seed of an unannounced round's draw (hex).
    pub draw_seed: Option<String>,
    pub targets: Vec<Target>,
    pub findings: u64,
}

#[derive(Serialize, ToSchema)]
pub struct DrawCheck {
    pub seed: String,
    /// The branches of the subtree as it is now, each with its key, lowest first.
    pub ranking: Vec<Target>,
    /// Whether the stored targets are still the lowest `draw_size` keys.
    pub reproduced: bool,
}

/// The draw: each candidate `(id, code)` keyed by SHA-256(seed ":" code), the `size` lowest.
pub fn draw(seed: &str, candidates: &[(i64, String)], size: usize) -> Vec<(i64, String)> {
    let mut keyed: Vec<(String, i64)> = candidates
        .iter()
        .map(|(id, code)| (draw_key(seed, code), *id))
        .collect();
    keyed.sort();
    keyed
        .into_iter()
        .take(size)
        .map(|(k, id)| (id, k))
        .collect()
}

fn draw_key(seed: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{seed}:{code}").as_bytes()))
}

pub(crate) async fn find(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<inspection_round::Model, SupervisionError> {
    inspection_round::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a round")?
        .ok_or(SupervisionError::NotFound("inspection"))
}

/// The round, if the caller inspects for its office (otherwise it does not exist for them).
pub(crate) async fn visible(
    db: &impl ConnectionTrait,
    caller: Caller,
    id: i64,
) -> Result<inspection_round::Model, SupervisionError> {
    let round = find(db, id).await?;
    if authz::has_role(db, caller.person_id, INSPECT, round.org_id).await? {
        Ok(round)
    } else {
        Err(SupervisionError::NotFound("inspection"))
    }
}

async fn branches_under(
    db: &impl ConnectionTrait,
    org_id: i64,
) -> anyhow::Result<Vec<organisation::Model>> {
    let subtree = crate::orgs::subtree_ids(db, org_id).await?;
    let mut out = Vec::new();
    for chunk in subtree.chunks(500) {
        out.extend(
            organisation::Entity::find()
                .filter(organisation::Column::Id.is_in(chunk.iter().copied()))
                .filter(organisation::Column::Kind.eq(OrgKind::Branch))
                .all(db)
                .await
                .context("cannot read branches")?,
        );
    }
    Ok(out)
}

/// Plans a round for the office `org_id` (its inspectors; audited). A scheduled round names
/// its organisations; an unannounced one draws them here, with a fresh seed.
pub async fn plan(
    db: &DatabaseConnection,
    caller: Caller,
    org_id: i64,
    body: &RoundRequest,
    request_id: Option<String>,
) -> Result<Round, SupervisionError> {
    let office = crate::orgs::find(db, org_id)
        .await?
        .ok_or(SupervisionError::NotFound("organisation"))?;
    authz::require(db, caller, INSPECT, office.id).await?;
    let title = Text::parse(&body.title, "title", 200, Lines::One)
        .map_err(invalid)?
        .into_inner();
    let planned_on =
        crate::domain::dates::parse_date(&body.planned_on, "planned_on").map_err(invalid)?;
    let today = clock::today();
    if planned_on < today || planned_on > today + Duration::days(366) {
        return Err(invalid("planned_on is today or later, within a year"));
    }
    let subtree: HashSet<i64> = crate::orgs::subtree_ids(db, office.id)
        .await?
        .into_iter()
        .collect();
    // Each target: the organisation, and for a drawn one its place and key in the draw.
    type NewTarget = (i64, Option<i32>, Option<String>);
    let (targets, seed): (Vec<NewTarget>, Option<String>) = match body.mode {
        InspectionMode::Scheduled => {
            if body.draw_from_org_id.is_some() || body.draw_size.is_some() {
                return Err(invalid(
                    "a scheduled round names its organisations, it draws none",
                ));
            }
            let mut ids = body.org_ids.clone();
            ids.sort_unstable();
            ids.dedup();
            if ids.is_empty() || ids.len() > MAX_TARGETS {
                return Err(invalid(format!(
                    "a scheduled round inspects 1–{MAX_TARGETS} organisations"
                )));
            }
            if let Some(outside) = ids.iter().find(|id| !subtree.contains(id)) {
                return Err(invalid(format!(
                    "organisation {outside} is not under the planning office"
                )));
            }
            (ids.into_iter().map(|id| (id, None, None)).collect(), None)
        }
        InspectionMode::Unannounced => {
            if !body.org_ids.is_empty() {
                return Err(invalid("an unannounced round draws its organisations"));
            }
            let from = body
                .draw_from_org_id
                .ok_or_else(|| invalid("draw_from_org_id is required for a draw"))?;
            let size = body
                .draw_size
                .and_then(|n| usize::try_from(n).ok())
                .filter(|n| (1..=MAX_TARGETS).contains(n))
                .ok_or_else(|| invalid(format!("draw_size is 1–{MAX_TARGETS}")))?;
            if !subtree.contains(&from) {
                return Err(invalid("the draw is made under the planning office"));
            }
            let candidates: Vec<(i64, String)> = branches_under(db, from)
                .await?
                .into_iter()
                .map(|o| (o.id, o.code))
                .collect();
            if candidates.len() < size {
                return Err(invalid(format!(
                    "the subtree holds {} branches, fewer than {size}",
                    candidates.len()
                )));
            }
            let mut seed = [0u8; 16];
            rand::RngCore::fill_bytes(&mut rand::rng(), &mut seed);
            let seed = hex::encode(seed);
            let drawn = draw(&seed, &candidates, size);
            (
                drawn
                    .into_iter()
                    .zip(1..)
                    .map(|((id, key), rank)| (id, Some(rank), Some(key)))
                    .collect(),
                Some(seed),
            )
        }
    };
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let round = inspection_round::ActiveModel {
        org_id: Set(office.id),
        title: Set(title),
        mode: Set(body.mode),
        method: Set(body.method),
        planned_on: Set(planned_on),
        draw_from_org_id: Set(body.draw_from_org_id),
        draw_size: Set(body.draw_size.and_then(|n| i32::try_from(n).ok())),
        draw_seed: Set(seed.clone()),
        created_by: Set(caller.person_id),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("cannot store a round")?;
    inspection_target::Entity::insert_many(targets.iter().map(|(org_id, rank, key)| {
        inspection_target::ActiveModel {
            round_id: Set(round.id),
            org_id: Set(*org_id),
            draw_rank: Set(*rank),
            draw_key: Set(key.clone()),
            ..Default::default()
        }
    }))
    .exec_without_returning(&txn)
    .await
    .context("cannot store the targets")?;
    audit::record(
        &txn,
        request_id,
        AuditEntry {
            actor: Actor::Person(caller.person_id),
            action: "inspection.plan",
            target_type: "inspection_round",
            target_id: round.id.to_string(),
            org_id: Some(office.id),
            detail: serde_json::json!({
                "mode": round.mode, "method": round.method, "planned_on": round.planned_on,
                "targets": targets.iter().map(|t| t.0).collect::<Vec<_>>(), "seed": seed,
            }),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit a round")?;
    Ok(views(db, vec![round]).await?.remove(0))
}

async fn views(
    db: &impl ConnectionTrait,
    rounds: Vec<inspection_round::Model>,
) -> anyhow::Result<Vec<Round>> {
    let ids: Vec<i64> = rounds.iter().map(|r| r.id).collect();
    let targets = inspection_target::Entity::find()
        .filter(inspection_target::Column::RoundId.is_in(ids.iter().copied()))
        .order_by_asc(inspection_target::Column::Id)
        .all(db)
        .await
        .context("cannot read targets")?;
    let orgs: HashMap<i64, organisation::Model> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(targets.iter().map(|t| t.org_id)))
        .all(db)
        .await
        .context("cannot read target organisations")?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let findings: Vec<i64> = inspection_finding::Entity::find()
        .filter(inspection_finding::Column::RoundId.is_in(ids))
        .all(db)
        .await
        .context("cannot count findings")?
        .into_iter()
        .map(|f| f.round_id)
        .collect();
    Ok(rounds
        .into_iter()
        .map(|r| Round {
            targets: targets
                .iter()
                .filter(|t| t.round_id == r.id)
                .map(|t| {
                    let org = orgs.get(&t.org_id);
                    Target {
                        org_id: t.org_id,
                        org_name: org.map(|o| o.name.clone()).unwrap_or_default(),
                        org_code: org.map(|o| o.code.clone()).unwrap_or_default(),
                        draw_rank: t.draw_rank,
                        draw_key: t.draw_key.clone(),
                    }
                })
                .collect(),
            findings: findings.iter().filter(|f| **f == r.id).count() as u64,
            id: r.id,
            org_id: r.org_id,
            title: r.title,
            mode: r.mode,
            method: r.method,
            planned_on: r.planned_on,
            draw_from_org_id: r.draw_from_org_id,
            draw_size: r.draw_size,
            draw_seed: r.draw_seed,
        })
        .collect())
}

/// One round, for its office's inspectors.
pub async fn one(
    db: &DatabaseConnection,
    caller: Caller,
    id: i64,
) -> Result<Round, SupervisionError> {
    let round = visible(db, caller, id).await?;
    Ok(views(db, vec![round]).await?.remove(0))
}

/// The rounds planned by `org_id` and the offices under it, newest first (their inspectors).
pub async fn list(
    db: &DatabaseConnection,
    caller: Caller,
    org_id: i64,
    (index, per_page): (u64, u64),
) -> Result<Page<Round>, SupervisionError> {
    crate::orgs::find(db, org_id)
        .await?
        .ok_or(SupervisionError::NotFound("organisation"))?;
    authz::require(db, caller, INSPECT, org_id).await?;
    let subtree = crate::orgs::subtree_ids(db, org_id).await?;
    let paginator = inspection_round::Entity::find()
        .filter(inspection_round::Column::OrgId.is_in(subtree))
        .order_by_desc(inspection_round::Column::PlannedOn)
        .order_by_desc(inspection_round::Column::Id)
        .paginate(db, per_page);
    let total = paginator.num_items().await.context("cannot count rounds")?;
    let rows = paginator
        .fetch_page(index)
        .await
        .context("cannot read rounds")?;
    Ok(Page {
        items: views(db, rows).await?,
        page: index + 1,
        per_page,
        total,
    })
}

/// Redoes an unannounced round's draw from its stored seed over the subtree as it is now.
pub async fn check_draw(
    db: &DatabaseConnection,
    caller: Caller,
    id: i64,
) -> Result<DrawCheck, SupervisionError> {
    let round = visible(db, caller, id).await?;
    let (Some(seed), Some(from), Some(size)) = (
        round.draw_seed.clone(),
        round.draw_from_org_id,
        round.draw_size,
    ) else {
        return Err(SupervisionError::WrongState(
            "a scheduled round has no draw".into(),
        ));
    };
    let branches = branches_under(db, from).await?;
    let by_id: HashMap<i64, &organisation::Model> = branches.iter().map(|o| (o.id, o)).collect();
    let candidates: Vec<(i64, String)> = branches.iter().map(|o| (o.id, o.code.clone())).collect();
    let ranking: Vec<Target> = draw(&seed, &candidates, candidates.len())
        .into_iter()
        .zip(1..)
        .map(|((org_id, key), rank)| Target {
            org_id,
            org_name: by_id
                .get(&org_id)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            org_code: by_id
                .get(&org_id)
                .map(|o| o.code.clone())
                .unwrap_or_default(),
            draw_rank: Some(rank),
            draw_key: Some(key),
        })
        .collect();
    let stored = views(db, vec![round]).await?.remove(0).targets;
    let size = usize::try_from(size).unwrap_or(0);
    let reproduced = stored.len() == size
        && stored
            .iter()
            .zip(ranking.iter().take(size))
            .all(|(s, r)| s.org_id == r.org_id && s.draw_key == r.draw_key);
    Ok(DrawCheck {
        seed,
        ranking,
        reproduced,
    })
}

#[derive(Deserialize, ToSchema)]
pub struct FindingRequest {
    /// One of the round's organisations.
    pub org_id: i64,
    pub kind: FindingKind,
    /// Up to 2000 characters.
    pub text: String,
    /// Optional: a rectification task for the organisation, with its deadline.
    pub rectification: Option<super::rectifications::TaskRequest>,
}

#[derive(Serialize, ToSchema)]
pub struct Finding {
    pub id: i64,
    pub round_id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub inspector_id: i64,
    pub kind: FindingKind,
    pub text: String,
    pub created_at: String,
    /// The rectification task it opened, if any.
    pub rectification_id: Option<i64>,
}

/// Records a finding at one of the round's organisations (an inspector over that organisation;
/// audited), optionally opening a rectification task in the same transaction. Evidence files
/// are attachments with `owner_type=inspection_finding`.
pub async fn record_finding(
    db: &DatabaseConnection,
    caller: Caller,
    round_id: i64,
    body: &FindingRequest,
    request_id: Option<String>,
) -> Result<Finding, SupervisionError> {
    let round = visible(db, caller, round_id).await?;
    let target = inspection_target::Entity::find()
        .filter(inspection_target::Column::RoundId.eq(round.id))
        .filter(inspection_target::Column::OrgId.eq(body.org_id))
        .one(db)
        .await
        .context("cannot read a target")?;
    if target.is_none() {
        return Err(invalid(
            "findings are recorded at the round's organisations",
        ));
    }
    // The inspector's own reach, not only the office's: a county's inspector records nothing
    // at another county's branch even on a city round.
    authz::require(db, caller, INSPECT, body.org_id).await?;
    let text = Text::parse(&body.text, "text", 2000, Lines::Many)
        .map_err(invalid)?
        .into_inner();
    let task = body
        .rectification
        .as_ref()
        .map(super::rectifications::TaskFields::parse)
        .transpose()?;
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let finding = inspection_finding::ActiveModel {
        round_id: Set(round.id),
        org_id: Set(body.org_id),
        inspector_id: Set(caller.person_id),
        kind: Set(body.kind),
        text: Set(text),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("cannot store a finding")?;
    let rectification_id = match task {
        Some(task) => Some(super::rectifications::open(&txn, caller, &finding, task).await?),
        None => None,
    };
    audit::record(
        &txn,
        request_id,
        AuditEntry {
            actor: Actor::Person(caller.person_id),
            action: "inspection.finding",
            target_type: "inspection_finding",
            target_id: finding.id.to_string(),
            org_id: Some(finding.org_id),
            detail: serde_json::json!({ "round": round.id, "kind": finding.kind, "rectification": rectification_id }),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit a finding")?;
    let org_name = crate::orgs::names(db, [finding.org_id])
        .await?
        .remove(&finding.org_id)
        .unwrap_or_default();
    Ok(Finding {
        id: finding.id,
        round_id: finding.round_id,
        org_id: finding.org_id,
        org_name,
        inspector_id: finding.inspector_id,
        kind: finding.kind,
        text: finding.text,
        created_at: clock::rfc3339(finding.created_at),
        rectification_id,
    })
}

/// A round's findings (its office's inspectors), in the order recorded.
pub async fn findings(
    db: &DatabaseConnection,
    caller: Caller,
    round_id: i64,
) -> Result<Vec<Finding>, SupervisionError> {
    let round = visible(db, caller, round_id).await?;
    let rows = inspection_finding::Entity::find()
        .filter(inspection_finding::Column::RoundId.eq(round.id))
        .order_by_asc(inspection_finding::Column::Id)
        .all(db)
        .await
        .context("cannot read findings")?;
    let tasks = super::rectifications::by_finding(db, rows.iter().map(|f| f.id)).await?;
    let names = crate::orgs::names(db, rows.iter().map(|f| f.org_id)).await?;
    Ok(rows
        .into_iter()
        .map(|f| Finding {
            org_name: names.get(&f.org_id).cloned().unwrap_or_default(),
            rectification_id: tasks.get(&f.id).copied(),
            id: f.id,
            round_id: f.round_id,
            org_id: f.org_id,
            inspector_id: f.inspector_id,
            kind: f.kind,
            text: f.text,
            created_at: clock::rfc3339(f.created_at),
        })
        .collect())
}

/// Who may attach evidence to a finding (the inspectors over its organisation) or read it
/// (them, and staff who read the inspected organisation).
pub async fn may_access_finding(
    db: &impl ConnectionTrait,
    caller: Caller,
    id: i64,
    upload: bool,
) -> Result<bool, SupervisionError> {
    let finding = inspection_finding::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a finding")?
        .ok_or(SupervisionError::NotFound("finding"))?;
    let roles = if upload { INSPECT } else { READ_DIRECTORY };
    Ok(authz::has_role(db, caller.person_id, roles, finding.org_id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates() -> Vec<(i64, String)> {
        (1..=20).map(|i| (i, format!("ORG{i:03}"))).collect()
    }

    #[test]
    fn the_same_seed_draws_the_same_organisations_in_the_same_order() {
        let first = draw("5eed", &candidates(), 5);
        let mut shuffled = candidates();
        shuffled.reverse();
        assert_eq!(first, draw("5eed", &shuffled, 5));
        assert_eq!(first.len(), 5);
    }

    #[test]
    fn another_seed_draws_differently_and_keys_are_the_published_hash() {
        assert_ne!(
            draw("5eed", &candidates(), 5),
            draw("f00d", &candidates(), 5)
        );
        let (_, key) = &draw("abc", &[(7, "X".into())], 1)[0];
        assert_eq!(key, &hex::encode(Sha256::digest(b"abc:X")));
    }
}
