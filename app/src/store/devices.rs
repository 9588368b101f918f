//! Organisations and the devices their professionals enrol.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::device::{OrganisationName, ProfessionalName, ProfessionalRole};

use super::StoreError;

#[async_trait::async_trait]
pub trait DeviceStore: Send + Sync + 'static {
    /// Fails with [`StoreError::Conflict`] when the name is taken.
    async fn add_organisation(&self, name: &OrganisationName, access_code_hash: &str) -> Result<i64, StoreError>;

    async fn organisation_by_access_code(&self, access_code_hash: &str) -> Result<Option<Organisation>, StoreError>;

    async fn enrol_device(&self, device: &NewDevice) -> Result<(), StoreError>;

    async fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>, StoreError>;

    /// Marks the device revoked; `false` when there is no such device.
    async fn revoke_device(&self, id: Uuid) -> Result<bool, StoreError>;

    /// Moves a device token's expiry to `expires_at`.
    async fn renew_device_token(&self, id: Uuid, expires_at: DateTime<Utc>) -> Result<(), StoreError>;

    /// Replaces an organisation's access code (putting a withdrawn one back in
    /// use); false if there is no organisation with this name.
    async fn replace_access_code(&self, name: &OrganisationName, access_code_hash: &str) -> Result<bool, StoreError>;

    /// Withdraws an organisation's access code: it enrols no more devices.
    /// Devices already enrolled keep working. False if there is no such organisation.
    async fn withdraw_access_code(&self, name: &OrganisationName) -> Result<bool, StoreError>;
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
}

/// A device to enrol; only the hash of its token is stored.
#[derive(Clone, Debug)]
pub struct NewDevice {
    pub id: Uuid,
    pub organisation_id: i64,
    pub token_hash: String,
    pub name: ProfessionalName,
    pub role: ProfessionalRole,
    pub token_expires_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub id: Uuid,
    pub name: String,
    pub organisation: String,
    pub role: String,
    pub revoked: bool,
    /// After this the token is refused as unknown; `None` only on rows no migration reached.
    pub token_expires_at: Option<DateTime<Utc>>,
}
