//! The monthly cycle's use cases, one function each: the route layer parses a request and
//! calls one of these; each owns its checks, its transaction, its audit entries and the
//! facts invalidation that follows a change to who is expected.
use crate::domain::PlanAction;
use std::collections::HashMap;

use anyhow::Context;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;

use super::{
    PlanError,
    error::invalid,
    participants::{participants, snapshot_participants},
    publish::publish,
    rules::{
        PlanPatch, PlanRequest, apply, check_speaker, parse_month, preview_deadline, status_of,
        text, validate, wrong_state,
    },
    service::{
        activity_day_of, branch_actor, existing_org, existing_plan, filing_target, record_event,
        require_reviewer, transition,
    },
    view::{
        MyPreviewResponse, ParticipantResponse, PlanResponse, PreviewStatus, ReviewRequest,
        YearlyPlanRequest, YearlyPlanResponse, respond, respond_many,
    },
};
use crate::{
    audit::{self, Actor, AuditEntry},
    authz::{self, Caller, READ_DIRECTORY},
    cache::Cache,
    checkin::facts::FactsCache,
    clock,
    config::WechatSettings,
    domain::{OrgKind, PlanStatus},
    entities::{activity_plan, organisation, plan_participant, yearly_plan},
    orgs,
};

pub async fn set_yearly_plan(
    db: &DatabaseConnection,
    user: Caller,
    org_id: i64,
    year: i32,
    body: &YearlyPlanRequest,
    request_id: Option<String>,
) -> Result<YearlyPlanResponse, PlanError> {
    let year = crate::domain::dates::check_year(year).map_err(PlanError::InvalidInput)?;
    let mut themes = serde_json::Map::new();
    for (month, theme) in &body.themes {
        let m: u32 = month
            .parse()
            .map_err(|_| invalid(format!("`{month}` is not a month 01–12")))?;
        if month.len() != 2 || !(1..=12).contains(&m) {
            return Err(invalid(format!("`{month}` is not a month 01–12")));
        }
        themes.insert(month.clone(), json!(text(theme, "theme", 100, true)?));
    }
    let org = existing_org(db, org_id).await?;
    let on_behalf = branch_actor(db, user, &org).await?;
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let existing = yearly_plan::Entity::find()
        .filter(yearly_plan::Column::OrgId.eq(org.id))
        .filter(yearly_plan::Column::Year.eq(year))
        .one(&txn)
        .await
        .context("cannot read the yearly plan")?;
    let themes_text = serde_json::Value::Object(themes.clone()).to_string();
    match existing {
        Some(row) => {
            let mut active = row.into_active_model();
            active.themes = Set(themes_text);
            active.updated_by = Set(user.person_id);
            active.updated_at = Set(clock::now());
            active
                .update(&txn)
                .await
                .context("cannot update the yearly plan")?;
        }
        None => {
            yearly_plan::ActiveModel {
                org_id: Set(org.id),
                year: Set(year),
                themes: Set(themes_text),
                updated_by: Set(user.person_id),
                updated_at: Set(clock::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .context("cannot store the yearly plan")?;
        }
    }
    audit::record(
        &txn,
        request_id.clone(),
        AuditEntry {
            actor: Actor::Person(user.person_id),
            action: "yearly_plan.set",
            target_type: "organisation",
            target_id: org.id.to_string(),
            org_id: Some(org.id),
            detail: json!({"year": year, "months": themes.len(), "on_behalf": on_behalf}),
        },
    )
    .await?;
    txn.commit()
        .await
        .context("cannot commit the yearly plan")?;
    Ok(YearlyPlanResponse {
        org_id: org.id,
        year,
        themes: serde_json::Value::Object(themes),
    })
}

pub async fn yearly_plan(
    db: &DatabaseConnection,
    user: Caller,
    org_id: i64,
    year: i32,
) -> Result<YearlyPlanResponse, PlanError> {
    let org = existing_org(db, org_id).await?;
    authz::require(db, user, READ_DIRECTORY, org.id).await?;
    let row = yearly_plan::Entity::find()
        .filter(yearly_plan::Column::OrgId.eq(org.id))
        .filter(yearly_plan::Column::Year.eq(year))
        .one(db)
        .await
        .context("cannot read the yearly plan")?;
    let themes = row
        .and_then(|r| serde_json::from_str(&r.themes).ok())
        .unwrap_or_else(|| json!({}));
    Ok(YearlyPlanResponse {
        org_id: org.id,
        year,
        themes,
    })
}

/// The month a new plan is for (creation only).
fn required_month(body: &PlanRequest) -> Result<String, PlanError> {
    Ok(body
        .month
        .as_deref()
        .ok_or_else(|| invalid("month (YYYY-MM) is required"))?
        .trim()
        .to_owned())
}

/// A new draft of `org_id`'s plan for `month` (one plan per organisation and month), in the
/// caller's transaction.
async fn insert_draft(
    txn: &impl sea_orm::ConnectionTrait,
    org_id: i64,
    month: String,
    user: Caller,
    valid: &super::rules::ValidPlan,
) -> Result<activity_plan::Model, PlanError> {
    let taken = activity_plan::Entity::find()
        .filter(activity_plan::Column::OrgId.eq(org_id))
        .filter(activity_plan::Column::Month.eq(&month))
        .one(txn)
        .await
        .context("cannot check for an existing plan")?;
    if taken.is_some() {
        return Err(PlanError::Exists(month));
    }
    let now = clock::now();
    let mut active = activity_plan::ActiveModel {
        org_id: Set(org_id),
        month: Set(month),
        version: Set(1),
        status: Set(PlanStatus::Draft),
        review_comment: Set(None),
        filed_to_org_id: Set(None),
        filed_at: Set(None),
        published_at: Set(None),
        preview: Set(None),
        created_by: Set(user.person_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply(&mut active, valid);
    Ok(active.insert(txn).await.context("cannot store a plan")?)
}

pub async fn create(
    db: &DatabaseConnection,
    user: Caller,
    org_id: i64,
    body: &PlanRequest,
    request_id: Option<String>,
) -> Result<PlanResponse, PlanError> {
    let month = required_month(body)?;
    let (year, m) = parse_month(&month)?;
    let org = existing_org(db, org_id).await?;
    if org.kind != OrgKind::Branch {
        return Err(invalid(format!(
            "monthly plans belong to branches; {} is a {}",
            org.name, org.kind
        )));
    }
    let on_behalf = branch_actor(db, user, &org).await?;
    let valid = validate(body, activity_day_of(db, &org, year, m).await?)?;
    check_speaker(db, &valid).await?;
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let plan = insert_draft(&txn, org.id, month, user, &valid).await?;
    snapshot_participants(&txn, &plan, &body.invited_person_ids).await?;
    record_event(
        &txn,
        &plan,
        PlanAction::Created,
        user,
        on_behalf,
        None,
        &request_id,
    )
    .await?;
    txn.commit().await.context("cannot commit a plan")?;
    respond(db, plan).await
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ThemedRequest {
    #[serde(flatten)]
    pub plan: PlanRequest,
    /// Branches under the organisation that join; all of them when left out.
    pub branch_ids: Option<Vec<i64>>,
}

/// A themed activity (集中主题活动) of a city, district or committee: the same plan, review,
/// preview and check-in path as a branch's, joined by branches of its subtree, each at its
/// own venue with its own rotating code; their members are expected.
pub async fn create_themed(
    db: &DatabaseConnection,
    user: Caller,
    org_id: i64,
    body: &ThemedRequest,
    request_id: Option<String>,
) -> Result<PlanResponse, PlanError> {
    let month = required_month(&body.plan)?;
    let (year, m) = parse_month(&month)?;
    let org = existing_org(db, org_id).await?;
    if !matches!(
        org.kind,
        OrgKind::City | OrgKind::District | OrgKind::Committee
    ) {
        return Err(invalid(
            "themed activities are held by a city, district or committee; a branch plans its month",
        ));
    }
    let on_behalf = branch_actor(db, user, &org).await?;
    if !body.plan.invited_person_ids.is_empty() {
        return Err(invalid("a themed activity invites no activists by name"));
    }
    let valid = validate(&body.plan, activity_day_of(db, &org, year, m).await?)?;
    check_speaker(db, &valid).await?;
    let subtree = crate::orgs::subtree_ids(db, org.id).await?;
    let branches: Vec<i64> = crate::entities::organisation::Entity::find()
        .filter(crate::entities::organisation::Column::Id.is_in(subtree.iter().copied()))
        .filter(crate::entities::organisation::Column::Kind.eq(OrgKind::Branch))
        .order_by_asc(crate::entities::organisation::Column::Id)
        .all(db)
        .await
        .context("cannot read branches")?
        .into_iter()
        .map(|b| b.id)
        .collect();
    let joining: Vec<i64> = match &body.branch_ids {
        None => branches.clone(),
        Some(ids) => {
            let mut ids = ids.clone();
            ids.sort_unstable();
            ids.dedup();
            if let Some(outside) = ids.iter().find(|id| !branches.contains(id)) {
                return Err(invalid(format!(
                    "organisation {outside} is not a branch under {}",
                    org.name
                )));
            }
            ids
        }
    };
    if joining.is_empty() || joining.len() > 2000 {
        return Err(invalid("a themed activity is joined by 1–2000 branches"));
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let plan = insert_draft(&txn, org.id, month, user, &valid).await?;
    for chunk in joining.chunks(500) {
        crate::entities::themed_venue::Entity::insert_many(chunk.iter().map(|branch| {
            crate::entities::themed_venue::ActiveModel {
                plan_id: Set(plan.id),
                branch_id: Set(*branch),
                code: Set(crate::checkin::facts::new_code()),
                ..Default::default()
            }
        }))
        .exec_without_returning(&txn)
        .await
        .context("cannot store venues")?;
    }
    snapshot_participants(&txn, &plan, &[]).await?;
    record_event(
        &txn,
        &plan,
        PlanAction::Created,
        user,
        on_behalf,
        None,
        &request_id,
    )
    .await?;
    txn.commit()
        .await
        .context("cannot commit a themed activity")?;
    respond(db, plan).await
}

/// One organisation's themed activities of a year against the quota (§二.1: the city at
/// least 2 a year, each county-level and city-directly-attached committee 2 more).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ThemedQuota {
    pub org_id: i64,
    pub org_name: String,
    pub kind: OrgKind,
    /// Filed themed activities held in the year.
    pub held: u64,
    pub required: u64,
    pub met: bool,
}

/// The yearly count of themed activities of an organisation and every city, district and
/// committee under it, for the organisation above to see (staff who read it).
pub async fn themed_quota(
    db: &DatabaseConnection,
    user: Caller,
    org_id: i64,
    year: Option<i32>,
) -> Result<Vec<ThemedQuota>, PlanError> {
    const REQUIRED: u64 = 2;
    existing_org(db, org_id).await?;
    authz::require(db, user, READ_DIRECTORY, org_id).await?;
    let this = chrono::Datelike::year(&clock::now().with_timezone(&clock::shanghai()));
    let year = year.unwrap_or(this);
    if !(2000..=this + 1).contains(&year) {
        return Err(invalid(format!("year must be 2000–{}", this + 1)));
    }
    let subtree = crate::orgs::subtree_ids(db, org_id).await?;
    let mut holders = Vec::new();
    for chunk in subtree.chunks(500) {
        holders.extend(
            crate::entities::organisation::Entity::find()
                .filter(crate::entities::organisation::Column::Id.is_in(chunk.iter().copied()))
                .filter(crate::entities::organisation::Column::Kind.is_in([
                    OrgKind::City,
                    OrgKind::District,
                    OrgKind::Committee,
                ]))
                .order_by_asc(crate::entities::organisation::Column::Id)
                .all(db)
                .await
                .context("cannot read organisations")?,
        );
    }
    let mut held: HashMap<i64, u64> = HashMap::new();
    for chunk in holders.chunks(500) {
        let plans = activity_plan::Entity::find()
            .filter(activity_plan::Column::OrgId.is_in(chunk.iter().map(|o| o.id)))
            .filter(activity_plan::Column::Status.eq(PlanStatus::Filed))
            .filter(activity_plan::Column::Month.starts_with(format!("{year}-")))
            .all(db)
            .await
            .context("cannot read plans")?;
        // Themed are the plans with venues (a higher organisation's plans are themed ones).
        let themed: std::collections::HashSet<i64> = crate::entities::themed_venue::Entity::find()
            .filter(crate::entities::themed_venue::Column::PlanId.is_in(plans.iter().map(|p| p.id)))
            .all(db)
            .await
            .context("cannot read venues")?
            .into_iter()
            .map(|v| v.plan_id)
            .collect();
        for plan in plans.into_iter().filter(|p| themed.contains(&p.id)) {
            *held.entry(plan.org_id).or_default() += 1;
        }
    }
    Ok(holders
        .into_iter()
        .map(|o| {
            let count = held.get(&o.id).copied().unwrap_or(0);
            ThemedQuota {
                org_id: o.id,
                org_name: o.name,
                kind: o.kind,
                held: count,
                required: REQUIRED,
                met: count >= REQUIRED,
            }
        })
        .collect())
}

pub async fn get(
    db: &DatabaseConnection,
    user: Caller,
    id: i64,
) -> Result<PlanResponse, PlanError> {
    let plan = existing_plan(db, id).await?;
    authz::require(db, user, READ_DIRECTORY, plan.org_id).await?;
    respond(db, plan).await
}

pub async fn edit(
    db: &DatabaseConnection,
    facts: &FactsCache,
    user: Caller,
    id: i64,
    body: PlanPatch,
    request_id: Option<String>,
) -> Result<PlanResponse, PlanError> {
    let plan = existing_plan(db, id).await?;
    let org = existing_org(db, plan.org_id).await?;
    let on_behalf = branch_actor(db, user, &org).await?;
    let (year, m) = parse_month(&plan.month)?;
    let invited: Vec<i64> = plan_participant::Entity::find()
        .filter(plan_participant::Column::PlanId.eq(plan.id))
        .filter(plan_participant::Column::Invited.eq(true))
        .all(db)
        .await
        .context("cannot read the invited activists")?
        .into_iter()
        .map(|p| p.person_id)
        .collect();
    let body = body.merged_with(&plan, invited);
    let valid = validate(&body, activity_day_of(db, &org, year, m).await?)?;
    check_speaker(db, &valid).await?;
    let status = status_of(&plan)?;
    if status == PlanStatus::Submitted {
        return Err(wrong_state(&plan, "edited while under review"));
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let mut active = plan.clone().into_active_model();
    apply(&mut active, &valid);
    if status == PlanStatus::Filed {
        active.version = Set(plan.version + 1);
        active.status = Set(PlanStatus::Draft);
        active.filed_at = Set(None);
        active.filed_to_org_id = Set(None);
    }
    active.updated_at = Set(clock::now());
    let plan = active.update(&txn).await.context("cannot update a plan")?;
    snapshot_participants(&txn, &plan, &body.invited_person_ids).await?;
    record_event(
        &txn,
        &plan,
        PlanAction::Edited,
        user,
        on_behalf,
        None,
        &request_id,
    )
    .await?;
    txn.commit().await.context("cannot commit an edit")?;
    // Scans decide on cached participants and times; tell every instance.
    facts.invalidate().await;
    respond(db, plan).await
}

pub async fn submit(
    db: &DatabaseConnection,
    user: Caller,
    id: i64,
    request_id: Option<String>,
) -> Result<PlanResponse, PlanError> {
    let plan = existing_plan(db, id).await?;
    let org = existing_org(db, plan.org_id).await?;
    let on_behalf = branch_actor(db, user, &org).await?;
    if !matches!(status_of(&plan)?, PlanStatus::Draft | PlanStatus::Returned) {
        return Err(wrong_state(&plan, "submitted"));
    }
    let plan = transition(
        db,
        plan,
        PlanStatus::Submitted,
        PlanAction::Submitted,
        user,
        on_behalf,
        None,
        &request_id,
    )
    .await?;
    respond(db, plan).await
}

pub async fn approve(
    db: &DatabaseConnection,
    user: Caller,
    id: i64,
    body: &ReviewRequest,
    request_id: Option<String>,
) -> Result<PlanResponse, PlanError> {
    let plan = existing_plan(db, id).await?;
    let org = existing_org(db, plan.org_id).await?;
    require_reviewer(db, user, &org).await?;
    if status_of(&plan)? != PlanStatus::Submitted {
        return Err(wrong_state(&plan, "approved"));
    }
    let comment = body
        .comment
        .as_deref()
        .map(|c| text(c, "comment", 500, false))
        .transpose()?
        .filter(|c| !c.is_empty());
    let target = filing_target(db, org.id).await?;
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    record_event(
        &txn,
        &plan,
        PlanAction::Approved,
        user,
        false,
        comment.clone(),
        &request_id,
    )
    .await?;
    let mut active = plan.into_active_model();
    active.status = Set(PlanStatus::Filed);
    active.review_comment = Set(comment);
    active.filed_to_org_id = Set(Some(target));
    active.filed_at = Set(Some(clock::now()));
    active.updated_at = Set(clock::now());
    let plan = active.update(&txn).await.context("cannot file a plan")?;
    record_event(
        &txn,
        &plan,
        PlanAction::Filed,
        user,
        false,
        Some(format!("filed with organisation {target}")),
        &request_id,
    )
    .await?;
    txn.commit().await.context("cannot commit an approval")?;
    respond(db, plan).await
}

pub async fn return_to_branch(
    db: &DatabaseConnection,
    user: Caller,
    id: i64,
    body: &ReviewRequest,
    request_id: Option<String>,
) -> Result<PlanResponse, PlanError> {
    let comment = text(body.comment.as_deref().unwrap_or(""), "comment", 500, true)?;
    let plan = existing_plan(db, id).await?;
    let org = existing_org(db, plan.org_id).await?;
    require_reviewer(db, user, &org).await?;
    if status_of(&plan)? != PlanStatus::Submitted {
        return Err(wrong_state(&plan, "returned"));
    }
    let plan = transition(
        db,
        plan,
        PlanStatus::Returned,
        PlanAction::Returned,
        user,
        false,
        Some(comment),
        &request_id,
    )
    .await?;
    respond(db, plan).await
}

pub async fn refresh_participants(
    db: &DatabaseConnection,
    facts: &FactsCache,
    user: Caller,
    id: i64,
    request_id: Option<String>,
) -> Result<Vec<ParticipantResponse>, PlanError> {
    let plan = existing_plan(db, id).await?;
    let org = existing_org(db, plan.org_id).await?;
    let on_behalf = branch_actor(db, user, &org).await?;
    let today = clock::today();
    if today > plan.activity_date {
        return Err(PlanError::WrongState(
            "the activity day has passed; participants are fixed".into(),
        ));
    }
    let invited: Vec<i64> = plan_participant::Entity::find()
        .filter(plan_participant::Column::PlanId.eq(plan.id))
        .filter(plan_participant::Column::Invited.eq(true))
        .all(db)
        .await
        .context("cannot read invited activists")?
        .into_iter()
        .map(|p| p.person_id)
        .collect();
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    snapshot_participants(&txn, &plan, &invited).await?;
    record_event(
        &txn,
        &plan,
        PlanAction::ParticipantsRefreshed,
        user,
        on_behalf,
        None,
        &request_id,
    )
    .await?;
    txn.commit().await.context("cannot commit a refresh")?;
    // Scans decide on cached participants and times; tell every instance.
    facts.invalidate().await;
    participants(db, plan.id).await
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct CoOrganiserRequest {
    /// A branch paired with the plan's branch on the activity's day; null to hold it alone.
    pub org_id: Option<i64>,
}

/// Makes the plan a joint activity with a paired branch (结对共建), or undoes it, before it
/// is submitted: the co-organiser's members are expected too.
pub async fn set_co_organiser(
    db: &DatabaseConnection,
    facts: &FactsCache,
    user: Caller,
    id: i64,
    body: &CoOrganiserRequest,
    request_id: Option<String>,
) -> Result<PlanResponse, PlanError> {
    let plan = existing_plan(db, id).await?;
    let org = existing_org(db, plan.org_id).await?;
    let on_behalf = branch_actor(db, user, &org).await?;
    if !matches!(status_of(&plan)?, PlanStatus::Draft | PlanStatus::Returned) {
        return Err(wrong_state(&plan, "given a co-organiser after submission"));
    }
    if let Some(co) = body.org_id {
        let co_org = existing_org(db, co).await?;
        if co_org.kind != OrgKind::Branch || co_org.id == org.id {
            return Err(invalid("a co-organiser is another branch"));
        }
        if crate::org_life::pairs::active_between(db, org.id, co_org.id, plan.activity_date)
            .await?
            .is_none()
        {
            return Err(invalid(format!(
                "{} and {} are not paired (结对共建) on {}",
                org.name, co_org.name, plan.activity_date
            )));
        }
    }
    let invited: Vec<i64> = plan_participant::Entity::find()
        .filter(plan_participant::Column::PlanId.eq(plan.id))
        .filter(plan_participant::Column::Invited.eq(true))
        .all(db)
        .await
        .context("cannot read invited activists")?
        .into_iter()
        .map(|p| p.person_id)
        .collect();
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let mut active = plan.clone().into_active_model();
    active.co_org_id = Set(body.org_id);
    active.updated_at = Set(clock::now());
    let plan = active.update(&txn).await.context("cannot update a plan")?;
    snapshot_participants(&txn, &plan, &invited).await?;
    record_event(
        &txn,
        &plan,
        PlanAction::Edited,
        user,
        on_behalf,
        None,
        &request_id,
    )
    .await?;
    txn.commit().await.context("cannot commit a co-organiser")?;
    facts.invalidate().await;
    respond(db, plan).await
}

pub async fn participants_of(
    db: &DatabaseConnection,
    user: Caller,
    id: i64,
) -> Result<Vec<ParticipantResponse>, PlanError> {
    let plan = existing_plan(db, id).await?;
    authz::require(db, user, READ_DIRECTORY, plan.org_id).await?;
    participants(db, plan.id).await
}

pub async fn publish_preview(
    db: &DatabaseConnection,
    cache: &Cache,
    wake: &tokio::sync::Notify,
    wechat: &WechatSettings,
    user: Caller,
    id: i64,
    request_id: Option<String>,
) -> Result<PlanResponse, PlanError> {
    let plan = existing_plan(db, id).await?;
    let org = existing_org(db, plan.org_id).await?;
    let on_behalf = branch_actor(db, user, &org).await?;
    if status_of(&plan)? != PlanStatus::Filed {
        return Err(wrong_state(&plan, "published before it is approved"));
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let (plan, queued) = publish(
        &txn,
        plan,
        &org,
        Some(user),
        on_behalf,
        request_id.clone(),
        wechat,
    )
    .await?;
    txn.commit().await.context("cannot commit a publication")?;
    wake.notify_one();
    if let Err(e) = cache.publish(crate::push::WAKE_CHANNEL, "preview").await {
        tracing::debug!(error = %e, "cannot wake other instances; they poll");
    }
    tracing::info!(plan_id = plan.id, queued, "preview published");
    respond(db, plan).await
}

pub async fn list(
    db: &DatabaseConnection,
    user: Caller,
    org_id: i64,
    month: &str,
) -> Result<Vec<PlanResponse>, PlanError> {
    parse_month(month)?;
    let org = existing_org(db, org_id).await?;
    authz::require(db, user, READ_DIRECTORY, org.id).await?;
    let subtree = orgs::subtree_ids(db, org.id).await?;
    let plans = activity_plan::Entity::find()
        .filter(activity_plan::Column::OrgId.is_in(subtree))
        .filter(activity_plan::Column::Month.eq(month.trim()))
        .order_by_asc(activity_plan::Column::OrgId)
        .all(db)
        .await
        .context("cannot list plans")?;
    respond_many(db, plans).await
}

/// A plan waiting for review, with the name of the branch that sent it.
pub struct QueuedPlan {
    pub plan: PlanResponse,
    pub org_name: String,
}

/// Every plan submitted for review under `org_id`, oldest month first (the console's review
/// queue). Three queries whatever the number.
pub async fn review_queue(
    db: &DatabaseConnection,
    user: Caller,
    org_id: i64,
) -> Result<Vec<QueuedPlan>, PlanError> {
    let org = existing_org(db, org_id).await?;
    authz::require(db, user, READ_DIRECTORY, org.id).await?;
    let subtree = orgs::subtree_ids(db, org.id).await?;
    let plans = activity_plan::Entity::find()
        .filter(activity_plan::Column::OrgId.is_in(subtree))
        .filter(activity_plan::Column::Status.eq(PlanStatus::Submitted))
        .order_by_asc(activity_plan::Column::Month)
        .order_by_asc(activity_plan::Column::OrgId)
        .limit(500)
        .all(db)
        .await
        .context("cannot list plans waiting for review")?;
    let names: HashMap<i64, String> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(plans.iter().map(|p| p.org_id)))
        .all(db)
        .await
        .context("cannot read the branches' names")?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(respond_many(db, plans)
        .await?
        .into_iter()
        .map(|plan| QueuedPlan {
            org_name: names.get(&plan.org_id).cloned().unwrap_or_default(),
            plan,
        })
        .collect())
}

pub async fn preview_status(
    db: &DatabaseConnection,
    user: Caller,
    org_id: i64,
    month: &str,
) -> Result<Vec<PreviewStatus>, PlanError> {
    let (_, deadline) = preview_deadline(month.trim())?;
    let org = existing_org(db, org_id).await?;
    authz::require(db, user, READ_DIRECTORY, org.id).await?;
    let subtree = orgs::subtree_ids(db, org.id).await?;
    let branches = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(subtree.clone()))
        .filter(organisation::Column::Kind.eq(OrgKind::Branch.as_str()))
        .order_by_asc(organisation::Column::Code)
        .all(db)
        .await
        .context("cannot list branches")?;
    let plans: HashMap<i64, activity_plan::Model> = activity_plan::Entity::find()
        .filter(activity_plan::Column::OrgId.is_in(subtree))
        .filter(activity_plan::Column::Month.eq(month.trim()))
        .all(db)
        .await
        .context("cannot list plans")?
        .into_iter()
        .map(|p| (p.org_id, p))
        .collect();
    let now = clock::now();
    let rows = branches
        .into_iter()
        .map(|b| {
            let plan = plans.get(&b.id);
            let published = plan.and_then(|p| p.published_at);
            PreviewStatus {
                org_id: b.id,
                org_name: b.name,
                plan_id: plan.map(|p| p.id),
                plan_status: plan.map(|p| p.status),
                published_at: published.map(|t| t.with_timezone(&clock::shanghai()).to_rfc3339()),
                late: match published {
                    Some(at) => at > deadline,
                    None => now > deadline,
                },
                missing: published.is_none(),
            }
        })
        .collect();
    Ok(rows)
}

pub async fn my_preview(
    db: &DatabaseConnection,
    user: Caller,
    month: &str,
) -> Result<MyPreviewResponse, PlanError> {
    let month = month.trim().to_owned();
    let (year, m) = parse_month(&month)?;
    let me = crate::people::find(db, user.person_id)
        .await?
        .filter(|p| p.active)
        .ok_or(PlanError::Forbidden)?;
    let org = existing_org(db, me.org_id).await?;
    let activity_day = activity_day_of(db, &org, year, m).await?;
    let (deadline, _) = preview_deadline(&month)?;
    let plan = activity_plan::Entity::find()
        .filter(activity_plan::Column::OrgId.eq(org.id))
        .filter(activity_plan::Column::Month.eq(&month))
        .one(db)
        .await
        .context("cannot read my branch's plan")?;
    let expected = match &plan {
        Some(p) => plan_participant::Entity::find_by_id((p.id, me.id))
            .one(db)
            .await
            .context("cannot read participation")?
            .is_some(),
        None => false,
    };
    Ok(MyPreviewResponse {
        month,
        activity_day,
        preview_deadline: deadline,
        preview: plan
            .as_ref()
            .and_then(|p| p.preview.as_deref())
            .and_then(|t| serde_json::from_str(t).ok()),
        plan_id: plan.as_ref().map(|p| p.id),
        expected,
    })
}
