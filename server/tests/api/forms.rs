//! Versioned form definitions: an admin publishes a new version, every problem
//! of a bad one is reported at its place, and a draft filled in on the old
//! version is still accepted, and validated by that version, after publication.

use app::domain::{accounts::Role, forms};
use serde_json::{json, Value};

use crate::{
    helpers::{feedback, spawn_app, TestApp},
    triage::Staff,
};

impl TestApp {
    pub async fn publish(&self, staff: Option<&Staff>, definition: &str) -> (u16, Value) {
        let mut request = self
            .client
            .post(format!("{}/api/v1/forms", self.address))
            .header("content-type", "application/json")
            .body(definition.to_owned());
        if let Some(staff) = staff {
            request = request.header("cookie", &staff.cookie).header("x-csrf-token", &staff.csrf);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn known_versions(&self, form_id: &str) -> Vec<u64> {
        let body: Value = self.get("/api/v1/forms").await.json().await.unwrap();
        body["definitions"].as_array().unwrap().iter().filter(|d| d["id"] == form_id).map(|d| d["version"].as_u64().unwrap()).collect()
    }
}

/// The feedback form under a form id of its own, so that tests running at
/// once in this process never see each other's versions.
pub fn own_form(version: u32) -> (String, Value) {
    let id = format!("test-{}", uuid::Uuid::new_v4().simple());
    let mut definition = serde_json::to_value(forms::find(forms::PROFESSIONAL_FEEDBACK, 1).unwrap()).unwrap();
    definition["id"] = json!(id);
    definition["version"] = json!(version);
    (id, definition)
}

/// Version 2 asks one more required question, on a page of its own.
fn with_staff_count_question(mut definition: Value) -> Value {
    definition["version"] = json!(2);
    definition["pages"].as_array_mut().unwrap().push(json!({
        "slug": "staff-count",
        "title": "How many staff were on shift?",
        "questions": [{
            "id": "staff_count", "label": "How many staff were on shift?", "short_label": "staff on shift",
            "kind": { "type": "text", "max_chars": 20 },
            "required": true, "required_message": "Enter how many staff were on shift"
        }]
    }));
    definition
}

pub fn submission_on(form_id: &str, version: u32, extra: &[(&str, Value)]) -> Value {
    let mut body = feedback(extra);
    body["form_id"] = json!(form_id);
    body["form_version"] = json!(version);
    body
}

#[tokio::test]
async fn an_admin_publishes_a_new_version_and_a_draft_on_the_old_one_is_still_accepted() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let ada = app.staff("ada@example.org", "Ada Admin", Role::Admin).await;
    assert_eq!(app.known_versions(forms::PROFESSIONAL_FEEDBACK).await, [1, 2, 3], "the built-in versions are served");

    let (id, v1) = own_form(1);
    assert_eq!(app.publish(Some(&ada), &v1.to_string()).await, (201, json!({ "form_id": id, "version": 1 })));
    let pretty = serde_json::to_string_pretty(&v1).unwrap();
    assert_eq!(app.publish(Some(&ada), &pretty).await.0, 200, "the same version again, however it is spaced, changes nothing");
    // A phone fills in a draft on version 1 ...
    let draft_on_v1 = submission_on(&id, 1, &[]);

    let v2 = with_staff_count_question(v1.clone());
    let (status, body) = app.publish(Some(&ada), &v2.to_string()).await;
    assert_eq!((status, body["version"].as_u64()), (201, Some(2)));
    assert_eq!(app.known_versions(&id).await, [1, 2], "phones get both at their next sync");

    // ... and sends it after version 2 was published: version 1's rules apply.
    assert_eq!(app.submit(&token, &draft_on_v1).await.status(), 201);
    let missing = app.submit(&token, &submission_on(&id, 2, &[])).await;
    assert_eq!(missing.status(), 422);
    let problems: Value = missing.json().await.unwrap();
    assert_eq!(problems["fields"][0]["field"], "staff_count");
    assert_eq!(app.submit(&token, &submission_on(&id, 2, &[("staff_count", json!("4"))])).await.status(), 201);
    let unknown: Value = app.submit(&token, &submission_on(&id, 3, &[])).await.json().await.unwrap();
    assert_eq!(unknown["fields"][0]["field"], "form_version");

    // The old submission is shown against its own version in triage.
    let received = app.store.observation(draft_on_v1["id"].as_str().unwrap().parse().unwrap()).await.unwrap().unwrap();
    assert_eq!((received.submission.form_id.as_str(), received.submission.form_version), (id.as_str(), 1));
    let stored = app.store.published_definitions().await.unwrap();
    let ours: Vec<(u32, Option<&str>)> =
        stored.iter().filter(|d| d.form_id == id).map(|d| (d.version, d.published_by.as_deref())).collect();
    assert_eq!(ours, [(1, Some("Ada Admin")), (2, Some("Ada Admin"))]);
    assert!(stored.iter().any(|d| d.form_id == forms::PROFESSIONAL_FEEDBACK && d.published_by.is_none()), "built-in, stored at start");

    // A published version never changes, even in the database.
    // (The id is the test's own, made of letters, digits and hyphens.)
    let change = app.sql(&format!("UPDATE form_definitions SET definition = '{{}}' WHERE form_id = '{id}'")).await;
    assert!(change.unwrap_err().to_string().contains("never changes"));
}

#[tokio::test]
async fn every_problem_of_a_bad_definition_is_reported_and_nothing_is_published() {
    let app = spawn_app().await;
    let ada = app.staff("ada@example.org", "Ada", Role::Admin).await;
    let (id, mut bad) = own_form(1);
    bad["pages"][1]["slug"] = bad["pages"][0]["slug"].clone();
    bad["pages"][2]["questions"][0]["label"] = json!(" ");
    bad["pages"][2]["questions"][0]["required_message"] = Value::Null;
    let (status, body) = app.publish(Some(&ada), &bad.to_string()).await;
    assert_eq!(status, 422);
    assert!(body["error"].as_str().unwrap().contains("problems"));
    let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["pages[1].slug", "pages[2].questions[0].label", "pages[2].questions[0].required_message"]);

