//! The triage JSON API, version 1: what the pages show, for other tools of the
//! unit (reports, a case system). The same session, filters, workflow and store
//! calls as the pages; described in the OpenAPI document (`http::openapi`),
//! which is generated from these handlers and types so it cannot drift from them.
//!
//! A breaking change gets `/api/v2`; fields are only ever added to v1.

use app::domain::{
    forms::{Severity, Summary},
    register::{CqcLocationId, Service},
    triage::{charted_area, Outcome, Status},
};
use axum::{
    extract::{Path, Query, State},
    http::HeaderMap,
    routing::{get, post},
    Json, Router,
};
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{
    apply_step,
    filter::InboxParams,
    services::{picture, Picture},
    StepField, StepRefused, StepRequest, PER_PAGE,
};
use crate::{
    http::{
        error::{AppError, ErrorBody},
        extract::ApiJson,
        staff::{Staff, CSRF_HEADER},
        AppState,
    },
    store::{InboxItem, TriageEvent},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/triage/me", get(me))
        .route("/api/v1/triage/officers", get(officers))
        .route("/api/v1/triage/observations", get(list))
        .route("/api/v1/triage/observations/{id}", get(detail))
        .route("/api/v1/triage/observations/{id}/steps", post(step))
        .route("/api/v1/triage/services/{id}", get(service))
}

/// The logged-in member of staff.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub name: String,
    pub email: String,
    /// `commissioner` or `admin`.
    pub role: String,
    /// Send it back in `X-CSRF-Token` with each step.
    pub csrf_token: String,
}

#[utoipa::path(get, path = "/api/v1/triage/me", tag = "triage",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody, description = "Not logged in")))]
pub(crate) async fn me(Staff(staff): Staff) -> Json<Me> {
    let user = staff.user;
    Json(Me { id: user.id, name: user.name, email: user.email, role: user.role.code().to_owned(), csrf_token: staff.csrf_token })
}

/// Someone an observation can be assigned to.
#[derive(Serialize, ToSchema)]
pub struct Officer {
    pub id: i64,
    pub name: String,
}

#[utoipa::path(get, path = "/api/v1/triage/officers", tag = "triage",
    responses((status = 200, body = Vec<Officer>), (status = 401, body = ErrorBody)))]
pub(crate) async fn officers(_: Staff, State(state): State<AppState>) -> Result<Json<Vec<Officer>>, AppError> {
    let users = state.store.users().await?;
    Ok(Json(users.into_iter().map(|user| Officer { id: user.id, name: user.name }).collect()))
}

/// The inbox's filters, exactly as the inbox page takes them in its address.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: the handler reads the pairs, as repeated keys need
struct Filters {
    /// `red`, `amber` or `green`; repeat the key for more than one.
    severity: Option<Vec<String>>,
    /// `open` (the default: all but closed), `all`, `new`, `triaged`, `action` or `closed`.
    status: Option<String>,
    /// A service's CQC location ID.
    service: Option<String>,
    /// An area rated with some or serious concerns: `appearance`, `environment`, `interaction` or `staffing`.
    area: Option<String>,
    /// The visitor's role, as the form's code (`gp`, `nurse`, …).
    role: Option<String>,
    /// Words that must all appear in the answers.
    q: Option<String>,
    /// Received on or after this date (YYYY-MM-DD).
    from: Option<String>,
    /// Received on or before this date (YYYY-MM-DD).
    to: Option<String>,
    /// `yes`: only those assigned to me.
    mine: Option<String>,
    /// From 1.
    page: Option<u32>,
}

/// One page of the inbox, most urgent first.
#[derive(Serialize, ToSchema)]
pub struct ObservationList {
    pub items: Vec<ObservationSummary>,
    /// How many match the filters, on every page.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

/// An inbox row.
#[derive(Serialize, ToSchema)]
pub struct ObservationSummary {
    pub id: Uuid,
    pub service_location_id: String,
    pub service_name: String,
    pub severity: Severity,
    /// Why: "Serious concerns: staffing".
    pub severity_reason: String,
    pub status: Status,
    pub assigned_to: Option<String>,
    pub received_at: DateTime<Utc>,
    /// Not acknowledged within its response target.
    pub overdue: bool,
}

fn summary(item: InboxItem, state: &AppState, now: DateTime<Utc>) -> ObservationSummary {
    ObservationSummary {
        overdue: state.response_targets.is_overdue(item.severity, item.status, item.received_at, now),
        id: item.id,
        service_location_id: item.service.as_str().to_owned(),
        service_name: item.service_name,
        severity: item.severity,
        severity_reason: item.severity_reason,
        status: item.status,
        assigned_to: item.assignee,
        received_at: item.received_at,
    }
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
        items: page.items.into_iter().map(|item| summary(item, &state, now)).collect(),
        total: page.total,
        page: params.page,
        per_page: PER_PAGE,
    }))
}

