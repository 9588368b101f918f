//! Authorisation as one table: every route the server answers × every role,
//! each with the outcome it must get. The routes come from the server itself:
//! the axum routes read from the router's source (`server/src/http`), the
//! pages and server functions as Leptos lists them, cross-checked with the
//! OpenAPI document. A route without a row fails the test, and so does a row
//! for a route that is gone.
//!
//! Each request is the least a role can send: its credentials, a CSRF token
//! where it has one, and an empty body, so an allowed write is refused by the
//! handler's own checks (400, 409, 422) and changes nothing.

use std::{collections::BTreeSet, path::Path};

use app::{
    domain::{accounts::Role as StaffRole, providers::NewAction},
    store::NewSelfAssessment,
};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use server::credentials::hash_secret;

use crate::{
    helpers::{spawn_app, TestApp},
    triage::{serious_staffing, Staff},
};

/// Who is asking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    Device,
    RevokedDevice,
    Commissioner,
    Admin,
    /// A provider of the home the observation is about (home A).
    ProviderA,
    /// A provider of another home (home B).
    ProviderB,
}

const EVERYONE: [Who; 7] = [Who::Anonymous, Who::Device, Who::RevokedDevice, Who::Commissioner, Who::Admin, Who::ProviderA, Who::ProviderB];

/// What a role gets from a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Gets {
    /// The handler ran: a page or answer, or its own refusal of the empty body.
    In,
    /// 303 to `/login?next=…`: sent to log in.
    Login,
    /// 401.
    NotEnrolled,
    /// 403.
    Refused,
    /// 404: not there for this role.
    Missing,
}
use Gets::*;

