//! A deputy's year (履职情况): duty slots served against the rota, receptions held, cases
//! raised and how they ended, inspections, proposals and questions — one deputy for
//! themselves, or every deputy under an organisation for the organisation department (with
//! the workbook). Counted for any number of deputies in a fixed number of statements.
use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    MatterKind, MatterStatus, Rating, ReceptionStatus,
    error::{DeputyError, invalid},
};
use crate::{
    authz::{self, Caller, READ_DIRECTORY},
    clock,
    domain::DeputyLevel,
    entities::{deputy_inspection, inspection_deputy, matter, person, reception, rota_shift},
    pagination::Page,
};

#[derive(Serialize, ToSchema, Default, Debug, Clone, PartialEq, Eq)]
pub struct DeputyYear {
    pub person_id: i64,
    pub name: String,
    pub org_name: String,
    pub level: Option<DeputyLevel>,
    pub year: i32,
    /// Rota slots of the year that have begun.
    pub duty_slots: u32,
    /// Of them, the slots where the deputy scanned the studio's QR.
    pub duty_slots_served: u32,
    /// Receptions held (the person came).
    pub receptions_held: u32,
    /// Booked receptions where the person did not come.
    pub receptions_no_show: u32,
    pub cases_raised: u32,
    pub cases_closed: u32,
    /// Closed cases the raiser rated 满意 or 基本满意.
    pub cases_satisfied: u32,
    /// Cases forwarded and past their deadline.
    pub cases_overdue: u32,
    pub inspections: u32,
    /// Proposals the deputy led (submitted or later).
    pub proposals: u32,
    pub proposals_accepted: u32,
    pub questions: u32,
}

fn year_bounds(year: i32) -> anyhow::Result<(DateTime<FixedOffset>, DateTime<FixedOffset>)> {
    let at = |y: i32| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|t| clock::shanghai().from_local_datetime(&t).single())
            .context("a year without a first day")
    };
    Ok((at(year)?, at(year + 1)?))
}

fn check_year(year: Option<i32>) -> Result<i32, DeputyError> {
    let this = chrono::Datelike::year(&crate::clock::today());
    let year = year.unwrap_or(this);
    if year < crate::duties::FIRST_YEAR || year > this {
        return Err(invalid(format!(
            "year must be {}–{this}",
            crate::duties::FIRST_YEAR
        )));
    }
    Ok(year)
}

