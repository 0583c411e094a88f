use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oa_follower")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub oa_openid: String,
    pub unionid: Option<String>,
    pub following: bool,
    pub changed_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
