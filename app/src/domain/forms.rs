//! The form engine: a form is data (a [`FormDefinition`] read from JSON in
//! `app/forms/`), not code. The same definition drives the pages, the
//! validation in the browser and on the server, and the severity.

mod answers;
mod definition;
mod journey;
mod severity;
mod summary;
mod words;

pub use answers::{comment_field, tally_field, Answer, Answers, RawAnswers, RawValue, MAX_TALLY};
pub use definition::{Choice, Condition, Flag, FormDefinition, FormId, Page, Question, QuestionKind, Severity, SummaryRule, TextInput};
pub use journey::{date_parts, PageOutcome, Step};
pub use severity::Assessment;
pub use summary::{Summary, SummaryRow};
pub use words::answer_text;

use std::sync::{OnceLock, RwLock};

/// The definitions built into this release, in `app/forms/`.
pub fn built_in() -> &'static [FormDefinition] {
    static BUILT_IN: OnceLock<Vec<FormDefinition>> = OnceLock::new();
    BUILT_IN.get_or_init(|| {
        [
            include_str!("../../forms/professional-feedback.v1.json"),
            // Version 2: a comment required with "Serious concerns", and the roles that use the checklists.
            include_str!("../../forms/professional-feedback.v2.json"),
            // Version 3: "Yes, by email" or "Yes, by phone", each with its own box and keyboard.
            include_str!("../../forms/professional-feedback.v3.json"),
            include_str!("../../forms/quality-audit.v1.json"),
            include_str!("../../forms/experts-by-experience.v1.json"),
            include_str!("../../forms/my-home-life.v1.json"),
            include_str!("../../forms/interaction-observation.v1.json"),
        ]
        .into_iter()
        .map(|json| serde_json::from_str(json).unwrap_or_else(|err| panic!("form definition is invalid: {err}")))
        .collect()
    })
}

/// Versions published after the release: on the server from its database,
/// on a phone from its last sync. Published versions never change and are few,
/// so each is kept for the life of the process.
static PUBLISHED: RwLock<Vec<&'static FormDefinition>> = RwLock::new(Vec::new());

/// Makes a published version known to `find` and `latest`. A version already
/// known is left as it is: a version, once used, never changes.
pub fn register(definition: FormDefinition) {
    if find(definition.id.as_str(), definition.version).is_some() {
        return;
    }
    let mut published = PUBLISHED.write().unwrap_or_else(|poisoned| poisoned.into_inner());
    published.push(Box::leak(Box::new(definition)));
}

/// Every definition known here: the built-in ones, then those published since.
pub fn definitions() -> Vec<&'static FormDefinition> {
    let published = PUBLISHED.read().unwrap_or_else(|poisoned| poisoned.into_inner());
    built_in().iter().chain(published.iter().copied()).collect()
}

/// The definition with this id and version, if the app knows it.
pub fn find(id: &str, version: u32) -> Option<&'static FormDefinition> {
    definitions().into_iter().find(|form| form.id.as_str() == id && form.version == version)
}

/// The newest version of the form with this id.
pub fn latest(id: &str) -> Option<&'static FormDefinition> {
    definitions().into_iter().filter(|form| form.id.as_str() == id).max_by_key(|form| form.version)
}

/// The id of the professionals feedback form.
pub const PROFESSIONAL_FEEDBACK: &str = "professional-feedback";

/// Who each built-in checklist is offered to on the phone's start page, by the
/// role given at enrolment: a GP is not shown the quality team's audit. A
/// checklist not named here (one an admin published since) is offered to all.
const CHECKLIST_ROLES: [(&str, &[&str]); 4] = [
    ("quality-audit", &["quality_officer"]),
    ("experts-by-experience", &["expert_by_experience", "quality_officer"]),
    ("interaction-observation", &["trained_observer", "quality_officer"]),
    // The home's own assessment: homes fill it in on their pages; the quality
    // team may enter one from a visit.
    ("my-home-life", &["quality_officer"]),
];

/// Whether the checklist `form_id` is offered to someone enrolled as `role`.
pub fn checklist_offered_to(form_id: &str, role: &str) -> bool {
    CHECKLIST_ROLES.iter().find(|(id, _)| *id == form_id).is_none_or(|(_, roles)| roles.contains(&role))
}

