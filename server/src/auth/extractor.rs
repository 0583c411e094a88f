use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};

use super::{AuthError, TokenIssuer};

/// A caller with a valid access token. Taking one as a handler argument makes the route
/// private; what the person may do is checked against the database by `authz`.
#[derive(Debug, Clone, Copy)]
pub struct AuthUser {
    pub person_id: i64,
}

impl FromRequest for AuthUser {
    type Error = AuthError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

fn authenticate(req: &HttpRequest) -> Result<AuthUser, AuthError> {
    let issuer = req
        .app_data::<web::Data<TokenIssuer>>()
        .ok_or_else(|| anyhow::anyhow!("the TokenIssuer is not registered"))?;
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or(AuthError::TokenMissing)?
        .to_str()
        .map_err(|_| AuthError::TokenInvalid)?;
    let token = value
        .strip_prefix("Bearer ")
        .ok_or(AuthError::TokenMissing)?
        .trim();
    let person_id = issuer.verify_access(token)?;
    Ok(AuthUser { person_id })
}
