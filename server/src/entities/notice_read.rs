use sea_orm::entity::prelude::*;

/// The first time a member opened a notice.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notice_read")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub notice_id: i64,
    pub person_id: i64,
    pub read_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
