//! A submission as the device sends it, and the receipt the server returns.

use chrono::{DateTime, Datelike, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    forms::{RawAnswers, Severity},
    FieldError,
};

pub mod invariants;

/// The earliest device clock the server stores: no phone that runs this app
/// is set before it, and it keeps every stored year four digits long.
const EARLIEST_CLOCK_YEAR: i32 = 2000;
/// How far ahead of the server a phone's clock may be (a wrong time zone or
/// a clock set by hand), while every stored value still reads back.
const MOST_DAYS_AHEAD: i64 = 366;

/// The reference a professional is shown for a submission ("D3481218"): the
/// first 8 characters of its id, so triage finds it by those alone.
pub fn reference(id: Uuid) -> String {
    id.to_string()[..8].to_uppercase()
}

/// Whether `word` could be a reference: 8 hexadecimal characters.
pub fn looks_like_reference(word: &str) -> bool {
    word.len() == 8 && word.chars().all(|c| c.is_ascii_hexdigit())
}

/// What a device sends: its own id for the submission (so a retry is
/// recognised), the exact form version, the answers and the device's clock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SubmissionRequest {
    pub id: Uuid,
    pub form_id: String,
    pub form_version: u32,
    pub answers: RawAnswers,
    /// When the professional pressed "Send", by the device's clock.
    pub submitted_at: DateTime<FixedOffset>,
}

impl SubmissionRequest {
    /// Refuses a device clock outside what any phone could show: chrono reads
    /// signed and five-digit years (`+10000-01-01T00:00:00Z`) that the store
    /// could write but never read back.
    pub fn check_clock(&self, now: DateTime<Utc>) -> Result<(), FieldError> {
        let at = self.submitted_at.with_timezone(&Utc);
        let too_early = at.year() < EARLIEST_CLOCK_YEAR;
        let too_late = at > now + chrono::Duration::days(MOST_DAYS_AHEAD);
        if too_early || too_late {
            return Err(FieldError::new(
                "submitted_at",
                "The phone's clock is not set to a real date. Set the phone's date and time, then send again.",
            ));
        }
        Ok(())
    }
}

/// What the server says once a submission is stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Receipt {
    pub id: Uuid,
    pub severity: Severity,
    pub severity_reason: String,
    pub received_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent_at(text: &str) -> SubmissionRequest {
        SubmissionRequest {
            id: Uuid::nil(),
            form_id: "professional-feedback".to_owned(),
            form_version: 1,
            answers: RawAnswers::default(),
            submitted_at: text.parse().unwrap(),
        }
    }

    #[test]
    fn device_clocks_outside_any_real_date_are_refused_by_field() {
        let now = DateTime::parse_from_rfc3339("2026-12-01T12:00:00Z").unwrap().with_timezone(&Utc);
        for accepted in ["2026-12-01T11:59:00+14:00", "2026-12-04T09:00:00Z", "2000-01-01T00:00:00Z", "2027-12-01T00:00:00Z"] {
            assert_eq!(sent_at(accepted).check_clock(now), Ok(()), "{accepted}");
        }
        for refused in ["+10000-01-01T00:00:00Z", "1999-12-31T23:59:59Z", "2028-01-01T00:00:00Z"] {
            let problem = sent_at(refused).check_clock(now).unwrap_err();
            assert_eq!(problem.field, "submitted_at", "{refused}");
        }
    }
}
