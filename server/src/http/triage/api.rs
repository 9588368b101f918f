//! The triage JSON API, version 1: what the pages show, for other tools of the
//! unit (reports, a case system). The same session, filters, workflow and store
//! calls as the pages; described in the OpenAPI document (`http::openapi`),
//! which is generated from these handlers and types so it cannot drift from them.
//!
//! A breaking change gets `/api/v2`; fields are only ever added to v1.

use app::domain::{
    forms::Severity,
    register::{CqcLocationId, Service},
    triage::charted_area,
};
use axum::{
    extract::{Path, Query, State},
    http::HeaderMap,
    routing::{get, post},
    Json, Router,
};
use chrono::Utc;
use uuid::Uuid;

use super::{
    filter::{InboxParams, PER_PAGE},
    picture::{picture, Picture},
    schema::{
        AnswerInWords, AreaRatings, ChecklistSummary, Filters, Me, ObservationDetail, ObservationList, ObservationSummary, Officer,
        ServicePicture, StepBody, StepTaken, TimelineEntry, Visitor,
    },
};
use crate::http::{
    error::{AppError, ErrorBody},
    extract::ApiJson,
    staff::{Staff, CSRF_HEADER},
    AppState,
};
use crate::steps::{apply_step, StepField, StepRefused, StepRequest};

pub mod concerns;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/triage/concerns", get(concerns::list).post(concerns::start))
        .route("/api/v1/triage/concerns/{id}", get(concerns::detail))
        .route("/api/v1/triage/concerns/{id}/observations", post(concerns::add))
        .route("/api/v1/triage/concerns/{id}/steps", post(concerns::step))
        .route("/api/v1/triage/me", get(me))
        .route("/api/v1/triage/officers", get(officers))
        .route("/api/v1/triage/observations", get(list))
        .route("/api/v1/triage/observations/{id}", get(detail))
        .route("/api/v1/triage/observations/{id}/steps", post(step))
        .route("/api/v1/triage/services/{id}", get(service))
}

#[utoipa::path(get, path = "/api/v1/triage/me", tag = "triage",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody, description = "Not logged in")))]
pub(crate) async fn me(Staff(staff): Staff) -> Json<Me> {
    let user = staff.user;
    Json(Me { id: user.id, name: user.name, email: user.email, role: user.role.code().to_owned(), csrf_token: staff.csrf_token })
}

#[utoipa::path(get, path = "/api/v1/triage/officers", tag = "triage",
    responses((status = 200, body = Vec<Officer>), (status = 401, body = ErrorBody)))]
pub(crate) async fn officers(_: Staff, State(state): State<AppState>) -> Result<Json<Vec<Officer>>, AppError> {
    let users = state.store.users().await?;
    Ok(Json(users.into_iter().map(|user| Officer { id: user.id, name: user.name }).collect()))
}

#[utoipa::path(get, path = "/api/v1/triage/observations", tag = "triage", params(Filters),
    responses(
        (status = 200, body = ObservationList),
        (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "A filter that cannot be read; `fields` names each"),
    ))]
