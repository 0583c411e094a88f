use sea_orm::entity::prelude::*;

/// 党务公开: a notice of an organisation to its members, its subtree, or also the public of
/// a community.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notice")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: i64,
    pub kind: crate::org_life::NoticeKind,
    pub audience: crate::org_life::Audience,
    /// With `audience = public`: the community whose public may read it.
    pub community_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub author_id: i64,
    pub published_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
