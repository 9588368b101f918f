//! Answers: as they arrive ([`RawAnswers`], the shape of an HTML form post and
//! of the app's JSON), and once parsed against a definition ([`Answers`]).
//! Parsing is validation: the browser and the server run this same code.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::definition::{Condition, FormDefinition, Page, Question, QuestionKind, TextInput};
use crate::domain::{field::FieldError, register::CqcLocationId};

/// The oldest visit date accepted, in days before today.
pub const MAX_VISIT_AGE_DAYS: u64 = 366;

/// Field name → value(s), as posted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RawAnswers(pub BTreeMap<String, RawValue>);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum RawValue {
    One(String),
    Many(Vec<String>),
}

impl RawValue {
    fn values(&self) -> Vec<&str> {
        match self {
            Self::One(value) => vec![value.as_str()],
            Self::Many(values) => values.iter().map(String::as_str).collect(),
        }
    }
}

impl RawAnswers {
    /// The non-blank values posted for `field`.
    fn values(&self, field: &str) -> Vec<&str> {
        self.0.get(field).map(RawValue::values).unwrap_or_default().into_iter().filter(|value| !value.trim().is_empty()).collect()
    }

    /// The single value given for `field`, if it was given as one.
    pub fn one(&self, field: &str) -> Option<&str> {
        match self.0.get(field) {
            Some(RawValue::One(value)) => Some(value),
            _ => None,
        }
    }

    /// Sets one field, as a page of the journey does.
    pub fn set(&mut self, field: &str, value: RawValue) {
        self.0.insert(field.to_owned(), value);
    }
}

/// A parsed answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Answer {
    Choice(String),
    Choices(Vec<String>),
    Rating {
        value: String,
        comment: Option<String>,
    },
    Text(String),
    Date(NaiveDate),
    YesNo(bool),
    Service(CqcLocationId),
    /// A timed tally: the period and the count in each category, in the definition's order.
    Tally {
        minutes: u32,
        counts: Vec<(String, u32)>,
    },
}

/// The answers of a submission, valid for its form definition.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(BTreeMap<String, Answer>);

impl Answers {
    pub fn get(&self, question: &str) -> Option<&Answer> {
        self.0.get(question)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Answer)> {
        self.0.iter()
    }

    /// The value conditions compare: a choice, a rating, or "yes"/"no".
    fn comparable(&self, question: &str) -> Vec<&str> {
        match self.0.get(question) {
            Some(Answer::Choice(value) | Answer::Rating { value, .. }) => vec![value.as_str()],
            Some(Answer::Choices(values)) => values.iter().map(String::as_str).collect(),
            Some(Answer::YesNo(yes)) => vec![if *yes { "yes" } else { "no" }],
            _ => Vec::new(),
        }
    }
}

impl Condition {
    pub fn holds(&self, answers: &Answers) -> bool {
        match self {
            Self::AnswerIn { question, values } => answers.comparable(question).iter().any(|answer| values.iter().any(|v| v == answer)),
            Self::Any(conditions) => conditions.iter().any(|condition| condition.holds(answers)),
        }
    }
}

fn shown(condition: Option<&Condition>, answers: &Answers) -> bool {
    condition.is_none_or(|condition| condition.holds(answers))
}

impl FormDefinition {
    /// Whether `page` is part of the journey, given the answers so far.
    pub fn page_is_shown(&self, page: &Page, answers: &Answers) -> bool {
        shown(page.show_when.as_ref(), answers)
    }

    /// Only the answers to questions the journey now shows: what a phone
    /// sends. A "Why not?" typed before switching to "Yes" stays in the
    /// draft (switching back finds it) but never leaves the phone. Questions
    /// are walked as `validate` walks them, so a follow-up on the same page
    /// as its trigger is judged by that trigger's answer.
    pub fn asked(&self, raw: &RawAnswers, today: NaiveDate) -> RawAnswers {
        let mut answers = Answers::default();
        let mut kept = RawAnswers::default();
        for page in &self.pages {
            if !self.page_is_shown(page, &answers) {
                continue;
            }
            for question in &page.questions {
                if !shown(question.show_when.as_ref(), &answers) {
                    continue;
                }
                for field in question.fields() {
                    if let Some(value) = raw.0.get(&field) {
                        kept.set(&field, value.clone());
                    }
                }
                if let Ok(Some(answer)) = parse_answer(question, raw, today) {
                    answers.0.insert(question.id.clone(), answer);
                }
            }
        }
        kept
    }

