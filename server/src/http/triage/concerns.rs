//! Concerns (`/triage/concerns`): observations about one home grouped, worked
//! as one. An observation's page groups it (a new concern or the home's open
//! one); a concern's page shows its observations side by side, its trail and
//! its steps. The decisions here are shared with the JSON API.

use app::domain::{
    concerns::{ConcernStatus, ConcernStep, ConcernTitle},
    triage::parse_note_text,
};
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
    observations::{render_observation, Done, Shown},
    pages::{self, StepProblem},
    steps::refusal_on_page,
};
use crate::{
    http::{error::AppError, staff::Staff, AppState},
    steps::{StepField, StepRefused},
    store::{ConcernChange, ConcernEventDraft, Grouped, StaffSession, StepApplied, TriageEvent},
};

/// What to group an observation into.
pub enum GroupInto {
    New(String),
    Existing(i64),
}

/// Why grouping was refused; nothing was written.
#[derive(Debug)]
pub enum GroupRefused {
    NotFound,
    /// 422: the title, or a concern about another home.
    Invalid(&'static str, String),
    /// 409: already in a concern, or the concern is closed.
    Conflict(String),
}

/// Groups an observation: starts a concern with it, or adds it to one about the same home.
pub async fn group(
    state: &AppState,
    staff: &StaffSession,
    observation: Uuid,
    into: GroupInto,
) -> Result<Result<i64, GroupRefused>, AppError> {
    let event = ConcernEventDraft { at: Utc::now(), user_id: staff.user.id, user_name: staff.user.name.clone(), note: String::new() };
    let grouped = match into {
        GroupInto::New(title) => match ConcernTitle::parse(&title) {
            Ok(title) => state.store.start_concern(observation, &title, &event).await?,
            Err(err) => return Ok(Err(GroupRefused::Invalid("title", err.message))),
        },
        GroupInto::Existing(concern) => state.store.add_to_concern(concern, observation, &event).await?,
    };
    Ok(match grouped {
        Grouped::Done(id) => {
            tracing::info!(concern = id, %observation, user = staff.user.id, "grouped into a concern");
            Ok(id)
        }
        Grouped::NotFound => Err(GroupRefused::NotFound),
        Grouped::OtherService => {
            Err(GroupRefused::Invalid("concern", "That concern is about another home. Choose one about this home.".to_owned()))
        }
        Grouped::AlreadyInConcern(id) => Err(GroupRefused::Conflict(format!("This observation is already part of concern {id}."))),
        Grouped::Closed => Err(GroupRefused::Conflict("That concern is closed. Reopen it first, or start a new one.".to_owned())),
    })
}

const STALE: &str = "Someone else changed this concern while you were looking at it. Check its trail, then try again.";

/// What a concern step names, from the page's form or the API.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ConcernStepRequest {
    #[serde(default)]
    pub step: String,
    #[serde(default)]
    pub officer: String,
    #[serde(default)]
    pub note: String,
}

/// Checks a step on a concern against its status and the version seen, and applies it.
pub async fn apply_concern_step(
    state: &AppState,
    staff: &StaffSession,
    id: i64,
    seen_version: Option<i64>,
    request: &ConcernStepRequest,
) -> Result<Result<(i64, ConcernStatus), StepRefused>, AppError> {
    let Some(current) = state.store.concern(id).await? else { return Ok(Err(StepRefused::NotFound)) };
    let officers = state.store.users().await?;
    let step = match request.step.as_str() {
        "assign" => match request.officer.parse::<i64>().ok().filter(|id| officers.iter().any(|o| o.id == *id)) {
            Some(officer) => ConcernStep::Assign { officer },
            None => return Ok(Err(StepRefused::Invalid(StepField::Officer, "Choose the officer who will handle this concern".to_owned()))),
        },
        "note" => ConcernStep::Note,
        "close" => ConcernStep::Close,
        "reopen" => ConcernStep::Reopen,
        _ => return Ok(Err(StepRefused::Unknown("This action is not known. Reload the page and try again."))),
    };
    if seen_version != Some(current.version) {
        return Ok(Err(StepRefused::Conflict(STALE.to_owned())));
    }
    let next = match step.from(current.summary.status) {
        Ok(next) => next,
        Err(message) => return Ok(Err(StepRefused::Conflict(message.to_owned()))),
    };
    let note = match parse_note_text(&request.note, step == ConcernStep::Note) {
        Ok(note) => note,
        Err(err) => return Ok(Err(StepRefused::Invalid(StepField::Note, err.message))),
    };
    let (assignee, detail) = match step {
        ConcernStep::Assign { officer } => {
            (Some(officer), officers.iter().find(|u| u.id == officer).map(|u| u.name.clone()).unwrap_or_default())
        }
        _ => (None, String::new()),
    };
    let change = ConcernChange {
        status: next,
        assignee,
        user_id: staff.user.id,
        event: TriageEvent {
            at: Utc::now(),
            user_name: staff.user.name.clone(),
            kind: step.kind().to_owned(),
            detail,
            note,
            shared_with_visitor: false,
        },
    };
    Ok(match state.store.apply_concern_step(id, current.version, &change).await? {
        StepApplied::Done(version) => Ok((version, next)),
        StepApplied::Stale => Err(StepRefused::Conflict(STALE.to_owned())),
        StepApplied::NotFound => Err(StepRefused::NotFound),
    })
}

