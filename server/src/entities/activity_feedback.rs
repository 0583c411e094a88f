use sea_orm::entity::prelude::*;

/// One answer to an activity's feedback, apart from who gave it: a random id, no person, no
/// time; `receipt` is the server's keyed hash of (plan, person), for the member's own view.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activity_feedback")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub plan_id: i64,
    pub receipt: String,
    pub rating: i16,
    pub comment: String,
}

impl ActiveModelBehavior for ActiveModel {}
