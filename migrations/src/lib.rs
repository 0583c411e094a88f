//! The schema's history. Each migration describes its own day's schema with string literals,
//! never today's entities, so it replays the same way on SQLite and PostgreSQL forever.
pub use sea_orm_migration::prelude::*;

mod m20261127_000001_create_audit_log;
mod m20261127_000002_create_identity;
mod m20261127_000003_create_calendar;
mod m20261127_000004_create_plans;
mod m20261127_000005_create_push;
mod m20261127_000006_create_job_run;
mod m20261127_000007_create_attendance;
mod m20261127_000008_create_community;
mod m20261201_000001_add_activity_offline_static;
mod m20261201_000002_create_admin_token;
mod m20261201_000003_add_invite_lookup;
mod m20261205_000001_create_duties;
mod m20261205_000002_create_attachments;
mod m20261206_000001_create_deputies;
mod m20261206_000002_create_feedback;
mod m20261206_000003_create_political_birthdays;
mod m20261206_000004_create_notices;
mod m20261206_000005_create_org_pairs;
mod m20261206_000006_create_themed_venues;
mod m20261206_000007_create_evaluations;
mod m20261207_000001_secret_tallies;
mod m20261207_000002_create_supervision;
mod m20261207_000003_drop_feedback_given;
mod m20261208_000001_create_attachment_blob;
mod m20261209_000001_create_oa_follower;
mod m20261210_000001_notification_channels;
mod schema_parts;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_audit_log::Migration),
            Box::new(m20261127_000002_create_identity::Migration),
            Box::new(m20261127_000003_create_calendar::Migration),
            Box::new(m20261127_000004_create_plans::Migration),
            Box::new(m20261127_000005_create_push::Migration),
            Box::new(m20261127_000006_create_job_run::Migration),
            Box::new(m20261127_000007_create_attendance::Migration),
            Box::new(m20261127_000008_create_community::Migration),
            Box::new(m20261201_000001_add_activity_offline_static::Migration),
            Box::new(m20261201_000002_create_admin_token::Migration),
            Box::new(m20261201_000003_add_invite_lookup::Migration),
            Box::new(m20261205_000001_create_duties::Migration),
            Box::new(m20261205_000002_create_attachments::Migration),
            Box::new(m20261206_000001_create_deputies::Migration),
            Box::new(m20261206_000002_create_feedback::Migration),
            Box::new(m20261206_000003_create_political_birthdays::Migration),
            Box::new(m20261206_000004_create_notices::Migration),
            Box::new(m20261206_000005_create_org_pairs::Migration),
            Box::new(m20261206_000006_create_themed_venues::Migration),
            Box::new(m20261206_000007_create_evaluations::Migration),
            Box::new(m20261207_000001_secret_tallies::Migration),
            Box::new(m20261207_000002_create_supervision::Migration),
            Box::new(m20261207_000003_drop_feedback_given::Migration),
            Box::new(m20261208_000001_create_attachment_blob::Migration),
            Box::new(m20261209_000001_create_oa_follower::Migration),
            Box::new(m20261210_000001_notification_channels::Migration),
        ]
    }
}