    let (status, body) = app.publish(Some(&ada), "{\n  \"id\": \"x\",\n  \"version\": 1,\n  \"title\": \"T\",\n  \"pages\": [{]\n}").await;
    assert_eq!(status, 422);
    assert_eq!(body["fields"][0]["field"], "definition");
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("line 5"), "{body}");
    let (status, body) = app.publish(Some(&ada), &json!({ "id": id, "version": 1 }).to_string()).await;
    assert_eq!((status, body["fields"][0]["field"].as_str()), (422, Some("definition")), "missing fields are named: {body}");

    let (_, good) = own_form(1);
    let good_id = good["id"].as_str().unwrap().to_owned();
    assert_eq!(app.publish(Some(&ada), &with_staff_count_question(good.clone()).to_string()).await.0, 201);
    let (status, body) = app.publish(Some(&ada), &good.to_string()).await;
    assert_eq!((status, body["fields"][0]["field"].as_str()), (422, Some("version")), "older than the published one: {body}");
    let mut changed = with_staff_count_question(good);
    changed["title"] = json!("Changed after use");
    let (status, body) = app.publish(Some(&ada), &changed.to_string()).await;
    assert_eq!(status, 409, "{body}");
    assert!(body["error"].as_str().unwrap().contains("Publish it as a new version"));

    assert!(app.known_versions(&id).await.is_empty());
    assert_eq!(app.known_versions(&good_id).await, [2]);
}

