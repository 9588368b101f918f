//! All homes at a glance (`/triage/homes`): every service with its last 90
//! days in figures, sortable and filterable, in the address so a view can be
//! bookmarked. `/triage/services`, the flagged services, is this view sorted
//! by risk.

use app::domain::{register::ServiceKind, FieldError};
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use chrono::Utc;

use super::pages;
use crate::{
    homes::windows,
    http::{error::AppError, staff::Staff, AppState},
    store::{HomesQuery, HomesSort},
};

/// Services per page: a unit's whole patch on one page, England's in pages.
pub const PER_PAGE: u32 = 100;
/// Longer than any town's name.
const MAX_TOWN_CHARS: usize = 100;

/// The view's choices exactly as given, to fill the form in again and build links.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HomesParams {
    pub kind: String,
    pub town: String,
    pub flagged: bool,
    pub sort: String,
    pub page: u32,
}

impl HomesParams {
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut params = Self { page: 1, ..Self::default() };
        for (key, value) in pairs {
            let value = value.trim().to_owned();
            match key.as_str() {
                "kind" => params.kind = value,
                "town" => params.town = value,
                "flagged" => params.flagged = value == "yes",
                "sort" => params.sort = value,
                "page" => params.page = value.parse().unwrap_or(1).max(1),
                _ => {}
            }
        }
        params
    }

    /// The store's query, or a problem per field that cannot be read.
    pub fn query(&self, pattern_threshold: u32) -> Result<HomesQuery, Vec<FieldError>> {
        let mut problems = Vec::new();
        let kind = (!self.kind.is_empty())
            .then(|| {
                ServiceKind::parse(&self.kind)
                    .map_err(|_| problems.push(FieldError::new("kind", "Select a kind of service from the list")))
                    .ok()
            })
            .flatten();
        let sort = match self.sort.as_str() {
            "" => HomesSort::Risk,
            code => HomesSort::parse(code).unwrap_or_else(|| {
                problems.push(FieldError::new("sort", "Sort by one of the table's columns"));
                HomesSort::Risk
            }),
        };
        if self.town.chars().count() > MAX_TOWN_CHARS {
            problems.push(FieldError::new("town", format!("Enter at most {MAX_TOWN_CHARS} characters for the town")));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(HomesQuery {
            kind,
            town: (!self.town.is_empty()).then(|| self.town.clone()),
            flagged_only: self.flagged,
            sort,
            pattern_threshold,
            page: self.page,
            per_page: PER_PAGE,
        })
    }

    /// The address of this view with another sort or page.
    pub fn href(&self, sort: &str, page: u32) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.kind.is_empty() {
            pairs.push(("kind", self.kind.clone()));
        }
        if !self.town.is_empty() {
            pairs.push(("town", self.town.clone()));
        }
        if self.flagged {
            pairs.push(("flagged", "yes".to_owned()));
        }
        if !sort.is_empty() && sort != HomesSort::Risk.code() {
            pairs.push(("sort", sort.to_owned()));
        }
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        match serde_urlencoded::to_string(&pairs).unwrap_or_default() {
            query if query.is_empty() => "/triage/homes".to_owned(),
            query => format!("/triage/homes?{query}"),
        }
    }
}

pub async fn homes(
    Staff(staff): Staff,
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let params = HomesParams::from_pairs(&pairs);
    let rule = state.pattern_rule;
    let (query, problems, status) = match params.query(rule.threshold) {
        Ok(query) => (query, Vec::new(), StatusCode::OK),
        Err(problems) => (every_home(rule.threshold), problems, StatusCode::UNPROCESSABLE_ENTITY),
    };
    // Services an observation or a step changed since are worked out first, so the view is never behind the inbox.
    state.store.refresh_home_figures(&windows(rule, Utc::now()), false).await?;
    let page = state.store.homes(&query).await?;
    let view = pages::HomesView { staff: &staff, params: &params, problems, page, query, rule };
    Ok((status, pages::homes(view)).into_response())
}

/// What the view shows when its choices cannot be read: every service, riskiest first.
fn every_home(pattern_threshold: u32) -> HomesQuery {
    HomesQuery { kind: None, town: None, flagged_only: false, sort: HomesSort::Risk, pattern_threshold, page: 1, per_page: PER_PAGE }
}

/// The flagged services are the homes view, riskiest first.
pub async fn flagged(_staff: Staff) -> Redirect {
    Redirect::to("/triage/homes?flagged=yes")
}
