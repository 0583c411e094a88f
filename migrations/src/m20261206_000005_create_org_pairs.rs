use sea_orm_migration::{prelude::*, schema::*};

use crate::schema_parts::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // 结对共建: two organisations paired for a period, with goals.
        manager
            .create_table(
                Table::create()
                    .table("org_pair")
                    .col(big_pk_auto("id"))
                    .col(big_integer("org_a"))
                    .col(big_integer("org_b"))
                    .col(date("starts_on"))
                    .col(date("ends_on"))
                    .col(text("goals"))
                    .col(big_integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("org_pair", "org_a", "organisation"))
                    .foreign_key(&mut fk("org_pair", "org_b", "organisation"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_org_pair_a", "org_pair", &["org_a"]))
            .await?;
        manager
            .create_index(index("idx_org_pair_b", "org_pair", &["org_b"]))
            .await?;
        // What the pair did besides joint activities: exchanges and help given.
        manager
            .create_table(
                Table::create()
                    .table("org_pair_entry")
                    .col(big_pk_auto("id"))
                    .col(big_integer("pair_id"))
                    .col(big_integer("org_id"))
                    .col(string_len("kind", 12))
                    .col(date("on_date"))
                    .col(string_len("summary", 500))
                    .col(big_integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("org_pair_entry", "pair_id", "org_pair"))
                    .foreign_key(&mut fk("org_pair_entry", "org_id", "organisation"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_org_pair_entry", "org_pair_entry", &["pair_id"]))
            .await?;
        // A joint activity is one plan with a co-organiser: members of both are expected,
        // and each side's attendance counts in its own rate and ledger.
        manager
            .alter_table(
                Table::alter()
                    .table("activity_plan")
                    .add_column(big_integer_null("co_org_id"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("activity_plan")
                    .drop_column("co_org_id")
                    .to_owned(),
            )
            .await?;
        for table in ["org_pair_entry", "org_pair"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
