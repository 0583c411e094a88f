//! Staff passwords, hashed with argon2id. Verification costs the same whether or not the
//! person exists, so timing does not reveal which phone numbers have accounts.
use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
};

use crate::domain::Password;

pub fn hash(password: &Password) -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    let salt =
        SaltString::encode_b64(&bytes).map_err(|e| anyhow::anyhow!("cannot encode a salt: {e}"))?;
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash a password: {e}"))
}

/// A hash of a password nobody has, verified against when the person is unknown.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Rj2J7GcbVdM2lcNGDPmXqQ0o0XNqpjYpBq0tlXQjKdk";

pub fn verify(candidate: &str, stored: Option<&str>) -> bool {
    let hash = stored.unwrap_or(DECOY_HASH);
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let matches = Argon2::default()
        .verify_password(candidate.as_bytes(), &parsed)
        .is_ok();
    matches && stored.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let password = Password::parse("correct horse 7").expect("valid");
        let stored = hash(&password).expect("hashed");
        assert!(verify("correct horse 7", Some(&stored)));
        assert!(!verify("correct horse 8", Some(&stored)));
        assert!(!verify("correct horse 7", None));
    }
}
