//! One test binary for every API area (faster to link than one per file).
mod attachments;
mod auth;
mod cache;
mod calendar;
mod checkin;
mod cli;
mod community;
mod directory;
mod duties;
mod errors;
mod health;
mod plans;
mod push;
mod queries;
mod review;
mod scheduler;
mod security;
