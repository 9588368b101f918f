//! The error every field parser returns, so the browser and the server report
//! bad input the same way: which field, and what is wrong with it.

use serde::{Deserialize, Serialize};

/// A bad value for one named field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {message}")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's machine name, as in the CSV header or the form.
    pub field: String,
    /// What is wrong, in words a person can act on.
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self { field: field.to_owned(), message: message.into() }
    }
}

/// Trims `raw` and checks it is non-empty, at most `max` characters, and free of
/// control characters (which have no place in a name and can hide text).
pub fn parse_line_of_text(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(field, format!("must be {max} characters or fewer")));
    }
    if value.chars().any(char::is_control) {
        return Err(FieldError::new(field, "must not contain control characters"));
    }
    Ok(value.to_owned())
}

/// Whether prose (a note, a reply) holds a control character other than a
/// line break or a tab. Like a name's, such characters can hide text; and
/// PostgreSQL cannot store a NUL at all, so refusing them here keeps both
/// databases answering the same (a 422 naming the field, never a 500).
pub fn has_control_characters(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed() {
        assert_eq!(parse_line_of_text("name", "  Oak House ", 10).unwrap(), "Oak House");
    }

    #[test]
    fn empty_text_is_required() {
        let err = parse_line_of_text("name", "   ", 10).unwrap_err();
        assert_eq!(err, FieldError::new("name", "is required"));
    }

    #[test]
    fn long_text_is_refused_by_characters_not_bytes() {
        assert!(parse_line_of_text("name", "ééééé", 5).is_ok());
        assert!(parse_line_of_text("name", "éééééé", 5).is_err());
    }

    #[test]
    fn prose_may_break_lines_but_holds_no_other_control_characters() {
        assert!(!has_control_characters("First line\r\nsecond\tline"));
        assert!(has_control_characters("Hidden\u{0}text"));
        assert!(has_control_characters("Bell\u{7}"));
    }

    #[test]
    fn control_characters_are_refused() {
        assert!(parse_line_of_text("name", "Oak\u{0}House", 50).is_err());
        assert!(parse_line_of_text("name", "Oak\nHouse", 50).is_err());
    }
}
