//! The limits that keep hostile clients from breaking the unit's work (issue
//! 17), with settings shortened so the tests run in seconds.

use std::time::Duration;

use app::domain::{
    accounts::Role,
    device::OrganisationName,
    forms::{Assessment, Severity},
    register::CqcLocationId,
};
use chrono::Utc;
use reqwest::header;
use serde_json::{json, Value};
use server::credentials::hash_secret;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use uuid::Uuid;

use crate::{
    helpers::{client_from, feedback, spawn_app_with, Backend, TestApp},
    triage::PASSWORD,
};

/// Reads until the server closes the connection; how long that took.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = std::time::Instant::now();
    let mut buffer = [0u8; 4096];
    let read_to_end = async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(_) => continue,
            }
        }
    };
    tokio::time::timeout(limit, read_to_end).await.ok().map(|()| started.elapsed())
}

#[tokio::test]
async fn slow_headers_idle_connections_and_stalled_bodies_are_dropped() {
    let app = spawn_app_with(|settings| {
        settings.header_timeout_secs = 1;
        settings.body_timeout_secs = 1;
    })
    .await;
    let address = app.address.trim_start_matches("http://").to_owned();

    let mut unfinished = TcpStream::connect(&address).await.unwrap();
    unfinished.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    assert!(closed_within(&mut unfinished, Duration::from_secs(5)).await.is_some(), "unfinished headers");

    let mut silent = TcpStream::connect(&address).await.unwrap();
    assert!(closed_within(&mut silent, Duration::from_secs(5)).await.is_some(), "a connection that never sends");

    let mut kept_alive = TcpStream::connect(&address).await.unwrap();
    kept_alive.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    assert!(closed_within(&mut kept_alive, Duration::from_secs(5)).await.is_some(), "an idle kept-alive connection");

    let mut stalled = TcpStream::connect(&address).await.unwrap();
    let head = "POST /api/v1/sync HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer x\r\nContent-Length: 100\r\n\r\n{\"items\":";
    stalled.write_all(head.as_bytes()).await.unwrap();
    assert!(closed_within(&mut stalled, Duration::from_secs(5)).await.is_some(), "a body that stops arriving");
}

#[tokio::test]
async fn an_event_stream_outlives_the_idle_timeout() {
    let app = spawn_app_with(|settings| settings.header_timeout_secs = 1).await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let mut events = app.get_as(Some(&jo.cookie), "/triage/events").await;
    assert_eq!(events.status(), 200);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let token = app.enrolled_device().await;
    app.observation_with(&token, &[]).await;
    let chunk = tokio::time::timeout(Duration::from_secs(5), events.chunk()).await;
    assert!(matches!(chunk, Ok(Ok(Some(_)))), "the stream still delivers after the idle timeout: {chunk:?}");
}

#[tokio::test]
async fn the_owner_gets_in_once_the_accounts_short_window_has_passed() {
    let app = spawn_app_with(|settings| settings.account_guess_window_secs = 2).await;
    app.add_user("jo@example.org", "Jo", Role::Commissioner).await;
    for _ in 0..5 {
        assert_eq!(app.post_login("jo@example.org", "guess").await.status(), 401);
    }
    let owner = client_from("127.0.0.5");
    let log_in = || owner.post(format!("{}/login", app.address)).form(&[("email", "jo@example.org"), ("password", PASSWORD)]).send();
    let slowed = log_in().await.unwrap();
    assert_eq!(slowed.status(), 429);
    assert!(slowed.text().await.unwrap().contains("Wait 2 seconds"));
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(log_in().await.unwrap().status(), 303, "slowed, not locked out");
    assert_eq!(app.post_login("jo@example.org", PASSWORD).await.status(), 429, "the guesser's own address stays paused");
}

#[tokio::test]
async fn device_tokens_expire_unused_and_are_renewed_by_use() {
    let app = spawn_app_with(|settings| settings.device_token_days = 10).await;
    let token = app.enrolled_device().await;
    let device = app.store.device_by_token(&hash_secret(&token)).await.unwrap().unwrap();
    let expires = device.token_expires_at.expect("an expiry");
    assert!((expires - Utc::now() - chrono::Duration::days(10)).num_seconds().abs() < 60, "{expires}");

    app.store.renew_device_token(device.id, Utc::now() + chrono::Duration::days(2)).await.unwrap();
    assert_eq!(app.submit(&token, &feedback(&[])).await.status(), 201);
    let renewed = app.store.device_by_token(&hash_secret(&token)).await.unwrap().unwrap().token_expires_at.unwrap();
    assert!(renewed > Utc::now() + chrono::Duration::days(9), "used in its second half, it is renewed: {renewed}");

    app.store.renew_device_token(device.id, Utc::now() - chrono::Duration::seconds(1)).await.unwrap();
    let expired = app.submit(&token, &feedback(&[])).await;
    assert_eq!(expired.status(), 401, "an expired token is refused like an unknown one");
}

