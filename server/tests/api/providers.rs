//! Care homes' own accounts: a provider sees only its own services, and only
//! what a commissioner shared, never who the visitor was beyond their role;
//! it replies within the window and keeps an action plan, which the
//! commissioner sees on the timeline; the inbox flags a reply not made in time.

use app::{
    domain::{
        accounts::{Email, Role, StaffName},
        register::CqcLocationId,
        triage::Status,
    },
    store::{NewUser, Sharing, TriageChange, TriageEvent},
};
use chrono::{Duration, Utc};
use serde_json::{json, Value};
use server::credentials::hash_password;

use crate::{
    helpers::{spawn_app, TestApp},
    triage::{Staff, PASSWORD},
};

const HERON: &str = "1-000000003";
const OTHER_HOME: &str = "1-000000004";

fn red_about(service: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("service", json!(service)),
        ("staffing", json!("serious_concerns")),
        ("staffing_comment", json!("One carer for twenty residents at breakfast")),
        ("concern_types", json!(["lack_of_supervision"])),
        ("contact_ok", json!("yes")),
        ("contact_details", json!("dr.visitor@example.org")),
        ("organisation", json!("Puddlecombe Surgery")),
    ]
}

fn all_good_about(service: &str) -> Vec<(&'static str, Value)> {
    vec![("service", json!(service))]
}

impl TestApp {
    /// A provider account for these services, logged in.
    pub async fn provider(&self, email: &str, services: &[&str]) -> Staff {
        let user = NewUser {
            email: Email::parse(email).unwrap(),
            name: StaffName::parse("Home Manager").unwrap(),
            role: Role::Provider,
            password_hash: hash_password(PASSWORD).unwrap(),
        };
        let id = self.store.add_user(&user).await.unwrap();
        let services: Vec<_> = services.iter().map(|s| CqcLocationId::parse(s).unwrap()).collect();
        self.store.set_provider_services(id, &services).await.unwrap();
        let response = self.post_login(email, PASSWORD).await;
        assert_eq!(response.status(), 303);
        assert_eq!(response.headers()["location"], "/provider", "a provider starts at its homes");
        let cookie = response.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
        let html = self.get_as(Some(&cookie), "/provider").await.text().await.unwrap();
        let start = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
        Staff { id, cookie, csrf: html[start..].split('"').next().unwrap().to_owned() }
    }

    async fn provider_post(&self, provider: &Staff, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form = vec![("csrf", provider.csrf.as_str())];
        form.extend_from_slice(fields);
        self.post_as(Some(&provider.cookie), path, &form).await
    }
}

