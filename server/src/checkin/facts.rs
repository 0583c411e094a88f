//! Activities as the check-in path sees them: the `activity` row made on demand for a filed
//! plan, its check-in period, and the facts a scan is decided on, cached for a moment so the
//! hot path does not read the roster on every request.
use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use anyhow::Context;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, Set,
    sea_query::{Expr, ExprTrait, Query},
};

use super::{decision::ActivityFacts, error::AttendanceError, token::Rotation};
use crate::{
    cache::Cache,
    clock,
    config::CheckinSettings,
    domain::PlanStatus,
    entities::{
        activity, activity_plan, exemption, leave_request, organisation, person, plan_participant,
    },
};

/// Letters and digits that cannot be mistaken for one another when read aloud or typed
/// (no I, O, 0, 1): 32 symbols, 8 of them give 40 bits.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const CODE_LEN: usize = 8;

pub fn is_activity_code(raw: &str) -> bool {
    raw.len() == CODE_LEN && raw.bytes().all(|b| CODE_ALPHABET.contains(&b))
}

pub fn new_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LEN)
        .map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char)
        .collect()
}

/// When check-in opens and closes (Asia/Shanghai).
pub fn check_in_period(
    plan: &activity_plan::Model,
) -> (DateTime<FixedOffset>, DateTime<FixedOffset>) {
    let at = |time: &str, minutes: i32| {
        let time = NaiveTime::parse_from_str(time, "%H:%M").unwrap_or_default();
        plan.activity_date
            .and_time(time)
            .checked_add_signed(chrono::Duration::minutes(minutes.into()))
            .and_then(|local| clock::shanghai().from_local_datetime(&local).single())
            .unwrap_or_else(clock::now)
    };
    (
        at(&plan.start_time, -plan.checkin_opens_minutes_before),
        at(&plan.end_time, plan.checkin_closes_minutes_after),
    )
}

/// upcoming, open, closed or cancelled, as organisers and members see an activity.
pub fn phase(plan: &activity_plan::Model, activity: &activity::Model) -> &'static str {
    let (opens, closes) = check_in_period(plan);
    let now = clock::now();
    if activity.cancelled_at.is_some() {
        "cancelled"
    } else if now < opens {
        "upcoming"
    } else if now <= closes {
        "open"
    } else {
        "closed"
    }
}

/// When the activity starts (leave must be asked for before this).
pub fn starts_at(plan: &activity_plan::Model) -> DateTime<FixedOffset> {
    let time = NaiveTime::parse_from_str(&plan.start_time, "%H:%M").unwrap_or_default();
    clock::shanghai()
        .from_local_datetime(&plan.activity_date.and_time(time))
        .single()
        .unwrap_or_else(clock::now)
}

pub async fn find_plan(
    db: &impl ConnectionTrait,
    plan_id: i64,
) -> Result<activity_plan::Model, AttendanceError> {
    activity_plan::Entity::find_by_id(plan_id)
        .one(db)
        .await
        .context("cannot read a plan")?
        .ok_or(AttendanceError::ActivityNotFound)
}

