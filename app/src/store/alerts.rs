//! Alerts about red observations and the daily digest.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::StoreError;

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
