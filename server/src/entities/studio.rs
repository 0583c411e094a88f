use sea_orm::entity::prelude::*;

/// 党代表工作室. `code` is its rotating venue QR's code (the same format as a meeting's).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "studio")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub address: String,
    /// The organisation that runs the studio; its admins manage the rota.
    pub org_id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub window_seconds: i32,
    pub created_by: i64,
    pub created_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
