//! Live counters: per activity, the set of members present and the set of guests, in the
//! cache. The database is the source of truth; these sets are updated right after each
//! durable write and rebuilt from the database whenever they are found incomplete.
//!
//! Completeness is a marker member kept inside each set: a set that vanished (Redis restart,
//! eviction, expiry) and was re-created by a later addition lacks the marker, so the next
//! reader rebuilds it. Sets live for `ttl` after a rebuild, so any drift heals on its own.
use std::{collections::HashMap, time::Duration};

use anyhow::Context;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait, Query},
};
use serde::Serialize;

use super::decision::{ActivityFacts, Attendance};
use crate::{
    cache::{Cache, CacheError, SetAdd},
    entities::{checkin, checkin_undo},
};

const MARKER: &str = "#";
/// Participation below this share is flagged (考勤记录制度: 参与率不低于 80%).
pub const THRESHOLD: f64 = 0.8;

/// Sizes of an activity's presence sets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Presence {
    pub present: u64,
    pub guests: u64,
}

/// The figures a secretary watches.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema, PartialEq)]
pub struct LiveCounts {
    /// 应到: expected participants (exempt people excluded).
    pub expected: u64,
    /// 实到: expected participants checked in.
    pub present: u64,
    /// 请假: approved leave, not present.
    pub on_leave: u64,
    /// 列席: checked in without being expected.
    pub guests: u64,
    /// 缺席: expected, neither present nor on leave.
    pub absent: u64,
    /// present / expected; null when nobody is expected.
    pub rate: Option<f64>,
    pub below_threshold: bool,
}

impl LiveCounts {
    pub fn new(expected: u64, present: u64, on_leave: u64, guests: u64) -> Self {
        let rate = (expected > 0).then(|| present as f64 / expected as f64);
        Self {
            expected,
            present,
            on_leave,
            guests,
            absent: expected.saturating_sub(present + on_leave),
            rate,
            below_threshold: rate.is_some_and(|r| r < THRESHOLD),
        }
    }

    /// Combines facts with set sizes. People on leave who came anyway count as present only.
    pub fn from_presence(facts: &ActivityFacts, presence: Presence, leave_present: u64) -> Self {
        Self::new(
            facts.expected.len() as u64,
            presence.present,
            (facts.on_leave.len() as u64).saturating_sub(leave_present),
            presence.guests,
        )
    }
}

#[derive(Clone)]
pub struct Live {
    cache: Cache,
    db: DatabaseConnection,
    ttl: Duration,
}

/// Who is present at an activity, by kind. The braces are a Redis Cluster hash tag: both
/// sets of one activity live in one slot, so one script updates and reads them together.
pub fn set_key(plan_id: i64, attendance: Attendance) -> String {
    format!("att:{{{plan_id}}}:{}", attendance.as_str())
}

pub fn channel(plan_id: i64) -> String {
    format!("att:{plan_id}:live")
}

