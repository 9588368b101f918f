//! The records kept on the phone, as screens see them.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{
    forms::RawAnswers,
    news::{SentState, SharedNote},
    submission::{Receipt, SubmissionRequest},
    FieldError,
};

pub const DAY_MS: f64 = 24.0 * 60.0 * 60.0 * 1000.0;

/// A form being filled in on this phone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocalDraft {
    /// Becomes the submission's id, so a retry is recognised by the server.
    pub id: Uuid,
    pub form_id: String,
    pub form_version: u32,
    pub answers: RawAnswers,
    #[serde(default)]
    pub problems: BTreeMap<String, Vec<FieldError>>,
    /// When each timed tally's timer started (ms since 1970), so it resumes after a reload.
    #[serde(default)]
    pub timers: BTreeMap<String, f64>,
    /// Milliseconds since 1970, by the phone's clock.
    pub updated_at: f64,
}

/// A submission waiting for the server to confirm it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxItem {
    pub request: SubmissionRequest,
    pub queued_at: f64,
    /// Set when the server refused it for good; it stays until the person removes it.
    #[serde(default)]
    pub rejected: Option<Rejection>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    pub reason: String,
    #[serde(default)]
    pub fields: Vec<FieldError>,
}

/// A submission the server confirmed, and what the unit did about it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SentItem {
    pub receipt: Receipt,
    pub confirmed_at: f64,
    /// The home's CQC location ID and the form, to list it by (empty on
    /// receipts kept before 2 December 2026).
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub form_id: String,
    #[serde(default)]
    pub form_version: u32,
    /// Where it is, as the server last said; `None` until it has said.
    #[serde(default)]
    pub state: Option<SentState>,
    /// The notes the unit shared with the sender, oldest first.
    #[serde(default)]
    pub shared: Vec<SharedNote>,
}

/// The last outcome of syncing, shown on the start page, and the backoff
/// every tab (and every trigger) honours: failures in a row, and when the
/// next automatic attempt may start.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncLog {
    pub last_success: Option<f64>,
    pub last_error: Option<String>,
    #[serde(default)]
    pub failures: u32,
    #[serde(default)]
    pub retry_at: Option<f64>,
}

/// What the visitor gave on forms sent before, to prefill the next one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Remembered {
    pub role: Option<String>,
    pub organisation: Option<String>,
    /// Their own email or phone number, kept when a later form says "No" to
    /// contact: it leaves the phone only on a form that says "Yes". Version 2
    /// of the form asked for either in one box (`contact`); version 3 asks
    /// for one or the other.
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// The homes of the last forms sent, newest first.
    #[serde(default)]
    pub recent_services: Vec<String>,
}

/// How many recently visited homes the service picker offers first.
pub const RECENT_SERVICES: usize = 5;
