use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "checkin")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub plan_id: Option<i64>,
    pub activity_code: String,
    pub person_id: i64,
    pub outcome: crate::checkin::Outcome,
    pub present: bool,
    pub attendance: Option<crate::checkin::Attendance>,
    pub round: i32,
    pub method: crate::checkin::Method,
    pub nonce: Option<String>,
    pub at: DateTimeWithTimeZone,
    pub scanned_at: Option<DateTimeWithTimeZone>,
    pub token_window: Option<i64>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub location_far: bool,
    pub actor_id: Option<i64>,
    pub reason: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
