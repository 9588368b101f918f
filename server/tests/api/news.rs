//! Closing the loop with the visitor: a phone asks what happened to the forms
//! it sent, since its cursor, and hears each one's state and only the notes a
//! commissioner chose to share; never another phone's forms.

use app::domain::{accounts::Role, news::SentState};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::credentials::hash_secret;
use uuid::Uuid;

use crate::{
    helpers::{spawn_app, TestApp},
    triage::serious_staffing,
};

async fn news(app: &TestApp, token: Option<&str>, since: &str) -> (StatusCode, Value) {
    let mut request = app.client.get(format!("{}/api/v1/devices/me/news?since={since}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.json().await.unwrap_or(Value::Null))
}

fn item(page: &Value, id: Uuid) -> Option<&Value> {
    page["items"].as_array().unwrap().iter().find(|item| item["id"] == id.to_string())
}

#[tokio::test]
async fn a_phone_hears_each_forms_state_and_only_the_notes_shared_with_it() {
    let app = spawn_app().await;
    let gp = app.enrolled_device().await;
    let nurse = app.enrolled_device().await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let red = app.observation_with(&gp, &serious_staffing()).await;
    let other = app.observation_with(&gp, &[]).await;
    let nurses = app.observation_with(&nurse, &serious_staffing()).await;

    let (status, page) = news(&app, Some(&gp), "0").await;
    assert_eq!(status, 200);
    assert_eq!(page["items"], json!([]), "nothing has happened yet: the phone shows Received");

    // Acknowledged with a staff-only note: the state changes, the note stays in the unit.
    assert_eq!(
        app.step(&jo, red, &[("step", "assign"), ("officer", &jo.id.to_string()), ("note", "Ring the manager")]).await.status(),
        303
    );
    let (_, page) = news(&app, Some(&gp), "0").await;
    let first_cursor = page["cursor"].as_i64().unwrap();
    assert_eq!(item(&page, red).unwrap()["state"], "being_looked_at");
    assert_eq!(item(&page, red).unwrap()["shared"], json!([]), "a note not shared is not sent");
    assert!(item(&page, other).is_none(), "only forms that changed");

    // An outcome and the close, each with a note shared with the visitor.
    let shared_outcome =
        [("step", "outcome"), ("outcome", "quality_support_visit"), ("note", "We visited and agreed a staffing plan."), ("share", "yes")];
    assert_eq!(app.step(&jo, red, &shared_outcome).await.status(), 303);
    assert_eq!(
        app.step(&jo, red, &[("step", "close"), ("note", "Staffing is back to safe levels."), ("share", "yes")]).await.status(),
        303
    );
    assert_eq!(app.step(&jo, red, &[("step", "note"), ("note", "Filed with the contract notes")]).await.status(), 303);

    let (_, page) = news(&app, Some(&gp), &first_cursor.to_string()).await;
    let closed = item(&page, red).unwrap();
    assert_eq!(closed["state"], "closed");
    let shared = closed["shared"].as_array().unwrap();
    assert_eq!(shared.len(), 2, "both shared notes, oldest first: {shared:?}");
    assert_eq!(shared[0]["outcome"], "Quality support visit");
    assert_eq!(shared[0]["text"], "We visited and agreed a staffing plan.");
    assert_eq!(shared[1]["text"], "Staffing is back to safe levels.");
    assert!(shared[1].get("outcome").is_none());
    assert!(!page.to_string().contains("Ring the manager") && !page.to_string().contains("Filed with"), "staff notes stay in the unit");

    // Caught up: nothing new past the latest cursor.
    let (_, caught_up) = news(&app, Some(&gp), &page["cursor"].to_string()).await;
    assert_eq!(caught_up["items"], json!([]));
    assert_eq!(caught_up["cursor"], page["cursor"]);

    // The other phone hears nothing of the GP's form, and the GP nothing of the nurse's.
    assert_eq!(app.step(&jo, nurses, &[("step", "assign"), ("officer", &jo.id.to_string())]).await.status(), 303);
    let (_, nurse_page) = news(&app, Some(&nurse), "0").await;
    assert!(item(&nurse_page, red).is_none());
    assert_eq!(item(&nurse_page, nurses).unwrap()["state"], "being_looked_at");
    let (_, gp_page) = news(&app, Some(&gp), "0").await;
    assert!(item(&gp_page, nurses).is_none());

    // The audit trail records the choice, in the JSON API and on the page.
    let detail: Value = app.get_as(Some(&jo.cookie), &format!("/api/v1/triage/observations/{red}")).await.json().await.unwrap();
    let shared_flags: Vec<bool> =
        detail["timeline"].as_array().unwrap().iter().map(|e| e["shared_with_visitor"].as_bool().unwrap()).collect();
    assert_eq!(shared_flags, [false, true, true, false]);
    let html = app.get_as(Some(&jo.cookie), &format!("/triage/observations/{red}")).await.text().await.unwrap();
    assert_eq!(html.matches("Shared with the visitor</strong>").count(), 2);
}

#[tokio::test]
async fn sharing_an_empty_note_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let gp = app.enrolled_device().await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let id = app.observation_with(&gp, &[]).await;
    let before = app.store.observation(id).await.unwrap().unwrap();

    let response = app.step(&jo, id, &[("step", "assign"), ("officer", &jo.id.to_string()), ("note", "  "), ("share", "yes")]).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Enter the note to share with the visitor"));
    assert!(html.contains("id=\"assign-share\"") && html.contains("checked"), "the box stays ticked");

    let version = before.version;
    let response = app
        .client
        .post(format!("{}/api/v1/triage/observations/{id}/steps", app.address))
        .header("cookie", &jo.cookie)
        .header("x-csrf-token", &jo.csrf)
        .header("origin", &app.address)
        .json(&json!({ "version": version, "step": "note", "note": "", "share_with_visitor": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "note");

    let after = app.store.observation(id).await.unwrap().unwrap();
    assert_eq!((after.version, after.events.len()), (before.version, before.events.len()), "nothing written");
}

#[tokio::test]
async fn news_needs_an_enrolled_device_and_a_readable_cursor() {
    let app = spawn_app().await;
    let gp = app.enrolled_device().await;
    assert_eq!(news(&app, None, "0").await.0, 401);
    assert_eq!(news(&app, Some("not-a-token"), "0").await.0, 401);
    for bad in ["-1", "abc", "1.5", "99999999999999999999"] {
        let (status, body) = news(&app, Some(&gp), bad).await;
        assert_eq!(status, 422, "{bad}");
        assert_eq!(body["fields"][0]["field"], "since", "{bad}");
    }
    let device = app.store.device_by_token(&hash_secret(&gp)).await.unwrap().unwrap();
    assert!(app.store.revoke_device(device.id).await.unwrap());
    assert_eq!(news(&app, Some(&gp), "0").await.0, 403);
}

#[tokio::test]
async fn a_long_backlog_comes_a_page_at_a_time_and_misses_nothing() {
    let app = spawn_app().await;
    let gp = app.enrolled_device().await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let device = app.store.device_by_token(&hash_secret(&gp)).await.unwrap().unwrap();
    let mut ids = Vec::new();
    for _ in 0..5 {
        let id = app.observation_with(&gp, &[]).await;
        assert_eq!(app.step(&jo, id, &[("step", "assign"), ("officer", &jo.id.to_string())]).await.status(), 303);
        ids.push(id);
    }
    // The first form changes again after the others: it comes last, once.
    assert_eq!(app.step(&jo, ids[0], &[("step", "note"), ("note", "Later"), ("share", "yes")]).await.status(), 303);

    let mut heard = Vec::new();
    let mut cursor = 0;
    loop {
        let page = app.store.news_for_device(device.id, cursor, 2).await.unwrap();
        assert!(page.items.len() <= 2);
        heard.extend(page.items.iter().map(|item| (item.id, item.state, item.shared.len())));
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    let order: Vec<Uuid> = heard.iter().map(|(id, ..)| *id).collect();
    assert_eq!(order, [ids[1], ids[2], ids[3], ids[4], ids[0]]);
    assert!(heard.iter().all(|(_, state, _)| *state == SentState::BeingLookedAt));
    assert_eq!(heard.last().unwrap().2, 1, "the shared note");
}

#[tokio::test]
async fn a_phone_asking_for_another_phones_form_gets_404() {
    let app = spawn_app().await;
    let gp = app.enrolled_device().await;
    let nurse = app.enrolled_device().await;
    let id = app.observation_with(&gp, &serious_staffing()).await;
    let page = |token: String| {
        let request = app.client.get(format!("{}/feedback/sent/{id}", app.address));
        request.header("cookie", format!("{}={token}", app::session::DEVICE_COOKIE)).send()
    };
    let own = page(gp.clone()).await.unwrap();
    assert_eq!(own.status(), 200);
    assert!(own.text().await.unwrap().contains("Observation sent"));
    let other = page(nurse.clone()).await.unwrap();
    assert_eq!(other.status(), 404);
    assert!(!other.text().await.unwrap().contains(&app::domain::submission::reference(id)), "not even its reference");
}
