//! Leading cadres' duties (扬组发〔2014〕29号 §二.3): every Party leading cadre of a city,
//! county or township organ works at contact points (联系点) — research at the grassroots
//! (at least a month a year, three days of it stationed), research reports, visits to the
//! contact point, the four contact-point activities — and holds talks (谈心谈话); heads of
//! Party organisations owe talks to the secretaries under them or to their members.
//!
//! Leaders log what they did (`log`), the system adds what it already knows (a check-in at
//! a contact point's activity, a Party lecture naming them as speaker) and counts the year
//! against the quotas (`progress`). Talk notes belong to the two people in the talk.
pub mod contact_points;
pub mod demo;
pub mod error;
pub mod log;
pub mod progress;
pub mod reminders;
pub mod talks;

pub use error::DutyError;

crate::domain::enums::slug_enum!(
    /// What a logged duty entry records.
    DutyKind {
        Research = ("research", "调查研究"),
        Stationed = ("stationed", "驻点调研"),
        MicroResearch = ("micro_research", "随机性微调研"),
        ContactVisit = ("contact_visit", "走访联系点"),
        ContactOrgLife = ("contact_org_life", "参加组织生活"),
        ContactResearch = ("contact_research", "专题调研"),
        ContactLecture = ("contact_lecture", "讲授主题党课"),
        ContactReview = ("contact_review", "专项点评"),
        ResearchReport = ("research_report", "调研报告"),
    }
);

impl DutyKind {
    /// Kinds that span days (from–to); every other kind is one day.
    pub fn is_period(self) -> bool {
        matches!(
            self,
            Self::Research | Self::Stationed | Self::ContactResearch
        )
    }

    /// Kinds done at one of the leader's contact points, which must be named.
    pub fn at_contact_point(self) -> bool {
        matches!(
            self,
            Self::ContactVisit
                | Self::ContactOrgLife
                | Self::ContactResearch
                | Self::ContactLecture
                | Self::ContactReview
        )
    }

    /// Kinds whose days are days of research at the grassroots (the "一个月"): stationed
    /// research is part of it ("其中驻点调研"), and so are micro-research and the contact
    /// point's thematic research.
    pub fn is_research_time(self) -> bool {
        matches!(
            self,
            Self::Research | Self::Stationed | Self::MicroResearch | Self::ContactResearch
        )
    }
}

crate::domain::enums::slug_enum!(
    /// One yearly quota of §二.3, as the progress view counts it.
    QuotaKind {
        ResearchDays = ("research_days", "到基层调查研究（天）"),
        StationedDays = ("stationed_days", "驻点调研（天）"),
        MicroResearch = ("micro_research", "随机性微调研"),
        ResearchReports = ("research_reports", "调研报告"),
        ContactVisits = ("contact_visits", "走访联系点"),
        ContactOrgLife = ("contact_org_life", "在联系点参加组织生活"),
        ContactResearch = ("contact_research", "在联系点进行专题调研"),
        ContactLecture = ("contact_lecture", "在联系点讲授主题党课"),
        ContactReview = ("contact_review", "在联系点进行专项点评"),
        Talks = ("talks", "谈心谈话"),
        TalksWithSecretaries = ("talks_with_secretaries", "与所属基层党组织书记谈心谈话"),
        TalksWithMembers = ("talks_with_members", "与所属党员谈心谈话"),
    }
);

crate::domain::enums::slug_enum!(
    /// Where a count in the progress view came from.
    EvidenceSource {
        Entry = ("entry", "履职记录"),
        Checkin = ("checkin", "扫码签到"),
        Plan = ("plan", "活动计划"),
        Talk = ("talk", "谈心谈话记录"),
    }
);

/// The first year the document applies to; earlier dates are typing mistakes.
pub const FIRST_YEAR: i32 = 2014;

/// Which of `ids` a later record of `E` corrects (names in its `corrects` column): duty
/// entries and talks are corrected alike, and a corrected record no longer counts.
pub(crate) async fn corrected_among<E: sea_orm::EntityTrait>(
    db: &impl sea_orm::ConnectionTrait,
    ids: &[i64],
    corrects: E::Column,
) -> anyhow::Result<std::collections::HashSet<i64>> {
    use anyhow::Context;
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    let mut out = std::collections::HashSet::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<Option<i64>> = E::find()
            .select_only()
            .column(corrects)
            .filter(corrects.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await
            .context("cannot read corrections")?;
        out.extend(rows.into_iter().flatten());
    }
    Ok(out)
}

/// Until when the author of a record created at `created_at` may still change it (the view's
/// `editable_until`, RFC 3339 in Asia/Shanghai).
pub(crate) fn correction_deadline(
    created_at: chrono::DateTime<chrono::FixedOffset>,
    settings: &crate::config::DutySettings,
) -> chrono::DateTime<chrono::FixedOffset> {
    created_at + chrono::Duration::days(i64::from(settings.correction_days))
}

/// An edit in place is allowed only before the deadline and while nothing corrects the
/// record; otherwise `duty.correction_closed` (the client offers a correcting record).
pub(crate) fn still_editable(
    created_at: chrono::DateTime<chrono::FixedOffset>,
    superseded: bool,
    settings: &crate::config::DutySettings,
) -> Result<(), DutyError> {
    if superseded || crate::clock::now() >= correction_deadline(created_at, settings) {
        Err(DutyError::CorrectionClosed)
    } else {
        Ok(())
    }
}
