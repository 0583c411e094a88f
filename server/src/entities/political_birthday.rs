use sea_orm::entity::prelude::*;

/// A member's political birthday (政治生日) celebrated in a year, with its four items.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "political_birthday")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub person_id: i64,
    pub year: i32,
    /// The political-birthday activity it was held at.
    pub plan_id: i64,
    /// 听取一次思想汇报: the member's written report (or attached as a file).
    pub report: String,
    /// 重温一次入党誓词
    pub oath_renewed: bool,
    /// 书记谈心交流: the talk, counted for the secretary's duties.
    pub talk_id: Option<i64>,
    /// 组织一次参观学习
    pub visit_done: bool,
    pub recorded_by: i64,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
