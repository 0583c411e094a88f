//! Consent for WeChat notifications, the channels tried, and what happened to each push.
use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;
use tracing_actix_web::RequestId;

use super::download::{Format, download};
use crate::{
    auth::AuthUser,
    config::{CommunitySettings, WechatSettings},
    error::ErrorBody,
    plans::PlanError,
    push::{
        self, SubscriptionReport, TemplatesResponse,
        channels::{self, ChannelOrderRequest, ChannelOrderResponse},
        deliveries::{self, DeliveryReport, DeliveryResponse},
        error::DeliveryError,
    },
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

/// What became of the plan's notifications: per person the channel that reached them and
/// the outcome, with totals per kind and channel, so the secretary reaches the rest.
#[utoipa::path(get, path = "/api/v1/plans/{id}/deliveries", tag = "push", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "One row per person and kind once the preview is published", body = DeliveryReport),
    (status = 401, description = "auth.token_missing, auth.token_invalid, auth.token_expired", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody)))]
pub async fn list_deliveries(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<DeliveryReport>, DeliveryError> {
    Ok(web::Json(
        deliveries::report(&db, user.into(), *path).await?,
    ))
}

/// The preview's recipients reached by no channel, as a workbook to phone down (phones
/// masked outside the caller's scope).
#[utoipa::path(get, path = "/api/v1/plans/{id}/deliveries/unreached.xlsx", tag = "push", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (status = 401, description = "auth.token_missing, auth.token_invalid, auth.token_expired", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found", body = ErrorBody)))]
pub async fn export_unreached(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, DeliveryError> {
    let bytes = deliveries::unreached_workbook(&db, user.into(), *path).await?;
    Ok(download(
        bytes,
        &Format::Xlsx,
        &format!("unreached-plan-{}", *path),
    ))
}

/// Marks a member's preview as told in person (by phone or at the branch) when no channel
/// reached them; it then counts as delivered. Audited.
#[utoipa::path(post, path = "/api/v1/plans/{id}/deliveries/{person_id}/told-in-person", tag = "push", security(("bearer" = [])),
    params(("id" = i64, Path), ("person_id" = i64, Path)), responses(
    (status = 200, body = DeliveryResponse),
    (status = 401, description = "auth.token_missing, auth.token_invalid, auth.token_expired", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "plan.not_found, delivery.not_found", body = ErrorBody),
    (status = 409, description = "delivery.already_reached, delivery.under_way", body = ErrorBody)))]
pub async fn mark_told_in_person(
    user: AuthUser,
    path: web::Path<(i64, i64)>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<web::Json<DeliveryResponse>, DeliveryError> {
    let (plan_id, person_id) = *path;
    Ok(web::Json(
        deliveries::told_in_person(
            &db,
            user.into(),
            plan_id,
            person_id,
            Some(request_id.to_string()),
        )
        .await?,
    ))
}

/// The order in which channels are tried for the organisation's members, and whether it is
/// the organisation's own, inherited from above, or the server's.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/notification-channels", tag = "push", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = ChannelOrderResponse),
    (status = 401, description = "auth.token_missing, auth.token_invalid, auth.token_expired", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn get_notification_channels(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    wechat: web::Data<WechatSettings>,
) -> Result<web::Json<ChannelOrderResponse>, DeliveryError> {
    Ok(web::Json(
        channels::order_of(&db, user.into(), *path, &wechat).await?,
    ))
}

/// Sets the organisation's own order (it applies below it too), or clears it with
/// `{"order": null}`. Organisation administrators; audited.
#[utoipa::path(put, path = "/api/v1/orgs/{id}/notification-channels", tag = "push", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ChannelOrderRequest, responses(
    (status = 200, body = ChannelOrderResponse),
    (status = 400, description = "delivery.invalid_input, request.invalid_json", body = ErrorBody),
    (status = 401, description = "auth.token_missing, auth.token_invalid, auth.token_expired", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "org.not_found", body = ErrorBody)))]
pub async fn put_notification_channels(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<ChannelOrderRequest>,
    db: web::Data<DatabaseConnection>,
    wechat: web::Data<WechatSettings>,
    request_id: RequestId,
) -> Result<web::Json<ChannelOrderResponse>, DeliveryError> {
    Ok(web::Json(
        channels::set_order(
            &db,
            user.into(),
            *path,
            body.into_inner(),
            &wechat,
            Some(request_id.to_string()),
        )
        .await?,
    ))
}
