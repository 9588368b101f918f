//! Black-box tests: each starts the real server on port 0 with a fresh database:
//! a SQLite file by default, or a PostgreSQL database of its own when
//! `CHF_TEST_DATABASE=postgres` (see `helpers.rs`).

mod alerts;
mod authorisation;
mod backups;
mod cli;
mod concerns;
mod devices;
mod forms;
mod health;
mod helpers;
mod homes;
mod hostile;
mod journey;
mod limits;
mod news;
mod offline;
mod providers;
mod register;
mod security;
mod servers;
mod startup;
mod submissions;
mod sync;
mod triage;
mod triage_api;
