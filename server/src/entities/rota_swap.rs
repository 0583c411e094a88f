use sea_orm::entity::prelude::*;

/// A deputy asking another to take their slot; the slot changes hands only when the other
/// accepts.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rota_swap")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub shift_id: i64,
    pub from_id: i64,
    pub to_id: i64,
    pub status: crate::deputies::SwapStatus,
    pub created_at: DateTimeWithTimeZone,
    pub decided_at: Option<DateTimeWithTimeZone>,
}

impl ActiveModelBehavior for ActiveModel {}
