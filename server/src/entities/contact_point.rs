use sea_orm::entity::prelude::*;

/// 联系点: a grassroots organisation a leading cadre works with for a period.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contact_point")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub person_id: i64,
    pub org_id: i64,
    pub valid_from: Date,
    pub valid_until: Option<Date>,
    pub assigned_by: i64,
    pub created_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
