//! A submission in words, as a person reads it: option labels, never codes;
//! a service by its name; and whether it says someone is at immediate risk of
//! harm. The phone's check page, the server's check page and triage all read
//! answers through here, so they cannot come to disagree.

use super::{
    answers::{Answer, Answers},
    definition::{FormDefinition, Question, QuestionKind},
};
use crate::domain::register::CqcLocationId;

impl FormDefinition {
    /// Each answered question with its answer in words, page by page:
    /// (page slug, question, answer text). A service reads as `service_name`
    /// when the caller knows it, and as its CQC location ID otherwise.
    pub fn in_words<'a>(&'a self, answers: &Answers, service_name: Option<&str>) -> Vec<(&'a str, &'a Question, String)> {
        self.pages
            .iter()
            .flat_map(|page| page.questions.iter().map(move |question| (page.slug.as_str(), question)))
            .filter_map(|(slug, question)| {
                let text = match (answers.get(&question.id)?, service_name) {
                    (Answer::Service(_), Some(name)) => name.to_owned(),
                    (answer, _) => answer_text(question, answer),
                };
                Some((slug, question, text))
            })
            .collect()
    }

    /// Whether the answers say someone is at immediate risk of harm: a Yes to
    /// a question the definition marks `risk_of_harm`. The phone then shows
    /// the safeguarding route and triage marks the observation.
    pub fn at_risk_of_harm(&self, answers: &Answers) -> bool {
        self.questions()
            .any(|question| question.kind.marks_risk_of_harm() && matches!(answers.get(&question.id), Some(Answer::YesNo(true))))
    }
}

impl FormDefinition {
    /// The columns of an analyst's export of this version: one per question in
    /// form order, headed by its label; a rating's comment and a tally's
    /// minutes and counts each in a column of their own.
    pub fn export_columns(&self) -> Vec<String> {
        self.questions()
            .flat_map(|question| match &question.kind {
                QuestionKind::Rating { .. } => vec![question.label.clone(), format!("{}: comment", question.label)],
                QuestionKind::Tally { categories, .. } => std::iter::once(format!("{}: minutes", question.label))
                    .chain(categories.iter().map(|category| format!("{}: {}", question.label, category.label)))
                    .collect(),
                _ => vec![question.label.clone()],
            })
            .collect()
    }

    /// One submission's cells under [`Self::export_columns`]: option labels,
    /// dates as YYYY-MM-DD, empty where a question was not asked.
    pub fn export_cells(&self, answers: &Answers) -> Vec<String> {
        self.questions()
            .flat_map(|question| match (&question.kind, answers.get(&question.id)) {
                (QuestionKind::Rating { .. }, Some(Answer::Rating { value, comment })) => {
                    let rating = answer_text(question, &Answer::Rating { value: value.clone(), comment: None });
                    vec![rating, comment.clone().unwrap_or_default()]
                }
                (QuestionKind::Rating { .. }, _) => vec![String::new(), String::new()],
                (QuestionKind::Tally { categories, .. }, Some(Answer::Tally { minutes, counts })) => std::iter::once(minutes.to_string())
                    .chain(
                        categories
                            .iter()
                            .map(|category| counts.iter().find(|(value, _)| *value == category.value).map_or(0, |(_, n)| *n).to_string()),
                    )
                    .collect(),
                (QuestionKind::Tally { categories, .. }, _) => vec![String::new(); categories.len() + 1],
                (_, Some(Answer::Date(date))) => vec![date.to_string()],
                (_, Some(answer)) => vec![answer_text(question, answer)],
                (_, None) => vec![String::new()],
            })
            .collect()
    }
}

impl QuestionKind {
    /// A yes/no question whose Yes means someone is at immediate risk of harm.
    pub fn marks_risk_of_harm(&self) -> bool {
        matches!(self, Self::YesNo { risk_of_harm: true, .. })
    }
}

impl Answers {
    /// The service the answers are about, if one was chosen.
    pub fn service(&self) -> Option<&CqcLocationId> {
        self.iter().find_map(|(_, answer)| match answer {
            Answer::Service(id) => Some(id),
            _ => None,
        })
    }
}

/// An answer as a person reads it: option labels, not codes.
pub fn answer_text(question: &Question, answer: &Answer) -> String {
    let label = |value: &str| {
        question
            .kind
            .options()
            .and_then(|options| options.iter().find(|option| option.value == value))
            .map_or_else(|| value.to_owned(), |option| option.label.clone())
    };
    match answer {
        Answer::Choice(value) => label(value),
        Answer::Choices(values) => values.iter().map(|v| label(v)).collect::<Vec<_>>().join(", "),
        Answer::Rating { value, comment: Some(comment) } => format!("{}: {comment}", label(value)),
        Answer::Rating { value, comment: None } => label(value),
        Answer::Text(text) => text.clone(),
        Answer::Date(date) => date.format("%-d %B %Y").to_string(),
        Answer::YesNo(yes) => if *yes { "Yes" } else { "No" }.to_owned(),
        // The page shows the service's name; the id is what the answer holds.
        Answer::Service(id) => id.as_str().to_owned(),
        Answer::Tally { minutes, counts } => {
            let total: u32 = counts.iter().map(|(_, n)| n).sum();
            let parts: Vec<String> = counts
                .iter()
                .map(|(category, n)| {
                    let label = match &question.kind {
                        QuestionKind::Tally { categories, .. } => {
                            categories.iter().find(|c| &c.value == category).map_or(category.as_str(), |c| c.label.as_str())
                        }
                        _ => category.as_str(),
                    };
                    format!("{label} {n} ({})", percent(*n, total))
                })
                .collect();
            format!("{total} in {}: {}", minutes_text(*minutes), parts.join(", "))
        }
    }
}

