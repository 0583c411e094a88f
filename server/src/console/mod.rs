//! The browser console's own rules: sessions in cookies with their CSRF tokens, signing in by
//! scanning a one-time code with the mini-program, the Chinese of error codes, and charts
//! drawn as SVG. Everything a page shows or changes goes through the areas' services, exactly
//! as the JSON API does (`routes/console/`).
pub mod chart;
mod error;
pub mod messages;
pub mod page;
pub mod qr_sign_in;
pub mod session;

pub use error::ConsoleError;
pub use page::PageError;
pub use session::{ConsoleSessions, ConsoleUser};
