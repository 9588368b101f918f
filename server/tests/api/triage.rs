//! Triage: staff login, who may see what, the inbox order and filters, the
//! workflow with its audit trail, and two commissioners acting at once.

use app::{
    domain::{
        accounts::{Email, Role, StaffName},
        forms::{Assessment, Severity},
        register::CqcLocationId,
    },
    store::{NewSubmission, NewUser},
};
use chrono::{Duration, Utc};
use serde_json::json;
use server::credentials::{hash_password, hash_secret};
use uuid::Uuid;

use crate::helpers::{feedback, read_events_until, spawn_app, TestApp};

pub const PASSWORD: &str = "correct horse battery staple";

/// A logged-in member of staff: their session cookie and CSRF token.
#[derive(Clone)]
pub struct Staff {
    pub id: i64,
    pub cookie: String,
    pub csrf: String,
}

impl TestApp {
    pub async fn add_user(&self, email: &str, name: &str, role: Role) -> i64 {
        let user = NewUser {
            email: Email::parse(email).unwrap(),
            name: StaffName::parse(name).unwrap(),
            role,
            password_hash: hash_password(PASSWORD).unwrap(),
        };
        self.store.add_user(&user).await.unwrap()
    }

    pub async fn post_login(&self, email: &str, password: &str) -> reqwest::Response {
        self.client
            .post(format!("{}/login", self.address))
            .form(&[("email", email), ("password", password), ("next", "/triage")])
            .send()
            .await
            .unwrap()
    }

    pub async fn staff(&self, email: &str, name: &str, role: Role) -> Staff {
        let id = self.add_user(email, name, role).await;
        let response = self.post_login(email, PASSWORD).await;
        assert_eq!(response.status(), 303);
        let set_cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
        let cookie = set_cookie.split(';').next().unwrap().to_owned();
        let html = self.get_as(Some(&cookie), "/triage").await.text().await.unwrap();
        Staff { id, cookie, csrf: csrf_in(&html) }
    }

    pub async fn get_as(&self, cookie: Option<&str>, path: &str) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.address));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap()
    }

    pub async fn post_as(&self, cookie: Option<&str>, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.client.post(format!("{}{path}", self.address)).form(form);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap()
    }

    /// Takes a step as `staff`, at the observation's current version.
    pub async fn step(&self, staff: &Staff, id: Uuid, fields: &[(&str, &str)]) -> reqwest::Response {
        let version = self.store.observation(id).await.unwrap().unwrap().version.to_string();
        let mut form = vec![("csrf", staff.csrf.as_str()), ("version", version.as_str())];
        form.extend_from_slice(fields);
        self.post_as(Some(&staff.cookie), &format!("/triage/observations/{id}"), &form).await
    }

    /// A submission through the API, with these answers changed.
    pub async fn observation_with(&self, token: &str, answers: &[(&str, serde_json::Value)]) -> Uuid {
        let body = feedback(answers);
        assert_eq!(self.submit(token, &body).await.status(), 201);
        body["id"].as_str().unwrap().parse().unwrap()
    }

    /// A submission stored directly, as if received `days_ago`.
    pub async fn observation_received(&self, token: &str, severity: Severity, days_ago: i64) -> Uuid {
        let device = self.store.device_by_token(&hash_secret(token)).await.unwrap().unwrap();
        let id = Uuid::new_v4();
        let received = Utc::now() - Duration::days(days_ago);
        let submission = NewSubmission {
            id,
            device_id: device.id,
            form_id: "professional-feedback".into(),
            form_version: 1,
            service: CqcLocationId::parse("1-000000002").unwrap(),
            answers: Default::default(),
            content_hash: id.to_string(),
            assessment: Assessment { severity, reason: format!("{} test", severity.code()), risk_of_harm: false },
            submitted_at: received.fixed_offset(),
            received_at: received,
            alerts: Vec::new(),
        };
        self.store.record_submission(&submission).await.unwrap();
        id
    }
}

/// The inbox table's row that links to this observation.
fn row_of(html: &str, id: Uuid) -> &str {
    let link = html.find(&format!("/triage/observations/{id}")).unwrap_or_else(|| panic!("{id} listed"));
    let start = html[..link].rfind("<tr").expect("in a row");
    html[start..].split("</tr>").next().unwrap()
}

fn csrf_in(html: &str) -> String {
    let start = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[start..].split('"').next().unwrap().to_owned()
}

fn location(response: &reqwest::Response) -> &str {
    response.headers()["location"].to_str().unwrap()
}

