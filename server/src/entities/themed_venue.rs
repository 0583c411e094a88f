use sea_orm::entity::prelude::*;

/// One branch's venue at a themed activity (集中主题活动) of a higher organisation, with its
/// own rotating code: the branch's members check in there.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "themed_venue")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub plan_id: i64,
    pub branch_id: i64,
    #[sea_orm(unique)]
    pub code: String,
}

impl ActiveModelBehavior for ActiveModel {}
