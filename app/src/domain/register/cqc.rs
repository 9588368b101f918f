//! What the Care Quality Commission says about a service: its location ID and ratings.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::field::FieldError;

/// A CQC location ID such as `1-123456789`: "1-" and then digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CqcLocationId(String);

impl CqcLocationId {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let value = raw.trim();
        let digits = value.strip_prefix("1-").unwrap_or("");
        let well_formed = (1..=12).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
        if well_formed {
            Ok(Self(value.to_owned()))
        } else {
            Err(FieldError::new("location_id", format!("\"{value}\" is not a CQC location ID like 1-123456789")))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A CQC rating, overall or for one key question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CqcRating {
    Outstanding,
    Good,
    RequiresImprovement,
    Inadequate,
}

impl CqcRating {
    pub const ALL: [CqcRating; 4] = [Self::Outstanding, Self::Good, Self::RequiresImprovement, Self::Inadequate];

    pub fn code(self) -> &'static str {
        match self {
            Self::Outstanding => "outstanding",
            Self::Good => "good",
            Self::RequiresImprovement => "requires_improvement",
            Self::Inadequate => "inadequate",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Outstanding => "Outstanding",
            Self::Good => "Good",
            Self::RequiresImprovement => "Requires improvement",
            Self::Inadequate => "Inadequate",
        }
    }

    /// Parses a rating for `field`; an empty value means "not yet rated".
    pub fn parse_optional(field: &str, raw: &str) -> Result<Option<Self>, FieldError> {
        let wanted = raw.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        if wanted.is_empty() {
            return Ok(None);
        }
        Self::ALL.into_iter().find(|rating| rating.code() == wanted).map(Some).ok_or_else(|| {
            FieldError::new(field, format!("\"{}\" is not one of outstanding, good, requires_improvement, inadequate", raw.trim()))
        })
    }
}

/// The CQC's ratings of a service: overall and for each of the five key questions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CqcRatings {
    pub overall: Option<CqcRating>,
    pub safe: Option<CqcRating>,
    pub effective: Option<CqcRating>,
    pub caring: Option<CqcRating>,
    pub responsive: Option<CqcRating>,
    pub well_led: Option<CqcRating>,
    /// The date the ratings were published.
    pub rated_on: Option<NaiveDate>,
}

impl CqcRatings {
    /// The five key questions with their labels, in CQC's order.
    pub fn key_questions(&self) -> [(&'static str, Option<CqcRating>); 5] {
        [
            ("Safe", self.safe),
            ("Effective", self.effective),
            ("Caring", self.caring),
            ("Responsive", self.responsive),
            ("Well-led", self.well_led),
        ]
    }

    /// Parses a rating date written as YYYY-MM-DD; empty means none.
    pub fn parse_rated_on(raw: &str) -> Result<Option<NaiveDate>, FieldError> {
        let value = raw.trim();
        if value.is_empty() {
            return Ok(None);
        }
        // chrono also reads signed and five-digit years, which would be stored
        // but never read back; CQC's ratings began in the 2010s.
        NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .ok()
            .filter(|date| (2000..=9999).contains(&chrono::Datelike::year(date)))
            .map(Some)
            .ok_or_else(|| FieldError::new("rated_on", format!("\"{value}\" is not a date like 2024-03-31")))
    }

    /// A rating without a date (or a date without a rating) cannot be shown honestly.
    pub fn check_dated(self) -> Result<Self, FieldError> {
        let any_rating = self.overall.is_some() || self.key_questions().iter().any(|(_, r)| r.is_some());
        match (any_rating, self.rated_on) {
            (true, None) => Err(FieldError::new("rated_on", "is required when there is a rating")),
            (false, Some(_)) => Err(FieldError::new("overall", "is required when there is a rating date")),
            _ => Ok(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_ids_are_one_dash_digits() {
        assert!(CqcLocationId::parse("1-123456789").is_ok());
        assert_eq!(CqcLocationId::parse(" 1-42 ").unwrap().as_str(), "1-42");
        for bad in ["", "1-", "2-123", "1-12a", "123456789", "1-1234567890123"] {
            let err = CqcLocationId::parse(bad).unwrap_err();
            assert_eq!(err.field, "location_id", "{bad}");
        }
    }

    #[test]
    fn ratings_parse_and_blank_means_unrated() {
        assert_eq!(CqcRating::parse_optional("safe", "Requires improvement").unwrap(), Some(CqcRating::RequiresImprovement));
        assert_eq!(CqcRating::parse_optional("safe", "").unwrap(), None);
        assert_eq!(CqcRating::parse_optional("safe", "Excellent").unwrap_err().field, "safe");
    }

    #[test]
    fn rating_dates_are_iso() {
        assert!(CqcRatings::parse_rated_on("2024-02-29").unwrap().is_some());
        assert_eq!(CqcRatings::parse_rated_on("29/02/2024").unwrap_err().field, "rated_on");
        assert_eq!(CqcRatings::parse_rated_on("+10000-01-01").unwrap_err().field, "rated_on", "a year the store could not read back");
    }

    #[test]
    fn a_rating_needs_a_date() {
        let ratings = CqcRatings { overall: Some(CqcRating::Good), ..Default::default() };
        assert_eq!(ratings.check_dated().unwrap_err().field, "rated_on");
        assert!(CqcRatings::default().check_dated().is_ok());
    }
}
