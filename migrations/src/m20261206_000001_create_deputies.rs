use sea_orm_migration::{prelude::*, schema::*};

use crate::schema_parts::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every table of the deputies' area, in the order they are dropped.
const TABLES: &[&str] = &[
    "inspection_deputy",
    "deputy_inspection",
    "matter_event",
    "matter_cosigner",
    "matter",
    "reception",
    "rota_swap",
    "rota_shift",
    "deputy_unavailable",
    "studio_opening",
    "studio_deputy",
    "studio",
    "deputy_constituency",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // 选区: the organisations whose members a deputy represents.
        manager
            .create_table(
                Table::create()
                    .table("deputy_constituency")
                    .col(big_pk_auto("id"))
                    .col(big_integer("person_id"))
                    .col(big_integer("org_id"))
                    .foreign_key(&mut fk("deputy_constituency", "person_id", "person"))
                    .foreign_key(&mut fk("deputy_constituency", "org_id", "organisation"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_deputy_constituency",
                    "deputy_constituency",
                    &["person_id", "org_id"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        // 党代表工作室: run by an organisation; `code` is its rotating venue QR's code, the
        // same kind as a meeting's, so a deputy proves presence on duty by scanning it.
        manager
            .create_table(
                Table::create()
                    .table("studio")
                    .col(big_pk_auto("id"))
                    .col(string_len("name", 100))
                    .col(string_len("address", 200))
                    .col(big_integer("org_id"))
                    .col(string_len_uniq("code", 16))
                    .col(integer("window_seconds"))
                    .col(big_integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("studio", "org_id", "organisation"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("studio_deputy")
                    .col(big_pk_auto("id"))
                    .col(big_integer("studio_id"))
                    .col(big_integer("person_id"))
                    .foreign_key(&mut fk("studio_deputy", "studio_id", "studio"))
                    .foreign_key(&mut fk("studio_deputy", "person_id", "person"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_studio_deputy",
                    "studio_deputy",
                    &["studio_id", "person_id"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        // The weekly opening slots a month's rota is generated from (weekday 1 = Monday).
        manager
            .create_table(
                Table::create()
                    .table("studio_opening")
                    .col(big_pk_auto("id"))
                    .col(big_integer("studio_id"))
                    .col(small_integer("weekday"))
                    .col(string_len("starts_at", 5))
                    .col(string_len("ends_at", 5))
                    .col(integer("capacity"))
                    .foreign_key(&mut fk("studio_opening", "studio_id", "studio"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("deputy_unavailable")
                    .col(big_pk_auto("id"))
                    .col(big_integer("person_id"))
                    .col(date("day"))
                    .foreign_key(&mut fk("deputy_unavailable", "person_id", "person"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_deputy_unavailable",
                    "deputy_unavailable",
                    &["person_id", "day"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        // One duty slot of the rota. `booked` counts live reception bookings: a booking takes
        // a place with `booked = booked + 1 WHERE booked < capacity`, so a burst never
        // overfills it.
        manager
            .create_table(
                Table::create()
                    .table("rota_shift")
                    .col(big_pk_auto("id"))
                    .col(big_integer("studio_id"))
                    .col(date("day"))
                    .col(timestamp_with_time_zone("starts_at"))
                    .col(timestamp_with_time_zone("ends_at"))
                    .col(big_integer("deputy_id"))
                    .col(integer("capacity"))
                    .col(integer("booked"))
                    .col(timestamp_with_time_zone_null("checked_in_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("rota_shift", "studio_id", "studio"))
                    .foreign_key(&mut fk("rota_shift", "deputy_id", "person"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_rota_shift_slot",
                    "rota_shift",
                    &["studio_id", "starts_at"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_rota_shift_deputy",
                "rota_shift",
                &["deputy_id", "day"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("rota_swap")
                    .col(big_pk_auto("id"))
                    .col(big_integer("shift_id"))
                    .col(big_integer("from_id"))
                    .col(big_integer("to_id"))
                    .col(string_len("status", 12))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("decided_at"))
                    .foreign_key(&mut fk("rota_swap", "shift_id", "rota_shift"))
                    .foreign_key(&mut fk("rota_swap", "from_id", "person"))
                    .foreign_key(&mut fk("rota_swap", "to_id", "person"))
                    .to_owned(),
            )
            .await?;
        // A reception: a booking of a duty slot, a request to meet a named deputy (约谈), a
        // deputy's invitation, or a walk-in. A requester is a person on a roster or a member
        // of the public known by their WeChat openid, name and phone (kept for the studio).
        manager
            .create_table(
                Table::create()
                    .table("reception")
                    .col(big_pk_auto("id"))
                    .col(string_len("kind", 12))
                    .col(string_len("status", 12))
                    .col(big_integer_null("shift_id"))
                    .col(big_integer("deputy_id"))
                    .col(big_integer("studio_id"))
                    .col(big_integer_null("person_id"))
                    .col(string_len_null("visitor_openid", 64))
                    .col(string_len("requester_key", 80))
                    .col(string_len("name", 50))
                    .col(string_len("phone", 20))
                    .col(string_len("topic", 200))
                    .col(timestamp_with_time_zone_null("meets_at"))
                    .col(text("raised"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("reception", "shift_id", "rota_shift"))
                    .foreign_key(&mut fk("reception", "deputy_id", "person"))
                    .foreign_key(&mut fk("reception", "studio_id", "studio"))
                    .foreign_key(&mut fk("reception", "person_id", "person"))
                    .to_owned(),
            )
            .await?;
        // One live booking per person and slot: a cancelled booking's key gets its id
        // appended, so the person may book the slot again.
        manager
            .create_index(
                index(
                    "uq_reception_shift_requester",
                    "reception",
                    &["shift_id", "requester_key"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_reception_deputy", "reception", &["deputy_id"]))
            .await?;
        manager
            .create_index(index(
                "idx_reception_requester",
                "reception",
                &["requester_key"],
            ))
            .await?;
        // Cases (反映问题), questions (质询) and proposals (提案): matters an organisation
        // must answer by `due_on`. One table, one state machine, one timeline.
        manager
            .create_table(
                Table::create()
                    .table("matter")
                    .col(big_pk_auto("id"))
                    .col(string_len("kind", 10))
                    .col(string_len("status", 14))
                    .col(string_len_null("number", 40))
                    .col(string_len("category", 20))
                    .col(string_len("title", 100))
                    .col(text("body"))
                    .col(big_integer_null("raiser_person_id"))
                    .col(string_len_null("raiser_openid", 64))
                    .col(string_len("raiser_name", 50))
                    .col(string_len("raiser_phone", 20))
                    .col(big_integer_null("deputy_id"))
                    .col(string_len_null("level", 10))
                    .col(big_integer_null("reception_id"))
                    .col(big_integer_null("addressed_org_id"))
                    .col(big_integer_null("handler_org_id"))
                    .col(date_null("due_on"))
                    .col(big_integer_null("escalated_to_org_id"))
                    .col(text("answer"))
                    .col(timestamp_with_time_zone_null("answered_at"))
                    .col(string_len_null("rating", 20))
                    .col(small_integer("rounds"))
                    .col(string_len_null("private_reason", 200))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("matter", "raiser_person_id", "person"))
                    .foreign_key(&mut fk("matter", "deputy_id", "person"))
                    .foreign_key(&mut fk("matter", "reception_id", "reception"))
                    .foreign_key(&mut fk("matter", "addressed_org_id", "organisation"))
                    .foreign_key(&mut fk("matter", "handler_org_id", "organisation"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("uq_matter_number", "matter", &["number"])
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_matter_handler",
                "matter",
                &["handler_org_id", "status"],
            ))
            .await?;
        manager
            .create_index(index("idx_matter_due", "matter", &["status", "due_on"]))
            .await?;
        manager
            .create_index(index("idx_matter_raiser", "matter", &["raiser_person_id"]))
            .await?;
        manager
            .create_index(index("idx_matter_deputy", "matter", &["deputy_id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("matter_cosigner")
                    .col(big_pk_auto("id"))
                    .col(big_integer("matter_id"))
                    .col(big_integer("person_id"))
                    .col(timestamp_with_time_zone_null("confirmed_at"))
                    .foreign_key(&mut fk("matter_cosigner", "matter_id", "matter"))
                    .foreign_key(&mut fk("matter_cosigner", "person_id", "person"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_matter_cosigner",
                    "matter_cosigner",
                    &["matter_id", "person_id"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        // The timeline the raiser sees: every transition, who made it and what they said.
        manager
            .create_table(
                Table::create()
                    .table("matter_event")
                    .col(big_pk_auto("id"))
                    .col(big_integer("matter_id"))
                    .col(string_len("action", 20))
                    .col(string_len("status", 14))
                    .col(big_integer_null("actor_id"))
                    .col(big_integer_null("org_id"))
                    .col(text("note"))
                    .col(timestamp_with_time_zone("at"))
                    .foreign_key(&mut fk("matter_event", "matter_id", "matter"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_matter_event_matter",
                "matter_event",
                &["matter_id"],
            ))
            .await?;
        // 调研视察: a research inspection by deputies, with its report as an attachment.
        manager
            .create_table(
                Table::create()
                    .table("deputy_inspection")
                    .col(big_pk_auto("id"))
                    .col(string_len("topic", 100))
                    .col(date("starts_on"))
                    .col(date("ends_on"))
                    .col(string_len("places", 200))
                    .col(text("summary"))
                    .col(big_integer("organiser_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("deputy_inspection", "organiser_id", "person"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("inspection_deputy")
                    .col(big_pk_auto("id"))
                    .col(big_integer("inspection_id"))
                    .col(big_integer("person_id"))
                    .foreign_key(&mut fk(
                        "inspection_deputy",
                        "inspection_id",
                        "deputy_inspection",
                    ))
                    .foreign_key(&mut fk("inspection_deputy", "person_id", "person"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_inspection_deputy",
                    "inspection_deputy",
                    &["inspection_id", "person_id"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_inspection_deputy_person",
                "inspection_deputy",
                &["person_id"],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .drop_table(Table::drop().table(*table).to_owned())
                .await?;
        }
        Ok(())
    }
}
