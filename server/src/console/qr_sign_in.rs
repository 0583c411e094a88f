//! Signing in to the console by scanning its QR code with the mini-program: the sign-in page
//! asks for a one-time code (8 characters, two minutes) tied to a secret in that browser's
//! cookie; a bound person confirms the code on their phone; the browser that holds the secret
//! then trades the confirmed code for a session, once. Someone who only saw the code (over a
//! shoulder, on a photo of the screen) cannot be signed in by it: they lack the secret.
use std::time::Duration;

use anyhow::Context;
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::{ConsoleError, session};
use crate::{authz::Caller, cache::Cache, domain::Role};

pub const CODE_LENGTH: usize = 8;
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// How long a code may be scanned and confirmed.
pub const VALID: Duration = Duration::from_secs(120);
/// Codes one address may ask for in a minute (each sign-in page view asks for one).
const CODES_PER_MINUTE: i64 = 30;
/// Codes one person may confirm in a minute: nobody scans more than a few screens, and a
/// phone trying codes at random (to sign someone else's browser in as itself) is stopped.
const CONFIRMS_PER_MINUTE: i64 = 10;

#[derive(Serialize, Deserialize)]
struct Pending {
    /// SHA-256 of the browser's secret.
    secret: String,
}

/// A new code for a sign-in page: the code, and the secret for the browser's cookie.
pub struct NewCode {
    pub code: String,
    pub secret: String,
}

fn pending_key(code: &str) -> String {
    format!("console:qr:{code}")
}

fn confirmed_key(code: &str) -> String {
    format!("console:qr:{code}:by")
}

fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A well-formed code, or None: what a path segment must be before any lookup.
pub fn parse_code(raw: &str) -> Option<String> {
    (raw.len() == CODE_LENGTH && raw.bytes().all(|b| ALPHABET.contains(&b))).then(|| raw.to_owned())
}

pub async fn new_code(cache: &Cache, address: &str) -> Result<NewCode, ConsoleError> {
    let asked = cache
        .count_in_window(
            &format!("console:qr-asked:{address}"),
            Duration::from_secs(60),
        )
        .await
        .context("cannot count sign-in codes")?;
    if asked > CODES_PER_MINUTE {
        return Err(ConsoleError::TooManyRequests);
    }
    let mut rng = rand::rng();
    let code: String = (0..CODE_LENGTH)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    let secret = session::random_token();
    let pending = serde_json::to_string(&Pending {
        secret: digest(&secret),
    })
    .context("a pending sign-in serialises")?;
    cache
        .set(&pending_key(&code), &pending, Some(VALID))
        .await
        .context("cannot store a sign-in code")?;
    Ok(NewCode { code, secret })
}

/// The roles that open the console: staff of some organisation (members use the mini-program).
pub const CONSOLE_ROLES: &[Role] = &[
    Role::OrgAdmin,
    Role::Secretary,
    Role::Reviewer,
    Role::Supervisor,
    Role::CommunityAdmin,
];

/// A bound person confirms a code on their phone. The first confirmation wins.
pub async fn confirm(
    db: &sea_orm::DatabaseConnection,
    cache: &Cache,
    caller: Caller,
    code: &str,
) -> Result<(), ConsoleError> {
    let tried = cache
        .count_in_window(
            &format!("console:qr-confirms:{}", caller.person_id),
            Duration::from_secs(60),
        )
        .await
        .context("cannot count confirmations")?;
    if tried > CONFIRMS_PER_MINUTE {
        return Err(ConsoleError::TooManyRequests);
    }
    let code = parse_code(code).ok_or(ConsoleError::SignInNotFound)?;
    if !crate::authz::holds_any(db, caller.person_id, CONSOLE_ROLES).await? {
        return Err(ConsoleError::Forbidden);
    }
    let pending = cache
        .get(&pending_key(&code))
        .await
        .context("cannot read a sign-in code")?;
    if pending.is_none() {
        return Err(ConsoleError::SignInNotFound);
    }
    let first = cache
        .set_if_absent(&confirmed_key(&code), &caller.person_id.to_string(), VALID)
        .await
        .context("cannot confirm a sign-in code")?;
    if !first {
        return Err(ConsoleError::SignInUsed);
    }
    tracing::info!(
        person_id = caller.person_id,
        "console sign-in confirmed on a phone"
    );
    Ok(())
}

/// Where a code stands, for the page that shows it.
#[derive(Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CodeState {
    Waiting,
    Expired,
}

/// The browser asks whether its code was confirmed: the person it was confirmed by, once
/// (the code is spent), or where it stands.
pub async fn redeem(
    cache: &Cache,
    code: &str,
    secret: &str,
) -> Result<Result<i64, CodeState>, ConsoleError> {
    let Some(code) = parse_code(code) else {
        return Ok(Err(CodeState::Expired));
    };
    let Some(pending) = cache
        .get(&pending_key(&code))
        .await
        .context("cannot read a sign-in code")?
    else {
        return Ok(Err(CodeState::Expired));
    };
    let Ok(pending) = serde_json::from_str::<Pending>(&pending) else {
        return Ok(Err(CodeState::Expired));
    };
    if !session::same(&digest(secret), &pending.secret) {
        return Ok(Err(CodeState::Expired));
    }
    let Some(by) = cache
        .get(&confirmed_key(&code))
        .await
        .context("cannot read a sign-in confirmation")?
    else {
        return Ok(Err(CodeState::Waiting));
    };
    // Whoever deletes the pending code spends it: two polls at once sign in once.
    if !cache
        .delete(&pending_key(&code))
        .await
        .context("cannot spend a sign-in code")?
    {
        return Ok(Err(CodeState::Expired));
    }
    let person_id = by.parse().context("a confirmation holds a person id")?;
    Ok(Ok(person_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_eight_unambiguous_characters() {
        assert_eq!(parse_code("ABCD2345").as_deref(), Some("ABCD2345"));
        assert_eq!(parse_code("ABCD234"), None);
        assert_eq!(parse_code("ABCD2340"), None, "0 and O are not told apart");
        assert_eq!(parse_code("abcd2345"), None);
        assert_eq!(parse_code("ABCD234５"), None);
    }
}
