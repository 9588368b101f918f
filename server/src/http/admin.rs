//! What an admin does over HTTP: publishing form versions (as JSON, or by
//! uploading the file on `/triage/forms`).

use axum::Router;

use super::AppState;

pub(super) mod forms;
mod pages;

pub fn router() -> Router<AppState> {
    forms::router()
}
