//! Evidence files: upload (multipart, as `wx.uploadFile` sends, or the raw body), list,
//! and download for people whose scope covers the owning record.
use actix_web::{HttpRequest, HttpResponse, http::header, web};
use futures_util::StreamExt;
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use tracing_actix_web::RequestId;
use utoipa::IntoParams;

use crate::{
    attachments::{
        AttachmentError, AttachmentOwner, Attachments,
        error::invalid,
        form::{boundary, file_part},
        service::AttachmentView,
    },
    auth::AuthUser,
    error::ErrorBody,
};

#[derive(Deserialize, IntoParams)]
pub struct OwnerQuery {
    /// duty_entry or activity
    pub owner_type: String,
    pub owner_id: i64,
    /// The file's name, when the body is the file itself (a multipart part names its own).
    pub name: Option<String>,
}

/// Room for the multipart headers around a file of the largest size.
const FORM_OVERHEAD: u64 = 64 * 1024;

/// Reads the body, refusing it as soon as it is larger than `limit`.
async fn body_within(
    request: &HttpRequest,
    mut payload: web::Payload,
    limit: u64,
    max_file: u64,
) -> Result<Vec<u8>, AttachmentError> {
    let too_large = || AttachmentError::TooLarge(max_file / (1024 * 1024));
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large());
    }
    let mut body =
        Vec::with_capacity(usize::try_from(declared.unwrap_or(0).min(limit)).unwrap_or(0));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| invalid(format!("the upload was interrupted: {e}")))?;
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Attach a photo or document to a record (a duty entry of mine, or an activity I organise).
#[utoipa::path(post, path = "/api/v1/attachments", tag = "attachments", security(("bearer" = [])),
    params(OwnerQuery),
    request_body(content = Vec<u8>, description = "multipart/form-data with a `file` part, or the file itself", content_type = "multipart/form-data"),
    responses(
    (status = 201, body = AttachmentView),
    (status = 400, description = "attachment.invalid_input, attachment.unreadable_image", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "attachment.not_found", body = ErrorBody),
    (status = 409, description = "attachment.too_many", body = ErrorBody),
    (status = 413, description = "attachment.too_large", body = ErrorBody),
    (status = 415, description = "attachment.unsupported_type, attachment.type_mismatch", body = ErrorBody)))]
pub async fn upload(
    user: AuthUser,
    request: HttpRequest,
    query: web::Query<OwnerQuery>,
    payload: web::Payload,
    db: web::Data<DatabaseConnection>,
    attachments: web::Data<Attachments>,
    request_id: RequestId,
) -> Result<HttpResponse, AttachmentError> {
    let owner = AttachmentOwner::parse(&query.owner_type).map_err(AttachmentError::InvalidInput)?;
    let max = attachments.max_bytes();
    let body = body_within(&request, payload, max + FORM_OVERHEAD, max).await?;
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let (name, bytes) = match boundary(content_type) {
        Some(boundary) => {
            let part = file_part(&body, &boundary).map_err(AttachmentError::InvalidInput)?;
            (part.name.or_else(|| query.name.clone()), part.bytes)
        }
        None => (query.name.clone(), body.as_slice()),
    };
    let name = name.ok_or_else(|| invalid("the file needs a name (name=…)"))?;
    let view = attachments
        .upload(
            db.get_ref(),
            user.into(),
            owner,
            query.owner_id,
            &name,
            bytes,
            Some(request_id.to_string()),
        )
        .await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Deserialize, IntoParams)]
pub struct ListQuery {
    /// duty_entry or activity
    pub owner_type: String,
    pub owner_id: i64,
}

/// The attachments of a record.
#[utoipa::path(get, path = "/api/v1/attachments", tag = "attachments", security(("bearer" = [])),
    params(ListQuery), responses(
    (status = 200, body = [AttachmentView]),
    (status = 400, description = "attachment.invalid_input (owner_type)", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "attachment.not_found", body = ErrorBody)))]
pub async fn list(
    user: AuthUser,
    query: web::Query<ListQuery>,
    db: web::Data<DatabaseConnection>,
    attachments: web::Data<Attachments>,
) -> Result<web::Json<Vec<AttachmentView>>, AttachmentError> {
    let owner = AttachmentOwner::parse(&query.owner_type).map_err(AttachmentError::InvalidInput)?;
    Ok(web::Json(
        attachments
            .list(db.get_ref(), user.into(), owner, query.owner_id)
            .await?,
    ))
}

fn serve(content: crate::attachments::service::Content) -> HttpResponse {
    let disposition = if content.inline {
        "inline"
    } else {
        "attachment"
    };
    // RFC 6266 / 5987: the UTF-8 name percent-encoded, so Chinese names survive.
    let encoded: String = content
        .name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    HttpResponse::Ok()
        .content_type(content.media_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("{disposition}; filename*=UTF-8''{encoded}"),
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "private, max-age=86400"))
        .body(content.bytes)
}

/// The file itself.
#[utoipa::path(get, path = "/api/v1/attachments/{id}/content", tag = "attachments", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "The file, with its type"),
    (status = 404, description = "attachment.not_found", body = ErrorBody)))]
pub async fn content(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    attachments: web::Data<Attachments>,
) -> Result<HttpResponse, AttachmentError> {
    let file = attachments
        .content(db.get_ref(), user.into(), path.into_inner(), false)
        .await?;
    Ok(serve(file))
}

/// An image's thumbnail (JPEG).
#[utoipa::path(get, path = "/api/v1/attachments/{id}/thumbnail", tag = "attachments", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, description = "A JPEG thumbnail"),
    (status = 404, description = "attachment.not_found", body = ErrorBody)))]
pub async fn thumbnail(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
    attachments: web::Data<Attachments>,
) -> Result<HttpResponse, AttachmentError> {
    let file = attachments
        .content(db.get_ref(), user.into(), path.into_inner(), true)
        .await?;
    Ok(serve(file))
}