/// Every route × role: (method, path, what each of `EVERYONE` gets).
const TABLE: &[(&str, &str, [Gets; 7])] = &[
    // Anyone: the register, the pages of the journey (which ask a phone to enrol), health, the docs.
    ("GET", "/", [In, In, In, In, In, In, In]),
    ("GET", "/healthz", [In, In, In, In, In, In, In]),
    ("GET", "/readyz", [In, In, In, In, In, In, In]),
    ("GET", "/sw.js", [In, In, In, In, In, In, In]),
    ("GET", "/api/v1/openapi.json", [In, In, In, In, In, In, In]),
    ("GET", "/api/v1/register", [In, In, In, In, In, In, In]),
    ("POST", "/api/v1/register/search", [In, In, In, In, In, In, In]),
    ("GET", "/api/v1/forms", [In, In, In, In, In, In, In]),
    ("GET", "/app", [In, In, In, In, In, In, In]),
    ("GET", "/enrol", [In, In, In, In, In, In, In]),
    ("POST", "/enrol", [In, In, In, In, In, In, In]),
    ("POST", "/api/v1/devices", [In, In, In, In, In, In, In]),
    ("GET", "/login", [In, In, In, In, In, In, In]),
    ("POST", "/login", [In, In, In, In, In, In, In]),
    ("POST", "/logout", [Login, Login, Login, In, In, In, In]),
    // The journey without JavaScript: a phone's own drafts; others are sent to enrol.
    ("GET", "/feedback", [In, In, In, In, In, In, In]),
    ("GET", "/feedback/{slug}", [In, In, In, In, In, In, In]),
    ("POST", "/feedback/{slug}", [In, In, In, In, In, In, In]),
    ("POST", "/feedback/discard", [In, In, In, In, In, In, In]),
    ("GET", "/feedback/sent/{id}", [Missing, In, Missing, Missing, Missing, Missing, Missing]),
    ("POST", "/api/v1/feedback/page", [In, In, In, In, In, In, In]),
    ("POST", "/api/v1/feedback/start", [In, In, In, In, In, In, In]),
    ("POST", "/api/v1/feedback/check", [In, In, In, In, In, In, In]),
    ("POST", "/api/v1/feedback/sent", [In, In, In, In, In, In, In]),
    // A phone's own: enrolled devices only; a withdrawn one is told so.
    ("GET", "/api/v1/devices/me", [NotEnrolled, In, Refused, NotEnrolled, NotEnrolled, NotEnrolled, NotEnrolled]),
    ("DELETE", "/api/v1/devices/me", [NotEnrolled, In, Refused, NotEnrolled, NotEnrolled, NotEnrolled, NotEnrolled]),
    ("GET", "/api/v1/devices/me/news", [NotEnrolled, In, Refused, NotEnrolled, NotEnrolled, NotEnrolled, NotEnrolled]),
    ("POST", "/api/v1/submissions", [NotEnrolled, In, Refused, NotEnrolled, NotEnrolled, NotEnrolled, NotEnrolled]),
    ("POST", "/api/v1/sync", [NotEnrolled, In, Refused, NotEnrolled, NotEnrolled, NotEnrolled, NotEnrolled]),
    // The unit's pages: staff only; a phone is sent to log in like anyone.
    ("GET", "/triage", [Login, Login, Login, In, In, Refused, Refused]),
    ("GET", "/triage/events", [Login, Login, Login, In, In, Refused, Refused]),
    ("GET", "/triage/export.csv", [Login, Login, Login, In, In, Refused, Refused]),
    ("GET", "/triage/export/answers.csv", [Login, Login, Login, In, In, Refused, Refused]),
    ("GET", "/triage/homes", [Login, Login, Login, In, In, Refused, Refused]),
    ("GET", "/triage/services", [Login, Login, Login, In, In, Refused, Refused]),
    ("GET", "/triage/services/{id}", [Login, Login, Login, In, In, Refused, Refused]),
    ("GET", "/triage/observations/{id}", [Login, Login, Login, In, In, Refused, Refused]),
    ("POST", "/triage/observations/{id}", [Login, Login, Login, In, In, Refused, Refused]),
    ("POST", "/triage/observations/{id}/concern", [Login, Login, Login, In, In, Refused, Refused]),
    ("GET", "/triage/concerns", [Login, Login, Login, In, In, Refused, Refused]),
    ("GET", "/triage/concerns/{id}", [Login, Login, Login, In, In, Refused, Refused]),
    ("POST", "/triage/concerns/{id}", [Login, Login, Login, In, In, Refused, Refused]),
    ("GET", "/triage/forms", [Login, Login, Login, In, In, Refused, Refused]),
    ("POST", "/triage/forms", [Login, Login, Login, Refused, In, Refused, Refused]),
    // The unit's JSON API: staff only; publishing forms, admins only.
    ("GET", "/api/v1/triage/me", [NotEnrolled, NotEnrolled, NotEnrolled, In, In, Refused, Refused]),
    ("GET", "/api/v1/triage/officers", [NotEnrolled, NotEnrolled, NotEnrolled, In, In, Refused, Refused]),
    ("GET", "/api/v1/triage/observations", [NotEnrolled, NotEnrolled, NotEnrolled, In, In, Refused, Refused]),
    ("GET", "/api/v1/triage/observations/{id}", [NotEnrolled, NotEnrolled, NotEnrolled, In, In, Refused, Refused]),
    ("POST", "/api/v1/triage/observations/{id}/steps", [NotEnrolled, NotEnrolled, NotEnrolled, In, In, Refused, Refused]),
    ("GET", "/api/v1/triage/services/{id}", [NotEnrolled, NotEnrolled, NotEnrolled, In, In, Refused, Refused]),
    ("GET", "/api/v1/triage/concerns", [NotEnrolled, NotEnrolled, NotEnrolled, In, In, Refused, Refused]),
    ("POST", "/api/v1/triage/concerns", [NotEnrolled, NotEnrolled, NotEnrolled, In, In, Refused, Refused]),
    ("GET", "/api/v1/triage/concerns/{id}", [NotEnrolled, NotEnrolled, NotEnrolled, In, In, Refused, Refused]),
    ("POST", "/api/v1/triage/concerns/{id}/observations", [NotEnrolled, NotEnrolled, NotEnrolled, In, In, Refused, Refused]),
    ("POST", "/api/v1/triage/concerns/{id}/steps", [NotEnrolled, NotEnrolled, NotEnrolled, In, In, Refused, Refused]),
    ("POST", "/api/v1/forms", [NotEnrolled, NotEnrolled, NotEnrolled, Refused, In, Refused, Refused]),
    // A care home's own pages: its provider only; another home's provider finds nothing there.
    ("GET", "/provider", [Login, Login, Login, Refused, Refused, In, In]),
    ("GET", "/provider/observations/{id}", [Login, Login, Login, Refused, Refused, In, Missing]),
    ("POST", "/provider/observations/{id}/replies", [Login, Login, Login, Refused, Refused, In, Missing]),
    ("POST", "/provider/observations/{id}/actions", [Login, Login, Login, Refused, Refused, In, Missing]),
    ("POST", "/provider/observations/{id}/actions/{action}/done", [Login, Login, Login, Refused, Refused, In, Missing]),
    ("GET", "/provider/self-assessments", [Login, Login, Login, Refused, Refused, In, In]),
    ("POST", "/provider/self-assessments", [Login, Login, Login, Refused, Refused, In, In]),
    ("GET", "/provider/self-assessments/new", [Login, Login, Login, Refused, Refused, In, Missing]),
    ("GET", "/provider/self-assessments/{id}", [Login, Login, Login, Refused, Refused, In, Missing]),
    ("POST", "/provider/self-assessments/{id}/share", [Login, Login, Login, Refused, Refused, In, Missing]),
];

