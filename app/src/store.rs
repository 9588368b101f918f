//! The storage port, in domain terms. It lives here, behind the `ssr` feature, so
//! server functions in `pages/` can call it; the server crate supplies one
//! implementation per database (`server/src/store/sqlite.rs`, later PostgreSQL).

use std::sync::Arc;

use crate::domain::register::{RegisterPage, RegisterQuery, Service};

/// What every storage backend must do. Callers hold a [`SharedStore`] and never
/// know which database is behind it.
#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// Answers only when the database can run a query (for `/readyz`).
    async fn ping(&self) -> Result<(), StoreError>;

    /// How many services the register holds.
    async fn register_size(&self) -> Result<u32, StoreError>;

    /// Adds or updates services by CQC location ID, all in one transaction:
    /// either every service is stored or none is.
    async fn upsert_services(&self, services: &[Service]) -> Result<UpsertSummary, StoreError>;

    /// Services whose name or town contains the query text, by name, at most `limit`.
    async fn search_register(&self, query: &RegisterQuery, limit: u32) -> Result<RegisterPage, StoreError>;
}

/// The store as the server shares it between requests.
pub type SharedStore = Arc<dyn Store>;

/// What an upsert changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UpsertSummary {
    pub added: u32,
    pub updated: u32,
    pub unchanged: u32,
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
}
