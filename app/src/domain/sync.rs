//! The sync protocol between a phone's outbox and the server: a batch of
//! submissions goes up, one outcome per item comes back. The phone removes
//! an item only once the server has confirmed it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    field::FieldError,
    submission::{Receipt, SubmissionRequest},
};

/// Items per batch: small enough that a slow phone's request finishes.
pub const MAX_BATCH: usize = 25;

/// `POST /api/v1/sync`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SyncBatch {
    pub items: Vec<SubmissionRequest>,
}

/// The server's answer: one outcome per item, in the order sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SyncReply {
    pub outcomes: Vec<ItemOutcome>,
}

/// What happened to one item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ItemOutcome {
    /// Stored now.
    Accepted { id: Uuid, receipt: Receipt },
    /// Stored by an earlier attempt whose answer never reached the phone.
    AlreadyReceived { id: Uuid, receipt: Receipt },
    /// Never stored: retrying will not help, the person must see why.
    Rejected {
        id: Uuid,
        reason: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        fields: Vec<FieldError>,
    },
}

impl ItemOutcome {
    pub fn id(&self) -> Uuid {
        match self {
            Self::Accepted { id, .. } | Self::AlreadyReceived { id, .. } | Self::Rejected { id, .. } => *id,
        }
    }
}

/// `GET /api/v1/devices/me`: who this phone is enrolled as, and the
/// settings the app on it needs while offline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeviceProfile {
    pub name: String,
    pub role: String,
    pub organisation: String,
    /// Unsent drafts older than this are deleted from the phone.
    pub draft_expiry_days: u32,
    /// The local safeguarding route shown with the risk-of-harm question.
    pub safeguarding_route: String,
    /// The largest request body the server takes: the phone cuts its batches
    /// below it. Absent from servers before 2026-12-01.
    #[serde(default)]
    pub max_body_bytes: Option<u64>,
}

/// What a phone assumes when the server has not said, and the server's own
/// default (`--max-body-bytes`).
pub const DEFAULT_MAX_BODY_BYTES: u64 = 256 * 1024;

/// Days an unsent draft is kept on a phone: the server's default
/// (`--draft-expiry-days`), and what a phone uses until the server has said.
pub const DEFAULT_DRAFT_EXPIRY_DAYS: u32 = 14;

/// How many of `sizes` (each item's bytes as JSON, in outbox order) go in the
/// next batch: as many as fit under `max_body_bytes` with room for the
/// envelope, at most [`MAX_BATCH`]. Zero when the first alone is too large:
/// it can never be sent, and must not hold the others back.
pub fn batch_len(sizes: &[u64], max_body_bytes: u64) -> usize {
    // `{"items":[` … `]}` and a comma between items.
    let budget = max_body_bytes.saturating_sub(64);
    let mut used = 0;
    let mut count = 0;
    for size in sizes.iter().take(MAX_BATCH) {
        if used + size + 1 > budget {
            break;
        }
        used += size + 1;
        count += 1;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_are_cut_by_size_as_well_as_count() {
        assert_eq!(batch_len(&[10_000; 30], 262_144), 25, "at most 25");
        assert_eq!(batch_len(&[16_600; 17], 262_144), 15, "17 long checklists go as 15, then 2");
        assert_eq!(batch_len(&[300_000, 10], 262_144), 0, "a form too large alone is not sent");
        assert_eq!(batch_len(&[], 262_144), 0);
    }

    #[test]
    fn outcomes_read_as_the_api_documents_them() {
        let rejected = ItemOutcome::Rejected {
            id: Uuid::nil(),
            reason: "Some answers need correcting.".into(),
            fields: vec![FieldError::new("service", "Select a service")],
        };
        let json = serde_json::to_value(&rejected).unwrap();
        assert_eq!(json["status"], "rejected");
        assert_eq!(json["fields"][0]["field"], "service");
        assert_eq!(serde_json::from_value::<ItemOutcome>(json).unwrap(), rejected);
    }
}
