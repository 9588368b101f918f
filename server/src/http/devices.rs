//! `POST /api/v1/devices`: a professional enrols their phone with their
//! organisation's access code and gets a device token, once. No password.

use app::domain::{
    device::{Enrolment, EnrolmentRequest, ProfessionalName, ProfessionalRole},
    FieldError,
};
use axum::{extract::State, http::StatusCode, routing::post, Json, Router};
use uuid::Uuid;

use super::{attempts::ClientAddress, error::AppError, extract::ApiJson, AppState};
use crate::{
    credentials::{hash_secret, new_device_token, normalise_access_code},
    store::NewDevice,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/devices", post(enrol))
}

#[utoipa::path(post, path = "/api/v1/devices", tag = "devices", security(()),
    request_body = EnrolmentRequest,
    responses(
        (status = 201, body = Enrolment, description = "Enrolled; the token is shown only now"),
        (status = 400, body = crate::http::error::ErrorBody), (status = 415, body = crate::http::error::ErrorBody),
        (status = 422, body = crate::http::error::ErrorBody, description = "A name, role or access code to correct"),
        (status = 429, body = crate::http::error::ErrorBody, description = "Too many wrong codes from this address"),
    ))]
pub async fn enrol(
    State(state): State<AppState>,
    client: ClientAddress,
    ApiJson(request): ApiJson<EnrolmentRequest>,
) -> Result<(StatusCode, Json<Enrolment>), AppError> {
    Ok((StatusCode::CREATED, Json(enrol_device(&state, client, &request).await?)))
}

/// Checks an enrolment and stores the new device; the JSON API and the
/// enrolment page both come here. Each code tried is counted against the
/// client first, so codes cannot be guessed at speed.
pub async fn enrol_device(state: &AppState, client: ClientAddress, request: &EnrolmentRequest) -> Result<Enrolment, AppError> {
    let store = &state.store;
    let mut problems = Vec::new();
    let name = ProfessionalName::parse(&request.name).map_err(|e| problems.push(e)).ok();
    let role = ProfessionalRole::parse(&request.role).map_err(|e| problems.push(e)).ok();
    let code = normalise_access_code(&request.access_code);
    let organisation = match code.is_empty() {
        true => None,
        false => {
            let attempt = state.attempts.take_code(store, client).await?.map_err(|refusal| AppError::TooManyAttempts(refusal.message()))?;
            let found = store.organisation_by_access_code(&hash_secret(&code)).await?;
            if found.is_some() {
                state.attempts.succeeded(store, attempt).await?;
            }
            found
        }
    };
    if organisation.is_none() {
        problems.push(FieldError::new("access_code", "Enter the access code your organisation gave you"));
    }
    let (Some(name), Some(role), Some(organisation)) = (name, role, organisation) else {
        return Err(AppError::Invalid(problems));
    };
    let token = new_device_token();
    let device = NewDevice {
        id: Uuid::new_v4(),
        organisation_id: organisation.id,
        token_hash: hash_secret(&token),
        name,
        role,
        token_expires_at: state.device_token_lifetime.from_now(),
    };
    store.enrol_device(&device).await?;
    tracing::info!(device = %device.id, organisation = organisation.id, "device enrolled");
    Ok(Enrolment { device_id: device.id, token, organisation: organisation.name })
}
