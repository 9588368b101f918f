//! Server-side drafts in PostgreSQL, for the no-JavaScript journey.

use uuid::Uuid;

use super::{corrupt, database, PostgresStore};
use crate::store::{Draft, DraftStore, StoreError};

#[async_trait::async_trait]
impl DraftStore for PostgresStore {
    async fn draft(&self, device_id: Uuid, form_id: &str) -> Result<Option<Draft>, StoreError> {
        let state: Option<String> = sqlx::query_scalar("SELECT state FROM drafts WHERE device_id = $1 AND form_id = $2")
            .bind(device_id.to_string())
            .bind(form_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(database)?;
        state.map(|state| serde_json::from_str(&state).map_err(corrupt)).transpose()
    }

    async fn save_draft(&self, device_id: Uuid, draft: &Draft) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO drafts (device_id, form_id, id, form_version, state) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (device_id, form_id) DO UPDATE SET id = excluded.id, form_version = excluded.form_version, \
             state = excluded.state, updated_at = utc_now_text()",
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
        sqlx::query("DELETE FROM drafts WHERE device_id = $1 AND form_id = $2")
            .bind(device_id.to_string())
            .bind(form_id)
            .execute(&self.pool)
            .await
            .map_err(database)?;
        Ok(())
    }
}
