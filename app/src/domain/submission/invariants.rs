//! What must hold for any bytes a phone could send, as a submission or as the
//! answers to any form: parsing, the clock check, validation and severity
//! never panic, and whatever they accept reads back exactly as the store
//! would write it. One definition, run two ways: by cargo-fuzz
//! (`fuzz/fuzz_targets/submission.rs`, the long runs in `scripts/bench`) and by
//! the stable test `app/tests/submission_bytes.rs` over the seeds and a
//! bounded set of mutations of them (every `scripts/test`).

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};

use super::SubmissionRequest;
use crate::domain::forms::{self, Answers, RawAnswers};

/// Panics, naming what broke, if `data` breaks an invariant.
pub fn check_any_bytes(data: &[u8]) {
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    if let Ok(request) = serde_json::from_slice::<SubmissionRequest>(data) {
        if request.check_clock(now).is_ok() {
            let stored = request.submitted_at.to_rfc3339();
            assert!(DateTime::<FixedOffset>::parse_from_rfc3339(&stored).is_ok(), "an accepted clock must read back: {stored}");
        }
        if let Some(form) = forms::find(&request.form_id, request.form_version) {
            check_answers(form, &request.answers, today);
        }
    }
    if let Ok(raw) = serde_json::from_slice::<RawAnswers>(data) {
        for form in forms::built_in() {
            check_answers(form, &raw, today);
        }
    }
}

fn check_answers(form: &forms::FormDefinition, raw: &RawAnswers, today: NaiveDate) {
    let Ok(answers) = form.validate(raw, today) else { return };
    let assessment = form.assess(&answers);
    assert!(!assessment.reason.is_empty(), "every severity says why");
    let stored = serde_json::to_string(&answers).expect("valid answers serialise");
    let read_back: Answers = serde_json::from_str(&stored).expect("stored answers read back");
    assert_eq!(read_back, answers, "answers round-trip through the store's JSON");
}
