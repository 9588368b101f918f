//! `server backup FILE` and `server restore FILE` for the SQLite database.
//!
//! A backup is SQLite's `VACUUM INTO`: one read transaction, so the copy is
//! the database as it stood when the backup began, every commit before it
//! included, while the server goes on taking submissions (WAL readers never
//! block the writer). It is written beside the file and renamed when whole,
//! so a FILE that exists is a complete backup.
//!
//! PostgreSQL has its own tools; these commands say which (see the README).

use std::path::{Path, PathBuf};

use anyhow::{bail, ensure, Context};
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteConnection},
    ConnectOptions, Connection,
};

use crate::settings::Settings;

/// What a backup or restore holds, to print and to check against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Contents {
    pub observations: i64,
    pub audit_entries: i64,
    pub bytes: u64,
}

const POSTGRES_BACKUP: &str = "This database is PostgreSQL: back it up with \
`pg_dump --format=custom --file=FILE DATABASE_URL` while the servers run, and restore it with \
`pg_restore --no-owner --dbname=EMPTY_DATABASE_URL FILE` (see the README, \"Backups\").";

/// Copies the configured database to `file`, which must not exist.
pub async fn back_up(settings: &Settings, file: &Path) -> anyhow::Result<Contents> {
    let database = sqlite_path(settings)?;
    ensure!(database.exists(), "there is no database at {} to back up", database.display());
    ensure!(!file.exists(), "{} already exists; back up to a new file", file.display());
    let partial = partial_path(file);
    let _ = std::fs::remove_file(&partial);
    let mut source = connect(&database, Access::Live).await?;
    sqlx::query("VACUUM INTO ?")
        .bind(partial.display().to_string())
        .execute(&mut source)
        .await
        .with_context(|| format!("cannot write the backup to {}", partial.display()))?;
    source.close().await.ok();
    let contents = check(&partial).await.inspect_err(|_| {
        let _ = std::fs::remove_file(&partial);
    })?;
    put_in_place(&partial, file).with_context(|| format!("cannot name the backup {}", file.display()))?;
    Ok(contents)
}

/// Puts the backup `file` in place as the database of an empty data folder.
/// The server's next start applies any migrations newer than the backup.
pub async fn restore(settings: &Settings, file: &Path) -> anyhow::Result<Contents> {
    let database = sqlite_path(settings)?;
    ensure!(
        !database.exists() || std::fs::metadata(&database)?.len() == 0,
        "{} already holds a database; restore into an empty data folder, so nothing is overwritten",
        database.display()
    );
    // A log left beside it would be replayed into the restored database.
    for leftover in [sibling(&database, "-wal"), sibling(&database, "-shm")] {
        ensure!(!leftover.exists(), "{} is left from an earlier database; restore into an empty data folder", leftover.display());
    }
    let contents = check(file).await?;
    if let Some(folder) = database.parent() {
        std::fs::create_dir_all(folder).with_context(|| format!("cannot create {}", folder.display()))?;
    }
    let partial = partial_path(&database);
    std::fs::copy(file, &partial).with_context(|| format!("cannot copy {} into {}", file.display(), partial.display()))?;
    std::fs::File::open(&partial)?.sync_all()?;
    if database.exists() {
        std::fs::remove_file(&database)?; // the empty file checked above
    }
    put_in_place(&partial, &database)?;
    // Opening applies the migrations of this release, as a start would.
    crate::store::sqlite::SqliteStore::open(&format!("sqlite://{}", database.display())).await?;
    Ok(contents)
}

/// Checks that `file` is a whole SQLite database of ours, from this release
/// or an older one, and says what it holds.
pub async fn check(file: &Path) -> anyhow::Result<Contents> {
    ensure!(file.is_file(), "there is no backup at {}", file.display());
    let mut db = connect(file, Access::Still).await.with_context(|| format!("{} is not a SQLite database", file.display()))?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut db)
        .await
        .with_context(|| format!("{} is not a SQLite database", file.display()))?;
    ensure!(integrity == "ok", "{} is damaged: {integrity}", file.display());
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
        .fetch_all(&mut db)
        .await
        .with_context(|| format!("{} is not a Care Home Feedback database", file.display()))?;
    let known: Vec<i64> = crate::store::sqlite::schema_versions().collect();
    if let Some(unknown) = applied.iter().find(|version| !known.contains(version)) {
        bail!("{} was made by a newer release (schema version {unknown}); restore it with that release", file.display());
    }
    let observations = sqlx::query_scalar("SELECT COUNT(*) FROM submissions").fetch_one(&mut db).await?;
    let audit_entries = sqlx::query_scalar("SELECT COUNT(*) FROM triage_events").fetch_one(&mut db).await?;
    db.close().await.ok();
    Ok(Contents { observations, audit_entries, bytes: std::fs::metadata(file)?.len() })
}

/// The SQLite file the settings name, or why these commands do not apply.
fn sqlite_path(settings: &Settings) -> anyhow::Result<PathBuf> {
    let url = settings.database_url();
    match url.scheme() {
        "sqlite" => {
            let options: SqliteConnectOptions = url.expose().parse().context("the database URL")?;
            Ok(options.get_filename().to_path_buf())
        }
        "postgres" | "postgresql" => bail!(POSTGRES_BACKUP),
        other => bail!("database URLs starting \"{other}:\" are not supported"),
    }
}

/// How a file is opened.
enum Access {
    /// A server may be writing to it: shared as SQLite shares WAL databases.
    Live,
    /// A backup nobody writes: read as it is, leaving nothing beside it.
    Still,
}

async fn connect(file: &Path, access: Access) -> anyhow::Result<SqliteConnection> {
    let options = SqliteConnectOptions::new().filename(file).busy_timeout(std::time::Duration::from_secs(30));
    let options = match access {
        Access::Live => options,
        Access::Still => options.read_only(true).immutable(true),
    };
    Ok(options.connect().await?)
}

fn partial_path(file: &Path) -> PathBuf {
    sibling(file, ".partial")
}

/// `file` with `suffix` added to its name.
fn sibling(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    file.with_file_name(name)
}

/// Gives the whole file at `partial` its name, never replacing a file that
/// appeared meanwhile (a link fails if the name is taken), and makes the new
/// name durable.
fn put_in_place(partial: &Path, file: &Path) -> std::io::Result<()> {
    std::fs::hard_link(partial, file)?;
    std::fs::remove_file(partial)?;
    let folder = file.parent().filter(|folder| !folder.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::File::open(folder)?.sync_all()
}
