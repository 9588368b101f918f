//! Professionals' devices: enrolled once with an organisation's access code,
//! then identified by a token. No password.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    field::{parse_line_of_text, FieldError},
    forms::{self, QuestionKind},
};

/// A cookie the page's script can read, set beside the device's (HttpOnly)
/// token cookie. It holds nothing secret: it only tells the offline app that
/// this browser enrolled, so a phone that never did is not sent to ask the
/// server who it is (and shown a 401 in its console).
pub const ENROLLED_COOKIE: &str = "chf_enrolled";

/// What a professional gives to enrol a device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EnrolmentRequest {
    pub name: String,
    pub role: String,
    pub access_code: String,
}

/// What the server returns: the token is shown once and kept on the device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Enrolment {
    pub device_id: Uuid,
    pub token: String,
    pub organisation: String,
}

/// A professional's name as they give it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfessionalName(String);

impl ProfessionalName {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        parse_line_of_text("name", raw, 100).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A role from the feedback form's list, so devices and forms agree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfessionalRole(String);

impl ProfessionalRole {
    /// A role's label ("GP") from its code, or the code itself if the form no longer offers it.
    pub fn label_of(code: &str) -> String {
        Self::options().into_iter().find(|(value, _)| value == code).map_or_else(|| code.to_owned(), |(_, label)| label)
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let known = Self::options().iter().any(|(value, _)| value == raw.trim());
        if known {
            Ok(Self(raw.trim().to_owned()))
        } else {
            Err(FieldError::new("role", "Select your role"))
        }
    }

    /// (value, label) of each role, from the latest feedback form.
    pub fn options() -> Vec<(String, String)> {
        forms::latest(forms::PROFESSIONAL_FEEDBACK)
            .and_then(|form| form.question("role"))
            .and_then(|question| match &question.kind {
                QuestionKind::SingleChoice { options } => Some(options.iter().map(|o| (o.value.clone(), o.label.clone())).collect()),
                _ => None,
            })
            .unwrap_or_default()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An organisation's name, as an administrator registers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationName(String);

impl OrganisationName {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        parse_line_of_text("organisation", raw, 100).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_come_from_the_feedback_form() {
        assert!(ProfessionalRole::parse("gp").is_ok());
        assert!(ProfessionalRole::options().iter().any(|(v, l)| v == "paramedic" && l == "Paramedic"));
        assert_eq!(ProfessionalRole::parse("astronaut").unwrap_err().field, "role");
    }

    #[test]
    fn names_are_required() {
        assert_eq!(ProfessionalName::parse(" ").unwrap_err().field, "name");
        assert_eq!(OrganisationName::parse("").unwrap_err().field, "organisation");
    }
}
