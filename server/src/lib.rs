//! The Care Home Feedback server: configuration, storage, the HTTP API and the
//! command line. `main.rs` only parses arguments and calls [`cli::run`].

pub mod cli;
pub mod credentials;
pub mod definitions;
pub mod demo;
pub mod http;
pub mod register;
pub mod settings;
pub mod startup;
pub mod store;
pub mod telemetry;