/// The activity of a filed plan, made the first time anyone asks for it. Plans still in
/// drafting or review have no activity: nothing may be checked in against an unfiled plan.
pub async fn ensure_activity(
    db: &impl ConnectionTrait,
    plan: &activity_plan::Model,
    settings: &CheckinSettings,
) -> Result<activity::Model, AttendanceError> {
    if let Some(existing) = activity::Entity::find_by_id(plan.id)
        .one(db)
        .await
        .context("cannot read an activity")?
    {
        return Ok(existing);
    }
    if plan.status != PlanStatus::Filed {
        return Err(AttendanceError::NotFiled(
            "this plan has not been filed by its committee yet; check-in opens once it is".into(),
        ));
    }
    let now = clock::now();
    // A code collision (1 in 10¹² per pair) or a concurrent first request just tries again.
    for _ in 0..5 {
        let inserted = activity::ActiveModel {
            plan_id: Set(plan.id),
            code: Set(new_code()),
            window_seconds: Set(settings.window_seconds as i32),
            require_location: Set(false),
            offline_static: Set(false),
            radius_m: Set(settings.radius_m as i32),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await;
        match inserted {
            Ok(model) => return Ok(model),
            Err(err) => {
                if let Some(existing) = activity::Entity::find_by_id(plan.id)
                    .one(db)
                    .await
                    .context("cannot read an activity")?
                {
                    return Ok(existing);
                }
                tracing::warn!(error = %err, plan_id = plan.id, "activity code taken; trying another");
            }
        }
    }
    Err(anyhow::anyhow!("could not allocate an activity code").into())
}

pub async fn find_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> anyhow::Result<Option<activity::Model>> {
    activity::Entity::find()
        .filter(activity::Column::Code.eq(code))
        .one(db)
        .await
        .context("cannot read an activity by code")
}

/// People exempt on `day`: the org's members flagged on the roster, and approved exemptions
/// covering the day, not revoked.
pub async fn exempt_on(
    db: &impl ConnectionTrait,
    org_id: i64,
    day: NaiveDate,
) -> anyhow::Result<HashSet<i64>> {
    let mut exempt: HashSet<i64> = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .filter(person::Column::OrgId.eq(org_id))
        .filter(person::Column::Exempt.eq(true))
        .into_tuple::<i64>()
        .all(db)
        .await
        .context("cannot read the org's exempt members")?
        .into_iter()
        .collect();
    let members = Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .and_where(Expr::col(person::Column::OrgId).eq(org_id))
        .to_owned();
    let covered: Vec<(i64, Option<NaiveDate>)> = exemption::Entity::find()
        .select_only()
        .column(exemption::Column::PersonId)
        .column(exemption::Column::ValidUntil)
        .filter(exemption::Column::PersonId.in_subquery(members))
        .filter(exemption::Column::RevokedAt.is_null())
        .filter(exemption::Column::ValidFrom.lte(day))
        .into_tuple()
        .all(db)
        .await
        .context("cannot read exemptions")?;
    exempt.extend(
        covered
            .into_iter()
            .filter(|(_, until)| until.is_none_or(|until| until >= day))
            .map(|(person, _)| person),
    );
    Ok(exempt)
}

/// Everything a scan is decided on, read fresh from the database.
pub async fn load_facts(
    db: &impl ConnectionTrait,
    activity: &activity::Model,
) -> anyhow::Result<Option<ActivityFacts>> {
    let Some(plan) = activity_plan::Entity::find_by_id(activity.plan_id)
        .one(db)
        .await
        .context("cannot read a plan")?
    else {
        return Ok(None);
    };
    let org_name = organisation::Entity::find_by_id(plan.org_id)
        .one(db)
        .await
        .context("cannot read an organisation")?
        .map(|o| o.name)
        .unwrap_or_default();
    let participants: Vec<(i64, bool)> = plan_participant::Entity::find()
        .select_only()
        .column(plan_participant::Column::PersonId)
        .column(plan_participant::Column::Invited)
        .filter(plan_participant::Column::PlanId.eq(plan.id))
        .into_tuple()
        .all(db)
        .await
        .context("cannot read participants")?;
    let exempt = exempt_on(db, plan.org_id, plan.activity_date).await?;
    // The participation rate is a rate of Party members: invited activists are welcome and
    // recorded, never expected.
    let invited: HashSet<i64> = participants
        .iter()
        .filter(|(_, invited)| *invited)
        .map(|(id, _)| *id)
        .collect();
    let expected: HashSet<i64> = participants
        .into_iter()
        .filter(|(id, invited)| !invited && !exempt.contains(id))
        .map(|(id, _)| id)
        .collect();
    let on_leave: HashSet<i64> = leave_request::Entity::find()
        .select_only()
        .column(leave_request::Column::PersonId)
        .filter(leave_request::Column::PlanId.eq(plan.id))
        .filter(leave_request::Column::Status.eq(crate::domain::LeaveStatus::Approved))
        .into_tuple::<i64>()
        .all(db)
        .await
        .context("cannot read leave")?
        .into_iter()
        .filter(|id| expected.contains(id))
        .collect();
    let (opens, closes) = check_in_period(&plan);
    Ok(Some(ActivityFacts {
        plan_id: plan.id,
        org_id: plan.org_id,
        org_name,
        theme: plan.theme.clone(),
        code: activity.code.clone(),
        rotation: Rotation {
            seconds: u32::try_from(activity.window_seconds).unwrap_or(0),
        },
        opens_at: opens.timestamp(),
        closes_at: closes.timestamp(),
        cancelled: activity.cancelled_at.is_some(),
        require_location: activity.require_location,
        offline_static: activity.offline_static,
        place: plan.latitude.zip(plan.longitude),
        radius_m: f64::from(activity.radius_m),
        expected,
        exempt,
        invited,
        on_leave,
        elsewhere: HashSet::new(),
    }))
}

/// The facts at one branch's venue of a themed activity (集中主题活动): the activity's, with
/// the venue's own code, and only that branch's members expected there.
async fn venue_facts(
    db: &impl ConnectionTrait,
    code: &str,
) -> anyhow::Result<Option<ActivityFacts>> {
    let Some(venue) = crate::entities::themed_venue::Entity::find()
        .filter(crate::entities::themed_venue::Column::Code.eq(code))
        .one(db)
        .await
        .context("cannot read a venue")?
    else {
        return Ok(None);
    };
    let Some(activity) = activity::Entity::find_by_id(venue.plan_id)
        .one(db)
        .await
        .context("cannot read an activity")?
    else {
        return Ok(None);
    };
    let Some(mut facts) = load_facts(db, &activity).await? else {
        return Ok(None);
    };
    let everyone: Vec<i64> = facts
        .expected
        .iter()
        .chain(&facts.exempt)
        .chain(&facts.invited)
        .copied()
        .collect();
    let mut here = HashSet::new();
    for chunk in everyone.chunks(500) {
        let rows: Vec<i64> = crate::entities::person::Entity::find()
            .select_only()
            .column(crate::entities::person::Column::Id)
            .filter(crate::entities::person::Column::Id.is_in(chunk.iter().copied()))
            .filter(crate::entities::person::Column::OrgId.eq(venue.branch_id))
            .into_tuple()
            .all(db)
            .await
            .context("cannot read a branch's members")?;
        here.extend(rows);
    }
    facts.elsewhere = everyone
        .into_iter()
        .filter(|id| !here.contains(id))
        .collect();
    facts.expected.retain(|id| here.contains(id));
    facts.exempt.retain(|id| here.contains(id));
    facts.invited.retain(|id| here.contains(id));
    facts.on_leave.retain(|id| here.contains(id));
    facts.code = venue.code;
    // Each branch meets in its own room: the activity's map position is not theirs.
    facts.place = None;
    facts.require_location = false;
    Ok(Some(facts))
}

/// Facts by activity code, kept for `ttl`. Writes in this process (leave decided, settings
/// changed, activity cancelled) call `forget`; other instances see them within `ttl`.
struct Entry {
    loaded_at: Instant,
    checked_at: Instant,
    version: Option<String>,
    facts: Arc<ActivityFacts>,
    /// One background task checks or reloads an expired entry; scans keep deciding on the
    /// facts they have meanwhile instead of all reading the roster at once.
    reloading: bool,
}

type Entries = HashMap<String, Entry>;

/// Bumped (in the shared cache) by every write that changes what scans are decided on, so
/// every instance notices within `ttl` without rereading rosters that did not change.
const VERSION_KEY: &str = "facts:version";
/// Even without a bump, facts are reread this often (a roster import, a person's flag).
const MAX_AGE: Duration = Duration::from_secs(60);

/// Tells every instance (within its `facts_ttl_ms`) that some activity's facts changed.
pub async fn facts_changed(cache: &Cache) {
    if let Err(err) = cache.incr_by(VERSION_KEY, 1).await {
        tracing::warn!(error = %err, "cannot tell other instances that activity facts changed");
    }
}

/// Facts by activity code. Every `ttl` an entry is checked against the shared version
/// (one cache read) and reloaded only when something changed or it is older than a minute.
#[derive(Clone)]
pub struct FactsCache {
    ttl: Duration,
    cache: Cache,
    entries: Arc<Mutex<Entries>>,
}

impl FactsCache {
    pub fn new(ttl: Duration, cache: Cache) -> Self {
        Self {
            ttl,
            cache,
            entries: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        // Entries are whole values swapped in one insert; a poisoned lock holds nothing torn.
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Call after changing an activity, its participants, leave or exemptions.
    pub async fn invalidate(&self) {
        self.entries().clear();
        facts_changed(&self.cache).await;
    }

    async fn version(&self) -> Option<String> {
        self.cache
            .get(VERSION_KEY)
            .await
            .ok()
            .map(|v| v.unwrap_or_default())
    }

    /// `None` when no activity has this code. An expired entry is still answered at once
    /// while a background task checks it, so no scan waits for a roster to be read (a large
    /// activity's roster takes a noticeable fraction of a second).
    pub async fn by_code(
        &self,
        db: &DatabaseConnection,
        code: &str,
    ) -> anyhow::Result<Option<Arc<ActivityFacts>>> {
        if self.ttl.is_zero() {
            // No caching at all: every scan sees the database as it is (tests use this).
            return self.load(db, code).await;
        }
        {
            let mut entries = self.entries();
            if let Some(entry) = entries.get_mut(code) {
                if entry.checked_at.elapsed() >= self.ttl && !entry.reloading {
                    entry.reloading = true;
                    let (known, fresh) =
                        (entry.version.clone(), entry.loaded_at.elapsed() < MAX_AGE);
                    let (this, db, code) = (self.clone(), db.clone(), code.to_owned());
                    tokio::spawn(async move {
                        let current = this.version().await;
                        if fresh && current.is_some() && current == known {
                            if let Some(entry) = this.entries().get_mut(&code) {
                                entry.checked_at = Instant::now();
                                entry.reloading = false;
                            }
                        } else if let Err(err) = this.reload(&db, &code, current).await {
                            tracing::warn!(error = ?err, code, "cannot reload activity facts");
                        }
                    });
                }
                return Ok(Some(entry.facts.clone()));
            }
        }
        let version = self.version().await;
        self.reload(db, code, version).await
    }

    async fn reload(
        &self,
        db: &DatabaseConnection,
        code: &str,
        version: Option<String>,
    ) -> anyhow::Result<Option<Arc<ActivityFacts>>> {
        let loaded = self.load(db, code).await;
        let mut entries = self.entries();
        match loaded {
            Ok(Some(facts)) => {
                // Bounded: stale entries go when the map grows past a day's activities.
                if entries.len() > 10_000 {
                    entries.retain(|_, e| e.loaded_at.elapsed() < MAX_AGE);
                }
                let now = Instant::now();
                entries.insert(
                    code.to_owned(),
                    Entry {
                        loaded_at: now,
                        checked_at: now,
                        version,
                        facts: facts.clone(),
                        reloading: false,
                    },
                );
                Ok(Some(facts))
            }
            Ok(None) => {
                entries.remove(code);
                Ok(None)
            }
            Err(err) => {
                if let Some(entry) = entries.get_mut(code) {
                    entry.reloading = false;
                }
                Err(err)
            }
        }
    }

    async fn load(
        &self,
        db: &DatabaseConnection,
        code: &str,
    ) -> anyhow::Result<Option<Arc<ActivityFacts>>> {
        let Some(activity) = find_by_code(db, code).await? else {
            return Ok(venue_facts(db, code).await?.map(Arc::new));
        };
        Ok(load_facts(db, &activity).await?.map(Arc::new))
    }
}
