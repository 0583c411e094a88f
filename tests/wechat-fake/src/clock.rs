//! Fake time: real time passing plus whatever tests added, so expiry is testable without sleeping.

use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta, Utc};

#[derive(Debug)]
pub(crate) struct Clock {
    origin: DateTime<Utc>,
    started: Instant,
    offset: TimeDelta,
}

impl Clock {
    pub(crate) fn starting_at(origin: DateTime<Utc>) -> Self {
        Self {
            origin,
            started: Instant::now(),
            offset: TimeDelta::zero(),
        }
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.origin + delta(self.started.elapsed()) + self.offset
    }

    pub(crate) fn advance(&mut self, by: Duration) {
        self.offset += delta(by);
    }
}

pub(crate) fn delta(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).expect("a duration given to the fake fits in chrono's range")
}

/// WeChat's daily quotas reset at midnight China Standard Time, whatever the caller's zone.
pub(crate) fn wechat_day(at: DateTime<Utc>) -> NaiveDate {
    let beijing = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    at.with_timezone(&beijing).date_naive()
}

/// A counter that starts again at zero on each WeChat day.
#[derive(Debug, Default)]
pub(crate) struct DailyCount {
    day: Option<NaiveDate>,
    used: u32,
}

impl DailyCount {
    /// Takes one unit of today's quota, or returns `false` when it is spent.
    pub(crate) fn try_take(&mut self, now: DateTime<Utc>, limit: u32) -> bool {
        let today = wechat_day(now);
        if self.day != Some(today) {
            self.day = Some(today);
            self.used = 0;
        }
        if self.used >= limit {
            return false;
        }
        self.used += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> DateTime<Utc> {
        rfc3339.parse().expect("a valid timestamp")
    }

    #[test]
    fn the_wechat_day_turns_at_midnight_beijing_time() {
        assert_eq!(
            wechat_day(at("2025-07-01T15:59:59Z")).to_string(),
            "2025-07-01"
        );
        assert_eq!(
            wechat_day(at("2025-07-01T16:00:00Z")).to_string(),
            "2025-07-02"
        );
    }

    #[test]
    fn a_daily_count_refuses_past_its_limit_and_resets_the_next_day() {
        let mut count = DailyCount::default();
        let morning = at("2025-07-01T01:00:00Z");
        assert!(count.try_take(morning, 2));
        assert!(count.try_take(morning, 2));
        assert!(!count.try_take(morning, 2));
        assert!(count.try_take(morning + TimeDelta::days(1), 2));
    }

    #[test]
    fn advancing_the_clock_moves_now_forward() {
        let mut clock = Clock::starting_at(at("2025-07-01T01:00:00Z"));
        clock.advance(Duration::from_secs(3600));
        assert!(clock.now() >= at("2025-07-01T02:00:00Z"));
        assert!(clock.now() < at("2025-07-01T02:01:00Z"));
    }
}
