//! `POST /api/v1/submissions`: an enrolled device sends one observation. The
//! server re-validates it against the exact form version, computes its
//! severity, and stores it once, however often it is sent.

use app::domain::submission::{Receipt, SubmissionRequest};
use axum::{extract::State, http::StatusCode, routing::post, Json, Router};

use super::{
    error::AppError,
    extract::{ApiJson, EnrolledDevice},
    AppState,
};
use crate::{
    arrivals::Arrivals,
    intake::{take_in, AlertChannels, Intake, Refusal},
    store::{Device, SharedStore},
};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/submissions", post(submit))
}

#[utoipa::path(post, path = "/api/v1/submissions", tag = "devices", security(("device" = [])),
    request_body = SubmissionRequest,
    responses(
        (status = 201, body = Receipt, description = "Stored now"),
        (status = 200, body = Receipt, description = "Stored before: the first receipt"),
        (status = 400, body = crate::http::error::ErrorBody), (status = 401, body = crate::http::error::ErrorBody),
        (status = 403, body = crate::http::error::ErrorBody), (status = 409, body = crate::http::error::ErrorBody),
        (status = 413, body = crate::http::error::ErrorBody), (status = 415, body = crate::http::error::ErrorBody),
        (status = 422, body = crate::http::error::ErrorBody, description = "Answers to correct, by field"),
    ))]
pub async fn submit(
    State(store): State<SharedStore>,
    State(arrivals): State<Arrivals>,
    State(alerts): State<AlertChannels>,
    EnrolledDevice(device): EnrolledDevice,
    ApiJson(request): ApiJson<SubmissionRequest>,
) -> Result<(StatusCode, Json<Receipt>), AppError> {
    let (status, receipt) = accept(&store, &arrivals, &alerts, &device, &request).await?;
    Ok((status, Json(receipt)))
}

/// Takes in one submission: `201` when new, `200` when this exact submission
/// was already received. The JSON API and the journey's "Send" both come here.
pub async fn accept(
    store: &SharedStore,
    arrivals: &Arrivals,
    alerts: &AlertChannels,
    device: &Device,
    request: &SubmissionRequest,
) -> Result<(StatusCode, Receipt), AppError> {
    let outcome = take_in(store, arrivals, alerts, device, std::slice::from_ref(request)).await?.pop();
    match outcome {
        Some(Intake::Accepted(receipt)) => Ok((StatusCode::CREATED, receipt)),
        Some(Intake::AlreadyReceived(receipt)) => Ok((StatusCode::OK, receipt)),
        Some(Intake::Refused(Refusal::Invalid(fields))) => Err(AppError::Invalid(fields)),
        Some(Intake::Refused(refusal @ Refusal::IdTaken)) => Err(AppError::Conflict(refusal.reason().to_owned())),
        None => Err(AppError::Internal(crate::store::StoreError::Corrupt("no outcome".to_owned()))),
    }
}
