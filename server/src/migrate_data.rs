//! `server migrate-data --from sqlite://… --to postgres://…`: moving a unit
//! up from the embedded database to PostgreSQL, everything included (the
//! audit trail, published form versions, sessions, the throttle's counts).
//!
//! Both databases are brought to this release's schema first, and the target
//! must be empty. Tables are copied from one snapshot of the source, in the
//! order their foreign keys allow, in one transaction, with triggers off;
//! ids are kept and each identity column continues after the highest. Before
//! the commit every table's row count and content are compared (a digest of
//! each row, summed so the order rows come back in does not matter), so a
//! copy that differs, or fails, leaves the target as empty as it was.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, ensure, Context};
use futures::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::{
    postgres::PgRow,
    sqlite::{SqliteConnectOptions, SqliteRow},
    ConnectOptions, Connection, PgConnection, QueryBuilder, Row, SqliteConnection, TypeInfo, ValueRef,
};

use crate::store::{postgres::PostgresStore, sqlite::SqliteStore};

/// Parameters PostgreSQL takes in one statement, with room to spare.
const PARAMETERS_PER_INSERT: usize = 60_000;

/// One table as copied: rows on each side, and whether their contents agree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableCopy {
    pub table: String,
    pub source_rows: i64,
    pub target_rows: i64,
    pub same_content: bool,
}

impl TableCopy {
    pub fn agrees(&self) -> bool {
        self.source_rows == self.target_rows && self.same_content
    }
}

/// A column of the target, by name and PostgreSQL type.
#[derive(Clone, Debug)]
struct Column {
    name: String,
    kind: Kind,
}

/// The column types our schema uses; any other stops the copy before it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Integer,
    Boolean,
    Real,
    Text,
    Bytes,
}

/// One value, as both databases' rows are compared.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Null,
    Integer(i64),
    Boolean(bool),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

/// Copies every table from the SQLite database at `from` into the empty
/// PostgreSQL database at `to`, then compares them table by table. The copy
/// is committed only if every table agrees; otherwise the target stays empty.
pub async fn migrate(from: &str, to: &str) -> anyhow::Result<Vec<TableCopy>> {
    ensure!(from.starts_with("sqlite:"), "--from must be a sqlite:// URL");
    ensure!(to.starts_with("postgres:") || to.starts_with("postgresql:"), "--to must be a postgres:// URL");
    let options: SqliteConnectOptions = from.parse()?;
    // Opening would create a missing file, and an empty copy would "succeed".
    ensure!(options.get_filename().is_file(), "there is no SQLite database at {}", options.get_filename().display());
    // Opening applies this release's migrations to each, so their tables match.
    SqliteStore::open(from).await.context("the SQLite database (--from)")?;
    PostgresStore::open(to).await.context("the PostgreSQL database (--to)")?;
    let mut source = options.connect().await?;
    let mut target = PgConnection::connect(to).await?;

    let tables = copy_order(&mut target).await?;
    let columns = target_columns(&mut target, &tables).await?;
    check_target_has(&mut source, &tables).await?;
    check_source_has(&mut source, &columns).await?;
    if let Some((table, rows)) = first_non_empty(&mut target, &tables).await? {
        bail!("the target database is not empty ({table} has {rows} rows); migrate into a new, empty database");
    }

    // One snapshot of the source for the copy and the comparison, even if a
    // server is still writing to it.
    let mut snapshot = source.begin().await?;
    let mut tx = target.begin().await?;
    // Triggers would add rows of their own (an observation queues its home's
    // figures) to tables already copied; the copy is the original, as it was.
    set_triggers(&mut tx, &tables, "DISABLE").await?;
    for table in &tables {
        copy_table(&mut snapshot, &mut tx, table, &columns[table]).await.with_context(|| format!("copying {table}"))?;
        continue_identities(&mut tx, table).await?;
    }
    set_triggers(&mut tx, &tables, "ENABLE").await?;

    let mut copies = Vec::with_capacity(tables.len());
    for table in &tables {
        let (source_rows, source_digest) = sqlite_digest(&mut snapshot, table, &columns[table]).await?;
        let (target_rows, target_digest) = postgres_digest(&mut tx, table, &columns[table]).await?;
        copies.push(TableCopy { table: table.clone(), source_rows, target_rows, same_content: source_digest == target_digest });
    }
    let differing: Vec<String> = copies
        .iter()
        .filter(|copy| !copy.agrees())
        .map(|copy| format!("{} ({} rows -> {})", copy.table, copy.source_rows, copy.target_rows))
        .collect();
    if !differing.is_empty() {
        tx.rollback().await?;
        bail!("the copy differs from the original in {}; nothing was kept, the target is empty", differing.join(", "));
    }
    tx.commit().await?;
    snapshot.rollback().await?;
    // A bulk load leaves the planner's statistics stale and the visibility map
    // empty until autovacuum comes round; until then the inbox's counts read
    // every row (at a million observations, 466 ms a count instead of 73 ms).
    // VACUUM cannot run inside the copy's transaction, so it runs after.
    sqlx::query("VACUUM (ANALYZE)").execute(&mut target).await?;
    Ok(copies)
}

