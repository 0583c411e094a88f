use sea_orm::entity::prelude::*;

/// 调研视察: deputies' research inspection; the report is an attachment.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deputy_inspection")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub topic: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub places: String,
    pub summary: String,
    pub organiser_id: i64,
    pub created_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
