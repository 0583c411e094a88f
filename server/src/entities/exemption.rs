use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exemption")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub person_id: i64,
    pub reason: String,
    pub valid_from: Date,
    pub valid_until: Option<Date>,
    pub approved_by: i64,
    pub approved_at: DateTimeWithTimeZone,
    pub revoked_at: Option<DateTimeWithTimeZone>,
    pub revoked_by: Option<i64>,
    pub revoke_reason: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
