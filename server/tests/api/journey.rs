//! The server-rendered journey's form posts: each saves and redirects (303).

use reqwest::{header, StatusCode};

use crate::helpers::{spawn_app_with_demo_register, TestApp};

impl TestApp {
    /// Posts a form as a browser without JavaScript does, with the device cookie if given.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)], cookie: Option<&str>) -> reqwest::Response {
        let mut request = self.client.post(format!("{}{path}", self.address)).form(fields);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        request.send().await.expect("request is sent")
    }

    /// Enrols through the enrolment page; returns the cookie to send back.
    pub async fn enrol_by_form(&self) -> String {
        let code = self.add_organisation("Nettlebury Practice").await;
        let response = self.post_form("/enrol", &[("name", "Nurse B"), ("role", "district_nurse"), ("access_code", &code)], None).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
        cookie.split(';').next().unwrap().to_owned()
    }
}

fn location(response: &reqwest::Response) -> &str {
    response.headers()[header::LOCATION].to_str().unwrap()
}

#[tokio::test]
async fn enrolling_by_form_sets_an_httponly_strict_cookie() {
    let app = spawn_app_with_demo_register().await;
    let code = app.add_organisation("Nettlebury Practice").await;
    let response = app.post_form("/enrol", &[("name", "Nurse B"), ("role", "district_nurse"), ("access_code", &code)], None).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/feedback");
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("chf_device="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie} has {attribute}");
    }
    // Beside it, a marker the offline app reads, which holds nothing but "enrolled".
    let cookies: Vec<&str> = response.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap()).collect();
    let marker = cookies.iter().find(|c| c.starts_with("chf_enrolled=")).expect("the enrolled marker is set");
    assert!(marker.starts_with("chf_enrolled=1;") && !marker.contains("HttpOnly") && marker.contains("SameSite=Strict"), "{marker}");
}

#[tokio::test]
async fn a_wrong_code_sends_the_person_back_without_echoing_the_code() {
    let app = spawn_app_with_demo_register().await;
    let response =
        app.post_form("/enrol", &[("name", "Nurse B"), ("role", "district_nurse"), ("access_code", "WXYZ-WXYZ-WXYZ")], None).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = location(&response);
    assert!(to.starts_with("/enrol?"), "{to}");
    assert!(to.contains("problems=access_code"), "{to}");
    assert!(to.contains("name=Nurse+B"), "{to}");
    assert!(!to.contains("WXYZ"), "{to}");
}

#[tokio::test]
async fn a_page_posted_without_an_enrolled_device_goes_to_enrolment() {
    let app = spawn_app_with_demo_register().await;
    let response = app.post_form("/feedback/appearance", &[("appearance", "good")], None).await;
    assert_eq!(location(&response), "/enrol");
}

#[tokio::test]
async fn a_good_answer_moves_on_and_a_missing_one_comes_back_with_its_problem() {
    let app = spawn_app_with_demo_register().await;
    let cookie = app.enrol_by_form().await;
    let missing = app.post_form("/feedback/appearance", &[], Some(&cookie)).await;
    assert_eq!(location(&missing), "/feedback/appearance");
    let page = app.client.get(format!("{}/feedback/appearance", app.address)).header(header::COOKIE, &cookie).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains("There is a problem"));
    assert!(html.contains("Select how the residents appeared"));

    let good = app.post_form("/feedback/appearance", &[("appearance", "good")], Some(&cookie)).await;
    assert_eq!(location(&good), "/feedback/environment");
    let back_to_check = app.post_form("/feedback/appearance?return=check", &[("appearance", "good")], Some(&cookie)).await;
    assert_eq!(location(&back_to_check), "/feedback/check");
}

#[tokio::test]
async fn role_and_organisation_come_from_enrolment() {
    let app = spawn_app_with_demo_register().await;
    let cookie = app.enrol_by_form().await;
    let page = app.client.get(format!("{}/feedback/you", app.address)).header(header::COOKIE, &cookie).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains("value=\"Nettlebury Practice\""), "organisation prefilled");
    assert!(html.contains("value=\"district_nurse\" checked"), "role prefilled");
}

