use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_item")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub kind: crate::domain::ItemKind,
    pub volunteer_kind: Option<crate::domain::VolunteerKind>,
    pub title: String,
    pub description: String,
    pub capacity: i32,
    pub taken: i32,
    pub starts_at: DateTimeWithTimeZone,
    pub ends_at: DateTimeWithTimeZone,
    pub place: String,
    pub skills: String,
    pub signup_opens_at: DateTimeWithTimeZone,
    pub signup_closes_at: DateTimeWithTimeZone,
    pub status: crate::domain::ItemStatus,
    #[sea_orm(unique)]
    pub code: Option<String>,
    pub window_seconds: i32,
    pub created_by: i64,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
