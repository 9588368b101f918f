//! The storage port, in domain terms. It lives here, behind the `ssr` feature, so
//! server functions in `pages/` can call it; the server crate supplies one
//! implementation per database (`server/src/store/sqlite/`, later PostgreSQL).
//! One sub-trait per resource keeps each implementation file small.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, Utc};
use uuid::Uuid;

use crate::domain::{
    device::{OrganisationName, ProfessionalName, ProfessionalRole},
    forms::{Answers, Assessment},
    register::{CqcLocationId, RegisterPage, RegisterQuery, Service},
    submission::Receipt,
};

/// Everything a backend must do. Callers hold a [`SharedStore`] and never
/// know which database is behind it.
pub trait Store: RegisterStore + DeviceStore + SubmissionStore + DraftStore {}

impl<T: RegisterStore + DeviceStore + SubmissionStore + DraftStore> Store for T {}

/// The store as the server shares it between requests.
pub type SharedStore = Arc<dyn Store>;

#[async_trait::async_trait]
pub trait RegisterStore: Send + Sync + 'static {
    /// Answers only when the database can run a query (for `/readyz`).
    async fn ping(&self) -> Result<(), StoreError>;

    /// How many services the register holds.
    async fn register_size(&self) -> Result<u32, StoreError>;

    /// Adds or updates services by CQC location ID, all in one transaction:
    /// either every service is stored or none is.
    async fn upsert_services(&self, services: &[Service]) -> Result<UpsertSummary, StoreError>;

    /// Services whose name or town contains the query text, by name, at most `limit`.
    async fn search_register(&self, query: &RegisterQuery, limit: u32) -> Result<RegisterPage, StoreError>;

    /// The service with this CQC location ID, if the register has it.
    async fn service(&self, location_id: &CqcLocationId) -> Result<Option<Service>, StoreError>;
}

#[async_trait::async_trait]
pub trait DeviceStore: Send + Sync + 'static {
    /// Fails with [`StoreError::Conflict`] when the name is taken.
    async fn add_organisation(&self, name: &OrganisationName, access_code_hash: &str) -> Result<i64, StoreError>;

    async fn organisation_by_access_code(&self, access_code_hash: &str) -> Result<Option<Organisation>, StoreError>;

    async fn enrol_device(&self, device: &NewDevice) -> Result<(), StoreError>;

    async fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>, StoreError>;

    /// Marks the device revoked; `false` when there is no such device.
    async fn revoke_device(&self, id: Uuid) -> Result<bool, StoreError>;
}

#[async_trait::async_trait]
pub trait SubmissionStore: Send + Sync + 'static {
    /// Stores a submission once. The same id with the same content again
    /// returns the first receipt; with other content, a conflict.
    async fn record_submission(&self, submission: &NewSubmission) -> Result<Recorded, StoreError>;

    async fn submission(&self, id: Uuid) -> Result<Option<StoredSubmission>, StoreError>;
}

/// Drafts of devices that fill forms in without JavaScript (server-rendered
/// pages); with JavaScript, drafts stay on the device.
#[async_trait::async_trait]
pub trait DraftStore: Send + Sync + 'static {
    async fn draft(&self, device_id: Uuid, form_id: &str) -> Result<Option<Draft>, StoreError>;

    async fn save_draft(&self, device_id: Uuid, draft: &Draft) -> Result<(), StoreError>;

    async fn delete_draft(&self, device_id: Uuid, form_id: &str) -> Result<(), StoreError>;
}

/// A form being filled in: its future submission id, the raw answers as
/// typed (valid or not) and the problems found on each page's last post.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Draft {
    pub id: Uuid,
    pub form_id: String,
    pub form_version: u32,
    pub answers: crate::domain::forms::RawAnswers,
    #[serde(default)]
    pub problems: std::collections::BTreeMap<String, Vec<crate::domain::FieldError>>,
}

/// What an upsert changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UpsertSummary {
    pub added: u32,
    pub updated: u32,
    pub unchanged: u32,
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
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub id: Uuid,
    pub name: String,
    pub organisation: String,
    pub role: String,
    pub revoked: bool,
}

/// A validated submission with its computed severity.
#[derive(Clone, Debug)]
pub struct NewSubmission {
    pub id: Uuid,
    pub device_id: Uuid,
    pub form_id: String,
    pub form_version: u32,
    pub service: CqcLocationId,
    pub answers: Answers,
    /// Tells a retry (same content) from a clash (same id, other content).
    pub content_hash: String,
    pub assessment: Assessment,
    pub submitted_at: DateTime<FixedOffset>,
    pub received_at: DateTime<Utc>,
}

/// What recording a submission did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    New(Receipt),
    AlreadyReceived(Receipt),
    /// Another submission already has this id.
    Conflict,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSubmission {
    pub receipt: Receipt,
    pub device_id: Uuid,
    pub form_id: String,
    pub form_version: u32,
    pub service: CqcLocationId,
    pub answers: Answers,
    pub submitted_at: DateTime<FixedOffset>,
}

/// Why a storage call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached or the query failed.
    #[error("database error: {0}")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A stored row could not be read back into a domain type.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// A unique value is already taken.
    #[error("{0}")]
    Conflict(String),
}
