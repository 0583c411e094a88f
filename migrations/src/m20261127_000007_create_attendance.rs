use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The check-in side of a filed plan: its public code (printed in QR codes instead of
        // the plan id, which would reveal how many plans exist), the rotation window and
        // location rule, the minutes, and a cancellation. One row per plan, made on demand.
        manager
            .create_table(
                Table::create()
                    .table("activity")
                    .col(big_integer("plan_id").primary_key())
                    .col(string_len_uniq("code", 12))
                    .col(integer("window_seconds"))
                    .col(boolean("require_location").default(false))
                    .col(integer("radius_m"))
                    .col(text_null("minutes"))
                    .col(big_integer_null("minutes_by"))
                    .col(timestamp_with_time_zone_null("minutes_at"))
                    .col(timestamp_with_time_zone_null("cancelled_at"))
                    .col(big_integer_null("cancelled_by"))
                    .col(text_null("cancel_reason"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("activity", "plan_id")
                            .to("activity_plan", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // Every check-in attempt, accepted or refused, append-only. `present` marks the rows
        // that put someone in the room (members and guests); a correction never edits a row,
        // it adds a `checkin_undo` entry, and a later check-in of the same person takes the
        // next `round`. `plan_id` is empty when the scanned code named no activity.
        manager
            .create_table(
                Table::create()
                    .table("checkin")
                    .col(big_pk_auto("id"))
                    .col(big_integer_null("plan_id"))
                    .col(string_len("activity_code", 12))
                    .col(big_integer("person_id"))
                    // ok, not_expected, exempt, already…, invalid_token, window_expired, …
                    .col(string_len("outcome", 24))
                    .col(boolean("present"))
                    // member (counted in the rate) or guest; empty for refusals
                    .col(string_len_null("attendance", 10))
                    .col(integer("round").default(0))
                    // scan, late_sync, organiser
                    .col(string_len("method", 12))
                    .col(string_len_null("nonce", 64))
                    .col(timestamp_with_time_zone("at"))
                    .col(timestamp_with_time_zone_null("scanned_at"))
                    .col(big_integer_null("token_window"))
                    .col(double_null("latitude"))
                    .col(double_null("longitude"))
                    .col(boolean("location_far").default(false))
                    .col(big_integer_null("actor_id"))
                    .col(text_null("reason"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("checkin", "plan_id")
                            .to("activity_plan", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("checkin", "person_id")
                            .to("person", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // A client nonce names one scan: its retry finds the first answer instead of a new row.
        manager
            .create_index(
                Index::create()
                    .name("uq_checkin_nonce")
                    .table("checkin")
                    .col("person_id")
                    .col("nonce")
                    .unique()
                    .to_owned(),
            )
            .await?;
        // One presence per person and round, whatever races: the database, not the cache,
        // decides who was first. Partial, so refusals never collide with it.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX uq_checkin_presence ON checkin (plan_id, person_id, round) \
                 WHERE present",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_checkin_plan_at")
                    .table("checkin")
                    .col("plan_id")
                    .col("at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("checkin_undo")
                    .col(big_pk_auto("id"))
                    .col(big_integer_uniq("checkin_id"))
                    .col(big_integer("actor_id"))
                    .col(text("reason"))
                    .col(timestamp_with_time_zone("at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("checkin_undo", "checkin_id")
                            .to("checkin", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("leave_request")
                    .col(big_pk_auto("id"))
                    .col(big_integer("plan_id"))
                    .col(big_integer("person_id"))
                    .col(text("reason"))
                    // pending, approved, declined, withdrawn
                    .col(string_len("status", 12))
                    .col(timestamp_with_time_zone("requested_at"))
                    .col(big_integer_null("decided_by"))
                    .col(timestamp_with_time_zone_null("decided_at"))
                    .col(text_null("decision_comment"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("leave_request", "plan_id")
                            .to("activity_plan", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("leave_request", "person_id")
                            .to("person", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_leave_request")
                    .table("leave_request")
                    .col("plan_id")
                    .col("person_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        // 按规定可暂不参加组织生活: approved by the committee above the person's branch, for a
        // period; it removes the person from the expected count of activities in that period.
        manager
            .create_table(
                Table::create()
                    .table("exemption")
                    .col(big_pk_auto("id"))
                    .col(big_integer("person_id"))
                    .col(text("reason"))
                    .col(date("valid_from"))
                    .col(date_null("valid_until"))
                    .col(big_integer("approved_by"))
                    .col(timestamp_with_time_zone("approved_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(big_integer_null("revoked_by"))
                    .col(text_null("revoke_reason"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("exemption", "person_id")
                            .to("person", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_exemption_person")
                    .table("exemption")
                    .col("person_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "exemption",
            "leave_request",
            "checkin_undo",
            "checkin",
            "activity",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
