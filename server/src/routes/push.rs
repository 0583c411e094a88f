//! Consent for WeChat notifications, and what happened to each push.
use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use anyhow::Context;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::plans::PlanError;
use crate::{
    auth::AuthUser,
    authz::{self, READ_DIRECTORY},
    config::WechatSettings,
    entities::{activity_plan, person, push_outbox},
    error::ErrorBody,
    push,
};

#[derive(Deserialize, ToSchema)]
pub struct SubscriptionReport {
    /// What `wx.requestSubscribeMessage` returned per template id:
    /// accept, acceptWithAudio, reject, ban or filter.
    pub results: HashMap<String, String>,
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryResponse {
    /// preview, remind_day_before, …
    pub kind: String,
    pub person_id: i64,
    pub name: String,
    /// pending, sending, sent, no_consent, no_wechat, failed, unknown
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub updated_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct TemplateView {
    /// preview (the monthly preview), reminder (deadlines, the day before), offer (a freed
    /// place offered from a waitlist)
    pub kind: String,
    /// Pass this to `wx.requestSubscribeMessage`.
    pub template_id: String,
    /// Long-term templates need one consent; one-time templates one per message.
    pub long_term: bool,
    /// Messages of this template the person has consented to and not yet received
    /// (long-term: 1 when granted, else 0). 0 on a one-time template: ask again.
    pub remaining: i32,
}

#[derive(Serialize, ToSchema)]
pub struct TemplatesResponse {
    pub templates: Vec<TemplateView>,
}

/// The notification templates this server sends, and the signed-in person's consent for
/// each: the mini-program asks for consent with these ids (never ids of its own), and tells
/// the member when a one-time consent is used up.
#[utoipa::path(get, path = "/api/v1/notifications/templates", tag = "push", security(("bearer" = [])),
    responses(
    (status = 200, body = TemplatesResponse),
    (status = 401, description = "auth.token_missing, auth.token_invalid, auth.token_expired", body = ErrorBody)))]
pub async fn notification_templates(
    user: AuthUser,
    db: web::Data<DatabaseConnection>,
    wechat: web::Data<WechatSettings>,
    community: web::Data<crate::config::CommunitySettings>,
) -> Result<web::Json<TemplatesResponse>, PlanError> {
    let consent: HashMap<String, crate::entities::subscription_quota::Model> =
        crate::entities::subscription_quota::Entity::find()
            .filter(crate::entities::subscription_quota::Column::PersonId.eq(user.person_id))
            .all(db.get_ref())
            .await
            .context("cannot read consent")?
            .into_iter()
            .map(|q| (q.template_id.clone(), q))
            .collect();
    let templates = [
        ("preview", &wechat.preview_template_id),
        ("reminder", &wechat.reminder_template_id),
        ("offer", &community.offer_template_id),
    ]
    .into_iter()
    .map(|(kind, template_id)| {
        let long_term = wechat.long_term_templates.contains(template_id);
        let remaining = consent.get(template_id).map_or(0, |q| {
            if long_term {
                i32::from(q.long_term)
            } else {
                q.remaining.max(0)
            }
        });
        TemplateView {
            kind: kind.to_owned(),
            template_id: template_id.clone(),
            long_term,
            remaining,
        }
    })
    .collect();
    Ok(web::Json(TemplatesResponse { templates }))
}

/// Report the result of `wx.requestSubscribeMessage` for the signed-in person.
#[utoipa::path(post, path = "/api/v1/subscriptions", tag = "push", security(("bearer" = [])),
    request_body = SubscriptionReport, responses(
    (status = 204, description = "Recorded"),
    (status = 400, description = "plan.invalid_input (unknown result or template id)", body = ErrorBody),
    (status = 401, description = "auth.token_missing, auth.token_invalid, auth.token_expired", body = ErrorBody)))]
pub async fn report_subscriptions(
    user: AuthUser,
    body: web::Json<SubscriptionReport>,
    db: web::Data<DatabaseConnection>,
    wechat: web::Data<WechatSettings>,
    community: web::Data<crate::config::CommunitySettings>,
) -> Result<HttpResponse, PlanError> {
    if body.results.is_empty() || body.results.len() > 5 {
        return Err(PlanError::InvalidInput(
            "report 1 to 5 template results".into(),
        ));
    }
    for (template, result) in &body.results {
        let known = *template == wechat.preview_template_id
            || *template == wechat.reminder_template_id
            || *template == community.offer_template_id
            || wechat.long_term_templates.contains(template);
        if !known {
            return Err(PlanError::InvalidInput(format!(
                "`{template}` is not a template this server sends"
            )));
        }
        let accepted = match result.as_str() {
            "accept" | "acceptWithAudio" => true,
            "reject" | "ban" | "filter" => false,
            other => {
                return Err(PlanError::InvalidInput(format!(
                    "`{other}` is not a subscribe result"
                )));
            }
        };
        let long_term = wechat.long_term_templates.contains(template);
        push::record_consent(db.get_ref(), user.person_id, template, accepted, long_term).await?;
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Per-person delivery of a plan's preview, so the secretary can reach the rest another way.
#[utoipa::path(get, path = "/api/v1/plans/{id}/deliveries", tag = "push", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "One row per expected participant once the preview is published", body = [DeliveryResponse]),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody)))]
pub async fn list_deliveries(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<DeliveryResponse>>, PlanError> {
    let plan = activity_plan::Entity::find_by_id(*path)
        .one(db.get_ref())
        .await
        .context("cannot read a plan")?
        .ok_or(PlanError::NotFound)?;
    authz::require(db.get_ref(), user, READ_DIRECTORY, plan.org_id).await?;
    let rows = push_outbox::Entity::find()
        .filter(push_outbox::Column::PlanId.eq(plan.id))
        .order_by_asc(push_outbox::Column::Id)
        .all(db.get_ref())
        .await
        .context("cannot read deliveries")?;
    let names: HashMap<i64, String> = person::Entity::find()
        .filter(person::Column::Id.is_in(rows.iter().map(|r| r.person_id)))
        .all(db.get_ref())
        .await
        .context("cannot read names")?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    Ok(web::Json(
        rows.into_iter()
            .map(|r| DeliveryResponse {
                name: names.get(&r.person_id).cloned().unwrap_or_default(),
                person_id: r.person_id,
                kind: r.kind,
                status: r.status.as_str().to_owned(),
                attempts: r.attempts,
                last_error: r.last_error,
                updated_at: r
                    .updated_at
                    .with_timezone(&crate::clock::shanghai())
                    .to_rfc3339(),
            })
            .collect(),
    ))
}
