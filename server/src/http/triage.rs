//! Triage for the commissioning unit: the inbox, an observation, the steps
//! taken on it, a service's picture, and the JSON API over the same. Only
//! logged-in staff get here ([`super::staff::Staff`]). This file is the router;
//! each job has its own module: `inbox`, `observations`, `services` (pages),
//! `steps` (the decision), `api` and `schema` (JSON), `pages` (the views).

pub mod api;
mod concerns;
mod export;
pub mod filter;
pub mod homes;
mod inbox;
mod live;
mod observations;
pub mod pages;
mod picture;
mod schema;
mod services;
mod steps;

use axum::{
    routing::{get, post},
    Router,
};

use super::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/triage", get(inbox::inbox))
        .route("/triage/events", get(live::events))
        .route("/triage/export.csv", get(export::export))
        .route("/triage/export/answers.csv", get(export::answers))
        .route("/triage/homes", get(homes::homes))
        .route("/triage/services", get(homes::flagged))
        .route("/triage/services/{id}", get(services::service))
        .route("/triage/observations/{id}", get(observations::observation).post(observations::take_step))
        .route("/triage/observations/{id}/concern", post(concerns::group_post))
        .route("/triage/concerns", get(concerns::list))
        .route("/triage/concerns/{id}", get(concerns::concern).post(concerns::take_step))
        .merge(api::router())
}
