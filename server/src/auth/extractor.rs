use std::future::ready;

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use anyhow::Context;
use futures_util::future::{FutureExt, LocalBoxFuture};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use super::{AuthError, TokenIssuer, tokens::Verified};
use crate::{clock, entities::admin_token};

/// A caller with a valid access token. Taking one as a handler argument makes the route
/// private; what the person may do is checked against the database by `authz`.
#[derive(Debug, Clone, Copy)]
pub struct AuthUser {
    pub person_id: i64,
}

impl FromRequest for AuthUser {
    type Error = AuthError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        match authenticate(req) {
            Err(err) => ready(Err(err)).boxed_local(),
            Ok(Verified {
                person_id,
                admin_jti: None,
            }) => ready(Ok(AuthUser { person_id })).boxed_local(),
            // Operator tokens may live for hours, so each use checks that it was not revoked.
            Ok(Verified {
                person_id,
                admin_jti: Some(jti),
            }) => {
                let db = req.app_data::<web::Data<DatabaseConnection>>().cloned();
                async move {
                    if operator_token_live(db, &jti, person_id).await? {
                        Ok(AuthUser { person_id })
                    } else {
                        Err(AuthError::TokenInvalid)
                    }
                }
                .boxed_local()
            }
        }
    }
}

/// Whether operator token `jti` of `person_id` is still live. Operator tokens may live for
/// hours, so each use checks that it was not revoked.
async fn operator_token_live(
    db: Option<web::Data<DatabaseConnection>>,
    jti: &str,
    person_id: i64,
) -> Result<bool, AuthError> {
    let db = db.ok_or_else(|| anyhow::anyhow!("the database is not registered"))?;
    let live = admin_token::Entity::find()
        .filter(admin_token::Column::Jti.eq(jti))
        .filter(admin_token::Column::PersonId.eq(person_id))
        .filter(admin_token::Column::RevokedAt.is_null())
        .filter(admin_token::Column::ExpiresAt.gt(clock::now()))
        .count(db.get_ref())
        .await
        .context("cannot check an operator token")?;
    Ok(live == 1)
}

/// The operator (`huodongri admin token`) making this request: a person's ordinary access
/// token is refused with 403, a missing or revoked one with 401.
pub async fn require_operator(req: &HttpRequest) -> Result<i64, AuthError> {
    let Verified {
        person_id,
        admin_jti,
    } = authenticate(req)?;
    let jti = admin_jti.ok_or(AuthError::OperatorOnly)?;
    let db = req.app_data::<web::Data<DatabaseConnection>>().cloned();
    if operator_token_live(db, &jti, person_id).await? {
        Ok(person_id)
    } else {
        Err(AuthError::TokenInvalid)
    }
}

/// A person with an access token or a member of the public with a visitor token: for the
/// few doors open to both (a deputy's reception, the public's own cases).
#[derive(Debug, Clone)]
pub struct AnyRequester(pub crate::authz::Requester);

impl FromRequest for AnyRequester {
    type Error = AuthError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let visitor = bearer(req).and_then(|token| {
            let issuer = req
                .app_data::<web::Data<TokenIssuer>>()
                .ok_or_else(|| anyhow::anyhow!("the TokenIssuer is not registered"))?;
            issuer.verify_visitor(token)
        });
        match visitor {
            Ok(openid) => ready(Ok(Self(crate::authz::Requester::Visitor(openid)))).boxed_local(),
            Err(_) => AuthUser::from_request(req, payload)
                .map(|user| user.map(|u| Self(crate::authz::Requester::Person(u.person_id))))
                .boxed_local(),
        }
    }
}

fn bearer(req: &HttpRequest) -> Result<&str, AuthError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or(AuthError::TokenMissing)?
        .to_str()
        .map_err(|_| AuthError::TokenInvalid)?;
    Ok(value
        .strip_prefix("Bearer ")
        .ok_or(AuthError::TokenMissing)?
        .trim())
}

fn authenticate(req: &HttpRequest) -> Result<Verified, AuthError> {
    let issuer = req
        .app_data::<web::Data<TokenIssuer>>()
        .ok_or_else(|| anyhow::anyhow!("the TokenIssuer is not registered"))?;
    issuer.verify(bearer(req)?)
}