/// Turns the user-defined triggers of every table off or on, inside the copy's transaction.
async fn set_triggers(tx: &mut PgConnection, tables: &[String], state: &str) -> anyhow::Result<()> {
    for table in tables {
        sqlx::query(&format!("ALTER TABLE {} {state} TRIGGER USER", quoted(table))).execute(&mut *tx).await?;
    }
    Ok(())
}

/// An identifier as both databases read it, whatever it holds.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The target's tables, each after every table its foreign keys point to.
async fn copy_order(target: &mut PgConnection) -> anyhow::Result<Vec<String>> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations'
         ORDER BY table_name",
    )
    .fetch_all(&mut *target)
    .await?;
    let references: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c
         WHERE c.contype = 'f' AND c.conrelid <> c.confrelid AND c.connamespace = current_schema()::regnamespace",
    )
    .fetch_all(&mut *target)
    .await?;
    let mut needs: BTreeMap<&str, BTreeSet<&str>> = tables.iter().map(|t| (t.as_str(), BTreeSet::new())).collect();
    for (table, referenced) in &references {
        if let Some(set) = needs.get_mut(table.as_str()) {
            set.insert(referenced.as_str());
        }
    }
    let mut order: Vec<String> = Vec::with_capacity(tables.len());
    while order.len() < tables.len() {
        let ready: Vec<&str> = needs
            .iter()
            .filter(|(table, wanted)| !order.iter().any(|done| done == *table) && wanted.iter().all(|w| order.iter().any(|d| d == w)))
            .map(|(table, _)| *table)
            .collect();
        ensure!(!ready.is_empty(), "the tables' foreign keys form a cycle; cannot choose a copy order");
        order.extend(ready.into_iter().map(str::to_owned));
    }
    Ok(order)
}

/// Each table's columns the copy writes: all but generated ones, which
/// each database works out for itself.
async fn target_columns(target: &mut PgConnection, tables: &[String]) -> anyhow::Result<BTreeMap<String, Vec<Column>>> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND is_generated = 'NEVER'
         ORDER BY table_name, ordinal_position",
    )
    .fetch_all(&mut *target)
    .await?;
    let mut columns: BTreeMap<String, Vec<Column>> = tables.iter().map(|t| (t.clone(), Vec::new())).collect();
    for (table, name, data_type) in rows {
        let Some(list) = columns.get_mut(&table) else { continue };
        let kind = match data_type.as_str() {
            "bigint" | "integer" | "smallint" => Kind::Integer,
            "boolean" => Kind::Boolean,
            "double precision" | "real" => Kind::Real,
            "text" | "character varying" => Kind::Text,
            "bytea" => Kind::Bytes,
            other => bail!("{table}.{name} is of type {other}, which this copy does not know"),
        };
        list.push(Column { name, kind });
    }
    Ok(columns)
}

/// Stops before copying if the source has a table the target lacks.
async fn check_target_has(source: &mut SqliteConnection, tables: &[String]) -> anyhow::Result<()> {
    let source_tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut *source)
    .await?;
    if let Some(missing) = source_tables.iter().find(|table| !tables.contains(table)) {
        bail!("the PostgreSQL database has no table {missing}, so its rows would be left behind");
    }
    Ok(())
}

