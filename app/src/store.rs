//! The storage port, in domain terms. It lives here, behind the `ssr` feature, so
//! server functions in `pages/` can call it; the server crate supplies one
//! implementation per database (`server/src/store/sqlite/`, later PostgreSQL).
//! One sub-trait per resource keeps each implementation file small.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, Utc};
use uuid::Uuid;

use crate::domain::{
    accounts::{Email, Role, StaffName},
    device::{OrganisationName, ProfessionalName, ProfessionalRole},
    forms::{self, Answers, Assessment, FormDefinition, Severity, Summary},
    register::{CqcLocationId, RegisterPage, RegisterQuery, Service},
    submission::Receipt,
    triage::{Outcome, Status},
};

/// Everything a backend must do. Callers hold a [`SharedStore`] and never
/// know which database is behind it.
pub trait Store:
    RegisterStore + DeviceStore + SubmissionStore + DraftStore + AccountStore + TriageStore + FormStore + ThrottleStore + AlertStore
{
}

impl<T> Store for T where
    T: RegisterStore + DeviceStore + SubmissionStore + DraftStore + AccountStore + TriageStore + FormStore + ThrottleStore + AlertStore
{
}

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

    /// Moves a device token's expiry to `expires_at`.
    async fn renew_device_token(&self, id: Uuid, expires_at: DateTime<Utc>) -> Result<(), StoreError>;

    /// Replaces an organisation's access code (putting a withdrawn one back in
    /// use); false if there is no organisation with this name.
    async fn replace_access_code(&self, name: &OrganisationName, access_code_hash: &str) -> Result<bool, StoreError>;

    /// Withdraws an organisation's access code: it enrols no more devices.
    /// Devices already enrolled keep working. False if there is no such organisation.
    async fn withdraw_access_code(&self, name: &OrganisationName) -> Result<bool, StoreError>;
}

#[async_trait::async_trait]
pub trait SubmissionStore: Send + Sync + 'static {
    /// Stores each submission once, all of them durable together when this
    /// returns; one outcome each, in order. The same id with the same content
    /// and device again returns the first receipt; with other content, a
    /// conflict. A service not in the register stores nothing for that one.
    async fn record_submissions(&self, submissions: Vec<NewSubmission>) -> Result<Vec<Recorded>, StoreError>;

    /// [`Self::record_submissions`] for one.
    async fn record_submission(&self, submission: &NewSubmission) -> Result<Recorded, StoreError> {
        let mut recorded = self.record_submissions(vec![submission.clone()]).await?;
        recorded.pop().ok_or_else(|| StoreError::Corrupt("no outcome for a submission".to_owned()))
    }

    async fn submission(&self, id: Uuid) -> Result<Option<StoredSubmission>, StoreError>;

    /// The newest submission of one form (any version) about one service.
    async fn latest_submission(&self, service: &CqcLocationId, form_id: &str) -> Result<Option<StoredSubmission>, StoreError>;

    /// Up to `limit` submissions of one form version received in `range`, in
    /// received order, after the one `after` names (a page at a time).
    async fn submissions_of_form(
        &self,
        form: &FormVersion,
        range: &ReceivedRange,
        after: Option<(DateTime<Utc>, Uuid)>,
        limit: u32,
    ) -> Result<Vec<StoredSubmission>, StoreError>;
}

/// A form by id and version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormVersion {
    pub id: String,
    pub version: u32,
}

/// Received on or after `from` and on or before `to`, either open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReceivedRange {
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
}

/// Drafts of devices that fill forms in without JavaScript (server-rendered
/// pages); with JavaScript, drafts stay on the device.
#[async_trait::async_trait]
pub trait DraftStore: Send + Sync + 'static {
    async fn draft(&self, device_id: Uuid, form_id: &str) -> Result<Option<Draft>, StoreError>;

    async fn save_draft(&self, device_id: Uuid, draft: &Draft) -> Result<(), StoreError>;

    async fn delete_draft(&self, device_id: Uuid, form_id: &str) -> Result<(), StoreError>;
}

