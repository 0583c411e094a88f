//! Organisational life beyond the monthly meeting (扬组发〔2014〕29号 §二.1, §四.2): members'
//! political birthdays (政治生日), held collectively by the branch once a year.
pub mod birthdays;
pub mod error;

pub use error::LifeError;
