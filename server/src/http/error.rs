//! The one error type of the JSON API and its one `IntoResponse`. Bodies are
//! `{"error": "...", "fields": [{"field": "...", "message": "..."}]}`; internal
//! details never reach the client.

use app::domain::FieldError;
use axum::{
    extract::rejection::JsonRejection,
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the body is not JSON, or not the JSON this endpoint takes.
    #[error("{0}")]
    BadRequest(String),
    /// 401: no device token, or one the server does not know.
    #[error("This device is not enrolled. Enrol it again with your organisation's access code.")]
    NotEnrolled,
    /// 403: the device's enrolment was revoked.
    #[error("This device's enrolment was withdrawn. Ask your organisation for a new access code.")]
    Revoked,
    /// 401: a staff page or API call without a live session.
    #[error("Log in to see this.")]
    NotLoggedIn,
    /// 403: a post without this session's CSRF token, or from another site.
    #[error("This request was refused. Go back, reload the page and try again.")]
    Forbidden,
    /// 403: a provider asking for the unit's own pages or API.
    #[error("This is for the integrated commissioning unit's staff.")]
    StaffOnly,
    /// 403: a member of staff asking for a care home's own pages.
    #[error("This is for a care home's own account.")]
    ProvidersOnly,
    /// 403: a member of staff who is not an admin, asking for what only admins do.
    #[error("Only an admin can do this.")]
    AdminOnly,
    /// 422: a form definition with problems; `fields` names each, by its place in the file.
    #[error("The form definition has problems. Each is listed with its place in the file.")]
    DefinitionProblems(Vec<FieldError>),
    /// 404: what the address names does not exist.
    #[error("{0}")]
    NotFound(String),
    /// 409: the request clashes with something already stored.
    #[error("{0}")]
    Conflict(String),
    /// 429: too many guesses at a secret from this client; the message says how long to wait.
    #[error("{0}")]
    TooManyAttempts(String),
    /// 413: the body is larger than the server accepts.
    #[error("The request is too large.")]
    TooLarge,
    /// 415: the body is not sent as JSON.
    #[error("Send the body as application/json.")]
    NotJson,
    /// 422: the request is well-formed but its answers are not valid.
    #[error("Some answers need correcting.")]
    Invalid(Vec<FieldError>),
    /// 500: a failure of ours, logged once by the tracing layer and here with its cause.
    #[error("Something went wrong on our side. Try again shortly.")]
    Internal(#[from] StoreError),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::NotEnrolled => StatusCode::UNAUTHORIZED,
            Self::Revoked | Self::Forbidden | Self::AdminOnly | Self::StaffOnly | Self::ProvidersOnly => StatusCode::FORBIDDEN,
            Self::DefinitionProblems(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NotLoggedIn => StatusCode::UNAUTHORIZED,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::NotJson => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Self::Internal(err) = &self {
            tracing::error!(error = %err, "request failed");
        }
        let (status, error) = (self.status(), self.to_string());
        let fields = match self {
            Self::Invalid(fields) | Self::DefinitionProblems(fields) => fields,
            _ => Vec::new(),
        };
        (status, Json(ErrorBody { error, fields })).into_response()
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => Self::NotJson,
            JsonRejection::JsonSyntaxError(_) => Self::BadRequest("The body is not valid JSON.".to_owned()),
            // serde's message names the field and what was expected, never a value.
            JsonRejection::JsonDataError(err) => Self::BadRequest(format!("The JSON is not as expected: {}", err.body_text())),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => Self::TooLarge,
            other => Self::BadRequest(other.body_text()),
        }
    }
}

/// The body of every error response, as the OpenAPI document describes it.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, in words for a person.
    pub error: String,
    /// One entry per field at fault; left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}
