//! The admin's pages, drawn on the server in the shared shell.

use crate::http::pages::{document, problems_summary, when};

mod forms;

pub use forms::{forms, FormsView};
