//! What a form definition holds: pages of questions, each of a kind, with
//! conditions that show or hide them, flags that raise the severity, and the
//! rule a checklist's summary follows. The behaviour built on it (validation,
//! severity, summary, words) lives beside it and imports it, never the reverse.

use serde::{Deserialize, Serialize};

use crate::domain::FieldError;

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
    /// How a checklist sums itself up in triage; none for the feedback form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<SummaryRule>,
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
    /// A heading that groups questions in a checklist's summary ("Personalise").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    /// Radios: one of the options.
    SingleChoice { options: Vec<Choice> },
    /// Checkboxes: any of the options.
    MultipleChoice { options: Vec<Choice> },
    /// Radios on a scale, with a free-text comment: optional, except after the
    /// options in `comment_required_for` (a "Serious concerns" with no detail
    /// gives a commissioner nothing to act on).
    Rating {
        options: Vec<Choice>,
        comment_label: String,
        comment_max_chars: usize,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        comment_required_for: Vec<String>,
        /// The error when a required comment is missing, in the NHS style.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment_required_message: Option<String>,
    },
    /// Free text of at most `max_chars` characters.
    Text {
        max_chars: usize,
        #[serde(default)]
        multiline: bool,
        /// An email address or a phone number: checked as one, and typed on
        /// the phone's email or phone keyboard.
        #[serde(default, skip_serializing_if = "TextInput::is_plain")]
        input: TextInput,
    },
    /// A date that may not be in the future.
    Date,
    /// Yes or no; follow-up questions use `show_when` on this answer.
    YesNo {
        #[serde(default)]
        yes_flag: Option<Flag>,
        /// A Yes means someone is at immediate risk of harm: the phone shows
        /// the local safeguarding route at once and triage marks the observation.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        risk_of_harm: bool,
    },
    /// A service from the register, by CQC location ID.
    ServicePicker,
    /// A timed observation that counts events into categories (QuIS): the
    /// answer is the period in minutes, in the question's own field, and a
    /// count per category in `{id}_{category}`.
    Tally { categories: Vec<Choice>, max_minutes: u32 },
}

/// What a one-line text answer holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextInput {
    #[default]
    Plain,
    Email,
    Phone,
}

impl TextInput {
    pub fn is_plain(&self) -> bool {
        *self == Self::Plain
    }
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
    /// An answer such as "Not seen on this visit", left out of summaries' overall.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_rated: bool,
}

/// A severity and the words that explain it, e.g. red, "Serious concerns".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    pub severity: Severity,
    pub reason: String,
}

/// Ordered so that `max` is the most urgent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Severity {
    Green,
    Amber,
    Red,
}

impl Severity {
    pub fn code(self) -> &'static str {
        match self {
            Self::Green => "green",
            Self::Amber => "amber",
            Self::Red => "red",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Self::Green, Self::Amber, Self::Red].into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Green => "Green",
            Self::Amber => "Amber",
            Self::Red => "Red",
        }
    }
}

