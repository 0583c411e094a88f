//! Cases (反映问题), questions (质询) and proposals (提案、提议): matters an organisation must
//! answer. One record, one state machine (`next`), one timeline:
//!
//! - a case is raised at a reception (or written down by the deputy), forwarded by the deputy
//!   to an organisation, which answers or returns it with a reason;
//! - a question is asked by a deputy or by a member of their own or a higher organisation,
//!   which must answer it;
//! - a proposal is drafted by a deputy with co-signers who each confirm, submitted to the
//!   committee at the deputy's level (numbered per level and year), accepted and assigned to
//!   a handling organisation, or not accepted with a reason.
//!
//! The handler answers by `due_on`; an overdue matter is flagged to the organisation above
//! by the scheduler (`escalate_overdue`) and listed in its inbox. The raiser rates the
//! answer; 不满意 sends it back once for a second answer. Every step is audited and shown to
//! the raiser as the timeline.
use std::collections::HashMap;

use anyhow::Context;
use chrono::{Datelike, Duration, NaiveDate};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    Category, MatterAction, MatterKind, MatterStatus, OrgRef, Rating,
    error::{DeputyError, invalid, wrong_state},
};
use crate::{
    audit::{self, Actor, AuditEntry},
    authz::{self, Caller, READ_DIRECTORY, Requester},
    clock,
    config::DeputySettings,
    domain::{DeputyLevel, Lines, Phone, Role, Text},
    entities::{matter, matter_cosigner, matter_event, organisation, reception},
    pagination::Page,
};

/// Who answers for the handling organisation (and returns a case that is not theirs).
pub const HANDLE: &[Role] = &[Role::Secretary, Role::OrgAdmin];
/// Who accepts proposals for the committee they were submitted to.
pub const ACCEPT_PROPOSALS: &[Role] = &[Role::OrgAdmin];
/// The most co-signers of one proposal.
const MAX_COSIGNERS: usize = 30;
/// A matter is answered at most twice: once, and once more after a 不满意.
const MAX_ROUNDS: i16 = 2;

/// The status `action` leads to from `from`, if the action is allowed then.
pub fn next(kind: MatterKind, from: MatterStatus, action: MatterAction) -> Option<MatterStatus> {
    use MatterAction as A;
    use MatterKind as K;
    use MatterStatus as S;
    match (kind, from, action) {
        (K::Case, S::Open | S::Returned, A::Forward) => Some(S::Forwarded),
        (K::Case, S::Open | S::Returned, A::Close) => Some(S::Closed),
        (K::Case, S::Forwarded, A::Return) => Some(S::Returned),
        (K::Proposal, S::Draft, A::Cosign) => Some(S::Draft),
        (K::Proposal, S::Draft, A::Submit) => Some(S::Submitted),
        (K::Proposal, S::Submitted, A::Accept) => Some(S::Forwarded),
        (K::Proposal, S::Submitted, A::Reject) => Some(S::NotAccepted),
        (K::Question, S::Forwarded | S::Answered | S::Closed, A::MakePrivate) => Some(from),
        (_, S::Forwarded, A::Answer) => Some(S::Answered),
        (_, S::Forwarded, A::Escalate) => Some(S::Forwarded),
        (_, S::Answered, A::Rate) => Some(S::Closed),
        (_, S::Answered, A::Reopen) => Some(S::Forwarded),
        _ => None,
    }
}

fn audit_action(action: MatterAction) -> &'static str {
    match action {
        MatterAction::Raise => "deputy.raise",
        MatterAction::Cosign => "deputy.cosign",
        MatterAction::Submit => "deputy.submit",
        MatterAction::Accept => "deputy.accept",
        MatterAction::Reject => "deputy.reject",
        MatterAction::Forward => "deputy.forward",
        MatterAction::Return => "deputy.return",
        MatterAction::Answer => "deputy.answer",
        MatterAction::Rate => "deputy.rate",
        MatterAction::Reopen => "deputy.reopen",
        MatterAction::Close => "deputy.close",
        MatterAction::Escalate => "deputy.escalate",
        MatterAction::MakePrivate => "deputy.make_private",
    }
}

/// A validated new case, question or proposal: category, title (≤ 100), body (≤ 4000).
pub struct NewCase {
    category: Category,
    title: String,
    body: String,
}

