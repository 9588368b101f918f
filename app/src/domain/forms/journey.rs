//! The order of the journey through a form: which page comes next or before,
//! given the answers so far. Pure functions, so the browser and the
//! no-JavaScript server path move through a form the same way.

use chrono::NaiveDate;

use super::{
    answers::{comment_field, tally_field, Answers, RawAnswers, RawValue},
    definition::{FormDefinition, Page, QuestionKind},
};
use crate::domain::FieldError;

/// Answers the phone fills in from the last form sent, or its enrolment.
pub const REMEMBERED_FIELDS: [&str; 2] = ["role", "organisation"];

/// Where a step of the journey leads.
#[derive(Clone, Debug, PartialEq)]
pub enum Step<'a> {
    Page(&'a Page),
    CheckAnswers,
}

/// What a page's "Continue" leads to.
#[derive(Clone, Debug, PartialEq)]
pub enum PageOutcome<'a> {
    /// Stay on the page and show these problems.
    Problems(Vec<FieldError>),
    Next(Step<'a>),
}

impl Page {
    /// The fields this page posts: its questions and any rating comments.
    pub fn fields(&self) -> Vec<String> {
        self.questions
            .iter()
            .flat_map(|q| match &q.kind {
                QuestionKind::Rating { .. } => vec![q.id.clone(), comment_field(&q.id)],
                QuestionKind::Tally { categories, .. } => {
                    std::iter::once(q.id.clone()).chain(categories.iter().map(|c| tally_field(&q.id, &c.value))).collect()
                }
                _ => vec![q.id.clone()],
            })
            .collect()
    }

    /// Replaces this page's answers with what was posted (an HTML form's
    /// name/value pairs): an unticked box clears, fields of other pages stay.
    pub fn apply(&self, raw: &mut RawAnswers, posted: &[(String, String)]) {
        let fields = self.fields();
        raw.0.retain(|field, _| !fields.contains(field));
        for field in &fields {
            let mut values: Vec<String> = posted.iter().filter(|(k, _)| k == field).map(|(_, v)| v.clone()).collect();
            match values.len() {
                0 => {}
                1 => raw.set(field, RawValue::One(values.remove(0))),
                _ => raw.set(field, RawValue::Many(values)),
            }
        }
    }
}