pub fn serious_staffing() -> Vec<(&'static str, serde_json::Value)> {
    vec![("staffing", json!("serious_concerns")), ("staffing_comment", json!("Only one carer on the floor at lunch"))]
}

#[tokio::test]
async fn staff_log_in_with_a_password_and_get_an_httponly_session_kept_only_as_a_hash() {
    let app = spawn_app().await;
    app.add_user("jo@example.org", "Jo Commissioner", Role::Commissioner).await;
    let page = app.get_html("/login").await;
    assert!(page.contains("<h1>Log in to triage observations</h1>"));

    let wrong = app.post_login("jo@example.org", "not the password").await;
    assert_eq!(wrong.status(), 401);
    assert!(wrong.text().await.unwrap().contains("The email address or password is not right"));
    let unknown = app.post_login("nobody@example.org", PASSWORD).await;
    assert_eq!(unknown.status(), 401, "an unknown email reads the same as a wrong password");
    let blank = app.post_login("", "").await;
    assert_eq!(blank.status(), 422);
    assert!(blank.text().await.unwrap().contains("href=\"#email\""), "the error summary links to the field");

    let response = app.post_login("JO@example.org", PASSWORD).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/triage");
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("chf_session="));
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "Secure only behind TLS");
    let token = cookie.split(';').next().unwrap().trim_start_matches("chf_session=");
    assert!(app.store.session(token, Utc::now()).await.unwrap().is_none(), "the raw token is not stored");
    assert!(app.store.session(&hash_secret(token), Utc::now()).await.unwrap().is_some());
    assert!(app.store.session(&hash_secret(token), Utc::now() + Duration::hours(13)).await.unwrap().is_none(), "sessions expire");
}

#[tokio::test]
async fn five_failed_logins_pause_the_account_even_for_the_right_password() {
    let app = spawn_app().await;
    app.add_user("jo@example.org", "Jo", Role::Commissioner).await;
    for _ in 0..5 {
        assert_eq!(app.post_login("jo@example.org", "guess").await.status(), 401);
    }
    let paused = app.post_login("jo@example.org", PASSWORD).await;
    assert_eq!(paused.status(), 429);
    assert!(paused.text().await.unwrap().contains("Too many failed attempts"));
    app.add_user("sam@example.org", "Sam", Role::Commissioner).await;
    assert_eq!(app.post_login("sam@example.org", PASSWORD).await.status(), 303, "other accounts are not affected");
}

#[tokio::test]
async fn logging_out_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let refused = app.post_as(Some(&jo.cookie), "/logout", &[("csrf", "wrong")]).await;
    assert_eq!(refused.status(), 403, "logging out needs the CSRF token too");
    let response = app.post_as(Some(&jo.cookie), "/logout", &[("csrf", &jo.csrf)]).await;
    assert_eq!(response.status(), 303);
    assert!(response.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    let after = app.get_as(Some(&jo.cookie), "/triage").await;
    assert_eq!(after.status(), 303, "the old cookie no longer works");
}

#[tokio::test]
async fn every_triage_route_refuses_anyone_but_commissioners_and_admins() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let id = app.observation_with(&token, &serious_staffing()).await;
    let commissioner = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let admin = app.staff("ada@example.org", "Ada", Role::Admin).await;
    let observation = format!("/triage/observations/{id}");
    let device_cookie = format!("chf_device={token}");

    // Anonymous and a professional's device: sent to log in, nothing shown or changed.
    for cookie in [None, Some(device_cookie.as_str())] {
        for path in [
            "/triage",
            observation.as_str(),
            "/triage?severity=red",
            "/triage/events",
            "/triage/export.csv",
            "/triage/forms",
            "/triage/services",
        ] {
            let response = app.get_as(cookie, path).await;
            assert_eq!(response.status(), 303, "GET {path} as {cookie:?}");
            assert!(location(&response).starts_with("/login?next=%2Ftriage"), "{path}");
            assert!(!response.text().await.unwrap().contains("Only one carer"));
        }
        let post = app.post_as(cookie, &observation, &[("step", "note"), ("note", "x"), ("version", "0"), ("csrf", "")]).await;
        assert_eq!(post.status(), 303, "POST as {cookie:?}");
        assert_eq!(app.post_as(cookie, "/logout", &[("csrf", "")]).await.status(), 303);
        let bearer = app.client.get(format!("{}/triage", app.address)).bearer_auth(&token).send().await.unwrap();
        assert_eq!(bearer.status(), 303, "a device token gives no access to triage");
    }
    assert!(app.store.observation(id).await.unwrap().unwrap().events.is_empty());

    // Commissioners and admins: both can read and act.
    for staff in [&commissioner, &admin] {
        for path in ["/triage", observation.as_str(), "/triage/export.csv"] {
            let response = app.get_as(Some(&staff.cookie), path).await;
            assert_eq!(response.status(), 200, "GET {path}");
            let body = response.text().await.unwrap();
            assert!(body.contains(&id.to_string()), "{path} shows the observation");
        }
        assert_eq!(app.step(staff, id, &[("step", "note"), ("note", "Seen")]).await.status(), 303);
    }
    assert_eq!(app.store.observation(id).await.unwrap().unwrap().events.len(), 2);
}

