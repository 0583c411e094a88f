use sea_orm::entity::prelude::*;

/// What members' ballots on one member add up to (互评): counts per grade and the comments
/// as one sorted list. No row per ballot, so nothing ties a grade to the transaction of its voter.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_tally")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub campaign_id: i64,
    pub subject_id: i64,
    pub excellent: i32,
    pub qualified: i32,
    pub basically_qualified: i32,
    pub unqualified: i32,
    /// A JSON array of strings, kept sorted.
    pub comments: String,
}

impl ActiveModelBehavior for ActiveModel {}
