//! The triage JSON API: its OpenAPI document matches the routes, who may call
//! it, filters, the workflow through JSON with CSRF and versions, and a
//! service's picture.

use app::domain::accounts::Role;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::{
    helpers::{spawn_app, TestApp},
    triage::{serious_staffing, Staff},
};

impl TestApp {
    async fn api_get(&self, cookie: Option<&str>, path: &str) -> (u16, Value) {
        let response = self.get_as(cookie, path).await;
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn api_step(&self, staff: &Staff, id: Uuid, body: &Value) -> (u16, Value) {
        self.api_post(staff, &format!("/api/v1/triage/observations/{id}/steps"), body).await
    }

    /// A JSON post as `staff`, with the session's CSRF token.
    pub async fn api_post(&self, staff: &Staff, path: &str, body: &Value) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.address))
            .header("cookie", &staff.cookie)
            .header("x-csrf-token", &staff.csrf)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// The documented paths with their methods, as "METHOD /path".
fn documented(doc: &Value) -> Vec<String> {
    let mut routes: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |method| format!("{} {path}", method.to_uppercase())))
        .collect();
    routes.sort();
    routes
}

#[tokio::test]
async fn the_openapi_document_describes_every_route_and_each_one_answers() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let id = app.observation_with(&token, &serious_staffing()).await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;

    let (status, doc) = app.api_get(None, "/api/v1/openapi.json").await;
    assert_eq!(status, 200, "the document itself is public: it holds no data");
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(doc["info"]["version"], "1");
    assert_eq!(doc["components"]["securitySchemes"]["session"]["in"], "cookie");
    assert_eq!(
        documented(&doc),
        [
            "DELETE /api/v1/devices/me",
            "GET /api/v1/devices/me",
            "GET /api/v1/devices/me/news",
            "GET /api/v1/forms",
            "GET /api/v1/triage/concerns",
            "GET /api/v1/triage/concerns/{id}",
            "GET /api/v1/triage/me",
            "GET /api/v1/triage/observations",
            "GET /api/v1/triage/observations/{id}",
            "GET /api/v1/triage/officers",
            "GET /api/v1/triage/services/{id}",
            "POST /api/v1/devices",
            "POST /api/v1/forms",
            "POST /api/v1/submissions",
            "POST /api/v1/sync",
            "POST /api/v1/triage/concerns",
            "POST /api/v1/triage/concerns/{id}/observations",
            "POST /api/v1/triage/concerns/{id}/steps",
            "POST /api/v1/triage/observations/{id}/steps",
        ]
    );
    assert_eq!(doc["components"]["securitySchemes"]["device"]["scheme"], "bearer");
    for schema in ["SubmissionRequest", "SyncBatch", "SyncReply", "ItemOutcome", "Receipt", "EnrolmentRequest", "DeviceProfile"] {
        assert!(schemas_of(&doc).contains_key(schema), "{schema} is documented");
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    assert_eq!(schemas["Severity"]["enum"], json!(["green", "amber", "red"]));
    assert!(schemas["Outcome"]["enum"].as_array().unwrap().contains(&json!("referred_to_cqc")));
    let filters: Vec<&str> = doc["paths"]["/api/v1/triage/observations"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(filters, ["severity", "status", "service", "area", "role", "q", "from", "to", "mine", "page"]);

    // Each documented GET answers a commissioner with JSON; each POST is reachable.
    let (status, concern) = app.api_post(&jo, "/api/v1/triage/concerns", &json!({"observation": id, "title": "Staffing"})).await;
    assert_eq!(status, 201, "{concern}");
    let concern = concern["id"].as_i64().unwrap().to_string();
    for route in documented(&doc) {
        let (method, path) = route.split_once(' ').unwrap();
        if method == "DELETE" {
            // Leaving ends the device's enrolment: tried last, below.
            continue;
        }
        let path = path
            .replace("/observations/{id}", &format!("/observations/{id}"))
            .replace("/concerns/{id}", &format!("/concerns/{concern}"))
            .replace("{id}", "1-000000001");
        if path.starts_with("/api/v1/devices") || path == "/api/v1/submissions" || path == "/api/v1/sync" {
            let response = match method {
                "GET" => app.client.get(format!("{}{path}", app.address)).bearer_auth(&token).send().await.unwrap(),
                _ => app.post_json(&path, &json!({}), Some(&token)).await,
            };
            let expected = if method == "GET" { 200 } else { 400 };
            assert_eq!(response.status(), expected, "{route} answers (an empty body is a clear 400)");
        } else if method == "GET" {
            let (status, body) = app.api_get(Some(&jo.cookie), &path).await;
            assert_eq!(status, 200, "{route}");
            assert!(body.is_object() || body.is_array(), "{route}");
        } else if path.starts_with("/api/v1/triage/concerns") {
            let another = app.observation_with(&token, &serious_staffing()).await;
            let (body, expected) = match path.rsplit('/').next().unwrap() {
                "concerns" => (json!({"observation": another, "title": "Night staffing"}), 201),
                "observations" => (json!({"observation": another}), 200),
                _ => {
                    let (_, current) = app.api_get(Some(&jo.cookie), &format!("/api/v1/triage/concerns/{concern}")).await;
                    (json!({"version": current["version"], "step": "note", "note": "Documented"}), 200)
                }
            };
            let (status, answer) = app.api_post(&jo, &path, &body).await;
            assert_eq!(status, expected, "{route}: {answer}");
        } else if path == "/api/v1/forms" {
            assert_eq!(app.get_as(Some(&jo.cookie), &path).await.status(), 200, "{route}");
        } else {
            let (status, _) = app.api_step(&jo, id, &json!({ "version": 0, "step": "note", "note": "Documented" })).await;
            assert_eq!(status, 200, "{route}");
        }
    }
    let left = app.client.delete(format!("{}/api/v1/devices/me", app.address)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(left.status(), 204, "DELETE /api/v1/devices/me answers");
}

fn schemas_of(doc: &serde_json::Value) -> &serde_json::Map<String, serde_json::Value> {
    doc["components"]["schemas"].as_object().unwrap()
}

#[tokio::test]
async fn only_commissioners_and_admins_may_call_the_api() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let id = app.observation_with(&token, &serious_staffing()).await;
    let commissioner = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let admin = app.staff("ada@example.org", "Ada", Role::Admin).await;
    let paths = [
        "/api/v1/triage/me".to_owned(),
        "/api/v1/triage/officers".to_owned(),
        "/api/v1/triage/observations".to_owned(),
        format!("/api/v1/triage/observations/{id}"),
        "/api/v1/triage/services/1-000000001".to_owned(),
    ];
    let device_cookie = format!("chf_device={token}");
    for cookie in [None, Some(device_cookie.as_str())] {
        for path in &paths {
            let (status, body) = app.api_get(cookie, path).await;
            assert_eq!(status, 401, "GET {path} as {cookie:?}");
            assert_eq!(body["error"], "Log in to see this.");
        }
        let bearer = app.client.get(format!("{}{}", app.address, paths[2])).bearer_auth(&token).send().await.unwrap();
        assert_eq!(bearer.status(), 401, "a device token gives no access");
        let mut step = app.client.post(format!("{}/api/v1/triage/observations/{id}/steps", app.address));
        if let Some(cookie) = cookie {
            step = step.header("cookie", cookie);
        }
        let response = step.json(&json!({ "version": 0, "step": "note", "note": "x" })).send().await.unwrap();
        assert_eq!(response.status(), 401);
    }
    for staff in [&commissioner, &admin] {
        for path in &paths {
            assert_eq!(app.api_get(Some(&staff.cookie), path).await.0, 200, "GET {path}");
        }
    }
    let (_, me) = app.api_get(Some(&admin.cookie), "/api/v1/triage/me").await;
    assert_eq!((me["name"].as_str(), me["role"].as_str()), (Some("Ada"), Some("admin")));
    assert_eq!(me["csrf_token"], admin.csrf.as_str());
    assert!(app.store.observation(id).await.unwrap().unwrap().events.is_empty());
}

#[tokio::test]
async fn the_api_lists_the_inbox_with_the_pages_filters_and_names_bad_ones() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let red = app.observation_with(&token, &serious_staffing()).await;
    let amber = app.observation_with(&token, &[("environment", json!("some_concerns"))]).await;
    let green = app.observation_with(&token, &[]).await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;

    let ids =
        |body: &Value| -> Vec<String> { body["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect() };
    let (status, all) = app.api_get(Some(&jo.cookie), "/api/v1/triage/observations").await;
    assert_eq!(status, 200);
    assert_eq!(ids(&all), [red.to_string(), amber.to_string(), green.to_string()], "red, amber, green");
    assert_eq!((all["total"].as_u64(), all["page"].as_u64(), all["per_page"].as_u64()), (Some(3), Some(1), Some(25)));
    let first = &all["items"][0];
    assert_eq!(first["severity"], "red");
    assert_eq!(first["status"], "new");
    assert_eq!(first["severity_reason"], "Serious concerns: staffing");
    assert_eq!(first["overdue"], false);
    assert!(first["assigned_to"].is_null());

    let (_, concerns) = app.api_get(Some(&jo.cookie), "/api/v1/triage/observations?area=environment").await;
    assert_eq!(ids(&concerns), [amber.to_string()]);
    let (_, reds) = app.api_get(Some(&jo.cookie), "/api/v1/triage/observations?severity=red&severity=amber").await;
    assert_eq!(reds["total"], 2);

    let (status, bad) = app.api_get(Some(&jo.cookie), "/api/v1/triage/observations?severity=purple&area=roof&to=soon").await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = bad["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["severity", "area", "to"]);

    let (status, missing) = app.api_get(Some(&jo.cookie), &format!("/api/v1/triage/observations/{}", Uuid::new_v4())).await;
    assert_eq!(status, 404);
    assert_eq!(missing["error"], "There is no observation with this id.");
    assert_eq!(app.api_get(Some(&jo.cookie), "/api/v1/triage/observations/not-a-uuid").await.0, 404);
}

#[tokio::test]
async fn an_observation_is_worked_from_new_to_closed_through_the_api() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let id = app.observation_with(&token, &serious_staffing()).await;
    let jo = app.staff("jo@example.org", "Jo Commissioner", Role::Commissioner).await;
    let (_, officers) = app.api_get(Some(&jo.cookie), "/api/v1/triage/officers").await;
    assert_eq!(officers, json!([{ "id": jo.id, "name": "Jo Commissioner" }]));

    let steps = [
        json!({ "version": 0, "step": "assign", "officer": jo.id }),
        json!({ "version": 1, "step": "note", "note": "<script>alert(1)</script> phoned the manager" }),
        json!({ "version": 2, "step": "outcome", "outcome": "safeguarding_referral" }),
        json!({ "version": 3, "step": "close" }),
    ];
    let mut last = Value::Null;
    for body in &steps {
        let (status, taken) = app.api_step(&jo, id, body).await;
        assert_eq!(status, 200, "{body}: {taken}");
        last = taken;
    }
    assert_eq!(last, json!({ "version": 4, "status": "closed" }));

    let (_, detail) = app.api_get(Some(&jo.cookie), &format!("/api/v1/triage/observations/{id}")).await;
    assert_eq!(detail["status"], "closed");
    assert_eq!(detail["version"], 4);
    assert_eq!(detail["outcome"], "safeguarding_referral");
    assert_eq!(detail["assigned_to"]["name"], "Jo Commissioner");
    assert_eq!(detail["visitor"]["name"], "Dr Test");
    assert_eq!(detail["form_id"], "professional-feedback");
    let actions: Vec<&str> = detail["timeline"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["acknowledged", "note", "outcome", "closed"]);
    assert_eq!(detail["timeline"][1]["note"], "<script>alert(1)</script> phoned the manager", "JSON carries text as it was typed");
    let staffing = detail["answers"].as_array().unwrap().iter().find(|a| a["question"].as_str().unwrap().contains("staffing")).unwrap();
    assert!(staffing["answer"].as_str().unwrap().contains("Only one carer"), "{staffing}");
}

#[tokio::test]
async fn api_steps_without_csrf_on_a_stale_version_or_incomplete_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let id = app.observation_with(&token, &serious_staffing()).await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let path = format!("{}/api/v1/triage/observations/{id}/steps", app.address);

    let no_csrf = app
        .client
        .post(&path)
        .header("cookie", &jo.cookie)
        .json(&json!({ "version": 0, "step": "note", "note": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(no_csrf.status(), 403);
    let cross_site = app
        .client
        .post(&path)
        .header("cookie", &jo.cookie)
        .header("x-csrf-token", &jo.csrf)
        .header("sec-fetch-site", "cross-site")
        .json(&json!({ "version": 0, "step": "note", "note": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);

    let cases = [
        (json!({ "version": 7, "step": "note", "note": "x" }), 409, None),
        (json!({ "version": 0, "step": "close" }), 409, None),
        (json!({ "version": 0, "step": "note", "note": "  " }), 422, Some("note")),
        (json!({ "version": 0, "step": "note", "note": "x".repeat(2001) }), 422, Some("note")),
        (json!({ "version": 0, "step": "assign", "officer": 999 }), 422, Some("officer")),
        (json!({ "version": 0, "step": "outcome" }), 422, Some("outcome")),
        (json!({ "version": 0, "step": "delete" }), 400, None),
        (json!({ "version": 0, "step": "outcome", "outcome": "prison" }), 400, None),
        (json!({ "step": "note", "note": "x" }), 400, None),
    ];
    for (body, want, field) in cases {
        let (status, error) = app.api_step(&jo, id, &body).await;
        assert_eq!(status, want, "{body}: {error}");
        assert!(error["error"].as_str().is_some_and(|e| !e.is_empty()), "{body}: a message");
        if let Some(field) = field {
            assert_eq!(error["fields"][0]["field"], field, "{body}");
        }
    }
    let malformed = app
        .client
        .post(&path)
        .header("cookie", &jo.cookie)
        .header("x-csrf-token", &jo.csrf)
        .header("content-type", "application/json")
        .body("{\"version\": 0,")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let form = app
        .client
        .post(&path)
        .header("cookie", &jo.cookie)
        .header("x-csrf-token", &jo.csrf)
        .form(&[("step", "note")])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 415);

    let observation = app.store.observation(id).await.unwrap().unwrap();
    assert!(observation.events.is_empty());
    assert_eq!(observation.version, 0);
}

#[tokio::test]
async fn a_services_picture_comes_as_json_with_its_counts_flag_and_areas() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    app.observation_with(&token, &serious_staffing()).await;
    app.observation_with(&token, &[("environment", json!("some_concerns"))]).await;
    app.observation_with(&token, &[]).await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;

    let (status, picture) = app.api_get(Some(&jo.cookie), "/api/v1/triage/services/1-000000001").await;
    assert_eq!(status, 200);
    assert_eq!(
        (picture["red"].as_u64(), picture["amber"].as_u64(), picture["green"].as_u64(), picture["open"].as_u64()),
        (Some(1), Some(1), Some(1), Some(3))
    );
    assert_eq!(picture["pattern"], "2 amber or red observations in the last 28 days");
    let staffing: Vec<(&str, u64)> = picture["areas"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["area"] == "staffing")
        .map(|a| (a["rating"].as_str().unwrap(), a["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(staffing, [("good", 2), ("serious_concerns", 1)]);
    assert_eq!(picture["recent"].as_array().unwrap().len(), 3);
    assert_eq!(picture["checklists"], json!([]), "feedback forms have no checklist summary");

    let (status, unknown) = app.api_get(Some(&jo.cookie), "/api/v1/triage/services/1-999999999").await;
    assert_eq!(status, 404);
    assert!(unknown["error"].as_str().unwrap().contains("no service"));
}
