//! The yearly assessment of grassroots Party building (年度基层党建工作考核, §三.3 puts the
//! inspections' results into it): a score per organisation and year computed from what the
//! system holds, by a rubric the city sets (weights and thresholds in the database, in
//! versions). Each line shows its value, its points and the records behind it, so an
//! organisation can check its own score. Branches are scored from their records; an
//! organisation above them scores the mean of its branches. Also the dashboards each level
//! reads and the live board of the 20th.
pub mod compute;
pub mod dashboard;
pub mod error;
pub mod rubric;

pub use error::AssessmentError;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::Role;

/// Who recomputes on demand: the Party-building office's supervisors and org admins.
pub const ASSESS: &[Role] = &[Role::Supervisor, Role::OrgAdmin];

crate::domain::enums::slug_enum!(
    /// A line of the rubric: what it measures.
    LineKey {
        PreviewsOnTime = ("previews_on_time", "活动预告按时发布"),
        Participation = ("participation", "每月参加率达标"),
        LedgerComplete = ("ledger_complete", "活动台账完整（纪要和照片）"),
        ThemedActivities = ("themed_activities", "参加市、县主题活动"),
        ServiceMinimums = ("service_minimums", "党员服务达到基本要求"),
        LeadersQuotas = ("leaders_quotas", "领导干部和书记履职达标"),
        FeedbackAverage = ("feedback_average", "党员对活动的评价"),
        RectificationsClosed = ("rectifications_closed", "督查整改完成"),
    }
);

impl LineKey {
    /// The range a threshold must lie in, and what it means.
    pub fn threshold_range(self) -> (f64, f64, &'static str) {
        match self {
            LineKey::Participation => (0.01, 1.0, "the monthly rate a month must reach"),
            LineKey::ThemedActivities => (1.0, 12.0, "themed activities for full points"),
            LineKey::FeedbackAverage => (1.0, 5.0, "the average rating for full points"),
            _ => (0.01, 1.0, "the share that earns full points"),
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct RubricLine {
    pub key: LineKey,
    /// Points of the line; the weights of a rubric sum to 100.
    pub weight: u32,
    /// See `LineKey::threshold_range`: a share (0–1), a count or an average rating.
    pub threshold: f64,
}

/// Checks a rubric: every line exactly once, weights summing to 100, thresholds in range.
pub fn validate(lines: &[RubricLine]) -> Result<(), String> {
    for &key in LineKey::ALL {
        let n = lines.iter().filter(|l| l.key == key).count();
        if n != 1 {
            return Err(format!(
                "the rubric holds the line {key} exactly once, not {n} times"
            ));
        }
    }
    if lines.len() != LineKey::ALL.len() {
        return Err("the rubric holds exactly the eight lines".into());
    }
    let sum: u32 = lines.iter().map(|l| l.weight).sum();
    if sum != 100 {
        return Err(format!("the weights sum to 100, not {sum}"));
    }
    for line in lines {
        let (low, high, meaning) = line.key.threshold_range();
        if !line.threshold.is_finite() || line.threshold < low || line.threshold > high {
            return Err(format!(
                "the threshold of {} ({meaning}) is {low}–{high}",
                line.key
            ));
        }
    }
    Ok(())
}

/// Points of a line: `None` (nothing to measure: no leaders, no rectification task) earns the
/// whole weight; otherwise the weight times how far the value reaches its threshold, at most 1.
/// Participation's value is already the share of months that reached its threshold.
pub fn points(line: &RubricLine, value: Option<f64>) -> f64 {
    let weight = f64::from(line.weight);
    let Some(value) = value else {
        return weight;
    };
    let reached = match line.key {
        LineKey::Participation => value,
        _ => value / line.threshold,
    };
    round1(weight * reached.clamp(0.0, 1.0))
}

/// One decimal place, as scores are shown.
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_lines() -> Vec<RubricLine> {
        [
            (LineKey::PreviewsOnTime, 15, 1.0),
            (LineKey::Participation, 25, 0.8),
            (LineKey::LedgerComplete, 15, 1.0),
            (LineKey::ThemedActivities, 10, 2.0),
            (LineKey::ServiceMinimums, 10, 1.0),
            (LineKey::LeadersQuotas, 10, 1.0),
            (LineKey::FeedbackAverage, 5, 4.0),
            (LineKey::RectificationsClosed, 10, 1.0),
        ]
        .map(|(key, weight, threshold)| RubricLine {
            key,
            weight,
            threshold,
        })
        .to_vec()
    }

    #[test]
    fn the_default_rubric_is_valid_and_weights_must_sum_to_100() {
        let mut lines = default_lines();
        assert_eq!(validate(&lines), Ok(()));
        lines[0].weight = 16;
        assert!(
            validate(&lines)
                .expect_err("99 points")
                .contains("sum to 100")
        );
        let mut twice = default_lines();
        twice[1].key = LineKey::PreviewsOnTime;
        assert!(validate(&twice).is_err());
        let mut out_of_range = default_lines();
        out_of_range[6].threshold = 6.0;
        assert!(validate(&out_of_range).is_err());
    }

    #[test]
    fn points_scale_with_the_threshold_and_never_exceed_the_weight() {
        let lines = default_lines();
        assert_eq!(points(&lines[0], Some(0.5)), 7.5);
        assert_eq!(points(&lines[3], Some(1.0)), 5.0);
        assert_eq!(points(&lines[3], Some(5.0)), 10.0);
        assert_eq!(points(&lines[6], Some(3.0)), 3.8);
        assert_eq!(points(&lines[1], Some(0.75)), 18.8);
        assert_eq!(points(&lines[5], None), 10.0);
    }
}
