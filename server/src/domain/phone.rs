/// A mainland China mobile number, normalised to its 11 digits (`13812345678`).
/// Accepts spaces, dashes and a `+86` / `86` / `0086` prefix, as people type them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let digits: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
            .collect();
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("0086"))
            .or_else(|| {
                (digits.len() == 13)
                    .then(|| digits.strip_prefix("86"))
                    .flatten()
            })
            .unwrap_or(&digits);
        let valid = digits.len() == 11
            && digits.chars().all(|c| c.is_ascii_digit())
            && digits.starts_with('1')
            && matches!(digits.as_bytes()[1], b'3'..=b'9');
        if valid {
            Ok(Self(digits.to_owned()))
        } else {
            Err(format!(
                "`{}` is not a mainland mobile number (11 digits starting 13–19)",
                raw.trim()
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A stored number as shown outside the scope that manages it: `138****5678`.
    pub fn mask(stored: &str) -> String {
        let chars: Vec<char> = stored.chars().collect();
        if chars.len() < 7 {
            return "*".repeat(chars.len());
        }
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}****{tail}")
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_spellings_normalise_to_eleven_digits() {
        for raw in [
            "13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "+8613812345678",
            "8613812345678",
            "008613812345678",
        ] {
            assert_eq!(Phone::parse(raw).expect(raw).as_str(), "13812345678");
        }
    }

    #[test]
    fn wrong_lengths_prefixes_and_letters_are_refused() {
        for raw in [
            "",
            "1381234567",
            "138123456789",
            "12812345678",
            "23812345678",
            "1381234567a",
            "+1 415 555 0100",
        ] {
            assert!(Phone::parse(raw).is_err(), "{raw} should be refused");
        }
    }

    #[test]
    fn masking_keeps_the_first_three_and_last_four_digits() {
        assert_eq!(Phone::mask("13812345678"), "138****5678");
        assert_eq!(Phone::mask("123"), "***");
    }
}
