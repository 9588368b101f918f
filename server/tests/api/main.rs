//! Black-box tests: each starts the real server on port 0 with a fresh SQLite database.

mod alerts;
mod authorisation;
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
mod startup;
mod submissions;
mod sync;
mod triage;
mod triage_api;
