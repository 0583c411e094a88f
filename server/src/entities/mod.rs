//! sea-orm entities, one per table. Nothing HTTP-shaped here.
pub mod activity_plan;
pub mod audit_log;
pub mod calendar_day;
pub mod invite_code;
pub mod job_run;
pub mod organisation;
pub mod organisation_closure;
pub mod person;
pub mod plan_event;
pub mod plan_participant;
pub mod push_outbox;
pub mod refresh_token;
pub mod role_grant;
pub mod subscription_quota;
pub mod yearly_plan;
