//! The group-commit writer: check-in rows from all requests go through a queue; a writer
//! task takes whatever is queued (up to a batch) and stores it in one multi-row INSERT, then
//! updates the live counters and answers each request. A request is answered only after its
//! row is committed, so an acknowledged check-in survives a crash; batching is what lets
//! one database absorb a whole city scanning at once (see README, "Check-in benchmark").
use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, Value};
use tokio::sync::{mpsc, oneshot};

use super::{
    decision::{Attendance, Outcome},
    live::{Live, Presence},
};

const COLUMNS: [&str; 17] = [
    "plan_id",
    "activity_code",
    "person_id",
    "outcome",
    "present",
    "attendance",
    "round",
    "method",
    "nonce",
    "at",
    "scanned_at",
    "token_window",
    "latitude",
    "longitude",
    "location_far",
    "actor_id",
    "reason",
];

crate::domain::enums::slug_enum!(
    /// How a presence was recorded.
    Method {
        Scan = ("scan", "扫码"),
        LateSync = ("late_sync", "离线补传"),
        Organiser = ("organiser", "组织者代签"),
    }
);

/// One row for the `checkin` table.
#[derive(Debug, Clone)]
pub struct NewCheckin {
    pub plan_id: Option<i64>,
    pub activity_code: String,
    pub person_id: i64,
    pub outcome: Outcome,
    pub attendance: Option<Attendance>,
    pub round: i32,
    pub method: Method,
    pub nonce: Option<String>,
    pub at: DateTime<FixedOffset>,
    pub scanned_at: Option<DateTime<FixedOffset>>,
    pub token_window: Option<i64>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub location_far: bool,
    pub actor_id: Option<i64>,
    pub reason: Option<String>,
}

impl NewCheckin {
    fn values(&self) -> [Value; 17] {
        [
            self.plan_id.into(),
            self.activity_code.clone().into(),
            self.person_id.into(),
            self.outcome.as_str().into(),
            self.attendance.is_some().into(),
            self.attendance.map(|a| a.as_str().to_owned()).into(),
            self.round.into(),
            self.method.as_str().into(),
            self.nonce.clone().into(),
            self.at.into(),
            self.scanned_at.into(),
            self.token_window.into(),
            self.latitude.into(),
            self.longitude.into(),
            self.location_far.into(),
            self.actor_id.into(),
            self.reason.clone().into(),
        ]
    }
}

/// What became of a queued row.
#[derive(Debug, Clone, Copy)]
pub struct Written {
    /// The new row's id; `None` when a unique rule kept it out (same nonce, or the person
    /// is already present in this round).
    pub id: Option<i64>,
    /// The activity's presence right after this batch, when the row made someone present.
    pub presence: Option<Presence>,
}

#[derive(Debug, thiserror::Error)]
#[error("check-in rows could not be stored: {0}")]
pub struct WriteError(String);

struct Job {
    row: NewCheckin,
    reply: oneshot::Sender<Result<Written, WriteError>>,
}

#[derive(Clone)]
pub struct CheckinWriter {
    tx: mpsc::Sender<Job>,
}

impl CheckinWriter {
    /// Starts `writers` tasks sharing one queue (`crate::group_commit`).
    pub fn spawn(db: DatabaseConnection, live: Live, writers: usize, max_batch: usize) -> Self {
        let tx = crate::group_commit::spawn(
            writers,
            max_batch,
            crate::metrics::observe_writer_batch,
            move |jobs| {
                let (db, live) = (db.clone(), live.clone());
                async move { flush(&db, &live, jobs).await }
            },
        );
        Self { tx }
    }

    /// Queues a row and waits until it is committed (or kept out by a unique rule).
    pub async fn write(&self, row: NewCheckin) -> Result<Written, WriteError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job { row, reply })
            .await
            .map_err(|_| WriteError("the writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| WriteError("the writer stopped before answering".into()))?
    }
}

async fn flush(db: &DatabaseConnection, live: &Live, jobs: Vec<Job>) {
    let rows: Vec<&NewCheckin> = jobs.iter().map(|j| &j.row).collect();
    let stored = match insert(db, &rows).await {
        Ok(stored) => stored,
        Err(err) => {
            tracing::error!(error = %err, rows = jobs.len(), "check-in batch failed");
            for job in jobs {
                let _ = job.reply.send(Err(WriteError(err.to_string())));
            }
            return;
        }
    };
    // Which queued row became which stored row: (person, nonce) is unique, and rows without
    // a nonce never come through here.
    let ids: HashMap<(i64, &str), i64> = stored
        .iter()
        .map(|(id, person, nonce)| ((*person, nonce.as_str()), *id))
        .collect();
    let mut added: HashMap<(i64, Attendance), Vec<String>> = HashMap::new();
    let mut outcomes = Vec::with_capacity(jobs.len());
    for job in &jobs {
        let id = job
            .row
            .nonce
            .as_deref()
            .and_then(|nonce| ids.get(&(job.row.person_id, nonce)).copied());
        if let (Some(_), Some(plan), Some(attendance)) = (id, job.row.plan_id, job.row.attendance) {
            added
                .entry((plan, attendance))
                .or_default()
                .push(job.row.person_id.to_string());
        }
        outcomes.push(id);
    }
    let presence = if added.is_empty() {
        HashMap::new()
    } else {
        live.record(&added).await
    };
    for (job, id) in jobs.into_iter().zip(outcomes) {
        let presence = job
            .row
            .plan_id
            .and_then(|plan| presence.get(&plan).copied());
        let _ = job.reply.send(Ok(Written { id, presence }));
    }
}

/// One multi-row INSERT; rows that break a unique rule are skipped, not errors. Returns
/// (id, person, nonce) of the rows stored.
async fn insert(
    db: &DatabaseConnection,
    rows: &[&NewCheckin],
) -> Result<Vec<(i64, i64, String)>, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let params = crate::db::Params(backend);
    let mut sql = String::with_capacity(64 + rows.len() * COLUMNS.len() * 5);
    sql.push_str("INSERT INTO checkin (");
    sql.push_str(&COLUMNS.join(", "));
    sql.push_str(") VALUES ");
    let mut values = Vec::with_capacity(rows.len() * COLUMNS.len());
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for (j, value) in row.values().into_iter().enumerate() {
            if j > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&params.param(&mut values, value));
        }
        sql.push(')');
    }
    sql.push_str(" ON CONFLICT DO NOTHING RETURNING id, person_id, nonce");
    let stored = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    stored
        .into_iter()
        .map(|row| {
            Ok((
                row.try_get::<i64>("", "id")?,
                row.try_get::<i64>("", "person_id")?,
                row.try_get::<Option<String>>("", "nonce")?
                    .unwrap_or_default(),
            ))
        })
        .collect()
}
