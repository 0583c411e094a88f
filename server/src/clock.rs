//! Time in one place: stored in UTC, shown and reasoned about in Asia/Shanghai (UTC+8 all
//! year: China has had no daylight saving since 1991).
use chrono::{DateTime, FixedOffset, Offset, Utc};

pub fn now() -> DateTime<FixedOffset> {
    Utc::now().fixed_offset()
}

pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// Today's date in Asia/Shanghai.
pub fn today() -> chrono::NaiveDate {
    now().with_timezone(&shanghai()).date_naive()
}

/// A time as responses show it: RFC 3339 in Asia/Shanghai.
pub fn rfc3339(at: DateTime<FixedOffset>) -> String {
    at.with_timezone(&shanghai()).to_rfc3339()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shanghai_is_eight_hours_ahead_of_utc() {
        assert_eq!(shanghai().local_minus_utc(), 8 * 3600);
    }
}
