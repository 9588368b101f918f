//! What the offline app needs from the server besides sync: its service
//! worker, the whole register (cached on the phone for the service picker)
//! and the enrolled device's profile.

use std::path::Path;

use app::domain::{
    register::{RegisterPage, RegisterQuery},
    sync::DeviceProfile,
};
use axum::{
    extract::State,
    http::header::{CACHE_CONTROL, CONTENT_TYPE},
    http::{header::SET_COOKIE, StatusCode},
    response::{AppendHeaders, IntoResponse},
    routing::get,
    Json, Router,
};
use sha2::{Digest, Sha256};

use super::{error::AppError, extract::EnrolledDevice, AppState};
use crate::store::SharedStore;

/// More services than any commissioning unit's area holds.
const WHOLE_REGISTER: u32 = 5_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sw.js", get(service_worker))
        .route("/api/v1/register", get(register))
        .route("/api/v1/devices/me", get(me).delete(leave))
}

/// The service worker's script, with a version that changes whenever the
/// built files (or the release label) do, so each release installs anew.
#[derive(Clone, Debug)]
pub struct ServiceWorker {
    script: String,
}

impl ServiceWorker {
    pub fn for_site(site_root: &Path, release_label: &str) -> Self {
        let mut hash = Sha256::new();
        hash.update(release_label.as_bytes());
        for file in ["chf.js", "chf.wasm", "chf.css"] {
            // A missing file (tests without a built site) just leaves the hash as it is.
            if let Ok(bytes) = std::fs::read(site_root.join("pkg").join(file)) {
                hash.update(&bytes);
            }
        }
        let version: String = hash.finalize().iter().take(8).map(|byte| format!("{byte:02x}")).collect();
        let script = include_str!("../../assets/sw.js").replace("__VERSION__", &version);
        Self { script }
    }
}

async fn service_worker(State(worker): State<std::sync::Arc<ServiceWorker>>) -> impl IntoResponse {
    // Always revalidated: the browser must see a new version as soon as it is deployed.
    ([(CONTENT_TYPE, "text/javascript; charset=utf-8"), (CACHE_CONTROL, "no-cache")], worker.script.clone())
}

/// The whole register, by name: the phone searches it itself when offline.
async fn register(State(store): State<SharedStore>) -> Result<impl IntoResponse, AppError> {
    let page: RegisterPage = store.search_register(&RegisterQuery::new(""), WHOLE_REGISTER).await?;
    Ok(([(CACHE_CONTROL, "no-cache")], Json(page.services)))
}

#[utoipa::path(get, path = "/api/v1/devices/me", tag = "devices", security(("device" = [])),
    responses((status = 200, body = DeviceProfile), (status = 401, body = crate::http::error::ErrorBody),
        (status = 403, body = crate::http::error::ErrorBody)))]
pub async fn me(State(state): State<AppState>, EnrolledDevice(device): EnrolledDevice) -> Json<DeviceProfile> {
    Json(DeviceProfile {
        name: device.name,
        role: device.role,
        organisation: device.organisation,
        draft_expiry_days: state.draft_expiry_days,
        safeguarding_route: state.safeguarding_route,
        max_body_bytes: Some(state.max_body_bytes as u64),
    })
}

/// "Leave this phone": the phone ends its own enrolment (a token copied off
/// it sends nothing more) and the browser forgets its cookie.
#[utoipa::path(delete, path = "/api/v1/devices/me", tag = "devices", security(("device" = [])),
    responses((status = 204), (status = 401, body = crate::http::error::ErrorBody),
        (status = 403, body = crate::http::error::ErrorBody)))]
pub async fn leave(State(state): State<AppState>, EnrolledDevice(device): EnrolledDevice) -> Result<impl IntoResponse, AppError> {
    state.store.revoke_device(device.id).await?;
    tracing::info!(device = %device.id, "device left");
    let forget = app::session::set_cookie(app::session::DEVICE_COOKIE, "", "Strict", 0, state.secure_cookies);
    let forget_marker = app::session::set_readable_cookie(app::domain::device::ENROLLED_COOKIE, "", 0, state.secure_cookies);
    Ok((StatusCode::NO_CONTENT, AppendHeaders([(SET_COOKIE, forget), (SET_COOKIE, forget_marker)])))
}
