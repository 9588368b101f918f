//! The register of services: search, import, one service.

use crate::domain::register::{CqcLocationId, RegisterPage, RegisterQuery, Service};

use super::StoreError;

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

/// What an upsert changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UpsertSummary {
    pub added: u32,
    pub updated: u32,
    pub unchanged: u32,
}