    /// Parses every answer of a whole submission. Answers to questions that
    /// are not shown (a follow-up whose trigger changed) are dropped; a field
    /// the form does not have is an error.
    pub fn validate(&self, raw: &RawAnswers, today: NaiveDate) -> Result<Answers, Vec<FieldError>> {
        let mut answers = Answers::default();
        let mut problems = Vec::new();
        for page in &self.pages {
            if !self.page_is_shown(page, &answers) {
                continue;
            }
            self.validate_questions(page, raw, today, &mut answers, &mut problems);
        }
        for field in raw.0.keys() {
            if !self.has_field(field) {
                problems.push(FieldError::new(field, "is not a question on this form"));
            }
        }
        if problems.is_empty() {
            Ok(answers)
        } else {
            Err(problems)
        }
    }

    /// Parses the answers of one page, given the valid answers to the pages before it.
    pub fn validate_page(&self, page: &Page, raw: &RawAnswers, today: NaiveDate, earlier: &Answers) -> Result<Answers, Vec<FieldError>> {
        let mut answers = earlier.clone();
        let mut problems = Vec::new();
        self.validate_questions(page, raw, today, &mut answers, &mut problems);
        if problems.is_empty() {
            Ok(answers)
        } else {
            Err(problems)
        }
    }

    fn validate_questions(&self, page: &Page, raw: &RawAnswers, today: NaiveDate, answers: &mut Answers, problems: &mut Vec<FieldError>) {
        for question in &page.questions {
            answers.0.remove(&question.id);
            if !shown(question.show_when.as_ref(), answers) {
                continue;
            }
            match parse_answer(question, raw, today) {
                Ok(Some(answer)) => {
                    answers.0.insert(question.id.clone(), answer);
                }
                Ok(None) if question.required => problems.push(FieldError::new(
                    &question.id,
                    question.required_message.clone().unwrap_or_else(|| "Answer this question".to_owned()),
                )),
                Ok(None) => {}
                Err(problem) => problems.push(problem),
            }
        }
    }

    fn has_field(&self, field: &str) -> bool {
        self.questions().any(|question| {
            question.id == field
                || (matches!(question.kind, QuestionKind::Rating { .. }) && comment_field(&question.id) == field)
                || matches!(&question.kind, QuestionKind::Tally { categories, .. }
                    if categories.iter().any(|category| tally_field(&question.id, &category.value) == field))
        })
    }
}

/// The field that holds a tally's count for one category.
pub fn tally_field(question: &str, category: &str) -> String {
    format!("{question}_{category}")
}

/// The most events one category of a tally may count.
pub const MAX_TALLY: u32 = 999;

/// The field that holds a rating's comment.
pub fn comment_field(question: &str) -> String {
    format!("{question}_comment")
}