#[tokio::test]
async fn sending_an_unfinished_form_goes_to_its_first_unanswered_page() {
    let app = spawn_app_with_demo_register().await;
    let cookie = app.enrol_by_form().await;
    app.post_form("/feedback/service", &[("service", "1-000000001")], Some(&cookie)).await;
    let response = app.post_form("/feedback/check", &[], Some(&cookie)).await;
    assert_eq!(location(&response), "/feedback/visit?return=check");
}

#[tokio::test]
async fn sending_twice_makes_one_observation() {
    let app = spawn_app_with_demo_register().await;
    let cookie = app.enrol_by_form().await;
    let today = chrono::Utc::now().date_naive().to_string();
    let pages: [(&str, &[(&str, &str)]); 10] = [
        ("service", &[("service", "1-000000001")]),
        ("visit", &[("visit_date", today.as_str()), ("visit_time", "evening")]),
        ("you", &[("role", "district_nurse"), ("organisation", "Nettlebury Practice")]),
        ("appearance", &[("appearance", "good")]),
        ("environment", &[("environment", "good")]),
        ("interaction", &[("interaction", "good")]),
        ("staffing", &[("staffing", "some_concerns"), ("staffing_comment", "Bells unanswered")]),
        ("risk", &[("risk_of_harm", "no")]),
        ("shared", &[("shared_with_staff", "no"), ("not_shared_reason", "Nobody senior on duty")]),
        ("contact", &[("contact_by", "no")]),
    ];
    for (slug, fields) in pages {
        let response = app.post_form(&format!("/feedback/{slug}"), fields, Some(&cookie)).await;
        assert_ne!(location(&response), format!("/feedback/{slug}"), "{slug} was accepted");
    }
    let sent = app.post_form("/feedback/check", &[], Some(&cookie)).await;
    let to = location(&sent).to_owned();
    assert!(to.starts_with("/feedback/sent/"), "{to}");
    let again = app.post_form("/feedback/check", &[], Some(&cookie)).await;
    assert!(!location(&again).starts_with("/feedback/sent/"), "a second send starts a new draft, sending nothing");

    let id = to.trim_start_matches("/feedback/sent/").parse().unwrap();
    let stored = app.store.submission(id).await.unwrap().expect("stored");
    assert_eq!(stored.receipt.severity_reason, "Some concerns: staffing");
    let count: i64 = app.sql_value("SELECT COUNT(*) FROM submissions").await;
    assert_eq!(count, 1);
}

#[tokio::test]
async fn the_visit_date_comes_as_three_boxes_and_a_date_that_is_not_real_comes_back_as_typed() {
    let app = spawn_app_with_demo_register().await;
    let cookie = app.enrol_by_form().await;
    let page = app.client.get(format!("{}/feedback/visit", app.address)).header(header::COOKIE, &cookie).send().await.unwrap();
    let html = page.text().await.unwrap();
    for name in ["visit_date-day", "visit_date-month", "visit_date-year"] {
        assert!(html.contains(&format!("name=\"{name}\"")), "{name} is a box of its own");
    }
    assert!(!html.contains("type=\"date\""), "no native date picker (US order in some browsers)");

    let not_real = [("visit_date-day", "31"), ("visit_date-month", "2"), ("visit_date-year", "2026"), ("visit_time", "morning")];
    let response = app.post_form("/feedback/visit", &not_real, Some(&cookie)).await;
    assert_eq!(location(&response), "/feedback/visit");
    let page = app.client.get(format!("{}/feedback/visit", app.address)).header(header::COOKIE, &cookie).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains("Enter a real date, with day, month and year"), "the problem is named");
    assert!(html.contains("href=\"#visit_date\""), "the error summary links to the day box");
    assert!(html.contains("value=\"31\"") && html.contains("value=\"2\""), "what was typed is shown back");

    let today = chrono::Utc::now().date_naive();
    let (day, month, year) = (today.format("%-d").to_string(), today.format("%-m").to_string(), today.format("%Y").to_string());
    let real = [
        ("visit_date-day", day.as_str()),
        ("visit_date-month", month.as_str()),
        ("visit_date-year", year.as_str()),
        ("visit_time", "morning"),
    ];
    let response = app.post_form("/feedback/visit", &real, Some(&cookie)).await;
    assert_ne!(location(&response), "/feedback/visit", "a real date moves on");
}
