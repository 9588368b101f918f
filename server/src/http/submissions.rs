//! `POST /api/v1/submissions`: an enrolled device sends one observation. The
//! server re-validates it against the exact form version, computes its
//! severity, and stores it once, however often it is sent.

use app::domain::{
    forms::{self, Answer, FormDefinition, QuestionKind},
    register::CqcLocationId,
    submission::{Receipt, SubmissionRequest},
};
use axum::{extract::State, http::StatusCode, routing::post, Json, Router};
use chrono::{NaiveDate, Utc};

use super::{error::AppError, extract::{ApiJson, EnrolledDevice}, AppState, Arrivals};
use crate::{
    credentials::hash_secret,
    store::{Device, NewSubmission, Recorded, SharedStore},
};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/submissions", post(submit))
}

async fn submit(
    State(store): State<SharedStore>,
    State(arrivals): State<Arrivals>,
    EnrolledDevice(device): EnrolledDevice,
    ApiJson(request): ApiJson<SubmissionRequest>,
) -> Result<(StatusCode, Json<Receipt>), AppError> {
    let (status, receipt) = accept(&store, &arrivals, &device, &request).await?;
    Ok((status, Json(receipt)))
}

/// Validates, assesses and stores a submission once: `201` when new, `200`
/// when this exact submission was already received. The JSON API and the
/// "Send" button of the server-rendered journey both come here.
pub async fn accept(
    store: &SharedStore,
    arrivals: &Arrivals,
    device: &Device,
    request: &SubmissionRequest,
) -> Result<(StatusCode, Receipt), AppError> {
    request.check_clock(Utc::now()).map_err(|problem| AppError::Invalid(vec![problem]))?;
    let form = forms::find(&request.form_id, request.form_version)
        .ok_or_else(|| unknown_form(&request.form_id, request.form_version))?;
    let answers = form.validate(&request.answers, latest_date_on_earth()).map_err(AppError::Invalid)?;
    let (service_question, service) = service_of(form, &answers)?;
    if store.service(&service).await?.is_none() {
        return Err(AppError::invalid(service_question, "Select a service from the register"));
    }
    let submission = NewSubmission {
        id: request.id,
        device_id: device.id,
        form_id: request.form_id.clone(),
        form_version: request.form_version,
        service,
        assessment: form.assess(&answers),
        answers,
        content_hash: content_hash(request),
        submitted_at: request.submitted_at,
        received_at: Utc::now(),
    };
    match store.record_submission(&submission).await? {
        Recorded::New(receipt) => {
            tracing::info!(submission = %receipt.id, device = %device.id, severity = receipt.severity.code(), "submission recorded");
            arrivals.announce(receipt.id);
            Ok((StatusCode::CREATED, receipt))
        }
        Recorded::AlreadyReceived(receipt) => Ok((StatusCode::OK, receipt)),
        Recorded::Conflict => Err(AppError::Conflict(
            "A different submission with this id was already received.".to_owned(),
        )),
    }
}

fn unknown_form(id: &str, version: u32) -> AppError {
    match forms::latest(id) {
        None => AppError::invalid("form_id", "This form is not known to the server"),
        Some(_) => AppError::invalid("form_version", format!("Version {version} of this form is not known to the server")),
    }
}

/// The visit date may be "today" wherever the phone is; the latest calendar
/// date anywhere (UTC+14) keeps a just-after-midnight visit from being refused.
pub fn latest_date_on_earth() -> NaiveDate {
    (Utc::now() + chrono::Duration::hours(14)).date_naive()
}

/// Every form is about one service: the answer to its service picker.
fn service_of<'a>(form: &'a FormDefinition, answers: &forms::Answers) -> Result<(&'a str, CqcLocationId), AppError> {
    let question = form
        .questions()
        .find(|q| matches!(q.kind, QuestionKind::ServicePicker))
        .ok_or_else(|| AppError::invalid("form_id", "This form does not say which service it is about"))?;
    match answers.get(&question.id) {
        Some(Answer::Service(id)) => Ok((&question.id, id.clone())),
        _ => Err(AppError::invalid(&question.id, "Select a service from the register")),
    }
}

/// Hash of what was answered (answers are a sorted map, so the same content
/// always serialises the same way). The device's clock is left out: a retry
/// stamped a second later is still the same observation.
fn content_hash(request: &SubmissionRequest) -> String {
    let content = (&request.form_id, request.form_version, &request.answers);
    hash_secret(&serde_json::to_string(&content).unwrap_or_default())
}
