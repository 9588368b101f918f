//! A submission as the device sends it, and the receipt the server returns.

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::forms::{RawAnswers, Severity};

/// What a device sends: its own id for the submission (so a retry is
/// recognised), the exact form version, the answers and the device's clock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionRequest {
    pub id: Uuid,
    pub form_id: String,
    pub form_version: u32,
    pub answers: RawAnswers,
    /// When the professional pressed "Send", by the device's clock.
    pub submitted_at: DateTime<FixedOffset>,
}

/// What the server says once a submission is stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub id: Uuid,
    pub severity: Severity,
    pub severity_reason: String,
    pub received_at: DateTime<Utc>,
}
