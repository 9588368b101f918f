//! The unit's triage pages, drawn on the server in the shared shell
//! ([`crate::http::pages`]).

use axum::response::Html;
use leptos::prelude::*;

// The shell, for the pages below (`super::document` and so on).
use crate::http::pages::{
    checklist_summary, document, document_with_script, problems_summary, rating_tag, severity_tag, summary_row_owned, when, SummaryHeading,
};
use crate::store::StaffSession;

mod concern;
mod homes;
mod inbox;
mod observation;
mod service;

pub use concern::{concern, concern_item, concern_not_found, concerns, ConcernView};
pub use homes::{homes, HomesView};
pub use inbox::{inbox, InboxView, SinceLastLooked};
pub use observation::{observation, ObservationView, StepProblem};
pub use service::{service, ServiceView};

/// The page for an observation that does not exist (or a mistyped address).
pub fn not_found(staff: &StaffSession) -> Html<String> {
    document(
        "Observation not found",
        Some(staff),
        view! {
            <h1>"Observation not found"</h1>
            <p>"If you typed the web address, check it is correct."</p>
            <p><a href="/triage">"Go to the inbox"</a></p>
        },
    )
}
