//! The SQLite backend: the embedded default. WAL mode so readers never wait for
//! the writer, and `synchronous = FULL` so a commit survives a power cut.

use std::{str::FromStr, time::Duration};

mod accounts;
mod attempts;
mod devices;
mod drafts;
mod forms;
mod register;
mod submissions;
mod triage;

use sqlx::{
    migrate::Migrator,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    SqlitePool,
};

use super::{OpenError, StoreError};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` and applies migrations.
    pub async fn open(url: &str) -> Result<Self, OpenError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(OpenError::Connect)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(OpenError::Connect)?;
        MIGRATOR.run(&pool).await.map_err(OpenError::Migrate)?;
        // Lets the query planner choose between the inbox's indexes from real
        // statistics; cheap, and SQLite's advice for every long-lived connection.
        sqlx::query("PRAGMA optimize=0x10002").execute(&pool).await.map_err(OpenError::Connect)?;
        Ok(Self { pool })
    }
}

fn database(err: sqlx::Error) -> StoreError {
    StoreError::Database(Box::new(err))
}

/// A unique constraint that failed becomes a conflict naming what was taken.
fn unique_or_database(err: sqlx::Error, taken: &str) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(taken.to_owned()),
        _ => database(err),
    }
}

fn corrupt(err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(err.to_string())
}

