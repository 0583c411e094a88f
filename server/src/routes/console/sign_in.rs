//! Signing in to the console: phone and password (the API's own check and limits), or a
//! one-time code scanned and confirmed with the mini-program; signing out.
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use base64::Engine;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};

use crate::{
    auth::{SignInGuard, guard::address_of},
    cache::Cache,
    config::CheckinSettings,
    console::{
        ConsoleSessions, ConsoleUser, PageError, messages,
        page::{html, safe_next, see_other},
        qr_sign_in::{self, CodeState},
        session::{self, SESSION_COOKIE, SIGN_IN_COOKIE},
    },
    error::ApiError,
};

/// The cookie that ties a shown QR code to this browser.
const QR_COOKIE: &str = "hdr_console_qr";

#[derive(Template)]
#[template(path = "console/login.html")]
struct LoginPage {
    error: Option<String>,
    csrf: String,
    next: String,
    phone: String,
    qr_code: String,
    qr_svg_base64: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// The sign-in page: a fresh form token and a fresh QR code each time it is shown.
async fn render(
    req: &HttpRequest,
    cache: &Cache,
    settings: &CheckinSettings,
    status: StatusCode,
    error: Option<String>,
    next: String,
    phone: String,
) -> Result<HttpResponse, PageError> {
    let csrf = session::random_token();
    let code = qr_sign_in::new_code(cache, &address_of(req)).await?;
    let url = format!(
        "{}/console/qr/{}",
        settings.qr_base_url.trim_end_matches('/'),
        code.code
    );
    let svg = crate::qr::qr_svg(&url)?;
    let mut response = html(
        status,
        &LoginPage {
            error,
            csrf: csrf.clone(),
            next,
            phone,
            qr_code: code.code,
            qr_svg_base64: base64::engine::general_purpose::STANDARD.encode(svg),
        },
    );
    response.add_cookie(&session::cookie(req, SIGN_IN_COOKIE, csrf))?;
    response.add_cookie(&session::cookie(req, QR_COOKIE, code.secret))?;
    Ok(response)
}

pub async fn page(
    req: HttpRequest,
    query: web::Query<NextQuery>,
    cache: web::Data<Cache>,
    settings: web::Data<CheckinSettings>,
) -> Result<HttpResponse, PageError> {
    let next = safe_next(query.next.as_deref());
    render(
        &req,
        &cache,
        &settings,
        StatusCode::OK,
        None,
        next,
        String::new(),
    )
    .await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    phone: String,
    password: String,
    /// Missing is the same as wrong: refused with the "page expired" page, not a 400.
    #[serde(default)]
    csrf: String,
    next: Option<String>,
}

pub async fn with_password(
    req: HttpRequest,
    form: web::Form<PasswordForm>,
    db: web::Data<DatabaseConnection>,
    guard: web::Data<SignInGuard>,
    sessions: web::Data<ConsoleSessions>,
    cache: web::Data<Cache>,
    settings: web::Data<CheckinSettings>,
) -> Result<HttpResponse, PageError> {
    let expected = req.cookie(SIGN_IN_COOKIE).map(|c| c.value().to_owned());
    if !expected.is_some_and(|token| session::same(&form.csrf, &token)) {
        return Err(PageError::CsrfRefused);
    }
    let next = safe_next(form.next.as_deref());
    let person = match guard
        .sign_in_with_password(&db, &form.phone, &form.password, &address_of(&req))
        .await
    {
        Ok(person) => person,
        Err(err) => {
            let (status, code) = err.parts();
            if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
                return Err(err.into());
            }
            let phone: String = form
                .phone
                .chars()
                .filter(char::is_ascii_digit)
                .take(11)
                .collect();
            return render(
                &req,
                &cache,
                &settings,
                status,
                Some(messages::chinese(code).to_owned()),
                next,
                phone,
            )
            .await;
        }
    };
    signed_in(&req, &sessions, person.id, &next).await
}

async fn signed_in(
    req: &HttpRequest,
    sessions: &ConsoleSessions,
    person_id: i64,
    next: &str,
) -> Result<HttpResponse, PageError> {
    let token = sessions.start(person_id).await?;
    let mut response = see_other(next);
    response.add_cookie(&session::cookie(req, SESSION_COOKIE, token))?;
    response.add_removal_cookie(&session::removal(req, SIGN_IN_COOKIE))?;
    Ok(response)
}

#[derive(Serialize)]
struct PollAnswer {
    state: &'static str,
}

/// The sign-in page asks whether its code was confirmed; once it was, this answer carries
/// the session cookie.
pub async fn poll(
    req: HttpRequest,
    path: web::Path<String>,
    cache: web::Data<Cache>,
    sessions: web::Data<ConsoleSessions>,
) -> Result<HttpResponse, PageError> {
    let secret = req
        .cookie(QR_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    let state = match qr_sign_in::redeem(&cache, &path, &secret).await? {
        Ok(person_id) => {
            let token = sessions.start(person_id).await?;
            let mut response = HttpResponse::Ok().json(PollAnswer { state: "done" });
            response.add_cookie(&session::cookie(&req, SESSION_COOKIE, token))?;
            response.add_removal_cookie(&session::removal(&req, QR_COOKIE))?;
            return Ok(response);
        }
        Err(CodeState::Waiting) => "waiting",
        Err(CodeState::Expired) => "expired",
    };
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(PollAnswer { state }))
}

#[derive(Deserialize)]
pub struct CsrfForm {
    /// Missing is the same as wrong: refused with the "page expired" page, not a 400.
    #[serde(default)]
    pub(super) csrf: String,
}

pub async fn logout(
    req: HttpRequest,
    user: ConsoleUser,
    form: web::Form<CsrfForm>,
    sessions: web::Data<ConsoleSessions>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    sessions.end(&user).await?;
    let mut response = see_other("/console/login");
    response.add_removal_cookie(&session::removal(&req, SESSION_COOKIE))?;
    Ok(response)
}
