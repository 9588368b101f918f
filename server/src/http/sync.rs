//! `POST /api/v1/sync`: a phone's outbox, a batch at a time. Each item is
//! stored exactly once (its id is the idempotency key) and gets its own
//! outcome, so one bad observation never holds the others back.

use std::sync::{
    atomic::{AtomicU32, Ordering},
    Arc,
};

use app::domain::sync::{ItemOutcome, SyncBatch, SyncReply, MAX_BATCH};
use axum::{extract::State, http::StatusCode, response::IntoResponse, routing::post, Json, Router};

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
    Router::new().route("/api/v1/sync", post(sync))
}

/// Test-only fault: how many more committed batches to answer as if the
/// reply were lost. Zero in every real deployment.
#[derive(Clone, Debug, Default)]
pub struct LostReplies(pub Arc<AtomicU32>);

impl LostReplies {
    fn take_one(&self) -> bool {
        self.0.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| left.checked_sub(1)).is_ok()
    }
}

#[utoipa::path(post, path = "/api/v1/sync", tag = "devices", security(("device" = [])),
    request_body = SyncBatch,
    responses(
        (status = 200, body = SyncReply, description = "One outcome per item, in order"),
        (status = 400, body = crate::http::error::ErrorBody), (status = 401, body = crate::http::error::ErrorBody),
        (status = 403, body = crate::http::error::ErrorBody), (status = 413, body = crate::http::error::ErrorBody),
        (status = 415, body = crate::http::error::ErrorBody),
        (status = 422, body = crate::http::error::ErrorBody, description = "More items than a batch may hold"),
    ))]
pub async fn sync(
    State(state): State<AppState>,
    EnrolledDevice(device): EnrolledDevice,
    ApiJson(batch): ApiJson<SyncBatch>,
) -> Result<axum::response::Response, AppError> {
    if batch.items.len() > MAX_BATCH {
        return Err(AppError::invalid("items", format!("Send at most {MAX_BATCH} items at a time")));
    }
    let reply = store_each(&state.store, &state.arrivals, &state.alert_channels, &device, &batch).await?;
    if state.lost_replies.take_one() {
        tracing::warn!(items = batch.items.len(), "test fault: batch stored, reply withheld");
        return Ok((StatusCode::SERVICE_UNAVAILABLE, "reply lost (test fault)").into_response());
    }
    Ok(Json(reply).into_response())
}

/// One outcome per item. A refusal is final for that item (the phone shows
/// it); a failure of ours fails the batch so the phone retries it all later.
async fn store_each(
    store: &SharedStore,
    arrivals: &Arrivals,
    alerts: &AlertChannels,
    device: &Device,
    batch: &SyncBatch,
) -> Result<SyncReply, AppError> {
    let intakes = take_in(store, arrivals, alerts, device, &batch.items).await?;
    let outcomes = batch
        .items
        .iter()
        .zip(intakes)
        .map(|(item, intake)| match intake {
            Intake::Accepted(receipt) => ItemOutcome::Accepted { id: item.id, receipt },
            Intake::AlreadyReceived(receipt) => ItemOutcome::AlreadyReceived { id: item.id, receipt },
            Intake::Refused(refusal) => {
                let reason = refusal.reason().to_owned();
                let fields = match refusal {
                    Refusal::Invalid(fields) => fields,
                    Refusal::IdTaken => Vec::new(),
                };
                ItemOutcome::Rejected { id: item.id, reason, fields }
            }
        })
        .collect();
    Ok(SyncReply { outcomes })
}
