//! Staff passwords, hashed with argon2id. Verification costs the same whether or not the
//! person exists, so timing does not reveal which phone numbers have accounts.
use argon2::{
    Algorithm, Argon2, Block, Params, Version,
    password_hash::{PasswordHash, PasswordHasher, SaltString},
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

/// Stored hashes asking for more memory than this (64 MiB) are refused rather than run.
const MAX_MEMORY_KIB: u32 = 64 * 1024;

/// Checks passwords in a block of memory it keeps: one argon2 run needs ~19 MiB, and
/// allocating that afresh per attempt leaves the allocator holding freed blocks in every
/// thread that ever hashed. A password thread owns one verifier for its whole life.
#[derive(Default)]
pub struct Verifier {
    memory: Vec<Block>,
}

impl Verifier {
    pub fn verify(&mut self, candidate: &str, stored: Option<&str>) -> bool {
        let matches = self
            .matches(candidate, stored.unwrap_or(DECOY_HASH))
            .unwrap_or(false);
        matches && stored.is_some()
    }

    fn matches(&mut self, candidate: &str, stored: &str) -> Option<bool> {
        let parsed = PasswordHash::new(stored).ok()?;
        let params = Params::try_from(&parsed).ok()?;
        if params.m_cost() > MAX_MEMORY_KIB {
            return None;
        }
        let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
        let version = parsed
            .version
            .map_or(Some(Version::V0x13), |v| Version::try_from(v).ok())?;
        let expected = parsed.hash?;
        let mut salt_buffer = [0u8; 64];
        let salt = parsed.salt?.decode_b64(&mut salt_buffer).ok()?;
        let argon2 = Argon2::new(algorithm, version, params.clone());
        self.memory.resize(params.block_count(), Block::default());
        let mut computed = vec![0u8; expected.len()];
        argon2
            .hash_password_into_with_memory(
                candidate.as_bytes(),
                salt,
                &mut computed,
                &mut self.memory[..params.block_count()],
            )
            .ok()?;
        let difference = computed
            .iter()
            .zip(expected.as_bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        Some(difference == 0)
    }
}

/// One verification with memory of its own (tests and one-off checks).
pub fn verify(candidate: &str, stored: Option<&str>) -> bool {
    Verifier::default().verify(candidate, stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let password = Password::parse("correct horse 7").expect("valid");
        let stored = hash(&password).expect("hashed");
        let mut verifier = Verifier::default();
        assert!(verifier.verify("correct horse 7", Some(&stored)));
        assert!(!verifier.verify("correct horse 8", Some(&stored)));
        assert!(!verifier.verify("correct horse 7", None));
        assert!(!verifier.verify("correct horse 7", Some("not a hash")));
        assert!(
            verify("correct horse 7", Some(&stored)),
            "a fresh verifier agrees"
        );
    }
}
