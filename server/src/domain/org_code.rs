/// An organisation's unique code: 2 to 50 of `A–Z a–z 0–9 - _`, stored as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgCode(String);

impl OrgCode {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        let ok = (2..=50).contains(&trimmed.len())
            && trimmed
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if ok {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err(format!(
                "`{trimmed}` is not an organisation code (2–50 letters, digits, - or _)"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_accept_letters_digits_dash_and_underscore() {
        assert!(OrgCode::parse("YZ-GL_01").is_ok());
        assert!(OrgCode::parse("x").is_err());
        assert!(OrgCode::parse("扬州").is_err());
        assert!(OrgCode::parse("a b").is_err());
    }
}