/// How a definition's summary is worked out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SummaryRule {
    /// Every rating question's answer; the overall is the lowest rating given
    /// (options run best first), leaving out options marked `not_rated`. An
    /// audit is only as strong as its weakest domain.
    Ratings {
        /// The summary's heading, e.g. "Domain ratings".
        title: String,
        /// What the overall is called, e.g. "Overall (the lowest domain rating)".
        overall_label: Option<String>,
    },
    /// A timed tally's counts with each one's share of the total.
    Tally { title: String },
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

    /// The page that asks for `field`: a question's own id, or a field named
    /// after it (`staffing_comment`, a tally's `quis__positive_social`).
    pub fn page_of_field(&self, field: &str) -> Option<&Page> {
        self.pages.iter().find(|page| {
            page.questions.iter().any(|q| field == q.id || field.strip_prefix(q.id.as_str()).is_some_and(|rest| rest.starts_with('_')))
        })
    }

    /// Checks the definition itself and reports every problem, each at its
    /// place in the file (`pages[2].questions[0].id`): ids and slugs that are
    /// well-formed and unique, text where a person will read it, options on
    /// every choice, limits on free text, conditions that name earlier
    /// questions and values they can take, and one service picker, because
    /// every observation is about one service.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut problems = Vec::new();
        let mut problem = |field: String, message: String| problems.push(FieldError::new(&field, message));
        if !is_code(self.id.as_str(), '-') {
            problem("id".into(), "Give the form an id of lowercase letters, digits and hyphens".into());
        }
        if self.version == 0 {
            problem("version".into(), "Number versions from 1".into());
        }
        if self.title.trim().is_empty() {
            problem("title".into(), "Give the form a title".into());
        }
        if self.pages.is_empty() {
            problem("pages".into(), "A form needs at least one page".into());
        }
        let mut seen: Vec<&Question> = Vec::new();
        let mut slugs: Vec<&str> = Vec::new();
        for (p, page) in self.pages.iter().enumerate() {
            let at = format!("pages[{p}]");
            if !is_code(&page.slug, '-') {
                problem(format!("{at}.slug"), "Give the page a slug of lowercase letters, digits and hyphens".into());
            } else if slugs.contains(&page.slug.as_str()) {
                problem(format!("{at}.slug"), format!("The slug {} is used by an earlier page", page.slug));
            }
            slugs.push(&page.slug);
            if page.title.trim().is_empty() {
                problem(format!("{at}.title"), "Give the page a title".into());
            }
            if page.questions.is_empty() {
                problem(format!("{at}.questions"), "A page needs at least one question".into());
            }
            if let Some(condition) = &page.show_when {
                check_condition(condition, &seen, &format!("{at}.show_when"), &mut problem);
            }
            for (q, question) in page.questions.iter().enumerate() {
                let at = format!("{at}.questions[{q}]");
                if !is_code(&question.id, '_') {
                    problem(format!("{at}.id"), "Give the question an id of lowercase letters, digits and underscores".into());
                } else if seen.iter().any(|earlier| earlier.id == question.id) {
                    problem(format!("{at}.id"), format!("The id {} is used by an earlier question", question.id));
                }
                for (field, text) in [("label", &question.label), ("short_label", &question.short_label)] {
                    if text.trim().is_empty() {
                        problem(format!("{at}.{field}"), format!("Give the question a {}", field.replace('_', " ")));
                    }
                }
                if question.required && question.required_message.as_deref().is_none_or(|m| m.trim().is_empty()) {
                    problem(format!("{at}.required_message"), "A required question needs the message shown when it is missing".into());
                }
                if let Some(condition) = &question.show_when {
                    check_condition(condition, &seen, &format!("{at}.show_when"), &mut problem);
                }
                check_kind(&question.kind, &format!("{at}.kind"), &mut problem);
                seen.push(question);
            }
        }
        match &self.summary {
            Some(SummaryRule::Ratings { .. }) if !seen.iter().any(|q| matches!(q.kind, QuestionKind::Rating { .. })) => {
                problem("summary".into(), "A summary of ratings needs at least one rating question".into());
            }
            Some(SummaryRule::Tally { .. }) if !seen.iter().any(|q| matches!(q.kind, QuestionKind::Tally { .. })) => {
                problem("summary".into(), "A tally summary needs a tally question".into());
            }
            _ => {}
        }
        let pickers = seen.iter().filter(|q| matches!(q.kind, QuestionKind::ServicePicker)).count();
        if !self.pages.is_empty() && pickers != 1 {
            problem("pages".into(), format!("A form needs exactly one service picker, which is required; this one has {pickers}"));
        } else if seen.iter().any(|q| matches!(q.kind, QuestionKind::ServicePicker) && (!q.required || q.show_when.is_some())) {
            problem("pages".into(), "The service picker must be required and always asked".into());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

/// The longest free text a definition may allow.
pub const MAX_TEXT_LIMIT: usize = 10_000;

fn check_kind(kind: &QuestionKind, at: &str, problem: &mut impl FnMut(String, String)) {
    // A report of risk of harm must reach someone at once: it is red, so it raises an alert.
    if let QuestionKind::YesNo { risk_of_harm: true, yes_flag } = kind {
        if yes_flag.as_ref().map(|flag| flag.severity) != Some(Severity::Red) {
            problem(format!("{at}.yes_flag"), "A risk-of-harm question must flag a Yes as red".into());
        }
    }
    if let QuestionKind::Tally { max_minutes, .. } = kind {
        if !(1..=24 * 60).contains(max_minutes) {
            problem(format!("{at}.max_minutes"), "Allow a period of between 1 minute and 24 hours".into());
        }
    }
    let (options, name) = match kind {
        QuestionKind::Tally { categories, .. } => (Some(categories.as_slice()), "categories"),
        _ => (kind.options(), "options"),
    };
    if let Some(options) = options {
        let at = format!("{at}.{name}");
        if options.is_empty() {
            problem(at.clone(), "Give the question at least one option".into());
        }
        let mut values: Vec<&str> = Vec::new();
        for (o, option) in options.iter().enumerate() {
            if !is_code(&option.value, '_') {
                problem(format!("{at}[{o}].value"), "Give the option a value of lowercase letters, digits and underscores".into());
            } else if values.contains(&option.value.as_str()) {
                problem(format!("{at}[{o}].value"), format!("The value {} is used by an earlier option", option.value));
            }
            values.push(&option.value);
            if option.label.trim().is_empty() {
                problem(format!("{at}[{o}].label"), "Give the option a label".into());
            }
        }
    }
    if let QuestionKind::Rating { options, comment_required_for, comment_required_message, .. } = kind {
        for (n, value) in comment_required_for.iter().enumerate() {
            if !options.iter().any(|option| &option.value == value) {
                problem(format!("{at}.comment_required_for[{n}]"), format!("{value} is not one of the question's options"));
            }
        }
        if !comment_required_for.is_empty() && comment_required_message.as_deref().is_none_or(|m| m.trim().is_empty()) {
            problem(
                format!("{at}.comment_required_message"),
                "A comment that is sometimes required needs the message shown when it is missing".into(),
            );
        }
    }
    let limit = match kind {
        QuestionKind::Text { max_chars, .. } => Some(("max_chars", *max_chars)),
        QuestionKind::Rating { comment_max_chars, .. } => Some(("comment_max_chars", *comment_max_chars)),
        _ => None,
    };
    if let Some((field, chars)) = limit {
        if !(1..=MAX_TEXT_LIMIT).contains(&chars) {
            problem(format!("{at}.{field}"), format!("Allow between 1 and {MAX_TEXT_LIMIT} characters"));
        }
    }
}

/// Lowercase ASCII letters and digits joined by `joiner`, not starting with it.
fn is_code(text: &str, joiner: char) -> bool {
    !text.is_empty()
        && text.len() <= 60
        && !text.starts_with(joiner)
        && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == joiner)
}

fn check_condition(condition: &Condition, earlier: &[&Question], at: &str, problem: &mut impl FnMut(String, String)) {
    match condition {
        Condition::Any(conditions) => {
            for (n, condition) in conditions.iter().enumerate() {
                check_condition(condition, earlier, &format!("{at}.any[{n}]"), problem);
            }
        }
        Condition::AnswerIn { question, values } => match earlier.iter().find(|q| &q.id == question) {
            None => problem(format!("{at}.question"), format!("{question} is not an earlier question")),
            Some(q) => {
                for value in values {
                    if !q.kind.accepts_value(value) {
                        problem(format!("{at}.values"), format!("{question} cannot be answered {value}"));
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
            Self::SingleChoice { options } | Self::MultipleChoice { options } | Self::Rating { options, .. } => Some(options),
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
