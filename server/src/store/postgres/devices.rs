//! Organisations and enrolled devices in PostgreSQL.

use app::domain::device::OrganisationName;
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use super::{corrupt, database, optional_time, unique_or_database, PostgresStore};
use crate::store::{Device, DeviceStore, NewDevice, Organisation, StoreError};

#[async_trait::async_trait]
impl DeviceStore for PostgresStore {
    async fn add_organisation(&self, name: &OrganisationName, access_code_hash: &str) -> Result<i64, StoreError> {
        sqlx::query_scalar("INSERT INTO organisations (name, access_code_hash) VALUES ($1, $2) RETURNING id")
            .bind(name.as_str())
            .bind(access_code_hash)
            .fetch_one(&self.pool)
            .await
            .map_err(|err| unique_or_database(err, "an organisation with this name already exists"))
    }

    async fn organisation_by_access_code(&self, access_code_hash: &str) -> Result<Option<Organisation>, StoreError> {
        let row = sqlx::query("SELECT id, name FROM organisations WHERE access_code_hash = $1 AND code_withdrawn_at IS NULL")
            .bind(access_code_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(database)?;
        row.map(|row| Ok(Organisation { id: row.try_get("id").map_err(database)?, name: row.try_get("name").map_err(database)? }))
            .transpose()
    }

    async fn enrol_device(&self, device: &NewDevice) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO devices (id, organisation_id, token_hash, name, role, token_expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(device.id.to_string())
            .bind(device.organisation_id)
            .bind(&device.token_hash)
            .bind(device.name.as_str())
            .bind(device.role.as_str())
            .bind(timestamp(device.token_expires_at))
            .execute(&self.pool)
            .await
            .map_err(|err| unique_or_database(err, "this device is already enrolled"))?;
        Ok(())
    }

    async fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>, StoreError> {
        let row = sqlx::query(
            "SELECT d.id, d.name, o.name AS organisation, d.role, d.revoked_at IS NOT NULL AS revoked, d.token_expires_at \
             FROM devices d JOIN organisations o ON o.id = d.organisation_id \
             WHERE d.token_hash = $1 AND (d.token_expires_at IS NULL OR d.token_expires_at > $2)",
        )
        .bind(token_hash)
        .bind(timestamp(Utc::now()))
        .fetch_optional(&self.pool)
        .await
        .map_err(database)?;
        let Some(row) = row else { return Ok(None) };
        let id: String = row.try_get("id").map_err(database)?;
        Ok(Some(Device {
            id: Uuid::parse_str(&id).map_err(corrupt)?,
            name: row.try_get("name").map_err(database)?,
            organisation: row.try_get("organisation").map_err(database)?,
            role: row.try_get("role").map_err(database)?,
            revoked: row.try_get("revoked").map_err(database)?,
            token_expires_at: optional_time(&row, "token_expires_at")?,
        }))
    }

    async fn revoke_device(&self, id: Uuid) -> Result<bool, StoreError> {
        let result = sqlx::query("UPDATE devices SET revoked_at = utc_now_text() WHERE id = $1 AND revoked_at IS NULL")
            .bind(id.to_string())
            .execute(&self.pool)
            .await
            .map_err(database)?;
        if result.rows_affected() > 0 {
            return Ok(true);
        }
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM devices WHERE id = $1)")
            .bind(id.to_string())
            .fetch_one(&self.pool)
            .await
            .map_err(database)
    }

    async fn renew_device_token(&self, id: Uuid, expires_at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE devices SET token_expires_at = $1 WHERE id = $2")
            .bind(timestamp(expires_at))
            .bind(id.to_string())
            .execute(&self.pool)
            .await
            .map_err(database)?;
        Ok(())
    }

    async fn replace_access_code(&self, name: &OrganisationName, access_code_hash: &str) -> Result<bool, StoreError> {
        // Names compare ignoring case, as SQLite's `COLLATE NOCASE` column does.
        let result = sqlx::query("UPDATE organisations SET access_code_hash = $1, code_withdrawn_at = NULL WHERE lower(name) = lower($2)")
            .bind(access_code_hash)
            .bind(name.as_str())
            .execute(&self.pool)
            .await
            .map_err(database)?;
        Ok(result.rows_affected() > 0)
    }

    async fn withdraw_access_code(&self, name: &OrganisationName) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE organisations SET code_withdrawn_at = coalesce(code_withdrawn_at, utc_now_text()) WHERE lower(name) = lower($1)",
        )
        .bind(name.as_str())
        .execute(&self.pool)
        .await
        .map_err(database)?;
        Ok(result.rows_affected() > 0)
    }
}

/// Timestamps are stored as fixed-width UTC text, so comparing them as text
/// orders them in time (to the millisecond here, as the SQLite backend does).
fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
