use sea_orm::entity::prelude::*;

/// One duty slot of a studio's rota. `booked` counts live bookings (never above
/// `capacity`); `checked_in_at` is the deputy's scan of the studio's QR during the slot.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rota_shift")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub studio_id: i64,
    pub day: Date,
    pub starts_at: DateTimeWithTimeZone,
    pub ends_at: DateTimeWithTimeZone,
    pub deputy_id: i64,
    pub capacity: i32,
    pub booked: i32,
    pub checked_in_at: Option<DateTimeWithTimeZone>,
    pub created_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
