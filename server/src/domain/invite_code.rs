use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;

/// Letters and digits people cannot confuse when reading a code aloud (no 0/O, 1/I/L).
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// The public part that finds the invite; the rest is the secret.
const LOOKUP_LENGTH: usize = 4;
const LENGTH: usize = 12;

/// A one-time invite code a secretary hands to one person: 12 characters from `ALPHABET`,
/// shown as `ABCD-EFGH-JKMN`. The first four find the invite, so every wrong guess counts
/// against the invite it aims at; the other eight (~40 bits) are the secret. Typed codes
/// are upper-cased and stripped of spaces and dashes first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteCode(String);

/// The server's key for invite hashes: a leaked table cannot be reversed offline without it.
#[derive(Clone)]
pub struct InviteKey(Vec<u8>);

impl InviteKey {
    /// Derived from a server secret with a label of its own, so it never equals a key that
    /// signs anything else.
    pub fn derive(secret: &[u8]) -> Self {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any size");
        mac.update(b"huodongri invite code v2");
        Self(mac.finalize().into_bytes().to_vec())
    }
}

impl std::fmt::Debug for InviteKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InviteKey { .. }")
    }
}

impl InviteCode {
    pub fn generate() -> Self {
        let mut rng = rand::rng();
        Self(
            (0..LENGTH)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
                .collect(),
        )
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.len() > 40 {
            return Err("an invite code has 12 letters and digits".into());
        }
        let code: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if code.len() == LENGTH && code.bytes().all(|b| ALPHABET.contains(&b)) {
            Ok(Self(code))
        } else {
            Err("an invite code has 12 letters and digits".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `ABCD-EFGH-JKMN`, as people read and type it.
    pub fn display(&self) -> String {
        format!("{}-{}-{}", &self.0[..4], &self.0[4..8], &self.0[8..])
    }

    /// The public part stored in clear to find the invite.
    pub fn lookup(&self) -> &str {
        &self.0[..LOOKUP_LENGTH]
    }

    /// What the database keeps: a keyed hash of the whole code.
    pub fn hash(&self, key: &InviteKey) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&key.0).expect("HMAC takes keys of any size");
        mac.update(self.0.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_parse_back_and_typing_variations_are_accepted() {
        let code = InviteCode::generate();
        assert_eq!(InviteCode::parse(code.as_str()), Ok(code.clone()));
        assert_eq!(InviteCode::parse(&code.display().to_lowercase()), Ok(code));
    }

    #[test]
    fn confusable_short_or_long_codes_are_refused() {
        assert!(
            InviteCode::parse("ABCD1234EFGH").is_err(),
            "1 is not in the alphabet"
        );
        assert!(InviteCode::parse("ABCD2345EFG").is_err());
        assert!(InviteCode::parse("ABCD2345EFGHJ").is_err());
        assert!(InviteCode::parse("").is_err());
        assert!(InviteCode::parse(&"-".repeat(1000)).is_err());
    }

    #[test]
    fn the_hash_depends_on_the_key_and_the_whole_code() {
        let code = InviteCode::parse("ABCD-EFGH-JKMN").expect("valid");
        let other = InviteCode::parse("ABCD-EFGH-JKMP").expect("valid");
        let key = InviteKey::derive(b"a server secret of enough length!!");
        let another_key = InviteKey::derive(b"another server secret of length!!!");
        assert_eq!(code.lookup(), other.lookup());
        assert_ne!(code.hash(&key), other.hash(&key));
        assert_ne!(code.hash(&key), code.hash(&another_key));
        assert_eq!(code.hash(&key).len(), 64);
    }
}
