//! Every date and year the API accepts lies in 2000–2100 (join dates: from the founding of
//! the Party to today). Chrono itself takes years up to ±262,143, and arithmetic near those
//! ends panics, so nothing outside this range may ever be stored.
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};

pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2100;

pub fn check_year(year: i32) -> Result<i32, String> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        Ok(year)
    } else {
        Err(format!(
            "the year must be {FIRST_YEAR}–{LAST_YEAR}, not {year}"
        ))
    }
}

/// A year in a path or query (`/calendar/2027`, `?year=2027`): refused at extraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "i32")]
pub struct Year(i32);

impl TryFrom<i32> for Year {
    type Error = String;
    fn try_from(value: i32) -> Result<Self, Self::Error> {
        check_year(value).map(Self)
    }
}

impl Year {
    pub fn get(self) -> i32 {
        self.0
    }
}

/// `YYYY-MM-DD` with a four-digit year in range.
pub fn parse_date(raw: &str, field: &str) -> Result<NaiveDate, String> {
    let raw = raw.trim();
    let invalid =
        || format!("{field} must be a date YYYY-MM-DD between {FIRST_YEAR} and {LAST_YEAR}");
    if raw.len() != 10 || !raw.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        return Err(invalid());
    }
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| invalid())?;
    check_year(date.year()).map_err(|_| invalid())?;
    Ok(date)
}

/// A join date: from the Party's founding (1921-07-01) to today.
pub fn check_join_date(date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, String> {
    let founding = NaiveDate::from_ymd_opt(1921, 7, 1).unwrap_or(NaiveDate::MIN);
    if date < founding || date > today {
        return Err(format!(
            "join_date {date} must be between 1921-07-01 and today"
        ));
    }
    Ok(date)
}

/// `YYYY-MM` in range.
pub fn parse_month(raw: &str) -> Result<(i32, u32), String> {
    let bad = || {
        format!(
            "month `{}` is not YYYY-MM ({FIRST_YEAR}–{LAST_YEAR})",
            crate::spreadsheet::excerpt(raw, 20)
        )
    };
    let (y, m) = raw.trim().split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(bad());
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u32 = m.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&month) {
        return Err(bad());
    }
    check_year(year).map_err(|_| bad())?;
    Ok((year, month))
}

/// An RFC 3339 moment whose year is in range.
pub fn parse_moment(raw: &str, field: &str) -> Result<DateTime<FixedOffset>, String> {
    let invalid = || format!("{field} must be an RFC 3339 time, e.g. 2026-11-20T14:02:11+08:00");
    let moment = DateTime::parse_from_rfc3339(raw.trim()).map_err(|_| invalid())?;
    check_year(moment.year()).map_err(|_| invalid())?;
    Ok(moment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_outside_the_range_are_refused() {
        assert!(check_year(1999).is_err());
        assert!(check_year(2101).is_err());
        assert_eq!(check_year(2026), Ok(2026));
        assert!(Year::try_from(262_142).is_err());
    }

    #[test]
    fn dates_need_four_digit_years_in_range() {
        assert!(parse_date("+262142-01-20", "date").is_err());
        assert!(parse_date("262142-01-20", "date").is_err());
        assert!(parse_date("1999-12-31", "date").is_err());
        assert!(parse_date("2026-02-30", "date").is_err());
        assert_eq!(
            parse_date(" 2026-11-20 ", "date"),
            Ok(NaiveDate::from_ymd_opt(2026, 11, 20).expect("a date"))
        );
    }

    #[test]
    fn months_and_moments_are_bounded() {
        assert_eq!(parse_month("2026-11"), Ok((2026, 11)));
        assert!(parse_month("2026-13").is_err());
        assert!(parse_month("9999-01").is_err());
        assert!(parse_moment("9999-01-01T00:00:00Z", "at").is_err());
        assert!(parse_moment("2026-11-20T14:02:11+08:00", "at").is_ok());
    }

    #[test]
    fn join_dates_run_from_the_founding_to_today() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
        assert!(
            check_join_date(NaiveDate::from_ymd_opt(1921, 6, 30).expect("a date"), today).is_err()
        );
        assert!(
            check_join_date(NaiveDate::from_ymd_opt(1960, 7, 1).expect("a date"), today).is_ok()
        );
        assert!(
            check_join_date(NaiveDate::from_ymd_opt(2027, 1, 1).expect("a date"), today).is_err()
        );
    }
}
