use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pairing_visit")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub pairing_id: i64,
    pub visited_on: Date,
    pub note: String,
    pub created_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