#[derive(Deserialize)]
pub struct GroupPost {
    #[serde(default)]
    csrf: String,
    /// "new", or an open concern's id.
    #[serde(default)]
    concern: String,
    #[serde(default)]
    title: String,
}

/// `POST /triage/observations/{id}/concern`: the observation page's "Group into a concern".
pub async fn group_post(
    staff: Staff,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(post): Form<GroupPost>,
) -> Result<Response, AppError> {
    staff.check_post(&headers, &post.csrf)?;
    let Staff(staff) = staff;
    let Ok(observation) = Uuid::parse_str(&id) else {
        return render_observation(&state, &staff, &id, Shown::default(), StatusCode::NOT_FOUND).await;
    };
    let into = match post.concern.as_str() {
        "new" => GroupInto::New(post.title.clone()),
        other => match other.parse() {
            Ok(concern) => GroupInto::Existing(concern),
            Err(_) => {
                let problem = concern_problem("concern-choice", "Choose a concern, or start a new one", &post.title);
                return render_observation(
                    &state,
                    &staff,
                    &id,
                    Shown { problem: Some(problem), step_taken: false },
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        },
    };
    let (status, problem) = match group(&state, &staff, observation, into).await? {
        Ok(concern) => return Ok(Redirect::to(&format!("/triage/concerns/{concern}?done=1")).into_response()),
        Err(GroupRefused::NotFound) => {
            (StatusCode::NOT_FOUND, concern_problem("concern-choice", "That concern no longer exists", &post.title))
        }
        Err(GroupRefused::Invalid("title", message)) => {
            (StatusCode::UNPROCESSABLE_ENTITY, concern_problem("concern-title", &message, &post.title))
        }
        Err(GroupRefused::Invalid(_, message)) => {
            (StatusCode::UNPROCESSABLE_ENTITY, concern_problem("concern-choice", &message, &post.title))
        }
        Err(GroupRefused::Conflict(message)) => (StatusCode::CONFLICT, concern_problem("concern-choice", &message, &post.title)),
    };
    render_observation(&state, &staff, &id, Shown { problem: Some(problem), step_taken: false }, status).await
}

fn concern_problem(field: &str, message: &str, title: &str) -> StepProblem {
    StepProblem {
        step: "concern".to_owned(),
        field: field.to_owned(),
        message: message.to_owned(),
        note: title.to_owned(),
        ..Default::default()
    }
}

/// `GET /triage/concerns`: every open concern, newest first.
pub async fn list(Staff(staff): Staff, State(state): State<AppState>) -> Result<Response, AppError> {
    let concerns = state.store.concerns(None, true).await?;
    Ok(pages::concerns(&staff, concerns).into_response())
}

/// `GET /triage/concerns/{id}`.
pub async fn concern(
    Staff(staff): Staff,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    render_concern(&state, &staff, &id, None, done.done.is_some(), StatusCode::OK).await
}

async fn render_concern(
    state: &AppState,
    staff: &StaffSession,
    id: &str,
    problem: Option<StepProblem>,
    step_taken: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let found = match id.parse::<i64>() {
        Ok(id) => state.store.concern(id).await?,
        Err(_) => None,
    };
    let Some(concern) = found else {
        return Ok((StatusCode::NOT_FOUND, pages::concern_not_found(staff)).into_response());
    };
    let mut seen = Vec::with_capacity(concern.observations.len());
    for item in &concern.observations {
        let answers = match state.store.submission(item.id).await? {
            Some(submission) => submission.in_words(Some(&item.service_name)),
            None => Vec::new(),
        };
        seen.push(answers);
    }
    let view = pages::ConcernView {
        staff,
        officers: state.store.users().await?,
        seen,
        problem,
        step_taken,
        targets: state.response_targets,
        now: Utc::now(),
        concern,
    };
    Ok((status, pages::concern(view)).into_response())
}

#[derive(Deserialize)]
pub struct ConcernStepPost {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    step: String,
    #[serde(default)]
    officer: String,
    #[serde(default)]
    note: String,
}

/// `POST /triage/concerns/{id}`: a step from the concern's page.
pub async fn take_step(
    staff: Staff,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(post): Form<ConcernStepPost>,
) -> Result<Response, AppError> {
    staff.check_post(&headers, &post.csrf)?;
    let Staff(staff) = staff;
    let Ok(number) = id.parse::<i64>() else {
        return render_concern(&state, &staff, &id, None, false, StatusCode::NOT_FOUND).await;
    };
    let request = &ConcernStepRequest { step: post.step, officer: post.officer, note: post.note };
    let (status, problem) = match apply_concern_step(&state, &staff, number, post.version.parse().ok(), request).await? {
        Ok(_) => return Ok(Redirect::to(&format!("/triage/concerns/{number}?done=1#trail")).into_response()),
        Err(refused) => refusal_on_page(refused, &request.step, &request.note),
    };
    render_concern(&state, &staff, &id, problem, false, status).await
}
