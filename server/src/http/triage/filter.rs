//! The inbox's filters as they travel in the address, so a filtered view can
//! be bookmarked, shared and paged through, and works without JavaScript.

use app::domain::{
    forms::Severity,
    register::CqcLocationId,
    triage::{charted_area, Status},
    FieldError,
};
use chrono::{Datelike, NaiveDate};

use crate::store::InboxFilter;

/// Observations per inbox page, on the page and in the JSON API.
pub const PER_PAGE: u32 = 25;

/// Longest search text: far more than any phrase worth searching for, and far
/// below SQLite's limit on a LIKE pattern (50,000 bytes), which answers 500.
const MAX_SEARCH_CHARS: usize = 200;
/// Dates outside these years are typing mistakes (and some are not valid SQL dates).
const MIN_YEAR: i32 = 2000;
const MAX_YEAR: i32 = 9999;

/// The filters exactly as given, to fill the form in again.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InboxParams {
    pub severities: Vec<String>,
    /// "open" (the default), "all", or one status code.
    pub status: String,
    pub service: String,
    pub role: String,
    /// An area rated with concerns, by its question id.
    pub area: String,
    pub mine: bool,
    pub text: String,
    pub from: String,
    pub to: String,
    pub page: u32,
}

impl InboxParams {
    /// Reads the query's pairs; repeated `severity` keys are the ticked boxes.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut params = Self { status: "open".to_owned(), page: 1, ..Self::default() };
        for (key, value) in pairs {
            let value = value.trim().to_owned();
            match key.as_str() {
                "severity" => params.severities.push(value),
                "status" if !value.is_empty() => params.status = value,
                "service" => params.service = value,
                "role" => params.role = value,
                "area" => params.area = value,
                "mine" => params.mine = value == "yes",
                "q" => params.text = value,
                "from" => params.from = value,
                "to" => params.to = value,
                "page" => params.page = value.parse().unwrap_or(1).max(1),
                _ => {}
            }
        }
        params
    }

    /// The store's filter, or a problem per field that cannot be read.
    pub fn filter(&self, me: i64) -> Result<InboxFilter, Vec<FieldError>> {
        let mut problems = Vec::new();
        let severities = self
            .severities
            .iter()
            .filter_map(|code| {
                Severity::parse(code).or_else(|| {
                    problems.push(FieldError::new("severity", "Select red, amber or green"));
                    None
                })
            })
            .collect();
        let statuses = match self.status.as_str() {
            "open" => Vec::new(),
            "all" => Status::ALL.to_vec(),
            code => Status::parse(code).map(|s| vec![s]).unwrap_or_else(|| {
                problems.push(FieldError::new("status", "Select a status from the list"));
                Vec::new()
            }),
        };
        let service = (!self.service.is_empty())
            .then(|| {
                CqcLocationId::parse(&self.service)
                    .map_err(|_| problems.push(FieldError::new("service", "Select a service from the list")))
                    .ok()
            })
            .flatten();
        let area_with_concerns = (!self.area.is_empty())
            .then(|| {
                charted_area(&self.area).map(|(code, _)| code).or_else(|| {
                    problems.push(FieldError::new("area", "Select an area from the list"));
                    None
                })
            })
            .flatten();
        let mut date = |field: &str, raw: &str| {
            (!raw.is_empty())
                .then(|| {
                    NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok().filter(|date| (MIN_YEAR..=MAX_YEAR).contains(&date.year())).or_else(
                        || {
                            problems.push(FieldError::new(field, "Enter a real date"));
                            None
                        },
                    )
                })
                .flatten()
        };
        let received_from = date("from", &self.from);
        let received_to = date("to", &self.to);
        if let (Some(from), Some(to)) = (received_from, received_to) {
            if to < from {
                problems.push(FieldError::new("to", "The end date must be the same as or after the start date"));
            }
        }
        if self.text.chars().count() > MAX_SEARCH_CHARS {
            problems.push(FieldError::new("q", format!("Enter at most {MAX_SEARCH_CHARS} characters to search for")));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(InboxFilter {
            severities,
            statuses,
            service,
            assignee: self.mine.then_some(me),
            role: (!self.role.is_empty()).then(|| self.role.clone()),
            area_with_concerns,
            text: (!self.text.is_empty()).then(|| self.text.clone()),
            received_from,
            received_to,
        })
    }

    /// The address of another page of the same filtered inbox.
    pub fn href(&self, page: u32) -> String {
        let mut pairs: Vec<(&str, &str)> = self.severities.iter().map(|s| ("severity", s.as_str())).collect();
        let fields = [
            ("status", &self.status),
            ("service", &self.service),
            ("role", &self.role),
            ("area", &self.area),
            ("q", &self.text),
            ("from", &self.from),
            ("to", &self.to),
        ];
        pairs.extend(fields.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (*k, v.as_str())));
        if self.mine {
            pairs.push(("mine", "yes"));
        }
        let page = page.to_string();
        pairs.push(("page", &page));
        format!("/triage?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn no_filters_means_every_open_observation() {
        let params = InboxParams::from_pairs(&[]);
        assert_eq!(params.filter(7).unwrap(), InboxFilter::default());
        assert_eq!(params.page, 1);
    }

    #[test]
    fn filters_are_read_from_repeated_keys_and_survive_paging() {
        let params = InboxParams::from_pairs(&pairs(&[
            ("severity", "red"),
            ("severity", "amber"),
            ("status", "new"),
            ("mine", "yes"),
            ("q", "call bell"),
            ("area", "staffing"),
            ("page", "3"),
        ]));
        let filter = params.filter(7).unwrap();
        assert_eq!(filter.severities, vec![Severity::Red, Severity::Amber]);
        assert_eq!(filter.statuses, vec![Status::New]);
        assert_eq!(filter.assignee, Some(7));
        assert_eq!(filter.area_with_concerns, Some("staffing"));
        assert_eq!(params.page, 3);
        assert_eq!(
            InboxParams::from_pairs(
                &serde_urlencoded::from_str::<Vec<(String, String)>>(params.href(4).trim_start_matches("/triage?")).unwrap()
            ),
            InboxParams { page: 4, ..params }
        );
    }

    #[test]
    fn unreadable_filters_name_their_field() {
        let params =
            InboxParams::from_pairs(&pairs(&[("severity", "purple"), ("from", "2026-13-01"), ("status", "lost"), ("area", "roof")]));
        let fields: Vec<String> = params.filter(1).unwrap_err().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["severity", "status", "area", "from"]);
        let backwards = InboxParams::from_pairs(&pairs(&[("from", "2026-11-20"), ("to", "2026-11-01")]));
        assert_eq!(backwards.filter(1).unwrap_err()[0].field, "to");
        let long = InboxParams::from_pairs(&pairs(&[("q", &"a".repeat(50_001)), ("from", "+10000-01-01")]));
        let fields: Vec<String> = long.filter(1).unwrap_err().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["from", "q"]);
    }
}