/// The year of each of `people`: six statements whatever their number (per 500 people).
async fn tally(
    db: &impl ConnectionTrait,
    people: &[person::Model],
    year: i32,
) -> anyhow::Result<Vec<DeputyYear>> {
    let (from, until) = year_bounds(year)?;
    let now = clock::now();
    let today = crate::clock::today();
    let mut out: HashMap<i64, DeputyYear> = HashMap::new();
    let org_names = crate::orgs::names(db, people.iter().map(|p| p.org_id)).await?;
    for p in people {
        out.insert(
            p.id,
            DeputyYear {
                person_id: p.id,
                name: p.name.clone(),
                org_name: org_names.get(&p.org_id).cloned().unwrap_or_default(),
                level: p.deputy_level,
                year,
                ..Default::default()
            },
        );
    }
    for chunk in people.chunks(500) {
        let ids: Vec<i64> = chunk.iter().map(|p| p.id).collect();
        let shifts = rota_shift::Entity::find()
            .filter(rota_shift::Column::DeputyId.is_in(ids.iter().copied()))
            .filter(rota_shift::Column::StartsAt.gte(from))
            .filter(rota_shift::Column::StartsAt.lt(until.min(now)))
            .all(db)
            .await
            .context("cannot read duty slots")?;
        for s in shifts {
            if let Some(y) = out.get_mut(&s.deputy_id) {
                y.duty_slots += 1;
                y.duty_slots_served += u32::from(s.checked_in_at.is_some());
            }
        }
        let receptions = reception::Entity::find()
            .filter(reception::Column::DeputyId.is_in(ids.iter().copied()))
            .filter(reception::Column::UpdatedAt.gte(from))
            .filter(reception::Column::UpdatedAt.lt(until))
            .filter(
                reception::Column::Status
                    .is_in([ReceptionStatus::Attended, ReceptionStatus::NoShow]),
            )
            .all(db)
            .await
            .context("cannot read receptions")?;
        for r in receptions {
            if let Some(y) = out.get_mut(&r.deputy_id) {
                match r.status {
                    ReceptionStatus::Attended => y.receptions_held += 1,
                    _ => y.receptions_no_show += 1,
                }
            }
        }
        let matters = matter::Entity::find()
            .filter(matter::Column::DeputyId.is_in(ids.iter().copied()))
            .filter(matter::Column::CreatedAt.gte(from))
            .filter(matter::Column::CreatedAt.lt(until))
            .all(db)
            .await
            .context("cannot read matters")?;
        for m in matters {
            let Some(y) = m.deputy_id.and_then(|d| out.get_mut(&d)) else {
                continue;
            };
            match m.kind {
                MatterKind::Case => {
                    y.cases_raised += 1;
                    if m.status == MatterStatus::Closed {
                        y.cases_closed += 1;
                        y.cases_satisfied +=
                            u32::from(matches!(m.rating, Some(Rating::Satisfied | Rating::Basic)));
                    }
                    y.cases_overdue += u32::from(
                        m.status == MatterStatus::Forwarded && m.due_on.is_some_and(|d| d < today),
                    );
                }
                MatterKind::Question => y.questions += 1,
                MatterKind::Proposal if m.status != MatterStatus::Draft => {
                    y.proposals += 1;
                    y.proposals_accepted += u32::from(matches!(
                        m.status,
                        MatterStatus::Forwarded | MatterStatus::Answered | MatterStatus::Closed
                    ));
                }
                MatterKind::Proposal => {}
            }
        }
        let taken_part = inspection_deputy::Entity::find()
            .filter(inspection_deputy::Column::PersonId.is_in(ids.iter().copied()))
            .all(db)
            .await
            .context("cannot read inspections' deputies")?;
        let in_year: std::collections::HashSet<i64> = deputy_inspection::Entity::find()
            .filter(deputy_inspection::Column::Id.is_in(taken_part.iter().map(|t| t.inspection_id)))
            .filter(deputy_inspection::Column::StartsOn.gte(from.date_naive()))
            .filter(deputy_inspection::Column::StartsOn.lt(until.date_naive()))
            .all(db)
            .await
            .context("cannot read inspections")?
            .into_iter()
            .map(|i| i.id)
            .collect();
        for t in taken_part {
            if in_year.contains(&t.inspection_id)
                && let Some(y) = out.get_mut(&t.person_id)
            {
                y.inspections += 1;
            }
        }
    }
    Ok(people.iter().filter_map(|p| out.remove(&p.id)).collect())
}

/// One deputy's year: themselves, or staff who read their organisation.
pub async fn of_person(
    db: &DatabaseConnection,
    caller: Caller,
    person_id: i64,
    year: Option<i32>,
) -> Result<DeputyYear, DeputyError> {
    let year = check_year(year)?;
    let deputy = crate::people::find(db, person_id)
        .await?
        .filter(|p| p.deputy_level.is_some())
        .ok_or(DeputyError::NotFound("deputy"))?;
    if deputy.id != caller.person_id
        && !authz::has_role(db, caller.person_id, READ_DIRECTORY, deputy.org_id).await?
    {
        return Err(DeputyError::NotFound("deputy"));
    }
    Ok(tally(db, &[deputy], year).await?.remove(0))
}

#[derive(Serialize, ToSchema)]
pub struct OrgDeputies {
    pub org_id: i64,
    pub year: i32,
    pub level: Option<DeputyLevel>,
    pub page: Page<DeputyYear>,
}

