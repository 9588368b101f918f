//! Form definitions over HTTP: every known version for phones (`GET
//! /api/v1/forms`, fetched at sync), and publishing a new version, admins
//! only, as JSON (`POST /api/v1/forms`) or by uploading the file on the
//! staff page `/triage/forms`.

use app::domain::{
    accounts::Role,
    forms::{self, FormDefinition},
    FieldError,
};
use axum::{
    extract::{multipart::MultipartRejection, Multipart, Query, State},
    http::{header::CONTENT_TYPE, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::get,
    Json, Router,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::pages;
use crate::definitions::{self, PublishError};
use crate::http::{
    error::AppError,
    staff::{Staff, CSRF_HEADER},
    AppState,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/forms", get(list).post(publish)).route("/triage/forms", get(page).post(upload))
}

#[derive(Deserialize)]
struct PageQuery {
    published: Option<String>,
}

/// Every version known, and for admins the upload form.
async fn page(Staff(staff): Staff, State(state): State<AppState>, Query(query): Query<PageQuery>) -> Result<Response, AppError> {
    let published = state.store.published_definitions().await?;
    let just_published = query.published.filter(|what| what.len() <= 100);
    Ok(pages::forms(pages::FormsView { staff: &staff, published, problems: Vec::new(), just_published }).into_response())
}

/// An admin's upload of a definition file: published, or the page again with every problem.
async fn upload(
    staff: Staff,
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    // Refused before the body is looked at: only an admin's upload is worth reading.
    if staff.0.user.role != Role::Admin {
        return Err(AppError::AdminOnly);
    }
    let mut multipart = multipart.map_err(|err| AppError::BadRequest(err.body_text()))?;
    let (mut csrf, mut file) = (String::new(), String::new());
    while let Some(field) = multipart.next_field().await.map_err(|err| AppError::BadRequest(err.body_text()))? {
        let name = field.name().unwrap_or_default().to_owned();
        let text = field.text().await.map_err(|err| AppError::BadRequest(err.body_text()))?;
        match name.as_str() {
            "csrf" => csrf = text,
            "definition" => file = text,
            _ => {}
        }
    }
    staff.check_post(&headers, &csrf)?;
    let Staff(staff) = staff;
    let (status, problems) = match definitions::publish(&state.store, &state.relay, &file, staff.user.id).await {
        Ok(outcome) => {
            let what = format!("{} version {}", outcome.form_id, outcome.version);
            let query = serde_urlencoded::to_string([("published", what)]).unwrap_or_default();
            return Ok(Redirect::to(&format!("/triage/forms?{query}")).into_response());
        }
        Err(PublishError::Invalid(problems)) => (StatusCode::UNPROCESSABLE_ENTITY, problems),
        Err(taken @ PublishError::Taken { .. }) => (StatusCode::CONFLICT, vec![FieldError::new("definition", taken.to_string())]),
        Err(PublishError::Store(err)) => return Err(AppError::Internal(err)),
    };
    let published = state.store.published_definitions().await?;
    Ok((status, pages::forms(pages::FormsView { staff: &staff, published, problems, just_published: None })).into_response())
}

/// Every form definition this server knows, each version kept.
#[derive(Serialize, ToSchema)]
pub struct Definitions {
    /// Built-in and published versions, in the order they became known.
    #[schema(value_type = Vec<Object>)]
    pub definitions: Vec<&'static FormDefinition>,
}

/// Public: the definitions are in the app's bundle anyway and hold no data.
#[utoipa::path(get, path = "/api/v1/forms", tag = "forms", security(()),
    responses((status = 200, body = Definitions)))]
pub async fn list() -> Json<Definitions> {
    Json(Definitions { definitions: forms::definitions() })
}

/// A version as stored.
#[derive(Serialize, ToSchema)]
pub struct PublishedVersion {
    pub form_id: String,
    pub version: u32,
}

#[utoipa::path(post, path = "/api/v1/forms", tag = "forms",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token, from /api/v1/triage/me")),
    request_body(content = Object, content_type = "application/json", description = "A form definition file"),
    responses(
        (status = 201, body = PublishedVersion, description = "Published; phones get it at their next sync"),
        (status = 200, body = PublishedVersion, description = "This exact version was already published"),
        (status = 401, body = crate::http::error::ErrorBody),
        (status = 403, body = crate::http::error::ErrorBody, description = "Not an admin, or no CSRF token"),
        (status = 409, body = crate::http::error::ErrorBody, description = "This version is published with other content"),
        (status = 415, body = crate::http::error::ErrorBody),
        (status = 422, body = crate::http::error::ErrorBody, description = "Every problem, each with its place in the file"),
    ))]
pub async fn publish(
    staff: Staff,
    State(state): State<AppState>,
    headers: HeaderMap,
    file: String,
) -> Result<(StatusCode, Json<PublishedVersion>), AppError> {
    let csrf = headers.get(CSRF_HEADER).and_then(|value| value.to_str().ok()).unwrap_or_default();
    staff.check_post(&headers, csrf)?;
    if staff.0.user.role != Role::Admin {
        return Err(AppError::AdminOnly);
    }
    let is_json = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return Err(AppError::NotJson);
    }
    let outcome = definitions::publish(&state.store, &state.relay, &file, staff.0.user.id).await.map_err(publish_error)?;
    let status = if outcome.new { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(PublishedVersion { form_id: outcome.form_id, version: outcome.version })))
}

pub fn publish_error(err: PublishError) -> AppError {
    match err {
        PublishError::Invalid(problems) => AppError::DefinitionProblems(problems),
        taken @ PublishError::Taken { .. } => AppError::Conflict(taken.to_string()),
        PublishError::Store(err) => AppError::Internal(err),
    }
}
