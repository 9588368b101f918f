//! Alerts: a red observation reaches the duty address by email within a
//! minute, through a real SMTP conversation with a mail server run here
//! (mailin's protocol on a socket of ours), and never carries the visitor's
//! words. An alert waits in the database while the mail server is down or
//! refuses, through a restart of the app, and is delivered once.

use std::{
    io::{BufRead, BufReader, Write},
    net::{TcpListener, TcpStream},
    sync::{Arc, Mutex},
    time::Duration,
};

use mailin::{response, Action, Handler, Response, SessionBuilder};
use serde_json::{json, Value};
use server::settings::Settings;
use uuid::Uuid;

use crate::helpers::{feedback, spawn_app_with, TestApp};

/// What the mail server received: one entry per message, its whole text.
#[derive(Clone, Default)]
struct Mailbox(Arc<Mutex<Vec<String>>>);

impl Mailbox {
    /// Each message as a person's mail program shows it: quoted-printable undone.
    fn messages(&self) -> Vec<String> {
        self.0.lock().unwrap().iter().map(|raw| unquote(raw)).collect()
    }
}

/// Undoes quoted-printable (RFC 2045): soft line breaks and `=XX` bytes.
fn unquote(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One SMTP session's handler: keeps each message, or refuses every one.
#[derive(Clone)]
struct Receiver {
    mailbox: Mailbox,
    refuse: bool,
    current: Vec<u8>,
}

impl Handler for Receiver {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, _to: &[String]) -> Response {
        self.current.clear();
        if self.refuse {
            response::TRANSACTION_FAILED
        } else {
            response::OK
        }
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        self.mailbox.0.lock().unwrap().push(String::from_utf8_lossy(&self.current).into_owned());
        response::OK
    }
}

/// A mail server on `listener`, each connection on a thread of its own, for the life of the test process.
fn mail_server(listener: TcpListener, refuse: bool) -> Mailbox {
    let mailbox = Mailbox::default();
    let receiver = Receiver { mailbox: mailbox.clone(), refuse, current: Vec::new() };
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let receiver = receiver.clone();
            std::thread::spawn(move || converse(stream, receiver));
        }
    });
    mailbox
}