impl FormDefinition {
    /// Checks a page's answers and says where "Continue" leads: the next
    /// page, or back to the check page when the person came from there.
    pub fn continue_from(&self, page: &Page, raw: &RawAnswers, today: NaiveDate, return_to_check: bool) -> PageOutcome<'_> {
        let earlier = self.answers_before(&page.slug, raw, today);
        match self.validate_page(page, raw, today, &earlier) {
            Err(problems) => PageOutcome::Problems(problems),
            Ok(_) if return_to_check => PageOutcome::Next(Step::CheckAnswers),
            Ok(answers) => PageOutcome::Next(self.next_step(&page.slug, &answers)),
        }
    }

    /// As `continue_from`, but past any page that asks only what the phone
    /// remembers (role and organisation) and already holds valid answers to
    /// it: a visitor should not tap through their own details on every form.
    /// That page stays one "Change" away on the check page.
    pub fn continue_past_remembered(&self, page: &Page, raw: &RawAnswers, today: NaiveDate, return_to_check: bool) -> PageOutcome<'_> {
        let mut outcome = self.continue_from(page, raw, today, return_to_check);
        while let PageOutcome::Next(Step::Page(next)) = outcome {
            let remembered = next.questions.iter().all(|q| REMEMBERED_FIELDS.contains(&q.id.as_str()));
            let earlier = self.answers_before(&next.slug, raw, today);
            match self.validate_page(next, raw, today, &earlier) {
                Ok(answers) if remembered => outcome = PageOutcome::Next(self.next_step(&next.slug, &answers)),
                _ => break,
            }
        }
        outcome
    }

    /// The valid answers of every page before `slug` (pages not shown are
    /// skipped; a slug no page has means every page).
    pub fn answers_before(&self, slug: &str, raw: &RawAnswers, today: NaiveDate) -> Answers {
        let mut answers = Answers::default();
        for page in self.pages.iter().take_while(|page| page.slug != slug) {
            if self.page_is_shown(page, &answers) {
                if let Ok(valid) = self.validate_page(page, raw, today, &answers) {
                    answers = valid;
                }
            }
        }
        answers
    }

    /// The page after `slug` that is shown, or the check page after the last.
    pub fn next_step(&self, slug: &str, answers: &Answers) -> Step<'_> {
        self.pages
            .iter()
            .skip_while(|page| page.slug != slug)
            .skip(1)
            .find(|page| self.page_is_shown(page, answers))
            .map_or(Step::CheckAnswers, Step::Page)
    }

    /// The valid answers of every shown page (an unfinished form's so far).
    pub fn valid_answers(&self, raw: &RawAnswers, today: NaiveDate) -> Answers {
        self.answers_before("", raw, today)
    }

    /// The shown page before `slug`; `None` before the first.
    pub fn previous_page(&self, slug: &str, answers: &Answers) -> Option<&Page> {
        self.pages.iter().take_while(|page| page.slug != slug).filter(|page| self.page_is_shown(page, answers)).last()
    }

    /// The first shown page whose answers are missing or wrong, with its
    /// problems: where "Continue" from the check page must send people back.
    pub fn first_incomplete_page(&self, raw: &RawAnswers, today: NaiveDate) -> Option<(&Page, Vec<FieldError>)> {
        let mut answers = Answers::default();
        for page in &self.pages {
            if !self.page_is_shown(page, &answers) {
                continue;
            }
            match self.validate_page(page, raw, today, &answers) {
                Ok(valid) => answers = valid,
                Err(problems) => return Some((page, problems)),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::forms::{complete_feedback, feedback_form as form, test_today as today};

    fn slug(step: Step<'_>) -> &str {
        match step {
            Step::Page(page) => &page.slug,
            Step::CheckAnswers => "check",
        }
    }

    fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_page_of_remembered_answers_is_passed_once_they_are_valid() {
        let visit = form().page("visit").unwrap();
        let mut raw = complete_feedback();
        let next = |raw: &RawAnswers| match form().continue_past_remembered(visit, raw, today(), false) {
            PageOutcome::Next(step) => slug(step).to_owned(),
            PageOutcome::Problems(problems) => panic!("{problems:?}"),
        };
        assert_eq!(next(&raw), "reason", "role and organisation known: straight on");
        raw.0.remove("organisation");
        assert_eq!(next(&raw), "you", "one missing: the page is asked");
        raw.set("organisation", RawValue::One("x".repeat(101)));
        assert_eq!(next(&raw), "you", "one not valid: the page is asked");
        let outcome = form().continue_from(visit, &complete_feedback(), today(), false);
        assert!(matches!(outcome, PageOutcome::Next(Step::Page(page)) if page.slug == "you"), "continue_from itself still stops there");
    }

    #[test]
    fn a_post_replaces_only_its_own_page() {
        let mut raw = complete_feedback();
        let page = form().page("concerns").unwrap();
        page.apply(&mut raw, &pairs(&[("concern_types", "slow_response"), ("concern_types", "poor_food"), ("elsewhere", "x")]));
        assert_eq!(raw.0.get("concern_types"), Some(&RawValue::Many(vec!["slow_response".into(), "poor_food".into()])));
        assert!(!raw.0.contains_key("elsewhere"), "a field of no page on this form is never stored");
        assert!(raw.0.contains_key("service"), "other pages' answers stay");
        let appearance = form().page("appearance").unwrap();
        page.apply(&mut raw, &[]);
        appearance.apply(&mut raw, &pairs(&[("appearance", "good")]));
        assert!(!raw.0.contains_key("concern_types"), "an unticked box clears");
        assert!(!raw.0.contains_key("appearance_comment"), "an absent comment clears");
    }

    #[test]
    fn continuing_checks_the_page_then_leads_on() {
        let raw = complete_feedback();
        let staffing = form().page("staffing").unwrap();
        assert!(matches!(form().continue_from(staffing, &raw, today(), false), PageOutcome::Next(Step::Page(p)) if p.slug == "risk"));
        assert_eq!(form().continue_from(staffing, &raw, today(), true), PageOutcome::Next(Step::CheckAnswers));
        let mut missing = raw.clone();
        missing.0.remove("staffing");
        match form().continue_from(staffing, &missing, today(), false) {
            PageOutcome::Problems(problems) => assert_eq!(problems[0].field, "staffing"),
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn the_concerns_page_is_skipped_when_there_are_none() {
        let answers = form().validate(&complete_feedback(), today()).unwrap();
        assert_eq!(slug(form().next_step("staffing", &answers)), "risk");
        assert_eq!(form().previous_page("risk", &answers).map(|p| p.slug.as_str()), Some("staffing"));
    }

    #[test]
    fn the_concerns_page_follows_a_concern() {
        let mut raw = complete_feedback();
        raw.set("appearance", RawValue::One("some_concerns".into()));
        let answers = form().validate(&raw, today()).unwrap();
        assert_eq!(slug(form().next_step("staffing", &answers)), "concerns");
        assert_eq!(form().previous_page("risk", &answers).map(|p| p.slug.as_str()), Some("concerns"));
    }

    #[test]
    fn the_last_page_leads_to_the_check_page_and_the_first_has_no_previous() {
        let answers = Answers::default();
        assert_eq!(form().next_step("contact", &answers), Step::CheckAnswers);
        assert_eq!(form().previous_page("service", &answers), None);
    }

    #[test]
    fn the_first_incomplete_page_is_found_with_its_problems() {
        let mut raw = complete_feedback();
        raw.0.remove("staffing");
        let (page, problems) = form().first_incomplete_page(&raw, today()).unwrap();
        assert_eq!(page.slug, "staffing");
        assert_eq!(problems[0].field, "staffing");
        assert!(form().first_incomplete_page(&complete_feedback(), today()).is_none());
    }

    #[test]
    fn answers_before_a_page_come_from_the_pages_before_it() {
        let answers = form().answers_before("risk", &complete_feedback(), today());
        assert!(answers.get("staffing").is_some());
        assert!(answers.get("risk_of_harm").is_none());
    }
}
