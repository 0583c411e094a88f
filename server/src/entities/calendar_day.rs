use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calendar_day")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    pub year: i32,
    pub kind: crate::domain::DayKind,
    pub name: String,
}

impl ActiveModelBehavior for ActiveModel {}
