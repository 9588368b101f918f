//! Submissions, written once each, and read back by id, service or form version.

use chrono::{DateTime, FixedOffset, Utc};
use uuid::Uuid;

use crate::domain::{
    forms::{self, Answers, Assessment, FormDefinition, Summary},
    register::CqcLocationId,
    submission::Receipt,
};

use super::{AlertChannel, StoreError};

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
