//! The page of a service's picture over time (`/triage/services/{id}`).

use super::{pages, picture::picture};
use crate::http::{error::AppError, staff::Staff, AppState};
use app::domain::register::CqcLocationId;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};

pub async fn service(Staff(staff): Staff, State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, AppError> {
    let found = match CqcLocationId::parse(&id) {
        Ok(id) => state.store.service(&id).await?,
        Err(_) => None,
    };
    let Some(service) = found else {
        return Ok((StatusCode::NOT_FOUND, pages::not_found(&staff)).into_response());
    };
    let picture = picture(&state, &service).await?;
    let concerns = state.store.concerns(Some(&service.location_id), false).await?;
    let self_assessments = state.store.self_assessments(std::slice::from_ref(&service.location_id), true).await?;
    let view = pages::ServiceView { staff: &staff, service, picture, concerns, self_assessments };
    Ok(pages::service(view).into_response())
}
