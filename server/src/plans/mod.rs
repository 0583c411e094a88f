//! The monthly cycle (审核预告制度): yearly themes, monthly activity plans with their expected
//! participants, review and filing with the county-level department, and the preview due by
//! the 10th. `routes::plans` translates HTTP to these; the scheduler publishes through
//! `publish::publish`.
pub mod cycle;
pub mod error;
pub mod participants;
pub mod publish;
pub mod rules;
pub mod service;
pub mod view;

pub use error::PlanError;
