use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{feedback, spawn_app};

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.expect("a JSON body")
}

fn fields(body: &Value) -> Vec<(String, String)> {
    body["fields"]
        .as_array()
        .map(|fields| fields.iter().map(|f| (f["field"].as_str().unwrap().to_owned(), f["message"].as_str().unwrap().to_owned())).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_submission_is_stored_with_its_form_version_times_and_severity() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let submission = feedback(&[("staffing", json!("some_concerns")), ("staffing_comment", json!("Bells rang 10 min"))]);
    let response = app.submit(&token, &submission).await;
    assert_eq!(response.status(), 201);
    let receipt = json_of(response).await;
    assert_eq!(receipt["severity"], "amber");
    assert_eq!(receipt["severity_reason"], "Some concerns: staffing");

    let id: Uuid = submission["id"].as_str().unwrap().parse().unwrap();
    let stored = app.store.submission(id).await.unwrap().expect("stored");
    assert_eq!((stored.form_id.as_str(), stored.form_version), ("professional-feedback", 1));
    assert_eq!(stored.service.as_str(), "1-000000001");
    assert_eq!(stored.submitted_at.unwrap().to_rfc3339(), submission["submitted_at"].as_str().unwrap());
    let received_at: chrono::DateTime<chrono::Utc> = receipt["received_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(stored.receipt.received_at, received_at);
}

#[tokio::test]
async fn serious_concerns_and_risk_of_harm_are_red() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let serious = json_of(app.submit(&token, &feedback(&[("environment", json!("serious_concerns"))])).await).await;
    assert_eq!((serious["severity"].as_str(), serious["severity_reason"].as_str()), (Some("red"), Some("Serious concerns: environment")));
    let risk = json_of(app.submit(&token, &feedback(&[("risk_of_harm", json!("yes"))])).await).await;
    assert_eq!((risk["severity"].as_str(), risk["severity_reason"].as_str()), (Some("red"), Some("Immediate risk of harm")));
    let fine = json_of(app.submit(&token, &feedback(&[])).await).await;
    assert_eq!(fine["severity"], "green");
}

#[tokio::test]
async fn serious_concerns_with_no_comment_are_refused_on_version_2_and_accepted_on_version_1() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let on_version = |version: u32, answers: &[(&str, Value)]| {
        let mut submission = feedback(answers);
        submission["form_version"] = json!(version);
        submission
    };
    let bare = on_version(2, &[("staffing", json!("serious_concerns")), ("staffing_comment", json!("  "))]);
    let response = app.submit(&token, &bare).await;
    assert_eq!(response.status(), 422);
    let expected = [("staffing_comment".to_owned(), "Describe what you saw: serious concerns need the detail".to_owned())];
    assert_eq!(fields(&json_of(response).await), expected);
    let detailed = on_version(2, &[("staffing", json!("serious_concerns")), ("staffing_comment", json!("One carer for 20"))]);
    assert_eq!(app.submit(&token, &detailed).await.status(), 201);
    // A phone still on version 1 (a draft begun before the release) keeps its own rules.
    let older = on_version(1, &[("staffing", json!("serious_concerns"))]);
    assert_eq!(app.submit(&token, &older).await.status(), 201);
}

#[tokio::test]
async fn sending_the_same_submission_again_returns_the_original_receipt() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let submission = feedback(&[]);
    let first = app.submit(&token, &submission).await;
    assert_eq!(first.status(), 201);
    let first = json_of(first).await;
    let again = app.submit(&token, &submission).await;
    assert_eq!(again.status(), 200);
    assert_eq!(json_of(again).await, first);
}

#[tokio::test]
async fn the_same_id_with_different_content_is_a_conflict_and_keeps_the_original() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let submission = feedback(&[]);
    assert_eq!(app.submit(&token, &submission).await.status(), 201);
    let mut changed = submission.clone();
    changed["answers"]["staffing"] = json!("serious_concerns");
    let response = app.submit(&token, &changed).await;
    assert_eq!(response.status(), 409);
    assert_eq!(json_of(response).await["error"], "A different submission with this id was already received.");
    let id: Uuid = submission["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(app.store.submission(id).await.unwrap().unwrap().receipt.severity_reason, "No concerns raised");
}

#[tokio::test]
async fn the_same_id_from_another_device_is_a_conflict() {
    let app = spawn_app().await;
    let (one, two) = (app.enrolled_device().await, app.enrolled_device().await);
    let submission = feedback(&[]);
    assert_eq!(app.submit(&one, &submission).await.status(), 201);
    assert_eq!(app.submit(&two, &submission).await.status(), 409);
}

#[tokio::test]
async fn a_submission_without_a_known_device_token_is_refused() {
    let app = spawn_app().await;
    let no_token = app.post_json("/api/v1/submissions", &feedback(&[]), None).await;
    assert_eq!(no_token.status(), 401);
    let unknown = app.submit("not-a-real-token", &feedback(&[])).await;
    assert_eq!(unknown.status(), 401);
    assert!(json_of(unknown).await["error"].as_str().unwrap().contains("not enrolled"));
}

