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
async fn the_app_shell_is_the_same_for_everyone_and_names_the_manifest() {
    let app = spawn_app().await;
    let html = app.get_html("/app").await;
    assert!(html.contains("Opening the app"));
    assert!(html.contains("/manifest.webmanifest"));
    assert!(html.contains("href=\"/feedback\""), "a way in without JavaScript");
}