#[tokio::test]
async fn the_inbox_lists_red_then_amber_then_green_oldest_unacknowledged_first_and_marks_overdue() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let green = app.observation_received(&token, Severity::Green, 9).await;
    let new_red = app.observation_received(&token, Severity::Red, 0).await;
    let amber = app.observation_received(&token, Severity::Amber, 1).await;
    let old_red = app.observation_received(&token, Severity::Red, 8).await;
    let acknowledged_red = app.observation_received(&token, Severity::Red, 9).await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let officer = jo.id.to_string();
    assert_eq!(app.step(&jo, acknowledged_red, &[("step", "assign"), ("officer", &officer)]).await.status(), 303);

    let html = app.get_as(Some(&jo.cookie), "/triage").await.text().await.unwrap();
    let order: Vec<usize> = [old_red, new_red, acknowledged_red, amber, green]
        .iter()
        .map(|id| html.find(&id.to_string()).unwrap_or_else(|| panic!("{id} listed")))
        .collect();
    assert!(order.windows(2).all(|pair| pair[0] < pair[1]), "inbox order {order:?}");
    assert!(html.contains("5 observations"));
    let item = |id: Uuid| row_of(&html, id).to_owned();
    assert!(item(old_red).contains("Overdue"), "red unacknowledged for 8 days");
    assert!(!item(new_red).contains("Overdue"), "red received today");
    assert!(!item(acknowledged_red).contains("Overdue"), "acknowledged in time or not, it is no longer waiting");
    assert!(!item(green).contains("Overdue"), "green has no target");
}

#[tokio::test]
async fn risk_of_harm_is_first_until_acknowledged_and_since_you_last_looked_counts_what_came() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    // Jo's first look at the inbox (the login lands there) is before any of these.
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let old_red = app.observation_received(&token, Severity::Red, 8).await;
    let harm = app.observation_with(&token, &[("risk_of_harm", json!("yes"))]).await;
    let amber = app
        .observation_with(
            &token,
            &[
                ("environment", json!("some_concerns")),
                ("environment_comment", json!("Cold lounge")),
                ("concern_types", json!(["poor_environment"])),
            ],
        )
        .await;

    let html = app.get_as(Some(&jo.cookie), "/triage").await.text().await.unwrap();
    let position = |html: &str, id: Uuid| html.find(&id.to_string()).unwrap_or_else(|| panic!("{id} listed"));
    assert!(position(&html, harm) < position(&html, old_red), "risk of harm first, before an older unacknowledged red");
    assert!(position(&html, old_red) < position(&html, amber));
    let harm_row = row_of(&html, harm);
    assert!(harm_row.contains("Risk of harm"), "{harm_row}");
    let since = html.split("data-testid=\"since\"").nth(1).expect("the since line").split("</p>").next().unwrap();
    let since = since.replace("<!>", "");
    assert!(since.contains("Since you last looked"), "{since}");
    assert!(since.contains("1 new red observation,"), "only the red that came since: {since}");
    assert!(since.contains("1 report of risk of harm"), "{since}");
    assert!(since.contains("1 observation is overdue now"), "the 8-day-old red: {since}");
    let api: serde_json::Value = app.get_as(Some(&jo.cookie), "/api/v1/triage/observations").await.json().await.unwrap();
    assert_eq!(api["items"][0]["id"], harm.to_string());
    assert_eq!(api["items"][0]["risk_of_harm"], true);
    assert_eq!(api["items"][0]["visitor_role"], "gp");

    // Once someone has it, it takes its place among the reds; and Jo has now seen everything.
    let officer = jo.id.to_string();
    assert_eq!(app.step(&jo, harm, &[("step", "assign"), ("officer", &officer)]).await.status(), 303);
    let html = app.get_as(Some(&jo.cookie), "/triage").await.text().await.unwrap();
    assert!(position(&html, old_red) < position(&html, harm), "acknowledged: unacknowledged reds come first");
    let since = html.split("data-testid=\"since\"").nth(1).unwrap().split("</p>").next().unwrap().replace("<!>", "");
    assert!(since.contains("0 new red observations"), "{since}");
}

