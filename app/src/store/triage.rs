//! The inbox, observations, their workflow and audit trail.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::{
    forms::Severity,
    register::CqcLocationId,
    triage::{Outcome, Status},
};

use super::{Device, StoreError, StoredSubmission, User};

/// Observations as commissioners see them, and the steps they take.
#[async_trait::async_trait]
pub trait TriageStore: Send + Sync + 'static {
    /// One page of the inbox: risk of harm not yet acknowledged first, then
    /// most severe, then unacknowledged, then oldest.
    async fn inbox(&self, filter: &InboxFilter, page: u32, per_page: u32) -> Result<InboxPage, StoreError>;

    /// A page of the inbox in its order, each row with what an export adds.
    async fn export_rows(&self, filter: &InboxFilter, page: u32, per_page: u32) -> Result<Vec<ExportRow>, StoreError>;

    async fn observation(&self, id: Uuid) -> Result<Option<Observation>, StoreError>;

    /// The service's other observations, newest first.
    async fn service_observations(&self, service: &CqcLocationId, limit: u32) -> Result<Vec<InboxItem>, StoreError>;

    /// How each rating question was answered about a service, per month.
    async fn area_ratings(&self, service: &CqcLocationId, areas: &[&str]) -> Result<Vec<AreaMonth>, StoreError>;

    /// Services with at least `threshold` amber or red observations received
    /// since `since`, with how many, most first.
    async fn flagged_services(&self, since: DateTime<Utc>, threshold: u32) -> Result<Vec<(CqcLocationId, String, u32)>, StoreError>;

    /// When this person last opened the inbox, if ever.
    async fn inbox_seen_at(&self, user_id: i64) -> Result<Option<DateTime<Utc>>, StoreError>;

    async fn record_inbox_seen(&self, user_id: i64, at: DateTime<Utc>) -> Result<(), StoreError>;

    /// Open observations received since `since` that are red, and that report
    /// a risk of harm; and those overdue now (see [`OverdueCutoffs`]).
    async fn inbox_counts(&self, since: DateTime<Utc>, overdue: &OverdueCutoffs) -> Result<InboxCounts, StoreError>;

    /// Applies a step if the observation is still at `expected_version`, and
    /// appends it to the audit trail, both or neither.
    async fn apply_step(&self, id: Uuid, expected_version: i64, change: &TriageChange) -> Result<StepApplied, StoreError>;
}

/// Which observations the inbox shows; empty parts match everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InboxFilter {
    pub severities: Vec<Severity>,
    /// Empty: every status except closed.
    pub statuses: Vec<Status>,
    pub service: Option<CqcLocationId>,
    pub assignee: Option<i64>,
    /// The visitor's role, as the form's code.
    pub role: Option<String>,
    /// An area (a rating question's id) rated with some or serious concerns.
    pub area_with_concerns: Option<&'static str>,
    /// Words that must appear in the answers' text.
    pub text: Option<String>,
    pub received_from: Option<chrono::NaiveDate>,
    pub received_to: Option<chrono::NaiveDate>,
}

/// An unacknowledged observation received before its severity's cutoff is
/// overdue (`ResponseTargets::overdue_if_received_before`); `None`: never.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OverdueCutoffs {
    pub red: Option<DateTime<Utc>>,
    pub amber: Option<DateTime<Utc>>,
}

/// What the inbox's "since you last looked" line counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InboxCounts {
    pub red: u64,
    pub risk_of_harm: u64,
    pub overdue: u64,
}

/// An inbox row with what an analyst's export adds to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportRow {
    pub item: InboxItem,
    /// The visitor's organisation, from their enrolment.
    pub visitor_organisation: String,
    pub outcome: Option<Outcome>,
    /// When it was closed, if it is closed now.
    pub closed_at: Option<DateTime<Utc>>,
}

/// One row of the inbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboxItem {
    pub id: Uuid,
    pub service: CqcLocationId,
    pub service_name: String,
    /// Empty for a service no longer in the register.
    pub town: String,
    pub form_id: String,
    pub form_version: u32,
    /// As answered (YYYY-MM-DD), when the form asks for it.
    pub visit_date: Option<String>,
    /// The visitor's role code, from their enrolment.
    pub visitor_role: String,
    pub severity: Severity,
    /// The visitor said someone is at immediate risk of harm.
    pub risk_of_harm: bool,
    /// Shared with its home, which has not replied in time.
    pub reply_overdue: bool,
    pub severity_reason: String,
    pub status: Status,
    pub assignee: Option<String>,
    pub received_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboxPage {
    pub items: Vec<InboxItem>,
    /// How many observations match the filter in all.
    pub total: u64,
}

/// An observation with where it is in the workflow and its audit trail.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    pub submission: StoredSubmission,
    pub status: Status,
    pub assignee: Option<User>,
    pub outcome: Option<Outcome>,
    pub version: i64,
    /// Who sent it: the device's name, role and organisation.
    pub visitor: Device,
    /// Whether and how it was shared with its home.
    pub sharing: Option<Sharing>,
    pub events: Vec<TriageEvent>,
}

/// An observation shared with its home.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sharing {
    pub at: DateTime<Utc>,
    pub compliment: bool,
    /// `None` for a compliment.
    pub reply_due_at: Option<DateTime<Utc>>,
    pub replied_at: Option<DateTime<Utc>>,
}

/// One line of the audit trail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TriageEvent {
    pub at: DateTime<Utc>,
    pub user_name: String,
    pub kind: String,
    pub detail: String,
    pub note: String,
    /// The visitor who sent the observation may read the note.
    pub shared_with_visitor: bool,
}

/// How many times one area got one rating in one month ("2026-11").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AreaMonth {
    pub area: String,
    pub month: String,
    pub rating: String,
    pub count: u32,
}

/// What a step changes: the new state, and its line in the audit trail.
#[derive(Clone, Debug)]
pub struct TriageChange {
    pub status: Status,
    /// `Some` when the step assigns.
    pub assignee: Option<i64>,
    pub outcome: Option<Outcome>,
    /// Set by the step that first acknowledges.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// Set by the step that shares it with its home (reply due and replied unset).
    pub share: Option<Sharing>,
    pub user_id: i64,
    pub event: TriageEvent,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepApplied {
    /// Applied; the observation's new version.
    Done(i64),
    /// Someone else changed it first.
    Stale,
    NotFound,
}
