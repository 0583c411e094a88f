//! The monthly cycle (审核预告制度): yearly plans, monthly activity plans with their
//! expected participants, review and filing, and the preview due by the 10th.
use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use anyhow::Context;
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tracing_actix_web::RequestId;
use utoipa::{IntoParams, ToSchema};

use crate::plans::{
    PlanError,
    error::invalid,
    participants::{participants, snapshot_participants},
    publish::publish,
    rules::{
        PlanPatch, PlanRequest, apply, parse_month, preview_deadline, status_of, text, validate,
        wrong_state,
    },
    service::{
        activity_day_of, branch_actor, existing_org, existing_plan, filing_target, record_event,
        require_reviewer, transition,
    },
    view::{ParticipantResponse, PlanResponse, respond},
};
use crate::{
    audit::{self, Actor, AuditEntry},
    auth::AuthUser,
    authz::{self, READ_DIRECTORY},
    clock,
    domain::{OrgKind, PlanStatus},
    entities::{activity_plan, organisation, plan_participant, yearly_plan},
    error::ErrorBody,
    orgs,
};

// ---- request and response bodies ----

#[derive(Deserialize, ToSchema)]
pub struct YearlyPlanRequest {
    /// Month ("01"–"12") → theme. Months left out have no theme yet.
    pub themes: HashMap<String, String>,
}