#[tokio::test]
async fn an_organisations_code_can_be_rotated_and_withdrawn() {
    let app = spawn_app_with(|_| {}).await;
    app.enrolled_device().await; // loads the demo register
    let old = app.add_organisation("Nettlebury Practice").await;
    let name = OrganisationName::parse("Nettlebury Practice").unwrap();
    let new = server::credentials::new_access_code();
    let hash = hash_secret(&server::credentials::normalise_access_code(&new));
    assert!(app.store.replace_access_code(&name, &hash).await.unwrap());
    assert_eq!(app.enrol("Dr A", "gp", &old).await.status(), 422, "the old code no longer enrols");
    let enrolled = app.enrol("Dr A", "gp", &new).await;
    assert_eq!(enrolled.status(), 201);
    let token = enrolled.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();

    assert!(app.store.withdraw_access_code(&name).await.unwrap());
    assert_eq!(app.enrol("Dr B", "gp", &new).await.status(), 422, "a withdrawn code enrols no one");
    assert_eq!(app.submit(&token, &feedback(&[])).await.status(), 201, "devices already enrolled keep working");
    let unknown = OrganisationName::parse("No Such Practice").unwrap();
    assert!(!app.store.withdraw_access_code(&unknown).await.unwrap());
}

#[tokio::test]
async fn behind_tls_cookies_are_host_prefixed_and_browsers_are_told_to_keep_to_https() {
    let app = spawn_app_with(|settings| settings.secure_cookies = true).await;
    app.add_user("jo@example.org", "Jo", Role::Commissioner).await;
    let response = app.post_login("jo@example.org", PASSWORD).await;
    assert_eq!(response.status(), 303);
    assert!(response.headers()[header::STRICT_TRANSPORT_SECURITY].to_str().unwrap().contains("max-age=31536000"));
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-chf_session="), "{cookie}");
    assert!(cookie.contains("; Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"), "{cookie}");
    let pair = cookie.split(';').next().unwrap();
    assert_eq!(app.get_as(Some(pair), "/triage").await.status(), 200, "the prefixed cookie opens triage");
    let plain = pair.trim_start_matches("__Host-");
    assert_eq!(app.get_as(Some(plain), "/triage").await.status(), 303, "the unprefixed name does not, behind TLS");
}

impl TestApp {
    /// Stores an observation whose device clock is `clock`, as releases before
    /// the range check did.
    async fn observation_clocked(&self, token: &str, clock: chrono::DateTime<chrono::FixedOffset>) -> Uuid {
        let device = self.store.device_by_token(&hash_secret(token)).await.unwrap().unwrap();
        let id = Uuid::new_v4();
        let submission = app::store::NewSubmission {
            id,
            device_id: device.id,
            form_id: "professional-feedback".into(),
            form_version: 1,
            service: CqcLocationId::parse("1-000000001").unwrap(),
            answers: Default::default(),
            content_hash: id.to_string(),
            assessment: Assessment { severity: Severity::Red, reason: "red test".into(), risk_of_harm: false },
            submitted_at: clock,
            received_at: Utc::now(),
            alerts: Vec::new(),
        };
        self.store.record_submission(&submission).await.unwrap();
        id
    }
}

#[tokio::test]
async fn a_stored_clock_that_cannot_be_read_breaks_no_page_and_the_migration_repairs_it() {
    let app = spawn_app_with(|_| {}).await;
    let token = app.enrolled_device().await;
    let year_10000: chrono::DateTime<chrono::FixedOffset> = "+10000-01-01T00:00:00+00:00".parse().unwrap();
    let id = app.observation_clocked(&token, year_10000).await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;

    let page = app.get_as(Some(&jo.cookie), &format!("/triage/observations/{id}")).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Not readable"));
    let detail = app.get_as(Some(&jo.cookie), &format!("/api/v1/triage/observations/{id}")).await;
    assert_eq!(detail.status(), 200);
    assert_eq!(detail.json::<Value>().await.unwrap()["submitted_at"], Value::Null);
    let service = app.get_as(Some(&jo.cookie), "/triage/services/1-000000001").await;
    assert_eq!(service.status(), 200);
    let resent = app.post_json("/api/v1/sync", &json!({ "items": [] }), Some(&token)).await;
    assert_eq!(resent.status(), 200);
    assert!(app.store.submission(id).await.unwrap().unwrap().submitted_at.is_none());

    let migration = match app.database.backend() {
        Backend::Sqlite => include_str!("../../migrations/sqlite/20261201000009_readable_clocks.sql"),
        Backend::Postgres => include_str!("../../migrations/postgres/20261201000009_readable_clocks.sql"),
    };
    app.sql(migration).await.unwrap();
    let repaired = app.store.submission(id).await.unwrap().unwrap();
    assert_eq!(repaired.submitted_at.map(|at| at.timestamp()), Some(repaired.receipt.received_at.timestamp()));
}

#[tokio::test]
async fn behind_a_load_balancer_each_forwarded_client_has_its_own_limits() {
    let app = spawn_app_with(|settings| settings.client_address_header = Some("x-forwarded-for".to_owned())).await;
    let log_in = |forwarded: &'static str, n: u32| {
        app.client
            .post(format!("{}/login", app.address))
            .header("x-forwarded-for", forwarded)
            .form(&[("email", format!("person{n}@example.org")), ("password", "Summer2026!".to_owned())])
            .send()
    };
    for n in 0..20 {
        assert_eq!(log_in("198.51.100.1", n).await.unwrap().status(), 401);
    }
    assert_eq!(log_in("198.51.100.1", 99).await.unwrap().status(), 429, "this client is paused");
    assert_eq!(log_in("203.0.113.7, 198.51.100.1", 98).await.unwrap().status(), 429, "an address it writes first is ignored");
    assert_eq!(log_in("198.51.100.2", 97).await.unwrap().status(), 401, "another client behind the same balancer is not");
}
