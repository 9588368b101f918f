//! Published form definitions in PostgreSQL.

use chrono::Utc;
use sqlx::Row;

use super::{accounts::timestamp, corrupt, database, time, PostgresStore};
use crate::store::{FormStore, NewDefinition, Published, PublishedDefinition, StoreError};

#[async_trait::async_trait]
impl FormStore for PostgresStore {
    async fn publish_definition(&self, definition: &NewDefinition) -> Result<Published, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO form_definitions (form_id, version, definition, content_hash, published_at, published_by) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (form_id, version) DO NOTHING",
        )
        .bind(&definition.form_id)
        .bind(i64::from(definition.version))
        .bind(&definition.json)
        .bind(&definition.content_hash)
        .bind(timestamp(Utc::now()))
        .bind(definition.published_by)
        .execute(&self.pool)
        .await
        .map_err(database)?
        .rows_affected();
        if inserted == 1 {
            return Ok(Published::New);
        }
        // A version is never deleted (migration 6), so the one that won is there to read.
        let stored: String = sqlx::query_scalar("SELECT content_hash FROM form_definitions WHERE form_id = $1 AND version = $2")
            .bind(&definition.form_id)
            .bind(i64::from(definition.version))
            .fetch_one(&self.pool)
            .await
            .map_err(database)?;
        Ok(if stored == definition.content_hash { Published::AlreadyPublished } else { Published::Taken })
    }

    async fn published_definitions(&self) -> Result<Vec<PublishedDefinition>, StoreError> {
        let rows = sqlx::query(
            "SELECT f.form_id, f.version, f.definition, f.published_at, u.name AS published_by \
             FROM form_definitions f LEFT JOIN users u ON u.id = f.published_by ORDER BY f.form_id COLLATE \"C\", f.version",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(database)?;
        rows.iter()
            .map(|row| {
                Ok(PublishedDefinition {
                    form_id: row.try_get("form_id").map_err(database)?,
                    version: u32::try_from(row.try_get::<i64, _>("version").map_err(database)?).map_err(corrupt)?,
                    json: row.try_get("definition").map_err(database)?,
                    published_at: time(row, "published_at")?,
                    published_by: row.try_get("published_by").map_err(database)?,
                })
            })
            .collect()
    }
}