pub(crate) async fn list(
    Staff(staff): Staff,
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<ObservationList>, AppError> {
    let params = InboxParams::from_pairs(&pairs);
    let filter = params.filter(staff.user.id).map_err(AppError::Invalid)?;
    let page = state.store.inbox(&filter, params.page, PER_PAGE).await?;
    let now = Utc::now();
    Ok(Json(ObservationList {
        items: page.items.into_iter().map(|item| ObservationSummary::new(item, &state.response_targets, now)).collect(),
        total: page.total,
        page: params.page,
        per_page: PER_PAGE,
    }))
}

fn not_found() -> AppError {
    AppError::NotFound("There is no observation with this id.".to_owned())
}

#[utoipa::path(get, path = "/api/v1/triage/observations/{id}", tag = "triage",
    params(("id" = Uuid, Path, description = "The observation's id")),
    responses((status = 200, body = ObservationDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn detail(
    Staff(_): Staff,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ObservationDetail>, AppError> {
    let id = Uuid::parse_str(&id).map_err(|_| not_found())?;
    let observation = state.store.observation(id).await?.ok_or_else(not_found)?;
    let submission = &observation.submission;
    let service = state.store.service(&submission.service).await?;
    let answers = submission.in_words(service.as_ref().map(Service::name_and_town).as_deref());
    let (risk_of_harm, summary) = (submission.at_risk_of_harm(), submission.checklist_summary());
    let receipt = &submission.receipt;
    Ok(Json(ObservationDetail {
        id,
        reference: app::domain::submission::reference(id),
        version: observation.version,
        status: observation.status,
        severity: receipt.severity,
        severity_reason: receipt.severity_reason.clone(),
        risk_of_harm,
        service_location_id: submission.service.as_str().to_owned(),
        service_name: service.map(|service| service.name_and_town()),
        form_id: submission.form_id.clone(),
        form_version: submission.form_version,
        submitted_at: submission.submitted_at,
        received_at: receipt.received_at,
        overdue: state.response_targets.is_overdue(receipt.severity, observation.status, receipt.received_at, Utc::now()),
        visitor: Visitor { name: observation.visitor.name, role: observation.visitor.role, organisation: observation.visitor.organisation },
        assigned_to: observation.assignee.map(|user| Officer { id: user.id, name: user.name }),
        outcome: observation.outcome,
        answers: answers.into_iter().map(|(question, answer)| AnswerInWords { question, answer }).collect(),
        summary,
        timeline: observation.events.into_iter().map(TimelineEntry::from).collect(),
    }))
}

#[utoipa::path(post, path = "/api/v1/triage/observations/{id}/steps", tag = "triage",
    params(
        ("id" = Uuid, Path, description = "The observation's id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token, from /api/v1/triage/me"),
    ),
    request_body = StepBody,
    responses(
        (status = 200, body = StepTaken),
        (status = 400, body = ErrorBody, description = "Not JSON, or a step the workflow does not know"),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "No CSRF token, a wrong one, or sent from another site"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The observation changed since `version`, or the step does not follow from its status"),
        (status = 422, body = ErrorBody, description = "A missing officer, outcome or note; `fields` names it"),
    ))]
pub(crate) async fn step(
    staff: Staff,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StepBody>,
) -> Result<Json<StepTaken>, AppError> {
    let csrf = headers.get(CSRF_HEADER).and_then(|value| value.to_str().ok()).unwrap_or_default();
    staff.check_post(&headers, csrf)?;
    let id = Uuid::parse_str(&id).map_err(|_| not_found())?;
    let request = StepRequest {
        step: body.step,
        officer: body.officer.map(|id| id.to_string()).unwrap_or_default(),
        outcome: body.outcome.map(|outcome| outcome.code().to_owned()).unwrap_or_default(),
        note: body.note,
        share_with_visitor: body.share_with_visitor,
    };
    match apply_step(&state.store, state.reply_window_days, &staff.0, id, Some(body.version), &request).await? {
        Ok((version, status)) => Ok(Json(StepTaken { version, status })),
        Err(StepRefused::NotFound) => Err(not_found()),
        Err(StepRefused::Unknown(message)) => Err(AppError::BadRequest(message.to_owned())),
        Err(StepRefused::Invalid(field, message)) => Err(AppError::invalid(step_field(field), message)),
        Err(StepRefused::Conflict(message)) => Err(AppError::Conflict(message)),
    }
}

pub(super) fn step_field(field: StepField) -> &'static str {
    match field {
        StepField::Officer => "officer",
        StepField::Outcome => "outcome",
        StepField::Note => "note",
    }
}

#[utoipa::path(get, path = "/api/v1/triage/services/{id}", tag = "triage",
    params(("id" = String, Path, description = "The service's CQC location ID")),
    responses((status = 200, body = ServicePicture), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn service(
    Staff(_): Staff,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ServicePicture>, AppError> {
    let unknown = || AppError::NotFound("There is no service with this CQC location ID in the register.".to_owned());
    let id = CqcLocationId::parse(&id).map_err(|_| unknown())?;
    let service = state.store.service(&id).await?.ok_or_else(unknown)?;
    let Picture { by_severity, open, pattern, ratings, recent, checklists } = picture(&state, &service).await?;
    let count = |wanted: Severity| by_severity.iter().find(|(severity, _)| *severity == wanted).map_or(0, |(_, n)| *n);
    let now = Utc::now();
    Ok(Json(ServicePicture {
        location_id: id.as_str().to_owned(),
        name: service.name_and_town(),
        red: count(Severity::Red),
        amber: count(Severity::Amber),
        green: count(Severity::Green),
        open,
        pattern,
        areas: ratings
            .into_iter()
            .map(|month| AreaRatings {
                label: charted_area(&month.area).map_or("", |(_, label)| label).to_owned(),
                area: month.area,
                month: month.month,
                rating: month.rating,
                count: month.count,
            })
            .collect(),
        recent: recent.into_iter().map(|item| ObservationSummary::new(item, &state.response_targets, now)).collect(),
        checklists: checklists
            .into_iter()
            .map(|latest| ChecklistSummary {
                id: latest.submission.receipt.id,
                form_id: latest.submission.form_id,
                form_version: latest.submission.form_version,
                form_title: latest.form_title,
                received_at: latest.submission.receipt.received_at,
                summary: latest.summary,
            })
            .collect(),
    }))
}