fn converse(stream: TcpStream, receiver: Receiver) -> std::io::Result<()> {
    let peer = stream.peer_addr()?.ip();
    let mut session = SessionBuilder::new("mail.test").build(peer, receiver);
    let mut writer = stream.try_clone()?;
    session.greeting().write_to(&mut writer)?;
    let mut reader = BufReader::new(stream);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        let reply = session.process(&line);
        match reply.action {
            Action::Reply => reply.write_to(&mut writer)?,
            Action::Close => {
                reply.write_to(&mut writer)?;
                return writer.flush();
            }
            _ => {}
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn alerts_to(port: u16) -> impl FnOnce(&mut Settings) {
    move |settings: &mut Settings| {
        settings.alert_email_to = vec!["duty@unit.example".to_owned(), "Out of Hours <ooh@unit.example>".to_owned()];
        settings.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        settings.public_url = "https://feedback.unit.example/".to_owned();
        settings.alert_retry_secs = 1;
    }
}

/// Waits up to `seconds` for `holds`.
async fn within(seconds: u64, mut holds: impl FnMut() -> bool) -> bool {
    for _ in 0..seconds * 10 {
        if holds() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    holds()
}

/// The observation's audit trail, as (action, detail).
async fn trail(app: &TestApp, id: Uuid) -> Vec<(String, String)> {
    let observation = app.store.observation(id).await.unwrap().expect("the observation is stored");
    observation.events.into_iter().map(|event| (event.kind, event.detail)).collect()
}

/// The trail once `holds` (checked every 100 ms, for up to 30 s), or as it is then.
async fn trail_within(app: &TestApp, id: Uuid, holds: impl Fn(&[(String, String)]) -> bool) -> Vec<(String, String)> {
    for _ in 0..300 {
        let now = trail(app, id).await;
        if holds(&now) {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    trail(app, id).await
}

fn red_with_words() -> Value {
    feedback(&[
        ("environment", json!("serious_concerns")),
        ("environment_comment", json!("Wet floor by room 12, XYZZY Mrs Example")),
        ("organisation", json!("Plughole Surgery XYZZY")),
    ])
}

#[tokio::test]
async fn a_red_observation_is_emailed_to_the_duty_addresses_once_without_free_text() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mailbox = mail_server(listener, false);
    let app = spawn_app_with(alerts_to(port)).await;
    let token = app.enrolled_device().await;

    let amber = app.submit(&token, &feedback(&[("staffing", json!("some_concerns"))])).await;
    assert_eq!(amber.status(), 201);
    let red = red_with_words();
    assert_eq!(app.submit(&token, &red).await.status(), 201);
    let id: Uuid = red["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(app.submit(&token, &red).await.status(), 200, "the same observation again");

    assert!(within(60, || !mailbox.messages().is_empty()).await, "an email within 60 s");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let messages = mailbox.messages();
    assert_eq!(messages.len(), 1, "one email for one red observation; none for amber, none for the retry");
    let email = &messages[0];
    assert!(email.contains("Subject: RED observation: "), "{email}");
    assert!(email.contains("duty@unit.example") && email.contains("ooh@unit.example"), "{email}");
    assert!(email.contains(&format!("https://feedback.unit.example/triage/observations/{id}")), "{email}");
    assert!(email.contains("Serious concerns: environment"), "{email}");
    assert!(!email.contains("XYZZY") && !email.contains("Wet floor") && !email.contains("Dr Test"), "no free text or names: {email}");

    let trail = trail(&app, id).await;
    assert_eq!(trail, [("alert_sent".to_owned(), "Emailed to duty@unit.example, ooh@unit.example".to_owned())]);
    let staff = app.staff("duty@example.org", "Duty Officer", app::domain::accounts::Role::Commissioner).await;
    let page = app.get_as(Some(&staff.cookie), &format!("/triage/observations/{id}")).await.text().await.unwrap();
    assert!(page.contains("Alert sent: Emailed to duty@unit.example, ooh@unit.example"), "the trail on the page says so");
}

#[tokio::test]
async fn an_alert_waits_while_the_mail_server_is_down_survives_a_restart_and_arrives_once() {
    let port = free_port();
    let app = spawn_app_with(alerts_to(port)).await;
    let token = app.enrolled_device().await;
    let red = feedback(&[("risk_of_harm", json!("yes"))]);
    assert_eq!(app.submit(&token, &red).await.status(), 201);
    let id: Uuid = red["id"].as_str().unwrap().parse().unwrap();

    let failed = trail_within(&app, id, |trail| !trail.is_empty()).await;
    assert_eq!(failed.first().map(|(kind, _)| kind.as_str()), Some("alert_failed"), "the failure is in the trail: {failed:?}");
    assert!(failed[0].1.contains("Trying again in"), "{failed:?}");

    let app = app.restart(alerts_to(port)).await;
    let mailbox = mail_server(TcpListener::bind(("127.0.0.1", port)).unwrap(), false);
    assert!(within(60, || !mailbox.messages().is_empty()).await, "the email once the mail server is up");
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(mailbox.messages().len(), 1, "delivered once");
    assert!(mailbox.messages()[0].contains("Immediate risk of harm"));
    let trail = trail(&app, id).await;
    let sent: Vec<_> = trail.iter().filter(|(kind, _)| kind == "alert_sent").collect();
    assert_eq!(sent.len(), 1, "{trail:?}");
    assert!(trail.iter().take_while(|(kind, _)| kind != "alert_sent").all(|(kind, _)| kind == "alert_failed"), "{trail:?}");
}

#[tokio::test]
async fn a_mail_server_that_refuses_is_recorded_and_the_alert_kept() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mailbox = mail_server(listener, true);
    let app = spawn_app_with(alerts_to(port)).await;
    let token = app.enrolled_device().await;
    let red = red_with_words();
    assert_eq!(app.submit(&token, &red).await.status(), 201);
    let id: Uuid = red["id"].as_str().unwrap().parse().unwrap();

    let trail_now = trail_within(&app, id, |trail| trail.len() >= 2).await;
    assert!(trail_now.len() >= 2, "each refusal is in the trail: {trail_now:?}");
    assert!(trail_now.iter().all(|(kind, detail)| kind == "alert_failed" && detail.contains("554")), "{trail_now:?}");
    assert!(mailbox.messages().is_empty());
}

#[tokio::test]
async fn alert_settings_that_cannot_work_stop_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_data_dir(dir.path());
    settings.alert_email_to = vec!["duty@unit.example".to_owned()];
    let err = server::startup::Application::build(&settings).await.err().expect("no mail server named");
    assert!(err.to_string().contains("--smtp-url"), "{err}");
    settings.smtp_url = Some("smtp://127.0.0.1:25".to_owned());
    settings.alert_email_to = vec!["not an address".to_owned()];
    let err = server::startup::Application::build(&settings).await.err().expect("a bad address");
    assert!(err.to_string().contains("not an email address"), "{err}");
}

/// A chat webhook: keeps each JSON body it is posted; `hang` never answers.
async fn webhook(hang: bool) -> (String, Arc<Mutex<Vec<Value>>>) {
    let posted = Arc::new(Mutex::new(Vec::new()));
    let kept = posted.clone();
    let route = axum::routing::post(move |axum::Json(body): axum::Json<Value>| {
        let kept = kept.clone();
        async move {
            if hang {
                tokio::time::sleep(Duration::from_secs(300)).await;
            }
            kept.lock().unwrap().push(body);
            "ok"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, axum::Router::new().route("/hook", route)).await });
    (url, posted)
}

#[tokio::test]
async fn a_red_observation_is_posted_to_the_chat_webhook_and_one_that_hangs_is_recorded() {
    let (url, posted) = webhook(false).await;
    let app = spawn_app_with(|settings| {
        settings.alert_webhook_url = Some(url);
        settings.public_url = "https://feedback.unit.example".to_owned();
    })
    .await;
    let token = app.enrolled_device().await;
    let red = red_with_words();
    assert_eq!(app.submit(&token, &red).await.status(), 201);
    let id: Uuid = red["id"].as_str().unwrap().parse().unwrap();
    assert!(within(60, || !posted.lock().unwrap().is_empty()).await, "a post within 60 s");
    let text = posted.lock().unwrap()[0]["text"].as_str().unwrap().to_owned();
    assert!(text.starts_with("RED observation: ") && text.contains("(Serious concerns: environment)"), "{text}");
    assert!(text.contains(&format!("https://feedback.unit.example/triage/observations/{id}")), "{text}");
    assert!(!text.contains("XYZZY"), "{text}");
    // The webhook has the post before the server has its answer and records it.
    let sent = trail_within(&app, id, |trail| !trail.is_empty()).await;
    assert_eq!(sent, [("alert_sent".to_owned(), "Posted to the webhook".to_owned())]);

    let (url, _) = webhook(true).await;
    let app = spawn_app_with(|settings| settings.alert_webhook_url = Some(url)).await;
    let token = app.enrolled_device().await;
    let red = red_with_words();
    assert_eq!(app.submit(&token, &red).await.status(), 201);
    let id: Uuid = red["id"].as_str().unwrap().parse().unwrap();
    let trail_now = trail_within(&app, id, |trail| !trail.is_empty()).await;
    assert_eq!(trail_now.first().map(|(kind, _)| kind.as_str()), Some("alert_failed"), "{trail_now:?}");
    assert!(trail_now[0].1.starts_with("The webhook did not answer within 10 seconds"), "{trail_now:?}");
}

#[tokio::test]
async fn the_daily_digest_lists_new_observations_once_a_day_even_across_a_restart() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mailbox = mail_server(listener, false);
    let midnight = |settings: &mut Settings| {
        alerts_to(port)(settings);
        // Midnight UTC has always passed today, so today's digest is due now.
        settings.digest_at = Some("00:00".parse().unwrap());
    };
    let app = spawn_app_with(midnight).await;
    let token = app.enrolled_device().await;
    let red = red_with_words();
    assert_eq!(app.submit(&token, &red).await.status(), 201);
    let digests = || mailbox.messages().into_iter().filter(|m| m.contains("Subject: Daily digest")).collect::<Vec<_>>();
    assert!(within(60, || !digests().is_empty()).await, "a digest within 60 s");
    let app = app.restart(midnight).await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let sent = digests();
    assert_eq!(sent.len(), 1, "one digest a day, even after a restart");
    assert!(sent[0].contains("New, not yet assigned: "), "{}", sent[0]);
    assert!(!sent[0].contains("XYZZY") && !sent[0].contains("Wet floor"), "no free text: {}", sent[0]);
    assert!(!app.store.take_digest(chrono::Utc::now().date_naive(), chrono::Utc::now()).await.unwrap(), "today's is taken");
}
