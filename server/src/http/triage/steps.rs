//! How a page shows a refused step (`crate::steps`): the status, and the
//! problem on the field at fault with what was typed.

use axum::http::StatusCode;

use super::pages::StepProblem;
use crate::steps::{StepField, StepRefused};

/// The status and problem for the refusal of a step posted from form `step`.
pub fn refusal_on_page(refused: StepRefused, step: &str, note: &str) -> (StatusCode, Option<StepProblem>) {
    let problem = |field: String, message: String| {
        Some(StepProblem { step: step.to_owned(), field, message, note: note.to_owned(), ..Default::default() })
    };
    let note_field = format!("{step}-note");
    match refused {
        StepRefused::NotFound => (StatusCode::NOT_FOUND, None),
        StepRefused::Unknown(message) => (StatusCode::BAD_REQUEST, problem("step".to_owned(), message.to_owned())),
        StepRefused::Invalid(StepField::Officer, message) => {
            (StatusCode::UNPROCESSABLE_ENTITY, problem("assign-officer".to_owned(), message))
        }
        StepRefused::Invalid(StepField::Outcome, message) => {
            (StatusCode::UNPROCESSABLE_ENTITY, problem("outcome-choice".to_owned(), message))
        }
        StepRefused::Invalid(StepField::Note, message) => (StatusCode::UNPROCESSABLE_ENTITY, problem(note_field, message)),
        StepRefused::Conflict(message) => (StatusCode::CONFLICT, problem(note_field, message)),
    }
}
