//! What the unit knows of a service from its observations: counts by
//! severity, open work, the pattern flag, each area's ratings by month, the
//! latest observations and the newest of each checklist. The service page and
//! the JSON API both show it.

use app::domain::{
    forms::{self, Severity, Summary},
    register::{CqcLocationId, Service},
    triage::{Status, CHARTED_AREAS},
};
use chrono::Utc;

use crate::{
    http::{error::AppError, AppState},
    store::{AreaMonth, InboxFilter, InboxItem, StoredSubmission},
};

/// Observations listed on a service's page, newest first.
const LISTED: u32 = 50;

/// What the unit knows of a service from its observations.
pub struct Picture {
    pub by_severity: Vec<(Severity, u64)>,
    /// Observations not yet closed.
    pub open: u64,
    /// Why the service is flagged, if it is.
    pub pattern: Option<String>,
    pub ratings: Vec<AreaMonth>,
    pub recent: Vec<InboxItem>,
    /// The newest submission of each checklist, with its summary.
    pub checklists: Vec<LatestChecklist>,
}

/// The newest submission of one checklist about a service.
pub struct LatestChecklist {
    pub form_title: String,
    pub submission: StoredSubmission,
    pub summary: Summary,
}

/// The counts, the flag, the monthly ratings per area and the latest observations of one service.
pub async fn picture(state: &AppState, service: &Service) -> Result<Picture, AppError> {
    let everything = InboxFilter { service: Some(service.location_id.clone()), statuses: Status::ALL.to_vec(), ..InboxFilter::default() };
    let mut by_severity = Vec::new();
    for severity in [Severity::Red, Severity::Amber, Severity::Green] {
        let filter = InboxFilter { severities: vec![severity], ..everything.clone() };
        by_severity.push((severity, state.store.inbox(&filter, 1, 1).await?.total));
    }
    let open_filter = InboxFilter { statuses: vec![Status::New, Status::Triaged, Status::Action], ..everything };
    let open = state.store.inbox(&open_filter, 1, 1).await?.total;
    let rule = state.pattern_rule;
    let pattern = state
        .store
        .flagged_services(rule.since(Utc::now()), rule.threshold)
        .await?
        .into_iter()
        .find(|(flagged, _, _)| *flagged == service.location_id)
        .map(|(_, _, count)| rule.describe(count));
    let areas: Vec<&str> = CHARTED_AREAS.iter().map(|(area, _)| *area).collect();
    let ratings = state.store.area_ratings(&service.location_id, &areas).await?;
    let recent = state.store.service_observations(&service.location_id, LISTED).await?;
    let checklists = latest_checklists(state, &service.location_id).await?;
    Ok(Picture { by_severity, open, pattern, ratings, recent, checklists })
}

/// For each form whose definition names a summary rule, its newest submission
/// about the service, summarised by the version it was sent on.
async fn latest_checklists(state: &AppState, service: &CqcLocationId) -> Result<Vec<LatestChecklist>, AppError> {
    let mut summarised: Vec<&str> =
        forms::definitions().into_iter().filter(|form| form.summary.is_some()).map(|form| form.id.as_str()).collect();
    summarised.sort_unstable();
    summarised.dedup();
    let mut latest = Vec::new();
    for form_id in summarised {
        let Some(submission) = state.store.latest_submission(service, form_id).await? else { continue };
        let Some(summary) = submission.checklist_summary() else { continue };
        let form_title =
            forms::find(&submission.form_id, submission.form_version).map_or_else(|| form_id.to_owned(), |form| form.title.clone());
        latest.push(LatestChecklist { form_title, submission, summary });
    }
    Ok(latest)
}
