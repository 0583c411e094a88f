//! Check-in as a service: a member's scan, an organiser's check-in for someone without a
//! phone, and corrections. Handlers stay thin; this is where the pieces meet: the decision
//! table, the group-commit writer, the live counters and the ledger rows.
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Datelike, FixedOffset, SubsecRound};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;

use super::{
    decision::{self, ActivityFacts, Attempt, Attendance, Location, Outcome},
    error::{AttendanceError, invalid},
    facts::{self, FactsCache},
    live::{Live, LiveCounts, Presence},
    token::Signer,
    writer::{CheckinWriter, Method, NewCheckin},
};
use crate::{
    audit::{self, Actor, AuditEntry},
    clock,
    config::CheckinSettings,
    db::begin_write,
    entities::{checkin, checkin_undo, person},
};

/// A validated scan from a member's phone.
#[derive(Debug, Clone)]
pub struct Scan {
    pub activity_code: String,
    pub token: String,
    pub nonce: String,
    pub scanned_at: Option<DateTime<FixedOffset>>,
    /// WeChat's scan time (unix seconds) when the camera opened the mini-program.
    pub scancode_time: Option<i64>,
    pub location: Option<Location>,
}

impl Scan {
    /// Adds WeChat's `scancode_time` (unix seconds), which must be a plausible moment.
    pub fn with_scancode_time(
        mut self,
        scancode_time: Option<i64>,
    ) -> Result<Self, AttendanceError> {
        if let Some(at) = scancode_time {
            let year = DateTime::from_timestamp(at, 0).map(|t| t.year());
            if year.is_none_or(|y| crate::domain::dates::check_year(y).is_err()) {
                return Err(invalid(
                    "scancode_time must be the unix time WeChat passed when the code was scanned",
                ));
            }
        }
        self.scancode_time = scancode_time;
        Ok(self)
    }

    pub fn new(
        activity_code: &str,
        token: &str,
        nonce: &str,
        scanned_at: Option<&str>,
        location: Option<(f64, f64)>,
    ) -> Result<Self, AttendanceError> {
        let activity_code = activity_code.trim().to_ascii_uppercase();
        if activity_code.is_empty() || activity_code.len() > 12 {
            return Err(invalid("activity_code must be the code from the venue QR"));
        }
        let token = token.trim();
        if token.is_empty() || token.len() > 32 {
            return Err(invalid("token must be the `t` value from the venue QR"));
        }
        let nonce = nonce.trim();
        if !(16..=64).contains(&nonce.len())
            || !nonce
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(invalid(
                "nonce must be 16–64 characters of A–Z, a–z, 0–9, - or _, one per scan",
            ));
        }
        let scanned_at = scanned_at
            .map(|raw| {
                crate::domain::dates::parse_moment(raw, "scanned_at")
                    .map_err(AttendanceError::InvalidInput)
            })
            .transpose()?;
        let location = location
            .map(|(latitude, longitude)| {
                if latitude.is_finite()
                    && longitude.is_finite()
                    && (-90.0..=90.0).contains(&latitude)
                    && (-180.0..=180.0).contains(&longitude)
                {
                    Ok(Location {
                        latitude,
                        longitude,
                    })
                } else {
                    Err(invalid(
                        "location must have a latitude in [-90, 90] and a longitude in [-180, 180]",
                    ))
                }
            })
            .transpose()?;
        Ok(Self {
            activity_code,
            token: token.to_owned(),
            nonce: nonce.to_owned(),
            scanned_at,
            scancode_time: None,
            location,
        })
    }
}

/// The answer to a check-in, whatever its outcome.
#[derive(Debug, Clone)]
pub struct Answer {
    pub outcome: Outcome,
    pub checkin_id: Option<i64>,
    pub checked_in_at: Option<DateTime<FixedOffset>>,
    pub attendance: Option<Attendance>,
    pub late_sync: bool,
    pub location_far: bool,
    pub activity: Option<ActivityRef>,
    pub live: Option<LiveCounts>,
}

/// What was checked in to: a meeting (the plan) or a volunteer activity (the item).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ActivityRef {
    pub id: i64,
    pub theme: String,
    pub org_name: String,
}