/// The day tests check answers on.
#[cfg(test)]
pub(crate) fn test_today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// The feedback form's first version, for tests.
#[cfg(test)]
pub(crate) fn feedback_form() -> &'static FormDefinition {
    find(PROFESSIONAL_FEEDBACK, 1).unwrap()
}

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
        assert_eq!(latest(PROFESSIONAL_FEEDBACK).map(|f| f.version), Some(3));
        assert!(find(PROFESSIONAL_FEEDBACK, 99).is_none());
        assert!(form.pages.len() >= 10);
    }

    #[test]
    fn checklists_are_offered_by_the_role_given_at_enrolment() {
        let offered = |role: &str| -> Vec<&str> {
            ["quality-audit", "experts-by-experience", "interaction-observation", "my-home-life", "a-new-checklist"]
                .into_iter()
                .filter(|id| checklist_offered_to(id, role))
                .collect()
        };
        assert_eq!(offered("gp"), ["a-new-checklist"]);
        assert_eq!(offered("trained_observer"), ["interaction-observation", "a-new-checklist"]);
        assert_eq!(offered("quality_officer").len(), 5);
        let roles = crate::domain::device::ProfessionalRole::options();
        for (_, needed) in CHECKLIST_ROLES {
            for role in needed {
                assert!(roles.iter().any(|(value, _)| value == role), "{role} can be chosen at enrolment");
            }
        }
    }

    /// The feedback form as JSON, to break in one place at a time.
    fn feedback_json() -> serde_json::Value {
        serde_json::to_value(find(PROFESSIONAL_FEEDBACK, 1).unwrap()).unwrap()
    }

    fn problems_of(json: serde_json::Value) -> Vec<(String, String)> {
        let form: FormDefinition = serde_json::from_value(json).unwrap();
        form.check().err().unwrap_or_default().into_iter().map(|p| (p.field, p.message)).collect()
    }

    #[test]
    fn a_risk_of_harm_question_must_flag_a_yes_as_red() {
        let form = find(PROFESSIONAL_FEEDBACK, 1).unwrap();
        let (p, q) = form
            .pages
            .iter()
            .enumerate()
            .find_map(|(p, page)| page.questions.iter().position(|q| q.kind.marks_risk_of_harm()).map(|q| (p, q)))
            .unwrap();
        let mut json = feedback_json();
        json["pages"][p]["questions"][q]["kind"]["yes_flag"]["severity"] = "amber".into();
        let expected = (format!("pages[{p}].questions[{q}].kind.yes_flag"), "A risk-of-harm question must flag a Yes as red".to_owned());
        assert_eq!(problems_of(json), [expected]);
    }

    #[test]
    fn every_problem_of_a_definition_is_reported_at_its_place() {
        let mut json = feedback_json();
        json["id"] = "Feedback Form".into();
        json["version"] = 0.into();
        json["pages"][1]["slug"] = json["pages"][0]["slug"].clone();
        json["pages"][1]["questions"][0]["id"] = "service".into();
        json["pages"][1]["questions"][1]["kind"]["options"][1]["value"] =
            json["pages"][1]["questions"][1]["kind"]["options"][0]["value"].clone();
        json["pages"][1]["questions"][0]["required_message"] = serde_json::Value::Null;
        let problems = problems_of(json);
        let fields: Vec<&str> = problems.iter().map(|(field, _)| field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "id",
                "version",
                "pages[1].slug",
                "pages[1].questions[0].id",
                "pages[1].questions[0].required_message",
                "pages[1].questions[1].kind.options[1].value",
            ],
            "{problems:#?}"
        );
        assert!(problems[2].1.contains("used by an earlier page"));
    }

    #[test]
    fn conditions_limits_and_the_service_picker_are_checked() {
        let mut json = feedback_json();
        let pages = json["pages"].as_array_mut().unwrap();
        let condition_at = pages.iter().position(|page| !page["show_when"].is_null()).expect("a page shown on a condition");
        pages[condition_at]["show_when"] = serde_json::json!({ "answer_in": { "question": "nothing_here", "values": ["yes"] } });
        pages[0]["questions"][0]["kind"] = serde_json::json!({ "type": "text", "max_chars": 0 });
        let problems = problems_of(json);
        let fields: Vec<&str> = problems.iter().map(|(field, _)| field.as_str()).collect();
        assert_eq!(
            fields,
            ["pages[0].questions[0].kind.max_chars".to_owned(), format!("pages[{condition_at}].show_when.question"), "pages".to_owned()]
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            "{problems:#?}"
        );
        assert!(problems[2].1.contains("exactly one service picker"));
    }

    #[test]
    fn a_published_version_becomes_the_latest_and_the_old_one_stays_findable() {
        let mut json = feedback_json();
        json["id"] = "registry-test-form".into();
        register(serde_json::from_value(json.clone()).unwrap());
        json["version"] = 2.into();
        json["title"] = "Second version".into();
        register(serde_json::from_value(json.clone()).unwrap());
        json["title"] = "A changed second version".into();
        register(serde_json::from_value(json).unwrap());
        assert_eq!(
            latest("registry-test-form").map(|f| (f.version, f.title.as_str())),
            Some((2, "Second version")),
            "a version never changes"
        );
        assert!(find("registry-test-form", 1).is_some());
        assert_eq!(latest(PROFESSIONAL_FEEDBACK).map(|f| f.version), Some(3));
    }
}
