//! The inbox (`/triage`): open observations, most urgent first, with the
//! filters that narrow them.

use app::domain::{concerns::RELATED_WITHIN_DAYS, device::ProfessionalRole, forms::Severity, register::RegisterQuery};
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Duration, Utc};

use super::{
    filter::{InboxParams, PER_PAGE},
    pages,
};
use crate::{
    http::{error::AppError, staff::Staff, AppState},
    store::{OverdueCutoffs, StaffSession},
};

/// The most services the inbox's service filter lists by name.
const MAX_LISTED_SERVICES: u32 = 500;

/// How far back "since you last looked" reaches for someone who never has.
const FIRST_LOOK_DAYS: i64 = 7;

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
    let now = Utc::now();
    let page = state.store.inbox(&filter, params.page, PER_PAGE).await?;
    let since = since_last_looked(&state, &staff, now).await?;
    let ids: Vec<_> = page.items.iter().map(|item| item.id).collect();
    let hints = state.store.grouping_hints(&ids, now - Duration::days(RELATED_WITHIN_DAYS)).await?;
    // A list of every service suits a unit's few hundred homes; over England's
    // 15,000 it would be most of the page (and of its time), so the filter takes an ID.
    let services = if state.store.register_size().await? <= MAX_LISTED_SERVICES {
        state
            .store
            .search_register(&RegisterQuery::new(""), MAX_LISTED_SERVICES)
            .await?
            .services
            .into_iter()
            .map(|service| (service.location_id.as_str().to_owned(), service.name_and_town()))
            .collect()
    } else {
        Vec::new()
    };
    let view = pages::InboxView {
        staff: &staff,
        params: &params,
        problems,
        page,
        per_page: PER_PAGE,
        services,
        roles: ProfessionalRole::options(),
        targets: state.response_targets,
        now,
        since,
        hints,
    };
    Ok((status, pages::inbox(view)).into_response())
}

/// Counts what came since this person last opened the inbox, and notes that they have now.
async fn since_last_looked(state: &AppState, staff: &StaffSession, now: DateTime<Utc>) -> Result<pages::SinceLastLooked, AppError> {
    let last_looked = state.store.inbox_seen_at(staff.user.id).await?;
    let targets = state.response_targets;
    let cutoffs = OverdueCutoffs {
        red: targets.overdue_if_received_before(Severity::Red, now),
        amber: targets.overdue_if_received_before(Severity::Amber, now),
    };
    let counts = state.store.inbox_counts(last_looked.unwrap_or(now - Duration::days(FIRST_LOOK_DAYS)), &cutoffs).await?;
    state.store.record_inbox_seen(staff.user.id, now).await?;
    Ok(pages::SinceLastLooked { last_looked, counts })
}
