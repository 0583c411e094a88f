use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "org_notification_channels")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub org_id: i64,
    /// Channel slugs, comma-separated, first tried first.
    pub channel_order: String,
    pub changed_by: i64,
    pub changed_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