#[tokio::test]
async fn only_admins_may_publish() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let (id, definition) = own_form(1);
    let file = definition.to_string();

    assert_eq!(app.publish(None, &file).await.0, 401);
    let device = app.client.post(format!("{}/api/v1/forms", app.address)).bearer_auth(&token).json(&definition).send().await.unwrap();
    assert_eq!(device.status(), 401);
    let (status, body) = app.publish(Some(&jo), &file).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("Only an admin can do this.")));

    let ada = app.staff("ada@example.org", "Ada", Role::Admin).await;
    let no_csrf =
        app.client.post(format!("{}/api/v1/forms", app.address)).header("cookie", &ada.cookie).json(&definition).send().await.unwrap();
    assert_eq!(no_csrf.status(), 403);
    let as_form = app
        .client
        .post(format!("{}/api/v1/forms", app.address))
        .header("cookie", &ada.cookie)
        .header("x-csrf-token", &ada.csrf)
        .form(&[("definition", file.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(as_form.status(), 415);
    assert!(app.known_versions(&id).await.is_empty());
}

#[tokio::test]
async fn a_quality_audit_arrives_in_triage_with_its_domain_ratings_and_overall() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let id = uuid::Uuid::new_v4();
    let audit = json!({
        "id": id,
        "form_id": "quality-audit",
        "form_version": 1,
        "submitted_at": chrono::Utc::now().to_rfc3339(),
        "answers": {
            "service": "1-000000001",
            "visit_date": chrono::Utc::now().date_naive().to_string(),
            "visit_type": "unannounced",
            "involvement": "good",
            "personalised_care": "excellent",
            "safeguarding": "poor",
            "safeguarding_comment": "Medicines trolley left open in the corridor",
            "staffing": "requires_improvement",
            "management": "good",
            "risk_of_harm": "no"
        }
    });
    let response = app.submit(&token, &audit).await;
    let status = response.status();
    let receipt: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "{receipt}");
    assert_eq!(receipt["severity"], "red");
    assert_eq!(receipt["severity_reason"], "Poor: safeguarding and safety; Requires improvement: staffing");

    let detail: Value = app.get_as(Some(&jo.cookie), &format!("/api/v1/triage/observations/{id}")).await.json().await.unwrap();
    assert_eq!(detail["summary"]["title"], "Domain ratings");
    assert_eq!(detail["summary"]["overall"]["value"], "Poor");
    assert_eq!(detail["summary"]["rows"].as_array().unwrap().len(), 5);
    let html = app.get_as(Some(&jo.cookie), &format!("/triage/observations/{id}")).await.text().await.unwrap();
    assert!(html.contains("Domain ratings") && html.contains("Overall (the lowest domain rating)"));
    assert!(html.contains("Medicines trolley left open in the corridor"));

    // The service's page shows each checklist's newest submission, summarised.
    let picture: Value = app.get_as(Some(&jo.cookie), "/api/v1/triage/services/1-000000001").await.json().await.unwrap();
    let checklists = picture["checklists"].as_array().unwrap();
    assert_eq!(checklists.len(), 1, "{picture}");
    assert_eq!(
        (checklists[0]["id"].as_str(), checklists[0]["summary"]["overall"]["value"].as_str()),
        (Some(id.to_string().as_str()), Some("Poor"))
    );
    let mut later = audit.clone();
    let later_id = uuid::Uuid::new_v4();
    later["id"] = json!(later_id);
    for domain in ["involvement", "personalised_care", "safeguarding", "staffing", "management"] {
        later["answers"][domain] = json!("good");
    }
    assert_eq!(app.submit(&token, &later).await.status(), 201);
    let picture: Value = app.get_as(Some(&jo.cookie), "/api/v1/triage/services/1-000000001").await.json().await.unwrap();
    let checklists = picture["checklists"].as_array().unwrap();
    assert_eq!(checklists.len(), 1);
    assert_eq!(
        (checklists[0]["id"].as_str(), checklists[0]["summary"]["overall"]["value"].as_str()),
        (Some(later_id.to_string().as_str()), Some("Good"))
    );
    let page = app.get_as(Some(&jo.cookie), "/triage/services/1-000000001").await.text().await.unwrap();
    assert!(page.contains("Latest checklists") && page.contains(&format!("/triage/observations/{later_id}")), "{page}");

    let missing = app
        .submit(
            &token,
            &json!({ "id": uuid::Uuid::new_v4(), "form_id": "quality-audit", "form_version": 1,
        "submitted_at": chrono::Utc::now().to_rfc3339(), "answers": { "service": "1-000000001" } }),
        )
        .await;
    assert_eq!(missing.status(), 422);
    let problems: Value = missing.json().await.unwrap();
    let fields: Vec<&str> = problems["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"visit_type") && fields.contains(&"staffing"), "{fields:?}");
}

/// A multipart body as a browser sends the upload form: (content type, body).
fn upload_body(csrf: &str, file: &str) -> (String, String) {
    let b = "chf-test-boundary";
    let body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"definition\"; filename=\"form.json\"\r\nContent-Type: application/json\r\n\r\n{file}\r\n--{b}--\r\n"
    );
    (format!("multipart/form-data; boundary={b}"), body)
}

impl TestApp {
    async fn upload(&self, staff: &Staff, csrf: &str, file: &str) -> reqwest::Response {
        let (content_type, body) = upload_body(csrf, file);
        self.client
            .post(format!("{}/triage/forms", self.address))
            .header("cookie", &staff.cookie)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn an_admin_uploads_a_definition_file_on_the_staff_page_and_sees_every_problem_of_a_bad_one() {
    let app = spawn_app().await;
    let ada = app.staff("ada@example.org", "Ada Admin", Role::Admin).await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    let (id, definition) = own_form(1);

    let page = app.get_as(Some(&ada.cookie), "/triage/forms").await.text().await.unwrap();
    assert!(page.contains("Quality audit") && page.contains("Built into the release"));
    assert!(page.contains("Publish a new version"));
    let uploaded = app.upload(&ada, &ada.csrf, &definition.to_string()).await;
    assert_eq!(uploaded.status(), 303);
    let location = uploaded.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/triage/forms?published="), "{location}");
    let page = app.get_as(Some(&ada.cookie), &location).await.text().await.unwrap();
    assert!(page.contains(&format!("Published {id} version 1.")));
    assert!(page.contains("Ada Admin"));

    let mut bad = with_staff_count_question(definition);
    bad["pages"][1]["slug"] = bad["pages"][0]["slug"].clone();
    bad["pages"][2]["questions"][0]["id"] = json!("Bad Id");
    let refused = app.upload(&ada, &ada.csrf, &bad.to_string()).await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("pages[1].slug: The slug service is used by an earlier page"), "{html}");
    assert!(html.contains("pages[2].questions[0].id: Give the question an id"));
    assert!(html.contains("href=\"#definition\""), "the summary links to the file field");
    assert_eq!(app.known_versions(&id).await, [1], "nothing published");

    assert_eq!(app.upload(&ada, "forged", &bad.to_string()).await.status(), 403);
    let page = app.get_as(Some(&jo.cookie), "/triage/forms").await.text().await.unwrap();
    assert!(page.contains("Quality audit") && !page.contains("Publish a new version"), "commissioners see versions, not the upload");
    let (_, v2) = own_form(1);
    assert_eq!(app.upload(&jo, &jo.csrf, &v2.to_string()).await.status(), 403);
    let anonymous = app.get_as(None, "/triage/forms").await;
    assert_eq!(anonymous.status(), 303);
}