/// Stops before copying if a column the target has is missing in the source.
async fn check_source_has(source: &mut SqliteConnection, columns: &BTreeMap<String, Vec<Column>>) -> anyhow::Result<()> {
    for (table, wanted) in columns {
        let present: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_xinfo(?)").bind(table).fetch_all(&mut *source).await?;
        ensure!(!present.is_empty(), "the SQLite database has no table {table}");
        if let Some(missing) = wanted.iter().find(|column| !present.contains(&column.name)) {
            bail!("the SQLite database's {table} has no column {}", missing.name);
        }
    }
    Ok(())
}

async fn first_non_empty(target: &mut PgConnection, tables: &[String]) -> anyhow::Result<Option<(String, i64)>> {
    for table in tables {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", quoted(table))).fetch_one(&mut *target).await?;
        if rows > 0 {
            return Ok(Some((table.clone(), rows)));
        }
    }
    Ok(None)
}

async fn copy_table(source: &mut SqliteConnection, target: &mut PgConnection, table: &str, columns: &[Column]) -> anyhow::Result<()> {
    let list = column_list(columns);
    let per_insert = (PARAMETERS_PER_INSERT / columns.len().max(1)).max(1);
    let select = format!("SELECT {list} FROM {}", quoted(table));
    let mut rows = sqlx::query(&select).fetch(&mut *source);
    let mut batch: Vec<Vec<Cell>> = Vec::with_capacity(per_insert);
    while let Some(row) = rows.try_next().await? {
        batch.push(sqlite_cells(&row, columns)?);
        if batch.len() == per_insert {
            insert(target, table, &list, columns, &batch).await?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        insert(target, table, &list, columns, &batch).await?;
    }
    Ok(())
}

async fn insert(target: &mut PgConnection, table: &str, list: &str, columns: &[Column], rows: &[Vec<Cell>]) -> anyhow::Result<()> {
    let mut insert = QueryBuilder::new(format!("INSERT INTO {} ({list}) ", quoted(table)));
    insert.push_values(rows, |mut values, row| {
        for (cell, column) in row.iter().zip(columns) {
            match (cell, column.kind) {
                (Cell::Integer(n), _) => values.push_bind(*n),
                (Cell::Boolean(b), _) => values.push_bind(*b),
                (Cell::Real(x), _) => values.push_bind(*x),
                (Cell::Text(text), _) => values.push_bind(text.clone()),
                (Cell::Bytes(bytes), _) => values.push_bind(bytes.clone()),
                (Cell::Null, Kind::Integer) => values.push_bind(None::<i64>),
                (Cell::Null, Kind::Boolean) => values.push_bind(None::<bool>),
                (Cell::Null, Kind::Real) => values.push_bind(None::<f64>),
                (Cell::Null, Kind::Text) => values.push_bind(None::<String>),
                (Cell::Null, Kind::Bytes) => values.push_bind(None::<Vec<u8>>),
            };
        }
    });
    insert.build().execute(&mut *target).await?;
    Ok(())
}

/// Sets each identity column of `table` to continue after its highest id, so
/// the next row the server adds does not collide with a copied one.
async fn continue_identities(target: &mut PgConnection, table: &str) -> anyhow::Result<()> {
    let identities: Vec<String> = sqlx::query_scalar(
        "SELECT column_name::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 AND is_identity = 'YES'",
    )
    .bind(table)
    .fetch_all(&mut *target)
    .await?;
    for column in identities {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX({}), 0) + 1, false) FROM {}",
            quoted(&column),
            quoted(table)
        ))
        .bind(quoted(table))
        .bind(&column)
        .execute(&mut *target)
        .await?;
    }
    Ok(())
}

/// A row of the source as the target's column types want it.
fn sqlite_cells(row: &SqliteRow, columns: &[Column]) -> anyhow::Result<Vec<Cell>> {
    columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let raw = row.try_get_raw(i)?;
            if raw.is_null() {
                return Ok(Cell::Null);
            }
            let stored = raw.type_info().name().to_owned();
            Ok(match (column.kind, stored.as_str()) {
                (Kind::Integer, "INTEGER") => Cell::Integer(row.try_get(i)?),
                (Kind::Boolean, "INTEGER") => Cell::Boolean(row.try_get::<i64, _>(i)? != 0),
                (Kind::Real, "REAL" | "INTEGER") => Cell::Real(row.try_get(i)?),
                (Kind::Text, "TEXT") => Cell::Text(row.try_get(i)?),
                (Kind::Bytes, "BLOB") => Cell::Bytes(row.try_get(i)?),
                (kind, stored) => bail!("{} holds {stored} where PostgreSQL wants {kind:?}", column.name),
            })
        })
        .collect()
}

