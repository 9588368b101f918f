//! Triage for the commissioning unit: the inbox, an observation, and the
//! steps taken on it. Only logged-in staff get here ([`Staff`]); each step is
//! checked against the workflow in `app::domain::triage`, written with the
//! version it was based on, and appended to the audit trail.

pub mod api;
mod export;
pub mod filter;
mod live;
pub mod pages;
mod schema;
mod services;

pub use live::Arrivals;

use app::domain::{
    device::ProfessionalRole,
    register::{RegisterQuery, Service},
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
pub const PER_PAGE: u32 = 25;
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
        .merge(api::router())
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
    let answers = submission.in_words(service.as_ref().map(Service::name_and_town).as_deref());
    let (risk_of_harm, summary) = (submission.at_risk_of_harm(), submission.checklist_summary());
    let others = state.store.service_observations(&submission.service, OTHERS_SHOWN + 1).await?;
    let view = pages::ObservationView {
        staff,
        service,
        answers,
        summary,
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

/// What a step names; every field is checked before anything is written.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct StepRequest {
    #[serde(default)]
    pub step: String,
    #[serde(default)]
    pub officer: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub note: String,
}

/// Which part of a step was refused, so each caller can point at its own field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepField {
    Officer,
    Outcome,
    Note,
}

/// Why a step was not taken. Nothing was written.
#[derive(Debug)]
pub enum StepRefused {
    NotFound,
    /// 400: a step the workflow does not know.
    Unknown(&'static str),
    /// 422: a missing or unreadable part.
    Invalid(StepField, String),
    /// 409: someone else acted first, or the step does not follow from the status.
    Conflict(String),
}

const STALE: &str = "Someone else changed this observation while you were looking at it. Check the timeline, \
    then try again: what you typed is still here.";

/// Checks a step against the workflow and, if it follows from the version the
/// person saw, applies it with its audit line; the new version when it did.
pub async fn apply_step(
    state: &AppState,
    staff: &StaffSession,
    id: Uuid,
    seen_version: Option<i64>,
    request: &StepRequest,
) -> Result<Result<(i64, Status), StepRefused>, AppError> {
    let Some(current) = state.store.observation(id).await? else {
        return Ok(Err(StepRefused::NotFound));
    };
    let officers = state.store.users().await?;
    let step = match parse_step(request, &officers) {
        Ok(step) => step,
        Err(refused) => return Ok(Err(refused)),
    };
    if seen_version != Some(current.version) {
        return Ok(Err(StepRefused::Conflict(STALE.to_owned())));
    }
    let next = match step.from(current.status) {
        Ok(next) => next,
        Err(message) => return Ok(Err(StepRefused::Conflict(message.to_owned()))),
    };
    let note = match parse_note(&step, &request.note) {
        Ok(note) => note,
        Err(err) => return Ok(Err(StepRefused::Invalid(StepField::Note, err.message))),
    };
    let change = change_for(&officers, staff, &step, current.status, next, note);
    Ok(match state.store.apply_step(id, current.version, &change).await? {
        StepApplied::Done(version) => {
            tracing::info!(observation = %id, step = change.event.kind, user = staff.user.id, "triage step");
            Ok((version, next))
        }
        StepApplied::Stale => Err(StepRefused::Conflict(STALE.to_owned())),
        StepApplied::NotFound => Err(StepRefused::NotFound),
    })
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
    let request = &StepRequest { step: post.step, officer: post.officer, outcome: post.outcome, note: post.note };
    let problem = |field: String, message: String| StepProblem { step: request.step.clone(), field, message, note: request.note.clone() };
    let note_field = format!("{}-note", request.step);
    let (status, problem) = match apply_step(&state, &staff, uuid, post.version.parse().ok(), request).await? {
        Ok(_) => return Ok(Redirect::to(&format!("/triage/observations/{uuid}#timeline")).into_response()),
        Err(StepRefused::NotFound) => (StatusCode::NOT_FOUND, None),
        Err(StepRefused::Unknown(message)) => (StatusCode::BAD_REQUEST, Some(problem("step".to_owned(), message.to_owned()))),
        Err(StepRefused::Invalid(field, message)) => {
            let field = match field {
                StepField::Officer => "assign-officer".to_owned(),
                StepField::Outcome => "outcome-choice".to_owned(),
                StepField::Note => note_field,
            };
            (StatusCode::UNPROCESSABLE_ENTITY, Some(problem(field, message)))
        }
        Err(StepRefused::Conflict(message)) => (StatusCode::CONFLICT, Some(problem(note_field, message))),
    };
    render_observation(&state, &staff, &id, problem, status).await
}

/// The step a request names, or what is missing from it.
fn parse_step(request: &StepRequest, officers: &[User]) -> Result<Step, StepRefused> {
    match request.step.as_str() {
        "assign" => match request.officer.parse::<i64>().ok().filter(|id| officers.iter().any(|o| o.id == *id)) {
            Some(officer) => Ok(Step::Assign { officer }),
            None => Err(StepRefused::Invalid(StepField::Officer, "Choose the officer who will handle this observation".to_owned())),
        },
        "outcome" => match Outcome::parse(&request.outcome) {
            Some(outcome) => Ok(Step::RecordOutcome(outcome)),
            None => Err(StepRefused::Invalid(StepField::Outcome, "Select the outcome".to_owned())),
        },
        "note" => Ok(Step::Note),
        "close" => Ok(Step::Close),
        "reopen" => Ok(Step::Reopen),
        _ => Err(StepRefused::Unknown("This action is not known. Reload the page and try again.")),
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
