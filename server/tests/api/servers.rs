//! Several servers on one PostgreSQL database behave as one. Server A runs in
//! the test's process; server B is the `server` binary in a process of its
//! own, so nothing held in one process's memory (the form engine's versions,
//! the inbox's announcements) can carry news between them: only the database.
//! On SQLite (one server by design) these tests say so and pass.

use std::time::{Duration, Instant};

use app::domain::accounts::Role;
use reqwest::StatusCode;
use sqlx::Connection;

use crate::{
    forms::{own_form, submission_on},
    helpers::{feedback, other_server, read_events_until, spawn_app, OtherServer, TestApp},
    triage::{serious_staffing, PASSWORD},
};

/// Starts server B on `a`'s database, or `None` on SQLite.
fn second_server(a: &TestApp) -> Option<OtherServer> {
    let Some(url) = a.database.url() else {
        eprintln!("skipped: several servers share a PostgreSQL database only (CHF_TEST_DATABASE=postgres)");
        return None;
    };
    Some(other_server(a, url))
}

#[tokio::test]
async fn an_observation_sent_to_one_server_reaches_an_inbox_open_on_the_other_within_2_s() {
    let a = spawn_app().await;
    let Some(b) = second_server(&a) else { return };
    let token = a.enrolled_device().await;
    // Logged in on A, the session works on B too: it is in the database.
    let jo = a.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let mut events = b.app.get_as(Some(&jo.cookie), "/triage/events").await;
    assert_eq!(events.status(), 200, "A's session is good on B");

    let sent = Instant::now();
    let id = a.observation_with(&token, &serious_staffing()).await;
    let heard = tokio::time::timeout(Duration::from_secs(2), read_events_until(&mut events, |heard| heard.contains(&id.to_string())))
        .await
        .expect("B's inbox hears of A's observation within 2 s");
    assert!(heard.contains(&format!("event: observation\ndata: {id}")), "{heard}");
    eprintln!("A's observation reached B's inbox {} ms after it was sent", sent.elapsed().as_millis());
}

#[tokio::test]
async fn a_batch_of_observations_is_told_to_the_other_servers_in_one_notification_not_one_each() {
    let a = spawn_app().await;
    let Some(url) = a.database.url() else {
        eprintln!("skipped: notifications are PostgreSQL's (CHF_TEST_DATABASE=postgres)");
        return;
    };
    // Listening as another server would.
    let mut listener = sqlx::postgres::PgListener::connect(url).await.unwrap();
    listener.listen("chf_arrived").await.unwrap();
    let token = a.enrolled_device().await;
    let items: Vec<_> = (0..25).map(|_| feedback(&[])).collect();
    let ids: Vec<String> = items.iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(a.post_json("/api/v1/sync", &serde_json::json!({ "items": items }), Some(&token)).await.status(), 200);

    let mut notifications: Vec<String> = Vec::new();
    while !ids.iter().all(|id| notifications.iter().any(|payload| payload.contains(id.as_str()))) {
        let notification =
            tokio::time::timeout(Duration::from_secs(5), listener.recv()).await.expect("every id is told within 5 s").unwrap();
        notifications.push(notification.payload().to_owned());
    }
    // Each notification is a commit that waits its turn at the database's one
    // notification queue; one per observation held intake back (the ingest
    // bench on PostgreSQL: 11,105 a second in batches of 25, 12,680 with one).
    assert!(notifications.len() <= 2, "25 observations told in {} notifications: {notifications:?}", notifications.len());
}

#[tokio::test]
async fn fifty_sends_of_one_id_at_once_spread_across_two_servers_store_one_row() {
    let a = spawn_app().await;
    let Some(b) = second_server(&a) else { return };
    let token = a.enrolled_device().await;
    let submission = feedback(&[]);
    let sends = (0..50).map(|i| {
        let server = if i % 2 == 0 { &a } else { &b.app };
        let (token, submission) = (&token, &submission);
        async move { server.submit(token, submission).await.status() }
    });
    let statuses = futures::future::join_all(sends).await;
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::CREATED || *s == StatusCode::OK), "the rest: already received; {statuses:?}");
    let id = submission["id"].as_str().unwrap();
    let rows: i64 = a.sql_value(&format!("SELECT COUNT(*) FROM submissions WHERE id = '{id}'")).await;
    assert_eq!(rows, 1);
}

