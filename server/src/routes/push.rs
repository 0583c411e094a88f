//! Consent for WeChat notifications, and what happened to each push.
use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;

use crate::{
    auth::AuthUser,
    config::{CommunitySettings, WechatSettings},
    error::ErrorBody,
    plans::PlanError,
    push::{self, DeliveryResponse, SubscriptionReport, TemplatesResponse},
};

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
    community: web::Data<CommunitySettings>,
) -> Result<web::Json<TemplatesResponse>, PlanError> {
    Ok(web::Json(
        push::templates(&db, user.into(), &wechat, &community).await?,
    ))
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
    community: web::Data<CommunitySettings>,
) -> Result<HttpResponse, PlanError> {
    push::record_subscriptions(&db, user.into(), &body, &wechat, &community).await?;
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
    Ok(web::Json(push::deliveries(&db, user.into(), *path).await?))
}
