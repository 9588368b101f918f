//! What the offline app fetches besides sync: its service worker, the whole
//! register, the device's profile, and the app shell.

use serde_json::Value;

use crate::helpers::{spawn_app, spawn_app_with, spawn_app_with_demo_register};

#[tokio::test]
async fn the_service_worker_is_never_cached_and_its_version_follows_the_release() {
    let app = spawn_app().await;
    let response = app.get("/sw.js").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-cache");
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    let script = response.text().await.unwrap();
    assert!(!script.contains("__VERSION__"));
    assert!(script.contains("\"/app\""));

    let next = spawn_app_with(|settings| settings.release_label = "next".into()).await;
    let next_script = next.get("/sw.js").await.text().await.unwrap();
    assert_ne!(script, next_script, "a new release must install a new worker");
}

#[tokio::test]
async fn the_whole_register_is_served_for_the_phone_to_search() {
    let app = spawn_app_with_demo_register().await;
    let response = app.get("/api/v1/register").await;
    assert_eq!(response.status(), 200);
    let services: Vec<Value> = response.json().await.unwrap();
    assert_eq!(services.len(), 109);
    assert!(services.iter().any(|s| s["name"] == "Heron House"));
}

#[tokio::test]
async fn the_profile_needs_an_enrolled_device() {
    let app = spawn_app_with(|settings| settings.draft_expiry_days = 7).await;
    assert_eq!(app.get("/api/v1/devices/me").await.status(), 401);
    let token = app.enrolled_device().await;
    let response = app.client.get(format!("{}/api/v1/devices/me", app.address)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let profile: Value = response.json().await.unwrap();
    assert_eq!(profile["name"], "Dr Test");
    assert_eq!(profile["role"], "gp");
    assert_eq!(profile["draft_expiry_days"], 7);
    assert!(profile["safeguarding_route"].as_str().unwrap().contains("999"));
}

#[tokio::test]
async fn a_phone_leaving_ends_its_own_enrolment_and_cookie() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let url = format!("{}/api/v1/devices/me", app.address);
    assert_eq!(app.client.delete(&url).send().await.unwrap().status(), 401, "only an enrolled phone can leave");
    let left = app.client.delete(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(left.status(), 204);
    let cookie = left.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("chf_device=;") && cookie.contains("Max-Age=0"), "the browser forgets the token: {cookie}");
    let after = app.client.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(after.status(), 403, "the token no longer sends anything");
}

#[tokio::test]
async fn the_app_shell_the_worker_keeps_is_the_same_for_everyone_and_names_the_manifest() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let shell = app.client.get(format!("{}/app?shell", app.address)).bearer_auth(&token).send().await.unwrap().text().await.unwrap();
    assert!(shell.contains("Opening the app"));
    assert!(!shell.contains("Dr Test"), "the cached copy names no one");
    assert!(shell.contains("/manifest.webmanifest"));
    assert!(shell.contains("href=\"/feedback\""), "a way in without JavaScript");
    let script = app.get("/sw.js").await.text().await.unwrap();
    assert!(script.contains(r#"const APP_SHELL = APP + "?shell";"#), "the worker keeps that copy");
}

/// A first visit shows the start page before any wasm runs: the hydration
/// scripts wait in a template, so the page asks for nothing more yet.
#[tokio::test]
async fn a_first_visit_to_the_app_is_a_start_page_drawn_by_the_server() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let html = app.client.get(format!("{}/app", app.address)).bearer_auth(&token).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Enrolled as Dr Test"), "{html}");
    assert!(html.contains(r#"href="/app#/new/professional-feedback""#), "the form starts from a link");
    let (before, template) = html.split_once(r#"<template id="chf-app-scripts">"#).expect("the scripts wait in a template");
    assert!(!before.contains(".wasm") && !before.contains("modulepreload"), "nothing fetches the wasm before the loader says so");
    assert!(template.split_once("</template>").unwrap().0.contains(".wasm"));

    let stranger = app.get_html("/app").await;
    assert!(stranger.contains("Enrol this device") && !stranger.contains("Opening the app"));
}
