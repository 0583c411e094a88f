use sea_orm_migration::{prelude::*, schema::*};

use crate::schema_parts::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // 集中主题活动: a higher organisation's activity joined by its branches, each at its
        // own venue with its own rotating code (the same format as an activity's).
        manager
            .create_table(
                Table::create()
                    .table("themed_venue")
                    .col(big_pk_auto("id"))
                    .col(big_integer("plan_id"))
                    .col(big_integer("branch_id"))
                    .col(string_len_uniq("code", 16))
                    .foreign_key(&mut fk("themed_venue", "plan_id", "activity_plan"))
                    .foreign_key(&mut fk("themed_venue", "branch_id", "organisation"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_themed_venue_branch",
                    "themed_venue",
                    &["plan_id", "branch_id"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("themed_venue").to_owned())
            .await?;
        Ok(())
    }
}