#[tokio::test]
async fn a_shared_observation_reaches_only_its_home_without_the_visitors_identity() {
    let app = spawn_app().await;
    let gp = app.enrolled_device().await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let heron = app.provider("manager@heron.example.org", &[HERON]).await;
    let other = app.provider("manager@other.example.org", &[OTHER_HOME]).await;
    let id = app.observation_with(&gp, &red_about(HERON)).await;
    let unshared = app.observation_with(&gp, &red_about(HERON)).await;
    let page = format!("/provider/observations/{id}");

    // Not shared yet: not there, even for its own home.
    assert_eq!(app.get_as(Some(&heron.cookie), &page).await.status(), 404);
    assert_eq!(app.step(&jo, id, &[("step", "note"), ("note", "Staff only: ring the manager")]).await.status(), 303);
    assert_eq!(app.step(&jo, id, &[("step", "share"), ("note", "Please tell us how you staff breakfast.")]).await.status(), 303);
    let again = app.step(&jo, id, &[("step", "share")]).await;
    assert_eq!(again.status(), 409, "shared once");

    let list = app.get_as(Some(&heron.cookie), "/provider").await.text().await.unwrap();
    assert!(list.contains(&page) && !list.contains(&unshared.to_string()), "only what was shared");
    let response = app.get_as(Some(&heron.cookie), &page).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("One carer for twenty residents at breakfast"), "what was seen");
    assert!(html.contains("Visitor's role</dt><dd class=\"nhsuk-summary-list__value\">GP</dd>"), "the visitor's role");
    assert!(html.contains("Please tell us how you staff breakfast."), "the unit's message");
    for hidden in ["Dr Test", "Puddlecombe Surgery", "dr.visitor@example.org", "Can we contact you", "ring the manager", "Surgery "] {
        assert!(!html.contains(hidden), "a home never reads {hidden:?}");
    }

    // Another home: not found, in the list or by its id; nor may it write to it.
    assert!(!app.get_as(Some(&other.cookie), "/provider").await.text().await.unwrap().contains(&page));
    assert_eq!(app.get_as(Some(&other.cookie), &page).await.status(), 404);
    let reply = app.provider_post(&other, &format!("{page}/replies"), &[("reply", "Not ours")]).await;
    assert_eq!(reply.status(), 404);
    // Its own home's observation, but not shared: 404, and nothing stored.
    let reply = app.provider_post(&heron, &format!("/provider/observations/{unshared}/replies"), &[("reply", "Hello")]).await;
    assert_eq!(reply.status(), 404);

    // The reply and an action plan, seen by the commissioner on the timeline and in the API.
    let reply = app.provider_post(&heron, &format!("{page}/replies"), &[("reply", "We have added a second carer at breakfast.")]).await;
    assert_eq!(reply.status(), 303);
    let past = (Utc::now() - Duration::days(2)).date_naive();
    let (day, month, year) = (past.format("%-d").to_string(), past.format("%-m").to_string(), past.format("%Y").to_string());
    let late = [
        ("what", "Review the breakfast rota"),
        ("who", "Registered manager"),
        ("due-day", &day),
        ("due-month", &month),
        ("due-year", &year),
    ];
    let refused = app.provider_post(&heron, &format!("{page}/actions"), &late).await;
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains("The date it will be done by must be today or in the future"));
    assert!(refused.contains("value=\"Review the breakfast rota\""), "what was typed is kept");
    let soon = (Utc::now() + Duration::days(30)).date_naive();
    let (day, month, year) = (soon.format("%-d").to_string(), soon.format("%-m").to_string(), soon.format("%Y").to_string());
    let action = [
        ("what", "Review the breakfast rota"),
        ("who", "Registered manager"),
        ("due-day", &day),
        ("due-month", &month),
        ("due-year", &year),
    ];
    assert_eq!(app.provider_post(&heron, &format!("{page}/actions"), &action).await.status(), 303);
    let shared = app.store.shared_observation(id, &[CqcLocationId::parse(HERON).unwrap()]).await.unwrap().unwrap();
    assert_eq!(shared.actions.len(), 1, "the refused action was not stored");
    let today = Utc::now().date_naive();
    let done_path = format!("{page}/actions/{}/done", shared.actions[0].id);
    let done = [
        ("done-day", today.format("%-d").to_string()),
        ("done-month", today.format("%-m").to_string()),
        ("done-year", today.format("%Y").to_string()),
    ];
    let done: Vec<(&str, &str)> = done.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.provider_post(&heron, &done_path, &done).await.status(), 303);

    let timeline = app.get_as(Some(&jo.cookie), &format!("/triage/observations/{id}")).await.text().await.unwrap();
    assert!(timeline.contains("Reply from the home") && timeline.contains("We have added a second carer at breakfast."));
    assert!(timeline.contains("Action planned by the home: Review the breakfast rota"));
    assert!(timeline.contains("Action done by the home: Review the breakfast rota"));
    assert!(timeline.contains("The home replied on"));
    let detail: Value = app.get_as(Some(&jo.cookie), &format!("/api/v1/triage/observations/{id}")).await.json().await.unwrap();
    let actions: Vec<&str> = detail["timeline"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["note", "shared_with_provider", "provider_reply", "action_added", "action_done"]);

    // The unit's pages and API are not for a home, and a home's pages not for the unit.
    let refused = app.get_as(Some(&heron.cookie), &format!("/triage/services/{HERON}")).await;
    assert_eq!(refused.status(), 403);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains("Not available to your account") && refused.contains("href=\"/provider\""), "a page, with the way home");
    let refused = app.get_as(Some(&heron.cookie), "/api/v1/triage/observations").await;
    assert_eq!(refused.status(), 403);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "This is for the integrated commissioning unit's staff.", "JSON for the API");
    let refused = app.get_as(Some(&jo.cookie), &page).await;
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("Go to the inbox"));
    let officers: Value = app.get_as(Some(&jo.cookie), "/api/v1/triage/officers").await.json().await.unwrap();
    assert!(!officers.to_string().contains("heron.example.org"), "a provider is never an officer to assign");
}

