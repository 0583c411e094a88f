use sea_orm_migration::{prelude::*, schema::*};

use crate::schema_parts::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // 到社区报到: a member serves a community besides their branch once accepted.
        manager
            .create_table(
                Table::create()
                    .table("community_report")
                    .col(big_pk_auto("id"))
                    .col(big_integer("person_id"))
                    .col(big_integer("community_id"))
                    // pending, accepted, declined, withdrawn
                    .col(string_len("status", 12))
                    .col(big_integer("requested_by"))
                    .col(big_integer_null("decided_by"))
                    .col(timestamp_with_time_zone_null("decided_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("community_report", "person_id", "person"))
                    .foreign_key(&mut fk("community_report", "community_id", "organisation"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_community_report")
                    .table("community_report")
                    .col("person_id")
                    .col("community_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Service items, posts and volunteer activities a community publishes. `taken` counts
        // the places held (claimed, offered, attended, no-show): one conditional UPDATE takes a
        // place, so capacity holds whatever the concurrency, on either database.
        manager
            .create_table(
                Table::create()
                    .table("service_item")
                    .col(big_pk_auto("id"))
                    .col(big_integer("community_id"))
                    // item, post, volunteer
                    .col(string_len("kind", 12))
                    .col(string_len_null("volunteer_kind", 20))
                    .col(string_len("title", 100))
                    .col(text("description"))
                    .col(integer("capacity"))
                    .col(integer("taken").default(0))
                    .col(timestamp_with_time_zone("starts_at"))
                    .col(timestamp_with_time_zone("ends_at"))
                    .col(string_len("place", 200))
                    .col(string_len("skills", 200))
                    .col(timestamp_with_time_zone("signup_opens_at"))
                    .col(timestamp_with_time_zone("signup_closes_at"))
                    // open, cancelled
                    .col(string_len("status", 12))
                    // The public code of a volunteer activity's rotating check-in QR.
                    .col(string_len_null("code", 12).unique_key())
                    .col(integer("window_seconds").default(30))
                    .col(big_integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("service_item", "community_id", "organisation"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_service_item_community")
                    .table("service_item")
                    .col("community_id")
                    .col("starts_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("service_claim")
                    .col(big_pk_auto("id"))
                    .col(big_integer("item_id"))
                    .col(big_integer("person_id"))
                    // claimed, waitlisted, offered, cancelled, declined, expired, attended, no_show
                    .col(string_len("status", 12))
                    .col(timestamp_with_time_zone_null("offer_expires_at"))
                    .col(integer_null("minutes"))
                    .col(timestamp_with_time_zone_null("checked_in_at"))
                    .col(big_integer_null("confirmed_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("service_claim", "item_id", "service_item"))
                    .foreign_key(&mut fk("service_claim", "person_id", "person"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_service_claim")
                    .table("service_claim")
                    .col("item_id")
                    .col("person_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_service_claim_person")
                    .table("service_claim")
                    .col("person_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("suggestion")
                    .col(big_pk_auto("id"))
                    .col(big_integer("community_id"))
                    .col(big_integer("person_id"))
                    .col(string_len("title", 100))
                    .col(text("content"))
                    .col(text_null("answer"))
                    .col(big_integer_null("answered_by"))
                    .col(timestamp_with_time_zone_null("answered_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("suggestion", "community_id", "organisation"))
                    .foreign_key(&mut fk("suggestion", "person_id", "person"))
                    .to_owned(),
            )
            .await?;
        // Households in need; their details are shown only to the paired member and the
        // community's admins.
        manager
            .create_table(
                Table::create()
                    .table("household")
                    .col(big_pk_auto("id"))
                    .col(big_integer("community_id"))
                    // empty_nest, disabled, left_behind_child, hardship
                    .col(string_len("kind", 20))
                    .col(string_len("name", 50))
                    .col(string_len("address", 200))
                    .col(string_len("phone", 20))
                    .col(text("notes"))
                    .col(big_integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("household", "community_id", "organisation"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("pairing")
                    .col(big_pk_auto("id"))
                    .col(big_integer("household_id"))
                    .col(big_integer("person_id"))
                    .col(timestamp_with_time_zone("started_at"))
                    .col(timestamp_with_time_zone_null("ended_at"))
                    .foreign_key(&mut fk("pairing", "household_id", "household"))
                    .foreign_key(&mut fk("pairing", "person_id", "person"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_pairing")
                    .table("pairing")
                    .col("household_id")
                    .col("person_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("pairing_visit")
                    .col(big_pk_auto("id"))
                    .col(big_integer("pairing_id"))
                    .col(date("visited_on"))
                    .col(text("note"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("pairing_visit", "pairing_id", "pairing"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("commitment")
                    .col(big_pk_auto("id"))
                    .col(big_integer("person_id"))
                    .col(integer("year"))
                    // organ, rural_community, enterprise, retired
                    .col(string_len("category", 20))
                    .col(text("content"))
                    // in_progress, completed
                    .col(string_len("status", 12))
                    .col(timestamp_with_time_zone_null("completed_at"))
                    .col(text_null("completion_note"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("commitment", "person_id", "person"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_commitment")
                    .table("commitment")
                    .col("person_id")
                    .col("year")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("commitment_update")
                    .col(big_pk_auto("id"))
                    .col(big_integer("commitment_id"))
                    .col(text("note"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("commitment_update", "commitment_id", "commitment"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "commitment_update",
            "commitment",
            "pairing_visit",
            "pairing",
            "household",
            "suggestion",
            "service_claim",
            "service_item",
            "community_report",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