impl NewCase {
    pub fn parse(category: &str, title: &str, body: &str) -> Result<Self, DeputyError> {
        Ok(Self {
            category: Category::parse(category).map_err(invalid)?,
            title: Text::parse(title, "title", 100, Lines::One)
                .map_err(invalid)?
                .into_inner(),
            body: Text::parse(body, "body", 4000, Lines::Many)
                .map_err(invalid)?
                .into_inner(),
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct TimelineEntry {
    pub action: MatterAction,
    pub status: MatterStatus,
    /// Who acted (null for the scheduler).
    pub actor_name: Option<String>,
    pub org: Option<OrgRef>,
    pub note: String,
    pub at: String,
}

#[derive(Serialize, ToSchema)]
pub struct Cosigner {
    pub person_id: i64,
    pub name: String,
    pub confirmed: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Matter {
    pub id: i64,
    pub kind: MatterKind,
    pub status: MatterStatus,
    /// Proposals once submitted: e.g. 市党代表提案 2026-017.
    pub number: Option<String>,
    pub category: Category,
    pub title: String,
    pub body: String,
    pub raiser_name: String,
    /// Masked (138****5678) except for the raiser.
    pub raiser_phone: String,
    pub deputy_id: Option<i64>,
    pub deputy_name: Option<String>,
    pub level: Option<DeputyLevel>,
    pub addressed_org: Option<OrgRef>,
    pub handler_org: Option<OrgRef>,
    pub due_on: Option<NaiveDate>,
    /// Past its deadline and still not answered.
    pub overdue: bool,
    /// The organisation it was flagged to when it became overdue.
    pub escalated_to: Option<OrgRef>,
    pub answer: String,
    pub answered_at: Option<String>,
    pub rating: Option<Rating>,
    /// 1, or 2 after a 不满意 sent it back.
    pub rounds: i16,
    /// Questions the handler made private, with the reason (null when public).
    pub private_reason: Option<String>,
    pub cosigners: Vec<Cosigner>,
    pub created_at: String,
    /// Every step, oldest first (only in the one-matter view).
    pub timeline: Vec<TimelineEntry>,
}

fn overdue(row: &matter::Model, today: NaiveDate) -> bool {
    row.status == MatterStatus::Forwarded && row.due_on.is_some_and(|due| due < today)
}

/// Views of `rows` (with cosigners; the timeline only when `with_timeline`): a fixed number
/// of statements whatever the number of rows.
async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<matter::Model>,
    reader: &Requester,
    with_timeline: bool,
) -> anyhow::Result<Vec<Matter>> {
    let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
    let cosigners = matter_cosigner::Entity::find()
        .filter(matter_cosigner::Column::MatterId.is_in(ids.iter().copied()))
        .order_by_asc(matter_cosigner::Column::Id)
        .all(db)
        .await
        .context("cannot read co-signers")?;
    let events = if with_timeline {
        matter_event::Entity::find()
            .filter(matter_event::Column::MatterId.is_in(ids.iter().copied()))
            .order_by_asc(matter_event::Column::Id)
            .all(db)
            .await
            .context("cannot read timelines")?
    } else {
        Vec::new()
    };
    let names = crate::people::names(
        db,
        rows.iter()
            .filter_map(|m| m.deputy_id)
            .chain(cosigners.iter().map(|c| c.person_id))
            .chain(events.iter().filter_map(|e| e.actor_id)),
    )
    .await?;
    let org_names = crate::orgs::names(
        db,
        rows.iter()
            .flat_map(|m| [m.addressed_org_id, m.handler_org_id, m.escalated_to_org_id])
            .flatten()
            .chain(events.iter().filter_map(|e| e.org_id)),
    )
    .await?;
    let org = |id: Option<i64>| {
        id.map(|id| OrgRef {
            id,
            name: org_names.get(&id).cloned().unwrap_or_default(),
        })
    };
    let today = crate::clock::today();
    Ok(rows
        .into_iter()
        .map(|m| {
            let own = is_raiser(&m, reader);
            Matter {
                overdue: overdue(&m, today),
                raiser_phone: if own {
                    m.raiser_phone.clone()
                } else {
                    Phone::mask(&m.raiser_phone)
                },
                deputy_name: m.deputy_id.and_then(|d| names.get(&d).cloned()),
                addressed_org: org(m.addressed_org_id),
                handler_org: org(m.handler_org_id),
                escalated_to: org(m.escalated_to_org_id),
                cosigners: cosigners
                    .iter()
                    .filter(|c| c.matter_id == m.id)
                    .map(|c| Cosigner {
                        person_id: c.person_id,
                        name: names.get(&c.person_id).cloned().unwrap_or_default(),
                        confirmed: c.confirmed_at.is_some(),
                    })
                    .collect(),
                timeline: events
                    .iter()
                    .filter(|e| e.matter_id == m.id)
                    .map(|e| TimelineEntry {
                        action: e.action,
                        status: e.status,
                        actor_name: e.actor_id.and_then(|a| names.get(&a).cloned()),
                        org: org(e.org_id),
                        note: e.note.clone(),
                        at: crate::clock::rfc3339(e.at),
                    })
                    .collect(),
                answered_at: m.answered_at.map(crate::clock::rfc3339),
                created_at: crate::clock::rfc3339(m.created_at),
                id: m.id,
                kind: m.kind,
                status: m.status,
                number: m.number,
                category: m.category,
                title: m.title,
                body: m.body,
                raiser_name: m.raiser_name,
                deputy_id: m.deputy_id,
                level: m.level,
                due_on: m.due_on,
                answer: m.answer,
                rating: m.rating,
                rounds: m.rounds,
                private_reason: m.private_reason,
            }
        })
        .collect())
}

fn is_raiser(m: &matter::Model, who: &Requester) -> bool {
    match who {
        Requester::Person(id) => m.raiser_person_id == Some(*id),
        Requester::Visitor(openid) => m.raiser_openid.as_deref() == Some(openid.as_str()),
    }
}

/// Appends a step to the timeline and the audit log.
#[allow(clippy::too_many_arguments)]
async fn step(
    db: &impl ConnectionTrait,
    m: &matter::Model,
    action: MatterAction,
    status: MatterStatus,
    actor: Option<i64>,
    org_id: Option<i64>,
    note: &str,
    request_id: Option<String>,
) -> anyhow::Result<()> {
    matter_event::ActiveModel {
        matter_id: Set(m.id),
        action: Set(action),
        status: Set(status),
        actor_id: Set(actor),
        org_id: Set(org_id),
        note: Set(note.to_owned()),
        at: Set(clock::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("cannot add to a timeline")?;
    audit::record(
        db,
        request_id,
        AuditEntry {
            actor: actor.map_or(Actor::Scheduler, Actor::Person),
            action: audit_action(action),
            target_type: "matter",
            target_id: m.id.to_string(),
            org_id: org_id.or(m.handler_org_id).or(m.addressed_org_id),
            detail: serde_json::json!({
                "kind": m.kind,
                "from": m.status,
                "to": status,
            }),
        },
    )
    .await
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<matter::Model, DeputyError> {
    matter::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a matter")?
        .ok_or(DeputyError::NotFound("matter"))
}

/// Whether `who` may read the matter: its raiser, deputy and co-signers; staff who read the
/// organisation it was addressed or forwarded to (and so everyone above, where it is flagged
/// when overdue); for a question not made private, the members of the asker's organisation.
async fn may_read(
    db: &impl ConnectionTrait,
    m: &matter::Model,
    who: &Requester,
) -> anyhow::Result<bool> {
    if is_raiser(m, who) {
        return Ok(true);
    }
    let Requester::Person(person_id) = who else {
        return Ok(false);
    };
    if m.deputy_id == Some(*person_id) {
        return Ok(true);
    }
    let cosigner = matter_cosigner::Entity::find()
        .filter(matter_cosigner::Column::MatterId.eq(m.id))
        .filter(matter_cosigner::Column::PersonId.eq(*person_id))
        .count(db)
        .await
        .context("cannot read co-signers")?;
    if cosigner > 0 {
        return Ok(true);
    }
    for org in [m.handler_org_id, m.addressed_org_id].into_iter().flatten() {
        if authz::has_role(db, *person_id, READ_DIRECTORY, org).await? {
            return Ok(true);
        }
    }
    if m.kind == MatterKind::Question
        && m.private_reason.is_none()
        && let Some(asker) = m.raiser_person_id
    {
        let orgs = crate::people::find(db, asker)
            .await?
            .zip(crate::people::find(db, *person_id).await?);
        if let Some((asker, reader)) = orgs {
            return Ok(reader.active && asker.org_id == reader.org_id);
        }
    }
    Ok(false)
}

/// One matter with its timeline, for whoever may read it (`deputy.not_found` otherwise).
pub async fn one(db: &DatabaseConnection, who: &Requester, id: i64) -> Result<Matter, DeputyError> {
    let m = find(db, id).await?;
    if !may_read(db, &m, who).await? {
        return Err(DeputyError::NotFound("matter"));
    }
    Ok(views(db, vec![m], who, true).await?.remove(0))
}

async fn deputy_of(
    db: &impl ConnectionTrait,
    person_id: i64,
) -> Result<crate::entities::person::Model, DeputyError> {
    crate::people::find(db, person_id)
        .await?
        .filter(|p| p.active && p.deputy_level.is_some())
        .ok_or_else(|| DeputyError::NotADeputy("only Party congress deputies do this".into()))
}

#[allow(clippy::too_many_arguments)]
fn new_row(
    kind: MatterKind,
    status: MatterStatus,
    case: NewCase,
    raiser: (Option<i64>, Option<String>, String, String),
    deputy: Option<&crate::entities::person::Model>,
    reception_id: Option<i64>,
    addressed: Option<i64>,
    due_on: Option<NaiveDate>,
) -> matter::ActiveModel {
    let now = clock::now();
    let (raiser_person_id, raiser_openid, raiser_name, raiser_phone) = raiser;
    matter::ActiveModel {
        kind: Set(kind),
        status: Set(status),
        number: Set(None),
        category: Set(case.category),
        title: Set(case.title),
        body: Set(case.body),
        raiser_person_id: Set(raiser_person_id),
        raiser_openid: Set(raiser_openid),
        raiser_name: Set(raiser_name),
        raiser_phone: Set(raiser_phone),
        deputy_id: Set(deputy.map(|d| d.id)),
        level: Set(deputy.and_then(|d| d.deputy_level)),
        reception_id: Set(reception_id),
        addressed_org_id: Set(addressed),
        handler_org_id: Set(if status == MatterStatus::Forwarded {
            addressed
        } else {
            None
        }),
        due_on: Set(due_on),
        escalated_to_org_id: Set(None),
        answer: Set(String::new()),
        answered_at: Set(None),
        rating: Set(None),
        rounds: Set(1),
        private_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// A case raised at a reception, recorded with it (in the reception's transaction).
pub async fn open_case_from_reception(
    txn: &impl ConnectionTrait,
    caller: Caller,
    from: &reception::Model,
    case: NewCase,
    request_id: Option<String>,
) -> Result<i64, DeputyError> {
    let deputy = crate::people::find(txn, from.deputy_id)
        .await?
        .ok_or(DeputyError::NotFound("deputy"))?;
    // A member's phone lives on the roster; only a visitor's is kept with the case.
    let phone = if from.person_id.is_some() {
        String::new()
    } else {
        from.phone.clone()
    };
    let row = new_row(
        MatterKind::Case,
        MatterStatus::Open,
        case,
        (
            from.person_id,
            from.visitor_openid.clone(),
            from.name.clone(),
            phone,
        ),
        Some(&deputy),
        Some(from.id),
        None,
        None,
    )
    .insert(txn)
    .await
    .context("cannot store a case")?;
    step(
        txn,
        &row,
        MatterAction::Raise,
        MatterStatus::Open,
        Some(caller.person_id),
        None,
        "",
        request_id,
    )
    .await?;
    Ok(row.id)
}

/// The first step of a new matter — on its timeline and in the audit log — then the commit
/// and the raiser's view of it.
async fn raised(
    db: &DatabaseConnection,
    txn: sea_orm::DatabaseTransaction,
    row: matter::Model,
    caller: Caller,
    org_id: Option<i64>,
    request_id: Option<String>,
) -> Result<Matter, DeputyError> {
    let status = row.status;
    step(
        &txn,
        &row,
        MatterAction::Raise,
        status,
        Some(caller.person_id),
        org_id,
        "",
        request_id,
    )
    .await?;
    txn.commit().await.context("cannot commit a new matter")?;
    Ok(
        views(db, vec![row], &Requester::Person(caller.person_id), true)
            .await?
            .remove(0),
    )
}

#[derive(Deserialize, ToSchema)]
pub struct CaseRequest {
    pub category: String,
    pub title: String,
    pub body: String,
    /// The member on a roster who raised it; or leave out and give their name.
    pub raiser_person_id: Option<i64>,
    pub raiser_name: Option<String>,
}

/// A deputy writes down a case someone raised with them outside a booked reception.
pub async fn open_case(
    db: &DatabaseConnection,
    caller: Caller,
    body: &CaseRequest,
    request_id: Option<String>,
) -> Result<Matter, DeputyError> {
    let case = NewCase::parse(&body.category, &body.title, &body.body)?;
    let deputy = deputy_of(db, caller.person_id).await?;
    let raiser = match body.raiser_person_id {
        Some(id) => {
            let person = crate::people::find(db, id)
                .await?
                .filter(|p| p.active)
                .ok_or_else(|| invalid(format!("person {id} is not on the roster")))?;
            (Some(person.id), None, person.name, String::new())
        }
        None => {
            let name =
                crate::domain::PersonName::parse(body.raiser_name.as_deref().unwrap_or_default())
                    .map_err(|e| invalid(format!("raiser_name: {e}")))?;
            (None, None, name.as_str().to_owned(), String::new())
        }
    };
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let row = new_row(
        MatterKind::Case,
        MatterStatus::Open,
        case,
        raiser,
        Some(&deputy),
        None,
        None,
        None,
    )
    .insert(&txn)
    .await
    .context("cannot store a case")?;
    raised(db, txn, row, caller, None, request_id).await
}

#[derive(Deserialize, ToSchema)]
pub struct QuestionRequest {
    /// The organisation asked: a deputy may ask any; a member asks their own organisation or
    /// one above it.
    pub org_id: i64,
    pub category: String,
    pub title: String,
    pub body: String,
}

/// A question (质询) to an organisation, which must answer within
/// `deputies.question_answer_days`.
pub async fn ask(
    db: &DatabaseConnection,
    settings: &DeputySettings,
    caller: Caller,
    body: &QuestionRequest,
    request_id: Option<String>,
) -> Result<Matter, DeputyError> {
    let question = NewCase::parse(&body.category, &body.title, &body.body)?;
    let asker = crate::people::find(db, caller.person_id)
        .await?
        .filter(|p| p.active)
        .ok_or(DeputyError::Forbidden)?;
    crate::orgs::find(db, body.org_id)
        .await?
        .ok_or(DeputyError::NotFound("organisation"))?;
    let is_deputy = asker.deputy_level.is_some();
    if !is_deputy {
        let own_or_above = crate::orgs::subtree_ids(db, body.org_id)
            .await?
            .contains(&asker.org_id);
        if !own_or_above {
            return Err(invalid(
                "a member asks their own organisation or one above it",
            ));
        }
    }
    let due = crate::clock::today() + Duration::days(i64::from(settings.question_answer_days));
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let row = new_row(
        MatterKind::Question,
        MatterStatus::Forwarded,
        question,
        (Some(asker.id), None, asker.name.clone(), String::new()),
        is_deputy.then_some(&asker),
        None,
        Some(body.org_id),
        Some(due),
    )
    .insert(&txn)
    .await
    .context("cannot store a question")?;
    raised(db, txn, row, caller, Some(body.org_id), request_id).await
}

#[derive(Deserialize, ToSchema)]
pub struct ProposalRequest {
    pub category: String,
    pub title: String,
    pub body: String,
    /// The committee at the deputy's level, or a named department.
    pub addressed_org_id: i64,
    /// Other deputies who sign it too; each must confirm before it is submitted.
    #[serde(default)]
    pub cosigner_ids: Vec<i64>,
}

/// A deputy drafts a proposal; it waits for each co-signer's confirmation, then the lead
/// deputy submits it.
pub async fn draft(
    db: &DatabaseConnection,
    caller: Caller,
    body: &ProposalRequest,
    request_id: Option<String>,
) -> Result<Matter, DeputyError> {
    let proposal = NewCase::parse(&body.category, &body.title, &body.body)?;
    let lead = deputy_of(db, caller.person_id).await?;
    crate::orgs::find(db, body.addressed_org_id)
        .await?
        .ok_or(DeputyError::NotFound("organisation"))?;
    let mut cosigners = body.cosigner_ids.clone();
    cosigners.sort_unstable();
    cosigners.dedup();
    if cosigners.len() > MAX_COSIGNERS || cosigners.contains(&lead.id) {
        return Err(invalid(format!(
            "up to {MAX_COSIGNERS} co-signers, other than the lead deputy"
        )));
    }
    for id in &cosigners {
        deputy_of(db, *id).await.map_err(|_| {
            DeputyError::NotADeputy(format!("person {id} is not a Party congress deputy"))
        })?;
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let row = new_row(
        MatterKind::Proposal,
        MatterStatus::Draft,
        proposal,
        (Some(lead.id), None, lead.name.clone(), String::new()),
        Some(&lead),
        None,
        Some(body.addressed_org_id),
        None,
    )
    .insert(&txn)
    .await
    .context("cannot store a proposal")?;
    if !cosigners.is_empty() {
        matter_cosigner::Entity::insert_many(cosigners.iter().map(|p| {
            matter_cosigner::ActiveModel {
                matter_id: Set(row.id),
                person_id: Set(*p),
                confirmed_at: Set(None),
                ..Default::default()
            }
        }))
        .exec(&txn)
        .await
        .context("cannot store co-signers")?;
    }
    raised(db, txn, row, caller, None, request_id).await
}

/// Moves `m` to the status `action` leads to, if it is still in the status it was read in
/// (a concurrent change makes this `deputy.wrong_state`, never a double transition).
async fn transition(
    txn: &impl ConnectionTrait,
    m: &matter::Model,
    action: MatterAction,
    change: impl FnOnce(&mut matter::ActiveModel),
) -> Result<(matter::Model, MatterStatus), DeputyError> {
    let to = next(m.kind, m.status, action).ok_or_else(|| {
        wrong_state(format!(
            "a {} that is {} cannot be {}",
            m.kind.label(),
            m.status.label(),
            action.label()
        ))
    })?;
    let mut active = m.clone().into_active_model();
    active.status = Set(to);
    active.updated_at = Set(clock::now());
    change(&mut active);
    let mut update = matter::Entity::update_many().filter(matter::Column::Id.eq(m.id));
    update = update.filter(matter::Column::Status.eq(m.status));
    let result = update
        .set(active)
        .exec(txn)
        .await
        .context("cannot change a matter")?;
    if result.rows_affected != 1 {
        return Err(wrong_state(
            "this matter was changed meanwhile; please reload",
        ));
    }
    Ok((find(txn, m.id).await?, to))
}

/// The step a caller takes on one matter, with who may take it.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Move {
    /// The case's deputy forwards it to an organisation.
    Forward { org_id: i64 },
    /// The case's deputy closes it without forwarding (settled at the reception).
    Close {
        #[serde(default)]
        note: String,
    },
    /// The handler returns a case that is not theirs, with the reason.
    Return { reason: String },
    /// The handler answers.
    Answer { answer: String },
    /// A co-signer confirms a draft proposal.
    Cosign,
    /// The lead deputy submits a proposal every co-signer confirmed.
    Submit,
    /// The committee it was submitted to accepts it and assigns a handler.
    Accept { handler_org_id: i64 },
    /// The committee does not accept it, with the reason.
    Reject { reason: String },
    /// The handler makes a question private, with the reason.
    MakePrivate { reason: String },
}

fn reason(raw: &str, field: &str, max: usize) -> Result<String, DeputyError> {
    Ok(Text::parse(raw, field, max, Lines::Many)
        .map_err(invalid)?
        .into_inner())
}

/// Takes one step on a matter, checking who may take it on the matter actually touched.
pub async fn act(
    db: &DatabaseConnection,
    settings: &DeputySettings,
    wechat: &crate::config::WechatSettings,
    caller: Caller,
    id: i64,
    step_taken: Move,
    request_id: Option<String>,
) -> Result<Matter, DeputyError> {
    let m = find(db, id).await?;
    let who = Requester::Person(caller.person_id);
    if !may_read(db, &m, &who).await? {
        return Err(DeputyError::NotFound("matter"));
    }
    let handler = |m: &matter::Model| m.handler_org_id;
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let today = crate::clock::today();
    let (updated, to, action, org, note) = match step_taken {
        Move::Forward { org_id } => {
            require_deputy_of(&m, caller)?;
            crate::orgs::find(&txn, org_id)
                .await?
                .ok_or(DeputyError::NotFound("organisation"))?;
            let due = today + Duration::days(i64::from(settings.case_answer_days));
            let (u, to) = transition(&txn, &m, MatterAction::Forward, |a| {
                a.handler_org_id = Set(Some(org_id));
                a.due_on = Set(Some(due));
                a.escalated_to_org_id = Set(None);
            })
            .await?;
            (u, to, MatterAction::Forward, Some(org_id), String::new())
        }
        Move::Close { note } => {
            require_deputy_of(&m, caller)?;
            let note = reason(&note, "note", 1000)?;
            let (u, to) = transition(&txn, &m, MatterAction::Close, |_| {}).await?;
            (u, to, MatterAction::Close, None, note)
        }
        Move::Return { reason: raw } => {
            require_handler(&txn, &m, caller, handler(&m)).await?;
            let why = reason(&raw, "reason", 1000)?;
            let (u, to) = transition(&txn, &m, MatterAction::Return, |a| {
                a.handler_org_id = Set(None);
                a.due_on = Set(None);
                a.escalated_to_org_id = Set(None);
            })
            .await?;
            (u, to, MatterAction::Return, m.handler_org_id, why)
        }
        Move::Answer { answer } => {
            require_handler(&txn, &m, caller, handler(&m)).await?;
            let answer = reason(&answer, "answer", 4000)?;
            let text = answer.clone();
            let (u, to) = transition(&txn, &m, MatterAction::Answer, |a| {
                a.answer = Set(text);
                a.answered_at = Set(Some(clock::now()));
            })
            .await?;
            (u, to, MatterAction::Answer, m.handler_org_id, answer)
        }
        Move::Cosign => {
            if next(m.kind, m.status, MatterAction::Cosign).is_none() {
                return Err(wrong_state("only a draft proposal is co-signed"));
            }
            let updated = matter_cosigner::Entity::update_many()
                .col_expr(
                    matter_cosigner::Column::ConfirmedAt,
                    sea_orm::sea_query::Expr::value(clock::now()),
                )
                .filter(matter_cosigner::Column::MatterId.eq(m.id))
                .filter(matter_cosigner::Column::PersonId.eq(caller.person_id))
                .filter(matter_cosigner::Column::ConfirmedAt.is_null())
                .exec(&txn)
                .await
                .context("cannot confirm a co-signature")?;
            if updated.rows_affected != 1 {
                return Err(wrong_state(
                    "you are not a co-signer of this proposal, or already confirmed",
                ));
            }
            (
                m.clone(),
                m.status,
                MatterAction::Cosign,
                None,
                String::new(),
            )
        }
        Move::Submit => {
            if m.raiser_person_id != Some(caller.person_id) {
                return Err(DeputyError::Forbidden);
            }
            let waiting = matter_cosigner::Entity::find()
                .filter(matter_cosigner::Column::MatterId.eq(m.id))
                .filter(matter_cosigner::Column::ConfirmedAt.is_null())
                .count(&txn)
                .await
                .context("cannot read co-signers")?;
            if waiting > 0 && m.status == MatterStatus::Draft {
                return Err(wrong_state(format!(
                    "{waiting} co-signer(s) have not confirmed yet"
                )));
            }
            let number = proposal_number(&txn, &m, today.year()).await?;
            let (u, to) = transition(&txn, &m, MatterAction::Submit, |a| {
                a.number = Set(Some(number));
            })
            .await?;
            (
                u,
                to,
                MatterAction::Submit,
                m.addressed_org_id,
                String::new(),
            )
        }
        Move::Accept { handler_org_id } => {
            require_role(&txn, caller, ACCEPT_PROPOSALS, m.addressed_org_id).await?;
            crate::orgs::find(&txn, handler_org_id)
                .await?
                .ok_or(DeputyError::NotFound("organisation"))?;
            let due = today + Duration::days(i64::from(settings.proposal_answer_days));
            let (u, to) = transition(&txn, &m, MatterAction::Accept, |a| {
                a.handler_org_id = Set(Some(handler_org_id));
                a.due_on = Set(Some(due));
            })
            .await?;
            (
                u,
                to,
                MatterAction::Accept,
                Some(handler_org_id),
                String::new(),
            )
        }
        Move::Reject { reason: raw } => {
            require_role(&txn, caller, ACCEPT_PROPOSALS, m.addressed_org_id).await?;
            let why = reason(&raw, "reason", 1000)?;
            let (u, to) = transition(&txn, &m, MatterAction::Reject, |_| {}).await?;
            (u, to, MatterAction::Reject, m.addressed_org_id, why)
        }
        Move::MakePrivate { reason: raw } => {
            require_handler(&txn, &m, caller, handler(&m)).await?;
            let why = reason(&raw, "reason", 200)?;
            let kept = why.clone();
            let (u, to) = transition(&txn, &m, MatterAction::MakePrivate, |a| {
                a.private_reason = Set(Some(kept));
            })
            .await?;
            (u, to, MatterAction::MakePrivate, m.handler_org_id, why)
        }
    };
    step(
        &txn,
        &m,
        action,
        to,
        Some(caller.person_id),
        org,
        &note,
        request_id,
    )
    .await?;
    if action == MatterAction::Answer
        && let Some(raiser) = updated.raiser_person_id
    {
        tell_answered(&txn, settings, wechat, &updated, raiser).await?;
    }
    txn.commit().await.context("cannot commit a matter")?;
    Ok(views(db, vec![updated], &who, true).await?.remove(0))
}

fn require_deputy_of(m: &matter::Model, caller: Caller) -> Result<(), DeputyError> {
    if m.kind == MatterKind::Case && m.deputy_id == Some(caller.person_id) {
        Ok(())
    } else {
        Err(DeputyError::Forbidden)
    }
}

async fn require_role(
    db: &impl ConnectionTrait,
    caller: Caller,
    roles: &[Role],
    org: Option<i64>,
) -> Result<(), DeputyError> {
    match org {
        Some(org) if authz::has_role(db, caller.person_id, roles, org).await? => Ok(()),
        _ => Err(DeputyError::Forbidden),
    }
}

/// Queues the notice of an answer to a raiser on a roster (sent if they consented to the
/// reminder template); visitors read it on their own page.
async fn tell_answered(
    db: &impl ConnectionTrait,
    settings: &DeputySettings,
    wechat: &crate::config::WechatSettings,
    m: &matter::Model,
    raiser: i64,
) -> anyhow::Result<()> {
    let answered = clock::now().with_timezone(&clock::shanghai());
    crate::push::enqueue(
        db,
        vec![crate::push::NewPush {
            kind: crate::domain::PushKind::MatterAnswered,
            dedupe_key: format!("matter:{}:answer:{}", m.id, m.rounds),
            plan_id: None,
            person_id: raiser,
            template_id: wechat.reminder_template_id.clone(),
            payload: serde_json::json!({
                "page": format!("{}?id={}", settings.matter_page, m.id),
                "data": {
                    "thing1": crate::push::thing(&format!("您反映的“{}”已答复", m.title)),
                    "time2": answered.format("%Y年%m月%d日 %H:%M").to_string(),
                    "thing3": crate::push::thing("请查看答复并评价"),
                }
            }),
        }],
    )
    .await?;
    Ok(())
}

/// Only the handling organisation's secretaries and admins (or those above) answer.
async fn require_handler(
    db: &impl ConnectionTrait,
    m: &matter::Model,
    caller: Caller,
    handler: Option<i64>,
) -> Result<(), DeputyError> {
    if handler.is_none() {
        return Err(wrong_state(format!(
            "this {} is {} and has no handling organisation",
            m.kind.label(),
            m.status.label()
        )));
    }
    require_role(db, caller, HANDLE, handler).await
}

/// The next number of the deputy's level this year: 市党代表提案 2026-017. A concurrent
/// submission taking the same number fails on the unique index and is retried by the client.
async fn proposal_number(
    db: &impl ConnectionTrait,
    m: &matter::Model,
    year: i32,
) -> Result<String, DeputyError> {
    let level = m.level.map_or("党代表", |l| l.label());
    let prefix = format!("{level}党代表提案 {year}-");
    let taken = matter::Entity::find()
        .filter(matter::Column::Number.starts_with(prefix.clone()))
        .count(db)
        .await
        .context("cannot count proposals")?;
    Ok(format!("{prefix}{:03}", taken + 1))
}

#[derive(Deserialize, ToSchema)]
pub struct RatingRequest {
    pub rating: Rating,
    /// Why, in the raiser's words (optional, up to 500 characters).
    #[serde(default)]
    pub comment: String,
}

/// The raiser rates the answer. 不满意 sends it back to the handler once, with a new
/// deadline; any other verdict — or a second 不满意 — closes it.
pub async fn rate(
    db: &DatabaseConnection,
    settings: &DeputySettings,
    who: &Requester,
    id: i64,
    body: &RatingRequest,
    request_id: Option<String>,
) -> Result<Matter, DeputyError> {
    let m = find(db, id).await?;
    if !may_read(db, &m, who).await? {
        return Err(DeputyError::NotFound("matter"));
    }
    if !is_raiser(&m, who) {
        return Err(DeputyError::Forbidden);
    }
    let comment = Text::optional(&body.comment, "comment", 500, Lines::Many)
        .map_err(invalid)?
        .map(Text::into_inner)
        .unwrap_or_default();
    if m.status != MatterStatus::Answered {
        return Err(if m.rating.is_some() && m.status == MatterStatus::Closed {
            DeputyError::AlreadyRated
        } else {
            wrong_state(format!("only an answered {} is rated", m.kind.label()))
        });
    }
    let reopen = body.rating == Rating::Unsatisfied && m.rounds < MAX_ROUNDS;
    let action = if reopen {
        MatterAction::Reopen
    } else {
        MatterAction::Rate
    };
    let days = match m.kind {
        MatterKind::Case => settings.case_answer_days,
        MatterKind::Question => settings.question_answer_days,
        MatterKind::Proposal => settings.proposal_answer_days,
    };
    let due = crate::clock::today() + Duration::days(i64::from(days));
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let rating = body.rating;
    let (updated, to) = transition(&txn, &m, action, |a| {
        a.rating = Set(Some(rating));
        if reopen {
            a.rounds = Set(m.rounds + 1);
            a.due_on = Set(Some(due));
            a.escalated_to_org_id = Set(None);
        }
    })
    .await?;
    let note = if comment.is_empty() {
        rating.label().to_owned()
    } else {
        format!("{}：{comment}", rating.label())
    };
    let actor = who.person_id();
    step(
        &txn,
        &m,
        action,
        to,
        actor,
        m.handler_org_id,
        &note,
        request_id,
    )
    .await?;
    txn.commit().await.context("cannot commit a rating")?;
    Ok(views(db, vec![updated], who, true).await?.remove(0))
}

/// The requester's matters: raised by them, held as the deputy, or co-signed; newest first.
pub async fn mine(db: &DatabaseConnection, who: &Requester) -> Result<Vec<Matter>, DeputyError> {
    let condition = match who {
        Requester::Visitor(openid) => {
            Condition::all().add(matter::Column::RaiserOpenid.eq(openid.clone()))
        }
        Requester::Person(id) => {
            let cosigned: Vec<i64> = matter_cosigner::Entity::find()
                .select_only()
                .column(matter_cosigner::Column::MatterId)
                .filter(matter_cosigner::Column::PersonId.eq(*id))
                .into_tuple()
                .all(db)
                .await
                .context("cannot read co-signatures")?;
            Condition::any()
                .add(matter::Column::RaiserPersonId.eq(*id))
                .add(matter::Column::DeputyId.eq(*id))
                .add(matter::Column::Id.is_in(cosigned))
        }
    };
    let rows = matter::Entity::find()
        .filter(condition)
        .order_by_desc(matter::Column::Id)
        .limit(200)
        .all(db)
        .await
        .context("cannot read my matters")?;
    Ok(views(db, rows, who, false).await?)
}

/// Questions asked by members of the reader's organisation, unless made private.
pub async fn questions_of_my_org(
    db: &DatabaseConnection,
    caller: Caller,
) -> Result<Vec<Matter>, DeputyError> {
    let me = crate::people::find(db, caller.person_id)
        .await?
        .filter(|p| p.active)
        .ok_or(DeputyError::Forbidden)?;
    let colleagues = crate::people::ids_in_orgs(db, &[me.org_id]).await?;
    let mut rows = Vec::new();
    for chunk in colleagues.chunks(500) {
        rows.extend(
            matter::Entity::find()
                .filter(matter::Column::Kind.eq(MatterKind::Question))
                .filter(matter::Column::PrivateReason.is_null())
                .filter(matter::Column::RaiserPersonId.is_in(chunk.iter().copied()))
                .order_by_desc(matter::Column::Id)
                .limit(200)
                .all(db)
                .await
                .context("cannot read questions")?,
        );
    }
    rows.sort_by_key(|m| std::cmp::Reverse(m.id));
    rows.truncate(200);
    Ok(views(db, rows, &Requester::Person(caller.person_id), false).await?)
}

/// Filters of an organisation's inbox.
pub struct InboxFilter {
    pub kind: Option<MatterKind>,
    pub status: Option<MatterStatus>,
    /// Only matters past their deadline and not answered.
    pub overdue: bool,
}

/// The matters an organisation and everything under it must answer or accept (staff who
/// read it), with deadlines; overdue ones first when asked.
pub async fn inbox(
    db: &DatabaseConnection,
    caller: Caller,
    org_id: i64,
    filter: InboxFilter,
    (index, per_page): (u64, u64),
) -> Result<Page<Matter>, DeputyError> {
    authz::require(db, caller, READ_DIRECTORY, org_id).await?;
    let closure = crate::entities::organisation_closure::Entity::find()
        .select_only()
        .column(crate::entities::organisation_closure::Column::DescendantId)
        .filter(crate::entities::organisation_closure::Column::AncestorId.eq(org_id))
        .into_query();
    let closure_again = crate::entities::organisation_closure::Entity::find()
        .select_only()
        .column(crate::entities::organisation_closure::Column::DescendantId)
        .filter(crate::entities::organisation_closure::Column::AncestorId.eq(org_id))
        .into_query();
    let mut query = matter::Entity::find().filter(
        Condition::any()
            .add(matter::Column::HandlerOrgId.in_subquery(closure))
            .add(
                Condition::all()
                    .add(matter::Column::Status.eq(MatterStatus::Submitted))
                    .add(matter::Column::AddressedOrgId.in_subquery(closure_again)),
            ),
    );
    if let Some(kind) = filter.kind {
        query = query.filter(matter::Column::Kind.eq(kind));
    }
    if let Some(status) = filter.status {
        query = query.filter(matter::Column::Status.eq(status));
    }
    if filter.overdue {
        query = query
            .filter(matter::Column::Status.eq(MatterStatus::Forwarded))
            .filter(matter::Column::DueOn.lt(crate::clock::today()));
    }
    let pages = query
        .order_by_asc(matter::Column::DueOn)
        .order_by_asc(matter::Column::Id)
        .paginate(db, per_page);
    let total = pages.num_items().await.context("cannot count matters")?;
    let rows = pages
        .fetch_page(index)
        .await
        .context("cannot read matters")?;
    Ok(Page {
        items: views(db, rows, &Requester::Person(caller.person_id), false).await?,
        page: index + 1,
        per_page,
        total,
    })
}

/// Flags every matter past its deadline to the organisation above its handler, once per
/// round (the scheduler, daily). Returns how many were flagged.
pub async fn escalate_overdue(db: &DatabaseConnection, today: NaiveDate) -> anyhow::Result<usize> {
    let due: Vec<matter::Model> = matter::Entity::find()
        .filter(matter::Column::Status.eq(MatterStatus::Forwarded))
        .filter(matter::Column::DueOn.lt(today))
        .filter(matter::Column::EscalatedToOrgId.is_null())
        .order_by_asc(matter::Column::Id)
        .limit(5000)
        .all(db)
        .await
        .context("cannot read overdue matters")?;
    let handlers: HashMap<i64, organisation::Model> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(due.iter().filter_map(|m| m.handler_org_id)))
        .all(db)
        .await
        .context("cannot read handlers")?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let mut flagged = 0;
    for m in due {
        let Some(handler) = m.handler_org_id.and_then(|h| handlers.get(&h)) else {
            continue;
        };
        // The top of the tree has nobody above: it is flagged to itself.
        let above = handler.parent_id.unwrap_or(handler.id);
        let txn = crate::db::begin_write(db)
            .await
            .context("cannot start a transaction")?;
        let marked = matter::Entity::update_many()
            .col_expr(
                matter::Column::EscalatedToOrgId,
                sea_orm::sea_query::Expr::value(above),
            )
            .filter(matter::Column::Id.eq(m.id))
            .filter(matter::Column::EscalatedToOrgId.is_null())
            .filter(matter::Column::Status.eq(MatterStatus::Forwarded))
            .exec(&txn)
            .await
            .context("cannot flag a matter")?;
        if marked.rows_affected == 1 {
            let note = format!(
                "逾期未答复（期限 {}）",
                m.due_on.map(|d| d.to_string()).unwrap_or_default()
            );
            step(
                &txn,
                &m,
                MatterAction::Escalate,
                MatterStatus::Forwarded,
                None,
                Some(above),
                &note,
                None,
            )
            .await?;
            flagged += 1;
        }
        txn.commit().await.context("cannot commit a flag")?;
    }
    if flagged > 0 {
        tracing::info!(
            flagged,
            "overdue matters flagged to the organisations above"
        );
    }
    Ok(flagged)
}

/// The demo seed: a case raised with `deputy` and taken along `path` by the same state
/// machine as the API, each step on the timeline and in the audit log. `due_in_days` sets
/// the deadline when it is forwarded (negative for an overdue demo case).
pub(crate) async fn seed_case(
    db: &DatabaseConnection,
    deputy: &crate::entities::person::Model,
    raiser_name: &str,
    case: NewCase,
    handler_org_id: i64,
    due_in_days: i64,
    path: &[(MatterAction, Option<Rating>)],
) -> anyhow::Result<i64> {
    let txn = crate::db::begin_write(db).await?;
    let mut m = new_row(
        MatterKind::Case,
        MatterStatus::Open,
        case,
        (None, None, raiser_name.to_owned(), String::new()),
        Some(deputy),
        None,
        None,
        None,
    )
    .insert(&txn)
    .await
    .context("cannot store a demo case")?;
    step(
        &txn,
        &m,
        MatterAction::Raise,
        MatterStatus::Open,
        Some(deputy.id),
        None,
        "",
        None,
    )
    .await?;
    for (action, rating) in path {
        let due = crate::clock::today() + Duration::days(due_in_days);
        let reopen = *action == MatterAction::Reopen;
        let (updated, to) = transition(&txn, &m, *action, |a| match action {
            MatterAction::Forward => {
                a.handler_org_id = Set(Some(handler_org_id));
                a.due_on = Set(Some(due));
            }
            MatterAction::Answer => {
                a.answer = Set("已安排专人现场查看，本月内处理完毕。".to_owned());
                a.answered_at = Set(Some(clock::now()));
            }
            _ => {
                if let Some(r) = rating {
                    a.rating = Set(Some(*r));
                }
                if reopen {
                    a.rounds = Set(m.rounds + 1);
                    a.due_on = Set(Some(due));
                }
            }
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        let actor = matches!(action, MatterAction::Forward).then_some(deputy.id);
        let note = rating.map(|r| r.label()).unwrap_or_default();
        step(
            &txn,
            &m,
            *action,
            to,
            actor,
            Some(handler_org_id),
            note,
            None,
        )
        .await?;
        m = updated;
    }
    txn.commit().await.context("cannot commit a demo case")?;
    Ok(m.id)
}

/// The cases recorded from each of the receptions.
pub async fn case_ids_of_receptions(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> anyhow::Result<HashMap<i64, Vec<i64>>> {
    let ids: Vec<i64> = ids.into_iter().collect();
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, Option<i64>)> = matter::Entity::find()
            .select_only()
            .column(matter::Column::Id)
            .column(matter::Column::ReceptionId)
            .filter(matter::Column::ReceptionId.is_in(chunk.iter().copied()))
            .order_by_asc(matter::Column::Id)
            .into_tuple()
            .all(db)
            .await
            .context("cannot read cases of receptions")?;
        for (id, reception) in rows {
            if let Some(reception) = reception {
                out.entry(reception).or_default().push(id);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use MatterAction as A;
    use MatterKind as K;
    use MatterStatus as S;

    #[test]
    fn a_case_goes_open_forwarded_answered_closed_or_back_when_returned() {
        assert_eq!(next(K::Case, S::Open, A::Forward), Some(S::Forwarded));
        assert_eq!(next(K::Case, S::Forwarded, A::Return), Some(S::Returned));
        assert_eq!(next(K::Case, S::Returned, A::Forward), Some(S::Forwarded));
        assert_eq!(next(K::Case, S::Forwarded, A::Answer), Some(S::Answered));
        assert_eq!(next(K::Case, S::Answered, A::Rate), Some(S::Closed));
        assert_eq!(next(K::Case, S::Answered, A::Reopen), Some(S::Forwarded));
        assert_eq!(next(K::Case, S::Open, A::Answer), None, "not forwarded yet");
        assert_eq!(next(K::Case, S::Closed, A::Rate), None, "rated twice");
        assert_eq!(next(K::Case, S::Forwarded, A::Submit), None);
    }

    #[test]
    fn questions_are_never_returned_and_proposals_pass_the_committee_first() {
        assert_eq!(next(K::Question, S::Forwarded, A::Return), None);
        assert_eq!(
            next(K::Question, S::Answered, A::MakePrivate),
            Some(S::Answered)
        );
        assert_eq!(next(K::Case, S::Forwarded, A::MakePrivate), None);
        assert_eq!(next(K::Proposal, S::Draft, A::Submit), Some(S::Submitted));
        assert_eq!(next(K::Proposal, S::Draft, A::Answer), None);
        assert_eq!(
            next(K::Proposal, S::Submitted, A::Accept),
            Some(S::Forwarded)
        );
        assert_eq!(
            next(K::Proposal, S::Submitted, A::Reject),
            Some(S::NotAccepted)
        );
        assert_eq!(next(K::Proposal, S::NotAccepted, A::Accept), None);
        assert_eq!(next(K::Proposal, S::Forwarded, A::Forward), None);
    }
}
