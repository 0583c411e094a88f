//! 督查考评 (§三.3): the city's and counties' Party-building offices inspect organisations by
//! 实地查看、调阅记录、走访座谈, on a schedule (定期) or unannounced (不定期: organisations
//! drawn at random from a subtree, the draw reproducible from its stored seed); an inspector
//! records findings with evidence; a finding may open a rectification task (整改) with a
//! deadline, which the inspected organisation answers and the inspector accepts or returns;
//! overdue tasks are flagged upward; a round's results are published (通报) on a date, in
//! versions that are never edited (a correction is a new version).
pub mod error;
pub mod inspections;
pub mod publications;
pub mod rectifications;

pub use error::SupervisionError;

use crate::domain::Role;

/// Who plans inspections, records findings and decides on rectifications: the office's
/// supervisors and the organisation department's admins, over their subtree.
pub const INSPECT: &[Role] = &[Role::Supervisor, Role::OrgAdmin];

crate::domain::enums::slug_enum!(
    /// Whether a round was announced (定期) or drawn at random (不定期).
    InspectionMode {
        Scheduled = ("scheduled", "定期督查"),
        Unannounced = ("unannounced", "不定期抽查"),
    }
);

crate::domain::enums::slug_enum!(
    /// How a round inspects (§三.3).
    InspectionMethod {
        SiteVisit = ("site_visit", "实地查看"),
        RecordsReview = ("records_review", "调阅记录"),
        Interviews = ("interviews", "走访座谈"),
    }
);

crate::domain::enums::slug_enum!(
    /// What a finding is.
    FindingKind {
        Commendation = ("commendation", "好的做法"),
        Problem = ("problem", "存在问题"),
    }
);

crate::domain::enums::slug_enum!(
    /// Where a rectification task stands.
    RectificationStatus {
        Open = ("open", "待整改"),
        Answered = ("answered", "已报整改情况"),
        Returned = ("returned", "退回重新整改"),
        Accepted = ("accepted", "整改通过"),
    }
);

crate::domain::enums::slug_enum!(
    /// An organisation's result in a published round.
    Verdict {
        Good = ("good", "好"),
        Fair = ("fair", "较好"),
        NeedsImprovement = ("needs_improvement", "一般"),
        Poor = ("poor", "差"),
    }
);

impl Verdict {
    /// A result the organisation must act on (一般 or 差): highlighted wherever results are listed.
    pub fn falls_short(self) -> bool {
        matches!(self, Self::NeedsImprovement | Self::Poor)
    }
}
