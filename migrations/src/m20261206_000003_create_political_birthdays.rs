use sea_orm_migration::{prelude::*, schema::*};

use crate::schema_parts::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // 政治生日: one celebration per member and year, at a political-birthday activity,
        // with its four items (思想汇报, 重温入党誓词, 书记谈心 as a talk, 参观学习).
        manager
            .create_table(
                Table::create()
                    .table("political_birthday")
                    .col(big_pk_auto("id"))
                    .col(big_integer("person_id"))
                    .col(integer("year"))
                    .col(big_integer("plan_id"))
                    .col(text("report"))
                    .col(boolean("oath_renewed"))
                    .col(big_integer_null("talk_id"))
                    .col(boolean("visit_done"))
                    .col(big_integer("recorded_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("political_birthday", "person_id", "person"))
                    .foreign_key(&mut fk("political_birthday", "plan_id", "activity_plan"))
                    .foreign_key(&mut fk("political_birthday", "talk_id", "talk"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_political_birthday",
                    "political_birthday",
                    &["person_id", "year"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_political_birthday_plan",
                "political_birthday",
                &["plan_id"],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("political_birthday").to_owned())
            .await?;
        Ok(())
    }
}
