//! What a form definition holds: pages of questions, each of a kind, with
//! conditions that show or hide them and flags that raise the severity.

use serde::{Deserialize, Serialize};

use super::severity::Severity;

/// A form's stable machine name, such as `professional-feedback`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FormId(String);

impl FormId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormDefinition {
    pub id: FormId,
    /// A submission is validated against the exact version it was filled in on.
    pub version: u32,
    pub title: String,
    /// Said once, on the first page: what the form is for.
    #[serde(default)]
    pub description: Option<String>,
    pub pages: Vec<Page>,
}

/// One page of the journey: usually one question, plus its follow-ups.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// The page's address segment, e.g. `visit-date`.
    pub slug: String,
    /// The page heading (the question, when the page has one).
    pub title: String,
    pub questions: Vec<Question>,
    /// Shown only when this holds; otherwise skipped.
    #[serde(default)]
    pub show_when: Option<Condition>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// The answer's key in submissions; never changes within a form id.
    pub id: String,
    pub label: String,
    /// A short name for summaries and severity reasons, e.g. "staffing".
    pub short_label: String,
    #[serde(default)]
    pub hint: Option<String>,
    pub kind: QuestionKind,
    #[serde(default)]
    pub required: bool,
    /// The error shown when a required answer is missing, in the NHS style
    /// ("Select …", "Enter …").
    #[serde(default)]
    pub required_message: Option<String>,
    /// Asked only when this holds; otherwise not asked and not kept.
    #[serde(default)]
    pub show_when: Option<Condition>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    /// Radios: one of the options.
    SingleChoice { options: Vec<Choice> },
    /// Checkboxes: any of the options.
    MultipleChoice { options: Vec<Choice> },
    /// Radios on a scale, with an optional free-text comment.
    Rating { options: Vec<Choice>, comment_label: String, comment_max_chars: usize },
    /// Free text of at most `max_chars` characters.
    Text {
        max_chars: usize,
        #[serde(default)]
        multiline: bool,
    },
    /// A date that may not be in the future.
    Date,
    /// Yes or no; follow-up questions use `show_when` on this answer.
    YesNo {
        #[serde(default)]
        yes_flag: Option<Flag>,
    },
    /// A service from the register, by CQC location ID.
    ServicePicker,
}

/// One option of a choice or rating.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    #[serde(default)]
    pub hint: Option<String>,
    /// Choosing this option raises the submission's severity.
    #[serde(default)]
    pub flag: Option<Flag>,
}

/// A severity and the words that explain it, e.g. red, "Serious concerns".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    pub severity: Severity,
    pub reason: String,
}

/// When a page or question is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// The answer to `question` is one of `values` (for yes/no: "yes" or "no").
    AnswerIn { question: String, values: Vec<String> },
    /// Any of these holds.
    Any(Vec<Condition>),
}

impl FormDefinition {
    /// Every question, page by page.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.pages.iter().flat_map(|page| page.questions.iter())
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().find(|question| question.id == id)
    }

    pub fn page(&self, slug: &str) -> Option<&Page> {
        self.pages.iter().find(|page| page.slug == slug)
    }

    /// Checks the definition itself: unique ids and slugs, conditions that
    /// name earlier questions and real values, options on every choice.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        let mut seen: Vec<&Question> = Vec::new();
        let mut slugs = Vec::new();
        for page in &self.pages {
            if slugs.contains(&page.slug.as_str()) {
                problems.push(format!("page slug {} is used twice", page.slug));
            }
            slugs.push(&page.slug);
            if let Some(condition) = &page.show_when {
                check_condition(condition, &seen, &mut problems);
            }
            for question in &page.questions {
                if seen.iter().any(|earlier| earlier.id == question.id) {
                    problems.push(format!("question id {} is used twice", question.id));
                }
                if let Some(condition) = &question.show_when {
                    check_condition(condition, &seen, &mut problems);
                }
                if question.required && question.required_message.is_none() {
                    problems.push(format!("{} is required but has no required_message", question.id));
                }
                if question.kind.options().is_some_and(<[Choice]>::is_empty) {
                    problems.push(format!("{} has no options", question.id));
                }
                seen.push(question);
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
}

fn check_condition(condition: &Condition, earlier: &[&Question], problems: &mut Vec<String>) {
    match condition {
        Condition::Any(conditions) => conditions.iter().for_each(|c| check_condition(c, earlier, problems)),
        Condition::AnswerIn { question, values } => match earlier.iter().find(|q| &q.id == question) {
            None => problems.push(format!("a condition names {question}, which is not an earlier question")),
            Some(q) => {
                for value in values {
                    if !q.kind.accepts_value(value) {
                        problems.push(format!("a condition on {question} names {value}, which it cannot answer"));
                    }
                }
            }
        },
    }
}

impl QuestionKind {
    /// The options of a choice or rating question.
    pub fn options(&self) -> Option<&[Choice]> {
        match self {
            Self::SingleChoice { options } | Self::MultipleChoice { options } | Self::Rating { options, .. } => {
                Some(options)
            }
            _ => None,
        }
    }

    fn accepts_value(&self, value: &str) -> bool {
        match self {
            Self::YesNo { .. } => matches!(value, "yes" | "no"),
            _ => self.options().is_some_and(|options| options.iter().any(|o| o.value == value)),
        }
    }
}