#[derive(Serialize, ToSchema)]
pub struct YearlyPlanResponse {
    pub org_id: i64,
    pub year: i32,
    pub themes: serde_json::Value,
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewRequest {
    /// Required when returning a plan.
    pub comment: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct MonthQuery {
    /// YYYY-MM
    pub month: String,
}

#[derive(Serialize, ToSchema)]
pub struct PreviewStatus {
    pub org_id: i64,
    pub org_name: String,
    pub plan_id: Option<i64>,
    pub plan_status: Option<PlanStatus>,
    pub published_at: Option<String>,
    /// Published after the 10th, or still unpublished after it.
    pub late: bool,
    /// No published preview yet.
    pub missing: bool,
}

// ---- handlers ----

/// Set the yearly plan (活动规划): a theme per month.
#[utoipa::path(put, path = "/api/v1/orgs/{id}/yearly-plans/{year}", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path), ("year" = i32, Path)), request_body = YearlyPlanRequest, responses(
    (status = 200, description = "Stored", body = YearlyPlanResponse),
    (status = 400, description = "plan.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn put_yearly_plan(
    user: AuthUser,
    path: web::Path<(i64, i32)>,
    body: web::Json<YearlyPlanRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<YearlyPlanResponse>, PlanError> {
    let (org_id, year) = path.into_inner();
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
    let org = existing_org(db.get_ref(), org_id).await?;
    let on_behalf = branch_actor(db.get_ref(), user, &org).await?;
    let txn = crate::db::begin_write(db.get_ref())
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
        Some(request_id.to_string()),
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
    Ok(web::Json(YearlyPlanResponse {
        org_id: org.id,
        year,
        themes: serde_json::Value::Object(themes),
    }))
}

/// The yearly plan of an organisation.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/yearly-plans/{year}", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path), ("year" = i32, Path)), responses(
    (status = 200, description = "The themes (empty when none set)", body = YearlyPlanResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn get_yearly_plan(
    user: AuthUser,
    path: web::Path<(i64, i32)>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<YearlyPlanResponse>, PlanError> {
    let (org_id, year) = path.into_inner();
    let org = existing_org(db.get_ref(), org_id).await?;
    authz::require(db.get_ref(), user, READ_DIRECTORY, org.id).await?;
    let row = yearly_plan::Entity::find()
        .filter(yearly_plan::Column::OrgId.eq(org.id))
        .filter(yearly_plan::Column::Year.eq(year))
        .one(db.get_ref())
        .await
        .context("cannot read the yearly plan")?;
    let themes = row
        .and_then(|r| serde_json::from_str(&r.themes).ok())
        .unwrap_or_else(|| json!({}));
    Ok(web::Json(YearlyPlanResponse {
        org_id: org.id,
        year,
        themes,
    }))
}

/// Draft the monthly activity plan of a branch; expected participants are snapshotted.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/plans", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = PlanRequest, responses(
    (status = 201, description = "Drafted", body = PlanResponse),
    (status = 400, description = "plan.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody),
    (status = 409, description = "plan.exists", body = ErrorBody),
    (status = 422, description = "calendar.year_missing", body = ErrorBody)))]
#[tracing::instrument(name = "Draft a plan", skip_all, fields(person_id = user.person_id))]
pub async fn create_plan(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<PlanRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, PlanError> {
    let month = body
        .month
        .as_deref()
        .ok_or_else(|| invalid("month (YYYY-MM) is required"))?
        .trim()
        .to_owned();
    let (year, m) = parse_month(&month)?;
    let org = existing_org(db.get_ref(), *path).await?;
    if org.kind != OrgKind::Branch.as_str() {
        return Err(invalid(format!(
            "monthly plans belong to branches; {} is a {}",
            org.name, org.kind
        )));
    }
    let on_behalf = branch_actor(db.get_ref(), user, &org).await?;
    let valid = validate(&body, activity_day_of(db.get_ref(), &org, year, m).await?)?;
    let txn = crate::db::begin_write(db.get_ref())
        .await
        .context("cannot start a transaction")?;
    let taken = activity_plan::Entity::find()
        .filter(activity_plan::Column::OrgId.eq(org.id))
        .filter(activity_plan::Column::Month.eq(&month))
        .one(&txn)
        .await
        .context("cannot check for an existing plan")?;
    if taken.is_some() {
        return Err(PlanError::Exists(month));
    }
    let now = clock::now();
    let mut active = activity_plan::ActiveModel {
        org_id: Set(org.id),
        month: Set(month),
        version: Set(1),
        status: Set(PlanStatus::Draft.as_str().to_owned()),
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
    apply(&mut active, &valid);
    let plan = active.insert(&txn).await.context("cannot store a plan")?;
    snapshot_participants(&txn, &plan, &body.invited_person_ids).await?;
    record_event(&txn, &plan, "created", user, on_behalf, None, &request_id).await?;
    txn.commit().await.context("cannot commit a plan")?;
    Ok(HttpResponse::Created().json(respond(db.get_ref(), plan).await?))
}

/// One plan with its history (the branch, and everyone who may read it in scope).
#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "The plan", body = PlanResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody)))]
pub async fn get_plan(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<PlanResponse>, PlanError> {
    let plan = existing_plan(db.get_ref(), *path).await?;
    authz::require(db.get_ref(), user, READ_DIRECTORY, plan.org_id).await?;
    Ok(web::Json(respond(db.get_ref(), plan).await?))
}

/// Edit a plan: fields left out keep their values (`null` clears a nullable one). Drafts
/// and returned plans change in place; a filed plan becomes a new version that needs review
/// again. A plan under review cannot change. PUT and PATCH are the same.
#[utoipa::path(patch, path = "/api/v1/plans/{id}", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = PlanPatch, responses(
    (status = 200, description = "Edited", body = PlanResponse),
    (status = 400, description = "plan.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state", body = ErrorBody)))]
pub async fn patch_plan(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<PlanPatch>,
    db: web::Data<DatabaseConnection>,
    checkin: web::Data<crate::checkin::CheckinService>,
    request_id: RequestId,
) -> Result<web::Json<PlanResponse>, PlanError> {
    update_plan(user, path, body, db, checkin, request_id).await
}

/// Edit a plan: fields left out keep their values (`null` clears a nullable one). Drafts
/// and returned plans change in place; a filed plan becomes a new version that needs review
/// again. A plan under review cannot change.
#[utoipa::path(put, path = "/api/v1/plans/{id}", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = PlanPatch, responses(
    (status = 200, description = "Edited", body = PlanResponse),
    (status = 400, description = "plan.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state", body = ErrorBody)))]
#[tracing::instrument(name = "Edit a plan", skip_all, fields(person_id = user.person_id))]
pub async fn update_plan(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<PlanPatch>,
    db: web::Data<DatabaseConnection>,
    checkin: web::Data<crate::checkin::CheckinService>,
    request_id: RequestId,
) -> Result<web::Json<PlanResponse>, PlanError> {
    let plan = existing_plan(db.get_ref(), *path).await?;
    let org = existing_org(db.get_ref(), plan.org_id).await?;
    let on_behalf = branch_actor(db.get_ref(), user, &org).await?;
    let (year, m) = parse_month(&plan.month)?;
    let invited: Vec<i64> = plan_participant::Entity::find()
        .filter(plan_participant::Column::PlanId.eq(plan.id))
        .filter(plan_participant::Column::Invited.eq(true))
        .all(db.get_ref())
        .await
        .context("cannot read the invited activists")?
        .into_iter()
        .map(|p| p.person_id)
        .collect();
    let body = body.into_inner().merged_with(&plan, invited);
    let valid = validate(&body, activity_day_of(db.get_ref(), &org, year, m).await?)?;
    let status = status_of(&plan)?;
    if status == PlanStatus::Submitted {
        return Err(wrong_state(&plan, "edited while under review"));
    }
    let txn = crate::db::begin_write(db.get_ref())
        .await
        .context("cannot start a transaction")?;
    let mut active = plan.clone().into_active_model();
    apply(&mut active, &valid);
    if status == PlanStatus::Filed {
        active.version = Set(plan.version + 1);
        active.status = Set(PlanStatus::Draft.as_str().to_owned());
        active.filed_at = Set(None);
        active.filed_to_org_id = Set(None);
    }
    active.updated_at = Set(clock::now());
    let plan = active.update(&txn).await.context("cannot update a plan")?;
    snapshot_participants(&txn, &plan, &body.invited_person_ids).await?;
    record_event(&txn, &plan, "edited", user, on_behalf, None, &request_id).await?;
    txn.commit().await.context("cannot commit an edit")?;
    // Scans decide on cached participants and times; tell every instance.
    checkin.facts.invalidate().await;
    Ok(web::Json(respond(db.get_ref(), plan).await?))
}