#[tokio::test]
async fn a_reply_after_the_window_is_refused_and_the_inbox_flags_it() {
    let app = spawn_app().await;
    let gp = app.enrolled_device().await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let heron = app.provider("manager@heron.example.org", &[HERON]).await;
    let id = app.observation_with(&gp, &red_about(HERON)).await;
    // Shared 20 days ago with the standard 14-day window, as the step would have.
    let at = Utc::now() - Duration::days(20);
    let change = TriageChange {
        status: Status::New,
        assignee: None,
        outcome: None,
        acknowledged_at: None,
        share: Some(Sharing { at, compliment: false, reply_due_at: Some(at + Duration::days(14)), replied_at: None }),
        user_id: jo.id,
        event: TriageEvent {
            at,
            user_name: "Jo".into(),
            kind: "shared_with_provider".into(),
            detail: String::new(),
            note: String::new(),
            shared_with_visitor: false,
        },
    };
    app.store.apply_step(id, 0, &change).await.unwrap();

    let response = app.provider_post(&heron, &format!("/provider/observations/{id}/replies"), &[("reply", "Sorry we are late")]).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("The time to reply ended on"), "a clear message");
    assert!(html.contains("Sorry we are late"), "what was typed is kept");
    let shared = app.store.shared_observation(id, &[CqcLocationId::parse(HERON).unwrap()]).await.unwrap().unwrap();
    assert!(shared.replies.is_empty() && shared.item.replied_at.is_none(), "nothing stored");

    let inbox = app.get_as(Some(&jo.cookie), "/triage").await.text().await.unwrap();
    assert!(inbox.contains("data-testid=\"reply-overdue\""), "the inbox flags it");
    let rows: Value = app.get_as(Some(&jo.cookie), "/api/v1/triage/observations").await.json().await.unwrap();
    let row = rows["items"].as_array().unwrap().iter().find(|r| r["id"] == id.to_string()).unwrap();
    assert_eq!(row["reply_overdue"], true);
}

#[tokio::test]
async fn an_all_good_observation_goes_to_its_home_as_a_compliment() {
    let app = spawn_app().await;
    let gp = app.enrolled_device().await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let heron = app.provider("manager@heron.example.org", &[HERON]).await;
    let good = app.observation_with(&gp, &all_good_about(HERON)).await;
    let red = app.observation_with(&gp, &red_about(HERON)).await;

    let refused = app.step(&jo, red, &[("step", "compliment")]).await;
    assert_eq!(refused.status(), 409);
    assert!(refused.text().await.unwrap().contains("Only an all-good (green) observation can be sent as a compliment"));
    assert_eq!(app.step(&jo, good, &[("step", "compliment"), ("note", "Lovely lunchtime, well done.")]).await.status(), 303);

    let html = app.get_as(Some(&heron.cookie), &format!("/provider/observations/{good}")).await.text().await.unwrap();
    assert!(html.contains("A compliment") && html.contains("Lovely lunchtime, well done."));
    let reply = app.provider_post(&heron, &format!("/provider/observations/{good}/replies"), &[("reply", "Thank you")]).await;
    assert_eq!(reply.status(), 422, "nothing to reply to");
    let inbox: Value = app.get_as(Some(&jo.cookie), "/api/v1/triage/observations?status=all").await.json().await.unwrap();
    assert!(inbox["items"].as_array().unwrap().iter().all(|r| r["reply_overdue"] == false));
}

