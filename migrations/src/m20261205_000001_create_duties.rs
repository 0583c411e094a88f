use sea_orm_migration::{prelude::*, schema::*};

use crate::schema_parts::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // 联系点: a leading cadre works at these grassroots organisations for a period.
        manager
            .create_table(
                Table::create()
                    .table("contact_point")
                    .col(big_pk_auto("id"))
                    .col(big_integer("person_id"))
                    .col(big_integer("org_id"))
                    .col(date("valid_from"))
                    .col(date_null("valid_until"))
                    .col(big_integer("assigned_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("contact_point", "person_id", "person"))
                    .foreign_key(&mut fk("contact_point", "org_id", "organisation"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_contact_point_person",
                "contact_point",
                &["person_id"],
            ))
            .await?;
        // What a leader did (research, stays, visits, the four contact-point activities,
        // reports). An entry corrected after the correction window is superseded by a new
        // one that names it in `corrects_id`; the old row stays for the record.
        manager
            .create_table(
                Table::create()
                    .table("duty_entry")
                    .col(big_pk_auto("id"))
                    .col(big_integer("person_id"))
                    .col(string_len("kind", 20))
                    .col(date("starts_on"))
                    .col(date("ends_on"))
                    .col(big_integer_null("org_id"))
                    .col(string_len("place", 200))
                    .col(string_len("topic", 200))
                    .col(text("summary"))
                    .col(big_integer_null("corrects_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("duty_entry", "person_id", "person"))
                    .foreign_key(&mut fk("duty_entry", "org_id", "organisation"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_duty_entry_person",
                "duty_entry",
                &["person_id", "starts_on"],
            ))
            .await?;
        // 谈心谈话. `notes` is private to the two people in the talk: every read that is not
        // theirs leaves it out. Corrected like duty entries (`corrects_id`).
        manager
            .create_table(
                Table::create()
                    .table("talk")
                    .col(big_pk_auto("id"))
                    .col(big_integer("leader_id"))
                    .col(big_integer_null("with_person_id"))
                    .col(string_len("with_name", 50))
                    .col(date("talked_on"))
                    .col(text("notes"))
                    .col(big_integer_null("corrects_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("talk", "leader_id", "person"))
                    .foreign_key(&mut fk("talk", "with_person_id", "person"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_talk_leader",
                "talk",
                &["leader_id", "talked_on"],
            ))
            .await?;
        manager
            .create_index(index("idx_talk_with", "talk", &["with_person_id"]))
            .await?;
        // A Party lecture (党课) names its speaker, so a leader's lecture at a contact point
        // counts without a second entry.
        manager
            .alter_table(
                Table::alter()
                    .table("activity_plan")
                    .add_column(big_integer_null("speaker_person_id"))
                    .to_owned(),
            )
            .await?;
        // The leader level becomes a vocabulary: 县处级以上 or 乡科级. Free text written
        // before is read by its rank words; anything else is cleared (it was never used).
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE person SET leader_level = CASE \
               WHEN leader_level IS NULL OR leader_level = '' THEN NULL \
               WHEN leader_level IN ('county_or_above', 'township') THEN leader_level \
               WHEN leader_level LIKE '%乡%' OR leader_level LIKE '%科%' THEN 'township' \
               WHEN leader_level LIKE '%县%' OR leader_level LIKE '%处%' OR leader_level LIKE '%厅%' \
                 OR leader_level LIKE '%局%' OR leader_level LIKE '%省%' OR leader_level LIKE '%部%' \
                 THEN 'county_or_above' \
               ELSE NULL END",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("activity_plan")
                    .drop_column("speaker_person_id")
                    .to_owned(),
            )
            .await?;
        for table in ["talk", "duty_entry", "contact_point"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
