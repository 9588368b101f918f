//! How domain values are kept in columns, the same on both backends: times as
//! RFC 3339 text, statuses and ratings as their codes, search text escaped for
//! `LIKE`; and how a failed query becomes a [`StoreError`]. Each backend's
//! modules call these, so the two cannot drift apart in what they store.

use app::domain::{forms::Severity, register::CqcRating, triage::Status};
use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};
use sqlx::{ColumnIndex, Decode, Row, Type};

use super::StoreError;

pub(super) fn database(err: sqlx::Error) -> StoreError {
    StoreError::Database(Box::new(err))
}

/// A unique constraint that failed becomes a conflict naming what was taken.
pub(super) fn unique_or_database(err: sqlx::Error, taken: &str) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(taken.to_owned()),
        _ => database(err),
    }
}

pub(super) fn corrupt(err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(err.to_string())
}

/// One fixed format, so stored times compare correctly as text.
pub(super) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Reads back a time written by [`timestamp`].
pub(super) fn stored_time(text: &str) -> Result<DateTime<Utc>, StoreError> {
    Ok(DateTime::parse_from_rfc3339(text).map_err(corrupt)?.with_timezone(&Utc))
}

/// A time stored as RFC 3339 text.
pub(super) fn time<R>(row: &R, column: &str) -> Result<DateTime<Utc>, StoreError>
where
    R: Row,
    for<'c> &'c str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
{
    let text: String = row.try_get(column).map_err(database)?;
    stored_time(&text)
}

/// A time stored as RFC 3339 text, or NULL.
pub(super) fn optional_time<R>(row: &R, column: &str) -> Result<Option<DateTime<Utc>>, StoreError>
where
    R: Row,
    for<'c> &'c str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
{
    match row.try_get::<Option<String>, _>(column).map_err(database)? {
        Some(text) => stored_time(&text).map(Some),
        None => Ok(None),
    }
}

/// The phone's clock as stored, or `None` (logged) when it cannot be read: it
/// is the one column a device chooses freely, and older releases stored
/// years that chrono writes but will not read back (`+10000-…`).
pub(super) fn readable_clock(stored: &str, id: &str) -> Option<DateTime<FixedOffset>> {
    let parsed = DateTime::<FixedOffset>::parse_from_rfc3339(stored).ok();
    if parsed.is_none() {
        tracing::warn!(submission = id, "stored submitted_at is not a readable date");
    }
    parsed
}

/// A date stored as `YYYY-MM-DD`.
pub(super) fn day(text: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(corrupt)
}

/// `%` and `_` typed in a search are meant literally.
pub(super) fn escape_like(word: &str) -> String {
    word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// A search for "100%" means the characters, anywhere in the column.
pub(super) fn like_pattern(text: &str) -> String {
    format!("%{}%", escape_like(text))
}

pub(super) fn rating_code(rating: Option<CqcRating>) -> Option<&'static str> {
    rating.map(CqcRating::code)
}

/// The generated `severity_rank` column's value (see the triage migration).
pub(super) fn severity_rank(severity: Severity) -> i64 {
    match severity {
        Severity::Red => 0,
        Severity::Amber => 1,
        Severity::Green => 2,
    }
}

pub(super) fn parse_status(code: &str) -> Result<Status, StoreError> {
    Status::parse(code).ok_or_else(|| corrupt(format!("status {code}")))
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_wildcards_in_search_text_are_escaped() {
        assert_eq!(like_pattern("100%_a\\"), "%100\\%\\_a\\\\%");
    }
}
