//! Submissions in SQLite: one row per device-generated id, written once.

use app::domain::{forms::Severity, register::CqcLocationId, submission::Receipt};
use chrono::{DateTime, Utc};
use sqlx::{sqlite::SqliteRow, QueryBuilder, Row, Sqlite};
use uuid::Uuid;

use super::{corrupt, database, time, SqliteStore};
use crate::store::columns::readable_clock;
use crate::store::{FormVersion, NewSubmission, ReceivedRange, Recorded, StoreError, StoredSubmission, SubmissionStore};

pub(super) const COLUMNS: &str = "id, device_id, form_id, form_version, service_location_id, answers, content_hash, \
    severity, severity_reason, submitted_at, received_at";

#[async_trait::async_trait]
impl SubmissionStore for SqliteStore {
    async fn record_submissions(&self, submissions: Vec<NewSubmission>) -> Result<Vec<Recorded>, StoreError> {
        if submissions.is_empty() {
            return Ok(Vec::new());
        }
        self.writer.write(submissions).await
    }

    async fn submission(&self, id: Uuid) -> Result<Option<StoredSubmission>, StoreError> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM submissions WHERE id = ?"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(database)?
            .as_ref()
            .map(stored_from_row)
            .transpose()
    }

    async fn submissions_of_form(
        &self,
        form: &FormVersion,
        range: &ReceivedRange,
        after: Option<(DateTime<Utc>, Uuid)>,
        limit: u32,
    ) -> Result<Vec<StoredSubmission>, StoreError> {
        let mut query = QueryBuilder::<Sqlite>::new(format!("SELECT {COLUMNS} FROM submissions WHERE form_id = "));
        query.push_bind(form.id.clone()).push(" AND form_version = ").push_bind(i64::from(form.version));
        if let Some(from) = range.from {
            query.push(" AND received_at >= ").push_bind(from.to_string());
        }
        if let Some(to) = range.to {
            query.push(" AND received_at < ").push_bind((to + chrono::Duration::days(1)).to_string());
        }
        if let Some((received_at, id)) = after {
            // Stored as `to_rfc3339()` writes it, so the same call gives the same text.
            query.push(" AND (received_at, id) > (").push_bind(received_at.to_rfc3339()).push(", ").push_bind(id.to_string()).push(")");
        }
        query.push(" ORDER BY received_at, id LIMIT ").push_bind(i64::from(limit));
        let rows = query.build().fetch_all(&self.pool).await.map_err(database)?;
        rows.iter().map(stored_from_row).collect()
    }

    async fn latest_submission(&self, service: &CqcLocationId, form_id: &str) -> Result<Option<StoredSubmission>, StoreError> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM submissions WHERE service_location_id = ? AND form_id = ? ORDER BY received_at DESC LIMIT 1"
        ))
        .bind(service.as_str())
        .bind(form_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(database)?
        .as_ref()
        .map(stored_from_row)
        .transpose()
    }
}

/// The receipt columns of a submission row: id, severity, severity_reason, received_at.
pub(super) fn receipt_from_row(row: &SqliteRow) -> Result<Receipt, StoreError> {
    let text = |column: &str| -> Result<String, StoreError> { row.try_get(column).map_err(database) };
    let severity = text("severity")?;
    Ok(Receipt {
        id: Uuid::parse_str(&text("id")?).map_err(corrupt)?,
        severity: Severity::parse(&severity).ok_or_else(|| corrupt(format!("severity {severity}")))?,
        severity_reason: text("severity_reason")?,
        received_at: time(row, "received_at")?,
    })
}

pub(super) fn stored_from_row(row: &SqliteRow) -> Result<StoredSubmission, StoreError> {
    let text = |column: &str| -> Result<String, StoreError> { row.try_get(column).map_err(database) };
    let version: i64 = row.try_get("form_version").map_err(database)?;
    let id_text = &text("id")?;
    Ok(StoredSubmission {
        receipt: receipt_from_row(row)?,
        device_id: Uuid::parse_str(&text("device_id")?).map_err(corrupt)?,
        form_id: text("form_id")?,
        form_version: u32::try_from(version).map_err(corrupt)?,
        service: CqcLocationId::parse(&text("service_location_id")?).map_err(corrupt)?,
        answers: serde_json::from_str(&text("answers")?).map_err(corrupt)?,
        submitted_at: readable_clock(&text("submitted_at")?, id_text),
    })
}
