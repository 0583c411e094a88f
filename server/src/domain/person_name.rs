/// A person's name: 1 to 50 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        let length = trimmed.chars().count();
        if !(1..=50).contains(&length) {
            return Err(format!(
                "a name has 1 to 50 characters, this one has {length}"
            ));
        }
        if trimmed.chars().any(char::is_control) {
            return Err("a name cannot contain control characters".into());
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed() {
        assert_eq!(
            PersonName::parse("  张三 ").expect("valid").as_str(),
            "张三"
        );
    }

    #[test]
    fn empty_long_and_control_names_are_refused() {
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse(&"名".repeat(51)).is_err());
        assert!(PersonName::parse("张\n三").is_err());
        assert!(PersonName::parse(&"名".repeat(50)).is_ok());
    }
}
