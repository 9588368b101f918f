//! Concerns in the triage JSON API: list, start, read, add an observation,
//! take a step. The same decisions as the pages (`triage::concerns`).

use app::domain::register::CqcLocationId;
use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    Json,
};
use chrono::Utc;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{
    super::{
        concerns::{apply_concern_step, group, ConcernStepRequest, GroupInto, GroupRefused},
        schema::{
            AddToConcernBody, ConcernBrief, ConcernDetail, ConcernStepBody, ConcernStepTaken, NewConcernBody, ObservationSummary,
            TimelineEntry,
        },
    },
    step_field,
};
use crate::http::{
    error::{AppError, ErrorBody},
    extract::ApiJson,
    staff::{Staff, CSRF_HEADER},
    AppState,
};
use crate::steps::StepRefused;

/// Which concerns to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConcernFilters {
    /// A home's CQC location ID; every home if absent.
    #[serde(default)]
    pub service: Option<String>,
    /// `open` (the default) or `all`.
    #[serde(default)]
    pub status: Option<String>,
}

fn not_found() -> AppError {
    AppError::NotFound("There is no concern with this id.".to_owned())
}

fn check_csrf(staff: &Staff, headers: &HeaderMap) -> Result<(), AppError> {
    let csrf = headers.get(CSRF_HEADER).and_then(|value| value.to_str().ok()).unwrap_or_default();
    staff.check_post(headers, csrf)
}

#[utoipa::path(get, path = "/api/v1/triage/concerns", tag = "concerns", params(ConcernFilters),
    responses((status = 200, body = Vec<ConcernBrief>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn list(
    Staff(_): Staff,
    State(state): State<AppState>,
    Query(filters): Query<ConcernFilters>,
) -> Result<Json<Vec<ConcernBrief>>, AppError> {
    let service = match filters.service.as_deref().filter(|s| !s.is_empty()) {
        Some(raw) => Some(CqcLocationId::parse(raw).map_err(|_| AppError::invalid("service", "Give a CQC location ID, like 1-000000001"))?),
        None => None,
    };
    let open_only = match filters.status.as_deref().unwrap_or("open") {
        "open" => true,
        "all" => false,
        _ => return Err(AppError::invalid("status", "Give open or all")),
    };
    let concerns = state.store.concerns(service.as_ref(), open_only).await?;
    Ok(Json(concerns.into_iter().map(ConcernBrief::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/triage/concerns/{id}", tag = "concerns",
    params(("id" = i64, Path, description = "The concern's id")),
    responses((status = 200, body = ConcernDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn detail(
    Staff(_): Staff,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ConcernDetail>, AppError> {
    let id = id.parse::<i64>().map_err(|_| not_found())?;
    Ok(Json(concern_detail(&state, id).await?))
}

async fn concern_detail(state: &AppState, id: i64) -> Result<ConcernDetail, AppError> {
    let concern = state.store.concern(id).await?.ok_or_else(not_found)?;
    let now = Utc::now();
    Ok(ConcernDetail {
        version: concern.version,
        items: concern.observations.into_iter().map(|item| ObservationSummary::new(item, &state.response_targets, now)).collect(),
        trail: concern.events.into_iter().map(TimelineEntry::from).collect(),
        concern: concern.summary.into(),
    })
}

fn refused(refusal: GroupRefused) -> AppError {
    match refusal {
        GroupRefused::NotFound => AppError::NotFound("There is no such observation or concern.".to_owned()),
        GroupRefused::Invalid(field, message) => AppError::invalid(if field == "title" { "title" } else { "observation" }, message),
        GroupRefused::Conflict(message) => AppError::Conflict(message),
    }
}

#[utoipa::path(post, path = "/api/v1/triage/concerns", tag = "concerns",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    request_body = NewConcernBody,
    responses(
        (status = 201, body = ConcernDetail),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No such observation"),
        (status = 409, body = ErrorBody, description = "The observation is already in a concern"),
        (status = 422, body = ErrorBody, description = "A title that is empty, too long or not one line"),
    ))]
pub(crate) async fn start(
    staff: Staff,
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewConcernBody>,
) -> Result<(StatusCode, Json<ConcernDetail>), AppError> {
    check_csrf(&staff, &headers)?;
    let id = group(&state, &staff.0, body.observation, GroupInto::New(body.title)).await?.map_err(refused)?;
    Ok((StatusCode::CREATED, Json(concern_detail(&state, id).await?)))
}

#[utoipa::path(post, path = "/api/v1/triage/concerns/{id}/observations", tag = "concerns",
    params(("id" = i64, Path, description = "The concern's id"), ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    request_body = AddToConcernBody,
    responses(
        (status = 200, body = ConcernDetail),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No such concern or observation"),
        (status = 409, body = ErrorBody, description = "Already in a concern, or the concern is closed"),
        (status = 422, body = ErrorBody, description = "The observation is about another home"),
    ))]
pub(crate) async fn add(
    staff: Staff,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AddToConcernBody>,
) -> Result<Json<ConcernDetail>, AppError> {
    check_csrf(&staff, &headers)?;
    let id = id.parse::<i64>().map_err(|_| not_found())?;
    let id = group(&state, &staff.0, body.observation, GroupInto::Existing(id)).await?.map_err(refused)?;
    Ok(Json(concern_detail(&state, id).await?))
}

#[utoipa::path(post, path = "/api/v1/triage/concerns/{id}/steps", tag = "concerns",
    params(("id" = i64, Path, description = "The concern's id"), ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    request_body = ConcernStepBody,
    responses(
        (status = 200, body = ConcernStepTaken),
        (status = 400, body = ErrorBody, description = "A step concerns do not have"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The concern changed since `version`, or the step does not follow from its status"),
        (status = 422, body = ErrorBody, description = "A missing officer or note; `fields` names it"),
    ))]
pub(crate) async fn step(
    staff: Staff,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ConcernStepBody>,
) -> Result<Json<ConcernStepTaken>, AppError> {
    check_csrf(&staff, &headers)?;
    let id = id.parse::<i64>().map_err(|_| not_found())?;
    let request =
        ConcernStepRequest { step: body.step, officer: body.officer.map(|id| id.to_string()).unwrap_or_default(), note: body.note };
    match apply_concern_step(&state, &staff.0, id, Some(body.version), &request).await? {
        Ok((version, status)) => Ok(Json(ConcernStepTaken { version, status })),
        Err(StepRefused::NotFound) => Err(not_found()),
        Err(StepRefused::Unknown(message)) => Err(AppError::BadRequest(message.to_owned())),
        Err(StepRefused::Invalid(field, message)) => Err(AppError::invalid(step_field(field), message)),
        Err(StepRefused::Conflict(message)) => Err(AppError::Conflict(message)),
    }
}
