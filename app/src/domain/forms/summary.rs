//! A checklist's own summary, computed from its answers by a rule its
//! definition names: each rating in form order (grouped where the questions
//! say so) and an overall rating. Shown in triage next to the answers.

use serde::{Deserialize, Serialize};

use super::{
    answers::{Answer, Answers},
    definition::{FormDefinition, QuestionKind, SummaryRule},
    words::{minutes_text, percent},
};

/// A summary as a person reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Summary {
    pub title: String,
    /// (group, if any; what was rated; the rating's label)
    pub rows: Vec<SummaryRow>,
    /// (what the overall is called; its rating's label), when anything was rated.
    pub overall: Option<SummaryRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SummaryRow {
    pub group: Option<String>,
    pub label: String,
    pub value: String,
}

impl FormDefinition {
    /// The summary its rule gives for these answers; `None` for forms without one.
    pub fn summarise(&self, answers: &Answers) -> Option<Summary> {
        let (title, overall_label) = match self.summary.as_ref()? {
            SummaryRule::Ratings { title, overall_label } => (title, overall_label),
            SummaryRule::Tally { title } => return self.summarise_tally(title, answers),
        };
        let mut rows = Vec::new();
        // (index of the option in its list, its label): higher is worse.
        let mut lowest: Option<(usize, String)> = None;
        for question in self.questions() {
            let (QuestionKind::Rating { options, .. }, Some(Answer::Rating { value, .. })) = (&question.kind, answers.get(&question.id))
            else {
                continue;
            };
            let Some((index, option)) = options.iter().enumerate().find(|(_, option)| option.value == *value) else { continue };
            rows.push(SummaryRow { group: question.group.clone(), label: question.short_label.clone(), value: option.label.clone() });
            if !option.not_rated && lowest.as_ref().is_none_or(|(worst, _)| index > *worst) {
                lowest = Some((index, option.label.clone()));
            }
        }
        let overall = overall_label.as_ref().zip(lowest).map(|(label, (_, value))| SummaryRow { group: None, label: label.clone(), value });
        Some(Summary { title: title.clone(), rows, overall })
    }
}

