//! Concerns: observations about one home grouped, worked as one with their
//! own trail, suggested by the inbox, listed on the home's page, and the same
//! in the JSON API; bad requests get a clear refusal and change nothing.

use app::domain::accounts::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::{helpers::spawn_app, triage::Staff};

fn amber_about(service: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("service", json!(service)),
        ("environment", json!("some_concerns")),
        ("environment_comment", json!("Lounge cold")),
        ("concern_types", json!(["poor_environment"])),
    ]
}

async fn api_post(app: &crate::helpers::TestApp, staff: &Staff, path: &str, body: Value) -> (StatusCode, Value) {
    let response = app
        .client
        .post(format!("{}{path}", app.address))
        .header("cookie", &staff.cookie)
        .header("x-csrf-token", &staff.csrf)
        .header("origin", &app.address)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn two_observations_grouped_into_a_concern_are_worked_and_closed_as_one() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let first = app.observation_with(&token, &amber_about("1-000000003")).await;
    let second = app.observation_with(&token, &amber_about("1-000000003")).await;

    // The inbox suggests grouping: another amber about the same home lately.
    let inbox = app.get_as(Some(&jo.cookie), "/triage").await.text().await.unwrap();
    assert!(inbox.contains(&format!("/triage/observations/{first}#concern")), "a hint on the row");
    assert!(inbox.contains("1 related: group with the other amber or red observations about this home lately"));

    // Start a concern from the first observation's page.
    let response = app
        .post_as(
            Some(&jo.cookie),
            &format!("/triage/observations/{first}/concern"),
            &[("csrf", &jo.csrf), ("concern", "new"), ("title", "Cold lounge")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let concern: i64 = location.trim_start_matches("/triage/concerns/").split('?').next().unwrap().parse().unwrap();
    // The inbox now suggests the open concern for the second.
    let inbox = app.get_as(Some(&jo.cookie), "/triage").await.text().await.unwrap();
    assert!(inbox.contains("aria-label=\"Add to concern \u{201c}Cold lounge\u{201d}\""), "the second row suggests the concern");
    let id = concern.to_string();
    let response =
        app.post_as(Some(&jo.cookie), &format!("/triage/observations/{second}/concern"), &[("csrf", &jo.csrf), ("concern", &id)]).await;
    assert_eq!(response.status(), 303);

    let page = app.get_as(Some(&jo.cookie), &location).await.text().await.unwrap();
    assert!(page.contains("Done: Observation"), "a confirmation");
    assert_eq!(page.matches("data-testid=\"concern-observation\"").count(), 2, "side by side");
    assert!(page.contains("Lounge cold"), "what was seen, in words");
    let home = app.get_as(Some(&jo.cookie), "/triage/services/1-000000003").await.text().await.unwrap();
    assert!(home.contains(&format!("/triage/concerns/{concern}")) && home.contains("Cold lounge"), "the home lists it");
    let observation = app.get_as(Some(&jo.cookie), &format!("/triage/observations/{first}")).await.text().await.unwrap();
    assert!(observation.contains("Part of a concern"));

    // Steps through the page: assign, then close with a note.
    let version = |detail: &Value| detail["version"].as_i64().unwrap().to_string();
    let detail: Value = app.get_as(Some(&jo.cookie), &format!("/api/v1/triage/concerns/{concern}")).await.json().await.unwrap();
    assert_eq!(detail["items"].as_array().unwrap().len(), 2);
    assert_eq!(detail["status"], "open");
    let officer = jo.id.to_string();
    let path = format!("/triage/concerns/{concern}");
    let form = [("csrf", jo.csrf.as_str()), ("version", &version(&detail)), ("step", "assign"), ("officer", &officer), ("note", "")];
    assert_eq!(app.post_as(Some(&jo.cookie), &path, &form).await.status(), 303);
    // The version seen before the assignment is stale now: refused, nothing changed.
    let stale = [("csrf", jo.csrf.as_str()), ("version", &version(&detail)), ("step", "close"), ("note", "")];
    assert_eq!(app.post_as(Some(&jo.cookie), &path, &stale).await.status(), 409);
    let detail: Value = app.get_as(Some(&jo.cookie), &format!("/api/v1/triage/concerns/{concern}")).await.json().await.unwrap();
    assert_eq!(detail["status"], "open");
    let (status, body) = api_post(
        &app,
        &jo,
        &format!("/api/v1/triage/concerns/{concern}/steps"),
        json!({"version": detail["version"], "step": "close", "note": "Heating fixed, checked on a visit"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "closed");
    let detail: Value = app.get_as(Some(&jo.cookie), &format!("/api/v1/triage/concerns/{concern}")).await.json().await.unwrap();
    let actions: Vec<&str> = detail["trail"].as_array().unwrap().iter().map(|entry| entry["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["started", "added", "added", "assigned", "closed"]);
    let listed: Value = app.get_as(Some(&jo.cookie), "/api/v1/triage/concerns?status=all&service=1-000000003").await.json().await.unwrap();
    assert_eq!(listed[0]["id"], concern);
    let open: Value = app.get_as(Some(&jo.cookie), "/api/v1/triage/concerns").await.json().await.unwrap();
    assert_eq!(open.as_array().unwrap().len(), 0, "closed concerns leave the open list");
}

#[tokio::test]
async fn grouping_refuses_another_home_a_second_concern_a_bad_title_and_unknown_concerns() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let here = app.observation_with(&token, &amber_about("1-000000003")).await;
    let elsewhere = app.observation_with(&token, &amber_about("1-000000004")).await;
    let (status, body) = api_post(&app, &jo, "/api/v1/triage/concerns", json!({"observation": here, "title": "Cold lounge"})).await;
    assert_eq!(status, 201, "{body}");
    let concern = body["id"].as_i64().unwrap();

    let cases = [
        (format!("/api/v1/triage/concerns/{concern}/observations"), json!({"observation": elsewhere}), 422, "observation"),
        (format!("/api/v1/triage/concerns/{concern}/observations"), json!({"observation": here}), 409, ""),
        ("/api/v1/triage/concerns".to_owned(), json!({"observation": elsewhere, "title": "  "}), 422, "title"),
        ("/api/v1/triage/concerns".to_owned(), json!({"observation": elsewhere, "title": "x".repeat(121)}), 422, "title"),
        ("/api/v1/triage/concerns/99999/observations".to_owned(), json!({"observation": elsewhere}), 404, ""),
        ("/api/v1/triage/concerns".to_owned(), json!({"observation": Uuid::new_v4(), "title": "Ghost"}), 404, ""),
        (format!("/api/v1/triage/concerns/{concern}/steps"), json!({"version": 99, "step": "close"}), 409, ""),
        (format!("/api/v1/triage/concerns/{concern}/steps"), json!({"version": 0, "step": "explode"}), 400, ""),
        (format!("/api/v1/triage/concerns/{concern}/steps"), json!({"version": 0, "step": "note"}), 422, "note"),
        ("/api/v1/triage/concerns/nope/steps".to_owned(), json!({"version": 0, "step": "close"}), 404, ""),
    ];
    for (path, body, expected, field) in cases {
        let (status, answer) = api_post(&app, &jo, &path, body.clone()).await;
        assert_eq!(status.as_u16(), expected, "{path} {body}: {answer}");
        assert!(answer["error"].as_str().is_some_and(|e| !e.is_empty()), "a clear message: {answer}");
        if !field.is_empty() {
            assert_eq!(answer["fields"][0]["field"], field, "{path} {body}: {answer}");
        }
    }
    // Nothing changed: one concern, one observation in it, still open at version 0.
    let detail: Value = app.get_as(Some(&jo.cookie), &format!("/api/v1/triage/concerns/{concern}")).await.json().await.unwrap();
    assert_eq!(detail["items"].as_array().unwrap().len(), 1);
    assert_eq!((detail["status"].as_str(), detail["version"].as_i64()), (Some("open"), Some(0)));
    let all: Value = app.get_as(Some(&jo.cookie), "/api/v1/triage/concerns?status=all").await.json().await.unwrap();
    assert_eq!(all.as_array().unwrap().len(), 1);
    // The page refuses a title it cannot keep, keeps what was typed, and links the message to the field.
    let long = "y".repeat(121);
    let response = app
        .post_as(
            Some(&jo.cookie),
            &format!("/triage/observations/{elsewhere}/concern"),
            &[("csrf", &jo.csrf), ("concern", "new"), ("title", &long)],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("href=\"#concern-title\"") && html.contains(&long));
    // Without the CSRF token, nothing.
    let response =
        app.post_as(Some(&jo.cookie), &format!("/triage/observations/{elsewhere}/concern"), &[("concern", "new"), ("title", "x")]).await;
    assert_eq!(response.status(), 403);
}
