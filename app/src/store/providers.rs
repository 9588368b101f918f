//! Care homes' own accounts: the services each answers for, the observations
//! shared with those homes, and the homes' replies and action plans.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::domain::{forms::Severity, providers::NewAction, register::CqcLocationId};

use super::{StoreError, StoredSubmission};

#[async_trait::async_trait]
pub trait ProviderStore: Send + Sync + 'static {
    /// Sets the services a provider account answers for, replacing any before.
    async fn set_provider_services(&self, user: i64, services: &[CqcLocationId]) -> Result<(), StoreError>;

    async fn provider_services(&self, user: i64) -> Result<Vec<CqcLocationId>, StoreError>;

    /// Observations shared with any of these homes, most recently shared first.
    async fn shared_with_homes(&self, services: &[CqcLocationId]) -> Result<Vec<SharedItem>, StoreError>;

    /// One observation, only if it was shared with one of these homes.
    async fn shared_observation(&self, id: Uuid, services: &[CqcLocationId]) -> Result<Option<SharedObservation>, StoreError>;

    /// Adds a home's reply (the first sets `replied_at`).
    async fn add_reply(&self, id: Uuid, reply: &NewReply) -> Result<(), StoreError>;

    /// Adds a line to a home's action plan; its id.
    async fn add_action(&self, id: Uuid, action: &NewAction, by: &str, at: DateTime<Utc>) -> Result<i64, StoreError>;

    /// Marks an action done, once.
    async fn mark_action_done(&self, id: Uuid, action: i64, done: &ActionDone) -> Result<DoneMarked, StoreError>;
}

/// An observation as its home sees it in a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedItem {
    pub id: Uuid,
    pub service: CqcLocationId,
    /// Name and town; the location ID for a service no longer in the register.
    pub service_name: String,
    pub form_id: String,
    pub form_version: u32,
    pub severity: Severity,
    pub received_at: DateTime<Utc>,
    pub shared_at: DateTime<Utc>,
    pub compliment: bool,
    /// `None` for a compliment.
    pub reply_due_at: Option<DateTime<Utc>>,
    pub replied_at: Option<DateTime<Utc>>,
}

/// What a home may read of one observation shared with it: never the
/// visitor's name, organisation or contact details, only their role; never a
/// staff note the unit did not share.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedObservation {
    pub item: SharedItem,
    pub submission: StoredSubmission,
    /// The visitor's role code, from their enrolment.
    pub visitor_role: String,
    /// What the commissioner wrote when sharing it.
    pub message: String,
    pub replies: Vec<Reply>,
    pub actions: Vec<Action>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReply {
    pub user_id: i64,
    pub user_name: String,
    pub at: DateTime<Utc>,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub at: DateTime<Utc>,
    pub by: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub id: i64,
    pub what: String,
    pub who: String,
    pub due_on: NaiveDate,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub done_on: Option<NaiveDate>,
    pub done_by: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionDone {
    pub done_on: NaiveDate,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DoneMarked {
    Done,
    AlreadyDone,
    NotFound,
}