#[tokio::test]
async fn the_inbox_filters_by_severity_status_area_assignee_and_words_and_pages_through() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let red = app.observation_with(&token, &serious_staffing()).await;
    let amber = app
        .observation_with(
            &token,
            &[("environment", json!("some_concerns")), ("environment_comment", json!("Call bell 100% broken <script>alert(1)</script>"))],
        )
        .await;
    let green = app.observation_with(&token, &[]).await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let officer = jo.id.to_string();
    app.step(&jo, amber, &[("step", "assign"), ("officer", &officer)]).await;

    let ids = |html: &str| [red, amber, green].into_iter().filter(|id| html.contains(&id.to_string())).collect::<Vec<_>>();
    let page = |query: &'static str| {
        let cookie = jo.cookie.clone();
        let app = &app;
        async move { app.get_as(Some(&cookie), &format!("/triage?{query}")).await.text().await.unwrap() }
    };
    assert_eq!(ids(&page("severity=red").await), [red]);
    assert_eq!(ids(&page("severity=red&severity=green").await), [red, green]);
    assert_eq!(ids(&page("mine=yes").await), [amber]);
    assert_eq!(ids(&page("status=new").await), [red, green]);
    assert_eq!(ids(&page("q=call+BELL").await), [amber], "words match without case");
    assert_eq!(ids(&page("q=100%25").await), [amber], "% is a literal character");
    assert_eq!(ids(&page("q=50%25").await), Vec::<Uuid>::new());
    assert_eq!(ids(&page("area=staffing").await), [red], "serious concerns about staffing");
    assert_eq!(ids(&page("area=environment").await), [amber], "some concerns about the environment");
    assert_eq!(ids(&page("area=appearance").await), Vec::<Uuid>::new(), "rated good");
    assert_eq!(ids(&page("role=nurse").await), Vec::<Uuid>::new());
    assert_eq!(ids(&page("role=gp&service=1-000000001").await).len(), 3);
    let today = Utc::now().date_naive();
    assert_eq!(ids(&page(Box::leak(format!("from={today}&to={today}").into_boxed_str())).await).len(), 3);

    let bad = app.get_as(Some(&jo.cookie), "/triage?from=2026-02-30&severity=purple&area=roof").await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(html.contains("href=\"#from\"") && html.contains("Enter a real date"));
    assert!(html.contains("href=\"#severity\""));
    assert!(html.contains("href=\"#area\"") && html.contains("Select an area from the list"));

    let amber_page = app.get_as(Some(&jo.cookie), &format!("/triage/observations/{amber}")).await.text().await.unwrap();
    assert!(amber_page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "hostile text is shown as text");
    assert!(!amber_page.contains("<script>alert(1)"));
}

#[tokio::test]
async fn an_observation_goes_from_new_to_closed_and_every_step_is_in_the_timeline() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let id = app.observation_with(&token, &serious_staffing()).await;
    let jo = app.staff("jo@example.org", "Jo Commissioner", Role::Commissioner).await;
    let sam = app.add_user("sam@example.org", "Sam Officer", Role::Commissioner).await.to_string();

    let steps: [&[(&str, &str)]; 5] = [
        &[("step", "assign"), ("officer", &sam), ("note", "Sam knows the home")],
        &[("step", "note"), ("note", "Phoned the manager; two agency staff booked")],
        &[("step", "outcome"), ("outcome", "quality_support_visit"), ("note", "Visit on Thursday")],
        &[("step", "close"), ("note", "")],
        &[("step", "reopen"), ("note", "Another report came in")],
    ];
    for fields in steps {
        let response = app.step(&jo, id, fields).await;
        assert_eq!(response.status(), 303, "{fields:?}: {}", response.text().await.unwrap_or_default());
    }
    let observation = app.store.observation(id).await.unwrap().unwrap();
    assert_eq!(observation.status, app::domain::triage::Status::Triaged);
    assert_eq!(observation.assignee.unwrap().name, "Sam Officer");
    assert_eq!(observation.version, 5);
    let kinds: Vec<&str> = observation.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["acknowledged", "note", "outcome", "closed", "reopened"]);
    assert!(observation.events.iter().all(|e| e.user_name == "Jo Commissioner"));

    let html = app.get_as(Some(&jo.cookie), &format!("/triage/observations/{id}")).await.text().await.unwrap();
    for line in [
        "Acknowledged and assigned to Sam Officer",
        "Phoned the manager; two agency staff booked",
        "Outcome recorded: Quality support visit",
        "Closed",
        "Reopened",
        "Another report came in",
    ] {
        assert!(html.contains(line), "{line}");
    }
    assert!(html.contains("Only one carer on the floor at lunch"), "the answers are shown");
    assert!(html.contains("Serious concerns: staffing"), "and why it is red");
}

