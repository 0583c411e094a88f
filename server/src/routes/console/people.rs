//! The console's page of one person: their details with the edit form, a one-time invite code
//! to bind their WeChat, and an exemption from organisational life (暂不参加组织生活) for the
//! committee. The forms are shown only to those the services would let act, and the services
//! check again.
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use base64::Engine;
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use tracing_actix_web::RequestId;

use super::frame::{Frame, frame};
use crate::{
    checkin::CheckinService,
    config::AuthSettings,
    console::{
        ConsoleUser, PageError,
        page::{html, see_other},
    },
    directory::manage::{self, InviteResponse, PersonRequest, PersonResponse},
    domain::{DeputyLevel, InviteKey, LeaderLevel, MemberStatus, PartyPost},
};

#[derive(Template)]
#[template(path = "console/person.html")]
struct PersonPage {
    frame: Frame,
    person: PersonResponse,
    may_change: bool,
    done: Option<&'static str>,
    /// A code just issued, shown this once.
    invite: Option<InviteResponse>,
    invite_qr_base64: String,
}

impl PersonPage {
    fn statuses(&self) -> &'static [MemberStatus] {
        MemberStatus::ALL
    }
    fn posts(&self) -> &'static [PartyPost] {
        PartyPost::ALL
    }
    fn leader_levels(&self) -> &'static [LeaderLevel] {
        LeaderLevel::ALL
    }
    fn deputy_levels(&self) -> &'static [DeputyLevel] {
        DeputyLevel::ALL
    }
    fn today(&self) -> String {
        crate::clock::today().to_string()
    }
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

async fn render(
    db: &DatabaseConnection,
    user: &ConsoleUser,
    id: i64,
    done: Option<&'static str>,
    invite: Option<InviteResponse>,
) -> Result<HttpResponse, PageError> {
    let (person, may_change) = manage::person_for_staff(db, user.into(), id).await?;
    let invite_qr_base64 = invite.as_ref().map_or_else(String::new, |i| {
        base64::engine::general_purpose::STANDARD.encode(&i.qr_svg)
    });
    Ok(html(
        StatusCode::OK,
        &PersonPage {
            frame: frame(db, user, person.org_id, "people").await?,
            person,
            may_change,
            done,
            invite,
            invite_qr_base64,
        },
    ))
}

pub async fn person(
    user: ConsoleUser,
    path: web::Path<i64>,
    query: web::Query<DoneQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, PageError> {
    let done = match query.done.as_deref() {
        Some("saved") => Some("已保存。"),
        Some("exempted") => Some("已登记暂不参加组织生活，自生效日起不计入应到人数。"),
        _ => None,
    };
    render(&db, &user, path.into_inner(), done, None).await
}

/// The edit form: every field of the API's `PersonRequest`, plus its token.
#[derive(Deserialize)]
pub struct PersonForm {
    /// Missing is the same as wrong: refused with the "page expired" page, not a 400.
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    status: String,
    join_date: Option<String>,
    party_post: Option<String>,
    leader_level: Option<String>,
    deputy_level: Option<String>,
    work_unit: Option<String>,
    /// A checkbox: present when ticked.
    #[serde(default)]
    in_service_organ: bool,
}

pub async fn update(
    user: ConsoleUser,
    path: web::Path<i64>,
    form: web::Form<PersonForm>,
    db: web::Data<DatabaseConnection>,
    request_id: RequestId,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let id = path.into_inner();
    let form = form.into_inner();
    let request = PersonRequest {
        name: form.name,
        phone: form.phone,
        org_id: None,
        status: form.status,
        join_date: form.join_date,
        party_post: form.party_post,
        leader_level: form.leader_level,
        deputy_level: form.deputy_level,
        work_unit: form.work_unit,
        in_service_organ: form.in_service_organ,
        // Kept as they are by the service.
        exempt: false,
        exempt_reason: None,
    };
    manage::update_details(
        &db,
        (&user).into(),
        id,
        request,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(see_other(&format!("/console/people/{id}?done=saved")))
}

pub async fn invite(
    user: ConsoleUser,
    path: web::Path<i64>,
    form: web::Form<super::sign_in::CsrfForm>,
    db: web::Data<DatabaseConnection>,
    settings: web::Data<AuthSettings>,
    invite_key: web::Data<InviteKey>,
    request_id: RequestId,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let id = path.into_inner();
    let invite = manage::issue_invite(
        &db,
        &settings,
        &invite_key,
        (&user).into(),
        id,
        Some(request_id.to_string()),
    )
    .await?;
    render(&db, &user, id, None, Some(invite)).await
}

#[derive(Deserialize)]
pub struct ExemptionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    valid_from: String,
    valid_until: Option<String>,
}

pub async fn exempt(
    user: ConsoleUser,
    path: web::Path<i64>,
    form: web::Form<ExemptionForm>,
    service: web::Data<CheckinService>,
    request_id: RequestId,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let id = path.into_inner();
    service
        .create_exemption_as(
            (&user).into(),
            id,
            &form.reason,
            &form.valid_from,
            form.valid_until.as_deref(),
            Some(request_id.to_string()),
        )
        .await?;
    Ok(see_other(&format!("/console/people/{id}?done=exempted")))
}
