//! `POST /api/v1/sync`: a phone's outbox, one outcome per item, each item
//! stored exactly once however often it is sent.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{feedback, read_events_until, spawn_app, spawn_app_with, TestApp};

async fn sync(app: &TestApp, token: Option<&str>, items: &[&Value]) -> reqwest::Response {
    app.post_json("/api/v1/sync", &json!({ "items": items }), token).await
}

async fn outcomes(response: reqwest::Response) -> Vec<Value> {
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("JSON");
    body["outcomes"].as_array().expect("outcomes").clone()
}

fn id_of(item: &Value) -> Uuid {
    item["id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn each_item_gets_its_own_outcome_in_order() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let good = feedback(&[("staffing", json!("serious_concerns")), ("staffing_comment", json!("One carer for 20"))]);
    let invalid = feedback(&[("service", json!("")), ("visit_time", json!("midnight"))]);
    let first = outcomes(sync(&app, Some(&token), &[&good]).await).await;
    assert_eq!(first[0]["status"], "accepted");
    assert_eq!(first[0]["receipt"]["severity"], "red");

    let mut changed = good.clone();
    changed["answers"]["staffing"] = json!("good");
    let second = outcomes(sync(&app, Some(&token), &[&good, &invalid, &changed]).await).await;
    let statuses: Vec<&str> = second.iter().map(|o| o["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["already_received", "rejected", "rejected"]);
    assert_eq!(second[0]["receipt"], first[0]["receipt"], "the original receipt comes back");
    let fields: Vec<&str> = second[1]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["service", "visit_time"]);
    assert!(second[2]["reason"].as_str().unwrap().contains("different submission"));

    let stored = app.store.submission(id_of(&good)).await.unwrap().expect("stored once");
    assert_eq!(stored.receipt.severity.code(), "red", "the changed copy did not overwrite it");
    assert!(app.store.submission(id_of(&invalid)).await.unwrap().is_none());
}

#[tokio::test]
async fn a_lost_reply_then_a_retry_stores_the_batch_once() {
    let app = spawn_app_with(|settings| settings.test_lose_sync_replies = 1).await;
    let token = app.enrolled_device().await;
    let items = [feedback(&[]), feedback(&[("environment", json!("some_concerns"))])];
    let refs: Vec<&Value> = items.iter().collect();
    let lost = sync(&app, Some(&token), &refs).await;
    assert_eq!(lost.status(), 503, "the phone hears nothing useful");
    for item in &items {
        assert!(app.store.submission(id_of(item)).await.unwrap().is_some(), "but the server committed it");
    }
    let retry = outcomes(sync(&app, Some(&token), &refs).await).await;
    assert!(retry.iter().all(|o| o["status"] == "already_received"), "{retry:?}");
}

#[tokio::test]
async fn only_enrolled_unrevoked_devices_may_sync() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let item = feedback(&[]);
    assert_eq!(sync(&app, None, &[&item]).await.status(), 401);
    assert_eq!(sync(&app, Some("not-a-token"), &[&item]).await.status(), 401);
    let device = app.store.device_by_token(&server::credentials::hash_secret(&token)).await.unwrap().unwrap();
    app.store.revoke_device(device.id).await.unwrap();
    assert_eq!(sync(&app, Some(&token), &[&item]).await.status(), 403);
    assert!(app.store.submission(id_of(&item)).await.unwrap().is_none());
}

#[tokio::test]
async fn bad_batches_are_refused_with_a_clear_error() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let many: Vec<Value> = (0..26).map(|_| feedback(&[])).collect();
    let response = sync(&app, Some(&token), &many.iter().collect::<Vec<_>>()).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "items");

    let malformed = app
        .client
        .post(format!("{}/api/v1/sync", app.address))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"items\": [")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let not_items = app.post_json("/api/v1/sync", &json!({ "items": "none" }), Some(&token)).await;
    assert_eq!(not_items.status(), 400);
    assert!(not_items.text().await.unwrap().contains("items"));
}

#[tokio::test]
async fn hostile_text_is_stored_as_text() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let script = "<script>alert(1)</script>'); DROP TABLE submissions;--";
    let item = feedback(&[("staffing", json!("some_concerns")), ("staffing_comment", json!(script))]);
    let done = outcomes(sync(&app, Some(&token), &[&item]).await).await;
    assert_eq!(done[0]["status"], "accepted");
    let stored = app.store.submission(id_of(&item)).await.unwrap().unwrap();
    assert!(serde_json::to_string(&stored.answers).unwrap().contains("DROP TABLE"));
}

#[tokio::test]
async fn many_phones_at_once_with_overlapping_ids_store_each_id_once() {
    let app = spawn_app().await;
    let tokens: Vec<String> = futures::future::join_all((0..4).map(|_| app.enrolled_device())).await;
    // Each phone sends the same 25 items in 8 requests at once, as a phone whose
    // replies were lost does; one item names a service not in the register.
    let mut work = Vec::new();
    let mut all_items = Vec::new();
    for token in &tokens {
        let mut items: Vec<Value> = (0..24).map(|_| feedback(&[])).collect();
        items.push(feedback(&[("service", json!("1-999999999"))]));
        all_items.extend(items.iter().take(24).cloned());
        for _ in 0..8 {
            work.push((token.clone(), items.clone()));
        }
    }
    let replies = futures::future::join_all(work.iter().map(|(token, items)| {
        let refs: Vec<&Value> = items.iter().collect();
        let app = &app;
        async move { outcomes(sync(app, Some(token), &refs).await).await }
    }))
    .await;
    let mut accepted = std::collections::HashMap::<String, u32>::new();
    for reply in &replies {
        assert_eq!(reply.len(), 25);
        assert_eq!(reply[24]["status"], "rejected", "{}", reply[24]);
        assert_eq!(reply[24]["fields"][0]["field"], "service");
        for outcome in &reply[..24] {
            let status = outcome["status"].as_str().unwrap();
            assert!(status == "accepted" || status == "already_received", "{outcome}");
            if status == "accepted" {
                *accepted.entry(outcome["id"].as_str().unwrap().to_owned()).or_default() += 1;
            }
        }
    }
    assert_eq!(accepted.len(), 96, "each of the 96 good items was accepted by one request");
    assert!(accepted.values().all(|&n| n == 1), "and by only one");
    for item in &all_items {
        assert!(app.store.submission(id_of(item)).await.unwrap().is_some());
    }
}

#[tokio::test]
async fn a_phone_that_hangs_up_mid_batch_still_has_its_batch_stored_and_announced() {
    use tokio::io::AsyncWriteExt;
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let jo = app.staff("jo@example.org", "Jo", app::domain::accounts::Role::Commissioner).await;
    let mut events = app.get_as(Some(&jo.cookie), "/triage/events").await;
    let items: Vec<Value> = (0..25).map(|_| feedback(&[])).collect();
    let body = serde_json::to_vec(&json!({ "items": items })).unwrap();
    let head = format!(
        "POST /api/v1/sync HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut phone = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://")).await.unwrap();
    phone.write_all(head.as_bytes()).await.unwrap();
    phone.write_all(&body).await.unwrap();
    drop(phone); // the signal goes before any reply

    // Every arrival is announced, each within 5 s of the last.
    read_events_until(&mut events, |heard| items.iter().all(|item| heard.contains(item["id"].as_str().unwrap()))).await;
    for item in &items {
        assert!(app.store.submission(id_of(item)).await.unwrap().is_some());
    }
}