#[tokio::test]
async fn steps_out_of_order_or_incomplete_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let id = app.observation_with(&token, &serious_staffing()).await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;

    let early = app.step(&jo, id, &[("step", "close"), ("note", "Nothing to do")]).await;
    assert_eq!(early.status(), 409);
    let html = early.text().await.unwrap();
    assert!(html.contains("Record an outcome before closing this observation."));
    assert!(html.contains("Nothing to do"), "the typed note is kept");
    let empty_note = app.step(&jo, id, &[("step", "note"), ("note", "   ")]).await;
    assert_eq!(empty_note.status(), 422);
    assert!(empty_note.text().await.unwrap().contains("href=\"#note-note\""));
    assert_eq!(app.step(&jo, id, &[("step", "assign"), ("officer", "999")]).await.status(), 422);
    assert_eq!(app.step(&jo, id, &[("step", "outcome"), ("outcome", "prison")]).await.status(), 422);
    assert_eq!(app.step(&jo, id, &[("step", "delete")]).await.status(), 400);
    let long = "x".repeat(2001);
    assert_eq!(app.step(&jo, id, &[("step", "note"), ("note", &long)]).await.status(), 422);

    let version = "0".to_owned();
    let path = format!("/triage/observations/{id}");
    let forged = app.post_as(Some(&jo.cookie), &path, &[("csrf", "forged"), ("version", &version), ("step", "note"), ("note", "x")]).await;
    assert_eq!(forged.status(), 403);
    let cross_site = app
        .client
        .post(format!("{}{path}", app.address))
        .header("cookie", &jo.cookie)
        .header("origin", "https://evil.example")
        .form(&[("csrf", jo.csrf.as_str()), ("version", "0"), ("step", "note"), ("note", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    let missing_path = format!("/triage/observations/{}", Uuid::new_v4());
    let missing =
        app.post_as(Some(&jo.cookie), &missing_path, &[("csrf", &jo.csrf), ("version", "0"), ("step", "note"), ("note", "x")]).await;
    assert_eq!(missing.status(), 404);

    let observation = app.store.observation(id).await.unwrap().unwrap();
    assert!(observation.events.is_empty());
    assert_eq!(observation.version, 0);
}

#[tokio::test]
async fn two_commissioners_acting_at_once_cannot_overwrite_each_other() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let id = app.observation_with(&token, &serious_staffing()).await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let sam = app.staff("sam@example.org", "Sam", Role::Commissioner).await;
    let path = format!("/triage/observations/{id}");

    // Both opened the page at version 0; Jo assigns first.
    let jo_id = jo.id.to_string();
    let sam_id = sam.id.to_string();
    let first =
        app.post_as(Some(&jo.cookie), &path, &[("csrf", &jo.csrf), ("version", "0"), ("step", "assign"), ("officer", &jo_id)]).await;
    assert_eq!(first.status(), 303);
    let second = app
        .post_as(
            Some(&sam.cookie),
            &path,
            &[("csrf", &sam.csrf), ("version", "0"), ("step", "assign"), ("officer", &sam_id), ("note", "I'll take it")],
        )
        .await;
    assert_eq!(second.status(), 409);
    let html = second.text().await.unwrap();
    assert!(html.contains("Someone else changed this observation"));
    assert!(html.contains("I&#x27;ll take it") || html.contains("I'll take it"), "Sam's note is still there");
    assert!(html.contains("Acknowledged and assigned to Jo"), "and the page shows what Jo did");

    // Truly at once: ten posts on the same version, exactly one wins.
    let version = app.store.observation(id).await.unwrap().unwrap().version.to_string();
    let posts = (0..10).map(|n| {
        let (app, path, version, sam) = (&app, &path, &version, &sam);
        async move {
            let note = format!("note {n}");
            app.post_as(Some(&sam.cookie), path, &[("csrf", &sam.csrf), ("version", version), ("step", "note"), ("note", &note)])
                .await
                .status()
        }
    });
    let statuses = futures::future::join_all(posts).await;
    assert_eq!(statuses.iter().filter(|s| **s == 303).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 9, "{statuses:?}");
    assert_eq!(app.store.observation(id).await.unwrap().unwrap().events.len(), 2);
}

#[tokio::test]
async fn the_audit_trail_cannot_be_changed_or_deleted_even_in_the_database() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let id = app.observation_with(&token, &[]).await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    app.step(&jo, id, &[("step", "note"), ("note", "Original")]).await;

    let update = app.sql("UPDATE triage_events SET note = 'Rewritten'").await;
    assert!(update.unwrap_err().to_string().contains("the audit trail cannot be changed"));
    let delete = app.sql("DELETE FROM triage_events").await;
    assert!(delete.unwrap_err().to_string().contains("the audit trail cannot be deleted"));
    assert_eq!(app.store.observation(id).await.unwrap().unwrap().events[0].note, "Original");
}