/// Every deputy (of one level, if asked) whose organisation is under `org_id`, by name;
/// `page` None reads them all (the workbook).
pub async fn of_org(
    db: &DatabaseConnection,
    caller: Caller,
    org_id: i64,
    year: Option<i32>,
    level: Option<DeputyLevel>,
    page: Option<(u64, u64)>,
) -> Result<OrgDeputies, DeputyError> {
    let year = check_year(year)?;
    authz::require(db, caller, READ_DIRECTORY, org_id).await?;
    let closure =
        sea_orm::QueryTrait::into_query(
            sea_orm::QuerySelect::column(
                sea_orm::QuerySelect::select_only(
                    crate::entities::organisation_closure::Entity::find(),
                ),
                crate::entities::organisation_closure::Column::DescendantId,
            )
            .filter(crate::entities::organisation_closure::Column::AncestorId.eq(org_id)),
        );
    let mut query = person::Entity::find()
        .filter(person::Column::OrgId.in_subquery(closure))
        .filter(person::Column::Active.eq(true))
        .filter(person::Column::DeputyLevel.is_not_null());
    if let Some(level) = level {
        query = query.filter(person::Column::DeputyLevel.eq(level));
    }
    let query = query
        .order_by_asc(person::Column::Name)
        .order_by_asc(person::Column::Id);
    let (people, index, per_page, total) = match page {
        Some((index, per_page)) => {
            let pages = query.paginate(db, per_page);
            let total = pages.num_items().await.context("cannot count deputies")?;
            let rows = pages
                .fetch_page(index)
                .await
                .context("cannot read deputies")?;
            (rows, index, per_page, total)
        }
        None => {
            let rows = query.all(db).await.context("cannot read deputies")?;
            let total = rows.len() as u64;
            (rows, 0, total.max(1), total)
        }
    };
    Ok(OrgDeputies {
        org_id,
        year,
        level,
        page: Page {
            items: tally(db, &people, year).await?,
            page: index + 1,
            per_page,
            total,
        },
    })
}

/// The organisation department's workbook of deputies' years.
pub fn workbook(list: &OrgDeputies) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .set_name(format!("{}年党代表履职", list.year))
        .context("cannot name the deputies sheet")?;
    let bold = Format::new().set_bold();
    let headers = [
        ("姓名", 12.0),
        ("组织", 24.0),
        ("层级", 8.0),
        ("应值班次", 10.0),
        ("实到值班", 10.0),
        ("接待人次", 10.0),
        ("反映问题", 10.0),
        ("已办结", 8.0),
        ("满意/基本满意", 14.0),
        ("逾期未复", 10.0),
        ("调研视察", 10.0),
        ("提案", 8.0),
        ("立案", 8.0),
        ("质询", 8.0),
    ];
    for (col, (title, width)) in (0u16..).zip(headers) {
        sheet
            .write_string_with_format(0, col, title, &bold)
            .and_then(|s| s.set_column_width(col, width))
            .context("cannot write the deputies header")?;
    }
    sheet
        .set_freeze_panes(1, 0)
        .context("cannot freeze the deputies header")?;
    for (row, d) in (1u32..).zip(&list.page.items) {
        let texts = [
            d.name.as_str(),
            d.org_name.as_str(),
            d.level.map(|l| l.label()).unwrap_or_default(),
        ];
        for (col, text) in (0u16..).zip(texts) {
            sheet
                .write_string(row, col, crate::spreadsheet::defused(text))
                .context("cannot write a deputies cell")?;
        }
        let numbers = [
            d.duty_slots,
            d.duty_slots_served,
            d.receptions_held,
            d.cases_raised,
            d.cases_closed,
            d.cases_satisfied,
            d.cases_overdue,
            d.inspections,
            d.proposals,
            d.proposals_accepted,
            d.questions,
        ];
        for (col, n) in (3u16..).zip(numbers) {
            sheet
                .write_number(row, col, f64::from(n))
                .context("cannot write a deputies figure")?;
        }
    }
    book.save_to_buffer()
        .context("cannot assemble the deputies workbook")
}
