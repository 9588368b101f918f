//! Hostile input and hostile clients (issue 17): each test here failed on the
//! release before these fixes.

use app::domain::accounts::Role;
use reqwest::{header, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::{
    helpers::{client_from, feedback, spawn_app, spawn_app_with_demo_register, TestApp},
    triage::PASSWORD,
};

async fn log_in_from(app: &TestApp, client: &reqwest::Client, email: &str, password: &str) -> reqwest::Response {
    client
        .post(format!("{}/login", app.address))
        .form(&[("email", email), ("password", password), ("next", "/triage")])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_device_clock_in_year_10000_is_refused_by_field_and_the_rest_of_the_batch_is_stored() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    for clock in ["+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z"] {
        let mut hostile = feedback(&[]);
        hostile["submitted_at"] = json!(clock);
        let response = app.submit(&token, &hostile).await;
        assert_eq!(response.status(), 422, "{clock}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["fields"][0]["field"], "submitted_at", "{clock}: {body}");

        let after = feedback(&[]);
        let batch = json!({ "items": [hostile, after] });
        let reply = app.post_json("/api/v1/sync", &batch, Some(&token)).await;
        assert_eq!(reply.status(), 200, "{clock}");
        let reply: Value = reply.json().await.unwrap();
        assert_eq!(reply["outcomes"][0]["status"], "rejected");
        assert_eq!(reply["outcomes"][0]["fields"][0]["field"], "submitted_at");
        assert_eq!(reply["outcomes"][1]["status"], "accepted", "items after it are stored");
    }
}

#[tokio::test]
async fn forty_concurrent_wrong_passwords_from_one_client_are_counted_before_any_is_checked() {
    let app = spawn_app().await;
    app.add_user("jo@example.org", "Jo", Role::Commissioner).await;
    let guesses = (0..40).map(|i| {
        let app = &app;
        async move { app.post_login("jo@example.org", &format!("guess {i}")).await.status() }
    });
    let statuses = futures::future::join_all(guesses).await;
    let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((checked, refused), (5, 35), "{statuses:?}");
}

#[tokio::test]
async fn someone_elses_guesses_do_not_lock_the_owner_out_from_their_own_address() {
    let app = spawn_app().await;
    app.add_user("jo@example.org", "Jo", Role::Commissioner).await;
    let attacker = client_from("127.0.0.2");
    for _ in 0..5 {
        assert_eq!(log_in_from(&app, &attacker, "jo@example.org", "guess").await.status(), 401);
    }
    assert_eq!(log_in_from(&app, &attacker, "jo@example.org", PASSWORD).await.status(), 429, "the guesser is paused");
    // The owner is at most slowed: the account's short window (60 s by default) must pass.
    let owner = client_from("127.0.0.3");
    let first = log_in_from(&app, &owner, "jo@example.org", PASSWORD).await;
    let status = first.status();
    let text = first.text().await.unwrap();
    assert!(
        status == StatusCode::SEE_OTHER || (status == StatusCode::TOO_MANY_REQUESTS && text.contains("seconds")),
        "{status}: the owner is slowed for seconds, never paused for 15 minutes"
    );
}

#[tokio::test]
async fn guessing_across_many_accounts_from_one_address_is_paused() {
    let app = spawn_app().await;
    let sprayer = client_from("127.0.0.6");
    let mut statuses = Vec::new();
    for n in 0..22 {
        statuses.push(log_in_from(&app, &sprayer, &format!("person{n}@example.org"), "Summer2026!").await.status().as_u16());
    }
    assert_eq!(statuses[..20], [401; 20]);
    assert_eq!(statuses[20..], [429, 429], "20 failures from one address in 15 minutes, whatever the accounts");
}

#[tokio::test]
async fn failed_logins_are_remembered_across_a_restart() {
    let app = spawn_app().await;
    app.add_user("jo@example.org", "Jo", Role::Commissioner).await;
    for _ in 0..5 {
        assert_eq!(app.post_login("jo@example.org", "guess").await.status(), 401);
    }
    let restarted = app.restart(|_| {}).await;
    assert_eq!(restarted.post_login("jo@example.org", PASSWORD).await.status(), 429);
}

#[tokio::test]
async fn access_codes_cannot_be_guessed_at_speed() {
    let app = spawn_app().await;
    let code = app.add_organisation("Nettlebury Practice").await;
    let guesser = client_from("127.0.0.4");
    let mut statuses = Vec::new();
    for i in 0..12 {
        let body = json!({ "name": "Dr Guess", "role": "gp", "access_code": format!("AAAA-AAAA-{i:04}") });
        let response = guesser.post(format!("{}/api/v1/devices", app.address)).json(&body).send().await.unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [422, 422, 422, 422, 422, 422, 422, 422, 422, 422, 429, 429]);
    let right = json!({ "name": "Dr Guess", "role": "gp", "access_code": code });
    let paused = guesser.post(format!("{}/api/v1/devices", app.address)).json(&right).send().await.unwrap();
    assert_eq!(paused.status(), 429, "even the right code waits");
    assert_eq!(app.enrol("Dr Real", "gp", &code).await.status(), 201, "another address is not affected");
}

#[tokio::test]
async fn a_draft_holding_a_closing_textarea_tag_stays_text_on_the_page() {
    let app = spawn_app_with_demo_register().await;
    let cookie = app.enrol_by_form().await;
    let hostile = "</textarea><script>alert(1)</script><b>bold</b>";
    app.post_form("/feedback/reason", &[("visit_reason", hostile)], Some(&cookie)).await;
    let page = app.client.get(format!("{}/feedback/reason", app.address)).header(header::COOKIE, &cookie).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(!html.contains("<script>alert(1)"), "no live script element");
    assert!(!html.contains("<b>bold</b>"), "no live markup");
    assert!(html.contains("&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;</textarea>"), "shown as typed");
}

#[tokio::test]
async fn a_refused_steps_note_with_a_closing_textarea_tag_stays_text_on_the_staff_page() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let id = app.observation_with(&token, &crate::triage::serious_staffing()).await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let hostile = "</textarea><h1>Injected</h1>";
    let refused = app.step(&jo, id, &[("step", "close"), ("note", hostile)]).await;
    assert!(refused.status().is_client_error(), "closing a new observation is refused: {}", refused.status());
    let html = refused.text().await.unwrap();
    assert!(!html.contains("<h1>Injected</h1>"), "no live markup");
    assert!(html.contains("&lt;/textarea&gt;&lt;h1&gt;Injected&lt;/h1&gt;</textarea>"), "shown as typed");
}

#[tokio::test]
async fn odd_inputs_get_a_clear_4xx_never_a_500() {
    let app = spawn_app().await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let long = "a".repeat(50_001);
    for path in [format!("/triage?q={long}"), format!("/triage/export.csv?q={long}"), format!("/api/v1/triage/observations?q={long}")] {
        let response = app.get_as(Some(&jo.cookie), &path).await;
        assert_eq!(response.status(), 422, "{}", &path[..30]);
    }
    let response = app.get_as(Some(&jo.cookie), "/triage?from=%2B10000-01-01").await;
    assert_eq!(response.status(), 422, "a five-digit year");

    let next = app
        .client
        .post(format!("{}/login", app.address))
        .form(&[("email", "jo@example.org"), ("password", PASSWORD), ("next", "/triage\u{1}")])
        .send()
        .await
        .unwrap();
    assert_eq!(next.status(), 303);
    assert_eq!(next.headers()[header::LOCATION], "/triage");

    let missing_argument =
        app.client.post(format!("{}/api/v1/feedback/sent", app.address)).form(&[("nothing", "here")]).send().await.unwrap();
    assert_eq!(missing_argument.status(), 400, "a server function's missing argument");
    let wrong_type = app
        .client
        .post(format!("{}/api/v1/feedback/page", app.address))
        .form(&[("slug", "you"), ("return_to_check", "perhaps")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), 400, "a server function's unreadable argument");
}

#[tokio::test]
async fn a_nul_in_a_search_matches_nothing_and_never_fails_on_any_database() {
    let app = spawn_app_with_demo_register().await;
    let page = app.search_register_ok("Heron\u{0}").await;
    assert_eq!((page.services.len(), page.total_matching, page.total_in_register), (0, 0, 109));
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    for path in ["/triage?q=staff%00ing", "/api/v1/triage/observations?q=staff%00ing", "/triage/homes?town=Gull%00"] {
        assert_eq!(app.get_as(Some(&jo.cookie), path).await.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn a_nul_in_a_note_is_refused_on_its_field_on_any_database() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let id = app.observation_with(&token, &[]).await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let hidden = app.step(&jo, id, &[("step", "note"), ("note", "Rang\u{0}the home")]).await;
    assert_eq!(hidden.status(), 422);
    assert!(hidden.text().await.unwrap().contains("must not contain control characters"));
    assert!(app.store.observation(id).await.unwrap().unwrap().events.is_empty(), "nothing was written");
    let lines = app.step(&jo, id, &[("step", "note"), ("note", "Rang the home.\r\nNo answer.")]).await;
    assert_eq!(lines.status(), 303, "line breaks are prose");
}

#[tokio::test]
async fn a_failed_enrolment_never_echoes_a_huge_name_into_the_location_header() {
    let app = spawn_app_with_demo_register().await;
    let huge = "N".repeat(100_000);
    let response = app.post_form("/enrol", &[("name", &huge), ("role", &huge), ("access_code", "WXYZ")], None).await;
    assert_eq!(response.status(), 303);
    let location = response.headers()[header::LOCATION].to_str().unwrap();
    assert!(location.len() < 2_000, "{} bytes", location.len());
    assert!(location.contains("problems="), "{location}");
}

#[tokio::test]
async fn another_devices_confirmation_is_a_404() {
    let app = spawn_app_with_demo_register().await;
    let token = app.enrolled_device().await;
    let theirs = app.observation_with(&token, &[]).await;
    let mine = app.enrol_by_form().await;
    for id in [theirs, Uuid::new_v4()] {
        let page = app.client.get(format!("{}/feedback/sent/{id}", app.address)).header(header::COOKIE, &mine).send().await.unwrap();
        assert_eq!(page.status(), 404);
    }
}

#[tokio::test]
async fn personal_responses_are_never_cached_and_refusals_carry_the_security_headers() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    for path in ["/triage", "/triage/export.csv", "/api/v1/triage/observations", "/login", "/app"] {
        let response = app.get_as(Some(&jo.cookie), path).await;
        assert_eq!(response.headers().get(header::CACHE_CONTROL).map(|v| v.to_str().unwrap()), Some("no-store"), "{path}");
    }
    let me = app.client.get(format!("{}/api/v1/devices/me", app.address)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(me.headers()[header::CACHE_CONTROL], "no-store");

    let too_large = app
        .client
        .post(format!("{}/api/v1/sync", app.address))
        .bearer_auth(&token)
        .header(header::CONTENT_TYPE, "application/json")
        .body(vec![b' '; 300 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(too_large.status(), 413);
    for name in ["x-content-type-options", "x-frame-options", "content-security-policy", "referrer-policy"] {
        assert!(too_large.headers().contains_key(name), "413 carries {name}");
    }
}