#[tokio::test]
async fn the_demo_loads_valid_observations_once_with_a_commissioner_who_can_log_in() {
    let app = spawn_app().await;
    server::register::demo::load_if_empty(app.store.as_ref()).await.unwrap();
    let loaded = server::demo::load_if_empty(app.store.as_ref()).await.unwrap().expect("loaded into an empty database");
    assert!(server::demo::load_if_empty(app.store.as_ref()).await.unwrap().is_none(), "and only once");
    let response = app.post_login(loaded.email, &loaded.password).await;
    assert_eq!(response.status(), 303);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let html = app.get_as(Some(&cookie), "/triage?status=all").await.text().await.unwrap();
    assert!(html.contains("36 observations"), "{html}");
    for severity in ["red", "amber", "green"] {
        assert!(html.contains(&format!("data-severity=\"{severity}\"")) || severity == "green", "{severity} observations in the demo");
    }
    let open = app.get_as(Some(&cookie), "/triage").await.text().await.unwrap();
    assert!(open.contains("18 observations"), "half are closed");
}

#[tokio::test]
async fn an_open_inbox_hears_of_each_new_observation_as_a_server_sent_event() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    assert_eq!(app.get_as(None, "/triage/events").await.status(), 303, "anonymous: sent to log in");
    let device_cookie = format!("chf_device={token}");
    assert_eq!(app.get_as(Some(&device_cookie), "/triage/events").await.status(), 303, "a device: sent to log in");

    let mut events = app.get_as(Some(&jo.cookie), "/triage/events").await;
    assert_eq!(events.status(), 200);
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    let id = app.observation_with(&token, &serious_staffing()).await;
    let received = read_events_until(&mut events, |heard| heard.contains(&id.to_string())).await;
    assert!(received.contains(&format!("event: observation\ndata: {id}")), "{received}");
    let inbox = app.get_as(Some(&jo.cookie), "/triage").await.text().await.unwrap();
    assert!(inbox.contains("<script src=\"/triage.js\" defer"), "the inbox loads the script that listens");
}

#[tokio::test]
async fn the_filtered_inbox_exports_as_csv_with_formulas_defused() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let red = app.observation_with(&token, &serious_staffing()).await;
    let green = app.observation_with(&token, &[]).await;
    let jo = app.staff("jo@example.org", "=cmd|' /C calc'!A0", Role::Commissioner).await;
    let officer = jo.id.to_string();
    app.step(&jo, red, &[("step", "assign"), ("officer", &officer)]).await;
    assert_eq!(app.get_as(None, "/triage/export.csv").await.status(), 303);

    let response = app.get_as(Some(&jo.cookie), "/triage/export.csv?severity=red").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(response.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"observations-"));
    let body = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        headers,
        [
            "id",
            "received_at",
            "service_location_id",
            "service_name",
            "severity",
            "severity_reason",
            "status",
            "assigned_to",
            "overdue",
            "link",
            "visit_date",
            "visitor_role",
            "visitor_organisation",
            "form",
            "form_version",
            "outcome",
            "closed_at"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "only the red one: {body}");
    assert_eq!(&rows[0][0], red.to_string());
    assert_eq!(&rows[0][4], "red");
    assert_eq!(&rows[0][5], "Serious concerns: staffing");
    assert_eq!(&rows[0][6], "triaged");
    assert_eq!(&rows[0][7], "'=cmd|' /C calc'!A0", "a formula is written as text");
    assert_eq!(&rows[0][8], "no");
    assert_eq!(&rows[0][10], chrono::Utc::now().date_naive().to_string(), "the visit date as answered");
    assert_eq!((&rows[0][11], &rows[0][13], &rows[0][14]), ("GP", "professional-feedback", "1"));
    assert!(rows[0][12].starts_with("Surgery "), "the visitor's organisation: {:?}", &rows[0][12]);
    assert_eq!((&rows[0][15], &rows[0][16]), ("", ""), "no outcome, not closed");
    assert!(!body.contains(&green.to_string()));

    let all = app.get_as(Some(&jo.cookie), "/triage/export.csv").await.text().await.unwrap();
    assert_eq!(all.lines().count(), 3, "header and two rows");
    let bad = app.get_as(Some(&jo.cookie), "/triage/export.csv?from=yesterday").await;
    assert_eq!(bad.status(), 422);
    let error: serde_json::Value = bad.json().await.unwrap();
    assert_eq!(error["fields"][0]["field"], "from");

    app.step(&jo, red, &[("step", "outcome"), ("outcome", "intelligence_only")]).await;
    app.step(&jo, red, &[("step", "close")]).await;
    let closed = app.get_as(Some(&jo.cookie), "/triage/export.csv?status=closed").await.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(closed.as_bytes());
    let row = reader.records().next().expect("the closed one").unwrap();
    assert_eq!(&row[6], "closed");
    assert!(!row[15].is_empty(), "its outcome: {row:?}");
    assert!(row[16].starts_with(&chrono::Utc::now().date_naive().to_string()), "closed today: {row:?}");
}

