/// A `wx.login` code as the mini-program sends it: 1 to 128 visible ASCII characters.
/// WeChat decides whether it is valid; this only keeps garbage off the wire.
#[derive(Debug, Clone)]
pub struct LoginCode(String);

impl LoginCode {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let ok = (1..=128).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err("`code` must be the code from wx.login (1–128 visible ASCII characters)".into())
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
    fn empty_spaced_or_huge_codes_are_refused() {
        assert!(LoginCode::parse("").is_err());
        assert!(LoginCode::parse("a b").is_err());
        assert!(LoginCode::parse(&"a".repeat(129)).is_err());
        assert!(LoginCode::parse("061aBc").is_ok());
    }
}
