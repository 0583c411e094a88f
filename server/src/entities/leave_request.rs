use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "leave_request")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub plan_id: i64,
    pub person_id: i64,
    pub reason: String,
    pub status: crate::domain::LeaveStatus,
    pub requested_at: DateTimeWithTimeZone,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeWithTimeZone>,
    pub decision_comment: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
