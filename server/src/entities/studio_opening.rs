use sea_orm::entity::prelude::*;

/// A weekly opening slot of a studio: weekday 1 (Monday) to 7, local times HH:MM.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "studio_opening")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub studio_id: i64,
    pub weekday: i16,
    pub starts_at: String,
    pub ends_at: String,
    /// How many people may book a reception in one such slot.
    pub capacity: i32,
}

impl ActiveModelBehavior for ActiveModel {}