fn postgres_cells(row: &PgRow, columns: &[Column]) -> anyhow::Result<Vec<Cell>> {
    columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let cell = match column.kind {
                Kind::Integer => row.try_get::<Option<i64>, _>(i)?.map(Cell::Integer),
                Kind::Boolean => row.try_get::<Option<bool>, _>(i)?.map(Cell::Boolean),
                Kind::Real => row.try_get::<Option<f64>, _>(i)?.map(Cell::Real),
                Kind::Text => row.try_get::<Option<String>, _>(i)?.map(Cell::Text),
                Kind::Bytes => row.try_get::<Option<Vec<u8>>, _>(i)?.map(Cell::Bytes),
            };
            Ok(cell.unwrap_or(Cell::Null))
        })
        .collect()
}

/// Rows and the order-free digest of a SQLite table's content.
async fn sqlite_digest(source: &mut SqliteConnection, table: &str, columns: &[Column]) -> anyhow::Result<(i64, u128)> {
    let select = format!("SELECT {} FROM {}", column_list(columns), quoted(table));
    digest(sqlx::query(&select).fetch(&mut *source), |row| sqlite_cells(row, columns)).await
}

async fn postgres_digest(target: &mut PgConnection, table: &str, columns: &[Column]) -> anyhow::Result<(i64, u128)> {
    // Integer columns as bigint, whatever their width, so they read as one type.
    let list = columns
        .iter()
        .map(|c| match c.kind {
            Kind::Integer => format!("{}::bigint", quoted(&c.name)),
            Kind::Real => format!("{}::double precision", quoted(&c.name)),
            _ => quoted(&c.name),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let select = format!("SELECT {list} FROM {}", quoted(table));
    digest(sqlx::query(&select).fetch(&mut *target), |row| postgres_cells(row, columns)).await
}

/// Counts the rows and sums their digests.
async fn digest<R>(
    mut rows: impl futures::Stream<Item = Result<R, sqlx::Error>> + Unpin,
    cells: impl Fn(&R) -> anyhow::Result<Vec<Cell>>,
) -> anyhow::Result<(i64, u128)> {
    let (mut count, mut sum) = (0_i64, 0_u128);
    while let Some(row) = rows.try_next().await? {
        count += 1;
        sum = sum.wrapping_add(row_digest(&cells(&row)?));
    }
    Ok((count, sum))
}

/// One row's digest: each value tagged with its kind, so `NULL` and `''`,
/// or `1` and `true`, never read alike.
fn row_digest(cells: &[Cell]) -> u128 {
    let mut hash = Sha256::new();
    for cell in cells {
        match cell {
            Cell::Null => hash.update(b"n"),
            Cell::Integer(n) => {
                hash.update(b"i");
                hash.update(n.to_le_bytes());
            }
            Cell::Boolean(b) => hash.update(if *b { b"t" } else { b"f" }),
            Cell::Real(x) => {
                hash.update(b"r");
                hash.update(x.to_le_bytes());
            }
            Cell::Text(text) => {
                hash.update(b"s");
                hash.update((text.len() as u64).to_le_bytes());
                hash.update(text.as_bytes());
            }
            Cell::Bytes(bytes) => {
                hash.update(b"b");
                hash.update((bytes.len() as u64).to_le_bytes());
                hash.update(bytes);
            }
        }
    }
    let digest = hash.finalize();
    u128::from_le_bytes(digest[..16].try_into().unwrap_or_default())
}

fn column_list(columns: &[Column]) -> String {
    columns.iter().map(|column| quoted(&column.name)).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::{row_digest, Cell};

    #[test]
    fn a_row_digest_tells_null_from_empty_and_one_from_true() {
        assert_ne!(row_digest(&[Cell::Null]), row_digest(&[Cell::Text(String::new())]));
        assert_ne!(row_digest(&[Cell::Integer(1)]), row_digest(&[Cell::Boolean(true)]));
        assert_ne!(
            row_digest(&[Cell::Text("ab".into()), Cell::Text("c".into())]),
            row_digest(&[Cell::Text("a".into()), Cell::Text("bc".into())])
        );
        assert_eq!(row_digest(&[Cell::Integer(7), Cell::Null]), row_digest(&[Cell::Integer(7), Cell::Null]));
    }
}
