//! Triage of observations by the commissioning unit: the workflow
//! New → Triaged → Action → Closed, which step is allowed when, and when an
//! observation is overdue. Stated once here; the server applies it.

use chrono::{DateTime, Datelike, Duration, Utc, Weekday};
use serde::{Deserialize, Serialize};

use super::{
    field::{has_control_characters, FieldError},
    forms::Severity,
};

/// The longest note kept with a step.
pub const MAX_NOTE_CHARS: usize = 2000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Status {
    New,
    Triaged,
    Action,
    Closed,
}

impl Status {
    pub const ALL: [Self; 4] = [Self::New, Self::Triaged, Self::Action, Self::Closed];

    pub fn code(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Triaged => "triaged",
            Self::Action => "action",
            Self::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::New => "New",
            Self::Triaged => "Triaged",
            Self::Action => "Action",
            Self::Closed => "Closed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.code() == code)
    }
}

/// What was done about an observation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Outcome {
    IntelligenceOnly,
    QualitySupportVisit,
    ProviderConcerns,
    SafeguardingReferral,
    ReferredToCqc,
}

impl Outcome {
    pub const ALL: [Self; 5] =
        [Self::IntelligenceOnly, Self::QualitySupportVisit, Self::ProviderConcerns, Self::SafeguardingReferral, Self::ReferredToCqc];

    pub fn code(self) -> &'static str {
        match self {
            Self::IntelligenceOnly => "intelligence_only",
            Self::QualitySupportVisit => "quality_support_visit",
            Self::ProviderConcerns => "provider_concerns",
            Self::SafeguardingReferral => "safeguarding_referral",
            Self::ReferredToCqc => "referred_to_cqc",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::IntelligenceOnly => "Logged as intelligence only",
            Self::QualitySupportVisit => "Quality support visit",
            Self::ProviderConcerns => "Provider concerns process",
            Self::SafeguardingReferral => "Safeguarding referral",
            Self::ReferredToCqc => "Referred to CQC",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|outcome| outcome.code() == code)
    }
}

/// One step a commissioner takes on an observation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Acknowledge (when new) or reassign, to the named officer.
    Assign {
        officer: i64,
    },
    Note,
    RecordOutcome(Outcome),
    Close,
    Reopen,
    /// Share the observation with its home, which may reply within the window.
    ShareWithProvider,
    /// Send an all-good observation to its home as a compliment.
    SendCompliment,
}

impl Step {
    /// The step's code in the audit trail.
    pub fn kind(&self, from: Status) -> &'static str {
        match self {
            Self::Assign { .. } if from == Status::New => "acknowledged",
            Self::Assign { .. } => "assigned",
            Self::Note => "note",
            Self::RecordOutcome(_) => "outcome",
            Self::Close => "closed",
            Self::Reopen => "reopened",
            Self::ShareWithProvider => "shared_with_provider",
            Self::SendCompliment => "compliment_sent",
        }
    }

    /// The status after this step, or why it cannot be taken now.
    pub fn from(&self, status: Status) -> Result<Status, &'static str> {
        use Status::*;
        match (self, status) {
            (Self::Note, status) => Ok(status),
            // Telling the home changes nothing in the unit's own workflow.
            (Self::ShareWithProvider | Self::SendCompliment, status) => Ok(status),
            (_, Closed) if *self != Self::Reopen => Err("This observation is closed. Reopen it first."),
            (Self::Assign { .. }, New) => Ok(Triaged),
            (Self::Assign { .. }, status) => Ok(status),
            (Self::RecordOutcome(_), New) => Err("Acknowledge this observation before recording an outcome."),
            (Self::RecordOutcome(_), _) => Ok(Action),
            (Self::Close, Action) => Ok(Closed),
            (Self::Close, _) => Err("Record an outcome before closing this observation."),
            (Self::Reopen, Closed) => Ok(Triaged),
            (Self::Reopen, _) => Err("Only a closed observation can be reopened."),
        }
    }

    /// A note is needed where the step means nothing without one.
    pub fn needs_note(&self) -> bool {
        matches!(self, Self::Note | Self::Reopen)
    }
}

/// Checks a step's note: required for some steps, and whenever it is to be
/// shared with the visitor (sharing nothing would tell them nothing); never
/// over the limit.
pub fn parse_note(step: &Step, raw: &str, shared_with_visitor: bool) -> Result<String, FieldError> {
    if shared_with_visitor && raw.trim().is_empty() {
        return Err(FieldError::new("note", "Enter the note to share with the visitor"));
    }
    parse_note_text(raw, step.needs_note())
}