#[tokio::test]
async fn a_revoked_device_is_refused_and_its_earlier_submissions_are_kept() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let earlier = feedback(&[]);
    assert_eq!(app.submit(&token, &earlier).await.status(), 201);
    let device = app.store.device_by_token(&server::credentials::hash_secret(&token)).await.unwrap().unwrap();
    assert!(app.store.revoke_device(device.id).await.unwrap());

    let response = app.submit(&token, &feedback(&[])).await;
    assert_eq!(response.status(), 403);
    assert!(json_of(response).await["error"].as_str().unwrap().contains("withdrawn"));
    let id: Uuid = earlier["id"].as_str().unwrap().parse().unwrap();
    assert!(app.store.submission(id).await.unwrap().is_some());
}

#[tokio::test]
async fn invalid_answers_get_422_with_a_message_per_field() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let submission = feedback(&[
        ("staffing", json!("excellent")),
        ("visit_date", json!("2999-01-01")),
        ("contact_ok", json!("yes")),
        ("resident_name", json!("Jane")),
    ]);
    let response = app.submit(&token, &submission).await;
    assert_eq!(response.status(), 422);
    let body = json_of(response).await;
    assert_eq!(body["error"], "Some answers need correcting.");
    assert_eq!(
        fields(&body),
        [
            ("visit_date".to_owned(), "The date of your visit must be today or in the past".to_owned()),
            ("staffing".to_owned(), "Select one of the options".to_owned()),
            ("contact_details".to_owned(), "Enter your email address or phone number".to_owned()),
            ("resident_name".to_owned(), "is not a question on this form".to_owned()),
        ]
    );
    let id: Uuid = submission["id"].as_str().unwrap().parse().unwrap();
    assert!(app.store.submission(id).await.unwrap().is_none(), "nothing stored");
}

#[tokio::test]
async fn a_service_that_is_not_in_the_register_is_refused() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let response = app.submit(&token, &feedback(&[("service", json!("1-999999999"))])).await;
    assert_eq!(response.status(), 422);
    assert_eq!(fields(&json_of(response).await), [("service".to_owned(), "Select a service from the register".to_owned())]);
}

#[tokio::test]
async fn unknown_forms_and_versions_are_refused_on_their_field() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let mut unknown_form = feedback(&[]);
    unknown_form["form_id"] = json!("tea-survey");
    let body = json_of(app.submit(&token, &unknown_form).await).await;
    assert_eq!(fields(&body)[0].0, "form_id");
    let mut unknown_version = feedback(&[]);
    unknown_version["form_version"] = json!(7);
    let response = app.submit(&token, &unknown_version).await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        fields(&json_of(response).await),
        [("form_version".to_owned(), "Version 7 of this form is not known to the server".to_owned())]
    );
}

#[tokio::test]
async fn malformed_wrongly_shaped_unlabelled_and_oversized_bodies_get_clear_errors() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let url = format!("{}/api/v1/submissions", app.address);
    let send = |body: String, content_type: &'static str| {
        app.client.post(&url).bearer_auth(&token).header("content-type", content_type).body(body).send()
    };

    let malformed = send("{\"id\": ".to_owned(), "application/json").await.unwrap();
    assert_eq!(malformed.status(), 400);
    assert_eq!(json_of(malformed).await["error"], "The body is not valid JSON.");

    let wrong_shape = send("{\"id\": \"not-a-uuid\"}".to_owned(), "application/json").await.unwrap();
    assert_eq!(wrong_shape.status(), 400);
    assert!(json_of(wrong_shape).await["error"].as_str().unwrap().starts_with("The JSON is not as expected"));

    let not_json = send(feedback(&[]).to_string(), "text/plain").await.unwrap();
    assert_eq!(not_json.status(), 415);

    let huge = feedback(&[("staffing_comment", json!("x".repeat(400 * 1024)))]);
    let oversized = send(huge.to_string(), "application/json").await.unwrap();
    assert_eq!(oversized.status(), 413);
}

#[tokio::test]
async fn hostile_text_is_stored_exactly_as_sent() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let hostile = "<script>alert(1)</script> '; DROP TABLE submissions; -- \u{202e}";
    let submission = feedback(&[("staffing", json!("some_concerns")), ("staffing_comment", json!(hostile))]);
    assert_eq!(app.submit(&token, &submission).await.status(), 201);
    let id: Uuid = submission["id"].as_str().unwrap().parse().unwrap();
    let stored = app.store.submission(id).await.unwrap().unwrap();
    let comment = match stored.answers.get("staffing") {
        Some(app::domain::forms::Answer::Rating { comment, .. }) => comment.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(comment.as_deref(), Some(hostile.trim()));
}
