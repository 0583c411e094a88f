use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_claim")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub item_id: i64,
    pub person_id: i64,
    pub status: crate::domain::ClaimStatus,
    pub offer_expires_at: Option<DateTimeWithTimeZone>,
    pub minutes: Option<i32>,
    pub checked_in_at: Option<DateTimeWithTimeZone>,
    pub confirmed_by: Option<i64>,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