/// A note as kept: trimmed, at most [`MAX_NOTE_CHARS`], and there when `required`.
pub fn parse_note_text(raw: &str, required: bool) -> Result<String, FieldError> {
    let note = raw.trim();
    if note.is_empty() && required {
        return Err(FieldError::new("note", "Enter a note"));
    }
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(FieldError::new("note", format!("Note must be {MAX_NOTE_CHARS} characters or fewer")));
    }
    if has_control_characters(note) {
        return Err(FieldError::new("note", "Note must not contain control characters"));
    }
    Ok(note.to_owned())
}

/// How many working days each severity has to be acknowledged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseTargets {
    pub red_working_days: u32,
    pub amber_working_days: u32,
}

impl Default for ResponseTargets {
    fn default() -> Self {
        Self::STANDARD
    }
}

impl ResponseTargets {
    /// The unit's usual targets, and the server's defaults (`--red-target-days`, `--amber-target-days`).
    pub const STANDARD: Self = Self { red_working_days: 1, amber_working_days: 5 };

    /// When an observation received at `received` must be acknowledged by;
    /// green observations have no target.
    pub fn due_by(&self, severity: Severity, received: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let days = match severity {
            Severity::Red => self.red_working_days,
            Severity::Amber => self.amber_working_days,
            Severity::Green => return None,
        };
        Some(add_working_days(received, days))
    }

    /// Overdue: still unacknowledged after its target.
    pub fn is_overdue(&self, severity: Severity, status: Status, received: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        status == Status::New && self.due_by(severity, received).is_some_and(|due| now > due)
    }

    /// The earliest receipt time that is not yet overdue at `now`: an
    /// unacknowledged observation of this severity received before it is
    /// overdue, so a database can count them by one comparison. To the second.
    pub fn overdue_if_received_before(&self, severity: Severity, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        // A later receipt is never due sooner, so the overdue receipts are all
        // those before one point; search for it between a safe lower bound and now.
        let mut overdue = now - Duration::days(i64::from(self.red_working_days.max(self.amber_working_days)) * 2 + 7);
        let mut not_overdue = now;
        let is_overdue = |received| self.due_by(severity, received).is_some_and(|due| now > due);
        if !is_overdue(overdue) {
            return None;
        }
        while (not_overdue - overdue).num_seconds() > 1 {
            let middle = overdue + (not_overdue - overdue) / 2;
            if is_overdue(middle) {
                overdue = middle;
            } else {
                not_overdue = middle;
            }
        }
        Some(not_overdue)
    }
}

/// When a service is flagged: this many amber or red observations within the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatternRule {
    pub threshold: u32,
    pub window_days: u32,
}

impl Default for PatternRule {
    fn default() -> Self {
        Self::STANDARD
    }
}

impl PatternRule {
    /// Two amber or red in four weeks, the server's defaults (`--pattern-threshold`, `--pattern-window-days`).
    pub const STANDARD: Self = Self { threshold: 2, window_days: 28 };

    /// The start of the window that ends at `now`.
    pub fn since(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - Duration::days(i64::from(self.window_days))
    }

    pub fn describe(&self, count: u32) -> String {
        format!("{count} amber or red observations in the last {} days", self.window_days)
    }
}

/// The rating answers that count as a concern about an area.
pub const CONCERN_RATINGS: [&str; 2] = ["some_concerns", "serious_concerns"];

/// The area with this code, as (code, label), if it is one the unit tracks.
pub fn charted_area(code: &str) -> Option<(&'static str, &'static str)> {
    CHARTED_AREAS.iter().copied().find(|(area, _)| *area == code)
}

/// The rating questions charted on a service's page and filtered on in the
/// inbox, with their labels.
pub const CHARTED_AREAS: [(&str, &str); 4] = [
    ("appearance", "Residents' appearance"),
    ("environment", "Environment"),
    ("interaction", "Staff and resident interaction"),
    ("staffing", "Staffing"),
];

/// The same time `days` working days (Monday to Friday) later. Something
/// received at the weekend counts from Monday's start.
fn add_working_days(from: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    let mut at = from;
    while is_weekend(at) {
        at = (at + Duration::days(1)).date_naive().and_hms_opt(0, 0, 0).map_or(at, |t| t.and_utc());
    }
    let mut left = days;
    while left > 0 {
        at += Duration::days(1);
        if !is_weekend(at) {
            left -= 1;
        }
    }
    at
}

