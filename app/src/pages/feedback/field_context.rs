//! What every field of a question page draws from: the page, the answers as
//! typed, the problems, today's date and the safeguarding route. Its own file
//! so the fields and the tally both read it without importing each other.

use crate::domain::{
    forms::{Condition, Page, Question, RawAnswers, RawValue},
    FieldError,
};

/// Everything a field needs to draw itself.
#[derive(Clone)]
pub struct FieldContext {
    pub page: Page,
    pub values: RawAnswers,
    pub problems: Vec<FieldError>,
    pub today: String,
    pub safeguarding: String,
}

impl FieldContext {
    pub(crate) fn values_of(&self, field: &str) -> Vec<String> {
        match self.values.0.get(field) {
            Some(RawValue::One(value)) => vec![value.clone()],
            Some(RawValue::Many(values)) => values.clone(),
            None => Vec::new(),
        }
    }

    pub(crate) fn value_of(&self, field: &str) -> String {
        self.values_of(field).into_iter().next().unwrap_or_default()
    }

    pub(crate) fn error_of(&self, field: &str) -> Option<String> {
        self.problems.iter().find(|p| p.field == field).map(|p| p.message.clone())
    }

    /// Questions on this page shown under `question`'s answer `value`.
    pub(crate) fn follow_ups(&self, question: &str, value: &str) -> Vec<Question> {
        self.page
            .questions
            .iter()
            .filter(|q| matches!(&q.show_when, Some(Condition::AnswerIn { question: on, values }) if on == question && values.iter().any(|v| v == value)))
            .cloned()
            .collect()
    }

    /// Whether `question` is drawn inside another question on this page.
    pub fn is_follow_up(&self, question: &Question) -> bool {
        matches!(&question.show_when, Some(Condition::AnswerIn { question: on, .. }) if self.page.questions.iter().any(|q| &q.id == on))
    }
}