impl ActivityRef {
    fn of(facts: &ActivityFacts) -> Self {
        Self {
            id: facts.plan_id,
            theme: facts.theme.clone(),
            org_name: facts.org_name.clone(),
        }
    }
}

/// Whom an organiser checks in.
pub enum Someone {
    Card(String),
    Person(i64),
}

pub struct CheckinService {
    pub db: DatabaseConnection,
    pub signer: Signer,
    pub facts: FactsCache,
    pub live: Live,
    pub writer: CheckinWriter,
    pub settings: CheckinSettings,
}

impl CheckinService {
    /// Starts the writer tasks; call inside the runtime.
    pub fn start(
        db: DatabaseConnection,
        cache: crate::cache::Cache,
        qr_secret: &secrecy::SecretString,
        settings: CheckinSettings,
    ) -> Self {
        use secrecy::ExposeSecret;
        let live = Live::new(
            cache,
            db.clone(),
            std::time::Duration::from_secs(settings.live_ttl_secs),
        );
        let writer = CheckinWriter::spawn(
            db.clone(),
            live.clone(),
            settings.writers,
            settings.max_batch,
        );
        Self {
            signer: Signer::new(qr_secret.expose_secret().as_bytes()),
            facts: FactsCache::new(
                std::time::Duration::from_millis(settings.facts_ttl_ms),
                live.cache().clone(),
            ),
            db,
            live,
            writer,
            settings,
        }
    }

    /// A scan of a meeting's code, decided on the activity's facts (`None`: no activity has
    /// this code). `crate::scan` routes volunteer activities' codes elsewhere first.
    pub async fn check_in(
        &self,
        person_id: i64,
        scan: Scan,
        facts: Option<Arc<ActivityFacts>>,
    ) -> Result<Answer, AttendanceError> {
        // Microseconds: what PostgreSQL keeps, so the answer's time equals the stored one.
        let now = clock::now().trunc_subsecs(6);
        let Some(known) = &facts else {
            // Not an activity of ours: nothing to record against, and storing a refusal per
            // request would let an anonymous flood grow the table without bound.
            self.count_unknown_code(person_id).await?;
            tracing::info!(person_id, code = %scan.activity_code.chars().take(12).collect::<String>(), "scan of an unknown code");
            return Ok(Answer {
                outcome: Outcome::InvalidToken,
                checkin_id: None,
                checked_in_at: None,
                attendance: None,
                late_sync: false,
                location_far: false,
                activity: None,
                live: None,
            });
        };
        let decision = decision::decide(
            &self.signer,
            known,
            &Attempt {
                person_id,
                token: &scan.token,
                now: now.timestamp(),
                scanned_at: scan.scanned_at.map(|t| t.timestamp()),
                scancode_time: scan.scancode_time,
                location: scan.location,
            },
            i64::from(self.settings.offline_hours) * 3600,
        );
        let row = NewCheckin {
            plan_id: facts.as_ref().map(|f| f.plan_id),
            activity_code: scan.activity_code.chars().take(12).collect(),
            person_id,
            outcome: decision.outcome,
            attendance: decision.attendance,
            round: 0,
            method: if decision.late_sync {
                Method::LateSync
            } else {
                Method::Scan
            },
            nonce: Some(scan.nonce.clone()),
            at: now,
            scanned_at: scan.scanned_at,
            token_window: decision.token_window.map(i64::from),
            latitude: scan.location.map(|l| l.latitude),
            longitude: scan.location.map(|l| l.longitude),
            location_far: decision.location_far,
            actor_id: None,
            reason: None,
        };
        if decision.outcome != Outcome::Ok {
            tracing::info!(person_id, outcome = decision.outcome.as_str(), code = %scan.activity_code, "check-in not plain ok");
        }
        self.store(row, facts).await
    }

