//! Accounts that log in with a password: the commissioning unit's staff, who
//! triage observations, and care homes' own ("providers"), who read and
//! answer what was shared with their homes. Professionals have no account:
//! their devices enrol.

use serde::{Deserialize, Serialize};

use super::field::{parse_line_of_text, FieldError};

/// Shortest password accepted; length beats complexity rules (NCSC guidance).
pub const MIN_PASSWORD_CHARS: usize = 12;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Commissioner,
    Admin,
    /// A care home's own account, for the services it is given.
    Provider,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Self::Commissioner => "commissioner",
            Self::Admin => "admin",
            Self::Provider => "provider",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Self::Commissioner, Self::Admin, Self::Provider].into_iter().find(|role| role.code() == code)
    }
}

/// A login name: an email address, compared without case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let value = parse_line_of_text("email", raw, 254).map_err(|_| FieldError::new("email", "Enter your email address"))?;
        let well_formed = value
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !value.contains(char::is_whitespace));
        if !well_formed {
            return Err(FieldError::new("email", "Enter an email address in the correct format, like name@example.org"));
        }
        Ok(Self(value.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A staff member's name as shown in the audit trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffName(String);

impl StaffName {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        parse_line_of_text("name", raw, 100).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_and_compared_without_case() {
        assert_eq!(Email::parse(" Jo.Bloggs@Example.ORG ").unwrap().as_str(), "jo.bloggs@example.org");
        assert_eq!(Email::parse("").unwrap_err().message, "Enter your email address");
        for bad in ["jo", "@example.org", "jo@example", "jo bloggs@example.org"] {
            assert_eq!(Email::parse(bad).unwrap_err().field, "email", "{bad}");
        }
    }

    #[test]
    fn roles_parse_from_their_codes() {
        assert_eq!(Role::parse("admin"), Some(Role::Admin));
        assert_eq!(Role::parse("commissioner"), Some(Role::Commissioner));
        assert_eq!(Role::parse("professional"), None);
    }
}
