//! Triage for the commissioning unit: the inbox, an observation, and the
//! steps taken on it. Only logged-in staff get here ([`Staff`]); each step is
//! checked against the workflow in `app::domain::triage`, written with the
//! version it was based on, and appended to the audit trail.

mod export;
pub mod filter;
mod live;
pub mod pages;
mod services;

pub use live::Arrivals;

use app::domain::{
    device::ProfessionalRole,
    forms::{self, Answer},
    register::RegisterQuery,
    triage::{parse_note, Outcome, Status, Step},
};
use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::get,
    Form, Router,
};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::{error::AppError, staff::Staff, AppState};
use crate::store::{StaffSession, StepApplied, TriageChange, TriageEvent, User};
use filter::InboxParams;
use pages::StepProblem;

/// Observations per inbox page.
const PER_PAGE: u32 = 25;
/// How many of a service's other observations an observation page lists.
const OTHERS_SHOWN: u32 = 10;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/triage", get(inbox))
        .route("/triage/events", get(live::events))
        .route("/triage/export.csv", get(export::export))
        .route("/triage/services", get(services::flagged))
        .route("/triage/services/{id}", get(services::service))
        .route("/triage/observations/{id}", get(observation).post(take_step))
}

async fn inbox(
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

async fn observation(Staff(staff): Staff, State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, AppError> {
    render_observation(&state, &staff, &id, None, StatusCode::OK).await
}

/// The observation page, with a step's problem when there is one.
async fn render_observation(
    state: &AppState,
    staff: &StaffSession,
    id: &str,
    problem: Option<StepProblem>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let found = match Uuid::parse_str(id) {
        Ok(id) => state.store.observation(id).await?,
        Err(_) => None,
    };
    let Some(observation) = found else {
        return Ok((StatusCode::NOT_FOUND, pages::not_found(staff)).into_response());
    };
    let submission = &observation.submission;
    let service = state.store.service(&submission.service).await?;
    let (answers, risk_of_harm) = match forms::find(&submission.form_id, submission.form_version) {
        Some(form) => {
            let rows = form
                .summary(&submission.answers)
                .into_iter()
                .map(|(_, question, text)| {
                    let text = match (submission.answers.get(&question.id), &service) {
                        (Some(Answer::Service(_)), Some(service)) => service.name_and_town(),
                        _ => text,
                    };
                    (question.label.clone(), text)
                })
                .collect();
            (rows, matches!(submission.answers.get("risk_of_harm"), Some(Answer::YesNo(true))))
        }
        None => (Vec::new(), false),
    };
    let others = state.store.service_observations(&submission.service, OTHERS_SHOWN + 1).await?;
    let view = pages::ObservationView {
        staff,
        service,
        answers,
        risk_of_harm,
        others,
        officers: state.store.users().await?,
        targets: state.response_targets,
        now: Utc::now(),
        problem,
        observation,
    };
    Ok((status, pages::observation(view)).into_response())
}

#[derive(Deserialize)]
struct StepPost {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    step: String,
    #[serde(default)]
    officer: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

async fn take_step(
    staff: Staff,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(post): Form<StepPost>,
) -> Result<Response, AppError> {
    staff.check_post(&headers, &post.csrf)?;
    let Staff(staff) = staff;
    let Ok(uuid) = Uuid::parse_str(&id) else {
        return render_observation(&state, &staff, &id, None, StatusCode::NOT_FOUND).await;
    };
    let Some(current) = state.store.observation(uuid).await? else {
        return render_observation(&state, &staff, &id, None, StatusCode::NOT_FOUND).await;
    };
    let problem = |field: &str, message: &str| StepProblem {
        step: post.step.clone(),
        field: field.to_owned(),
        message: message.to_owned(),
        note: post.note.clone(),
    };
    let officers = state.store.users().await?;
    let step = match parse_step(&post, &officers) {
        Ok(step) => step,
        Err((field, message)) => {
            let status = if field == "step" { StatusCode::BAD_REQUEST } else { StatusCode::UNPROCESSABLE_ENTITY };
            return render_observation(&state, &staff, &id, Some(problem(&field, message)), status).await;
        }
    };
    let note_field = format!("{}-note", post.step);
    let stale = "Someone else changed this observation while you were looking at it. Check the timeline, \
        then try again: what you typed is still here.";
    if post.version.parse::<i64>().ok() != Some(current.version) {
        return render_observation(&state, &staff, &id, Some(problem(&note_field, stale)), StatusCode::CONFLICT).await;
    }
    let next = match step.from(current.status) {
        Ok(next) => next,
        Err(message) => {
            return render_observation(&state, &staff, &id, Some(problem(&note_field, message)), StatusCode::CONFLICT).await;
        }
    };
    let note = match parse_note(&step, &post.note) {
        Ok(note) => note,
        Err(err) => {
            return render_observation(&state, &staff, &id, Some(problem(&note_field, &err.message)), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let change = change_for(&officers, &staff, &step, current.status, next, note);
    match state.store.apply_step(uuid, current.version, &change).await? {
        StepApplied::Done(_) => {
            tracing::info!(observation = %uuid, step = change.event.kind, user = staff.user.id, "triage step");
            Ok(Redirect::to(&format!("/triage/observations/{uuid}#timeline")).into_response())
        }
        StepApplied::Stale => render_observation(&state, &staff, &id, Some(problem(&note_field, stale)), StatusCode::CONFLICT).await,
        StepApplied::NotFound => render_observation(&state, &staff, &id, None, StatusCode::NOT_FOUND).await,
    }
}

/// The step a form posted, or (field id, message) for what is missing.
fn parse_step(post: &StepPost, officers: &[User]) -> Result<Step, (String, &'static str)> {
    match post.step.as_str() {
        "assign" => {
            match post.officer.parse::<i64>().ok().filter(|id| officers.iter().any(|o| o.id == *id)) {
                Some(officer) => Ok(Step::Assign { officer }),
                None => Err(("assign-officer".to_owned(), "Choose the officer who will handle this observation")),
            }
        }
        "outcome" => match Outcome::parse(&post.outcome) {
            Some(outcome) => Ok(Step::RecordOutcome(outcome)),
            None => Err(("outcome-choice".to_owned(), "Select the outcome")),
        },
        "note" => Ok(Step::Note),
        "close" => Ok(Step::Close),
        "reopen" => Ok(Step::Reopen),
        _ => Err(("step".to_owned(), "This action is not known. Reload the page and try again.")),
    }
}

/// The new state and the audit line for a step that passed its checks.
fn change_for(officers: &[User], staff: &StaffSession, step: &Step, from: Status, to: Status, note: String) -> TriageChange {
    let now = Utc::now();
    let (assignee, detail) = match step {
        Step::Assign { officer } => {
            let name = officers.iter().find(|u| u.id == *officer).map(|u| u.name.clone()).unwrap_or_default();
            (Some(*officer), name)
        }
        Step::RecordOutcome(outcome) => (None, outcome.label().to_owned()),
        _ => (None, String::new()),
    };
    TriageChange {
        status: to,
        assignee,
        outcome: match step {
            Step::RecordOutcome(outcome) => Some(*outcome),
            _ => None,
        },
        acknowledged_at: (from == Status::New && to != Status::New).then_some(now),
        user_id: staff.user.id,
        event: TriageEvent { at: now, user_name: staff.user.name.clone(), kind: step.kind(from).to_owned(), detail, note },
    }
}