    /// Scans of codes that are no activity's are limited per person (counted before the
    /// answer, so parallel requests cannot slip past the limit).
    async fn count_unknown_code(&self, person_id: i64) -> Result<(), AttendanceError> {
        const LIMIT: i64 = 30;
        let key = format!("unknown-code:{person_id}");
        let cache = self.live.cache();
        match cache
            .count_in_window(&key, std::time::Duration::from_secs(60))
            .await
        {
            Ok(n) if n > LIMIT => Err(AttendanceError::TooManyAttempts),
            Ok(_) => Ok(()),
            // The cache is not the truth; without it the scan is still refused and unstored.
            Err(_) => Ok(()),
        }
    }

    /// Writes a row through the group-commit writer and turns what happened into an answer;
    /// a row kept out by a unique rule is a retry or a second scan, resolved here.
    async fn store(
        &self,
        mut row: NewCheckin,
        facts: Option<Arc<ActivityFacts>>,
    ) -> Result<Answer, AttendanceError> {
        for _ in 0..3 {
            let written = self.writer.write(row.clone()).await.map_err(|err| {
                tracing::error!(error = %err, "check-in not stored");
                AttendanceError::Unavailable
            })?;
            if let Some(id) = written.id {
                let live = match (&facts, row.attendance) {
                    (Some(f), Some(_)) => {
                        Some(self.counts_after(f, written.presence, row.person_id).await)
                    }
                    _ => None,
                };
                return Ok(Answer {
                    outcome: row.outcome,
                    checkin_id: Some(id),
                    checked_in_at: row.attendance.map(|_| row.at),
                    attendance: row.attendance,
                    late_sync: row.method == Method::LateSync,
                    location_far: row.location_far,
                    activity: facts.as_deref().map(ActivityRef::of),
                    live: live.flatten(),
                });
            }
            if let Some(nonce) = &row.nonce
                && let Some(first) = checkin::Entity::find()
                    .filter(checkin::Column::PersonId.eq(row.person_id))
                    .filter(checkin::Column::Nonce.eq(nonce.as_str()))
                    .one(&self.db)
                    .await
                    .context("cannot read a check-in by nonce")?
            {
                return Ok(self.replay(first, facts).await);
            }
            let (Some(plan_id), Some(_)) = (row.plan_id, row.attendance) else {
                return Err(anyhow::anyhow!("a refused attempt collided with no nonce").into());
            };
            match current_presence(&self.db, plan_id, row.person_id).await? {
                Standing::Present(first) => {
                    let live = match &facts {
                        Some(f) => {
                            self.heal_live(plan_id, first.attendance, first.person_id)
                                .await;
                            self.live.counts(f).await.ok()
                        }
                        None => None,
                    };
                    return Ok(Answer {
                        outcome: Outcome::AlreadyCheckedIn,
                        checkin_id: Some(first.id),
                        checked_in_at: Some(first.at),
                        attendance: first.attendance,
                        late_sync: first.method == Method::LateSync,
                        location_far: first.location_far,
                        activity: facts.as_deref().map(ActivityRef::of),
                        live,
                    });
                }
                // Every earlier presence was undone: this one starts the next round.
                Standing::Undone { next_round } => row.round = next_round,
            }
        }
        Err(anyhow::anyhow!("check-in kept colliding").into())
    }

    /// The first answer to a nonce, rebuilt from its row (a retry writes nothing).
    async fn replay(&self, first: checkin::Model, facts: Option<Arc<ActivityFacts>>) -> Answer {
        let outcome = first.outcome;
        let live = match (&facts, first.present) {
            (Some(f), true) => {
                self.heal_live(f.plan_id, first.attendance, first.person_id)
                    .await;
                self.live.counts(f).await.ok()
            }
            _ => None,
        };
        Answer {
            outcome,
            checkin_id: Some(first.id),
            checked_in_at: first.present.then_some(first.at),
            attendance: first.attendance,
            late_sync: first.method == Method::LateSync,
            location_far: first.location_far,
            activity: facts.as_deref().map(ActivityRef::of),
            live,
        }
    }

    /// Puts a stored presence (back) into the live counters. The writer adds people after
    /// their rows commit; an instance killed between the two leaves a stored, acknowledged
    /// check-in out of the counters, and the member's retry (same nonce, or a second scan)
    /// lands here on another instance. Adding is idempotent, so doing it on every repeat is
    /// safe and costs one round trip on a path only repeats take.
    async fn heal_live(&self, plan_id: i64, attendance: Option<Attendance>, person_id: i64) {
        if let Some(attendance) = attendance {
            let added = std::collections::HashMap::from([(
                (plan_id, attendance),
                vec![person_id.to_string()],
            )]);
            self.live.record(&added).await;
        }
    }

