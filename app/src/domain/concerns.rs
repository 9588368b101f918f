//! Concerns: related observations about one home, grouped so the pattern is
//! worked once. A concern is open or closed; its steps are stated here once
//! and the server applies them.

use serde::{Deserialize, Serialize};

use super::field::{parse_line_of_text, FieldError};

/// The longest title: a line, not a report.
pub const MAX_TITLE_CHARS: usize = 120;

/// How far back the inbox looks for another amber or red about the same home
/// when it suggests grouping: the pattern rule's usual four weeks.
pub const RELATED_WITHIN_DAYS: i64 = 28;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ConcernStatus {
    Open,
    Closed,
}

impl ConcernStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Open",
            Self::Closed => "Closed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Self::Open, Self::Closed].into_iter().find(|status| status.code() == code)
    }
}

/// A concern's title: "Staffing at night", one line of plain text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConcernTitle(String);

impl ConcernTitle {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        parse_line_of_text("title", raw, MAX_TITLE_CHARS)
            .map(Self)
            .map_err(|err| FieldError::new("title", format!("The title {}", err.message)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A step taken on a concern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConcernStep {
    Assign { officer: i64 },
    Note,
    Close,
    Reopen,
}

impl ConcernStep {
    /// The step's code in the audit trail.
    pub fn kind(self) -> &'static str {
        match self {
            Self::Assign { .. } => "assigned",
            Self::Note => "note",
            Self::Close => "closed",
            Self::Reopen => "reopened",
        }
    }

    /// The status after this step, or why it cannot be taken now.
    pub fn from(self, status: ConcernStatus) -> Result<ConcernStatus, &'static str> {
        match (self, status) {
            (Self::Note, status) => Ok(status),
            (Self::Reopen, ConcernStatus::Closed) => Ok(ConcernStatus::Open),
            (Self::Reopen, ConcernStatus::Open) => Err("Only a closed concern can be reopened."),
            (_, ConcernStatus::Closed) => Err("This concern is closed. Reopen it first."),
            (Self::Assign { .. }, ConcernStatus::Open) => Ok(ConcernStatus::Open),
            (Self::Close, ConcernStatus::Open) => Ok(ConcernStatus::Closed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_concern_is_worked_while_open_and_reopened_to_work_again() {
        assert_eq!(ConcernStep::Close.from(ConcernStatus::Open), Ok(ConcernStatus::Closed));
        assert!(ConcernStep::Assign { officer: 1 }.from(ConcernStatus::Closed).is_err());
        assert!(ConcernStep::Close.from(ConcernStatus::Closed).is_err());
        assert_eq!(ConcernStep::Note.from(ConcernStatus::Closed), Ok(ConcernStatus::Closed));
        assert_eq!(ConcernStep::Reopen.from(ConcernStatus::Closed), Ok(ConcernStatus::Open));
        assert!(ConcernStep::Reopen.from(ConcernStatus::Open).is_err());
    }

    #[test]
    fn a_title_is_one_short_line() {
        assert_eq!(ConcernTitle::parse("  Staffing at night ").unwrap().as_str(), "Staffing at night");
        assert_eq!(ConcernTitle::parse(" ").unwrap_err().field, "title");
        assert_eq!(ConcernTitle::parse(&"x".repeat(121)).unwrap_err().field, "title");
        assert!(ConcernTitle::parse("two\nlines").is_err());
    }
}
