//! Rectification tasks (整改): opened by a finding with a deadline; the inspected organisation
//! answers with what it did (evidence files are attachments with `owner_type=rectification`);
//! the inspector accepts it or returns it to be done again. A task not answered by its deadline
//! is flagged once to the organisation above (`escalate_overdue`, daily).
use std::collections::HashMap;

use anyhow::Context;
use chrono::{Duration, NaiveDate};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{INSPECT, RectificationStatus, SupervisionError, error::invalid};
use crate::{
    audit::{self, Actor, AuditEntry},
    authz::{self, Caller, ORGANISE, READ_DIRECTORY},
    clock,
    domain::{Lines, Text},
    entities::{inspection_finding, organisation, rectification},
    pagination::Page,
};

/// The longest deadline a task may be given.
const MAX_DAYS: i64 = 180;

crate::domain::enums::slug_enum!(
    /// What someone does to a task.
    RectificationAction {
        Answer = ("answer", "报送整改情况"),
        Accept = ("accept", "通过"),
        Return = ("return", "退回"),
    }
);

/// The status `action` leads to from `from`, if allowed then.
pub fn next(from: RectificationStatus, action: RectificationAction) -> Option<RectificationStatus> {
    use RectificationAction as A;
    use RectificationStatus as S;
    match (from, action) {
        (S::Open | S::Returned, A::Answer) => Some(S::Answered),
        (S::Answered, A::Accept) => Some(S::Accepted),
        (S::Answered, A::Return) => Some(S::Returned),
        _ => None,
    }
}

#[derive(Deserialize, ToSchema)]
pub struct TaskRequest {
    /// What must be put right, up to 1000 characters.
    pub requirement: String,
    /// YYYY-MM-DD: after today, within 180 days.
    pub deadline: String,
}

pub(crate) struct TaskFields {
    requirement: String,
    deadline: NaiveDate,
}

impl TaskFields {
    pub(crate) fn parse(raw: &TaskRequest) -> Result<Self, SupervisionError> {
        let requirement = Text::parse(&raw.requirement, "requirement", 1000, Lines::Many)
            .map_err(invalid)?
            .into_inner();
        let deadline =
            crate::domain::dates::parse_date(&raw.deadline, "deadline").map_err(invalid)?;
        let today = clock::today();
        if deadline <= today || deadline > today + Duration::days(MAX_DAYS) {
            return Err(invalid(format!(
                "the deadline is after today, within {MAX_DAYS} days"
            )));
        }
        Ok(Self {
            requirement,
            deadline,
        })
    }
}

/// Opens a task for a finding's organisation, in the finding's transaction.
pub(crate) async fn open(
    txn: &impl ConnectionTrait,
    caller: Caller,
    finding: &inspection_finding::Model,
    task: TaskFields,
) -> Result<i64, SupervisionError> {
    let row = rectification::ActiveModel {
        finding_id: Set(finding.id),
        round_id: Set(finding.round_id),
        org_id: Set(finding.org_id),
        requirement: Set(task.requirement),
        deadline: Set(task.deadline),
        status: Set(RectificationStatus::Open),
        created_by: Set(caller.person_id),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(txn)
    .await
    .context("cannot store a rectification task")?;
    Ok(row.id)
}

/// finding id → its task id.
pub(crate) async fn by_finding(
    db: &impl ConnectionTrait,
    finding_ids: impl IntoIterator<Item = i64>,
) -> anyhow::Result<HashMap<i64, i64>> {
    let ids: Vec<i64> = finding_ids.into_iter().collect();
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, i64)> = rectification::Entity::find()
            .select_only()
            .column(rectification::Column::FindingId)
            .column(rectification::Column::Id)
            .filter(rectification::Column::FindingId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await
            .context("cannot read tasks")?;
        out.extend(rows);
    }
    Ok(out)
}

#[derive(Serialize, ToSchema)]
pub struct Task {
    pub id: i64,
    pub finding_id: i64,
    pub round_id: i64,
    pub org_id: i64,
    pub org_name: String,
    /// What the inspector found.
    pub finding: String,
    pub requirement: String,
    pub deadline: NaiveDate,
    pub status: RectificationStatus,
    /// Past its deadline and not answered.
    pub overdue: bool,
    pub answer: Option<String>,
    pub answered_at: Option<String>,
    pub decision_note: Option<String>,
    pub decided_at: Option<String>,
    /// The organisation it was flagged to when it went overdue.
    pub escalated_to_org_id: Option<i64>,
}

fn waiting(status: RectificationStatus) -> bool {
    matches!(
        status,
        RectificationStatus::Open | RectificationStatus::Returned
    )
}

