use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("yearly_plan")
                    .col(big_pk_auto("id"))
                    .col(big_integer("org_id"))
                    .col(integer("year"))
                    // JSON object {"01": theme, …, "12": theme}
                    .col(text("themes"))
                    .col(big_integer("updated_by"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("yearly_plan", "org_id")
                            .to("organisation", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_yearly_plan_org_year")
                    .table("yearly_plan")
                    .col("org_id")
                    .col("year")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("activity_plan")
                    .col(big_pk_auto("id"))
                    .col(big_integer("org_id"))
                    // YYYY-MM: one plan per organisation and month
                    .col(string_len("month", 7))
                    .col(integer("version").default(1))
                    // draft, submitted, returned, filed
                    .col(string_len("status", 20))
                    .col(string_len("theme", 100))
                    .col(string_len("category", 40))
                    .col(date("activity_date"))
                    .col(string_len("start_time", 5))
                    .col(string_len("end_time", 5))
                    .col(string_len_null("date_reason", 200))
                    .col(string_len("place", 200))
                    .col(double_null("latitude"))
                    .col(double_null("longitude"))
                    .col(text("requirements"))
                    .col(string_len("organiser", 50))
                    .col(integer("checkin_opens_minutes_before"))
                    .col(integer("checkin_closes_minutes_after"))
                    .col(text_null("review_comment"))
                    .col(big_integer_null("filed_to_org_id"))
                    .col(timestamp_with_time_zone_null("filed_at"))
                    .col(timestamp_with_time_zone_null("published_at"))
                    // The preview as published: later edits make a new version, not a new preview.
                    .col(text_null("preview"))
                    .col(big_integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("activity_plan", "org_id")
                            .to("organisation", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_activity_plan_org_month")
                    .table("activity_plan")
                    .col("org_id")
                    .col("month")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("plan_event")
                    .col(big_pk_auto("id"))
                    .col(big_integer("plan_id"))
                    .col(integer("version"))
                    // created, edited, submitted, returned, approved, filed, published, participants_refreshed
                    .col(string_len("action", 30))
                    // NULL when the scheduler acted (e.g. the automatic push on the 10th).
                    .col(big_integer_null("actor_person_id"))
                    // The superior acted for the branch (代为操作).
                    .col(boolean("on_behalf").default(false))
                    .col(text_null("comment"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("plan_event", "plan_id")
                            .to("activity_plan", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_plan_event_plan")
                    .table("plan_event")
                    .col("plan_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("plan_participant")
                    .col(big_integer("plan_id"))
                    .col(big_integer("person_id"))
                    // true for invited activists (入党积极分子), who are not counted as members
                    .col(boolean("invited").default(false))
                    .primary_key(Index::create().col("plan_id").col("person_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("plan_participant", "plan_id")
                            .to("activity_plan", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("plan_participant", "person_id")
                            .to("person", "id"),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "plan_participant",
            "plan_event",
            "activity_plan",
            "yearly_plan",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
