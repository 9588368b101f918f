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
        let files = pkg_files(&site_root.join("pkg"));
        let mut hash = Sha256::new();
        hash.update(release_label.as_bytes());
        for file in &files {
            // A file that cannot be read (tests without a built site) just leaves the hash as it is.
            if let Ok(bytes) = std::fs::read(site_root.join("pkg").join(file)) {
                hash.update(file.as_bytes());
                hash.update(&bytes);
            }
        }
        let version: String = hash.finalize().iter().take(8).map(|byte| format!("{byte:02x}")).collect();
        let urls: Vec<String> = files.iter().map(|file| format!("/pkg/{file}")).collect();
        let urls = serde_json::to_string(&urls).expect("file names serialise");
        let script = include_str!("../../assets/sw.js").replace("__VERSION__", &version).replace("__PKG_FILES__", &urls);
        Self { script }
    }
}

/// What the app needs from `pkg/`: the script, the stylesheet, the wasm and
/// every piece `--split` cut from it (under whatever names `hash-files` gave
/// them). Without a built site, the names the app asks for unhashed.
fn pkg_files(pkg: &Path) -> Vec<String> {
    let listed = std::fs::read_dir(pkg).map(|entries| {
        entries
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter(|name| [".js", ".wasm", ".css"].iter().any(|ext| name.ends_with(ext)))
            .collect::<Vec<_>>()
    });
    let mut files = match listed {
        Ok(files) if !files.is_empty() => files,
        _ => ["chf.js", "chf.wasm", "chf.css"].map(String::from).to_vec(),
    };
    files.sort();
    files
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_keeps_every_built_piece_of_the_app() {
        let site = tempfile::tempdir().unwrap();
        let pkg = site.path().join("pkg");
        std::fs::create_dir(&pkg).unwrap();
        for file in [
            "chf.Ab1.js",
            "chf.Cd2.wasm",
            "chf.Ef3.css",
            "split_step_screen_12.wasm",
            "chunk_0.wasm",
            "__wasm_split.Gh4.js",
            "__wasm_split_manifest.json",
        ] {
            std::fs::write(pkg.join(file), file).unwrap();
        }
        let script = ServiceWorker::for_site(site.path(), "test").script;
        for file in ["chf.Ab1.js", "chf.Cd2.wasm", "chf.Ef3.css", "split_step_screen_12.wasm", "chunk_0.wasm", "__wasm_split.Gh4.js"] {
            assert!(script.contains(&format!("\"/pkg/{file}\"")), "{file} is not precached");
        }
        assert!(!script.contains("manifest.json\""), "the split manifest is the server's, not the phone's");

        std::fs::write(pkg.join("chunk_0.wasm"), "changed").unwrap();
        assert_ne!(ServiceWorker::for_site(site.path(), "test").script, script, "a changed piece is a new version");
    }

    #[test]
    fn without_a_built_site_the_worker_asks_for_the_plain_names() {
        let script = ServiceWorker::for_site(Path::new("/nonexistent"), "test").script;
        assert!(script.contains(r#"const PKG_FILES = ["/pkg/chf.css","/pkg/chf.js","/pkg/chf.wasm"];"#), "{script}");
    }
}
