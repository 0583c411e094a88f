use sea_orm_migration::{prelude::*, schema::*};

use crate::schema_parts::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // 民主评议党员: one campaign per branch and year, open for a period.
        manager
            .create_table(
                Table::create()
                    .table("evaluation_campaign")
                    .col(big_pk_auto("id"))
                    .col(big_integer("org_id"))
                    .col(integer("year"))
                    .col(timestamp_with_time_zone("opens_at"))
                    .col(timestamp_with_time_zone("closes_at"))
                    .col(big_integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("evaluation_campaign", "org_id", "organisation"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_evaluation_campaign",
                    "evaluation_campaign",
                    &["org_id", "year"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        // 自评 and the secretary's 逐一点评 and the meeting's final grade: one row per member.
        manager
            .create_table(
                Table::create()
                    .table("evaluation_member")
                    .col(big_pk_auto("id"))
                    .col(big_integer("campaign_id"))
                    .col(big_integer("person_id"))
                    .col(text("self_assessment"))
                    .col(text("secretary_comment"))
                    .col(string_len_null("final_grade", 16))
                    .col(date_null("meeting_date"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        "evaluation_member",
                        "campaign_id",
                        "evaluation_campaign",
                    ))
                    .foreign_key(&mut fk("evaluation_member", "person_id", "person"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_evaluation_member",
                    "evaluation_member",
                    &["campaign_id", "person_id"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        // Who has voted on whom: for the one-ballot rule only, never what they voted.
        manager
            .create_table(
                Table::create()
                    .table("evaluation_voted")
                    .col(big_pk_auto("id"))
                    .col(big_integer("campaign_id"))
                    .col(big_integer("voter_id"))
                    .col(big_integer("subject_id"))
                    .foreign_key(&mut fk(
                        "evaluation_voted",
                        "campaign_id",
                        "evaluation_campaign",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_evaluation_voted",
                    "evaluation_voted",
                    &["campaign_id", "voter_id", "subject_id"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        // What was voted, apart from who voted: a random id, no voter, no time.
        manager
            .create_table(
                Table::create()
                    .table("evaluation_ballot")
                    .col(string_len("id", 32).primary_key())
                    .col(big_integer("campaign_id"))
                    .col(big_integer("subject_id"))
                    .col(string_len("grade", 16))
                    .col(text("comment"))
                    .foreign_key(&mut fk(
                        "evaluation_ballot",
                        "campaign_id",
                        "evaluation_campaign",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_evaluation_ballot_subject",
                "evaluation_ballot",
                &["campaign_id", "subject_id"],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "evaluation_ballot",
            "evaluation_voted",
            "evaluation_member",
            "evaluation_campaign",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
