//! A service's picture over time (`/triage/services/{id}`) and the services
//! flagged for a pattern of concerns (`/triage/services`).

use app::domain::{
    forms::Severity,
    register::CqcLocationId,
    triage::{Status, CHARTED_AREAS},
};
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use chrono::Utc;

use super::{pages, Staff};
use crate::{
    http::{error::AppError, AppState},
    store::InboxFilter,
};

/// Observations listed on a service's page, newest first.
const LISTED: u32 = 50;

pub async fn flagged(Staff(staff): Staff, State(state): State<AppState>) -> Result<Response, AppError> {
    let rule = state.pattern_rule;
    let flagged = state.store.flagged_services(rule.since(Utc::now()), rule.threshold).await?;
    Ok(pages::flagged_services(&staff, rule, flagged).into_response())
}

pub async fn service(Staff(staff): Staff, State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, AppError> {
    let found = match CqcLocationId::parse(&id) {
        Ok(id) => state.store.service(&id).await?,
        Err(_) => None,
    };
    let Some(service) = found else {
        return Ok((StatusCode::NOT_FOUND, pages::not_found(&staff)).into_response());
    };
    let everything = InboxFilter {
        service: Some(service.location_id.clone()),
        statuses: Status::ALL.to_vec(),
        ..InboxFilter::default()
    };
    let mut by_severity = Vec::new();
    for severity in [Severity::Red, Severity::Amber, Severity::Green] {
        let filter = InboxFilter { severities: vec![severity], ..everything.clone() };
        by_severity.push((severity, state.store.inbox(&filter, 1, 1).await?.total));
    }
    let open_filter = InboxFilter { statuses: vec![Status::New, Status::Triaged, Status::Action], ..everything.clone() };
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
    let view = pages::ServiceView { staff: &staff, service, by_severity, open, pattern, ratings, recent };
    Ok(pages::service(view).into_response())
}
