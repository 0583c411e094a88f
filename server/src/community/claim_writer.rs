//! The group-commit claim writer. Claims from all requests go through one queue; a writer
//! task takes whatever is queued (up to a batch) and settles it with a handful of statements
//! however many claims it holds:
//!
//! 1. one SELECT reads what every claim is decided on (the item, the person, whether they
//!    serve its community, their own row on it, a clash with what they hold), and the rules
//!    (`judge`) refuse what must be refused;
//! 2. in one transaction: lock the batch's items (`FOR UPDATE`, in id order so two writers
//!    never deadlock), hand out the places left, store every claim in one multi-row INSERT
//!    (`claimed` for the first ones, `waitlisted` for the rest; the unique (item, person)
//!    index keeps out a second tap), add the places really stored to `taken` in one UPDATE,
//!    rank the new waitlist places in one SELECT, commit once, and answer every request.
//!
//! Capacity holds because the item rows stay locked from the lock to the commit. A batch is
//! one instant: its rows share `created_at`, so among them the waitlist goes by row id, and
//! places are handed out in that same order (reused rows, whose ids are older, first).
//! A request is answered only after the commit, so an acknowledged claim survives a crash.
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset, SubsecRound};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, FromQueryResult, Statement};
use tokio::sync::{mpsc, oneshot};

use super::claims::ClaimOutcome;
use crate::{
    clock,
    db::{Params, begin_write},
    domain::ClaimStatus,
    entities::service_item,
};

/// One member claiming one item.
#[derive(Debug, Clone, Copy)]
pub struct ClaimRequest {
    pub item_id: i64,
    pub person_id: i64,
}

/// What became of a queued claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// Stored: `claimed` (a place) or `waitlisted` at `position` (1 = next).
    Stored {
        id: i64,
        status: ClaimStatus,
        position: Option<u64>,
        created_at: DateTime<FixedOffset>,
        item_title: String,
        person_name: String,
    },
    /// Not stored, for a reason the member is told (not open yet, closed, not reported,
    /// time clash).
    Refused(ClaimOutcome),
    /// The person already has an active claim on the item; the caller reads it.
    AlreadyClaimed {
        item_title: String,
        person_name: String,
    },
    /// No such item.
    NoItem,
    /// No such person, or one who is no longer active.
    NoPerson,
}

/// Everything one claim is decided on, read for the whole batch in one statement.
#[derive(Debug, Clone)]
pub struct ClaimFacts {
    pub item: service_item::Model,
    pub person_name: String,
    pub person_active: bool,
    /// A member of the community (or of an org under it), or accepted after reporting to it.
    pub serves: bool,
    /// The person's own row on this item, if any, and its status.
    pub existing: Option<(i64, ClaimStatus)>,
    /// Whether an item the person already holds overlaps this one.
    pub clashes: bool,
}

