use sea_orm::entity::prelude::*;

/// 谈心谈话. `notes` belongs to the two people in the talk only; `corrects_id` names the
/// record this one supersedes.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "talk")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub leader_id: i64,
    pub with_person_id: Option<i64>,
    pub with_name: String,
    pub talked_on: Date,
    pub notes: String,
    /// The talk this record corrects (after its correction period).
    pub corrects_id: Option<i64>,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