/// Staff accounts and their server-side sessions.
#[async_trait::async_trait]
pub trait AccountStore: Send + Sync + 'static {
    /// Fails with [`StoreError::Conflict`] when the email is taken.
    async fn add_user(&self, user: &NewUser) -> Result<i64, StoreError>;

    /// The user with this email and their password hash.
    async fn user_by_email(&self, email: &Email) -> Result<Option<(User, String)>, StoreError>;

    /// Everyone who can be assigned an observation, by name.
    async fn users(&self) -> Result<Vec<User>, StoreError>;

    async fn start_session(&self, session: &NewSession) -> Result<(), StoreError>;

    /// The live session with this token hash, if it has not expired at `now`.
    async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<StaffSession>, StoreError>;

    async fn end_session(&self, token_hash: &str) -> Result<(), StoreError>;
}

/// Observations as commissioners see them, and the steps they take.
#[async_trait::async_trait]
pub trait TriageStore: Send + Sync + 'static {
    /// One page of the inbox: most severe first, then unacknowledged, then oldest.
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

    /// Applies a step if the observation is still at `expected_version`, and
    /// appends it to the audit trail, both or neither.
    async fn apply_step(&self, id: Uuid, expected_version: i64, change: &TriageChange) -> Result<StepApplied, StoreError>;
}

/// Attempts at guessing a secret (a password, an access code), counted in
/// the database so the limits hold across restarts and across servers.
#[async_trait::async_trait]
pub trait ThrottleStore: Send + Sync + 'static {
    /// Takes one attempt under every limit at once, atomically: either each
    /// limit still has room and one attempt is recorded against each key, or
    /// nothing is recorded and the first limit that is full is returned.
    /// Attempts older than the longest window are forgotten as it goes.
    async fn take_attempt(&self, limits: &[AttemptLimit], now: DateTime<Utc>) -> Result<Attempt, StoreError>;

    /// Forgets attempts: this one (it succeeded) and every earlier one under `keys`.
    async fn forget_attempts(&self, attempt: &[i64], keys: &[String]) -> Result<(), StoreError>;
}

/// At most `max` attempts under `key` in any `window`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptLimit {
    pub key: String,
    pub max: u32,
    pub window: chrono::Duration,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// Recorded; the ids let a successful attempt be forgotten.
    Taken(Vec<i64>),
    /// Refused by the limit at this index of the list given.
    Refused(usize),
}

/// Alerts about red observations, queued with the observation itself
/// (`NewSubmission::alerts`) and kept until delivered.
#[async_trait::async_trait]
pub trait AlertStore: Send + Sync + 'static {
    /// Up to `limit` alerts due at `now`, oldest due first, each taken until
    /// `held_until` so that no other sender takes it meanwhile; one not
    /// settled by then (the sender stopped) is due again.
    async fn take_due_alerts(&self, now: DateTime<Utc>, held_until: DateTime<Utc>, limit: u32) -> Result<Vec<DueAlert>, StoreError>;

    /// Marks an alert delivered and writes the delivery to the observation's trail.
    async fn alert_delivered(&self, alert: &DueAlert, at: DateTime<Utc>, detail: &str) -> Result<(), StoreError>;

    /// Writes a failed attempt to the observation's trail; the alert is due again at `retry_at`.
    async fn alert_failed(&self, alert: &DueAlert, at: DateTime<Utc>, retry_at: DateTime<Utc>, detail: &str) -> Result<(), StoreError>;

    /// Takes the digest of `day` for sending: true once per day, whichever sender asks first.
    async fn take_digest(&self, day: chrono::NaiveDate, at: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Gives a day's digest back after a failed send, so it is tried again.
    async fn give_back_digest(&self, day: chrono::NaiveDate) -> Result<(), StoreError>;
}

/// A way an alert reaches a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AlertChannel {
    /// An email to the unit's duty address(es).
    Email,
    /// A JSON post to a chat channel's incoming webhook (Teams, Slack).
    Webhook,
}

