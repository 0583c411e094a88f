use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "activity_plan")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: i64,
    pub month: String,
    pub version: i32,
    pub status: crate::domain::PlanStatus,
    pub theme: String,
    pub category: crate::domain::PlanCategory,
    pub activity_date: Date,
    pub start_time: String,
    pub end_time: String,
    pub date_reason: Option<String>,
    pub place: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub requirements: String,
    pub organiser: String,
    /// The speaker of a Party lecture (党课), when on the roster: a leader's lecture at a
    /// contact point counts for their duties without a second entry.
    pub speaker_person_id: Option<i64>,
    /// A paired organisation (结对共建) holding the activity jointly: its members are
    /// expected too, and its side's attendance counts in its own rate and ledger.
    pub co_org_id: Option<i64>,
    pub checkin_opens_minutes_before: i32,
    pub checkin_closes_minutes_after: i32,
    pub review_comment: Option<String>,
    pub filed_to_org_id: Option<i64>,
    pub filed_at: Option<DateTimeWithTimeZone>,
    pub published_at: Option<DateTimeWithTimeZone>,
    pub preview: Option<String>,
    pub created_by: i64,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
