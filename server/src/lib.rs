pub mod cache;
pub mod config;
pub mod db;
pub mod error;
pub mod routes;
pub mod secrets;
pub mod startup;
pub mod telemetry;