/// The routes the server answers, read from its own parts.
fn routes() -> BTreeSet<(String, String)> {
    let mut routes = axum_routes(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http"));
    routes.extend(server::http::leptos_routes());
    routes
}

/// Every `.route("path", get(…).post(…))` in the router's source.
fn axum_routes(dir: &Path) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
        let path = entry.path();
        if path.is_dir() {
            found.extend(axum_routes(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let source = std::fs::read_to_string(&path).unwrap();
            for (route, methods) in routes_in(&source) {
                found.extend(methods.into_iter().map(|method| (method, route.clone())));
            }
        }
    }
    found
}

/// (path, methods) of each `.route(` call: the methods are the calls at the
/// top level of its second argument (`get(list).post(publish)`).
fn routes_in(source: &str) -> Vec<(String, Vec<String>)> {
    let mut routes = Vec::new();
    for (at, _) in source.match_indices(".route(\"") {
        let rest = &source[at + 8..];
        let path = rest.split('"').next().unwrap().to_owned();
        let (mut depth, mut methods, mut word) = (1, Vec::new(), String::new());
        for c in rest[path.len() + 1..].chars() {
            match c {
                '(' => {
                    if depth == 1 && ["get", "post", "put", "patch", "delete"].contains(&word.as_str()) {
                        methods.push(word.to_uppercase());
                    }
                    depth += 1;
                }
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            if c.is_ascii_alphanumeric() || c == '_' {
                word.push(c);
            } else {
                word.clear();
            }
        }
        routes.push((path, methods));
    }
    routes
}

/// The credentials and the things a route's `{id}` names.
struct World {
    device: String,
    revoked: String,
    commissioner: Staff,
    admin: Staff,
    provider_a: Staff,
    provider_b: Staff,
    action: String,
    self_assessment: String,
    observation: String,
    concern: String,
    sent: String,
}

impl World {
    async fn build(app: &TestApp) -> Self {
        let device = app.enrolled_device().await;
        let revoked = app.enrolled_device().await;
        let commissioner = app.staff("jo@example.org", "Jo", StaffRole::Commissioner).await;
        let admin = app.staff("ada@example.org", "Ada", StaffRole::Admin).await;
        let observation = app.observation_with(&device, &serious_staffing()).await;
        let provider_a = app.provider("a@home-a.example.org", &["1-000000001"]).await;
        let provider_b = app.provider("b@home-b.example.org", &["1-000000002"]).await;
        let shared = app.step(&commissioner, observation, &[("step", "share")]).await;
        assert_eq!(shared.status(), 303);
        let today = chrono::Utc::now().date_naive();
        let plan = NewAction { what: "Review the rota".into(), who: "Manager".into(), due_on: today };
        let action = app.store.add_action(observation, &plan, "Home Manager", chrono::Utc::now()).await.unwrap().to_string();
        let self_assessment = uuid::Uuid::new_v4();
        let assessment = NewSelfAssessment {
            id: self_assessment,
            service: app::domain::register::CqcLocationId::parse("1-000000001").unwrap(),
            user_id: provider_a.id,
            user_name: "Home Manager".into(),
            form_id: "my-home-life".into(),
            form_version: 1,
            answers: Default::default(),
            created_at: chrono::Utc::now(),
        };
        app.store.add_self_assessment(&assessment).await.unwrap();
        let other = app.observation_with(&revoked, &serious_staffing()).await;
        let gone = app.store.device_by_token(&hash_secret(&revoked)).await.unwrap().unwrap();
        assert!(app.store.revoke_device(gone.id).await.unwrap());
        let response = app
            .client
            .post(format!("{}/api/v1/triage/concerns", app.address))
            .header("cookie", &commissioner.cookie)
            .header("x-csrf-token", &commissioner.csrf)
            .header("origin", &app.address)
            .json(&json!({"observation": other, "title": "Staffing"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let concern = response.json::<Value>().await.unwrap()["id"].to_string();
        Self {
            device,
            revoked,
            commissioner,
            admin,
            provider_a,
            provider_b,
            action,
            self_assessment: self_assessment.to_string(),
            observation: observation.to_string(),
            concern,
            sent: observation.to_string(),
        }
    }

    /// The route with its `{id}` or `{slug}` filled in with something that exists.
    fn concrete(&self, route: &str) -> String {
        if route == "/provider/self-assessments/new" {
            return format!("{route}?service=1-000000001");
        }
        let id = if route.contains("/self-assessments/") {
            self.self_assessment.as_str()
        } else if route.contains("/concerns/") {
            self.concern.as_str()
        } else if route.contains("/services/") {
            "1-000000003"
        } else if route.starts_with("/feedback/sent/") {
            self.sent.as_str()
        } else {
            self.observation.as_str()
        };
        route.replace("{slug}", "visit").replace("{action}", &self.action).replace("{id}", id)
    }
}

/// Fresh credentials for a route that ends them (logging out, leaving the phone).
async fn fresh(app: &TestApp, who: Who, world: &World, n: usize) -> (Option<String>, Option<Staff>) {
    match who {
        Who::Anonymous => (None, None),
        Who::Device => (Some(app.enrolled_device().await), None),
        Who::RevokedDevice => (Some(world.revoked.clone()), None),
        Who::Commissioner => (None, Some(app.staff(&format!("c{n}@example.org"), "C", StaffRole::Commissioner).await)),
        Who::Admin => (None, Some(app.staff(&format!("a{n}@example.org"), "A", StaffRole::Admin).await)),
        Who::ProviderA => (None, Some(app.provider(&format!("pa{n}@example.org"), &["1-000000001"]).await)),
        Who::ProviderB => (None, Some(app.provider(&format!("pb{n}@example.org"), &["1-000000002"]).await)),
    }
}

async fn ask(app: &TestApp, method: &str, path: &str, device: Option<&str>, staff: Option<&Staff>) -> reqwest::Response {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = app.client.request(method.clone(), format!("{}{path}", app.address)).header("origin", &app.address);
    if let Some(token) = device {
        request = request.bearer_auth(token).header("cookie", format!("{}={token}", app::session::DEVICE_COOKIE));
    }
    if let Some(staff) = staff {
        request = request.header("cookie", &staff.cookie).header("x-csrf-token", &staff.csrf);
    }
    if method != Method::GET {
        let csrf = staff.map_or("", |s| s.csrf.as_str());
        request = if path.starts_with("/api/") && !path.starts_with("/api/v1/feedback/") && !path.starts_with("/api/v1/register/") {
            request.json(&json!({}))
        } else {
            request.form(&[("csrf", csrf)])
        };
    }
    request.send().await.unwrap()
}

fn outcome(status: StatusCode, location: Option<&str>) -> Result<Gets, String> {
    Ok(match status.as_u16() {
        401 => NotEnrolled,
        403 => Refused,
        404 => Missing,
        303 if location.is_some_and(|l| l.starts_with("/login?next=")) => Login,
        200..=399 | 400 | 409 | 413 | 415 | 422 => In,
        other => return Err(format!("{other}")),
    })
}

#[tokio::test]
async fn every_route_and_role_gets_what_the_table_says() {
    let app = spawn_app().await;
    let world = World::build(&app).await;

    let listed: BTreeSet<(String, String)> = TABLE.iter().map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned())).collect();
    let served = routes();
    let unlisted: Vec<_> = served.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&served).collect();
    assert!(unlisted.is_empty(), "routes with no row in the authorisation table: {unlisted:?}");
    assert!(gone.is_empty(), "rows for routes the server no longer has: {gone:?}");

    // Every path in the OpenAPI document is a route here, with its methods.
    let document: Value = app.client.get(format!("{}/api/v1/openapi.json", app.address)).send().await.unwrap().json().await.unwrap();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            assert!(listed.contains(&(method.to_uppercase(), path.clone())), "{method} {path} is documented but not in the table");
        }
    }

    let mut wrong = Vec::new();
    let mut checked = 0;
    for (n, (method, route, expected)) in TABLE.iter().enumerate() {
        let path = world.concrete(route);
        for (who, expected) in EVERYONE.into_iter().zip(expected) {
            let ends_credentials = *route == "/logout" || *method == "DELETE";
            let (device, staff) = if ends_credentials {
                fresh(&app, who, &world, n).await
            } else {
                match who {
                    Who::Anonymous => (None, None),
                    Who::Device => (Some(world.device.clone()), None),
                    Who::RevokedDevice => (Some(world.revoked.clone()), None),
                    Who::Commissioner => (None, Some(world.commissioner.clone())),
                    Who::Admin => (None, Some(world.admin.clone())),
                    Who::ProviderA => (None, Some(world.provider_a.clone())),
                    Who::ProviderB => (None, Some(world.provider_b.clone())),
                }
            };
            let response = ask(&app, method, &path, device.as_deref(), staff.as_ref()).await;
            let location = response.headers().get("location").and_then(|l| l.to_str().ok()).map(str::to_owned);
            let got = outcome(response.status(), location.as_deref());
            checked += 1;
            if got.as_ref() != Ok(expected) {
                wrong.push(format!("{method} {path} as {who:?}: expected {expected:?}, got {got:?}"));
            }
        }
    }
    println!("authorisation table: {} routes x {} roles = {checked} pairs checked", TABLE.len(), EVERYONE.len());
    assert!(wrong.is_empty(), "{} of {checked} pairs differ from the table:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn route_calls_are_read_with_all_their_methods() {
    let source = r#"Router::new().route("/a", get(|| async { "ok" }).post(b)).route("/c/{id}", delete(d))"#;
    assert_eq!(
        routes_in(source),
        [("/a".to_owned(), vec!["GET".to_owned(), "POST".to_owned()]), ("/c/{id}".to_owned(), vec!["DELETE".to_owned()])]
    );
}