/// The rules a claim must pass before it may take a place or join the waitlist.
pub fn judge(facts: &ClaimFacts, now: DateTime<FixedOffset>) -> Result<(), Settled> {
    if !facts.person_active {
        return Err(Settled::NoPerson);
    }
    match super::claims::phase(&facts.item, now) {
        "not_open_yet" => return Err(Settled::Refused(ClaimOutcome::NotOpenYet)),
        "closed" | "cancelled" => return Err(Settled::Refused(ClaimOutcome::Closed)),
        _ => {}
    }
    if !facts.serves {
        return Err(Settled::Refused(ClaimOutcome::NotReported));
    }
    if let Some((_, status)) = facts.existing
        && status.is_active()
    {
        return Err(Settled::AlreadyClaimed {
            item_title: facts.item.title.clone(),
            person_name: facts.person_name.clone(),
        });
    }
    if facts.clashes {
        return Err(Settled::Refused(ClaimOutcome::TimeClash));
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
#[error("claims could not be stored: {0}")]
pub struct ClaimWriteError(String);

struct Job {
    request: ClaimRequest,
    reply: oneshot::Sender<Result<Settled, ClaimWriteError>>,
}

#[derive(Clone)]
pub struct ClaimWriter {
    tx: mpsc::Sender<Job>,
}

impl ClaimWriter {
    /// Starts `writers` tasks sharing one queue (`crate::group_commit`); batches on
    /// different items then run side by side.
    pub fn spawn(db: DatabaseConnection, writers: usize, max_batch: usize) -> Self {
        let tx = crate::group_commit::spawn(
            writers,
            max_batch,
            crate::metrics::observe_claim_batch,
            move |jobs| {
                let db = db.clone();
                async move { settle_and_answer(&db, jobs).await }
            },
        );
        Self { tx }
    }

    /// Queues a claim and waits until it is committed (or found to be a second claim).
    pub async fn claim(&self, request: ClaimRequest) -> Result<Settled, ClaimWriteError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job { request, reply })
            .await
            .map_err(|_| ClaimWriteError("the claim writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| ClaimWriteError("the claim writer stopped before answering".into()))?
    }
}

async fn settle_and_answer(db: &DatabaseConnection, jobs: Vec<Job>) {
    let requests: Vec<ClaimRequest> = jobs.iter().map(|j| j.request).collect();
    match settle(db, &requests).await {
        Ok(settled) => {
            for (job, answer) in jobs.into_iter().zip(settled) {
                let _ = job.reply.send(Ok(answer));
            }
        }
        Err(err) => {
            tracing::error!(error = %err, claims = jobs.len(), "claim batch failed");
            for job in jobs {
                let _ = job.reply.send(Err(ClaimWriteError(err.to_string())));
            }
        }
    }
}

/// Settles one batch; answers are in the order of `requests`.
async fn settle(
    db: &DatabaseConnection,
    requests: &[ClaimRequest],
) -> Result<Vec<Settled>, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let sql = Params(backend);
    let facts = read_facts(db, requests).await?;
    let now = clock::now();

    // Judge each claim; a second tap of one person on one item in the same batch follows the
    // first. Two claims of one person in one batch must not clash with each other either.
    let mut answers: Vec<Option<Settled>> = vec![None; requests.len()];
    let mut first_of: HashMap<(i64, i64), usize> = HashMap::new();
    let mut passing: Vec<usize> = Vec::with_capacity(requests.len());
    let mut held_here: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, request) in requests.iter().enumerate() {
        if *first_of
            .entry((request.item_id, request.person_id))
            .or_insert(i)
            != i
        {
            continue;
        }
        let verdict = match &facts[i] {
            Facts::NoItem => Err(Settled::NoItem),
            Facts::NoPerson => Err(Settled::NoPerson),
            Facts::Known(known) => judge(known, now).and_then(|()| {
                let mine = held_here.entry(request.person_id).or_default();
                let overlaps = mine.iter().any(|&j| match &facts[j] {
                    Facts::Known(other) => {
                        other.item.starts_at < known.item.ends_at
                            && other.item.ends_at > known.item.starts_at
                    }
                    _ => false,
                });
                if overlaps {
                    return Err(Settled::Refused(ClaimOutcome::TimeClash));
                }
                mine.push(i);
                Ok(())
            }),
        };
        match verdict {
            Ok(()) => passing.push(i),
            Err(answer) => answers[i] = Some(answer),
        }
    }
    if !passing.is_empty() {
        store(db, sql, requests, &facts, &passing, &mut answers).await?;
    }
    let mut out = Vec::with_capacity(requests.len());
    for (i, request) in requests.iter().enumerate() {
        let first = first_of[&(request.item_id, request.person_id)];
        let answer = match &answers[first] {
            // A later tap in the batch: the first one's claim is already there.
            Some(Settled::Stored {
                item_title,
                person_name,
                ..
            }) if first != i => Some(Settled::AlreadyClaimed {
                item_title: item_title.clone(),
                person_name: person_name.clone(),
            }),
            answer => answer.clone(),
        };
        out.push(answer.ok_or_else(|| {
            sea_orm::DbErr::Custom(format!("claim {i} of the batch was left unanswered"))
        })?);
    }
    Ok(out)
}

/// What `read_facts` found for one request.
#[derive(Debug, Clone)]
enum Facts {
    Known(Box<ClaimFacts>),
    NoItem,
    NoPerson,
}