impl Live {
    pub fn new(cache: Cache, db: DatabaseConnection, ttl: Duration) -> Self {
        Self { cache, db, ttl }
    }

    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    /// Adds newly present people (after their rows committed) and returns each touched
    /// activity's set sizes. Cache failures degrade to database counts: never an error.
    pub async fn record(
        &self,
        added: &HashMap<(i64, Attendance), Vec<String>>,
    ) -> HashMap<i64, Presence> {
        let mut plans: Vec<i64> = added.keys().map(|(plan, _)| *plan).collect();
        plans.sort_unstable();
        plans.dedup();
        let keys: Vec<(i64, Attendance, String)> = plans
            .iter()
            .flat_map(|plan| {
                [Attendance::Member, Attendance::Guest]
                    .map(|kind| (*plan, kind, set_key(*plan, kind)))
            })
            .collect();
        let empty = Vec::new();
        let batches: Vec<SetAdd<'_>> = keys
            .iter()
            .map(|(plan, kind, key)| SetAdd {
                key,
                members: added.get(&(*plan, *kind)).unwrap_or(&empty),
            })
            .collect();
        let states = self.cache.add_to_sets(&batches, MARKER).await;
        let mut out = HashMap::new();
        match states {
            Ok(states) => {
                for (pair, plan) in states.chunks_exact(2).zip(&plans) {
                    let complete = pair.iter().all(|s| s.has_marker);
                    let presence = if complete {
                        Presence {
                            present: pair[0].len.saturating_sub(1),
                            guests: pair[1].len.saturating_sub(1),
                        }
                    } else {
                        match self.rebuild(*plan).await {
                            Ok(p) => p,
                            Err(err) => {
                                tracing::warn!(error = ?err, plan_id = plan, "cannot rebuild live counters");
                                continue;
                            }
                        }
                    };
                    out.insert(*plan, presence);
                    self.announce(*plan, presence).await;
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "cache unavailable; live counts come from the database");
                for plan in plans {
                    if let Ok(p) = presence_from_db(&self.db, plan).await {
                        out.insert(plan, p);
                    }
                }
            }
        }
        out
    }

    /// The current set sizes of one activity, rebuilt if incomplete, from the database if
    /// the cache is down.
    pub async fn presence(&self, plan_id: i64) -> anyhow::Result<Presence> {
        let keys = [
            set_key(plan_id, Attendance::Member),
            set_key(plan_id, Attendance::Guest),
        ];
        let batches = keys.each_ref().map(|key| SetAdd { key, members: &[] });
        match self.cache.add_to_sets(&batches, MARKER).await {
            Ok(states) if states.iter().all(|s| s.has_marker) => Ok(Presence {
                present: states[0].len.saturating_sub(1),
                guests: states[1].len.saturating_sub(1),
            }),
            Ok(_) => match self.rebuild(plan_id).await {
                Ok(p) => Ok(p),
                Err(_) => presence_from_db(&self.db, plan_id).await,
            },
            Err(_) => presence_from_db(&self.db, plan_id).await,
        }
    }

    /// Full counts for an activity: set sizes plus who on leave came anyway.
    pub async fn counts(&self, facts: &ActivityFacts) -> anyhow::Result<LiveCounts> {
        let presence = self.presence(facts.plan_id).await?;
        let on_leave: Vec<String> = facts.on_leave.iter().map(i64::to_string).collect();
        let leave_present = match self
            .cache
            .set_contains(&set_key(facts.plan_id, Attendance::Member), &on_leave)
            .await
        {
            Ok(found) => found.into_iter().filter(|f| *f).count() as u64,
            Err(_) => {
                present_among(
                    &self.db,
                    facts.plan_id,
                    &facts.on_leave.iter().copied().collect::<Vec<_>>(),
                )
                .await?
            }
        };
        Ok(LiveCounts::from_presence(facts, presence, leave_present))
    }

    /// Reads who is present from the database and refills both sets (marker included).
    pub async fn rebuild(&self, plan_id: i64) -> anyhow::Result<Presence> {
        let rows = present_rows(&self.db, plan_id).await?;
        let mut members = vec![MARKER.to_owned()];
        let mut guests = vec![MARKER.to_owned()];
        for (person_id, attendance) in rows {
            match attendance {
                Attendance::Member => members.push(person_id.to_string()),
                Attendance::Guest => guests.push(person_id.to_string()),
            }
        }
        for (kind, list) in [(Attendance::Member, &members), (Attendance::Guest, &guests)] {
            self.cache
                .fill_set(&set_key(plan_id, kind), list, self.ttl)
                .await
                .map_err(cache_err)?;
        }
        tracing::info!(
            plan_id,
            present = members.len() - 1,
            guests = guests.len() - 1,
            "live counters rebuilt from the database"
        );
        Ok(Presence {
            present: members.len() as u64 - 1,
            guests: guests.len() as u64 - 1,
        })
    }