/// `Ok(None)` when the question was not answered.
fn parse_answer(question: &Question, raw: &RawAnswers, today: NaiveDate) -> Result<Option<Answer>, FieldError> {
    let id = question.id.as_str();
    let values = raw.values(id);
    let single = || -> Result<Option<&str>, FieldError> {
        match values.as_slice() {
            [] => Ok(None),
            [value] => Ok(Some(value.trim())),
            _ => Err(FieldError::new(id, "Give one answer only")),
        }
    };
    let chosen = |value: &str, options: &[super::Choice]| -> Result<String, FieldError> {
        options
            .iter()
            .find(|option| option.value == value)
            .map(|option| option.value.clone())
            .ok_or_else(|| FieldError::new(id, "Select one of the options"))
    };
    Ok(match &question.kind {
        QuestionKind::SingleChoice { options } => match single()? {
            None => None,
            Some(value) => Some(Answer::Choice(chosen(value, options)?)),
        },
        QuestionKind::MultipleChoice { options } => {
            let mut picked = Vec::new();
            for value in &values {
                let value = chosen(value.trim(), options)?;
                if !picked.contains(&value) {
                    picked.push(value);
                }
            }
            (!picked.is_empty()).then_some(Answer::Choices(picked))
        }
        QuestionKind::Rating { options, comment_max_chars, comment_required_for, comment_required_message, .. } => match single()? {
            None => None,
            Some(value) => {
                let value = chosen(value, options)?;
                let field = comment_field(id);
                let comment = match raw.values(&field).as_slice() {
                    [] => None,
                    [text] => Some(parse_text(&field, text, *comment_max_chars, true)?),
                    _ => return Err(FieldError::new(&field, "Give one comment only")),
                };
                if comment.as_deref().is_none_or(str::is_empty) && comment_required_for.contains(&value) {
                    let message = comment_required_message.clone().unwrap_or_else(|| "Enter what you saw".to_owned());
                    return Err(FieldError::new(&field, message));
                }
                Some(Answer::Rating { value, comment })
            }
        },
        QuestionKind::Text { max_chars, multiline, input } => match single()? {
            None => None,
            Some(text) => {
                let text = parse_text(id, text, *max_chars, *multiline)?;
                check_input(id, &text, *input)?;
                Some(Answer::Text(text))
            }
        },
        QuestionKind::Date => match single()? {
            None => None,
            Some(text) => Some(Answer::Date(parse_visit_date(id, text, today)?)),
        },
        QuestionKind::YesNo { .. } => match single()? {
            None => None,
            Some("yes") => Some(Answer::YesNo(true)),
            Some("no") => Some(Answer::YesNo(false)),
            Some(_) => return Err(FieldError::new(id, "Select yes or no")),
        },
        QuestionKind::Tally { categories, max_minutes } => match single()? {
            None => None,
            Some(text) => {
                let minutes = match text.parse::<u32>() {
                    Ok(minutes) if (1..=*max_minutes).contains(&minutes) => minutes,
                    _ => {
                        return Err(FieldError::new(id, format!("Enter the period as a whole number of minutes, from 1 to {max_minutes}")))
                    }
                };
                let mut counts = Vec::new();
                for category in categories {
                    let field = tally_field(id, &category.value);
                    let count = match raw.values(&field).as_slice() {
                        [] => 0,
                        [text] => match text.trim().parse::<u32>() {
                            Ok(count) if count <= MAX_TALLY => count,
                            _ => return Err(FieldError::new(&field, format!("Enter a whole number from 0 to {MAX_TALLY}"))),
                        },
                        _ => return Err(FieldError::new(&field, "Give one count only")),
                    };
                    counts.push((category.value.clone(), count));
                }
                Some(Answer::Tally { minutes, counts })
            }
        },
        QuestionKind::ServicePicker => match single()? {
            None => None,
            Some(text) => {
                Some(Answer::Service(CqcLocationId::parse(text).map_err(|_| FieldError::new(id, "Select a service from the register"))?))
            }
        },
    })
}

/// Free text: trimmed, at most `max` characters, no control characters other
/// than line breaks and tabs in multi-line answers.
fn parse_text(field: &str, raw: &str, max: usize, multiline: bool) -> Result<String, FieldError> {
    let text = raw.trim().replace("\r\n", "\n");
    let allowed = |c: char| !c.is_control() || (multiline && matches!(c, '\n' | '\t'));
    if !text.chars().all(allowed) {
        return Err(FieldError::new(field, "Remove the special characters"));
    }
    let length = text.chars().count();
    if length > max {
        return Err(FieldError::new(field, format!("Must be {max} characters or fewer (you have {length})")));
    }
    Ok(text)
}

/// An email address or phone number in a form someone could use, in the NHS
/// words for each. Not proof it is theirs: a typing slip is what this catches.
fn check_input(field: &str, text: &str, input: TextInput) -> Result<(), FieldError> {
    match (input.fits(text), input) {
        (true, _) | (_, TextInput::Plain) => Ok(()),
        (false, TextInput::Email) => Err(FieldError::new(field, "Enter an email address in the correct format, like name@example.com")),
        (false, TextInput::Phone) => {
            Err(FieldError::new(field, "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"))
        }
    }
}

