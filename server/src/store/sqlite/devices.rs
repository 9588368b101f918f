//! Organisations and enrolled devices in SQLite.

use app::domain::device::OrganisationName;
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use super::{corrupt, database, unique_or_database, SqliteStore};
use crate::store::{Device, DeviceStore, NewDevice, Organisation, StoreError};

#[async_trait::async_trait]
impl DeviceStore for SqliteStore {
    async fn add_organisation(&self, name: &OrganisationName, access_code_hash: &str) -> Result<i64, StoreError> {
        sqlx::query_scalar("INSERT INTO organisations (name, access_code_hash) VALUES (?, ?) RETURNING id")
            .bind(name.as_str())
            .bind(access_code_hash)
            .fetch_one(&self.pool)
            .await
            .map_err(|err| unique_or_database(err, "an organisation with this name already exists"))
    }

    async fn organisation_by_access_code(&self, access_code_hash: &str) -> Result<Option<Organisation>, StoreError> {
        let row = sqlx::query("SELECT id, name FROM organisations WHERE access_code_hash = ? AND code_withdrawn_at IS NULL")
            .bind(access_code_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(database)?;
        row.map(|row| Ok(Organisation { id: row.try_get("id").map_err(database)?, name: row.try_get("name").map_err(database)? }))
            .transpose()
    }

    async fn enrol_device(&self, device: &NewDevice) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO devices (id, organisation_id, token_hash, name, role, token_expires_at) VALUES (?, ?, ?, ?, ?, ?)")
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
             WHERE d.token_hash = ? AND (d.token_expires_at IS NULL OR d.token_expires_at > ?)",
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
            token_expires_at: row
                .try_get::<Option<String>, _>("token_expires_at")
                .map_err(database)?
                .map(|at| DateTime::parse_from_rfc3339(&at).map(|at| at.with_timezone(&Utc)).map_err(corrupt))
                .transpose()?,
        }))
    }

    async fn revoke_device(&self, id: Uuid) -> Result<bool, StoreError> {
        let result =
            sqlx::query("UPDATE devices SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND revoked_at IS NULL")
                .bind(id.to_string())
                .execute(&self.pool)
                .await
                .map_err(database)?;
        if result.rows_affected() > 0 {
            return Ok(true);
        }
        let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM devices WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(database)?;
        Ok(exists.is_some())
    }

    async fn renew_device_token(&self, id: Uuid, expires_at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE devices SET token_expires_at = ? WHERE id = ?")
            .bind(timestamp(expires_at))
            .bind(id.to_string())
            .execute(&self.pool)
            .await
            .map_err(database)?;
        Ok(())
    }

    async fn replace_access_code(&self, name: &OrganisationName, access_code_hash: &str) -> Result<bool, StoreError> {
        let result = sqlx::query("UPDATE organisations SET access_code_hash = ?, code_withdrawn_at = NULL WHERE name = ?")
            .bind(access_code_hash)
            .bind(name.as_str())
            .execute(&self.pool)
            .await
            .map_err(database)?;
        Ok(result.rows_affected() > 0)
    }

    async fn withdraw_access_code(&self, name: &OrganisationName) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE organisations SET code_withdrawn_at = coalesce(code_withdrawn_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) WHERE name = ?",
        )
        .bind(name.as_str())
        .execute(&self.pool)
        .await
        .map_err(database)?;
        Ok(result.rows_affected() > 0)
    }
}

/// Timestamps are stored as fixed-width UTC text, so comparing them as text orders them in time.
fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
