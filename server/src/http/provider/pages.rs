//! A home's own pages (`/provider`), drawn on the server in the shared shell.

use crate::http::pages::{checklist_summary, document, problems_summary, severity_tag, summary_row_owned, when, SummaryHeading};

mod home;
mod self_assessment;

pub use home::{provider_home, provider_not_found, provider_observation, ProviderProblem};
pub use self_assessment::{self_assessment, self_assessment_form, self_assessments, SelfAssessmentForm};
