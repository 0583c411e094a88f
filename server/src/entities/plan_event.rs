use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub plan_id: i64,
    pub version: i32,
    pub action: crate::domain::PlanAction,
    pub actor_person_id: Option<i64>,
    pub on_behalf: bool,
    pub comment: Option<String>,
    pub occurred_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