    async fn counts_after(
        &self,
        facts: &ActivityFacts,
        presence: Option<Presence>,
        person_id: i64,
    ) -> Option<LiveCounts> {
        match presence {
            // Cheap path: set sizes from the write; whether others on leave came is left to
            // the full count (`/live`), this only discounts the person just scanned.
            Some(p) => Some(LiveCounts::from_presence(
                facts,
                p,
                u64::from(facts.on_leave.contains(&person_id)),
            )),
            None => self.live.counts(facts).await.ok(),
        }
    }

    /// An organiser checks someone in (card scanned or picked from the roster), with a
    /// reason, during or after the activity. Audited.
    pub async fn organiser_check_in(
        &self,
        actor_id: i64,
        plan_id: i64,
        someone: Someone,
        reason: &str,
        request_id: Option<String>,
    ) -> Result<Answer, AttendanceError> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(invalid(
                "reason is required (up to 200 characters), e.g. 无智能手机",
            ));
        }
        let person_id = match someone {
            Someone::Person(id) => id,
            Someone::Card(code) => self
                .signer
                .verify_card(&code)
                .ok_or_else(|| invalid("that card code is not one of ours"))?,
        };
        let person = person::Entity::find_by_id(person_id)
            .one(&self.db)
            .await
            .context("cannot read a person")?
            .filter(|p| p.active)
            .ok_or(AttendanceError::PersonNotFound)?;
        let plan = facts::find_plan(&self.db, plan_id).await?;
        let activity = facts::ensure_activity(&self.db, &plan, &self.settings).await?;
        let facts = self
            .facts
            .by_code(&self.db, &activity.code)
            .await?
            .ok_or(AttendanceError::ActivityNotFound)?;
        if facts.cancelled {
            return Ok(refused(Outcome::Cancelled, facts));
        }
        // Someone on the activity's roster, or someone the organiser manages anyway: never an
        // arbitrary person id from elsewhere in the city recorded as a guest.
        let on_roster = facts.expected.contains(&person.id) || facts.exempt.contains(&person.id);
        if !on_roster
            && !crate::authz::has_role(
                &self.db,
                actor_id,
                crate::authz::MANAGE_PEOPLE,
                person.org_id,
            )
            .await?
        {
            return Err(AttendanceError::PersonOutOfScope);
        }
        let (outcome, attendance) = decision::classify(&facts, person.id);
        let now = clock::now().trunc_subsecs(6);
        let txn = begin_write(&self.db)
            .await
            .context("cannot start a transaction")?;
        let round = match current_presence(&txn, plan_id, person.id).await? {
            Standing::Present(first) => {
                txn.rollback().await.ok();
                let live = self.live.counts(&facts).await.ok();
                return Ok(Answer {
                    outcome: Outcome::AlreadyCheckedIn,
                    checkin_id: Some(first.id),
                    checked_in_at: Some(first.at),
                    attendance: first.attendance,
                    late_sync: false,
                    location_far: first.location_far,
                    activity: Some(ActivityRef::of(&facts)),
                    live,
                });
            }
            Standing::Undone { next_round } => next_round,
        };
        let stored = checkin::ActiveModel {
            plan_id: Set(Some(plan_id)),
            activity_code: Set(activity.code.clone()),
            person_id: Set(person.id),
            outcome: Set(outcome),
            present: Set(true),
            attendance: Set(Some(attendance)),
            round: Set(round),
            method: Set(Method::Organiser),
            at: Set(now),
            location_far: Set(false),
            actor_id: Set(Some(actor_id)),
            reason: Set(Some(reason.to_owned())),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .context("cannot store an organiser check-in")?;
        audit::record(
            &txn,
            request_id,
            AuditEntry {
                actor: Actor::Person(actor_id),
                action: "checkin.organiser",
                target_type: "checkin",
                target_id: stored.id.to_string(),
                org_id: Some(plan.org_id),
                detail: json!({"plan_id": plan_id, "person_id": person.id, "reason": reason, "outcome": outcome.as_str()}),
            },
        )
        .await?;
        txn.commit()
            .await
            .context("cannot commit an organiser check-in")?;
        let added =
            std::collections::HashMap::from([((plan_id, attendance), vec![person.id.to_string()])]);
        let presence = self.live.record(&added).await.get(&plan_id).copied();
        let live = self.counts_after(&facts, presence, person.id).await;
        Ok(Answer {
            outcome,
            checkin_id: Some(stored.id),
            checked_in_at: Some(now),
            attendance: Some(attendance),
            late_sync: false,
            location_far: false,
            activity: Some(ActivityRef::of(&facts)),
            live,
        })
    }

    /// Undoes a mistaken check-in: a new ledger entry naming who and why; the original row
    /// stays. Returns the plan the check-in belonged to.
    pub async fn undo(
        &self,
        actor_id: i64,
        row: &checkin::Model,
        org_id: i64,
        reason: &str,
        request_id: Option<String>,
    ) -> Result<(), AttendanceError> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(invalid("reason is required (up to 200 characters)"));
        }
        let (Some(plan_id), true) = (row.plan_id, row.present) else {
            return Err(invalid(
                "only a check-in that put someone present can be undone",
            ));
        };
        let txn = begin_write(&self.db)
            .await
            .context("cannot start a transaction")?;
        let already = checkin_undo::Entity::find()
            .filter(checkin_undo::Column::CheckinId.eq(row.id))
            .one(&txn)
            .await
            .context("cannot read undo entries")?;
        if already.is_some() {
            return Err(AttendanceError::AlreadyUndone);
        }
        checkin_undo::ActiveModel {
            checkin_id: Set(row.id),
            actor_id: Set(actor_id),
            reason: Set(reason.to_owned()),
            at: Set(clock::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .context("cannot store an undo")?;
        audit::record(
            &txn,
            request_id,
            AuditEntry {
                actor: Actor::Person(actor_id),
                action: "checkin.undo",
                target_type: "checkin",
                target_id: row.id.to_string(),
                org_id: Some(org_id),
                detail: json!({"plan_id": plan_id, "person_id": row.person_id, "reason": reason}),
            },
        )
        .await?;
        txn.commit().await.context("cannot commit an undo")?;
        let attendance = row.attendance.unwrap_or(Attendance::Member);
        self.live.remove(plan_id, row.person_id, attendance).await;
        Ok(())
    }
}

