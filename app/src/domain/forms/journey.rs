//! The order of the journey through a form: which page comes next or before,
//! given the answers so far. Pure functions, so the browser and the
//! no-JavaScript server path move through a form the same way.

use chrono::NaiveDate;

use super::{
    answers::{comment_field, tally_field, Answers, RawAnswers, RawValue},
    definition::{FormDefinition, Page, Question, QuestionKind},
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

impl Question {
    /// The fields that carry this question's answer.
    pub fn fields(&self) -> Vec<String> {
        match &self.kind {
            QuestionKind::Rating { .. } => vec![self.id.clone(), comment_field(&self.id)],
            QuestionKind::Tally { categories, .. } => {
                std::iter::once(self.id.clone()).chain(categories.iter().map(|c| tally_field(&self.id, &c.value))).collect()
            }
            _ => vec![self.id.clone()],
        }
    }
}

impl Page {
    /// The fields this page posts: its questions and any rating comments.
    pub fn fields(&self) -> Vec<String> {
        self.questions.iter().flat_map(Question::fields).collect()
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
        for question in self.questions.iter().filter(|q| matches!(q.kind, QuestionKind::Date)) {
            if let Some(date) = posted_date(&question.id, posted) {
                raw.set(&question.id, RawValue::One(date));
            }
        }
    }
}

/// A date posted in the NHS pattern, as three boxes `{id}-day`, `{id}-month`
/// and `{id}-year`, as the one answer the form stores: `YYYY-MM-DD` when it is
/// a real date, else what was typed as `day/month/year` (which fails
/// validation with the form's message and is shown back as typed). `None`
/// when the boxes were not posted; empty when all three were left blank.
fn posted_date(id: &str, posted: &[(String, String)]) -> Option<String> {
    let part = |name: &str| {
        let field = format!("{id}-{name}");
        posted.iter().find(|(k, _)| *k == field).map(|(_, v)| v.trim().to_owned())
    };
    let [day, month, year] = [part("day"), part("month"), part("year")];
    if day.is_none() && month.is_none() && year.is_none() {
        return None;
    }
    let [day, month, year] = [day, month, year].map(Option::unwrap_or_default);
    if day.is_empty() && month.is_empty() && year.is_empty() {
        return Some(String::new());
    }
    let real = match (year.parse(), month.parse(), day.parse()) {
        (Ok(y), Ok(m), Ok(d)) if year.len() == 4 => NaiveDate::from_ymd_opt(y, m, d),
        _ => None,
    };
    Some(real.map_or_else(|| format!("{day}/{month}/{year}"), |date| date.format("%Y-%m-%d").to_string()))
}

/// The day, month and year boxes for a stored date answer: the inverse of
/// what a three-box post stores.
pub fn date_parts(stored: &str) -> [String; 3] {
    if let Ok(date) = NaiveDate::parse_from_str(stored, "%Y-%m-%d") {
        return [date.format("%-d").to_string(), date.format("%-m").to_string(), date.format("%Y").to_string()];
    }
    let mut parts = stored.splitn(3, '/').map(str::to_owned);
    [(); 3].map(|()| parts.next().unwrap_or_default())
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
    fn a_date_comes_as_the_nhs_three_boxes() {
        let visit = form().page("visit").unwrap();
        let post = |day: &str, month: &str, year: &str| {
            let mut raw = complete_feedback();
            visit.apply(
                &mut raw,
                &pairs(&[("visit_date-day", day), ("visit_date-month", month), ("visit_date-year", year), ("visit_time", "morning")]),
            );
            raw
        };
        let raw = post(" 7 ", "11", "2026");
        assert_eq!(raw.one("visit_date"), Some("2026-11-07"));
        assert!(form().validate(&raw, today()).is_ok());
        for (day, month, year) in [("31", "2", "2026"), ("7", "", "2026"), ("7", "11", "26"), ("x", "11", "2026")] {
            let raw = post(day, month, year);
            let stored = raw.one("visit_date").unwrap().to_owned();
            assert_eq!(date_parts(&stored), [day, month, year], "shown back as typed");
            let problems = form().validate(&raw, today()).unwrap_err();
            assert_eq!(problems[0].field, "visit_date", "{day}/{month}/{year}");
        }
        let blank = post("", "", "");
        assert_eq!(form().validate(&blank, today()).unwrap_err()[0].message, "Enter the date of your visit");
        assert_eq!(date_parts("2026-03-27"), ["27", "3", "2026"]);
        let mut raw = complete_feedback();
        visit.apply(&mut raw, &pairs(&[("visit_date", "2026-11-20"), ("visit_time", "morning")]));
        assert_eq!(raw.one("visit_date"), Some("2026-11-20"), "one ISO field still reads");
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
    fn only_answers_to_questions_still_shown_are_sent() {
        let mut raw = complete_feedback();
        raw.set("shared_with_staff", RawValue::One("no".into()));
        raw.set("not_shared_reason", RawValue::One("No one was free".into()));
        raw.set("concern_types", RawValue::Many(vec!["poor_food".into()]));
        raw.set("contact_ok", RawValue::One("no".into()));
        raw.set("contact_details", RawValue::One("dr.example@nhs.example".into()));
        raw.set("shared_with_staff", RawValue::One("yes".into()));
        raw.set("shared_with_role", RawValue::One("Nurse in charge".into()));
        let asked = form().asked(&raw, today());
        assert!(!asked.0.contains_key("not_shared_reason"), "the answer to a question no longer shown stays behind");
        assert!(!asked.0.contains_key("contact_details"), "no contact after No");
        assert!(!asked.0.contains_key("concern_types"), "no concerns page when every rating is good");
        assert_eq!(asked.one("shared_with_role"), Some("Nurse in charge"));
        assert_eq!(form().validate(&asked, today()), form().validate(&raw, today()), "the same answers, as the server reads them");
        assert_eq!(form().asked(&complete_feedback(), today()), complete_feedback(), "nothing dropped from a form with nothing hidden");
    }

    #[test]
    fn answers_before_a_page_come_from_the_pages_before_it() {
        let answers = form().answers_before("risk", &complete_feedback(), today());
        assert!(answers.get("staffing").is_some());
        assert!(answers.get("risk_of_harm").is_none());
    }
}