/// Submit for review (draft or returned → submitted).
#[utoipa::path(post, path = "/api/v1/plans/{id}/submit", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "Submitted", body = PlanResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state", body = ErrorBody)))]
pub async fn submit_plan(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<PlanResponse>, PlanError> {
    let plan = existing_plan(db.get_ref(), *path).await?;
    let org = existing_org(db.get_ref(), plan.org_id).await?;
    let on_behalf = branch_actor(db.get_ref(), user, &org).await?;
    if !matches!(status_of(&plan)?, PlanStatus::Draft | PlanStatus::Returned) {
        return Err(wrong_state(&plan, "submitted"));
    }
    let plan = transition(
        &db,
        plan,
        PlanStatus::Submitted,
        "submitted",
        user,
        on_behalf,
        None,
        &request_id,
    )
    .await?;
    Ok(web::Json(respond(db.get_ref(), plan).await?))
}

/// Approve (reviewers and admins above the branch): the plan is filed with the county-level
/// organisation department at once.
#[utoipa::path(post, path = "/api/v1/plans/{id}/approve", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ReviewRequest, responses(
    (status = 200, description = "Approved and filed", body = PlanResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state", body = ErrorBody)))]
pub async fn approve_plan(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<ReviewRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<PlanResponse>, PlanError> {
    let plan = existing_plan(db.get_ref(), *path).await?;
    let org = existing_org(db.get_ref(), plan.org_id).await?;
    require_reviewer(db.get_ref(), user, &org).await?;
    if status_of(&plan)? != PlanStatus::Submitted {
        return Err(wrong_state(&plan, "approved"));
    }
    let comment = body
        .comment
        .as_deref()
        .map(|c| text(c, "comment", 500, false))
        .transpose()?
        .filter(|c| !c.is_empty());
    let target = filing_target(db.get_ref(), org.id).await?;
    let txn = crate::db::begin_write(db.get_ref())
        .await
        .context("cannot start a transaction")?;
    record_event(
        &txn,
        &plan,
        "approved",
        user,
        false,
        comment.clone(),
        &request_id,
    )
    .await?;
    let mut active = plan.into_active_model();
    active.status = Set(PlanStatus::Filed.as_str().to_owned());
    active.review_comment = Set(comment);
    active.filed_to_org_id = Set(Some(target));
    active.filed_at = Set(Some(clock::now()));
    active.updated_at = Set(clock::now());
    let plan = active.update(&txn).await.context("cannot file a plan")?;
    record_event(
        &txn,
        &plan,
        "filed",
        user,
        false,
        Some(format!("filed with organisation {target}")),
        &request_id,
    )
    .await?;
    txn.commit().await.context("cannot commit an approval")?;
    Ok(web::Json(respond(db.get_ref(), plan).await?))
}

/// Return to the branch with a comment (reviewers and admins above the branch).
#[utoipa::path(post, path = "/api/v1/plans/{id}/return", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ReviewRequest, responses(
    (status = 200, description = "Returned", body = PlanResponse),
    (status = 400, description = "plan.invalid_input (a comment is required)", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state", body = ErrorBody)))]
pub async fn return_plan(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<ReviewRequest>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<PlanResponse>, PlanError> {
    let comment = text(body.comment.as_deref().unwrap_or(""), "comment", 500, true)?;
    let plan = existing_plan(db.get_ref(), *path).await?;
    let org = existing_org(db.get_ref(), plan.org_id).await?;
    require_reviewer(db.get_ref(), user, &org).await?;
    if status_of(&plan)? != PlanStatus::Submitted {
        return Err(wrong_state(&plan, "returned"));
    }
    let plan = transition(
        &db,
        plan,
        PlanStatus::Returned,
        "returned",
        user,
        false,
        Some(comment),
        &request_id,
    )
    .await?;
    Ok(web::Json(respond(db.get_ref(), plan).await?))
}

/// Re-snapshot the expected participants from the roster (until the activity day).
#[utoipa::path(post, path = "/api/v1/plans/{id}/participants/refresh", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "Refreshed", body = [ParticipantResponse]),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state (the day has passed)", body = ErrorBody)))]
pub async fn refresh_participants(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    checkin: web::Data<crate::checkin::CheckinService>,
    request_id: RequestId,
) -> Result<web::Json<Vec<ParticipantResponse>>, PlanError> {
    let plan = existing_plan(db.get_ref(), *path).await?;
    let org = existing_org(db.get_ref(), plan.org_id).await?;
    let on_behalf = branch_actor(db.get_ref(), user, &org).await?;
    let today = clock::now().with_timezone(&clock::shanghai()).date_naive();
    if today > plan.activity_date {
        return Err(PlanError::WrongState(
            "the activity day has passed; participants are fixed".into(),
        ));
    }
    let invited: Vec<i64> = plan_participant::Entity::find()
        .filter(plan_participant::Column::PlanId.eq(plan.id))
        .filter(plan_participant::Column::Invited.eq(true))
        .all(db.get_ref())
        .await
        .context("cannot read invited activists")?
        .into_iter()
        .map(|p| p.person_id)
        .collect();
    let txn = crate::db::begin_write(db.get_ref())
        .await
        .context("cannot start a transaction")?;
    snapshot_participants(&txn, &plan, &invited).await?;
    record_event(
        &txn,
        &plan,
        "participants_refreshed",
        user,
        on_behalf,
        None,
        &request_id,
    )
    .await?;
    txn.commit().await.context("cannot commit a refresh")?;
    // Scans decide on cached participants and times; tell every instance.
    checkin.facts.invalidate().await;
    Ok(web::Json(participants(db.get_ref(), plan.id).await?))
}

/// The expected participants of a plan.
#[utoipa::path(get, path = "/api/v1/plans/{id}/participants", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "Expected participants", body = [ParticipantResponse]),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody)))]
pub async fn list_participants(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<ParticipantResponse>>, PlanError> {
    let plan = existing_plan(db.get_ref(), *path).await?;
    authz::require(db.get_ref(), user, READ_DIRECTORY, plan.org_id).await?;
    Ok(web::Json(participants(db.get_ref(), plan.id).await?))
}

/// Publish the preview (预告) of a filed plan. Due by the 10th of the month, Asia/Shanghai;
/// a later publication is recorded as late.
#[utoipa::path(post, path = "/api/v1/plans/{id}/publish", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "Published", body = PlanResponse),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody),
    (status = 409, description = "plan.wrong_state (not filed yet)", body = ErrorBody)))]
pub async fn publish_preview(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    cache: web::Data<crate::cache::Cache>,
    wechat: web::Data<crate::config::WechatSettings>,
    wake: web::Data<tokio::sync::Notify>,
    request_id: RequestId,
) -> Result<web::Json<PlanResponse>, PlanError> {
    let plan = existing_plan(db.get_ref(), *path).await?;
    let org = existing_org(db.get_ref(), plan.org_id).await?;
    let on_behalf = branch_actor(db.get_ref(), user, &org).await?;
    if status_of(&plan)? != PlanStatus::Filed {
        return Err(wrong_state(&plan, "published before it is approved"));
    }
    let txn = crate::db::begin_write(db.get_ref())
        .await
        .context("cannot start a transaction")?;
    let (plan, queued) = publish(
        &txn,
        plan,
        &org,
        Some(user),
        on_behalf,
        Some(request_id.to_string()),
        &wechat,
    )
    .await?;
    txn.commit().await.context("cannot commit a publication")?;
    wake.notify_one();
    if let Err(e) = cache.publish(crate::push::WAKE_CHANNEL, "preview").await {
        tracing::debug!(error = %e, "cannot wake other instances; they poll");
    }
    tracing::info!(plan_id = plan.id, queued, "preview published");
    Ok(web::Json(respond(db.get_ref(), plan).await?))
}

/// Plans of the branches under an organisation for one month (reviewers see what waits).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/plans", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path), MonthQuery), responses(
    (status = 200, description = "Plans in the subtree", body = [PlanResponse]),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn list_plans(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<MonthQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<PlanResponse>>, PlanError> {
    parse_month(&query.month)?;
    let org = existing_org(db.get_ref(), *path).await?;
    authz::require(db.get_ref(), user, READ_DIRECTORY, org.id).await?;
    let subtree = orgs::subtree_ids(db.get_ref(), org.id).await?;
    let plans = activity_plan::Entity::find()
        .filter(activity_plan::Column::OrgId.is_in(subtree))
        .filter(activity_plan::Column::Month.eq(query.month.trim()))
        .order_by_asc(activity_plan::Column::OrgId)
        .all(db.get_ref())
        .await
        .context("cannot list plans")?;
    let mut out = Vec::with_capacity(plans.len());
    for plan in plans {
        out.push(respond(db.get_ref(), plan).await?);
    }
    Ok(web::Json(out))
}

/// For superiors and supervisors: every branch under an organisation with its preview for
/// the month, flagging late (after the 10th) and missing ones.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/previews", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path), MonthQuery), responses(
    (status = 200, description = "One row per branch", body = [PreviewStatus]),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn preview_status(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<MonthQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<PreviewStatus>>, PlanError> {
    let (_, deadline) = preview_deadline(query.month.trim())?;
    let org = existing_org(db.get_ref(), *path).await?;
    authz::require(db.get_ref(), user, READ_DIRECTORY, org.id).await?;
    let subtree = orgs::subtree_ids(db.get_ref(), org.id).await?;
    let branches = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(subtree.clone()))
        .filter(organisation::Column::Kind.eq(OrgKind::Branch.as_str()))
        .order_by_asc(organisation::Column::Code)
        .all(db.get_ref())
        .await
        .context("cannot list branches")?;
    let plans: HashMap<i64, activity_plan::Model> = activity_plan::Entity::find()
        .filter(activity_plan::Column::OrgId.is_in(subtree))
        .filter(activity_plan::Column::Month.eq(query.month.trim()))
        .all(db.get_ref())
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
                plan_status: plan.and_then(|p| PlanStatus::parse(&p.status).ok()),
                published_at: published.map(|t| t.with_timezone(&clock::shanghai()).to_rfc3339()),
                late: match published {
                    Some(at) => at > deadline,
                    None => now > deadline,
                },
                missing: published.is_none(),
            }
        })
        .collect();
    Ok(web::Json(rows))
}

#[derive(Serialize, ToSchema)]
pub struct MyPreviewResponse {
    pub month: String,
    /// The month's activity day by my branch's policy.
    pub activity_day: NaiveDate,
    pub preview_deadline: NaiveDate,
    /// The published preview of my branch for the month, if any.
    pub preview: Option<serde_json::Value>,
    pub plan_id: Option<i64>,
    /// Whether I am among the expected participants.
    pub expected: bool,
}

/// For members: this month's activity day and my branch's published preview.
#[utoipa::path(get, path = "/api/v1/me/preview", tag = "plans", security(("bearer" = [])),
    params(MonthQuery), responses(
    (status = 200, description = "The activity day and, once published, the preview", body = MyPreviewResponse),
    (status = 400, description = "plan.invalid_input", body = ErrorBody),
    (status = 401, description = "auth.token_missing, auth.token_invalid, auth.token_expired", body = ErrorBody),
    (status = 422, description = "calendar.year_missing", body = ErrorBody)))]
