//! Organisations and enrolled devices in SQLite.

use app::domain::device::OrganisationName;
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
        let row = sqlx::query("SELECT id, name FROM organisations WHERE access_code_hash = ?")
            .bind(access_code_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(database)?;
        row.map(|row| Ok(Organisation { id: row.try_get("id").map_err(database)?, name: row.try_get("name").map_err(database)? }))
            .transpose()
    }

    async fn enrol_device(&self, device: &NewDevice) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO devices (id, organisation_id, token_hash, name, role) VALUES (?, ?, ?, ?, ?)")
            .bind(device.id.to_string())
            .bind(device.organisation_id)
            .bind(&device.token_hash)
            .bind(device.name.as_str())
            .bind(device.role.as_str())
            .execute(&self.pool)
            .await
            .map_err(|err| unique_or_database(err, "this device is already enrolled"))?;
        Ok(())
    }

    async fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>, StoreError> {
        let row = sqlx::query(
            "SELECT d.id, d.name, o.name AS organisation, d.role, d.revoked_at IS NOT NULL AS revoked \
             FROM devices d JOIN organisations o ON o.id = d.organisation_id WHERE d.token_hash = ?",
        )
        .bind(token_hash)
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
        }))
    }

    async fn revoke_device(&self, id: Uuid) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE devices SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND revoked_at IS NULL",
        )
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
}
