use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invite_code")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub person_id: i64,
    /// The code's public first part, to find the invite a guess aims at.
    pub lookup: Option<String>,
    /// HMAC of the whole code with the server's invite key (hex).
    #[sea_orm(unique)]
    pub code_hash: String,
    /// Wrong secrets tried against this invite; at the limit it stops working.
    pub failures: i32,
    pub expires_at: DateTimeWithTimeZone,
    pub used_at: Option<DateTimeWithTimeZone>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
