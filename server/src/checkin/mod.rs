//! QR check-in, live attendance, leave and exemptions, and the ledger (台账).
//!
//! The hot path: `service::CheckinService::check_in` decides a scan from cached facts
//! (`facts`, `decision`, `token`), stores the row through the group-commit `writer`, and
//! updates the `live` counters after the commit. Everything else (attendance, ledger, leave)
//! reads the database, which is the source of truth.
pub mod attendance;
mod changes;
pub mod decision;
pub mod error;
pub mod export;
pub mod facts;
pub mod leave;
pub mod live;
pub mod mine;
pub mod org_report;
pub mod service;
pub mod token;
pub mod venue;
pub mod writer;

pub use decision::{Attendance, Outcome};
pub use error::AttendanceError;
pub use service::CheckinService;
pub use writer::Method;