fn refused(outcome: Outcome, facts: Arc<ActivityFacts>) -> Answer {
    Answer {
        outcome,
        checkin_id: None,
        checked_in_at: None,
        attendance: None,
        late_sync: false,
        location_far: false,
        activity: Some(ActivityRef::of(&facts)),
        live: None,
    }
}

enum Standing {
    /// The check-in that makes the person present now.
    Present(Box<checkin::Model>),
    /// Nobody present in any round; the next check-in takes `next_round`.
    Undone { next_round: i32 },
}

async fn current_presence(
    db: &impl ConnectionTrait,
    plan_id: i64,
    person_id: i64,
) -> Result<Standing, AttendanceError> {
    let rows = checkin::Entity::find()
        .filter(checkin::Column::PlanId.eq(plan_id))
        .filter(checkin::Column::PersonId.eq(person_id))
        .filter(checkin::Column::Present.eq(true))
        .order_by_desc(checkin::Column::Round)
        .all(db)
        .await
        .context("cannot read a person's check-ins")?;
    let Some(latest) = rows.into_iter().next() else {
        return Ok(Standing::Undone { next_round: 0 });
    };
    let undone = checkin_undo::Entity::find()
        .filter(checkin_undo::Column::CheckinId.eq(latest.id))
        .one(db)
        .await
        .context("cannot read undo entries")?
        .is_some();
    if undone {
        Ok(Standing::Undone {
            next_round: latest.round + 1,
        })
    } else {
        Ok(Standing::Present(Box::new(latest)))
    }
}