#[tokio::test]
async fn a_service_shows_its_picture_over_time_and_two_concerns_in_28_days_flag_it() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let first = app.observation_with(&token, &serious_staffing()).await;
    let flagged = app.get_as(Some(&jo.cookie), "/triage/homes?flagged=yes").await.text().await.unwrap();
    assert!(flagged.contains("0 services,"), "one concern is not a pattern");

    app.observation_with(
        &token,
        &[
            ("environment", json!("some_concerns")),
            ("environment_comment", json!("Cold lounge")),
            ("concern_types", json!(["poor_environment"])),
        ],
    )
    .await;
    app.observation_with(&token, &[]).await;
    let flagged = app.get_as(Some(&jo.cookie), "/triage/homes?flagged=yes").await.text().await.unwrap();
    assert!(flagged.contains("href=\"/triage/services/1-000000001\""), "{flagged}");
    assert!(flagged.contains("2 amber or red observations in the last 28 days"));

    let response = app.get_as(Some(&jo.cookie), "/triage/services/1-000000001").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Pattern of concerns"));
    assert!(html.contains(&first.to_string()), "its observations are listed");
    let month = Utc::now().format("%Y-%m").to_string();
    // Staffing this month: 1 serious, 2 good (the other two were good on staffing).
    let staffing = html.split("<h3>Staffing</h3>").nth(1).unwrap();
    assert!(staffing.contains(&format!("<th scope=\"row\">{month}</th><td>2</td><td>0</td><td>1</td>")), "{staffing}");
    assert!(staffing.contains("class=\"chart__bars\""), "{staffing}");

    assert_eq!(app.get_as(Some(&jo.cookie), "/triage/services/1-999999999").await.status(), 404);
    assert_eq!(app.get_as(None, "/triage/services/1-000000001").await.status(), 303);
    let device_cookie = format!("chf_device={token}");
    assert_eq!(app.get_as(Some(&device_cookie), "/triage/services").await.status(), 303);
}

#[tokio::test]
async fn answers_export_as_one_column_per_question_for_one_form_version_and_date_range() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let mut answers = serious_staffing();
    answers.push(("staffing_comment", json!("=HYPERLINK(\"http://evil.example\")")));
    let first = app.observation_with(&token, &answers).await;
    let second = app.observation_with(&token, &[]).await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let forms_page = app.get_as(Some(&jo.cookie), "/triage/forms").await.text().await.unwrap();
    assert!(forms_page.contains("action=\"/triage/export/answers.csv\"") && forms_page.contains("value=\"professional-feedback@1\""));
    assert_eq!(app.get_as(None, "/triage/export/answers.csv?form=professional-feedback@1").await.status(), 303, "staff only");

    let today = Utc::now().date_naive();
    let path = format!("/triage/export/answers.csv?form=professional-feedback@1&from={today}&to={today}");
    let response = app.get_as(Some(&jo.cookie), &path).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains("professional-feedback-v1-answers-"));
    let body = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let form = app::domain::forms::find("professional-feedback", 1).unwrap();
    let staffing = form.question("staffing").unwrap().label.clone();
    assert_eq!(headers[..4], ["id", "received_at", "service_location_id", "service_name"]);
    assert_eq!(headers.len(), 6 + form.export_columns().len());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.iter().map(|row| row[0].to_owned()).collect::<Vec<_>>(), [first.to_string(), second.to_string()], "in received order");
    let column = |label: &str| headers.iter().position(|h| h == label).unwrap();
    assert_eq!(&rows[0][column(&staffing)], "Serious concerns");
    assert_eq!(&rows[0][column(&format!("{staffing}: comment"))], "'=HYPERLINK(\"http://evil.example\")", "a formula is written as text");
    assert!(!rows[0][3].is_empty(), "the service by name");

    let yesterday = today - chrono::Duration::days(1);
    let none = app.get_as(Some(&jo.cookie), &format!("/triage/export/answers.csv?form=professional-feedback@1&to={yesterday}")).await;
    assert_eq!(none.text().await.unwrap().lines().count(), 1, "only the header before today");
    for (query, field) in
        [("form=professional-feedback@9", "form"), ("form=nope", "form"), ("form=professional-feedback@1&from=30/11/2026", "from")]
    {
        let bad = app.get_as(Some(&jo.cookie), &format!("/triage/export/answers.csv?{query}")).await;
        assert_eq!(bad.status(), 422, "{query}");
        let error: serde_json::Value = bad.json().await.unwrap();
        assert_eq!(error["fields"][0]["field"], field, "{query}");
    }
    let backwards =
        app.get_as(Some(&jo.cookie), &format!("/triage/export/answers.csv?form=professional-feedback@1&from={today}&to={yesterday}")).await;
    assert_eq!(backwards.status(), 422);
}

