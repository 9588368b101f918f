//! An observation's page (`/triage/observations/{id}`): what was seen, the
//! service's other observations, the timeline, and the forms that take a step.

use app::domain::register::Service;
use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Form,
};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::{
    pages::{self, StepProblem},
    steps::refusal_on_page,
};
use crate::{
    http::{error::AppError, staff::Staff, AppState},
    steps::{apply_step, StepRequest},
    store::StaffSession,
};

/// How many of a service's other observations an observation page lists.
const OTHERS_SHOWN: u32 = 10;

/// `?done=1`: a step was just taken; the page confirms it.
#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    pub done: Option<String>,
}

pub async fn observation(
    Staff(staff): Staff,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let shown = Shown { problem: None, step_taken: done.done.is_some() };
    render_observation(&state, &staff, &id, shown, StatusCode::OK).await
}

/// What the page says beyond the observation: a step's problem, or that a step was taken.
#[derive(Default)]
pub struct Shown {
    pub problem: Option<StepProblem>,
    pub step_taken: bool,
}

/// The observation page, with a step's problem when there is one.
pub async fn render_observation(
    state: &AppState,
    staff: &StaffSession,
    id: &str,
    shown: Shown,
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
    let concern = state.store.concern_of(submission.receipt.id).await?;
    let open_concerns = state.store.concerns(Some(&submission.service), true).await?;
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
        problem: shown.problem,
        step_taken: shown.step_taken,
        concern,
        open_concerns,
        observation,
    };
    Ok((status, pages::observation(view)).into_response())
}

#[derive(Deserialize)]
pub struct StepPost {
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
    /// The checkbox "Share this note with the visitor": present when ticked.
    #[serde(default)]
    share: Option<String>,
}

pub async fn take_step(
    staff: Staff,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(post): Form<StepPost>,
) -> Result<Response, AppError> {
    staff.check_post(&headers, &post.csrf)?;
    let Staff(staff) = staff;
    let Ok(uuid) = Uuid::parse_str(&id) else {
        return render_observation(&state, &staff, &id, Shown { problem: None, step_taken: false }, StatusCode::NOT_FOUND).await;
    };
    let request = &StepRequest {
        step: post.step,
        officer: post.officer,
        outcome: post.outcome,
        note: post.note,
        share_with_visitor: post.share.is_some(),
    };
    let (status, problem) =
        match apply_step(&state.store, state.reply_window_days, &staff, uuid, post.version.parse().ok(), request).await? {
            // The page then says what was done (from the trail), so the person knows it took.
            Ok(_) => return Ok(Redirect::to(&format!("/triage/observations/{uuid}?done=1#timeline")).into_response()),
            Err(refused) => {
                let (status, problem) = refusal_on_page(refused, &request.step, &request.note);
                (status, problem.map(|problem| StepProblem { shared: request.share_with_visitor, ..problem }))
            }
        };
    render_observation(&state, &staff, &id, Shown { problem, step_taken: false }, status).await
}
