//! Severity is computed from the answers, never typed in: each option (or a
//! "yes") may carry a flag in the definition, and the worst flag wins.

use serde::{Deserialize, Serialize};

use super::{
    answers::{Answer, Answers},
    definition::{Flag, FormDefinition, Question, QuestionKind, Severity},
};

/// A severity and why: "Serious concerns: staffing; Some concerns: environment",
/// and whether the visitor said someone is at immediate risk of harm (always red).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub severity: Severity,
    pub reason: String,
    #[serde(default)]
    pub risk_of_harm: bool,
}

impl FormDefinition {
    pub fn assess(&self, answers: &Answers) -> Assessment {
        let flagged: Vec<(&Flag, &Question)> =
            self.questions().filter_map(|question| flag_of(question, answers.get(&question.id)?).map(|flag| (flag, question))).collect();
        let Some(severity) = flagged.iter().map(|(flag, _)| flag.severity).max() else {
            return Assessment { severity: Severity::Green, reason: "No concerns raised".to_owned(), risk_of_harm: false };
        };
        // One clause per reason, most urgent first, naming the areas in form order.
        let mut clauses: Vec<(Severity, &str, Vec<&str>)> = Vec::new();
        for (flag, question) in &flagged {
            let area = (!matches!(question.kind, QuestionKind::YesNo { .. })).then_some(question.short_label.as_str());
            match clauses.iter_mut().find(|(_, reason, _)| *reason == flag.reason) {
                Some((_, _, areas)) => areas.extend(area),
                None => clauses.push((flag.severity, &flag.reason, area.into_iter().collect())),
            }
        }
        clauses.sort_by_key(|clause| std::cmp::Reverse(clause.0));
        let reason = clauses
            .iter()
            .map(|(_, reason, areas)| match areas.is_empty() {
                true => (*reason).to_owned(),
                false => format!("{reason}: {}", areas.join(", ")),
            })
            .collect::<Vec<_>>()
            .join("; ");
        Assessment { severity, reason, risk_of_harm: self.at_risk_of_harm(answers) }
    }
}

fn flag_of<'a>(question: &'a Question, answer: &Answer) -> Option<&'a Flag> {
    let option_flag = |value: &str| question.kind.options()?.iter().find(|option| option.value == value)?.flag.as_ref();
    match (&question.kind, answer) {
        (QuestionKind::YesNo { yes_flag, .. }, Answer::YesNo(true)) => yes_flag.as_ref(),
        // The worst flag of a category that counted anything.
        (QuestionKind::Tally { categories, .. }, Answer::Tally { counts, .. }) => categories
            .iter()
            .filter(|category| counts.iter().any(|(value, n)| *value == category.value && *n > 0))
            .filter_map(|category| category.flag.as_ref())
            .max_by_key(|flag| flag.severity),
        (_, Answer::Choice(value) | Answer::Rating { value, .. }) => option_flag(value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::forms::{complete_feedback, find, RawValue, PROFESSIONAL_FEEDBACK};

    fn assess(changes: &[(&str, &str)]) -> Assessment {
        let form = find(PROFESSIONAL_FEEDBACK, 1).unwrap();
        let mut raw = complete_feedback();
        for (field, value) in changes {
            raw.set(field, RawValue::One((*value).to_owned()));
        }
        let answers = form.validate(&raw, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()).unwrap();
        form.assess(&answers)
    }

    #[test]
    fn no_concerns_is_green() {
        assert_eq!(assess(&[]), Assessment { severity: Severity::Green, reason: "No concerns raised".into(), risk_of_harm: false });
    }

    #[test]
    fn not_observed_is_not_a_concern() {
        assert_eq!(assess(&[("appearance", "not_observed")]).severity, Severity::Green);
    }

    #[test]
    fn some_concerns_is_amber_and_names_the_areas() {
        let assessment = assess(&[("environment", "some_concerns"), ("staffing", "some_concerns")]);
        assert_eq!(assessment.severity, Severity::Amber);
        assert_eq!(assessment.reason, "Some concerns: environment, staffing");
    }

    #[test]
    fn serious_concerns_is_red_and_listed_first() {
        let assessment = assess(&[("environment", "some_concerns"), ("staffing", "serious_concerns")]);
        assert_eq!(assessment.severity, Severity::Red);
        assert_eq!(assessment.reason, "Serious concerns: staffing; Some concerns: environment");
    }

    #[test]
    fn a_risk_of_harm_is_red_on_its_own() {
        let assessment = assess(&[("risk_of_harm", "yes")]);
        assert_eq!(assessment, Assessment { severity: Severity::Red, reason: "Immediate risk of harm".into(), risk_of_harm: true });
    }

    #[test]
    fn severity_codes_round_trip() {
        for severity in [Severity::Green, Severity::Amber, Severity::Red] {
            assert_eq!(Severity::parse(severity.code()), Some(severity));
        }
        assert!(Severity::Red > Severity::Amber && Severity::Amber > Severity::Green);
    }
}
