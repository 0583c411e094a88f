use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    #[sea_orm(unique)]
    pub phone: String,
    pub org_id: i64,
    pub status: crate::domain::MemberStatus,
    pub join_date: Option<Date>,
    pub party_post: Option<crate::domain::PartyPost>,
    pub leader_level: Option<crate::domain::LeaderLevel>,
    pub deputy_level: Option<crate::domain::DeputyLevel>,
    pub work_unit: Option<String>,
    pub in_service_organ: bool,
    pub exempt: bool,
    pub exempt_reason: Option<String>,
    pub active: bool,
    pub wechat_openid: Option<String>,
    pub wechat_unionid: Option<String>,
    pub password_hash: Option<String>,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
