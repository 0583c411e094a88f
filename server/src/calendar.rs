//! China's official holiday calendar and the monthly unified activity day (每月20日) it moves.
//!
//! Pure: the data comes from `data/cn-holidays.json` (2007–2026, checked against holiday-cn and
//! chinese-calendar) or from operators, one State Council notice per year. A year without data
//! is an error, never a plain Monday–Friday year: guessing would put activity days on holidays.
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use serde_json::Value;

/// The day of the month the unified activity day starts from.
const ACTIVITY_DAY: u32 = 20;
/// Branches preview the month's activity by this day.
const PREVIEW_DEADLINE_DAY: u32 = 10;
/// The next year's notice comes out between late October and mid-December.
const NEXT_YEAR_WATCH_FROM_MONTH: u32 = 11;

crate::domain::enums::slug_enum!(
    /// The activity-day rule of an organisation: when the 20th is not a working day, which
    /// days move it. `next_working_day`: any day off (holiday or plain weekend);
    /// `statutory_only`: only a statutory holiday period with the weekend days joined to it.
    Policy {
        NextWorkingDay = ("next_working_day", "遇休息日顺延"),
        StatutoryOnly = ("statutory_only", "仅法定节假日顺延"),
    }
);

/// One year's official arrangement. Holding one means: every date lies in `year`, each
/// maximal run of consecutive holidays carries a single name, workdays are Saturdays or
/// Sundays, no date is both, no date is listed twice, names are non-empty and there is at
/// least one holiday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearCalendar {
    year: i32,
    holidays: BTreeMap<NaiveDate, String>,
    workdays: BTreeMap<NaiveDate, String>,
}

