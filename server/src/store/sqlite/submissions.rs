//! Submissions in SQLite: one row per device-generated id, written once.

use app::domain::register::CqcLocationId;
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Sqlite};
use uuid::Uuid;

use super::{database, SqliteStore};
pub(super) use crate::store::rows::{receipt_from_row, stored_from_row};
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
