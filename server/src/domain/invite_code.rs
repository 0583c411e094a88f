use rand::Rng;
use sha2::{Digest, Sha256};

/// Letters and digits people cannot confuse when reading a code aloud (no 0/O, 1/I/L).
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const LENGTH: usize = 8;

/// A one-time invite code a secretary hands to one person: 8 characters from `ALPHABET`.
/// Typed codes are upper-cased and stripped of spaces and dashes first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteCode(String);

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
        let code: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if code.len() == LENGTH && code.bytes().all(|b| ALPHABET.contains(&b)) {
            Ok(Self(code))
        } else {
            Err("an invite code has 8 letters and digits".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the database keeps.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_parse_back_and_typing_variations_are_accepted() {
        let code = InviteCode::generate();
        assert_eq!(InviteCode::parse(code.as_str()), Ok(code.clone()));
        let typed = format!("{}-{}", &code.as_str()[..4], &code.as_str()[4..]).to_lowercase();
        assert_eq!(InviteCode::parse(&typed), Ok(code));
    }

    #[test]
    fn confusable_or_short_codes_are_refused() {
        assert!(
            InviteCode::parse("ABCD1234").is_err(),
            "1 is not in the alphabet"
        );
        assert!(InviteCode::parse("ABCD234").is_err());
        assert!(InviteCode::parse("").is_err());
    }
}
