//! The Care Home Feedback server: configuration, storage, the HTTP API and the
//! command line. `main.rs` only parses arguments and calls [`cli::run`].

// Rendering the app's pages here nests their view types deeper than the
// compiler's default limit of 128 (see `app/src/lib.rs`).
#![recursion_limit = "256"]

pub mod alerts;
pub mod arrivals;
pub mod backups;
pub mod cli;
mod connections;
pub mod credentials;
pub mod definitions;
pub mod demo;
pub mod homes;
pub mod http;
pub mod intake;
pub mod migrate_data;
pub mod register;
pub mod relay;
pub mod settings;
pub mod startup;
pub mod steps;
pub mod store;
pub mod telemetry;
