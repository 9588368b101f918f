//! The pages of a service's picture over time (`/triage/services/{id}`) and
//! of the services flagged for a pattern of concerns (`/triage/services`).

use app::domain::register::CqcLocationId;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use chrono::Utc;

use super::{pages, picture::picture};
use crate::http::{error::AppError, staff::Staff, AppState};

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
    let picture = picture(&state, &service).await?;
    let view = pages::ServiceView { staff: &staff, service, picture };
    Ok(pages::service(view).into_response())
}
