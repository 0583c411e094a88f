use sea_orm_migration::{prelude::*, schema::*};

use crate::schema_parts::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Ballots become tallies. A row per ballot, written in the voter's transaction, could be
/// joined to `evaluation_voted` by what the store keeps about every row (PostgreSQL's `xmin`,
/// SQLite's rowid order), so what was voted is kept only as counts per member, and comments
/// as one sorted list: nothing in a row says which transaction added which grade.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("evaluation_ballot").to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("evaluation_tally")
                    .col(big_pk_auto("id"))
                    .col(big_integer("campaign_id"))
                    .col(big_integer("subject_id"))
                    .col(integer("excellent").default(0))
                    .col(integer("qualified").default(0))
                    .col(integer("basically_qualified").default(0))
                    .col(integer("unqualified").default(0))
                    .col(text("comments"))
                    .foreign_key(&mut fk(
                        "evaluation_tally",
                        "campaign_id",
                        "evaluation_campaign",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_evaluation_tally",
                    "evaluation_tally",
                    &["campaign_id", "subject_id"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        // The organisation evaluated by its members and the public: who answered (one answer
        // per person or WeChat identity) apart from the counts of what was answered.
        manager
            .create_table(
                Table::create()
                    .table("evaluation_org_answered")
                    .col(big_pk_auto("id"))
                    .col(big_integer("campaign_id"))
                    .col(string_len("answerer", 96))
                    .foreign_key(&mut fk(
                        "evaluation_org_answered",
                        "campaign_id",
                        "evaluation_campaign",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_evaluation_org_answered",
                    "evaluation_org_answered",
                    &["campaign_id", "answerer"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("evaluation_org_tally")
                    .col(big_pk_auto("id"))
                    .col(big_integer("campaign_id"))
                    .col(string_len("audience", 16))
                    .col(small_integer("question"))
                    .col(integer("satisfied").default(0))
                    .col(integer("basically_satisfied").default(0))
                    .col(integer("dissatisfied").default(0))
                    .foreign_key(&mut fk(
                        "evaluation_org_tally",
                        "campaign_id",
                        "evaluation_campaign",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_evaluation_org_tally",
                    "evaluation_org_tally",
                    &["campaign_id", "audience", "question"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "evaluation_org_tally",
            "evaluation_org_answered",
            "evaluation_tally",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
