//! Server-side drafts in SQLite, for the no-JavaScript journey.

use uuid::Uuid;

use super::{corrupt, database, SqliteStore};
use crate::store::{Draft, DraftStore, StoreError};

#[async_trait::async_trait]
impl DraftStore for SqliteStore {
    async fn draft(&self, device_id: Uuid, form_id: &str) -> Result<Option<Draft>, StoreError> {
        let state: Option<String> = sqlx::query_scalar("SELECT state FROM drafts WHERE device_id = ? AND form_id = ?")
            .bind(device_id.to_string())
            .bind(form_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(database)?;
        state.map(|state| serde_json::from_str(&state).map_err(corrupt)).transpose()
    }

    async fn save_draft(&self, device_id: Uuid, draft: &Draft) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO drafts (device_id, form_id, id, form_version, state) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (device_id, form_id) DO UPDATE SET id = excluded.id, form_version = excluded.form_version, \
             state = excluded.state, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        )
        .bind(device_id.to_string())
        .bind(&draft.form_id)
        .bind(draft.id.to_string())
        .bind(i64::from(draft.form_version))
        .bind(serde_json::to_string(draft).map_err(corrupt)?)
        .execute(&self.pool)
        .await
        .map_err(database)?;
        Ok(())
    }

    async fn delete_draft(&self, device_id: Uuid, form_id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM drafts WHERE device_id = ? AND form_id = ?")
            .bind(device_id.to_string())
            .bind(form_id)
            .execute(&self.pool)
            .await
            .map_err(database)?;
        Ok(())
    }
}
