//! `POST /api/v1/devices`: a professional enrols their phone with their
//! organisation's access code and gets a device token, once. No password.

use app::domain::{
    device::{Enrolment, EnrolmentRequest, ProfessionalName, ProfessionalRole},
    FieldError,
};
use axum::{extract::State, http::StatusCode, routing::post, Json, Router};
use uuid::Uuid;

use super::{error::AppError, extract::ApiJson, AppState};
use crate::{
    credentials::{hash_secret, new_device_token, normalise_access_code},
    store::{NewDevice, SharedStore},
};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/devices", post(enrol))
}

async fn enrol(
    State(store): State<SharedStore>,
    ApiJson(request): ApiJson<EnrolmentRequest>,
) -> Result<(StatusCode, Json<Enrolment>), AppError> {
    Ok((StatusCode::CREATED, Json(enrol_device(&store, &request).await?)))
}

/// Checks an enrolment and stores the new device; the JSON API and the
/// enrolment page both come here.
pub async fn enrol_device(store: &SharedStore, request: &EnrolmentRequest) -> Result<Enrolment, AppError> {
    let mut problems = Vec::new();
    let name = ProfessionalName::parse(&request.name).map_err(|e| problems.push(e)).ok();
    let role = ProfessionalRole::parse(&request.role).map_err(|e| problems.push(e)).ok();
    let code = normalise_access_code(&request.access_code);
    let organisation = match code.is_empty() {
        true => None,
        false => store.organisation_by_access_code(&hash_secret(&code)).await?,
    };
    if organisation.is_none() {
        problems.push(FieldError::new("access_code", "Enter the access code your organisation gave you"));
    }
    let (Some(name), Some(role), Some(organisation)) = (name, role, organisation) else {
        return Err(AppError::Invalid(problems));
    };
    let token = new_device_token();
    let device = NewDevice { id: Uuid::new_v4(), organisation_id: organisation.id, token_hash: hash_secret(&token), name, role };
    store.enrol_device(&device).await?;
    tracing::info!(device = %device.id, organisation = organisation.id, "device enrolled");
    Ok(Enrolment { device_id: device.id, token, organisation: organisation.name })
}
