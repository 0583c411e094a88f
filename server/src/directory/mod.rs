//! The directory: the organisation tree, people on the rosters, role grants and roster
//! files. Every rule about who may change whom lives here (with `authz`).
pub mod error;
pub mod manage;
pub mod orgs;
pub mod people;
pub mod roster;

pub use error::DirectoryError;
