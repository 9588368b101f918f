//! Concerns: observations about one home grouped, with their own trail.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::{
    concerns::{ConcernStatus, ConcernTitle},
    register::CqcLocationId,
};

use super::{InboxItem, StepApplied, StoreError, TriageEvent, User};

#[async_trait::async_trait]
pub trait ConcernStore: Send + Sync + 'static {
    /// Starts a concern about the observation's home with it as the first
    /// observation, and writes "started" in its trail.
    async fn start_concern(&self, observation: Uuid, title: &ConcernTitle, event: &ConcernEventDraft) -> Result<Grouped, StoreError>;

    /// Adds an observation about the same home to an open concern, and writes it in the concern's trail.
    async fn add_to_concern(&self, concern: i64, observation: Uuid, event: &ConcernEventDraft) -> Result<Grouped, StoreError>;

    async fn concern(&self, id: i64) -> Result<Option<Concern>, StoreError>;

    /// A home's concerns, open first, newest first; or every open concern.
    async fn concerns(&self, service: Option<&CqcLocationId>, open_only: bool) -> Result<Vec<ConcernSummary>, StoreError>;

    /// The concern an observation is part of, if any.
    async fn concern_of(&self, observation: Uuid) -> Result<Option<ConcernSummary>, StoreError>;

    /// Applies a step if the concern is still at `expected_version`, with its line in the trail.
    async fn apply_concern_step(&self, id: i64, expected_version: i64, change: &ConcernChange) -> Result<StepApplied, StoreError>;

    /// For each of these observations that is amber or red and in no concern:
    /// its home's open concern, or how many other amber or red observations
    /// about its home since `since` are in no concern either.
    async fn grouping_hints(&self, observations: &[Uuid], since: DateTime<Utc>) -> Result<HashMap<Uuid, GroupingHint>, StoreError>;
}

/// What grouping did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grouped {
    /// In the concern with this id.
    Done(i64),
    /// The observation or the concern does not exist.
    NotFound,
    /// The observation is about another home than the concern.
    OtherService,
    /// The observation is already in this concern (or another).
    AlreadyInConcern(i64),
    /// The concern is closed.
    Closed,
}

/// Who did it, when, and what they wrote, for a concern's trail.
#[derive(Clone, Debug)]
pub struct ConcernEventDraft {
    pub at: DateTime<Utc>,
    pub user_id: i64,
    pub user_name: String,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConcernSummary {
    pub id: i64,
    pub service: CqcLocationId,
    pub service_name: String,
    pub title: String,
    pub status: ConcernStatus,
    pub assignee: Option<String>,
    pub observations: u32,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Concern {
    pub summary: ConcernSummary,
    pub assignee: Option<User>,
    pub version: i64,
    /// Oldest first.
    pub observations: Vec<InboxItem>,
    pub events: Vec<TriageEvent>,
}

/// What a step on a concern changes.
#[derive(Clone, Debug)]
pub struct ConcernChange {
    pub status: ConcernStatus,
    /// `Some` when the step assigns.
    pub assignee: Option<i64>,
    pub user_id: i64,
    pub event: TriageEvent,
}

/// What the inbox suggests for an observation not yet in a concern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupingHint {
    /// Its home has this open concern: add it.
    OpenConcern { id: i64, title: String },
    /// Its home had this many other amber or red observations lately: group them.
    Related(u32),
}
