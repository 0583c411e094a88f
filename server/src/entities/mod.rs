//! sea-orm entities, one per table. Nothing HTTP-shaped here.
pub mod audit_log;
pub mod invite_code;
pub mod organisation;
pub mod organisation_closure;
pub mod person;
pub mod refresh_token;
pub mod role_grant;
