//! Care homes' own accounts ("providers"): what a home may see of what was
//! said about it, its right of reply within a window, and its action plan.
//! Stated once here; the server applies it.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::field::{has_control_characters, FieldError};

/// Days a home has to reply to an observation shared with it: the council
/// quality audits' right of reply, and the server's default (`--reply-window-days`).
pub const DEFAULT_REPLY_WINDOW_DAYS: u32 = 14;

/// The longest reply, and the longest an action's parts may be.
pub const MAX_REPLY_CHARS: usize = 2000;
pub const MAX_ACTION_CHARS: usize = 300;
pub const MAX_ACTION_OWNER_CHARS: usize = 100;

/// Answers that would tell a home who the visitor was: their organisation and
/// how to contact them. Kept from the home on every form and version by the
/// answer's id (a definition stored before this rule cannot carry a flag for it).
pub fn identifies_the_visitor(question_id: &str) -> bool {
    question_id == "organisation" || question_id.starts_with("contact")
}

/// When a reply to an observation shared at `shared_at` is due.
pub fn reply_due(shared_at: DateTime<Utc>, window_days: u32) -> DateTime<Utc> {
    shared_at + Duration::days(i64::from(window_days))
}

/// A reply, checked: there, not too long, and in time.
pub fn parse_reply(raw: &str, due: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<String, FieldError> {
    let Some(due) = due else {
        return Err(FieldError::new("reply", "This was sent to you as a compliment: there is nothing to reply to"));
    };
    if now > due {
        return Err(FieldError::new(
            "reply",
            format!("The time to reply ended on {}. Contact the quality team if you still need to respond.", due.format("%-d %B %Y")),
        ));
    }
    let text = raw.trim();
    if text.is_empty() {
        return Err(FieldError::new("reply", "Enter your reply"));
    }
    if text.chars().count() > MAX_REPLY_CHARS {
        return Err(FieldError::new("reply", format!("Reply must be {MAX_REPLY_CHARS} characters or fewer")));
    }
    if has_control_characters(text) {
        return Err(FieldError::new("reply", "Reply must not contain control characters"));
    }
    Ok(text.to_owned())
}

/// One line of a home's action plan, as entered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAction {
    pub what: String,
    pub who: String,
    pub due_on: NaiveDate,
}

impl NewAction {
    /// Checks every part, so the person sees every problem at once; the date
    /// comes as the NHS three fields (day, month, year).
    pub fn parse(what: &str, who: &str, day: &str, month: &str, year: &str, today: NaiveDate) -> Result<Self, Vec<FieldError>> {
        let mut problems = Vec::new();
        let what = text_part("what", what, MAX_ACTION_CHARS, "Enter what will be done", &mut problems);
        let who = text_part("who", who, MAX_ACTION_OWNER_CHARS, "Enter who will do it (a role, not a name, is enough)", &mut problems);
        let due_on = match parse_day(day, month, year) {
            None => {
                problems.push(FieldError::new("due", "Enter the date it will be done by, like 27 3 2027"));
                None
            }
            Some(date) if date < today => {
                problems.push(FieldError::new("due", "The date it will be done by must be today or in the future"));
                None
            }
            Some(date) => Some(date),
        };
        match (what, who, due_on) {
            (Some(what), Some(who), Some(due_on)) if problems.is_empty() => Ok(Self { what, who, due_on }),
            _ => Err(problems),
        }
    }
}

/// The day an action was done: a real date, not in the future.
pub fn parse_done_on(day: &str, month: &str, year: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    match parse_day(day, month, year) {
        None => Err(FieldError::new("done", "Enter the date it was done, like 27 3 2027")),
        Some(date) if date > today => Err(FieldError::new("done", "The date it was done must be today or in the past")),
        Some(date) => Ok(date),
    }
}

fn text_part(field: &str, raw: &str, max: usize, missing: &str, problems: &mut Vec<FieldError>) -> Option<String> {
    let text = raw.trim();
    if text.is_empty() {
        problems.push(FieldError::new(field, missing));
        None
    } else if text.chars().count() > max {
        problems.push(FieldError::new(field, format!("Must be {max} characters or fewer")));
        None
    } else if has_control_characters(text) {
        problems.push(FieldError::new(field, "Must not contain control characters"));
        None
    } else {
        Some(text.to_owned())
    }
}

fn parse_day(day: &str, month: &str, year: &str) -> Option<NaiveDate> {
    let number = |raw: &str| raw.trim().parse::<u32>().ok();
    let year = i32::try_from(number(year)?).ok().filter(|y| (2000..=2100).contains(y))?;
    NaiveDate::from_ymd_opt(year, number(month)?, number(day)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_home_never_reads_who_the_visitor_was() {
        let hidden: Vec<_> = crate::domain::forms::built_in()
            .iter()
            .flat_map(|form| form.pages.iter().flat_map(|page| page.questions.iter()))
            .map(|question| question.id.as_str())
            .filter(|id| identifies_the_visitor(id))
            .collect();
        for id in ["organisation", "contact_ok", "contact_details", "contact_by", "contact_email", "contact_phone"] {
            assert!(hidden.contains(&id), "{id}");
        }
        assert!(!identifies_the_visitor("role") && !identifies_the_visitor("shared_with_role"));
    }

    #[test]
    fn a_reply_is_taken_only_within_the_window() {
        let shared = at("2026-12-01T10:00:00Z");
        let due = reply_due(shared, DEFAULT_REPLY_WINDOW_DAYS);
        assert_eq!(due, at("2026-12-15T10:00:00Z"));
        assert_eq!(parse_reply(" We have hired two carers. ", Some(due), at("2026-12-15T09:59:00Z")).unwrap(), "We have hired two carers.");
        let late = parse_reply("Sorry", Some(due), at("2026-12-15T10:01:00Z")).unwrap_err();
        assert_eq!(late.field, "reply");
        assert!(late.message.starts_with("The time to reply ended on 15 December 2026."), "{}", late.message);
        assert_eq!(parse_reply("  ", Some(due), shared).unwrap_err().message, "Enter your reply");
        assert!(parse_reply(&"x".repeat(MAX_REPLY_CHARS + 1), Some(due), shared).is_err());
        assert!(parse_reply("Thanks", None, shared).unwrap_err().message.contains("compliment"));
        assert!(parse_reply("Two lines,\r\nboth kept", Some(due), shared).is_ok());
        assert!(parse_reply("Hidden\u{0}text", Some(due), shared).unwrap_err().message.contains("control characters"));
    }

    #[test]
    fn an_action_needs_what_who_and_a_date_not_in_the_past() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let action = NewAction::parse("Rota reviewed weekly", "Registered manager", "31", "1", "2027", today).unwrap();
        assert_eq!(action.due_on, NaiveDate::from_ymd_opt(2027, 1, 31).unwrap());
        let problems = NewAction::parse(" ", "", "1", "12", "2026", today).unwrap_err();
        let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["what", "who", "due"]);
        assert!(problems[2].message.contains("today or in the future"));
        for (day, month, year) in [("31", "2", "2027"), ("", "1", "2027"), ("1", "13", "2027"), ("1", "1", "27")] {
            assert_eq!(NewAction::parse("a", "b", day, month, year, today).unwrap_err()[0].field, "due", "{day}/{month}/{year}");
        }
        assert_eq!(parse_done_on("2", "12", "2026", today).unwrap(), today);
        assert_eq!(parse_done_on("3", "12", "2026", today).unwrap_err().field, "done");
    }
}
