//! What a visiting professional hears back about the forms they sent: where
//! each one is in the unit's workflow, in their words, and the notes a
//! commissioner chose to share with them ("You said, we did"). A phone asks
//! for what changed since its cursor with each sync and keeps the answer, so
//! it shows offline too.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::triage::Status;

/// The most forms one answer carries; `more` says to ask again.
pub const NEWS_PAGE: u32 = 100;

/// Where a sent form is, as its sender sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum SentState {
    Received,
    BeingLookedAt,
    ActionTaken,
    Closed,
}

impl SentState {
    /// The workflow's status in the sender's words; a reopened observation
    /// is being looked at again.
    pub fn of(status: Status) -> Self {
        match status {
            Status::New => Self::Received,
            Status::Triaged => Self::BeingLookedAt,
            Status::Action => Self::ActionTaken,
            Status::Closed => Self::Closed,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Received => "Received",
            Self::BeingLookedAt => "Being looked at",
            Self::ActionTaken => "Action taken",
            Self::Closed => "Closed",
        }
    }
}

/// A note a commissioner shared with the sender.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SharedNote {
    pub at: DateTime<Utc>,
    /// The outcome recorded with it, in words, when the step recorded one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    pub text: String,
}

/// One sent form whose state or shared notes changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SentNews {
    /// The submission's id, as the phone sent it.
    pub id: Uuid,
    pub state: SentState,
    /// Every note shared so far, oldest first (not only the new ones), so the
    /// phone replaces what it kept.
    pub shared: Vec<SharedNote>,
}

/// `GET /api/v1/devices/me/news?since=…`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewsPage {
    pub items: Vec<SentNews>,
    /// Send it back as `since` next time.
    pub cursor: i64,
    /// More changed than one answer carries: ask again at once.
    pub more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_the_senders_words() {
        let labels: Vec<_> = Status::ALL.into_iter().map(|s| SentState::of(s).label()).collect();
        assert_eq!(labels, ["Received", "Being looked at", "Action taken", "Closed"]);
    }

    #[test]
    fn news_reads_as_the_api_documents_it() {
        let page = NewsPage {
            items: vec![SentNews {
                id: Uuid::nil(),
                state: SentState::BeingLookedAt,
                shared: vec![SharedNote { at: DateTime::UNIX_EPOCH, outcome: None, text: "We visited.".into() }],
            }],
            cursor: 7,
            more: false,
        };
        let json = serde_json::to_value(&page).unwrap();
        assert_eq!(json["items"][0]["state"], "being_looked_at");
        assert!(json["items"][0]["shared"][0].get("outcome").is_none());
        assert_eq!(serde_json::from_value::<NewsPage>(json).unwrap(), page);
    }
}
