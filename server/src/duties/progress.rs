//! The year against the quotas. Everything a count needs is read once for a whole list of
//! people (`Record::load`: a fixed number of statements, one more per 500 people), then
//! each person is assessed by a pure function, so one leader's page and the organisation
//! department's list of a city count alike.
use std::collections::{BTreeSet, HashMap};

use anyhow::Context;
use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    DutyKind, EvidenceSource, QuotaKind,
    contact_points::{of_people, visible_person},
    error::DutyError,
    log::{check_year, entries_in_year, superseded_among, today, year_bounds},
    talks::held_in_year,
};
use crate::{
    authz::{self, Caller, READ_DIRECTORY},
    config::DutySettings,
    domain::{LeaderLevel, MemberStatus, OrgKind, PartyPost, PlanCategory, PlanStatus},
    entities::{activity_plan, checkin, contact_point, duty_entry, organisation, person, talk},
};

#[derive(Serialize, ToSchema)]
pub struct Evidence {
    pub source: EvidenceSource,
    pub date: NaiveDate,
    pub org_name: Option<String>,
    /// The entry's topic or place, the activity's theme, or whom a talk was with (never
    /// what was said).
    pub detail: String,
}

#[derive(Serialize, ToSchema)]
pub struct Owed {
    pub person_id: i64,
    pub name: String,
    /// Talks still owed to this person this year.
    pub owed: u32,
}

#[derive(Serialize, ToSchema)]
pub struct Quota {
    pub kind: QuotaKind,
    pub label: &'static str,
    /// `null`: counted, without a quota (micro-research is encouraged).
    pub required: Option<u32>,
    pub done: u32,
    pub met: bool,
    /// For per-person talk quotas: who is still owed a talk.
    pub owed: Vec<Owed>,
    pub evidence: Vec<Evidence>,
}

#[derive(Serialize, ToSchema)]
pub struct DutyProgress {
    pub year: i32,
    pub person_id: i64,
    pub name: String,
    pub org_name: String,
    pub items: Vec<Quota>,
}

/// A plan a leader took part in at a contact point, or gave the lecture of.
struct PlanFact {
    org_id: i64,
    date: NaiveDate,
    theme: String,
}

/// Everything the quotas of a list of people depend on, read once.
struct Record {
    orgs: HashMap<i64, organisation::Model>,
    org_names: HashMap<i64, String>,
    entries: HashMap<i64, Vec<duty_entry::Model>>,
    contact_points: HashMap<i64, Vec<contact_point::Model>>,
    attended: HashMap<i64, Vec<PlanFact>>,
    lectures: HashMap<i64, Vec<PlanFact>>,
    talks: HashMap<i64, Vec<talk::Model>>,
    /// Per higher organisation: the secretaries of the organisations directly under it.
    secretaries_below: HashMap<i64, Vec<(i64, String)>>,
    /// Per branch: its members.
    members: HashMap<i64, Vec<(i64, String)>>,
}

fn group<T>(rows: impl IntoIterator<Item = T>, key: impl Fn(&T) -> i64) -> HashMap<i64, Vec<T>> {
    let mut out: HashMap<i64, Vec<T>> = HashMap::new();
    for row in rows {
        out.entry(key(&row)).or_default().push(row);
    }
    out
}

/// A head of a higher Party organisation (city, county, committee) by the roster.
fn heads_higher_org(p: &person::Model, org: Option<&organisation::Model>) -> bool {
    p.party_post == Some(PartyPost::Secretary)
        && org.is_some_and(|o| {
            matches!(
                o.kind,
                OrgKind::City | OrgKind::District | OrgKind::Committee
            )
        })
}

fn heads_branch(p: &person::Model, org: Option<&organisation::Model>) -> bool {
    p.party_post == Some(PartyPost::Secretary) && org.is_some_and(|o| o.kind == OrgKind::Branch)
}