async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<rectification::Model>,
) -> anyhow::Result<Vec<Task>> {
    let findings: HashMap<i64, String> = inspection_finding::Entity::find()
        .filter(inspection_finding::Column::Id.is_in(rows.iter().map(|r| r.finding_id)))
        .all(db)
        .await
        .context("cannot read findings")?
        .into_iter()
        .map(|f| (f.id, f.text))
        .collect();
    let names = crate::orgs::names(db, rows.iter().map(|r| r.org_id)).await?;
    let today = clock::today();
    Ok(rows
        .into_iter()
        .map(|r| Task {
            org_name: names.get(&r.org_id).cloned().unwrap_or_default(),
            finding: findings.get(&r.finding_id).cloned().unwrap_or_default(),
            overdue: waiting(r.status) && r.deadline < today,
            id: r.id,
            finding_id: r.finding_id,
            round_id: r.round_id,
            org_id: r.org_id,
            requirement: r.requirement,
            deadline: r.deadline,
            status: r.status,
            answer: r.answer,
            answered_at: r.answered_at.map(clock::rfc3339),
            decision_note: r.decision_note,
            decided_at: r.decided_at.map(clock::rfc3339),
            escalated_to_org_id: r.escalated_to_org_id,
        })
        .collect())
}

async fn find(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<rectification::Model, SupervisionError> {
    rectification::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a task")?
        .ok_or(SupervisionError::NotFound("rectification"))
}

/// One task: the inspected organisation's staff and the inspectors over it.
pub async fn one(
    db: &DatabaseConnection,
    caller: Caller,
    id: i64,
) -> Result<Task, SupervisionError> {
    let row = find(db, id).await?;
    if !authz::has_role(db, caller.person_id, READ_DIRECTORY, row.org_id).await? {
        return Err(SupervisionError::NotFound("rectification"));
    }
    Ok(views(db, vec![row]).await?.remove(0))
}

#[derive(Deserialize, ToSchema)]
pub struct StepRequest {
    pub action: RectificationAction,
    /// The answer (what was done), or the inspector's note; up to 2000 characters. Required
    /// to answer and to return.
    #[serde(default)]
    pub note: String,
}

/// Answers a task (the inspected organisation's organisers) or accepts / returns an answer
/// (the inspectors over it); audited. A returned task is answered again.
pub async fn step(
    db: &DatabaseConnection,
    caller: Caller,
    id: i64,
    body: &StepRequest,
    request_id: Option<String>,
) -> Result<Task, SupervisionError> {
    let row = find(db, id).await?;
    let roles = match body.action {
        RectificationAction::Answer => ORGANISE,
        RectificationAction::Accept | RectificationAction::Return => INSPECT,
    };
    if !authz::has_role(db, caller.person_id, READ_DIRECTORY, row.org_id).await? {
        return Err(SupervisionError::NotFound("rectification"));
    }
    authz::require(db, caller, roles, row.org_id).await?;
    let to = next(row.status, body.action).ok_or_else(|| {
        SupervisionError::WrongState(format!(
            "a task that is {} cannot be {}",
            row.status.label(),
            body.action.label()
        ))
    })?;
    let note = Text::optional(&body.note, "note", 2000, Lines::Many)
        .map_err(invalid)?
        .map(Text::into_inner);
    if note.is_none() && body.action != RectificationAction::Accept {
        return Err(invalid(
            "note is required: what was done, or why it is returned",
        ));
    }
    let (from, org_id) = (row.status, row.org_id);
    let mut active = row.into_active_model();
    active.status = Set(to);
    let now = clock::now();
    match body.action {
        RectificationAction::Answer => {
            active.answer = Set(note.clone());
            active.answered_at = Set(Some(now));
            active.answered_by = Set(Some(caller.person_id));
        }
        RectificationAction::Accept | RectificationAction::Return => {
            active.decision_note = Set(note.clone());
            active.decided_at = Set(Some(now));
            active.decided_by = Set(Some(caller.person_id));
        }
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    // Only from the status read: two inspectors deciding at once cannot both win.
    let changed = rectification::Entity::update_many()
        .set(active)
        .filter(rectification::Column::Id.eq(id))
        .filter(rectification::Column::Status.eq(from))
        .exec(&txn)
        .await
        .context("cannot update a task")?;
    if changed.rows_affected != 1 {
        return Err(SupervisionError::WrongState(
            "the task changed meanwhile; reload it".into(),
        ));
    }
    audit::record(
        &txn,
        request_id,
        AuditEntry {
            actor: Actor::Person(caller.person_id),
            action: match body.action {
                RectificationAction::Answer => "rectification.answer",
                RectificationAction::Accept => "rectification.accept",
                RectificationAction::Return => "rectification.return",
            },
            target_type: "rectification",
            target_id: id.to_string(),
            org_id: Some(org_id),
            detail: serde_json::json!({ "from": from, "to": to, "note": note }),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit a task")?;
    let row = find(db, id).await?;
    Ok(views(db, vec![row]).await?.remove(0))
}

#[derive(Deserialize, IntoParams)]
pub struct TaskQuery {
    /// Only tasks past their deadline and not answered.
    #[serde(default)]
    pub overdue: bool,
    pub status: Option<RectificationStatus>,
}

/// The tasks of an organisation's subtree, most urgent first (its staff, inspectors over it).
pub async fn of_org(
    db: &DatabaseConnection,
    caller: Caller,
    org_id: i64,
    query: &TaskQuery,
    (index, per_page): (u64, u64),
) -> Result<Page<Task>, SupervisionError> {
    crate::orgs::find(db, org_id)
        .await?
        .ok_or(SupervisionError::NotFound("organisation"))?;
    authz::require(db, caller, READ_DIRECTORY, org_id).await?;
    let subtree = crate::orgs::subtree_ids(db, org_id).await?;
    let mut find = rectification::Entity::find()
        .filter(rectification::Column::OrgId.is_in(subtree))
        .order_by_asc(rectification::Column::Deadline)
        .order_by_asc(rectification::Column::Id);
    if let Some(status) = query.status {
        find = find.filter(rectification::Column::Status.eq(status));
    }
    if query.overdue {
        find = find
            .filter(
                rectification::Column::Status
                    .is_in([RectificationStatus::Open, RectificationStatus::Returned]),
            )
            .filter(rectification::Column::Deadline.lt(clock::today()));
    }
    let paginator = find.paginate(db, per_page);
    let total = paginator.num_items().await.context("cannot count tasks")?;
    let rows = paginator
        .fetch_page(index)
        .await
        .context("cannot read tasks")?;
    Ok(Page {
        items: views(db, rows).await?,
        page: index + 1,
        per_page,
        total,
    })
}

/// Flags every task past its deadline (not answered, not yet flagged) to the organisation
/// above the inspected one, once, with an audit entry. Run daily by the scheduler; `today`
/// is the scheduler's clock.
pub async fn escalate_overdue(db: &DatabaseConnection, today: NaiveDate) -> anyhow::Result<usize> {
    let due = rectification::Entity::find()
        .filter(
            rectification::Column::Status
                .is_in([RectificationStatus::Open, RectificationStatus::Returned]),
        )
        .filter(rectification::Column::Deadline.lt(today))
        .filter(rectification::Column::EscalatedToOrgId.is_null())
        .order_by_asc(rectification::Column::Id)
        .limit(5000)
        .all(db)
        .await
        .context("cannot read overdue tasks")?;
    let parents: HashMap<i64, Option<i64>> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(due.iter().map(|r| r.org_id)))
        .all(db)
        .await
        .context("cannot read inspected organisations")?
        .into_iter()
        .map(|o| (o.id, o.parent_id))
        .collect();
    let mut flagged = 0;
    for task in due {
        let above = parents
            .get(&task.org_id)
            .copied()
            .flatten()
            .unwrap_or(task.org_id);
        let txn = crate::db::begin_write(db)
            .await
            .context("cannot start a transaction")?;
        let marked = rectification::Entity::update_many()
            .col_expr(
                rectification::Column::EscalatedToOrgId,
                sea_orm::sea_query::Expr::value(above),
            )
            .filter(rectification::Column::Id.eq(task.id))
            .filter(rectification::Column::EscalatedToOrgId.is_null())
            .filter(
                Condition::any()
                    .add(rectification::Column::Status.eq(RectificationStatus::Open))
                    .add(rectification::Column::Status.eq(RectificationStatus::Returned)),
            )
            .exec(&txn)
            .await
            .context("cannot flag a task")?;
        if marked.rows_affected == 1 {
            audit::record(
                &txn,
                None,
                AuditEntry {
                    actor: Actor::Scheduler,
                    action: "rectification.overdue",
                    target_type: "rectification",
                    target_id: task.id.to_string(),
                    org_id: Some(above),
                    detail: serde_json::json!({ "org": task.org_id, "deadline": task.deadline }),
                },
            )
            .await?;
            flagged += 1;
        }
        txn.commit().await.context("cannot commit a flag")?;
    }
    if flagged > 0 {
        tracing::info!(
            flagged,
            "overdue rectifications flagged to the organisations above"
        );
    }
    Ok(flagged)
}

/// Who may attach evidence to a task (the inspected organisation's organisers, while it waits
/// for their answer) or read its files (staff who read the organisation, inspectors over it).
pub async fn may_access(
    db: &impl ConnectionTrait,
    caller: Caller,
    id: i64,
    upload: bool,
) -> Result<bool, SupervisionError> {
    let row = find(db, id).await?;
    if upload {
        Ok(waiting(row.status)
            && authz::has_role(db, caller.person_id, ORGANISE, row.org_id).await?)
    } else {
        Ok(authz::has_role(db, caller.person_id, READ_DIRECTORY, row.org_id).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RectificationAction as A;
    use RectificationStatus as S;

    #[test]
    fn a_task_is_answered_then_accepted_or_returned_and_answered_again() {
        assert_eq!(next(S::Open, A::Answer), Some(S::Answered));
        assert_eq!(next(S::Answered, A::Return), Some(S::Returned));
        assert_eq!(next(S::Returned, A::Answer), Some(S::Answered));
        assert_eq!(next(S::Answered, A::Accept), Some(S::Accepted));
    }

    #[test]
    fn nothing_moves_an_accepted_task_and_nobody_accepts_an_unanswered_one() {
        for action in [A::Answer, A::Accept, A::Return] {
            assert_eq!(next(S::Accepted, action), None);
        }
        assert_eq!(next(S::Open, A::Accept), None);
        assert_eq!(next(S::Returned, A::Return), None);
    }
}
