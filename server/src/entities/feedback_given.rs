use sea_orm::entity::prelude::*;

/// That a member answered an activity's feedback (never what they answered).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feedback_given")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub plan_id: i64,
    pub person_id: i64,
}

impl ActiveModelBehavior for ActiveModel {}
