//! The form engine: a form is data (a [`FormDefinition`] read from JSON in
//! `app/forms/`), not code. The same definition drives the pages, the
//! validation in the browser and on the server, and the severity.

mod answers;
mod definition;
mod journey;
mod severity;

pub use answers::{comment_field, Answer, Answers, RawAnswers, RawValue};
pub use definition::{Choice, Condition, Flag, FormDefinition, FormId, Page, Question, QuestionKind};
pub use journey::{answer_text, PageOutcome, Step};
pub use severity::{Assessment, Severity};

use std::sync::OnceLock;

/// The definitions the app knows, newest version of each last.
pub fn definitions() -> &'static [FormDefinition] {
    static DEFINITIONS: OnceLock<Vec<FormDefinition>> = OnceLock::new();
    DEFINITIONS.get_or_init(|| {
        [include_str!("../../forms/professional-feedback.v1.json")]
            .into_iter()
            .map(|json| serde_json::from_str(json).unwrap_or_else(|err| panic!("form definition is invalid: {err}")))
            .collect()
    })
}

/// The definition with this id and version, if the app knows it.
pub fn find(id: &str, version: u32) -> Option<&'static FormDefinition> {
    definitions().iter().find(|form| form.id.as_str() == id && form.version == version)
}

/// The newest version of the form with this id.
pub fn latest(id: &str) -> Option<&'static FormDefinition> {
    definitions().iter().filter(|form| form.id.as_str() == id).max_by_key(|form| form.version)
}

/// The id of the professionals feedback form.
pub const PROFESSIONAL_FEEDBACK: &str = "professional-feedback";

/// A complete, valid set of answers to the feedback form, for tests to vary.
#[cfg(test)]
pub(crate) fn complete_feedback() -> RawAnswers {
    let one = |v: &str| RawValue::One(v.to_owned());
    RawAnswers(
        [
            ("service", one("1-000000001")),
            ("visit_date", one("2026-11-20")),
            ("visit_time", one("morning")),
            ("role", one("gp")),
            ("organisation", one("Puddlecombe Surgery")),
            ("appearance", one("good")),
            ("environment", one("good")),
            ("interaction", one("not_observed")),
            ("staffing", one("good")),
            ("risk_of_harm", one("no")),
            ("shared_with_staff", one("yes")),
            ("shared_with_role", one("Registered manager")),
            ("contact_ok", one("no")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_definition_is_well_formed() {
        for form in definitions() {
            if let Err(problems) = form.check() {
                panic!("{} v{}: {problems:#?}", form.id.as_str(), form.version);
            }
        }
    }

    #[test]
    fn the_feedback_form_is_found_by_id_and_version() {
        let form = find(PROFESSIONAL_FEEDBACK, 1).expect("v1 exists");
        assert_eq!(latest(PROFESSIONAL_FEEDBACK).map(|f| f.version), Some(1));
        assert!(find(PROFESSIONAL_FEEDBACK, 99).is_none());
        assert!(form.pages.len() >= 10);
    }
}
