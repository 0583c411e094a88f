use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activity")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub plan_id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub window_seconds: i32,
    pub require_location: bool,
    pub radius_m: i32,
    /// Whether a queued offline scan of a static code is accepted (organiser's choice).
    pub offline_static: bool,
    pub minutes: Option<String>,
    pub minutes_by: Option<i64>,
    pub minutes_at: Option<DateTimeWithTimeZone>,
    pub cancelled_at: Option<DateTimeWithTimeZone>,
    pub cancelled_by: Option<i64>,
    pub cancel_reason: Option<String>,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
