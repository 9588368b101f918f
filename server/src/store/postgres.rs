//! The PostgreSQL backend: for several server processes sharing one database.
//! It mirrors the SQLite backend module by module and stores the same values
//! (times as RFC 3339 text, answers as JSON text; see the first migration
//! for why). Where SQLite's single writer makes a read-then-write atomic,
//! this backend locks instead: the rows it is about to change (`FOR UPDATE`),
//! or a transaction-scoped advisory lock named by one of the [`Lock`] keys.

use std::time::Duration;

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

use sqlx::{
    migrate::Migrator,
    postgres::{PgPoolOptions, PgRow},
    PgConnection, PgPool, Row,
};

use super::columns::{corrupt, database, optional_time, time, unique_or_database};
use super::{OpenError, StoreError};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to the database at `url` and applies migrations. Two servers
    /// starting at once are safe: sqlx takes an advisory lock while migrating.
    pub async fn open(url: &str) -> Result<Self, OpenError> {
        // Twice SQLite's 8: here every connection can write at once. A request
        // that cannot get one within 5 s fails rather than queueing unseen.
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await
            .map_err(OpenError::Connect)?;
        MIGRATOR.run(&pool).await.map_err(OpenError::Migrate)?;
        Ok(Self { pool })
    }
}

/// What a transaction-scoped advisory lock serialises. Each is held until
/// its transaction ends, so the work it guards commits before the next starts.
#[derive(Clone, Copy)]
enum Lock {
    /// Appending to `triage_events`: ids are then given out in commit order,
    /// which the phones' news cursor relies on (see `news.rs`).
    TriageTrail = 1,
    /// A register import: its read-compare-write of each service.
    RegisterImport = 2,
    /// Working out the homes' figures.
    HomeFigures = 3,
}

/// The first half of each [`Lock`]'s two-part key ("CHF"). Two-part keys
/// never meet one-part ones, such as sqlx's migration lock or the throttle's
/// per-key locks (`attempts.rs`).
const LOCK_CLASS: i32 = 0x0043_4846;

/// Takes `lock` until the end of the transaction `tx` is in.
async fn lock(tx: &mut PgConnection, lock: Lock) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock($1, $2)").bind(LOCK_CLASS).bind(lock as i32).execute(&mut *tx).await.map_err(database)?;
    Ok(())
}

/// A text column of the row.
fn text(row: &PgRow, column: &str) -> Result<String, StoreError> {
    row.try_get(column).map_err(database)
}

/// Whether a search text can match nothing stored: PostgreSQL text cannot
/// hold a NUL, so no stored value has one (SQLite's could, but none does:
/// names refuse control characters and JSON writes a NUL as `\u0000`). Such
/// a search then matches nothing, as on SQLite, instead of failing the query.
fn matches_nothing(text: &str) -> bool {
    text.contains('\0')
}

/// Orders text as SQLite's `COLLATE NOCASE` does: lower-cased, byte by byte
/// (the expression of the `services_by_name` and `services_by_town` indexes).
fn nocase(column: &str) -> String {
    format!("lower({column}) COLLATE \"C\"")
}

/// A store on a PostgreSQL database of its own, for this backend's own tests.
/// They run only with `CHF_TEST_DATABASE=postgres` (as the API tests do), so
/// a machine without PostgreSQL still passes `cargo test`.
#[cfg(test)]
mod scratch {
    use sqlx::Connection;

    use super::PostgresStore;

    /// The server's maintenance database, as in the API tests' helpers.
    fn server() -> String {
        std::env::var("CHF_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
    }

    /// Dropped (with any connection still open) when the test ends.
    pub struct Scratch(String);

    pub async fn store() -> Option<(PostgresStore, Scratch)> {
        if std::env::var("CHF_TEST_DATABASE").as_deref() != Ok("postgres") {
            eprintln!("skipped: set CHF_TEST_DATABASE=postgres to run the PostgreSQL backend's own tests");
            return None;
        }
        let name = format!("chf_test_{}", uuid::Uuid::new_v4().simple());
        let server = server();
        let mut admin = sqlx::PgConnection::connect(&server).await.expect("the PostgreSQL server answers");
        sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("a scratch database");
        let scratch = Scratch(name.clone());
        let (base, _) = server.rsplit_once('/').expect("a URL ending in a database name");
        let store = PostgresStore::open(&format!("{base}/{name}")).await.expect("the store opens");
        Some((store, scratch))
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let name = self.0.clone();
            // Drop cannot await inside the test's runtime: a thread with its own.
            let _ = std::thread::spawn(move || {
                tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime").block_on(async {
                    let mut admin = sqlx::PgConnection::connect(&server()).await?;
                    sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await?;
                    admin.close().await
                })
            })
            .join();
        }
    }
}
