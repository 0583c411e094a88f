use sea_orm_migration::{prelude::*, schema::*};

use crate::schema_parts::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Who has answered an activity's feedback: one row per member, for the "once" rule.
        manager
            .create_table(
                Table::create()
                    .table("feedback_given")
                    .col(big_pk_auto("id"))
                    .col(big_integer("plan_id"))
                    .col(big_integer("person_id"))
                    .foreign_key(&mut fk("feedback_given", "plan_id", "activity_plan"))
                    .foreign_key(&mut fk("feedback_given", "person_id", "person"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_feedback_given",
                    "feedback_given",
                    &["plan_id", "person_id"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        // What was answered, kept apart from who answered: a random id, no person, no time.
        // `receipt` is a keyed hash of (plan, person) that only the server can compute, so
        // the member can be shown their own answer and nobody can join it to them from the
        // database alone.
        manager
            .create_table(
                Table::create()
                    .table("activity_feedback")
                    .col(string_len("id", 32).primary_key())
                    .col(big_integer("plan_id"))
                    .col(string_len("receipt", 64))
                    .col(small_integer("rating"))
                    .col(text("comment"))
                    .foreign_key(&mut fk("activity_feedback", "plan_id", "activity_plan"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_activity_feedback_receipt",
                    "activity_feedback",
                    &["plan_id", "receipt"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["activity_feedback", "feedback_given"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
