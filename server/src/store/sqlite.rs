//! The SQLite backend: the embedded default. WAL mode so readers never wait for
//! the writer, and `synchronous = FULL` so a commit survives a power cut.

use std::{str::FromStr, time::Duration};

mod accounts;
mod alerts;
mod attempts;
mod concerns;
mod devices;
mod drafts;
mod forms;
mod homes;
mod news;
mod providers;
mod register;
mod self_assessments;
mod submissions;
mod triage;
mod writer;

use sqlx::{
    migrate::Migrator,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    SqlitePool,
};

use super::columns::{corrupt, database, time, unique_or_database};
use super::OpenError;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

/// The schema versions this release knows, oldest first.
pub fn schema_versions() -> impl Iterator<Item = i64> {
    MIGRATOR.iter().map(|migration| migration.version)
}

pub struct SqliteStore {
    pool: SqlitePool,
    /// Every submission is written through it (group commit).
    writer: writer::Writer,
    /// While the store lives, its checkpointer runs.
    _alive: std::sync::Arc<()>,
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
            .busy_timeout(Duration::from_secs(5))
            // Checkpoints run in their own task (below), never inside the commit of a request.
            .pragma("wal_autocheckpoint", "0")
            // When the log starts over after a checkpoint, it is cut back to 64 MiB
            // without making anyone wait (a TRUNCATE checkpoint would block the writer).
            .pragma("journal_size_limit", "67108864");
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options.clone()).await.map_err(OpenError::Connect)?;
        MIGRATOR.run(&pool).await.map_err(OpenError::Migrate)?;
        // Lets the query planner choose between the inbox's indexes from real
        // statistics; cheap, and SQLite's advice for every long-lived connection.
        sqlx::query("PRAGMA optimize=0x10002").execute(&pool).await.map_err(OpenError::Connect)?;
        let writer = writer::Writer::start(&options).await.map_err(OpenError::Connect)?;
        let alive = std::sync::Arc::new(());
        tokio::spawn(checkpoint_while(std::sync::Arc::downgrade(&alive), pool.clone()));
        Ok(Self { pool, writer, _alive: alive })
    }
}

/// How often the write-ahead log is copied back into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Copies the write-ahead log into the database while the store lives. A
/// passive checkpoint waits for no reader or writer, so it runs beside the
/// submission writer instead of inside some request's commit.
async fn checkpoint_while(alive: std::sync::Weak<()>, pool: SqlitePool) {
    let mut ticks = tokio::time::interval(CHECKPOINT_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if alive.upgrade().is_none() {
            break;
        }
        if let Err(err) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
            tracing::warn!(error = %err, "checkpoint failed");
        }
    }
    pool.close().await;
}

// Every write transaction starts with BEGIN IMMEDIATE: a deferred one that
// reads first and then writes fails at once with "database is locked" when
// another connection (the submission writer, say) is writing, instead of
// waiting its turn.