impl FormDefinition {
    fn summarise_tally(&self, title: &str, answers: &Answers) -> Option<Summary> {
        let (categories, minutes, counts) = self.questions().find_map(|question| match (&question.kind, answers.get(&question.id)) {
            (QuestionKind::Tally { categories, .. }, Some(Answer::Tally { minutes, counts })) => Some((categories, minutes, counts)),
            _ => None,
        })?;
        let total: u32 = counts.iter().map(|(_, n)| n).sum();
        let rows = counts
            .iter()
            .map(|(value, n)| SummaryRow {
                group: None,
                label: categories.iter().find(|c| &c.value == value).map_or_else(|| value.clone(), |c| c.label.clone()),
                value: format!("{n} ({})", percent(*n, total)),
            })
            .collect();
        let overall =
            SummaryRow { group: None, label: "Interactions observed".to_owned(), value: format!("{total} in {}", minutes_text(*minutes)) };
        Some(Summary { title: title.to_owned(), rows, overall: Some(overall) })
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::forms::{find, RawAnswers, RawValue};

    fn summary_of(form_id: &str, ratings: &[(&str, &str)]) -> super::Summary {
        let form = find(form_id, 1).unwrap();
        let mut raw = RawAnswers::default();
        raw.set("service", RawValue::One("1-000000001".into()));
        for question in form.questions() {
            if let Some(options) = question.kind.options() {
                raw.set(&question.id, RawValue::One(options[0].value.clone()));
            }
        }
        raw.set("visit_date", RawValue::One("2026-11-20".into()));
        if form.question("risk_of_harm").is_some() {
            raw.set("risk_of_harm", RawValue::One("no".into()));
        }
        for (id, value) in ratings {
            raw.set(id, RawValue::One((*value).into()));
        }
        let answers = form.validate(&raw, chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()).unwrap();
        form.summarise(&answers).unwrap()
    }

    #[test]
    fn a_quality_audit_is_summarised_by_domain_with_the_lowest_rating_overall() {
        let summary = summary_of("quality-audit", &[("staffing", "requires_improvement"), ("management", "good")]);
        assert_eq!(summary.title, "Domain ratings");
        let rows: Vec<(&str, &str)> = summary.rows.iter().map(|r| (r.label.as_str(), r.value.as_str())).collect();
        assert_eq!(
            rows,
            [
                ("involvement and information", "Excellent"),
                ("personalised care", "Excellent"),
                ("safeguarding and safety", "Excellent"),
                ("staffing", "Requires improvement"),
                ("management", "Good"),
            ]
        );
        assert_eq!(summary.overall.unwrap().value, "Requires improvement");
        assert_eq!(summary_of("quality-audit", &[]).overall.unwrap().value, "Excellent");
        assert_eq!(summary_of("quality-audit", &[("involvement", "poor")]).overall.unwrap().value, "Poor");
    }

    #[test]
    fn indicators_not_seen_do_not_count_towards_the_overall() {
        let all_unseen: Vec<(&str, &str)> = find("experts-by-experience", 1)
            .unwrap()
            .questions()
            .filter(|q| q.kind.options().is_some_and(|o| o.iter().any(|c| c.value == "not_observed")))
            .map(|q| (q.id.as_str(), "not_observed"))
            .collect();
        let mut ratings = all_unseen.clone();
        ratings[0].1 = "good";
        assert_eq!(summary_of("experts-by-experience", &ratings).overall.unwrap().value, "Good", "the one indicator seen");
        assert_eq!(summary_of("experts-by-experience", &all_unseen).overall, None, "nothing seen, nothing to sum up");
    }

    #[test]
    fn my_home_life_themes_are_grouped() {
        let summary = summary_of("my-home-life", &[("end_of_life", "not_started")]);
        let groups: Vec<&str> = summary.rows.iter().map(|r| r.group.as_deref().unwrap()).collect();
        assert_eq!(groups, ["Personalise", "Personalise", "Personalise", "Navigate", "Navigate", "Navigate", "Transform", "Transform"]);
        assert_eq!(summary.overall.unwrap().value, "Not started yet");
        assert!(find("professional-feedback", 1).unwrap().summary.is_none());
    }

    #[test]
    fn a_quis_tally_is_summarised_as_counts_and_shares_and_negative_restrictive_is_amber() {
        let form = find("interaction-observation", 1).unwrap();
        let mut raw = RawAnswers::default();
        for (field, value) in [
            ("service", "1-000000001"),
            ("visit_date", "2026-11-20"),
            ("quis", "20"),
            ("quis_positive_social", "6"),
            ("quis_basic_care", "3"),
            ("quis_neutral", "1"),
            ("risk_of_harm", "no"),
        ] {
            raw.set(field, RawValue::One(field_value(value)));
        }
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let answers = form.validate(&raw, today).unwrap();
        let summary = form.summarise(&answers).unwrap();
        let rows: Vec<(&str, &str)> = summary.rows.iter().map(|r| (r.label.as_str(), r.value.as_str())).collect();
        assert_eq!(
            rows,
            [
                ("Positive social", "6 (60%)"),
                ("Basic care", "3 (30%)"),
                ("Neutral", "1 (10%)"),
                ("Negative protective", "0 (0%)"),
                ("Negative restrictive", "0 (0%)")
            ]
        );
        assert_eq!(summary.overall.unwrap().value, "10 in 20 minutes");
        assert_eq!(form.assess(&answers).severity, crate::domain::forms::Severity::Green);

        raw.set("quis_negative_restrictive", RawValue::One("2".into()));
        let assessment = form.assess(&form.validate(&raw, today).unwrap());
        assert_eq!(
            (assessment.severity, assessment.reason.as_str()),
            (crate::domain::forms::Severity::Amber, "Negative restrictive interactions seen: interactions")
        );

        raw.set("quis", RawValue::One("0".into()));
        raw.set("quis_neutral", RawValue::One("-1".into()));
        let fields: Vec<String> = form.validate(&raw, today).unwrap_err().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["quis"], "the period is checked first");
        raw.set("quis", RawValue::One("20".into()));
        let fields: Vec<String> = form.validate(&raw, today).unwrap_err().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["quis_neutral"]);
    }

    fn field_value(value: &str) -> String {
        value.to_owned()
    }
}