impl YearCalendar {
    /// `value` is `{"holidays": [[date, name], ...], "workdays": [[date, name], ...]}`.
    pub fn parse(year: i32, value: &Value) -> Result<Self, String> {
        let object = value
            .as_object()
            .ok_or_else(|| format!("{year}: expected an object with holidays and workdays"))?;
        if let Some(key) = object
            .keys()
            .find(|key| !matches!(key.as_str(), "holidays" | "workdays"))
        {
            return Err(format!(
                "{year}: unknown key `{key}`; only holidays and workdays are allowed"
            ));
        }
        let holidays = parse_entries(year, "holidays", object.get("holidays"))?;
        let workdays = parse_entries(year, "workdays", object.get("workdays"))?;

        if holidays.is_empty() {
            // An empty list would make the year look like plain Monday–Friday.
            return Err(format!(
                "{year}: no holidays listed; every State Council notice has some"
            ));
        }
        if let Some(date) = workdays.keys().find(|date| holidays.contains_key(date)) {
            return Err(format!(
                "{year}: {date} is listed both as a holiday and as a workday"
            ));
        }
        if let Some(date) = workdays.keys().find(|date| !is_weekend(**date)) {
            return Err(format!(
                "{year}: workday {date} is a {}; only a Saturday or Sunday can be a make-up workday",
                date.weekday()
            ));
        }
        let mut previous: Option<(NaiveDate, &str)> = None;
        for (&date, name) in &holidays {
            if let Some((before, before_name)) = previous
                && before.succ_opt() == Some(date)
                && before_name != name.as_str()
            {
                return Err(format!(
                    "{year}: holidays {before} ({before_name}) and {date} ({name}) are consecutive \
                     but named differently; one holiday period is one unbroken run with one name"
                ));
            }
            previous = Some((date, name));
        }

        Ok(Self {
            year,
            holidays,
            workdays,
        })
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn holidays(&self) -> impl Iterator<Item = (NaiveDate, &str)> {
        self.holidays
            .iter()
            .map(|(date, name)| (*date, name.as_str()))
    }

    pub fn workdays(&self) -> impl Iterator<Item = (NaiveDate, &str)> {
        self.workdays
            .iter()
            .map(|(date, name)| (*date, name.as_str()))
    }

    /// The shape `parse` takes.
    pub fn to_json(&self) -> Value {
        let entries = |map: &BTreeMap<NaiveDate, String>| -> Value {
            map.iter()
                .map(|(date, name)| serde_json::json!([date.format("%Y-%m-%d").to_string(), name]))
                .collect()
        };
        serde_json::json!({
            "holidays": entries(&self.holidays),
            "workdays": entries(&self.workdays),
        })
    }

    /// `date` must lie in this year.
    fn works_on(&self, date: NaiveDate) -> bool {
        self.workdays.contains_key(&date)
            || !(is_weekend(date) || self.holidays.contains_key(&date))
    }
}

fn parse_entries(
    year: i32,
    list: &str,
    value: Option<&Value>,
) -> Result<BTreeMap<NaiveDate, String>, String> {
    let entries = value
        .ok_or_else(|| format!("{year}: missing `{list}`"))?
        .as_array()
        .ok_or_else(|| format!("{year}: `{list}` must be a list of [date, name] pairs"))?;
    let mut parsed = BTreeMap::new();
    for entry in entries {
        let (raw_date, raw_name) = match entry.as_array().map(Vec::as_slice) {
            Some([Value::String(date), Value::String(name)]) => (date, name),
            _ => {
                return Err(format!(
                    "{year} {list}: {entry} is not a [date, name] pair of strings"
                ));
            }
        };
        let date = parse_iso_date(raw_date)
            .ok_or_else(|| format!("{year} {list}: `{raw_date}` is not a YYYY-MM-DD date"))?;
        if date.year() != year {
            return Err(format!("{year} {list}: {date} lies outside {year}"));
        }
        let name = raw_name.trim();
        if name.is_empty() {
            return Err(format!("{year} {list}: {date} has an empty name"));
        }
        if parsed.insert(date, name.to_owned()).is_some() {
            return Err(format!("{year} {list}: {date} is listed twice"));
        }
    }
    Ok(parsed)
}

/// Strict ISO: chrono alone would also take `2021-2-7` or `+2021-02-07`.
fn parse_iso_date(raw: &str) -> Option<NaiveDate> {
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()?;
    (date.format("%Y-%m-%d").to_string() == raw).then_some(date)
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn weekday_zh(date: NaiveDate) -> &'static str {
    match date.weekday() {
        Weekday::Mon => "周一",
        Weekday::Tue => "周二",
        Weekday::Wed => "周三",
        Weekday::Thu => "周四",
        Weekday::Fri => "周五",
        Weekday::Sat => "周六",
        Weekday::Sun => "周日",
    }
}

/// Old notices already quote some names (“五一”); quote the others.
fn quoted(name: &str) -> String {
    if name.contains('“') {
        name.to_owned()
    } else {
        format!("“{name}”")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("no official holiday data for {0}; load that year's State Council arrangement first")]
    YearMissing(i32),
    #[error("{0}")]
    InvalidMonth(String),
}

/// One month's activity day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ActivityDay {
    /// `YYYY-MM`.
    pub month: String,
    pub activity_day: NaiveDate,
    /// Why the 20th moved, in Chinese for members; `None` when it did not.
    pub moved_because: Option<String>,
    /// The 10th of the month.
    pub preview_deadline: NaiveDate,
}

/// Several years of official arrangements; knows which years have data.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    years: BTreeMap<i32, YearCalendar>,
}

impl Calendar {
    /// The whole `cn-holidays.json`: `{"YYYY": {"holidays": [...], "workdays": [...]}, ...}`.
    pub fn from_file_json(text: &str) -> Result<Self, String> {
        let value: Value =
            serde_json::from_str(text).map_err(|err| format!("not valid JSON: {err}"))?;
        let object = value
            .as_object()
            .ok_or("expected an object keyed by year")?;
        let mut calendar = Self::default();
        for (key, year_value) in object {
            let year = key
                .parse::<i32>()
                .ok()
                .filter(|year| (1000..=9999).contains(year) && year.to_string() == *key)
                .ok_or_else(|| format!("`{key}` is not a four-digit year"))?;
            calendar.insert(YearCalendar::parse(year, year_value)?);
        }
        Ok(calendar)
    }

    /// The arrangements shipped with the server (2007–2026 at the time of writing).
    pub fn bundled() -> Self {
        Self::from_file_json(include_str!("../../migrations/data/cn-holidays.json"))
            .expect("the bundled data/cn-holidays.json is valid (checked by a unit test)")
    }

    /// Adds a year, replacing any earlier arrangement for it (notices get amended).
    pub fn insert(&mut self, year: YearCalendar) {
        self.years.insert(year.year(), year);
    }

