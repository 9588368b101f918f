//! The storage port, in domain terms. It lives here, behind the `ssr` feature, so
//! server functions in `pages/` can call it; the server crate supplies one
//! implementation per database (`server/src/store/sqlite/`, `server/src/store/postgres/`).
//! One sub-trait per resource, one file each (`store/<resource>.rs`), matching the
//! backend's modules, keeps each implementation file small.

mod accounts;
mod alerts;
mod attempts;
mod concerns;
mod devices;
mod drafts;
mod forms;
mod homes;
mod news;
mod providers;
mod register;
mod self_assessments;
mod submissions;
mod triage;

pub use accounts::*;
pub use alerts::*;
pub use attempts::*;
pub use concerns::*;
pub use devices::*;
pub use drafts::*;
pub use forms::*;
pub use homes::*;
pub use news::*;
pub use providers::*;
pub use register::*;
pub use self_assessments::*;
pub use submissions::*;
pub use triage::*;

use std::sync::Arc;

/// Everything a backend must do. Callers hold a [`SharedStore`] and never
/// know which database is behind it.
pub trait Store:
    RegisterStore
    + DeviceStore
    + SubmissionStore
    + DraftStore
    + AccountStore
    + TriageStore
    + FormStore
    + ThrottleStore
    + AlertStore
    + HomesStore
    + ConcernStore
    + NewsStore
    + ProviderStore
    + SelfAssessmentStore
{
}

impl<T> Store for T where
    T: RegisterStore
        + DeviceStore
        + SubmissionStore
        + DraftStore
        + AccountStore
        + TriageStore
        + FormStore
        + ThrottleStore
        + AlertStore
        + HomesStore
        + ConcernStore
        + NewsStore
        + ProviderStore
        + SelfAssessmentStore
{
}

/// The store as the server shares it between requests.
pub type SharedStore = Arc<dyn Store>;

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