impl AlertChannel {
    pub fn code(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Webhook => "webhook",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Self::Email, Self::Webhook].into_iter().find(|channel| channel.code() == code)
    }
}

/// An alert taken for sending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueAlert {
    pub submission_id: Uuid,
    pub channel: AlertChannel,
    /// Attempts before this one.
    pub attempts: u32,
}

#[async_trait::async_trait]
pub trait FormStore: Send + Sync + 'static {
    /// Stores a version of a form definition (`json` is the definition as
    /// published, `content_hash` its hash). The same content again is
    /// `AlreadyPublished`; other content under a stored version is `Taken`.
    async fn publish_definition(&self, definition: &NewDefinition) -> Result<Published, StoreError>;

    /// Every stored definition as published, by form id then version.
    async fn published_definitions(&self) -> Result<Vec<PublishedDefinition>, StoreError>;
}

#[derive(Clone, Debug)]
pub struct NewDefinition {
    pub form_id: String,
    pub version: u32,
    pub json: String,
    pub content_hash: String,
    /// `None` for the definitions built into the release.
    pub published_by: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Published {
    New,
    AlreadyPublished,
    Taken,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedDefinition {
    pub form_id: String,
    pub version: u32,
    pub json: String,
    pub published_at: DateTime<Utc>,
    /// The admin's name, or `None` when built into the release.
    pub published_by: Option<String>,
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
    /// Alerts to queue with it, in the same transaction, if it is stored now.
    pub alerts: Vec<AlertChannel>,
}

/// What recording a submission did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    New(Receipt),
    AlreadyReceived(Receipt),
    /// Another submission already has this id.
    Conflict,
    /// The service is not in the register.
    UnknownService,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSubmission {
    pub receipt: Receipt,
    pub device_id: Uuid,
    pub form_id: String,
    pub form_version: u32,
    pub service: CqcLocationId,
    pub answers: Answers,
    /// The phone's clock when it was sent; `None` when the stored value cannot
    /// be read, so one bad row shows as such instead of breaking every page
    /// and batch that touches it.
    pub submitted_at: Option<DateTime<FixedOffset>>,
}

impl StoredSubmission {
    /// The definition it was sent on, if this release or a publication knows it.
    pub fn form(&self) -> Option<&'static FormDefinition> {
        forms::find(&self.form_id, self.form_version)
    }

    /// Each answer as (question, answer in words), the service as `service_name` when given.
    pub fn in_words(&self, service_name: Option<&str>) -> Vec<(String, String)> {
        let Some(form) = self.form() else { return Vec::new() };
        form.in_words(&self.answers, service_name).into_iter().map(|(_, question, text)| (question.label.clone(), text)).collect()
    }

    /// Whether the visitor said someone is at immediate risk of harm.
    pub fn at_risk_of_harm(&self) -> bool {
        self.form().is_some_and(|form| form.at_risk_of_harm(&self.answers))
    }

    /// A checklist's own summary of its ratings, by the rule in its definition.
    pub fn checklist_summary(&self) -> Option<Summary> {
        self.form()?.summarise(&self.answers)
    }
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: Email,
    pub name: StaffName,
    pub role: Role,
    pub password_hash: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
}

#[derive(Clone, Debug)]
pub struct NewSession {
    pub token_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A logged-in member of staff, with the token their forms must echo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffSession {
    pub user: User,
    pub csrf_token: String,
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

/// An inbox row with what an analyst's export adds to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportRow {
    pub item: InboxItem,
    pub form_id: String,
    pub form_version: u32,
    /// As answered (YYYY-MM-DD), when the form asks for it.
    pub visit_date: Option<String>,
    /// The visitor's role code and organisation, from their enrolment.
    pub visitor_role: String,
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
    pub severity: Severity,
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
    pub events: Vec<TriageEvent>,
}

/// One line of the audit trail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TriageEvent {
    pub at: DateTime<Utc>,
    pub user_name: String,
    pub kind: String,
    pub detail: String,
    pub note: String,
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
