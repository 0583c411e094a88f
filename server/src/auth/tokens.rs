//! Access tokens (short-lived HS256 JWTs, algorithm fixed here), bind tickets (JWTs of
//! another type, so neither passes for the other) and refresh tokens (random, stored
//! hashed, rotated on use; reuse of a rotated token revokes its whole family).
use std::time::Duration;

use anyhow::Context;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode, errors::ErrorKind,
};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, sea_query::Expr,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::AuthError;
use crate::{clock, config::AuthSettings, entities::refresh_token};

const ALGORITHM: Algorithm = Algorithm::HS256;
const ACCESS: &str = "access";
const BIND: &str = "bind";
/// A member of the public who has not bound (a deputy studio's visitor): the WeChat openid.
const VISITOR: &str = "visitor";

pub struct TokenIssuer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    access_ttl: Duration,
    refresh_ttl: Duration,
    bind_ttl: Duration,
}

#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    iat: u64,
    exp: u64,
    jti: String,
    typ: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unionid: Option<String>,
    /// Set on tokens printed by `huodongri admin token`: they are checked against the
    /// `admin_token` table on every use, so revoking the row ends them at once.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    adm: bool,
}

/// Who an access token speaks for, and whether it must be checked against its record.
#[derive(Debug, Clone)]
pub struct Verified {
    pub person_id: i64,
    /// The `jti` of an operator-issued token (`huodongri admin token`).
    pub admin_jti: Option<String>,
}

/// What a successful login, bind or refresh returns.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenPair {
    /// Always `ok`; an unbound WeChat login answers `unbound` with a bind ticket instead.
    #[schema(example = "ok")]
    pub status: String,
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    pub refresh_token: String,
    pub refresh_expires_in: u64,
}

/// Who a bind ticket speaks for: a WeChat account not yet bound to a person.
#[derive(Debug, Clone)]
pub struct WechatIdentity {
    pub openid: String,
    pub unionid: Option<String>,
}

