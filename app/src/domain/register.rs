//! The register of services: care homes and home care providers, each with its
//! CQC location ID and CQC ratings.

mod cqc;

use serde::{Deserialize, Serialize};

pub use cqc::{CqcLocationId, CqcRating, CqcRatings};

use super::field::{parse_line_of_text, FieldError};

/// The longest service name or town we accept; CQC's longest names are about 100.
const MAX_NAME: usize = 200;
const MAX_TOWN: usize = 100;

/// What kind of service this is, as CQC registers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    ResidentialHome,
    NursingHome,
    HomeCare,
}

impl ServiceKind {
    pub const ALL: [ServiceKind; 3] = [Self::ResidentialHome, Self::NursingHome, Self::HomeCare];

    /// The stable code used in CSV files and the database.
    pub fn code(self) -> &'static str {
        match self {
            Self::ResidentialHome => "residential_home",
            Self::NursingHome => "nursing_home",
            Self::HomeCare => "home_care",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ResidentialHome => "Residential home",
            Self::NursingHome => "Nursing home",
            Self::HomeCare => "Home care",
        }
    }

    pub fn is_care_home(self) -> bool {
        !matches!(self, Self::HomeCare)
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let wanted = raw.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Self::ALL
            .into_iter()
            .find(|kind| kind.code() == wanted)
            .ok_or_else(|| FieldError::new("kind", format!("\"{}\" is not one of residential_home, nursing_home, home_care", raw.trim())))
    }
}

/// A service's name as registered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceName(String);

impl ServiceName {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        parse_line_of_text("name", raw, MAX_NAME).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The town a service is in, used for search.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Town(String);

impl Town {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        parse_line_of_text("town", raw, MAX_TOWN).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One service in the register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub location_id: CqcLocationId,
    pub name: ServiceName,
    pub kind: ServiceKind,
    pub town: Town,
    pub ratings: CqcRatings,
}

impl Service {
    /// How a service reads in a summary: "Heron House, Puddlecombe".
    pub fn name_and_town(&self) -> String {
        format!("{}, {}", self.name.as_str(), self.town.as_str())
    }
}

/// A search of the register by name or town.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterQuery {
    text: String,
}

impl RegisterQuery {
    /// Longer queries cannot match any name and would only cost the database work.
    pub const MAX_LEN: usize = 100;

    /// Any text is a valid search; it is trimmed and cut to a sensible length.
    pub fn new(raw: &str) -> Self {
        Self { text: raw.trim().chars().take(Self::MAX_LEN).collect() }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether a service's name or town contains the text, ignoring case:
    /// the offline app's search of its cached register.
    pub fn matches(&self, service: &Service) -> bool {
        let text = self.text.to_lowercase();
        service.name.as_str().to_lowercase().contains(&text) || service.town.as_str().to_lowercase().contains(&text)
    }
}

/// A page of search results and how many services matched in all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterPage {
    /// The search text these results answer, as the server understood it.
    pub query: String,
    pub services: Vec<Service>,
    pub total_matching: u32,
    pub total_in_register: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_from_codes_and_labels() {
        assert_eq!(ServiceKind::parse("home_care").unwrap(), ServiceKind::HomeCare);
        assert_eq!(ServiceKind::parse("Nursing home").unwrap(), ServiceKind::NursingHome);
        assert_eq!(ServiceKind::parse(" residential-home ").unwrap(), ServiceKind::ResidentialHome);
    }

    #[test]
    fn unknown_kind_names_the_field_and_the_choices() {
        let err = ServiceKind::parse("hospital").unwrap_err();
        assert_eq!(err.field, "kind");
        assert!(err.message.contains("hospital"));
        assert!(err.message.contains("home_care"));
    }

    #[test]
    fn search_text_is_trimmed_and_bounded() {
        assert_eq!(RegisterQuery::new("  Ryde ").text(), "Ryde");
        let long = "x".repeat(500);
        assert_eq!(RegisterQuery::new(&long).text().len(), RegisterQuery::MAX_LEN);
    }

    #[test]
    fn names_and_towns_are_required() {
        assert_eq!(ServiceName::parse("").unwrap_err().field, "name");
        assert_eq!(Town::parse(" ").unwrap_err().field, "town");
    }
}
