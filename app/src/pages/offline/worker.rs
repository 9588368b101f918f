//! The service worker (`/sw.js`, served by the server with its version):
//! registering it, telling the person when a new version is ready, asking
//! for a Background Sync (the worker then sends the outbox itself, tabs open
//! or not), and asking the browser to keep our storage.

use js_sys::{Function, Reflect};
use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorker, ServiceWorkerRegistration, ServiceWorkerState};

use super::state::OfflineState;

const SYNC_TAG: &str = "chf-outbox";

/// Registers the worker; an update found now or later sets `update_ready`.
pub fn register(state: OfflineState) {
    let container = window().navigator().service_worker();
    spawn_local(async move {
        let Ok(registration) = JsFuture::from(container.register("/sw.js")).await else { return };
        let registration: ServiceWorkerRegistration = registration.unchecked_into();
        watch_for_updates(&registration, state);
    });
    keep_storage(state);
}

fn watch_for_updates(registration: &ServiceWorkerRegistration, state: OfflineState) {
    // A worker already waiting was installed while the app was open before;
    // one installing now may have started before this page could listen.
    if registration.waiting().is_some() && has_controller() {
        state.update_ready.set(true);
    }
    if let Some(installing) = registration.installing() {
        watch_install(installing, state);
    }
    let found = registration.clone();
    let on_update = Closure::<dyn Fn()>::new(move || {
        if let Some(installing) = found.installing() {
            watch_install(installing, state);
        }
    });
    registration.set_onupdatefound(Some(on_update.as_ref().unchecked_ref()));
    on_update.forget();
}

fn has_controller() -> bool {
    window().navigator().service_worker().controller().is_some()
}

/// Once installed, a new worker waits for the next open: say so, unless it
/// is the very first install (no controller yet), which is not an update.
fn watch_install(installing: ServiceWorker, state: OfflineState) {
    let watched = installing.clone();
    let on_state = Closure::<dyn Fn()>::new(move || {
        if watched.state() == ServiceWorkerState::Installed && has_controller() {
            state.update_ready.set(true);
        }
    });
    installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
    on_state.forget();
}

/// Below this much free space a form may fail to save.
const NEARLY_FULL_BYTES: f64 = 10.0 * 1024.0 * 1024.0;

/// Asks the browser not to evict our storage when space runs low, and says
/// plainly when it will not promise that, or when the phone is nearly full.
fn keep_storage(state: OfflineState) {
    let storage = window().navigator().storage();
    spawn_local(async move {
        let answer = |promise: Result<js_sys::Promise, JsValue>| async move {
            match promise {
                Ok(promise) => JsFuture::from(promise).await.ok(),
                Err(_) => None,
            }
        };
        let kept = answer(storage.persisted()).await.and_then(|v| v.as_bool()) == Some(true)
            || answer(storage.persist()).await.and_then(|v| v.as_bool()) == Some(true);
        let free = answer(storage.estimate()).await.and_then(|estimate| {
            let number = |name: &str| Reflect::get(&estimate, &name.into()).ok().and_then(|v| v.as_f64());
            Some(number("quota")? - number("usage")?)
        });
        state.storage_risk.set(storage_risk(kept, free));
    });
}

fn storage_risk(kept: bool, free_bytes: Option<f64>) -> Option<String> {
    match free_bytes {
        Some(free) if free < NEARLY_FULL_BYTES => Some(format!(
            "This phone is nearly out of space ({:.1} MB left for this app). Free some space (photos, apps you do not need) so that forms can be saved.",
            free.max(0.0) / (1024.0 * 1024.0)
        )),
        _ if !kept => Some(
            "This browser has not promised to keep what the app saves: if the phone runs very short of space, it may delete unsent forms. Add the app to your home screen, and send forms when you have signal.".to_owned(),
        ),
        _ => None,
    }
}

/// Asks for a Background Sync, where the browser has it (Chromium), so the
/// outbox is flushed when the connection returns even with the app hidden.
pub fn request_background_sync() {
    let Ok(ready) = window().navigator().service_worker().ready() else { return };
    spawn_local(async move {
        let Ok(registration) = JsFuture::from(ready).await else { return };
        let Some(manager) = Reflect::get(&registration, &"sync".into()).ok().filter(JsValue::is_object) else { return };
        let Some(register) = Reflect::get(&manager, &"register".into()).ok().and_then(|f| f.dyn_into::<Function>().ok()) else {
            return;
        };
        if let Ok(promise) = register.call1(&manager, &SYNC_TAG.into()) {
            let _ = JsFuture::from(js_sys::Promise::from(promise)).await;
        }
    });
}