async fn orgs_by_id(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> anyhow::Result<HashMap<i64, organisation::Model>> {
    let ids: BTreeSet<i64> = ids.into_iter().collect();
    let ids: Vec<i64> = ids.into_iter().collect();
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        for org in organisation::Entity::find()
            .filter(organisation::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await
            .context("cannot read organisations")?
        {
            out.insert(org.id, org);
        }
    }
    Ok(out)
}

/// Active people of `orgs` matching `filter`, as (org, id, name).
pub(crate) async fn people_of(
    db: &impl ConnectionTrait,
    orgs: &[i64],
    filter: Condition,
) -> anyhow::Result<Vec<person::Model>> {
    let mut out = Vec::new();
    for chunk in orgs.chunks(500) {
        out.extend(
            person::Entity::find()
                .filter(person::Column::OrgId.is_in(chunk.iter().copied()))
                .filter(person::Column::Active.eq(true))
                .filter(filter.clone())
                .order_by_asc(person::Column::Name)
                .order_by_asc(person::Column::Id)
                .all(db)
                .await
                .context("cannot read people of organisations")?,
        );
    }
    Ok(out)
}

impl Record {
    async fn load(
        db: &impl ConnectionTrait,
        people: &[person::Model],
        year: i32,
    ) -> anyhow::Result<Self> {
        let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
        let (first, last) = year_bounds(year)?;
        let last = last.min(today());
        let mut orgs = orgs_by_id(db, people.iter().map(|p| p.org_id)).await?;

        let entries = entries_in_year(db, &ids, year).await?;
        let superseded =
            superseded_among(db, &entries.iter().map(|e| e.id).collect::<Vec<_>>()).await?;
        let entries = group(
            entries.into_iter().filter(|e| !superseded.contains(&e.id)),
            |e| e.person_id,
        );
        let contact_points = of_people(db, &ids).await?;
        let point_orgs: BTreeSet<i64> = contact_points.iter().map(|cp| cp.org_id).collect();
        let point_orgs: Vec<i64> = point_orgs.into_iter().collect();

        // Activities at contact points this year, and who was present at them.
        let mut plans = Vec::new();
        for chunk in point_orgs.chunks(500) {
            plans.extend(
                activity_plan::Entity::find()
                    .filter(activity_plan::Column::OrgId.is_in(chunk.iter().copied()))
                    .filter(activity_plan::Column::ActivityDate.between(first, last))
                    .all(db)
                    .await
                    .context("cannot read the contact points' plans")?,
            );
        }
        let plan_by_id: HashMap<i64, &activity_plan::Model> =
            plans.iter().map(|p| (p.id, p)).collect();
        let plan_ids: Vec<i64> = plan_by_id.keys().copied().collect();
        let mut presences: Vec<(i64, i64)> = Vec::new();
        for plan_chunk in plan_ids.chunks(500) {
            for people_chunk in ids.chunks(500) {
                let rows: Vec<(i64, Option<i64>)> = checkin::Entity::find()
                    .select_only()
                    .column(checkin::Column::PersonId)
                    .column(checkin::Column::PlanId)
                    .filter(checkin::Column::PlanId.is_in(plan_chunk.iter().copied()))
                    .filter(checkin::Column::PersonId.is_in(people_chunk.iter().copied()))
                    .filter(checkin::Column::Present.eq(true))
                    .into_tuple()
                    .all(db)
                    .await
                    .context("cannot read check-ins at contact points")?;
                presences.extend(
                    rows.into_iter()
                        .filter_map(|(person, plan)| Some((person, plan?))),
                );
            }
        }
        presences.sort_unstable();
        presences.dedup();
        let mut attended: HashMap<i64, Vec<PlanFact>> = HashMap::new();
        for (person_id, plan_id) in presences {
            if let Some(plan) = plan_by_id.get(&plan_id) {
                attended.entry(person_id).or_default().push(PlanFact {
                    org_id: plan.org_id,
                    date: plan.activity_date,
                    theme: plan.theme.clone(),
                });
            }
        }

        // Party lectures (approved, held) naming one of these people as speaker.
        let mut lectures: HashMap<i64, Vec<PlanFact>> = HashMap::new();
        for chunk in ids.chunks(500) {
            for plan in activity_plan::Entity::find()
                .filter(activity_plan::Column::SpeakerPersonId.is_in(chunk.iter().copied()))
                .filter(activity_plan::Column::Category.eq(PlanCategory::PartyLecture))
                .filter(activity_plan::Column::Status.eq(PlanStatus::Filed))
                .filter(activity_plan::Column::ActivityDate.between(first, last))
                .all(db)
                .await
                .context("cannot read Party lectures")?
            {
                if let Some(speaker) = plan.speaker_person_id {
                    lectures.entry(speaker).or_default().push(PlanFact {
                        org_id: plan.org_id,
                        date: plan.activity_date,
                        theme: plan.theme,
                    });
                }
            }
        }

        let talks = group(held_in_year(db, &ids, year).await?, |t| t.leader_id);

        // Whom heads of organisations owe talks.
        let higher: Vec<i64> = people
            .iter()
            .filter(|p| heads_higher_org(p, orgs.get(&p.org_id)))
            .map(|p| p.org_id)
            .collect();
        let mut children = Vec::new();
        for chunk in higher.chunks(500) {
            children.extend(
                organisation::Entity::find()
                    .filter(organisation::Column::ParentId.is_in(chunk.iter().copied()))
                    .all(db)
                    .await
                    .context("cannot read the organisations under a committee")?,
            );
        }
        let child_ids: Vec<i64> = children.iter().map(|o| o.id).collect();
        let child_secretaries = people_of(
            db,
            &child_ids,
            Condition::all().add(person::Column::PartyPost.eq(PartyPost::Secretary)),
        )
        .await?;
        let parent_of: HashMap<i64, i64> = children
            .iter()
            .filter_map(|o| Some((o.id, o.parent_id?)))
            .collect();
        let mut secretaries_below: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
        for s in child_secretaries {
            if let Some(parent) = parent_of.get(&s.org_id) {
                secretaries_below
                    .entry(*parent)
                    .or_default()
                    .push((s.id, s.name));
            }
        }
        let branches: Vec<i64> = people
            .iter()
            .filter(|p| heads_branch(p, orgs.get(&p.org_id)))
            .map(|p| p.org_id)
            .collect();
        let members = people_of(
            db,
            &branches,
            Condition::all().add(
                person::Column::Status.is_in([MemberStatus::Full, MemberStatus::Probationary]),
            ),
        )
        .await?;
        let mut by_branch: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
        for m in members {
            by_branch.entry(m.org_id).or_default().push((m.id, m.name));
        }

        let named = point_orgs
            .iter()
            .copied()
            .chain(entries.values().flatten().filter_map(|e| e.org_id));
        let org_names = crate::orgs::names(db, named).await?;
        for child in children {
            orgs.entry(child.id).or_insert(child);
        }
        Ok(Self {
            orgs,
            org_names,
            entries,
            contact_points: group(contact_points, |cp| cp.person_id),
            attended,
            lectures,
            talks,
            secretaries_below,
            members: by_branch,
        })
    }

    fn org_name(&self, id: Option<i64>) -> Option<String> {
        id.and_then(|id| self.org_names.get(&id).cloned())
    }

    /// Whether `org_id` was one of the person's contact points on `day`.
    fn is_contact_point(&self, person_id: i64, org_id: i64, day: NaiveDate) -> bool {
        self.contact_points.get(&person_id).is_some_and(|points| {
            points
                .iter()
                .any(|cp| cp.org_id == org_id && cp.covers(day))
        })
    }
}

fn quota(kind: QuotaKind, required: Option<u32>, done: u32, evidence: Vec<Evidence>) -> Quota {
    Quota {
        kind,
        label: kind.label(),
        required,
        done,
        met: required.is_none_or(|r| done >= r),
        owed: Vec::new(),
        evidence,
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The quotas that apply to `person` and how far they are met.
fn assess(
    person: &person::Model,
    record: &Record,
    settings: &DutySettings,
    year: i32,
) -> anyhow::Result<Vec<Quota>> {
    let (first, last) = year_bounds(year)?;
    let last = last.min(today());
    let org = record.orgs.get(&person.org_id);
    let no_entries = Vec::new();
    let entries = record.entries.get(&person.id).unwrap_or(&no_entries);
    let of_kind = |kinds: &[DutyKind]| -> Vec<&duty_entry::Model> {
        entries.iter().filter(|e| kinds.contains(&e.kind)).collect()
    };
    let entry_evidence = |e: &duty_entry::Model| Evidence {
        source: EvidenceSource::Entry,
        date: e.starts_on,
        org_name: record.org_name(e.org_id),
        detail: [e.kind.label(), e.topic.as_str(), e.place.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
    };
    let days_in = |kinds: &[DutyKind]| -> (u32, Vec<Evidence>) {
        let mut days = BTreeSet::new();
        let mut evidence = Vec::new();
        for e in of_kind(kinds) {
            let mut day = e.starts_on.max(first);
            while day <= e.ends_on.min(last) {
                days.insert(day);
                day = day.succ_opt().unwrap_or(NaiveDate::MAX);
            }
            evidence.push(entry_evidence(e));
        }
        (count(days.len()), evidence)
    };
    let entries_of = |kind: DutyKind| -> (u32, Vec<Evidence>) {
        let evidence: Vec<Evidence> = of_kind(&[kind]).into_iter().map(entry_evidence).collect();
        (count(evidence.len()), evidence)
    };
    let at_points = |facts: Option<&Vec<PlanFact>>,
                     source: EvidenceSource|
     -> Vec<(i64, NaiveDate, Evidence)> {
        facts
            .into_iter()
            .flatten()
            .filter(|f| record.is_contact_point(person.id, f.org_id, f.date))
            .map(|f| {
                (
                    f.org_id,
                    f.date,
                    Evidence {
                        source,
                        date: f.date,
                        org_name: record.org_name(Some(f.org_id)),
                        detail: f.theme.clone(),
                    },
                )
            })
            .collect()
    };

    let mut items = Vec::new();
    if person.leader_level.is_some() {
        let research: Vec<DutyKind> = DutyKind::ALL
            .iter()
            .copied()
            .filter(|k| k.is_research_time())
            .collect();
        let (done, evidence) = days_in(&research);
        items.push(quota(
            QuotaKind::ResearchDays,
            Some(settings.research_days_target),
            done,
            evidence,
        ));
        let (done, evidence) = days_in(&[DutyKind::Stationed]);
        items.push(quota(
            QuotaKind::StationedDays,
            Some(settings.stationed_days_target),
            done,
            evidence,
        ));
        let (done, evidence) = entries_of(DutyKind::MicroResearch);
        items.push(quota(QuotaKind::MicroResearch, None, done, evidence));
        let (done, evidence) = entries_of(DutyKind::ResearchReport);
        items.push(quota(QuotaKind::ResearchReports, Some(1), done, evidence));

        // A visit is a day at a contact point: logged, or proved by a check-in there.
        let checked_in = at_points(record.attended.get(&person.id), EvidenceSource::Checkin);
        let mut visit_days = BTreeSet::new();
        let mut evidence = Vec::new();
        for e in of_kind(&[DutyKind::ContactVisit]) {
            if visit_days.insert((e.org_id.unwrap_or_default(), e.starts_on)) {
                evidence.push(entry_evidence(e));
            }
        }
        for (org_id, date, proof) in &checked_in {
            if visit_days.insert((*org_id, *date)) {
                evidence.push(Evidence {
                    source: proof.source,
                    date: proof.date,
                    org_name: proof.org_name.clone(),
                    detail: proof.detail.clone(),
                });
            }
        }
        items.push(quota(
            QuotaKind::ContactVisits,
            Some(2),
            count(visit_days.len()),
            evidence,
        ));

        let (done, mut evidence) = entries_of(DutyKind::ContactOrgLife);
        let done = done + count(checked_in.len());
        evidence.extend(checked_in.into_iter().map(|(_, _, proof)| proof));
        items.push(quota(QuotaKind::ContactOrgLife, Some(1), done, evidence));
        let (done, evidence) = entries_of(DutyKind::ContactResearch);
        items.push(quota(QuotaKind::ContactResearch, Some(1), done, evidence));
        let (done, mut evidence) = entries_of(DutyKind::ContactLecture);
        let lectures = at_points(record.lectures.get(&person.id), EvidenceSource::Plan);
        let done = done + count(lectures.len());
        evidence.extend(lectures.into_iter().map(|(_, _, proof)| proof));
        items.push(quota(QuotaKind::ContactLecture, Some(1), done, evidence));
        let (done, evidence) = entries_of(DutyKind::ContactReview);
        items.push(quota(QuotaKind::ContactReview, Some(1), done, evidence));
    }

    let no_talks = Vec::new();
    let talks = record.talks.get(&person.id).unwrap_or(&no_talks);
    let talk_evidence = |t: &talk::Model| Evidence {
        source: EvidenceSource::Talk,
        date: t.talked_on,
        org_name: None,
        detail: t.with_name.clone(),
    };
    if person.leader_level == Some(LeaderLevel::CountyOrAbove) {
        items.push(quota(
            QuotaKind::Talks,
            Some(2),
            count(talks.len()),
            talks.iter().map(talk_evidence).collect(),
        ));
    }
    let mut talks_with: HashMap<i64, u32> = HashMap::new();
    for t in talks {
        if let Some(with) = t.with_person_id {
            *talks_with.entry(with).or_default() += 1;
        }
    }
    // "≥ n with each": required is the total, done counts each person up to n.
    let per_person = |kind: QuotaKind, people: &[(i64, String)], each: u32| -> Quota {
        let mut done = 0;
        let mut owed = Vec::new();
        let mut evidence = Vec::new();
        for (id, name) in people.iter().filter(|(id, _)| *id != person.id) {
            let held = talks_with.get(id).copied().unwrap_or(0);
            done += held.min(each);
            if held < each {
                owed.push(Owed {
                    person_id: *id,
                    name: name.clone(),
                    owed: each - held,
                });
            }
            evidence.extend(
                talks
                    .iter()
                    .filter(|t| t.with_person_id == Some(*id))
                    .map(talk_evidence),
            );
        }
        let required = each * count(people.iter().filter(|(id, _)| *id != person.id).count());
        Quota {
            owed,
            ..quota(kind, Some(required), done, evidence)
        }
    };
    if heads_higher_org(person, org) {
        let below = record
            .secretaries_below
            .get(&person.org_id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        items.push(per_person(QuotaKind::TalksWithSecretaries, below, 1));
    }
    if heads_branch(person, org) {
        let members = record
            .members
            .get(&person.org_id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        items.push(per_person(QuotaKind::TalksWithMembers, members, 2));
    }
    Ok(items)
}

/// One person's year: themselves, or staff who read their organisation.
pub async fn of_person(
    db: &impl ConnectionTrait,
    settings: &DutySettings,
    caller: Caller,
    person_id: i64,
    year: Option<i32>,
) -> Result<DutyProgress, DutyError> {
    let year = check_year(year)?;
    let person = visible_person(db, caller, person_id).await?;
    let people = [person];
    let record = Record::load(db, &people, year).await?;
    let [person] = people;
    let items = assess(&person, &record, settings, year)?;
    Ok(DutyProgress {
        year,
        person_id: person.id,
        org_name: record
            .orgs
            .get(&person.org_id)
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        name: person.name,
        items,
    })
}

#[derive(Serialize, ToSchema)]
pub struct Behind {
    pub kind: QuotaKind,
    pub label: &'static str,
    pub required: u32,
    pub done: u32,
}

#[derive(Serialize, ToSchema)]
pub struct DutyRow {
    pub person_id: i64,
    pub name: String,
    pub org_name: String,
    pub leader_level: Option<LeaderLevel>,
    pub party_post: Option<PartyPost>,
    pub met_all: bool,
    pub behind: Vec<Behind>,
}

/// Everyone with a duty quota among `people`, assessed; people without any are left out.
pub(crate) async fn rows_for(
    db: &impl ConnectionTrait,
    settings: &DutySettings,
    people: Vec<person::Model>,
    year: i32,
) -> anyhow::Result<Vec<DutyRow>> {
    let record = Record::load(db, &people, year).await?;
    let mut rows = Vec::new();
    for person in people {
        let items = assess(&person, &record, settings, year)?;
        if items.is_empty() {
            continue;
        }
        let behind: Vec<Behind> = items
            .iter()
            .filter(|q| !q.met)
            .map(|q| Behind {
                kind: q.kind,
                label: q.label,
                required: q.required.unwrap_or_default(),
                done: q.done,
            })
            .collect();
        rows.push(DutyRow {
            person_id: person.id,
            org_name: record
                .orgs
                .get(&person.org_id)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            name: person.name,
            leader_level: person.leader_level,
            party_post: person.party_post,
            met_all: behind.is_empty(),
            behind,
        });
    }
    // Who is furthest behind first.
    rows.sort_by(|a, b| {
        b.behind
            .len()
            .cmp(&a.behind.len())
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(rows)
}

/// People who carry duties: leading cadres and secretaries (by the roster).
pub(crate) fn carries_duties() -> Condition {
    Condition::any()
        .add(person::Column::LeaderLevel.is_not_null())
        .add(person::Column::PartyPost.eq(PartyPost::Secretary))
}

#[derive(Serialize, ToSchema)]
pub struct OrgDuties {
    pub year: i32,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub items: Vec<DutyRow>,
}

/// The organisation department's view of a subtree: its leaders and secretaries, who is
/// behind on what. `page` is `None` for the whole list (the XLSX).
pub async fn of_org(
    db: &impl ConnectionTrait,
    settings: &DutySettings,
    caller: Caller,
    org_id: i64,
    year: Option<i32>,
    behind_only: bool,
    page: Option<(u64, u64)>,
) -> Result<OrgDuties, DutyError> {
    let year = check_year(year)?;
    crate::orgs::find(db, org_id)
        .await?
        .ok_or(DutyError::NotFound("organisation"))?;
    authz::require(db, caller, READ_DIRECTORY, org_id).await?;
    let subtree = crate::orgs::subtree_ids(db, org_id).await?;
    let people = people_of(db, &subtree, carries_duties()).await?;
    let mut rows = rows_for(db, settings, people, year).await?;
    if behind_only {
        rows.retain(|r| !r.met_all);
    }
    let total = rows.len() as u64;
    let (page, per_page, items) = match page {
        Some((index, per_page)) => {
            let start = usize::try_from(index.saturating_mul(per_page)).unwrap_or(usize::MAX);
            let items: Vec<DutyRow> = rows
                .into_iter()
                .skip(start)
                .take(usize::try_from(per_page).unwrap_or(usize::MAX))
                .collect();
            (index + 1, per_page, items)
        }
        None => (1, total, rows),
    };
    Ok(OrgDuties {
        year,
        total,
        page,
        per_page,
        items,
    })
}

/// The list as a workbook (cells guarded against formulas).
pub fn workbook(list: &OrgDuties) -> anyhow::Result<Vec<u8>> {
    crate::spreadsheet::list_workbook(
        &format!("{}年履职", list.year),
        &[
            ("姓名", 12.0),
            ("组织", 24.0),
            ("领导干部级别", 14.0),
            ("党内职务", 10.0),
            ("是否全部完成", 12.0),
            ("未完成事项", 80.0),
        ],
        list.items.iter().map(|item| {
            let behind = item
                .behind
                .iter()
                .map(|b| format!("{} {}/{}", b.label, b.done, b.required))
                .collect::<Vec<_>>()
                .join("；");
            vec![
                item.name.clone(),
                item.org_name.clone(),
                item.leader_level
                    .map(|l| l.label().to_owned())
                    .unwrap_or_default(),
                item.party_post
                    .map(|p| p.label().to_owned())
                    .unwrap_or_default(),
                if item.met_all { "是" } else { "否" }.to_owned(),
                behind,
            ]
        }),
    )
}

/// Everyone, city-wide, who is behind this year (the reminders).
pub(crate) async fn everyone_behind(
    db: &impl ConnectionTrait,
    settings: &DutySettings,
    year: i32,
) -> anyhow::Result<Vec<DutyRow>> {
    let people = person::Entity::find()
        .filter(person::Column::Active.eq(true))
        .filter(carries_duties())
        .all(db)
        .await
        .context("cannot read leaders and secretaries")?;
    let mut rows = rows_for(db, settings, people, year).await?;
    rows.retain(|r| !r.met_all);
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quota_without_a_number_is_always_met() {
        assert!(quota(QuotaKind::MicroResearch, None, 0, Vec::new()).met);
        assert!(!quota(QuotaKind::ResearchReports, Some(1), 0, Vec::new()).met);
        assert!(quota(QuotaKind::ResearchReports, Some(1), 2, Vec::new()).met);
    }
}