fn is_weekend(at: DateTime<Utc>) -> bool {
    matches!(at.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        // November 2026: the 20th is a Friday, the 23rd a Monday.
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn a_note_keeps_its_line_breaks_but_no_other_control_characters() {
        assert_eq!(parse_note_text(" Rang the home.\r\nNo answer. ", true).unwrap(), "Rang the home.\r\nNo answer.");
        assert_eq!(parse_note_text("Hidden\u{0}text", false).unwrap_err().field, "note");
    }

    #[test]
    fn overdue_is_one_comparison_with_the_receipt_time() {
        let targets = ResponseTargets::STANDARD;
        assert_eq!(targets.overdue_if_received_before(Severity::Green, at(24, 9)), None);
        // Tuesday 24th 09:00: a red received before Monday 09:00 is past its one working day.
        let cutoff = targets.overdue_if_received_before(Severity::Red, at(24, 9)).unwrap();
        assert!((cutoff - at(23, 9)).num_seconds().abs() <= 1, "{cutoff}");
        // Monday 23rd 10:00: everything from Friday 10:00 on, the weekend included, is not overdue yet.
        let cutoff = targets.overdue_if_received_before(Severity::Red, at(23, 10)).unwrap();
        assert!((cutoff - at(20, 10)).num_seconds().abs() <= 1, "{cutoff}");
        for received in [at(20, 9), at(20, 11), at(21, 12), at(22, 23), at(23, 8)] {
            for severity in [Severity::Red, Severity::Amber] {
                let now = at(27, 10);
                let before = targets.overdue_if_received_before(severity, now).is_some_and(|cutoff| received < cutoff);
                assert_eq!(before, targets.is_overdue(severity, Status::New, received, now), "{severity:?} {received}");
            }
        }
    }

    #[test]
    fn the_workflow_goes_new_triaged_action_closed() {
        let assign = Step::Assign { officer: 1 };
        assert_eq!(assign.from(Status::New), Ok(Status::Triaged));
        assert_eq!(Step::RecordOutcome(Outcome::ReferredToCqc).from(Status::Triaged), Ok(Status::Action));
        assert_eq!(Step::Close.from(Status::Action), Ok(Status::Closed));
        assert_eq!(Step::Reopen.from(Status::Closed), Ok(Status::Triaged));
        assert_eq!(assign.kind(Status::New), "acknowledged");
        assert_eq!(assign.kind(Status::Action), "assigned");
    }

    #[test]
    fn steps_out_of_order_are_refused_with_a_reason() {
        assert!(Step::RecordOutcome(Outcome::IntelligenceOnly).from(Status::New).is_err());
        assert!(Step::Close.from(Status::New).is_err());
        assert!(Step::Close.from(Status::Triaged).is_err());
        assert!(Step::Reopen.from(Status::Action).is_err());
        assert!(Step::Assign { officer: 1 }.from(Status::Closed).is_err());
        assert_eq!(Step::Note.from(Status::Closed), Ok(Status::Closed), "notes can be added at any time");
    }

    #[test]
    fn notes_are_required_where_they_carry_the_step_and_limited_in_length() {
        assert_eq!(parse_note(&Step::Note, "  ", false).unwrap_err().field, "note");
        assert_eq!(parse_note(&Step::Reopen, "", false).unwrap_err().message, "Enter a note");
        assert_eq!(parse_note(&Step::Close, "", false).unwrap(), "");
        assert_eq!(parse_note(&Step::Close, " ", true).unwrap_err().message, "Enter the note to share with the visitor");
        assert!(parse_note(&Step::Note, &"x".repeat(MAX_NOTE_CHARS + 1), true).is_err());
        assert_eq!(parse_note(&Step::Note, " Called the manager ", false).unwrap(), "Called the manager");
    }

    #[test]
    fn targets_count_working_days_only() {
        let targets = ResponseTargets::default();
        assert_eq!(targets.due_by(Severity::Red, at(23, 10)), Some(at(24, 10)), "Monday to Tuesday");
        assert_eq!(targets.due_by(Severity::Red, at(20, 10)), Some(at(23, 10)), "Friday to Monday");
        assert_eq!(targets.due_by(Severity::Red, at(21, 10)), Some(at(24, 0)), "Saturday counts from Monday");
        assert_eq!(targets.due_by(Severity::Amber, at(23, 9)), Some(at(30, 9)), "5 working days is a week");
        assert_eq!(targets.due_by(Severity::Green, at(23, 9)), None);
    }

    #[test]
    fn only_unacknowledged_observations_past_their_target_are_overdue() {
        let targets = ResponseTargets::default();
        assert!(targets.is_overdue(Severity::Red, Status::New, at(23, 10), at(24, 11)));
        assert!(!targets.is_overdue(Severity::Red, Status::New, at(23, 10), at(24, 9)));
        assert!(!targets.is_overdue(Severity::Red, Status::Triaged, at(23, 10), at(30, 9)));
        assert!(!targets.is_overdue(Severity::Green, Status::New, at(2, 10), at(30, 9)));
    }
}