const THEMES: [&str; 8] = ["identity", "community", "shared_decisions", "transitions", "health", "end_of_life", "workforce", "culture"];

#[tokio::test]
async fn a_home_completes_its_self_assessment_online_and_shares_it_when_it_chooses() {
    let app = spawn_app().await;
    let _ = app.enrolled_device().await; // loads the demo register
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let heron = app.provider("manager@heron.example.org", &[HERON]).await;
    let other = app.provider("manager@other.example.org", &[OTHER_HOME]).await;

    let list = app.get_as(Some(&heron.cookie), "/provider/self-assessments").await.text().await.unwrap();
    assert!(list.contains(&format!("/provider/self-assessments/new?service={HERON}")));
    let form = app.get_as(Some(&heron.cookie), &format!("/provider/self-assessments/new?service={HERON}")).await;
    assert_eq!(form.status(), 200);
    let form = form.text().await.unwrap();
    assert!(form.contains("Personalise: Maintaining identity") && form.contains("Transform: Promoting a positive culture"));
    assert!(!form.contains("Which service did you visit?"), "the home is the one chosen");
    assert_eq!(app.get_as(Some(&heron.cookie), &format!("/provider/self-assessments/new?service={OTHER_HOME}")).await.status(), 404);

    // Half done: every missing rating named, and what was typed kept.
    let today = Utc::now().date_naive().to_string();
    let mut fields = vec![("service", HERON.to_owned()), ("visit_date", today.clone())];
    fields.push(("identity", "doing_well".to_owned()));
    fields.push(("identity_comment", "Life stories in every room".to_owned()));
    let posted: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = app.provider_post(&heron, "/provider/self-assessments", &posted).await;
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains("Select a rating for creating community"));
    assert!(refused.contains("Life stories in every room"), "what was typed is kept");
    // Another home's service: not this account's to assess.
    let mut elsewhere = posted.clone();
    elsewhere[0] = ("service", OTHER_HOME);
    assert_eq!(app.provider_post(&heron, "/provider/self-assessments", &elsewhere).await.status(), 404);
    assert!(app.store.self_assessments(&[CqcLocationId::parse(HERON).unwrap()], false).await.unwrap().is_empty(), "nothing stored");

    for theme in &THEMES[1..] {
        fields.push((theme, "working_on_it".to_owned()));
    }
    let posted: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = app.provider_post(&heron, "/provider/self-assessments", &posted).await;
    assert_eq!(saved.status(), 303);
    let page = saved.headers()["location"].to_str().unwrap().split('?').next().unwrap().to_owned();
    let html = app.get_as(Some(&heron.cookie), &page).await.text().await.unwrap();
    assert!(html.contains("Life stories in every room") && html.contains("Share with the quality team"));

    // The unit sees it only once shared; another home never.
    let service_page = format!("/triage/services/{HERON}");
    assert!(app.get_as(Some(&jo.cookie), &service_page).await.text().await.unwrap().contains("The home has not shared a self-assessment."));
    assert_eq!(app.get_as(Some(&other.cookie), &page).await.status(), 404);
    assert_eq!(app.provider_post(&other, &format!("{page}/share"), &[]).await.status(), 404);
    assert_eq!(app.provider_post(&heron, &format!("{page}/share"), &[]).await.status(), 303);
    let shown = app.get_as(Some(&jo.cookie), &service_page).await.text().await.unwrap();
    assert!(shown.contains("data-testid=\"shared-self-assessment\""), "the unit sees the shared one");
    let list = app.get_as(Some(&heron.cookie), "/provider/self-assessments").await.text().await.unwrap();
    assert_eq!(list.matches("data-testid=\"self-assessment\"").count(), 1, "its earlier ones");
}
