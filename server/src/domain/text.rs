/// Text a person typed: trimmed, at most `max` characters, and no control characters (line
/// breaks and tabs only where the text may span lines). Holding one means the checks passed.
/// Every area's free-text field goes through here, so the rules are the same everywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

impl Text {
    /// Required text of 1 to `max` characters after trimming.
    pub fn parse(raw: &str, field: &str, max: usize, lines: Lines) -> Result<Self, String> {
        match Self::optional(raw, field, max, lines)? {
            Some(text) => Ok(text),
            None => Err(format!("{field} is required (up to {max} characters)")),
        }
    }

    /// Text that may be left empty (`None`).
    pub fn optional(
        raw: &str,
        field: &str,
        max: usize,
        lines: Lines,
    ) -> Result<Option<Self>, String> {
        let trimmed = raw.trim();
        let length = trimmed.chars().count();
        if length > max {
            return Err(format!(
                "{field} has at most {max} characters, this one has {length}"
            ));
        }
        let allowed = |c: char| lines == Lines::Many && matches!(c, '\n' | '\r' | '\t');
        if trimmed.chars().any(|c| c.is_control() && !allowed(c)) {
            return Err(format!("{field} cannot contain control characters"));
        }
        Ok((length > 0).then(|| Self(trimmed.to_owned())))
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
    fn text_is_trimmed_bounded_and_free_of_control_characters() {
        assert_eq!(
            Text::parse("  学习党章  ", "theme", 10, Lines::One).map(Text::into_inner),
            Ok("学习党章".to_owned())
        );
        assert!(Text::parse("   ", "theme", 10, Lines::One).is_err());
        assert!(Text::parse(&"长".repeat(11), "theme", 10, Lines::One).is_err());
        assert!(Text::parse("a\u{0}b", "theme", 10, Lines::Many).is_err());
        assert!(Text::parse("a\nb", "theme", 10, Lines::One).is_err());
        assert!(Text::parse("a\nb", "minutes", 10, Lines::Many).is_ok());
        assert_eq!(Text::optional(" ", "note", 10, Lines::One), Ok(None));
    }
}
