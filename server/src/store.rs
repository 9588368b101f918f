//! Opens the configured database and returns it behind the [`Store`] trait.
//! One module per backend (SQLite, PostgreSQL); each has its own migrations
//! folder, with the same file names so the two histories line up.

mod columns;
pub mod postgres;
mod rows;
pub mod sqlite;

use std::sync::Arc;

pub use app::store::*;

use crate::settings::Settings;

/// Why the database could not be opened. Any of these stops the start.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("database migration failed, so the server will not start: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    #[error("database URLs starting \"{0}:\" are not supported; use sqlite:// or postgres://")]
    UnsupportedScheme(String),
}

/// Opens the database named in `settings` and applies its migrations.
pub async fn open(settings: &Settings) -> Result<SharedStore, OpenError> {
    let url = settings.database_url();
    match url.scheme() {
        "sqlite" => {
            if settings.database_url.is_none() {
                std::fs::create_dir_all(&settings.data_dir)
                    .map_err(|source| OpenError::DataDir { path: settings.data_dir.display().to_string(), source })?;
            }
            Ok(Arc::new(sqlite::SqliteStore::open(url.expose()).await?))
        }
        "postgres" | "postgresql" => Ok(Arc::new(postgres::PostgresStore::open(url.expose()).await?)),
        other => Err(OpenError::UnsupportedScheme(other.to_owned())),
    }
}
