use sea_orm::entity::prelude::*;

/// A rectification task (整改) a finding opened for the inspected organisation.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rectification")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub finding_id: i64,
    pub round_id: i64,
    pub org_id: i64,
    pub requirement: String,
    pub deadline: Date,
    pub status: crate::supervision::RectificationStatus,
    pub answer: Option<String>,
    pub answered_at: Option<DateTimeWithTimeZone>,
    pub answered_by: Option<i64>,
    pub decision_note: Option<String>,
    pub decided_at: Option<DateTimeWithTimeZone>,
    pub decided_by: Option<i64>,
    /// Set once when it went overdue: the organisation above it was told.
    pub escalated_to_org_id: Option<i64>,
    pub created_by: i64,
    pub created_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
