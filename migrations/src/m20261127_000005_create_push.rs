use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // What each person allowed us to send: one send per "accept" of a one-time template,
        // or unlimited while a long-term template stays granted. WeChat keeps the real count;
        // this mirror lets us skip people with nothing left instead of collecting 43101s.
        manager
            .create_table(
                Table::create()
                    .table("subscription_quota")
                    .col(big_integer("person_id"))
                    .col(string_len("template_id", 64))
                    .col(integer("remaining").default(0))
                    .col(boolean("long_term").default(false))
                    .col(timestamp_with_time_zone("updated_at"))
                    .primary_key(Index::create().col("person_id").col("template_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("subscription_quota", "person_id")
                            .to("person", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // The durable outbox of WeChat notifications (previews and reminders). `dedupe_key`
        // names what a row is for ("preview:<plan>:<person>", "remind_submit:<month>:<person>",
        // …) and is unique, so nothing is queued twice whatever restarts or instances.
        manager
            .create_table(
                Table::create()
                    .table("push_outbox")
                    .col(big_pk_auto("id"))
                    .col(string_len_uniq("dedupe_key", 120))
                    // preview, remind_submit, remind_approve, remind_day_before
                    .col(string_len("kind", 30))
                    .col(big_integer_null("plan_id"))
                    .col(big_integer("person_id"))
                    .col(string_len("template_id", 64))
                    // The message as rendered when queued: {"page": …, "data": {key: value}}.
                    .col(text("payload"))
                    // pending, sending, sent, no_consent, no_wechat, failed, unknown
                    .col(string_len("status", 20))
                    // Which worker claimed the row (pending → sending), so a claim is one statement
                    // and two workers never take the same row.
                    .col(string_len_null("claimed_by", 36))
                    .col(integer("attempts").default(0))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(text_null("last_error"))
                    .col(string_len_null("msgid", 32))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("push_outbox", "plan_id")
                            .to("activity_plan", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("push_outbox", "person_id")
                            .to("person", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_push_outbox_plan")
                    .table("push_outbox")
                    .col("plan_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_push_outbox_due")
                    .table("push_outbox")
                    .col("status")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["push_outbox", "subscription_quota"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
