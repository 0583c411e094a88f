use sea_orm::entity::prelude::*;

/// A day a deputy declared they cannot be on duty; the rota respects it.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deputy_unavailable")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub person_id: i64,
    pub day: Date,
}

impl ActiveModelBehavior for ActiveModel {}