fn random_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn hash_refresh_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl TokenIssuer {
    pub fn new(secret: &SecretString, settings: &AuthSettings) -> Self {
        let key = secret.expose_secret().as_bytes();
        Self {
            encoding: EncodingKey::from_secret(key),
            decoding: DecodingKey::from_secret(key),
            access_ttl: Duration::from_secs(settings.access_token_ttl_secs),
            refresh_ttl: Duration::from_secs(settings.refresh_token_ttl_days * 86_400),
            bind_ttl: Duration::from_secs(settings.bind_ticket_ttl_secs),
        }
    }

    fn sign(
        &self,
        typ: &str,
        sub: String,
        ttl: Duration,
        unionid: Option<String>,
    ) -> anyhow::Result<String> {
        let iat = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub,
            iat,
            exp: iat + ttl.as_secs(),
            jti: random_id(),
            typ: typ.to_owned(),
            unionid,
            adm: false,
        };
        encode(&Header::new(ALGORITHM), &claims, &self.encoding).context("cannot sign a token")
    }

    fn check(&self, token: &str, typ: &str) -> Result<Claims, jsonwebtoken::errors::Error> {
        // Only HS256: a token announcing `none` or any other algorithm is refused.
        let mut validation = Validation::new(ALGORITHM);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "jti"]);
        validation.leeway = 5;
        let claims = decode::<Claims>(token, &self.decoding, &validation)?.claims;
        if claims.typ != typ {
            return Err(ErrorKind::InvalidToken.into());
        }
        Ok(claims)
    }

    pub fn issue_access(&self, person_id: i64) -> anyhow::Result<String> {
        self.sign(ACCESS, person_id.to_string(), self.access_ttl, None)
    }

    /// A plain access token with a chosen lifetime, for benchmarks that hold the secret and
    /// need tokens lasting a whole run.
    pub fn issue_access_for(&self, person_id: i64, ttl: Duration) -> anyhow::Result<String> {
        self.sign(ACCESS, person_id.to_string(), ttl, None)
    }

    /// An operator's access token with a chosen lifetime (`huodongri admin token`); returns
    /// the token and its `jti`, which the caller records so that it can be revoked.
    pub fn issue_admin(&self, person_id: i64, ttl: Duration) -> anyhow::Result<(String, String)> {
        let iat = jsonwebtoken::get_current_timestamp();
        let jti = random_id();
        let claims = Claims {
            sub: person_id.to_string(),
            iat,
            exp: iat + ttl.as_secs(),
            jti: jti.clone(),
            typ: ACCESS.to_owned(),
            unionid: None,
            adm: true,
        };
        let token = encode(&Header::new(ALGORITHM), &claims, &self.encoding)
            .context("cannot sign a token")?;
        Ok((token, jti))
    }

    pub fn verify_access(&self, token: &str) -> Result<i64, AuthError> {
        self.verify(token).map(|v| v.person_id)
    }

    pub fn verify(&self, token: &str) -> Result<Verified, AuthError> {
        let claims = self.check(token, ACCESS).map_err(|e| match e.kind() {
            ErrorKind::ExpiredSignature => AuthError::TokenExpired,
            _ => AuthError::TokenInvalid,
        })?;
        let person_id = claims.sub.parse().map_err(|_| AuthError::TokenInvalid)?;
        Ok(Verified {
            person_id,
            admin_jti: claims.adm.then_some(claims.jti),
        })
    }

    pub fn issue_bind_ticket(&self, identity: &WechatIdentity) -> anyhow::Result<String> {
        self.sign(
            BIND,
            identity.openid.clone(),
            self.bind_ttl,
            identity.unionid.clone(),
        )
    }

    /// A token for a WeChat user on no roster: it opens only the public's doors (booking a
    /// deputy's reception, following their own cases), never a person's.
    pub fn issue_visitor(&self, openid: &str) -> anyhow::Result<String> {
        self.sign(VISITOR, openid.to_owned(), self.access_ttl, None)
    }

    /// The openid of a visitor token.
    pub fn verify_visitor(&self, token: &str) -> Result<String, AuthError> {
        let claims = self
            .check(token, VISITOR)
            .map_err(|_| AuthError::TokenInvalid)?;
        Ok(claims.sub)
    }

    pub fn verify_bind_ticket(&self, ticket: &str) -> Result<WechatIdentity, AuthError> {
        let claims = self
            .check(ticket, BIND)
            .map_err(|_| AuthError::BindTicketInvalid)?;
        Ok(WechatIdentity {
            openid: claims.sub,
            unionid: claims.unionid,
        })
    }

    /// A fresh pair starting a new refresh-token family (a login).
    pub async fn issue_pair(
        &self,
        db: &impl ConnectionTrait,
        person_id: i64,
    ) -> anyhow::Result<TokenPair> {
        self.pair_in_family(db, person_id, uuid::Uuid::new_v4().to_string())
            .await
    }

    async fn pair_in_family(
        &self,
        db: &impl ConnectionTrait,
        person_id: i64,
        family_id: String,
    ) -> anyhow::Result<TokenPair> {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let refresh = URL_SAFE_NO_PAD.encode(bytes);
        let now = clock::now();
        refresh_token::ActiveModel {
            person_id: Set(person_id),
            family_id: Set(family_id),
            token_hash: Set(hash_refresh_token(&refresh)),
            issued_at: Set(now),
            expires_at: Set(now + self.refresh_ttl),
            rotated_at: Set(None),
            revoked_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await
        .context("cannot store a refresh token")?;
        Ok(TokenPair {
            status: "ok".into(),
            access_token: self.issue_access(person_id)?,
            token_type: "Bearer".into(),
            expires_in: self.access_ttl.as_secs(),
            refresh_token: refresh,
            refresh_expires_in: self.refresh_ttl.as_secs(),
        })
    }

    /// Exchanges a refresh token for a new pair in a transaction of its own, committed even
    /// on refusal: a detected reuse must leave the family revoked.
    pub async fn refresh(
        &self,
        db: &sea_orm::DatabaseConnection,
        refresh_token: &str,
    ) -> Result<TokenPair, AuthError> {
        let txn = crate::db::begin_write(db)
            .await
            .context("cannot start a transaction")?;
        let pair = self.rotate(&txn, refresh_token).await;
        txn.commit().await.context("cannot commit a rotation")?;
        pair
    }

    /// Exchanges a refresh token for a new pair. The token is marked rotated in the same
    /// statement that checks it, so two racing uses cannot both succeed; the loser is
    /// treated as reuse and revokes the family.
    pub async fn rotate(
        &self,
        db: &impl ConnectionTrait,
        presented: &str,
    ) -> Result<TokenPair, AuthError> {
        let hash = hash_refresh_token(presented);
        let now = clock::now();
        let claimed = refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RotatedAt, Expr::value(now))
            .filter(refresh_token::Column::TokenHash.eq(&hash))
            .filter(refresh_token::Column::RotatedAt.is_null())
            .filter(refresh_token::Column::RevokedAt.is_null())
            .filter(refresh_token::Column::ExpiresAt.gt(now))
            .exec(db)
            .await
            .context("cannot rotate a refresh token")?;
        let row = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(&hash))
            .one(db)
            .await
            .context("cannot read a refresh token")?
            .ok_or(AuthError::RefreshRejected)?;
        if claimed.rows_affected != 1 {
            if row.rotated_at.is_some() && row.revoked_at.is_none() {
                tracing::warn!(
                    person_id = row.person_id,
                    "a rotated refresh token was reused; revoking its family"
                );
                self.revoke_family(db, &row.family_id).await?;
            }
            return Err(AuthError::RefreshRejected);
        }
        if !crate::people::is_active(db, row.person_id).await? {
            self.revoke_family(db, &row.family_id).await?;
            return Err(AuthError::RefreshRejected);
        }
        Ok(self
            .pair_in_family(db, row.person_id, row.family_id)
            .await?)
    }

    /// Logout: revokes the family of the presented token (unknown tokens are ignored, so
    /// logging out twice is harmless).
    pub async fn revoke(&self, db: &impl ConnectionTrait, presented: &str) -> anyhow::Result<()> {
        let row = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(hash_refresh_token(presented)))
            .one(db)
            .await
            .context("cannot read a refresh token")?;
        if let Some(row) = row {
            self.revoke_family(db, &row.family_id).await?;
        }
        Ok(())
    }

    async fn revoke_family(
        &self,
        db: &impl ConnectionTrait,
        family_id: &str,
    ) -> anyhow::Result<()> {
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(clock::now()))
            .filter(refresh_token::Column::FamilyId.eq(family_id))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(db)
            .await
            .context("cannot revoke a refresh-token family")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer(secret: &str) -> TokenIssuer {
        let settings = AuthSettings {
            access_token_ttl_secs: 900,
            refresh_token_ttl_days: 30,
            bind_ticket_ttl_secs: 600,
            invite_code_ttl_hours: 72,
            invite_max_failures: 5,
            invite_failure_window_secs: 900,
            max_attempts_per_address: 30,
            hash_concurrency: 2,
            hash_wait_ms: 2000,
            hash_queue: 64,
            admin_token_max_ttl_secs: 86_400,
            console_idle_secs: 1800,
            console_lifetime_secs: 43_200,
        };
        TokenIssuer::new(&SecretString::from(secret.to_owned()), &settings)
    }

    const KEY: &str = "0123456789abcdef0123456789abcdef-key-one";

    #[test]
    fn an_access_token_verifies_to_its_person() {
        let issuer = issuer(KEY);
        let token = issuer.issue_access(42).expect("signed");
        assert_eq!(issuer.verify_access(&token).expect("valid"), 42);
    }

    #[test]
    fn a_token_signed_with_another_key_is_invalid() {
        let token = issuer("another-key-another-key-another-key!")
            .issue_access(42)
            .expect("signed");
        assert!(matches!(
            issuer(KEY).verify_access(&token),
            Err(AuthError::TokenInvalid)
        ));
    }

    #[test]
    fn an_unsigned_alg_none_token_is_invalid() {
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let now = jsonwebtoken::get_current_timestamp();
        let body = URL_SAFE_NO_PAD.encode(format!(
            r#"{{"sub":"1","iat":{now},"exp":{},"jti":"x","typ":"access"}}"#,
            now + 600
        ));
        let token = format!("{header}.{body}.");
        assert!(matches!(
            issuer(KEY).verify_access(&token),
            Err(AuthError::TokenInvalid)
        ));
    }

    #[test]
    fn a_bind_ticket_is_not_an_access_token_and_vice_versa() {
        let issuer = issuer(KEY);
        let identity = WechatIdentity {
            openid: "o123".into(),
            unionid: None,
        };
        let ticket = issuer.issue_bind_ticket(&identity).expect("signed");
        assert!(matches!(
            issuer.verify_access(&ticket),
            Err(AuthError::TokenInvalid)
        ));
        let access = issuer.issue_access(7).expect("signed");
        assert!(issuer.verify_bind_ticket(&access).is_err());
        assert_eq!(
            issuer.verify_bind_ticket(&ticket).expect("valid").openid,
            "o123"
        );
    }

    #[test]
    fn an_expired_token_says_expired() {
        let issuer = issuer(KEY);
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: "1".into(),
            iat: now - 7200,
            exp: now - 3600,
            jti: "j".into(),
            typ: ACCESS.into(),
            unionid: None,
            adm: false,
        };
        let token = encode(&Header::new(ALGORITHM), &claims, &issuer.encoding).expect("signed");
        assert!(matches!(
            issuer.verify_access(&token),
            Err(AuthError::TokenExpired)
        ));
    }
}