pub async fn my_preview(
    user: AuthUser,
    query: web::Query<MonthQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<MyPreviewResponse>, PlanError> {
    let month = query.month.trim().to_owned();
    let (year, m) = parse_month(&month)?;
    let me = crate::people::find(db.get_ref(), user.person_id)
        .await?
        .filter(|p| p.active)
        .ok_or(PlanError::Forbidden)?;
    let org = existing_org(db.get_ref(), me.org_id).await?;
    let activity_day = activity_day_of(db.get_ref(), &org, year, m).await?;
    let (deadline, _) = preview_deadline(&month)?;
    let plan = activity_plan::Entity::find()
        .filter(activity_plan::Column::OrgId.eq(org.id))
        .filter(activity_plan::Column::Month.eq(&month))
        .one(db.get_ref())
        .await
        .context("cannot read my branch's plan")?;
    let expected = match &plan {
        Some(p) => plan_participant::Entity::find_by_id((p.id, me.id))
            .one(db.get_ref())
            .await
            .context("cannot read participation")?
            .is_some(),
        None => false,
    };
    Ok(web::Json(MyPreviewResponse {
        month,
        activity_day,
        preview_deadline: deadline,
        preview: plan
            .as_ref()
            .and_then(|p| p.preview.as_deref())
            .and_then(|t| serde_json::from_str(t).ok()),
        plan_id: plan.as_ref().map(|p| p.id),
        expected,
    }))
}
