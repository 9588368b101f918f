//! The service worker (`/sw.js`, served by the server with its version):
//! registering it, telling the person when a new version is ready, Background
//! Sync, and asking the browser to keep our storage.

use js_sys::{Function, Reflect};
use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, ServiceWorker, ServiceWorkerRegistration, ServiceWorkerState};

use super::{state::OfflineState, sync};

const SYNC_TAG: &str = "chf-outbox";

/// Registers the worker; an update found now or later sets `update_ready`.
pub fn register(state: OfflineState) {
    let container = window().navigator().service_worker();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        if event.data().as_string().as_deref() == Some("sync") {
            sync::flush_when_due(state);
        }
    });
    container.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    spawn_local(async move {
        let Ok(registration) = JsFuture::from(container.register("/sw.js")).await else { return };
        let registration: ServiceWorkerRegistration = registration.unchecked_into();
        watch_for_updates(&registration, state);
    });
    keep_storage();
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

/// Asks the browser not to evict our storage when space runs low.
fn keep_storage() {
    if let Ok(promise) = window().navigator().storage().persist() {
        spawn_local(async move {
            let _ = JsFuture::from(promise).await;
        });
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