#[tokio::test]
async fn the_reference_a_phone_shows_is_on_the_observation_and_finds_it() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let wanted = app.observation_with(&token, &serious_staffing()).await;
    let other = app.observation_with(&token, &serious_staffing()).await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let reference = app::domain::submission::reference(wanted);
    assert_eq!(reference.len(), 8);

    let page = app.get_as(Some(&jo.cookie), &format!("/triage/observations/{wanted}")).await.text().await.unwrap();
    assert!(page.contains(&format!("Reference {reference}")), "the observation page shows it");
    let inbox = app.get_as(Some(&jo.cookie), &format!("/triage?q={reference}")).await.text().await.unwrap();
    assert!(inbox.contains(&wanted.to_string()) && !inbox.contains(&other.to_string()), "the inbox finds it alone");
    assert!(inbox.contains(&format!("Reference {reference}")));
    let lower = app.get_as(Some(&jo.cookie), &format!("/api/v1/triage/observations?q={}", reference.to_lowercase())).await;
    let found: serde_json::Value = lower.json().await.unwrap();
    assert_eq!(found["total"], 1, "in any case, through the API too");
    assert_eq!(found["items"][0]["reference"], reference.as_str());
    let csv = app.get_as(Some(&jo.cookie), &format!("/triage/export.csv?q={reference}")).await.text().await.unwrap();
    assert_eq!(csv.lines().count(), 2, "and in the export");
}

#[tokio::test]
async fn an_observation_page_shows_what_was_seen_first_in_words_and_confirms_each_step() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let contact = [("contact_ok", json!("yes")), ("contact_details", json!("jo.visitor@example.nhs.uk"))];
    let mut answers = serious_staffing();
    answers.extend(contact);
    let id = app.observation_with(&token, &answers).await;
    let phoned = app.observation_with(&token, &[("contact_ok", json!("yes")), ("contact_details", json!("01632 960 123"))]).await;
    let jo = app.staff("jo@example.org", "Jo Commissioner", Role::Commissioner).await;

    let page = app.get_as(Some(&jo.cookie), &format!("/triage/observations/{id}")).await.text().await.unwrap();
    let at = |text: &str| page.find(text).unwrap_or_else(|| panic!("{text} is on the page"));
    assert!(at("What was seen") < at("What to do next") && at("What was seen") < at("id=\"timeline\""), "what was seen comes first");
    assert!(page.contains("Dr Test, GP ("), "the visitor's role in words, not its code");
    assert!(page.contains("Professionals feedback (version 1)"), "the form by its title");
    assert!(page.contains("href=\"mailto:jo.visitor@example.nhs.uk\""), "an email to write to");
    assert!(!page.contains("data-testid=\"step-done\""));
    let phoned_page = app.get_as(Some(&jo.cookie), &format!("/triage/observations/{phoned}")).await.text().await.unwrap();
    assert!(phoned_page.contains("href=\"tel:01632960123\""), "a number to call");

    let officer = jo.id.to_string();
    let taken = app.step(&jo, id, &[("step", "assign"), ("officer", &officer)]).await;
    assert_eq!(taken.status(), 303);
    let location = taken.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, format!("/triage/observations/{id}?done=1#timeline"));
    let after = app.get_as(Some(&jo.cookie), location.split('#').next().unwrap()).await.text().await.unwrap();
    assert!(after.contains("Done: Acknowledged and assigned to Jo Commissioner"), "the step is confirmed");
}
