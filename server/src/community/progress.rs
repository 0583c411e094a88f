//! Each member's year against the document's minimums (普通党员集中开展活动): in-service members
//! of organs who report to a community claim at least 1 service item or post, join at least 2
//! community volunteer services, make at least 1 suggestion and pair with at least 1
//! household; every member does at least 2 volunteer activities a year.
use std::collections::HashMap;

use anyhow::Context;
use chrono::{FixedOffset, NaiveDate, TimeZone};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    clock,
    domain::MemberStatus,
    entities::{pairing, person, service_claim, service_item, suggestion},
};

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct Tally {
    pub done: u64,
    pub required: u64,
}

impl Tally {
    fn behind(&self) -> bool {
        self.done < self.required
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Progress {
    pub person_id: i64,
    pub name: String,
    pub year: i32,
    pub in_service_organ: bool,
    /// Service items or posts claimed (认领服务项目和岗位).
    pub items: Tally,
    /// Community volunteer services attended (社区志愿服务活动).
    pub community_services: Tally,
    /// Suggestions made (可行性建议).
    pub suggestions: Tally,
    /// Households paired with (结对).
    pub pairings: Tally,
    /// Volunteer activities of any kind attended (走访慰问、义务劳动、为民办实事…).
    pub volunteer: Tally,
    /// Hours of service confirmed by the organisers this year (志愿服务时长).
    pub hours: f64,
    pub behind: bool,
}

/// The minimums' Chinese names, in the order the document lists them and `Progress::minimums`
/// gives them.
pub const MINIMUMS: [&str; 5] = [
    "认领项目或岗位",
    "社区志愿服务",
    "可行性建议",
    "结对帮扶",
    "志愿服务活动",
];

impl Progress {
    /// Each minimum's tally, in the order of `MINIMUMS`.
    pub fn minimums(&self) -> [Tally; 5] {
        [
            self.items,
            self.community_services,
            self.suggestions,
            self.pairings,
            self.volunteer,
        ]
    }
}

fn year_bounds(
    year: i32,
) -> anyhow::Result<(chrono::DateTime<FixedOffset>, chrono::DateTime<FixedOffset>)> {
    let at = |y: i32| -> anyhow::Result<chrono::DateTime<FixedOffset>> {
        let day = NaiveDate::from_ymd_opt(y, 1, 1).context("bad year")?;
        clock::shanghai()
            .from_local_datetime(&day.and_hms_opt(0, 0, 0).context("midnight")?)
            .single()
            .context("bad year")
    };
    Ok((at(year)?, at(year + 1)?))
}

/// Progress of many people in one pass per table.
pub async fn for_people(
    db: &impl ConnectionTrait,
    people: &[person::Model],
    year: i32,
) -> anyhow::Result<Vec<Progress>> {
    let (from, to) = year_bounds(year)?;
    let mut out = Vec::with_capacity(people.len());
    for chunk in people.chunks(500) {
        let ids: Vec<i64> = chunk.iter().map(|p| p.id).collect();
        let claims = service_claim::Entity::find()
            .filter(service_claim::Column::PersonId.is_in(ids.iter().copied()))
            // Done things only: a place merely offered from the waitlist, or one the person
            // did not turn up for, is not a claim kept.
            .filter(service_claim::Column::Status.is_in(["claimed", "attended"]))
            .all(db)
            .await
            .context("cannot read claims")?;
        let items: HashMap<i64, service_item::Model> = service_item::Entity::find()
            .filter(service_item::Column::Id.is_in(claims.iter().map(|c| c.item_id)))
            .filter(service_item::Column::StartsAt.gte(from))
            .filter(service_item::Column::StartsAt.lt(to))
            .all(db)
            .await
            .context("cannot read items")?
            .into_iter()
            .map(|i| (i.id, i))
            .collect();
        let suggestions = suggestion::Entity::find()
            .filter(suggestion::Column::PersonId.is_in(ids.iter().copied()))
            .filter(suggestion::Column::CreatedAt.gte(from))
            .filter(suggestion::Column::CreatedAt.lt(to))
            .all(db)
            .await
            .context("cannot read suggestions")?;
        let pairings = pairing::Entity::find()
            .filter(pairing::Column::PersonId.is_in(ids.iter().copied()))
            .filter(pairing::Column::StartedAt.lt(to))
            .all(db)
            .await
            .context("cannot read pairings")?;
        for p in chunk {
            let mine = claims
                .iter()
                .filter(|c| c.person_id == p.id)
                .filter_map(|c| items.get(&c.item_id).map(|i| (c, i)));
            let (mut claimed, mut community, mut volunteer) = (0, 0, 0);
            let mut minutes = 0;
            for (claim, item) in mine {
                if claim.status == crate::domain::ClaimStatus::Attended {
                    minutes += i64::from(claim.minutes.unwrap_or(0));
                }
                match item.kind.as_str() {
                    "item" | "post" => claimed += 1,
                    "volunteer" if claim.status == crate::domain::ClaimStatus::Attended => {
                        volunteer += 1;
                        if item.volunteer_kind
                            == Some(crate::domain::VolunteerKind::CommunityService)
                        {
                            community += 1;
                        }
                    }
                    _ => {}
                }
            }
            let organ = p.in_service_organ;
            // The minimums are for Party members; activists' service is counted, not required.
            let member = p.status != MemberStatus::Activist;
            let need = |n: u64| if organ && member { n } else { 0 };
            let items = Tally {
                done: claimed,
                required: need(1),
            };
            let community_services = Tally {
                done: community,
                required: need(2),
            };
            let suggestions = Tally {
                done: suggestions.iter().filter(|s| s.person_id == p.id).count() as u64,
                required: need(1),
            };
            let pairings = Tally {
                done: pairings
                    .iter()
                    .filter(|x| x.person_id == p.id && x.ended_at.is_none_or(|end| end >= from))
                    .count() as u64,
                required: need(1),
            };
            let volunteer = Tally {
                done: volunteer,
                required: if member { 2 } else { 0 },
            };
            let behind = [items, community_services, suggestions, pairings, volunteer]
                .iter()
                .any(Tally::behind);
            out.push(Progress {
                person_id: p.id,
                name: p.name.clone(),
                year,
                in_service_organ: organ,
                items,
                community_services,
                suggestions,
                pairings,
                volunteer,
                hours: minutes as f64 / 60.0,
                behind,
            });
        }
    }
    Ok(out)
}

/// The year of everyone in `org_id`'s scope (a branch's members; a community's members and the
/// people reported to it) against the minimums, for staff who read the organisation; only those
/// behind when `behind_only`.
pub async fn of_org(
    db: &impl ConnectionTrait,
    caller: i64,
    org_id: i64,
    year: i32,
    behind_only: bool,
) -> Result<Vec<Progress>, super::CommunityError> {
    let year = super::engagement::valid_year(year)?;
    let people = super::engagement::people_in_scope(db, caller, org_id).await?;
    let mut all = for_people(db, &people, year).await?;
    if behind_only {
        all.retain(|p| p.behind);
    }
    Ok(all)
}

/// The year's list as a workbook, one row per person (cells guarded against formulas).
pub fn workbook(year: i32, list: &[Progress]) -> anyhow::Result<Vec<u8>> {
    let tally = |t: Tally| format!("{}/{}", t.done, t.required);
    crate::spreadsheet::list_workbook(
        &format!("{year}年服务"),
        &[
            ("姓名", 12.0),
            ("在职党员", 10.0),
            ("认领项目或岗位", 16.0),
            ("社区志愿服务", 14.0),
            ("可行性建议", 12.0),
            ("结对帮扶", 10.0),
            ("志愿服务活动", 14.0),
            ("服务时长（小时）", 16.0),
            ("是否达到最低要求", 16.0),
        ],
        list.iter().map(|p| {
            vec![
                p.name.clone(),
                if p.in_service_organ { "是" } else { "否" }.to_owned(),
                tally(p.items),
                tally(p.community_services),
                tally(p.suggestions),
                tally(p.pairings),
                tally(p.volunteer),
                format!("{:.1}", p.hours),
                if p.behind { "未达到" } else { "已达到" }.to_owned(),
            ]
        }),
    )
}