    pub fn years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    pub fn has_year(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.year_data(date.year())?.works_on(date))
    }

    pub fn activity_day(
        &self,
        year: i32,
        month: u32,
        policy: Policy,
    ) -> Result<ActivityDay, CalendarError> {
        self.year_data(year)?;
        let on_day = |day| {
            NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
                CalendarError::InvalidMonth(format!("a month is 1 to 12, not {month}"))
            })
        };
        let twentieth = on_day(ACTIVITY_DAY)?;
        let (activity_day, moved_because) = match self.move_reason(twentieth, policy)? {
            Some(reason) => (self.next_working_day_after(twentieth)?, Some(reason)),
            None => (twentieth, None),
        };
        Ok(ActivityDay {
            month: format!("{year:04}-{month:02}"),
            activity_day,
            moved_because,
            preview_deadline: on_day(PREVIEW_DEADLINE_DAY)?,
        })
    }

    /// The twelve months of `year`, January first.
    pub fn year_plan(&self, year: i32, policy: Policy) -> Result<Vec<ActivityDay>, CalendarError> {
        (1..=12)
            .map(|month| self.activity_day(year, month, policy))
            .collect()
    }

    /// From 1 November (`today` is the Asia/Shanghai date) a missing next year is a warning
    /// for operators: December's activity day and January's plans need it soon.
    pub fn missing_next_year_warning(&self, today: NaiveDate) -> Option<String> {
        let next = today.year() + 1;
        (today.month() >= NEXT_YEAR_WATCH_FROM_MONTH && !self.has_year(next)).then(|| {
            format!(
                "no official holiday data for {next}: the State Council publishes the {next} \
                 arrangement between late October and mid-December; load it before activity \
                 days in {next} are planned"
            )
        })
    }

    fn year_data(&self, year: i32) -> Result<&YearCalendar, CalendarError> {
        self.years
            .get(&year)
            .ok_or(CalendarError::YearMissing(year))
    }

    fn holiday_name(&self, date: NaiveDate) -> Result<Option<&str>, CalendarError> {
        Ok(self
            .year_data(date.year())?
            .holidays
            .get(&date)
            .map(String::as_str))
    }

    /// Why `date` moves under `policy`, or `None` when it stays.
    fn move_reason(
        &self,
        date: NaiveDate,
        policy: Policy,
    ) -> Result<Option<String>, CalendarError> {
        if self.is_working_day(date)? {
            return Ok(None);
        }
        if let Some(name) = self.holiday_name(date)? {
            return Ok(Some(format!(
                "{date} 在法定假日{}内，顺延至下一工作日",
                quoted(name)
            )));
        }
        match policy {
            Policy::NextWorkingDay => Ok(Some(format!(
                "{date} 是{}（非调休工作日），顺延至下一工作日",
                weekday_zh(date)
            ))),
            // The normalised data lists joined weekend days as holidays, so this search only
            // matters for an arrangement that left a joined weekend day out.
            Policy::StatutoryOnly => Ok(self.joined_holiday(date)?.map(|name| {
                format!(
                    "{date} 是{}，与法定假日{}连休，顺延至下一工作日",
                    weekday_zh(date),
                    quoted(name)
                )
            })),
        }
    }

    /// A holiday in the run of consecutive non-working days around `date`, if any.
    fn joined_holiday(&self, date: NaiveDate) -> Result<Option<&str>, CalendarError> {
        type Step = fn(&NaiveDate) -> Option<NaiveDate>;
        for step in [NaiveDate::succ_opt as Step, NaiveDate::pred_opt as Step] {
            let mut day = date;
            while let Some(next) = step(&day) {
                if self.is_working_day(next)? {
                    break;
                }
                if let Some(name) = self.holiday_name(next)? {
                    return Ok(Some(name));
                }
                day = next;
            }
        }
        Ok(None)
    }

    /// Never clamped to the month: a late Spring Festival may carry the day into March.
    fn next_working_day_after(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        let mut day = date;
        loop {
            day = day
                .succ_opt()
                .ok_or(CalendarError::YearMissing(date.year().saturating_add(1)))?;
            if self.is_working_day(day)? {
                return Ok(day);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Parsed once: the property tests ask for thousands of days.
    fn bundled() -> &'static Calendar {
        static BUNDLED: std::sync::OnceLock<Calendar> = std::sync::OnceLock::new();
        BUNDLED.get_or_init(Calendar::bundled)
    }

    fn date(raw: &str) -> NaiveDate {
        parse_iso_date(raw).expect("test dates are valid")
    }

    fn day_for(year: i32, month: u32, policy: Policy) -> ActivityDay {
        bundled()
            .activity_day(year, month, policy)
            .expect("bundled years have data")
    }

    /// Every month from 2014-01 to 2026-12, the range the data notes state facts about.
    fn documented_months() -> impl Iterator<Item = (i32, u32)> {
        (2014..=2026).flat_map(|year| (1..=12).map(move |month| (year, month)))
    }

    #[test]
    fn the_bundled_file_parses_with_every_year_from_2007_to_2026() {
        let calendar = Calendar::bundled();
        assert_eq!(calendar.years(), (2007..=2026).collect::<Vec<_>>());
        assert!(!calendar.has_year(2027));
    }

    #[test]
    fn policies_parse_from_their_slugs_and_nothing_else() {
        for policy in Policy::ALL {
            assert_eq!(Policy::parse(policy.as_str()), Ok(*policy));
            assert_eq!(
                serde_json::to_value(policy).expect("serialises"),
                json!(policy.as_str())
            );
        }
        assert!(Policy::parse("next working day").is_err());
        assert!(Policy::parse("").is_err());
    }

    #[test]
    fn a_make_up_saturday_keeps_the_activity_day_under_next_working_day() {
        let day = day_for(2021, 2, Policy::NextWorkingDay);
        assert_eq!(day.activity_day, date("2021-02-20"));
        assert_eq!(day.moved_because, None);
    }

    #[test]
    fn a_make_up_sunday_keeps_the_activity_day_under_both_policies() {
        for policy in Policy::ALL {
            let day = day_for(2026, 9, *policy);
            assert_eq!(day.activity_day, date("2026-09-20"));
            assert_eq!(day.moved_because, None);
        }
    }

    #[test]
    fn the_spring_festival_2015_moves_the_activity_day_to_the_25th_with_a_reason() {
        let day = day_for(2015, 2, Policy::NextWorkingDay);
        assert_eq!(day.activity_day, date("2015-02-25"));
        assert_eq!(
            day.moved_because.as_deref(),
            Some("2015-02-20 在法定假日“春节”内，顺延至下一工作日")
        );
    }

    #[test]
    fn the_mid_autumn_festival_2021_moves_the_activity_day_to_the_22nd() {
        assert_eq!(
            day_for(2021, 9, Policy::NextWorkingDay).activity_day,
            date("2021-09-22")
        );
    }

    #[test]
    fn the_six_documented_holiday_moves_happen_under_both_policies_and_no_other() {
        let expected = [
            ((2015, 2), "2015-02-25"),
            ((2015, 6), "2015-06-23"),
            ((2018, 2), "2018-02-22"),
            ((2021, 9), "2021-09-22"),
            ((2026, 2), "2026-02-24"),
            ((2026, 6), "2026-06-22"),
        ];
        for ((year, month), moved_to) in expected {
            for policy in Policy::ALL {
                let day = day_for(year, month, *policy);
                assert_eq!(
                    day.activity_day,
                    date(moved_to),
                    "{year}-{month} {policy:?}"
                );
                assert!(day.moved_because.is_some());
            }
        }
        let moved_by_holidays: Vec<(i32, u32)> = documented_months()
            .filter(|&(year, month)| {
                day_for(year, month, Policy::StatutoryOnly)
                    .moved_because
                    .is_some()
            })
            .collect();
        assert_eq!(
            moved_by_holidays,
            expected.iter().map(|(month, _)| *month).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_plain_weekend_moves_only_under_next_working_day() {
        let moved = day_for(2021, 3, Policy::NextWorkingDay);
        assert_eq!(moved.activity_day, date("2021-03-22"));
        assert_eq!(
            moved.moved_because.as_deref(),
            Some("2021-03-20 是周六（非调休工作日），顺延至下一工作日")
        );
        let kept = day_for(2021, 3, Policy::StatutoryOnly);
        assert_eq!(kept.activity_day, date("2021-03-20"));
        assert_eq!(kept.moved_because, None);
    }

    #[test]
    fn the_policies_differ_in_40_of_156_months_all_on_a_plain_weekend() {
        let calendar = bundled();
        let differing: Vec<(i32, u32)> = documented_months()
            .filter(|&(year, month)| {
                day_for(year, month, Policy::NextWorkingDay).activity_day
                    != day_for(year, month, Policy::StatutoryOnly).activity_day
            })
            .collect();
        assert_eq!(documented_months().count(), 156);
        assert_eq!(differing.len(), 40);
        for (year, month) in differing {
            let twentieth = NaiveDate::from_ymd_opt(year, month, 20).expect("valid");
            let data = &calendar.years[&year];
            assert!(is_weekend(twentieth), "{twentieth}");
            assert!(!data.holidays.contains_key(&twentieth), "{twentieth}");
            assert!(!data.workdays.contains_key(&twentieth), "{twentieth}");
        }
    }

    #[test]
    fn no_activity_day_from_2014_to_2026_moves_into_another_month() {
        for (year, month) in documented_months() {
            for policy in Policy::ALL {
                let day = day_for(year, month, *policy).activity_day;
                assert_eq!((day.year(), day.month()), (year, month), "{policy:?}");
            }
        }
    }

    /// Policy B keeps a 20th on a plain weekend, so only Policy A always lands on a working day.
    #[test]
    fn every_activity_day_is_on_or_after_the_20th_and_moved_ones_skip_only_days_off() {
        let calendar = bundled();
        let working = |day| {
            calendar
                .is_working_day(day)
                .expect("bundled years have data")
        };
        for (year, month) in documented_months() {
            let twentieth = NaiveDate::from_ymd_opt(year, month, 20).expect("valid");
            for policy in Policy::ALL {
                let planned = day_for(year, month, *policy);
                let day = planned.activity_day;
                assert!(day >= twentieth, "{day} {policy:?}");
                assert_eq!(planned.moved_because.is_some(), day != twentieth);
                if day != twentieth || *policy == Policy::NextWorkingDay {
                    assert!(working(day), "{day} {policy:?}");
                    for skipped in twentieth.iter_days().take_while(|d| *d < day) {
                        assert!(!working(skipped), "{skipped} skipped but a working day");
                    }
                } else if !working(day) {
                    let data = &calendar.years[&year];
                    assert!(is_weekend(day), "{day} {policy:?}");
                    assert!(!data.holidays.contains_key(&day), "{day} {policy:?}");
                }
            }
        }
    }

    #[test]
    fn the_preview_deadline_is_the_10th_and_the_month_is_yyyy_mm() {
        let day = day_for(2015, 2, Policy::StatutoryOnly);
        assert_eq!(day.preview_deadline, date("2015-02-10"));
        assert_eq!(day.month, "2015-02");
    }

    #[test]
    fn a_year_without_data_is_refused_rather_than_treated_as_monday_to_friday() {
        let calendar = bundled();
        for policy in Policy::ALL {
            assert_eq!(
                calendar.activity_day(2027, 1, *policy),
                Err(CalendarError::YearMissing(2027))
            );
            assert_eq!(
                calendar.year_plan(2027, *policy),
                Err(CalendarError::YearMissing(2027))
            );
        }
        assert_eq!(
            calendar.is_working_day(date("2027-01-04")),
            Err(CalendarError::YearMissing(2027))
        );
    }

    #[test]
    fn a_search_that_runs_into_a_year_without_data_is_refused() {
        // A made-up 2030 whose 20–31 December are all holidays: the next working day is in 2031.
        let holidays: Vec<Value> = (20..=31)
            .map(|day| json!([format!("2030-12-{day}"), "测试"]))
            .collect();
        let year = YearCalendar::parse(2030, &json!({"holidays": holidays, "workdays": []}))
            .expect("valid year");
        let mut calendar = Calendar::default();
        calendar.insert(year);
        assert_eq!(
            calendar.activity_day(2030, 12, Policy::StatutoryOnly),
            Err(CalendarError::YearMissing(2031))
        );
    }

    #[test]
    fn the_2026_plan_has_twelve_months_including_december() {
        let plan = bundled()
            .year_plan(2026, Policy::NextWorkingDay)
            .expect("2026 has data");
        assert_eq!(plan.len(), 12);
        assert_eq!(plan[11].month, "2026-12");
        assert_eq!(plan[11].activity_day, date("2026-12-21"));
    }

    #[test]
    fn a_month_outside_1_to_12_is_refused() {
        let calendar = bundled();
        for month in [0, 13] {
            assert!(matches!(
                calendar.activity_day(2026, month, Policy::NextWorkingDay),
                Err(CalendarError::InvalidMonth(_))
            ));
        }
    }

    #[test]
    fn a_missing_next_year_is_a_warning_from_november_only() {
        let calendar = bundled();
        let warning = calendar.missing_next_year_warning(date("2026-11-27"));
        assert!(warning.expect("2027 is missing").contains("2027"));
        assert_eq!(calendar.missing_next_year_warning(date("2026-10-31")), None);
        assert_eq!(calendar.missing_next_year_warning(date("2025-11-27")), None);
    }

    #[test]
    fn a_statutory_only_day_moves_when_its_weekend_joins_an_unlisted_holiday_period() {
        // 2021-03-20 is a Saturday; an arrangement that lists only the Monday after it as a
        // holiday still joins the weekend to it.
        let year = YearCalendar::parse(
            2021,
            &json!({"holidays": [["2021-03-22", "测试"]], "workdays": []}),
        )
        .expect("valid year");
        let mut calendar = Calendar::default();
        calendar.insert(year);
        let day = calendar
            .activity_day(2021, 3, Policy::StatutoryOnly)
            .expect("2021 has data");
        assert_eq!(day.activity_day, date("2021-03-23"));
        assert_eq!(
            day.moved_because.as_deref(),
            Some("2021-03-20 是周六，与法定假日“测试”连休，顺延至下一工作日")
        );
    }

    #[test]
    fn every_bundled_year_round_trips_through_to_json() {
        let calendar = bundled();
        for year in calendar.years.values() {
            assert_eq!(
                YearCalendar::parse(year.year(), &year.to_json()).as_ref(),
                Ok(year)
            );
        }
    }

    fn parse_2021(holidays: Value, workdays: Value) -> Result<YearCalendar, String> {
        YearCalendar::parse(2021, &json!({"holidays": holidays, "workdays": workdays}))
    }

    #[test]
    fn a_workday_on_a_wednesday_is_refused() {
        let err = parse_2021(
            json!([["2021-02-11", "春节"]]),
            json!([["2021-02-17", "春节"]]),
        )
        .expect_err("2021-02-17 is a Wednesday");
        assert!(err.contains("Wed"), "{err}");
    }

    #[test]
    fn a_date_outside_the_year_is_refused() {
        assert!(parse_2021(json!([["2020-12-31", "元旦"]]), json!([])).is_err());
        assert!(
            parse_2021(
                json!([["2021-01-01", "元旦"]]),
                json!([["2022-01-01", "元旦"]])
            )
            .is_err()
        );
    }

    #[test]
    fn a_malformed_date_is_refused() {
        for raw in [
            "2021-2-11",
            "2021-02-30",
            "20210211",
            "2021/02/11",
            " 2021-02-11",
        ] {
            assert!(
                parse_2021(json!([[raw, "春节"]]), json!([])).is_err(),
                "{raw}"
            );
        }
    }

    #[test]
    fn a_date_both_holiday_and_workday_is_refused() {
        let err = parse_2021(
            json!([["2021-02-13", "春节"]]),
            json!([["2021-02-13", "春节"]]),
        )
        .expect_err("both");
        assert!(err.contains("both"), "{err}");
    }

    #[test]
    fn malformed_entries_are_refused() {
        let cases = [
            json!({"holidays": [["2021-01-01", " "]], "workdays": []}),
            json!({"holidays": [["2021-01-01", "元旦"], ["2021-01-01", "元旦"]], "workdays": []}),
            json!({"holidays": [["2021-01-01", "元旦"], ["2021-01-02", "春节"]], "workdays": []}),
            json!({"holidays": [], "workdays": []}),
            json!({"holidays": [["2021-01-01"]], "workdays": []}),
            json!({"holidays": [["2021-01-01", "元旦"]]}),
            json!({"holidays": [["2021-01-01", "元旦"]], "workdays": [], "note": "x"}),
            json!([]),
        ];
        for case in cases {
            assert!(YearCalendar::parse(2021, &case).is_err(), "{case}");
        }
    }

    #[test]
    fn a_file_with_a_key_that_is_not_a_year_is_refused() {
        let year = r#"{"holidays": [["2021-01-01", "元旦"]], "workdays": []}"#;
        assert!(Calendar::from_file_json(&format!(r#"{{"2021": {year}}}"#)).is_ok());
        assert!(Calendar::from_file_json(&format!(r#"{{"21": {year}}}"#)).is_err());
        assert!(Calendar::from_file_json(&format!(r#"{{"2022": {year}}}"#)).is_err());
        assert!(Calendar::from_file_json("[]").is_err());
    }
}