/// `n` as a whole-number share of `total`, "0%" when there is nothing to share.
pub fn percent(n: u32, total: u32) -> String {
    match total {
        0 => "0%".to_owned(),
        _ => format!("{}%", (f64::from(n) * 100.0 / f64::from(total)).round()),
    }
}

/// "1 minute", "20 minutes".
pub fn minutes_text(minutes: u32) -> String {
    if minutes == 1 {
        "1 minute".to_owned()
    } else {
        format!("{minutes} minutes")
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::forms::{
        complete_feedback, feedback_form as form, find, test_today as today, FormDefinition, QuestionKind, RawValue,
    };

    #[test]
    fn the_answers_read_in_words() {
        let mut raw = complete_feedback();
        raw.set("staffing", RawValue::One("some_concerns".into()));
        raw.set("staffing_comment", RawValue::One("Call bells slow".into()));
        let answers = form().validate(&raw, today()).unwrap();
        let rows = form().in_words(&answers, None);
        let text = |id: &str| rows.iter().find(|(_, q, _)| q.id == id).map(|(_, _, t)| t.as_str());
        assert_eq!(text("role"), Some("GP"));
        assert_eq!(text("visit_date"), Some("20 November 2026"));
        assert_eq!(text("staffing"), Some("Some concerns: Call bells slow"));
        assert_eq!(text("risk_of_harm"), Some("No"));
        assert_eq!(text("service"), Some("1-000000001"), "no name known: the CQC location ID");
        assert_eq!(rows.iter().find(|(_, q, _)| q.id == "staffing").map(|(s, _, _)| *s), Some("staffing"));
        let named = form().in_words(&answers, Some("Rose House, Puddlecombe"));
        assert_eq!(named.iter().find(|(_, q, _)| q.id == "service").map(|(_, _, t)| t.as_str()), Some("Rose House, Puddlecombe"));
        assert_eq!(answers.service().map(|id| id.as_str()), Some("1-000000001"));
    }

    #[test]
    fn an_export_has_one_column_per_question_with_comments_and_counts_apart() {
        let mut raw = complete_feedback();
        raw.set("staffing", RawValue::One("some_concerns".into()));
        raw.set("staffing_comment", RawValue::One("Call bells slow".into()));
        let answers = form().validate(&raw, today()).unwrap();
        let columns = form().export_columns();
        let cells = form().export_cells(&answers);
        assert_eq!(columns.len(), cells.len());
        let cell = |label: &str| columns.iter().position(|c| c == label).map(|i| cells[i].as_str());
        let staffing = form().question("staffing").unwrap().label.clone();
        assert_eq!(cell(&staffing), Some("Some concerns"));
        assert_eq!(cell(&format!("{staffing}: comment")), Some("Call bells slow"));
        assert_eq!(cell(&form().question("visit_date").unwrap().label), Some("2026-11-20"));
        assert_eq!(cell(&form().question("role").unwrap().label), Some("GP"));

        let quis = find("interaction-observation", 1).unwrap();
        let columns = quis.export_columns();
        assert!(
            columns.iter().any(|c| c.ends_with(": minutes")) && columns.iter().any(|c| c.ends_with(": Positive social")),
            "{columns:?}"
        );
        assert_eq!(quis.export_cells(&Default::default()).len(), columns.len(), "nothing answered: every cell empty");
    }

    #[test]
    fn risk_of_harm_is_the_question_the_definition_marks_whatever_its_id() {
        let mut raw = complete_feedback();
        raw.set("risk_of_harm", RawValue::One("yes".into()));
        let answers = form().validate(&raw, today()).unwrap();
        assert!(form().at_risk_of_harm(&answers));
        assert!(!form().at_risk_of_harm(&form().validate(&complete_feedback(), today()).unwrap()));

        // The same form with the question renamed still marks it: the flag, not the id, counts.
        let json = serde_json::to_string(form())
            .unwrap()
            .replace(r#""id":"risk_of_harm""#, r#""id":"danger_now""#)
            .replace(r#""question":"risk_of_harm""#, r#""question":"danger_now""#);
        let renamed: FormDefinition = serde_json::from_str(&json).unwrap();
        let mut raw = complete_feedback();
        raw.0.remove("risk_of_harm");
        raw.set("danger_now", RawValue::One("yes".into()));
        let answers = renamed.validate(&raw, today()).unwrap();
        assert!(renamed.at_risk_of_harm(&answers));

        // And a yes/no question without the flag, even one named risk_of_harm, does not.
        let mut unmarked = form().clone();
        for page in &mut unmarked.pages {
            for question in &mut page.questions {
                if let QuestionKind::YesNo { risk_of_harm, .. } = &mut question.kind {
                    *risk_of_harm = false;
                }
            }
        }
        let mut raw = complete_feedback();
        raw.set("risk_of_harm", RawValue::One("yes".into()));
        assert!(!unmarked.at_risk_of_harm(&unmarked.validate(&raw, today()).unwrap()));
    }
}