    /// After an undo: the person leaves the set (if the set is incomplete, the next read
    /// rebuilds it from the database, which already has the undo).
    pub async fn remove(&self, plan_id: i64, person_id: i64, attendance: Attendance) {
        if let Err(err) = self
            .cache
            .remove_from_set(&set_key(plan_id, attendance), &person_id.to_string())
            .await
        {
            tracing::warn!(error = %err, plan_id, "cannot update live counters after an undo");
        }
        if let Ok(presence) = self.presence(plan_id).await {
            self.announce(plan_id, presence).await;
        }
    }

    /// Tells every display of the activity, on any instance, that the counts moved. Sent in
    /// the background: a projector may learn a millisecond later, a member's answer must not
    /// wait for it.
    async fn announce(&self, plan_id: i64, presence: Presence) {
        let message = format!("{} {}", presence.present, presence.guests);
        let cache = self.cache.clone();
        tokio::spawn(async move {
            if let Err(err) = cache.publish(&channel(plan_id), &message).await {
                tracing::debug!(error = %err, plan_id, "cannot announce live counts");
            }
        });
    }
}

fn cache_err(err: CacheError) -> anyhow::Error {
    anyhow::anyhow!(err)
}

/// (person, attendance) of everyone present at an activity: present rows not undone.
pub async fn present_rows(
    db: &impl ConnectionTrait,
    plan_id: i64,
) -> anyhow::Result<Vec<(i64, Attendance)>> {
    let undone = Query::select()
        .column(checkin_undo::Column::CheckinId)
        .from(checkin_undo::Entity)
        .to_owned();
    let rows: Vec<(i64, Option<Attendance>)> = checkin::Entity::find()
        .select_only()
        .column(checkin::Column::PersonId)
        .column(checkin::Column::Attendance)
        .filter(checkin::Column::PlanId.eq(plan_id))
        .filter(checkin::Column::Present.eq(true))
        .filter(Expr::col(checkin::Column::Id).not_in_subquery(undone))
        .into_tuple()
        .all(db)
        .await
        .context("cannot read who is present")?;
    Ok(rows
        .into_iter()
        // A present row without an attendance predates the column; it never counted in the rate.
        .map(|(person, attendance)| (person, attendance.unwrap_or(Attendance::Guest)))
        .collect())
}

/// Counted in the database, without reading the rows: used while the cache is down.
async fn presence_from_db(db: &DatabaseConnection, plan_id: i64) -> anyhow::Result<Presence> {
    let undone = Query::select()
        .column(checkin_undo::Column::CheckinId)
        .from(checkin_undo::Entity)
        .to_owned();
    let counts: Vec<(Option<Attendance>, i64)> = checkin::Entity::find()
        .select_only()
        .column(checkin::Column::Attendance)
        .column_as(checkin::Column::Id.count(), "n")
        .filter(checkin::Column::PlanId.eq(plan_id))
        .filter(checkin::Column::Present.eq(true))
        .filter(Expr::col(checkin::Column::Id).not_in_subquery(undone))
        .group_by(checkin::Column::Attendance)
        .into_tuple()
        .all(db)
        .await
        .context("cannot count who is present")?;
    let mut presence = Presence::default();
    for (attendance, n) in counts {
        let n = u64::try_from(n).unwrap_or(0);
        match attendance {
            Some(Attendance::Member) => presence.present += n,
            _ => presence.guests += n,
        }
    }
    Ok(presence)
}

async fn present_among(
    db: &DatabaseConnection,
    plan_id: i64,
    people: &[i64],
) -> anyhow::Result<u64> {
    if people.is_empty() {
        return Ok(0);
    }
    let rows = present_rows(db, plan_id).await?;
    Ok(rows
        .iter()
        .filter(|(person, a)| *a == Attendance::Member && people.contains(person))
        .count() as u64)
}
