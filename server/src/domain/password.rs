/// A new staff password: 10 to 128 characters, not all of one kind of character.
/// Only used for setting a password; logging in compares against the stored hash as typed.
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let length = raw.chars().count();
        if !(10..=128).contains(&length) {
            return Err(format!(
                "a password has 10 to 128 characters, this one has {length}"
            ));
        }
        let kinds = [
            raw.chars().any(|c| c.is_ascii_lowercase()),
            raw.chars().any(|c| c.is_ascii_uppercase()),
            raw.chars().any(|c| c.is_ascii_digit()),
            raw.chars().any(|c| !c.is_ascii_alphanumeric()),
        ]
        .iter()
        .filter(|k| **k)
        .count();
        if kinds < 2 {
            return Err(
                "a password mixes at least two of: lower case, upper case, digits, symbols".into(),
            );
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_or_uniform_passwords_are_refused() {
        assert!(Password::parse("Ab1").is_err());
        assert!(Password::parse("aaaaaaaaaaaa").is_err());
        assert!(Password::parse("correct horse 7").is_ok());
    }
}