/// The facts of every claim in the batch, in one statement.
async fn read_facts(
    db: &DatabaseConnection,
    requests: &[ClaimRequest],
) -> Result<Vec<Facts>, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let sql = Params(backend);
    let mut values = Vec::with_capacity(requests.len() * 3);
    let rows: Vec<String> = requests
        .iter()
        .enumerate()
        .map(|(n, r)| {
            format!(
                "({}, {}, {})",
                sql.param(&mut values, (n as i64).into()),
                sql.param(&mut values, r.item_id.into()),
                sql.param(&mut values, r.person_id.into()),
            )
        })
        .collect();
    let statement = format!(
        "WITH asked (n, item_id, person_id) AS (VALUES {}) \
         SELECT asked.n AS asked_n, p.id AS found_person, p.name AS person_name, \
           p.active AS person_active, i.*, \
           (EXISTS (SELECT 1 FROM organisation_closure oc \
              WHERE oc.ancestor_id = i.community_id AND oc.descendant_id = p.org_id) \
            OR EXISTS (SELECT 1 FROM community_report r WHERE r.person_id = p.id \
              AND r.community_id = i.community_id AND r.status = 'accepted')) AS serves, \
           own.id AS existing_id, own.status AS existing_status, \
           EXISTS (SELECT 1 FROM service_claim c JOIN service_item o ON o.id = c.item_id \
              WHERE c.person_id = p.id AND c.item_id <> i.id \
                AND c.status IN ('claimed', 'offered') AND o.status <> 'cancelled' \
                AND o.starts_at < i.ends_at AND o.ends_at > i.starts_at) AS clashes \
         FROM asked \
         LEFT JOIN person p ON p.id = asked.person_id \
         LEFT JOIN service_item i ON i.id = asked.item_id \
         LEFT JOIN service_claim own ON own.item_id = i.id AND own.person_id = p.id",
        rows.join(", ")
    );
    let found = db
        .query_all_raw(Statement::from_sql_and_values(backend, statement, values))
        .await?;
    let mut facts = vec![Facts::NoItem; requests.len()];
    for row in found {
        let n: i64 = row.try_get("", "asked_n")?;
        let Some(slot) = usize::try_from(n).ok().and_then(|n| facts.get_mut(n)) else {
            continue;
        };
        let person: Option<i64> = row.try_get("", "found_person")?;
        let item: Option<i64> = row.try_get("", "id")?;
        *slot = match (person, item) {
            (None, _) => Facts::NoPerson,
            (Some(_), None) => Facts::NoItem,
            (Some(_), Some(_)) => {
                let existing_id: Option<i64> = row.try_get("", "existing_id")?;
                let existing_status: Option<ClaimStatus> = row.try_get("", "existing_status")?;
                Facts::Known(Box::new(ClaimFacts {
                    item: service_item::Model::from_query_result(&row, "")?,
                    person_name: row.try_get("", "person_name")?,
                    person_active: row.try_get("", "person_active")?,
                    serves: row.try_get("", "serves")?,
                    existing: existing_id.zip(existing_status),
                    clashes: row.try_get("", "clashes")?,
                }))
            }
        };
    }
    Ok(facts)
}

