//! The inbox (`/triage`): open observations, most urgent first, with the
//! filters that narrow them.

use app::domain::{device::ProfessionalRole, register::RegisterQuery};
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use chrono::Utc;

use super::{
    filter::{InboxParams, PER_PAGE},
    pages,
};
use crate::http::{error::AppError, staff::Staff, AppState};

pub async fn inbox(
    Staff(staff): Staff,
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let params = InboxParams::from_pairs(&pairs);
    let (filter, problems, status) = match params.filter(staff.user.id) {
        Ok(filter) => (filter, Vec::new(), StatusCode::OK),
        Err(problems) => (Default::default(), problems, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let page = state.store.inbox(&filter, params.page, PER_PAGE).await?;
    let services = state
        .store
        .search_register(&RegisterQuery::new(""), 10_000)
        .await?
        .services
        .into_iter()
        .map(|service| (service.location_id.as_str().to_owned(), service.name_and_town()))
        .collect();
    let view = pages::InboxView {
        staff: &staff,
        params: &params,
        problems,
        page,
        per_page: PER_PAGE,
        services,
        roles: ProfessionalRole::options(),
        targets: state.response_targets,
        now: Utc::now(),
    };
    Ok((status, pages::inbox(view)).into_response())
}