/// An observation with everything the unit knows of it.
#[derive(Serialize, ToSchema)]
pub struct ObservationDetail {
    pub id: Uuid,
    /// Send it with a step: the step is refused if the observation changed since.
    pub version: i64,
    pub status: Status,
    pub severity: Severity,
    pub severity_reason: String,
    /// Someone may be at immediate risk of harm.
    pub risk_of_harm: bool,
    pub service_location_id: String,
    pub service_name: Option<String>,
    pub form_id: String,
    pub form_version: u32,
    /// The phone's clock when it was sent, with its offset; null when the
    /// stored value could not be read as a date.
    pub submitted_at: Option<DateTime<FixedOffset>>,
    pub received_at: DateTime<Utc>,
    pub overdue: bool,
    pub visitor: Visitor,
    pub assigned_to: Option<Officer>,
    pub outcome: Option<Outcome>,
    /// The questions and answers, in words, in the form's order.
    pub answers: Vec<AnswerInWords>,
    /// A checklist's own summary (domain, indicator or theme ratings and an overall); none for the feedback form.
    pub summary: Option<Summary>,
    /// The audit trail, oldest first.
    pub timeline: Vec<TimelineEntry>,
}

/// Who sent an observation.
#[derive(Serialize, ToSchema)]
pub struct Visitor {
    pub name: String,
    pub role: String,
    pub organisation: String,
}

#[derive(Serialize, ToSchema)]
pub struct AnswerInWords {
    pub question: String,
    pub answer: String,
}

/// One step in the audit trail.
#[derive(Serialize, ToSchema)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub by: String,
    /// What was done: "Acknowledged and assigned", "Note added", …
    pub action: String,
    /// The officer assigned or the outcome recorded, if any.
    pub detail: String,
    pub note: String,
}

impl From<TriageEvent> for TimelineEntry {
    fn from(event: TriageEvent) -> Self {
        Self { at: event.at, by: event.user_name, action: event.kind, detail: event.detail, note: event.note }
    }
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

/// A step to take on an observation.
#[derive(Deserialize, ToSchema)]
pub struct StepBody {
    /// The version the step is based on (from the observation).
    pub version: i64,
    /// `assign` (acknowledges a new observation), `note`, `outcome`, `close` or `reopen`.
    pub step: String,
    /// For `assign`: the officer's id (see `/api/v1/triage/officers`).
    #[serde(default)]
    pub officer: Option<i64>,
    /// For `outcome`.
    #[serde(default)]
    pub outcome: Option<Outcome>,
    /// Required for `note` and `reopen`; at most 2,000 characters.
    #[serde(default)]
    pub note: String,
}

/// Where the observation stands after a step.
#[derive(Serialize, ToSchema)]
pub struct StepTaken {
    pub version: i64,
    pub status: Status,
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
    };
    match apply_step(&state, &staff.0, id, Some(body.version), &request).await? {
        Ok((version, status)) => Ok(Json(StepTaken { version, status })),
        Err(StepRefused::NotFound) => Err(not_found()),
        Err(StepRefused::Unknown(message)) => Err(AppError::BadRequest(message.to_owned())),
        Err(StepRefused::Invalid(field, message)) => Err(AppError::invalid(step_field(field), message)),
        Err(StepRefused::Conflict(message)) => Err(AppError::Conflict(message)),
    }
}

fn step_field(field: StepField) -> &'static str {
    match field {
        StepField::Officer => "officer",
        StepField::Outcome => "outcome",
        StepField::Note => "note",
    }
}

/// A service's picture from its observations.
#[derive(Serialize, ToSchema)]
pub struct ServicePicture {
    pub location_id: String,
    pub name: String,
    /// Every observation, by severity.
    pub red: u64,
    pub amber: u64,
    pub green: u64,
    /// Observations not yet closed.
    pub open: u64,
    /// Why the service is flagged for a pattern of concerns, if it is.
    pub pattern: Option<String>,
    /// How each area was rated, per month received.
    pub areas: Vec<AreaRatings>,
    /// The latest observations, newest first.
    pub recent: Vec<ObservationSummary>,
    /// The newest submission of each checklist about the service, with its summary.
    pub checklists: Vec<ChecklistSummary>,
}

/// One checklist's newest submission about a service.
#[derive(Serialize, ToSchema)]
pub struct ChecklistSummary {
    /// The observation's id.
    pub id: Uuid,
    pub form_id: String,
    pub form_version: u32,
    pub form_title: String,
    pub received_at: DateTime<Utc>,
    pub summary: Summary,
}

/// How often one area got one rating in one month.
#[derive(Serialize, ToSchema)]
pub struct AreaRatings {
    /// `appearance`, `environment`, `interaction` or `staffing`.
    pub area: String,
    pub label: String,
    /// YYYY-MM.
    pub month: String,
    /// `good`, `some_concerns`, `serious_concerns` or `not_observed`.
    pub rating: String,
    pub count: u32,
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
        recent: recent.into_iter().map(|item| summary(item, &state, now)).collect(),
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