impl TextInput {
    /// Whether `text` has the form of what this box holds.
    pub fn fits(self, text: &str) -> bool {
        match self {
            Self::Plain => true,
            Self::Email => text.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.split('.').count() >= 2
                    && domain.split('.').all(|part| !part.is_empty())
                    && !text.chars().any(char::is_whitespace)
            }),
            Self::Phone => {
                let digits = text.chars().filter(char::is_ascii_digit).count();
                text.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '(' | ')' | '-')) && (10..=15).contains(&digits)
            }
        }
    }
}

fn parse_visit_date(field: &str, raw: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    let date =
        NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| FieldError::new(field, "Enter a real date, with day, month and year"))?;
    if date > today {
        return Err(FieldError::new(field, "The date of your visit must be today or in the past"));
    }
    if today - chrono::Days::new(MAX_VISIT_AGE_DAYS) > date {
        return Err(FieldError::new(field, "The date of your visit must be within the last year"));
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::forms::{complete_feedback, find, PROFESSIONAL_FEEDBACK};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn validate(raw: &RawAnswers) -> Result<Answers, Vec<FieldError>> {
        find(PROFESSIONAL_FEEDBACK, 1).unwrap().validate(raw, today())
    }

    fn with(changes: &[(&str, &str)]) -> RawAnswers {
        let mut raw = complete_feedback();
        for (field, value) in changes {
            raw.set(field, RawValue::One((*value).to_owned()));
        }
        raw
    }

    fn fields(problems: &[FieldError]) -> Vec<&str> {
        problems.iter().map(|p| p.field.as_str()).collect()
    }

    #[test]
    fn version_3_takes_an_email_address_or_a_phone_number_each_in_its_own_box() {
        let form = find(PROFESSIONAL_FEEDBACK, 3).unwrap();
        let mut base = complete_feedback();
        base.0.remove("contact_ok");
        let answer = |by: &str, field: &str, value: &str| {
            let mut raw = base.clone();
            raw.set("contact_by", RawValue::One(by.to_owned()));
            raw.set(field, RawValue::One(value.to_owned()));
            form.validate(&raw, today())
        };
        for email in ["gp@example.org", "dr.a.example+visits@nhs.example.net"] {
            let answers = answer("email", "contact_email", email).unwrap();
            assert_eq!(answers.get("contact_email"), Some(&Answer::Text(email.to_owned())));
        }
        for typo in ["gp at example.org", "gp@example", "@example.org", "gp@@example.org", "gp@example..org", "g p@example.org"] {
            let problems = answer("email", "contact_email", typo).unwrap_err();
            assert_eq!(fields(&problems), ["contact_email"], "{typo}");
            assert_eq!(problems[0].message, "Enter an email address in the correct format, like name@example.com");
        }
        for phone in ["07700 900 982", "+44 808 157 0192", "(01632) 960-001"] {
            assert!(answer("phone", "contact_phone", phone).is_ok(), "{phone}");
        }
        for typo in ["call the surgery", "0770090", "07700 900 982 ext 4", "0770090098212345678"] {
            let problems = answer("phone", "contact_phone", typo).unwrap_err();
            assert_eq!(fields(&problems), ["contact_phone"], "{typo}");
            assert!(problems[0].message.starts_with("Enter a phone number, like"));
        }
        let problems = answer("email", "contact_phone", "07700 900 982").unwrap_err();
        assert_eq!((fields(&problems), problems[0].message.as_str()), (vec!["contact_email"], "Enter your email address"));
        // "No": a box typed in before is neither required nor kept.
        let answers = answer("no", "contact_email", "gp@example.org").unwrap();
        assert_eq!(answers.get("contact_email"), None);
    }

    #[test]
    fn a_complete_form_is_valid() {
        let answers = validate(&complete_feedback()).unwrap();
        assert_eq!(answers.get("appearance"), Some(&Answer::Rating { value: "good".into(), comment: None }));
        assert_eq!(answers.get("risk_of_harm"), Some(&Answer::YesNo(false)));
    }

    #[test]
    fn every_missing_required_answer_is_reported_with_its_message() {
        let problems = validate(&RawAnswers::default()).unwrap_err();
        assert_eq!(
            fields(&problems),
            [
                "service",
                "visit_date",
                "visit_time",
                "role",
                "organisation",
                "appearance",
                "environment",
                "interaction",
                "staffing",
                "risk_of_harm",
                "shared_with_staff",
                "contact_ok"
            ]
        );
        assert_eq!(problems[0].message, "Select the service you visited");
    }

    #[test]
    fn blank_answers_count_as_missing() {
        let problems = validate(&with(&[("organisation", "   ")])).unwrap_err();
        assert_eq!(problems, [FieldError::new("organisation", "Enter your organisation")]);
    }

    #[test]
    fn an_option_not_in_the_definition_is_refused() {
        let problems = validate(&with(&[("staffing", "excellent"), ("role", "wizard")])).unwrap_err();
        assert_eq!(fields(&problems), ["role", "staffing"]);
        assert_eq!(problems[0].message, "Select one of the options");
    }

    #[test]
    fn a_follow_up_is_required_only_when_its_trigger_is_answered() {
        let problems = validate(&with(&[("shared_with_staff", "no")])).unwrap_err();
        assert_eq!(fields(&problems), ["not_shared_reason"]);
        let problems = validate(&with(&[("contact_ok", "yes")])).unwrap_err();
        assert_eq!(problems[0].message, "Enter your email address or phone number");
    }

    #[test]
    fn answers_to_hidden_follow_ups_are_dropped() {
        let raw = with(&[("contact_ok", "no"), ("contact_details", "gp@example.org")]);
        assert_eq!(validate(&raw).unwrap().get("contact_details"), None);
    }

    #[test]
    fn concern_types_are_asked_only_when_there_is_a_concern() {
        let raw = with(&[("concern_types", "poor_food")]);
        assert_eq!(validate(&raw).unwrap().get("concern_types"), None);
        let raw = with(&[("environment", "some_concerns"), ("concern_types", "poor_food")]);
        assert_eq!(validate(&raw).unwrap().get("concern_types"), Some(&Answer::Choices(vec!["poor_food".into()])));
    }

    #[test]
    fn checkboxes_take_many_values_without_repeats_and_refuse_unknown_ones() {
        let mut raw = with(&[("environment", "serious_concerns")]);
        let many = |values: &[&str]| RawValue::Many(values.iter().map(|v| (*v).to_owned()).collect());
        raw.set("concern_types", many(&["poor_food", "lack_of_training", "poor_food"]));
        assert_eq!(
            validate(&raw).unwrap().get("concern_types"),
            Some(&Answer::Choices(vec!["poor_food".into(), "lack_of_training".into()]))
        );
        raw.set("concern_types", many(&["poor_food", "bad_vibes"]));
        assert_eq!(fields(&validate(&raw).unwrap_err()), ["concern_types"]);
    }

    #[test]
    fn a_single_answer_question_refuses_two_values() {
        let mut raw = complete_feedback();
        raw.set("visit_time", RawValue::Many(vec!["morning".into(), "night".into()]));
        assert_eq!(validate(&raw).unwrap_err()[0].message, "Give one answer only");
    }

    #[test]
    fn text_longer_than_its_limit_is_refused_with_the_count() {
        let long = "a".repeat(101);
        let problems = validate(&with(&[("organisation", long.as_str())])).unwrap_err();
        assert_eq!(problems[0].message, "Must be 100 characters or fewer (you have 101)");
    }

    #[test]
    fn comments_keep_line_breaks_but_not_other_control_characters() {
        let raw = with(&[("staffing", "some_concerns"), ("staffing_comment", "  Two staff\r\nfor 30 residents ")]);
        assert_eq!(
            validate(&raw).unwrap().get("staffing"),
            Some(&Answer::Rating { value: "some_concerns".into(), comment: Some("Two staff\nfor 30 residents".into()) })
        );
        let raw = with(&[("staffing_comment", "bell\u{7}")]);
        assert_eq!(fields(&validate(&raw).unwrap_err()), ["staffing_comment"]);
        let raw = with(&[("organisation", "Line\nbreak")]);
        assert_eq!(fields(&validate(&raw).unwrap_err()), ["organisation"]);
    }

    #[test]
    fn serious_concerns_need_a_comment_from_version_2_and_version_1_keeps_its_own_rule() {
        let v2 = find(PROFESSIONAL_FEEDBACK, 2).unwrap();
        for comment in [None, Some("   ")] {
            let mut raw = with(&[("staffing", "serious_concerns")]);
            if let Some(comment) = comment {
                raw.set("staffing_comment", RawValue::One(comment.into()));
            }
            let problems = v2.validate(&raw, today()).unwrap_err();
            assert_eq!(problems, [FieldError::new("staffing_comment", "Describe what you saw: serious concerns need the detail")]);
            assert!(validate(&raw).is_ok(), "version 1 asked for no comment, and a form begun on it is still accepted");
        }
        let raw = with(&[("staffing", "serious_concerns"), ("staffing_comment", "One carer for 20 residents at lunch")]);
        assert!(v2.validate(&raw, today()).is_ok());
        assert!(v2.validate(&with(&[("staffing", "some_concerns")]), today()).is_ok(), "some concerns: the comment stays optional");
    }

    #[test]
    fn a_definition_whose_required_comment_names_no_option_is_refused() {
        let mut definition = find(PROFESSIONAL_FEEDBACK, 2).unwrap().clone();
        let rating = definition.pages.iter_mut().flat_map(|p| p.questions.iter_mut()).find(|q| q.id == "staffing").unwrap();
        if let QuestionKind::Rating { comment_required_for, comment_required_message, .. } = &mut rating.kind {
            comment_required_for.push("dreadful".into());
            *comment_required_message = None;
        }
        let problems = definition.check().unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert!(fields.iter().any(|f| f.ends_with("kind.comment_required_for[1]")), "{fields:?}");
        assert!(fields.iter().any(|f| f.ends_with("kind.comment_required_message")), "{fields:?}");
    }

    #[test]
    fn hostile_text_is_kept_as_text() {
        let script = "<script>alert('x')</script>";
        let raw = with(&[("staffing_comment", script)]);
        let answers = validate(&raw).unwrap();
        assert_eq!(answers.get("staffing"), Some(&Answer::Rating { value: "good".into(), comment: Some(script.into()) }));
    }

    #[test]
    fn visit_dates_must_be_real_past_and_recent() {
        for (date, message) in [
            ("2026-02-30", "Enter a real date, with day, month and year"),
            ("23/11/2026", "Enter a real date, with day, month and year"),
            ("2026-11-24", "The date of your visit must be today or in the past"),
            ("2025-11-01", "The date of your visit must be within the last year"),
        ] {
            let problems = validate(&with(&[("visit_date", date)])).unwrap_err();
            assert_eq!(problems, [FieldError::new("visit_date", message)], "{date}");
        }
        assert!(validate(&with(&[("visit_date", "2026-11-23")])).is_ok());
    }

    #[test]
    fn yes_no_takes_only_yes_or_no() {
        let problems = validate(&with(&[("risk_of_harm", "maybe")])).unwrap_err();
        assert_eq!(problems, [FieldError::new("risk_of_harm", "Select yes or no")]);
    }

    #[test]
    fn the_service_must_be_a_cqc_location_id() {
        let problems = validate(&with(&[("service", "Oak House")])).unwrap_err();
        assert_eq!(problems, [FieldError::new("service", "Select a service from the register")]);
    }

    #[test]
    fn a_field_the_form_does_not_have_is_refused() {
        let raw = with(&[("resident_name", "Jane"), ("appearance_comment", "fine")]);
        assert_eq!(validate(&raw).unwrap_err(), [FieldError::new("resident_name", "is not a question on this form")]);
    }

    #[test]
    fn one_page_is_validated_on_top_of_earlier_answers() {
        let form = find(PROFESSIONAL_FEEDBACK, 1).unwrap();
        let page = form.page("shared").unwrap();
        let raw = with(&[("shared_with_staff", "yes"), ("shared_with_role", "")]);
        let problems = form.validate_page(page, &raw, today(), &Answers::default()).unwrap_err();
        assert_eq!(fields(&problems), ["shared_with_role"]);
    }
}