#[tokio::test]
async fn five_failed_logins_spread_across_two_servers_pause_further_guesses() {
    let a = spawn_app().await;
    let Some(b) = second_server(&a) else { return };
    a.add_user("jo@example.org", "Jo", Role::Commissioner).await;
    for attempt in 0..5 {
        let server = if attempt % 2 == 0 { &a } else { &b.app };
        assert_eq!(server.post_login("jo@example.org", "a wrong guess").await.status(), 401, "guess {attempt}");
    }
    assert_eq!(a.post_login("jo@example.org", PASSWORD).await.status(), 429, "paused on A");
    assert_eq!(b.app.post_login("jo@example.org", PASSWORD).await.status(), 429, "paused on B");
}

#[tokio::test]
async fn a_form_version_published_on_one_server_is_served_and_accepted_by_the_other() {
    let a = spawn_app().await;
    let Some(b) = second_server(&a) else { return };
    let token = a.enrolled_device().await;
    let ada = a.staff("ada@example.org", "Ada", Role::Admin).await;
    let (form_id, definition) = own_form(1);
    assert_eq!(b.app.known_versions(&form_id).await, Vec::<u64>::new(), "B has not heard of the form");

    assert_eq!(a.publish(Some(&ada), &definition.to_string()).await.0, 201);
    let deadline = Instant::now() + Duration::from_secs(2);
    while b.app.known_versions(&form_id).await != [1] {
        assert!(Instant::now() < deadline, "B serves the version A published within 2 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let response = b.app.submit(&token, &submission_on(&form_id, 1, &[])).await;
    assert_eq!(response.status(), 201, "B validates against the new version: {}", response.text().await.unwrap());
}

#[tokio::test]
async fn wrong_access_codes_spread_across_two_servers_pause_the_guesser_on_both() {
    let a = spawn_app().await;
    let Some(b) = second_server(&a) else { return };
    let right = a.add_organisation("Puddlecombe Surgery").await;
    for guess in 0..10 {
        let server = if guess % 2 == 0 { &a } else { &b.app };
        assert_eq!(server.enrol("Dr Guess", "gp", "AAAA-BBBB-CCCC").await.status(), 422, "guess {guess}");
    }
    assert_eq!(a.enrol("Dr Guess", "gp", &right).await.status(), 429, "paused on A, even with the right code");
    assert_eq!(b.app.enrol("Dr Guess", "gp", &right).await.status(), 429, "paused on B");
}

#[tokio::test]
async fn a_server_whose_notifications_are_cut_catches_up_and_hears_again() {
    let a = spawn_app().await;
    let Some(b) = second_server(&a) else { return };
    let token = a.enrolled_device().await;
    let jo = a.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let mut events = b.app.get_as(Some(&jo.cookie), "/triage/events").await;
    assert_eq!(events.status(), 200);

    // As a database restart would: every listening connection ends, and for
    // a few seconds no new one can be made.
    let (server, name) = a.database.url().unwrap().rsplit_once('/').unwrap();
    let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres")).await.unwrap();
    sqlx::raw_sql(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false")).execute(&mut admin).await.unwrap();
    let cut: i64 =
        sqlx::query_scalar("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%'")
            .bind(name)
            .fetch_one(&mut admin)
            .await
            .unwrap();
    assert_eq!(cut, 2, "A's listener and B's");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    sqlx::raw_sql(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true")).execute(&mut admin).await.unwrap();

    // B's inbox is told to fetch everything it may have missed, then hears news again.
    let caught_up = format!("data: {}", uuid::Uuid::nil());
    read_events_until(&mut events, |heard| heard.contains(&caught_up)).await;

    let id = a.observation_with(&token, &serious_staffing()).await;
    read_events_until(&mut events, |heard| heard.contains(&id.to_string())).await;
}