/// Stores the claims that passed (`passing`, indexes into `requests`) in one transaction.
async fn store(
    db: &DatabaseConnection,
    sql: Params,
    requests: &[ClaimRequest],
    facts: &[Facts],
    passing: &[usize],
    answers: &mut [Option<Settled>],
) -> Result<(), sea_orm::DbErr> {
    let backend = sql.0;
    let known = |i: usize| match &facts[i] {
        Facts::Known(known) => Some(known.as_ref()),
        _ => None,
    };
    let items: Vec<i64> = {
        let set: std::collections::BTreeSet<i64> =
            passing.iter().map(|&i| requests[i].item_id).collect();
        set.into_iter().collect()
    };
    let txn = begin_write(db).await?;
    let lock = if backend == DatabaseBackend::Postgres {
        " FOR UPDATE"
    } else {
        // SQLite: the IMMEDIATE transaction already holds the only write lock.
        ""
    };
    let mut values = Vec::new();
    let list = sql.list(&mut values, items.iter().copied());
    let rows = txn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT id, capacity, taken FROM service_item WHERE id IN ({list}) ORDER BY id{lock}"
            ),
            values,
        ))
        .await?;
    let mut left: HashMap<i64, i64> = HashMap::with_capacity(rows.len());
    for row in rows {
        let capacity: i32 = row.try_get("", "capacity")?;
        let taken: i32 = row.try_get("", "taken")?;
        left.insert(row.try_get("", "id")?, i64::from(capacity - taken).max(0));
    }
    // Read after the lock: later than anything committed on these items before.
    let now = clock::now().trunc_subsecs(6);

    // Places go out in the order the rows will stand in the queue: reused rows (older ids)
    // first, then new rows in arrival order.
    let reuse = |i: usize| known(i).and_then(|k| k.existing);
    let (reused, fresh): (Vec<usize>, Vec<usize>) =
        passing.iter().partition(|&&i| reuse(i).is_some());
    let mut status: HashMap<usize, ClaimStatus> = HashMap::with_capacity(passing.len());
    for &i in reused.iter().chain(fresh.iter()) {
        let granted = match left.get_mut(&requests[i].item_id) {
            Some(places) if *places > 0 => {
                *places -= 1;
                true
            }
            _ => false,
        };
        status.insert(
            i,
            if granted {
                ClaimStatus::Claimed
            } else {
                ClaimStatus::Waitlisted
            },
        );
    }

    let mut stored: HashMap<usize, i64> = HashMap::with_capacity(passing.len());
    for &i in &reused {
        let Some((id, was)) = reuse(i) else {
            continue;
        };
        let mut values = Vec::new();
        let changed = txn
            .execute_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "UPDATE service_claim SET status = {}, offer_expires_at = NULL, minutes = NULL, \
                     checked_in_at = NULL, created_at = {}, updated_at = {} WHERE id = {} AND status = {}",
                    sql.param(&mut values, status[&i].as_str().into()),
                    sql.param(&mut values, now.into()),
                    sql.param(&mut values, now.into()),
                    sql.param(&mut values, id.into()),
                    sql.param(&mut values, was.as_str().into()),
                ),
                values,
            ))
            .await?
            .rows_affected();
        if changed == 1 {
            stored.insert(i, id);
        }
    }
    if !fresh.is_empty() {
        let mut values = Vec::with_capacity(fresh.len() * 5);
        let mut rows = Vec::with_capacity(fresh.len());
        for &i in &fresh {
            rows.push(format!(
                "({}, {}, {}, {}, {})",
                sql.param(&mut values, requests[i].item_id.into()),
                sql.param(&mut values, requests[i].person_id.into()),
                sql.param(&mut values, status[&i].as_str().into()),
                sql.param(&mut values, now.into()),
                sql.param(&mut values, now.into()),
            ));
        }
        let inserted = txn
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "INSERT INTO service_claim (item_id, person_id, status, created_at, updated_at) \
                     VALUES {} ON CONFLICT (item_id, person_id) DO NOTHING RETURNING id, item_id, person_id",
                    rows.join(", ")
                ),
                values,
            ))
            .await?;
        let mut ids: HashMap<(i64, i64), i64> = HashMap::with_capacity(inserted.len());
        for row in inserted {
            ids.insert(
                (row.try_get("", "item_id")?, row.try_get("", "person_id")?),
                row.try_get("", "id")?,
            );
        }
        for &i in &fresh {
            if let Some(id) = ids.get(&(requests[i].item_id, requests[i].person_id)) {
                stored.insert(i, *id);
            }
        }
    }

    // Only places really stored count: a claim the unique index kept out gives its place
    // back (the sweeper offers it to the first person waiting).
    let mut taken_now: BTreeMap<i64, i32> = BTreeMap::new();
    for &i in stored.keys() {
        if status[&i] == ClaimStatus::Claimed {
            *taken_now.entry(requests[i].item_id).or_default() += 1;
        }
    }
    if !taken_now.is_empty() {
        let mut values = Vec::new();
        let mut cases = String::new();
        for (item, n) in &taken_now {
            cases.push_str(&format!(
                " WHEN {} THEN {}",
                sql.param(&mut values, (*item).into()),
                sql.param(&mut values, (*n).into())
            ));
        }
        let list = sql.list(&mut values, taken_now.keys().copied());
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "UPDATE service_item SET taken = taken + CASE id{cases} END WHERE id IN ({list})"
            ),
            values,
        ))
        .await?;
    }

    let waiting: Vec<i64> = stored
        .iter()
        .filter(|(i, _)| status[*i] == ClaimStatus::Waitlisted)
        .map(|(_, id)| *id)
        .collect();
    let mut positions: HashMap<i64, u64> = HashMap::with_capacity(waiting.len());
    if !waiting.is_empty() {
        let mut values = Vec::new();
        let item_list = sql.list(&mut values, items.iter().copied());
        let id_list = sql.list(&mut values, waiting.iter().copied());
        let ranked = txn
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "SELECT id, position FROM (SELECT id, ROW_NUMBER() OVER \
                     (PARTITION BY item_id ORDER BY created_at, id) AS position FROM service_claim \
                     WHERE item_id IN ({item_list}) AND status = 'waitlisted') queue WHERE id IN ({id_list})"
                ),
                values,
            ))
            .await?;
        for row in ranked {
            let position: i64 = row.try_get("", "position")?;
            positions.insert(row.try_get("", "id")?, position.max(1) as u64);
        }
    }
    txn.commit().await?;

    for &i in passing {
        let Some(known) = known(i) else { continue };
        answers[i] = Some(match stored.get(&i) {
            Some(&id) => Settled::Stored {
                id,
                status: status[&i],
                position: positions.get(&id).copied(),
                created_at: now,
                item_title: known.item.title.clone(),
                person_name: known.person_name.clone(),
            },
            // Kept out by the unique index or changed since it was read: a claim is there.
            None => Settled::AlreadyClaimed {
                item_title: known.item.title.clone(),
                person_name: known.person_name.clone(),
            },
        });
    }
    Ok(())
}
