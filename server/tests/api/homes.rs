//! All homes at a glance: every service's last 90 days, riskiest first,
//! filtered and sorted in the address, and never behind the inbox.

use app::domain::{accounts::Role, forms::Severity};
use serde_json::{json, Value};

use crate::helpers::spawn_app;

fn concerns(service: &str, area: &str, rating: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("service", json!(service)),
        (if area == "staffing" { "staffing" } else { "environment" }, json!(rating)),
        (if area == "staffing" { "staffing_comment" } else { "environment_comment" }, json!("Seen on the visit")),
        ("concern_types", json!(["poor_environment"])),
    ]
}

/// The services in the table, in order.
fn services_in_order(html: &str) -> Vec<String> {
    html.split("href=\"/triage/services/").skip(1).map(|rest| rest.split('"').next().unwrap().to_owned()).collect()
}

/// A service's row as text, tags taken out.
fn row_text(html: &str, service: &str) -> String {
    let start = html.find(&format!("href=\"/triage/services/{service}\"")).unwrap_or_else(|| panic!("{service} listed"));
    let row = html[start..].split("</tr>").next().unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in row.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

#[tokio::test]
async fn all_homes_lists_every_service_riskiest_first_and_is_never_behind_the_inbox() {
    let app = spawn_app().await;
    let token = app.enrolled_device().await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    // Two ambers in four weeks flag service 5; service 9 has one red; service 2
    // had a red 100 days ago, in the 90 days before the window.
    app.observation_with(&token, &concerns("1-000000005", "environment", "some_concerns")).await;
    app.observation_with(&token, &concerns("1-000000005", "environment", "some_concerns")).await;
    app.observation_with(&token, &concerns("1-000000009", "staffing", "serious_concerns")).await;
    app.observation_received(&token, Severity::Red, 100).await;

    let response = app.get_as(Some(&jo.cookie), "/triage/homes").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("109 services, sorted by risk"), "every service in the register");
    let order = services_in_order(&html);
    assert_eq!(order.len(), 100, "a page of 100");
    assert_eq!(&order[..2], ["1-000000005", "1-000000009"], "flagged first, then most red");
    let flagged = row_text(&html, "1-000000005");
    assert!(flagged.contains("Flagged"), "{flagged}");
    assert!(flagged.contains("0 red, · 2 amber, · 0 green"), "{flagged}");
    assert!(flagged.contains("Up 2 on the 90 days before"), "{flagged}");
    assert!(flagged.contains("Some concerns"), "the environment's worst rating: {flagged}");
    let red = row_text(&html, "1-000000009");
    assert!(red.contains("Serious concerns") && red.contains("Not flagged"), "{red}");
    let older = row_text(&html, "1-000000002");
    assert!(older.contains("0 red, · 0 amber, · 0 green") && older.contains("Down 1 on the 90 days before"), "{older}");

    // A new observation shows at once: the view works out changed services before it reads.
    app.observation_with(&token, &concerns("1-000000009", "staffing", "serious_concerns")).await;
    let html = app.get_as(Some(&jo.cookie), "/triage/homes?sort=red").await.text().await.unwrap();
    assert_eq!(services_in_order(&html)[0], "1-000000009");
    assert!(row_text(&html, "1-000000009").contains("2 red, · 0 amber, · 0 green"));
    assert!(html.contains("aria-sort=\"descending\""));

    // Where nobody has looked comes first when sorted by the last observation.
    let html = app.get_as(Some(&jo.cookie), "/triage/homes?sort=last").await.text().await.unwrap();
    assert!(row_text(&html, &services_in_order(&html)[0]).contains("Never"));

    let html = app.get_as(Some(&jo.cookie), "/triage/homes?kind=home_care").await.text().await.unwrap();
    assert!(html.contains("26 services"), "the demo register's home care providers");
    assert!(services_in_order(&html).iter().all(|id| row_text(&html, id).contains("Home care")));
    let html = app.get_as(Some(&jo.cookie), "/triage/homes?town=nettle").await.text().await.unwrap();
    let towns = services_in_order(&html);
    assert!(!towns.is_empty() && towns.iter().all(|id| row_text(&html, id).contains("Nettlebury")));
    let html = app.get_as(Some(&jo.cookie), "/triage/homes?flagged=yes").await.text().await.unwrap();
    assert!(html.contains("2 services,"), "only the flagged: service 5 and, with its second red, service 9");

    // The flagged services are this view.
    let response = app.get_as(Some(&jo.cookie), "/triage/services").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/triage/homes?flagged=yes");
}

#[tokio::test]
async fn choices_the_homes_view_cannot_read_name_their_field() {
    let app = spawn_app().await;
    app.enrolled_device().await;
    let jo = app.staff("jo@example.org", "Jo", Role::Commissioner).await;
    for (query, field, message) in [
        ("sort=sideways", "sort", "Sort by one of the table"),
        ("kind=hospital", "kind", "Select a kind of service"),
        ("town=%25%25%25", "", ""),
    ] {
        let response = app.get_as(Some(&jo.cookie), &format!("/triage/homes?{query}")).await;
        let status = response.status();
        let html = response.text().await.unwrap();
        if field.is_empty() {
            // A wildcard typed is a character, not a wildcard: nothing matches, nothing breaks.
            assert_eq!(status, 200, "{query}");
            assert!(html.contains("0 services"), "{query}");
        } else {
            assert_eq!(status, 422, "{query}");
            assert!(html.contains(message) && html.contains(&format!("href=\"#{field}\"")), "{query}");
        }
    }
    let long = "x".repeat(101);
    assert_eq!(app.get_as(Some(&jo.cookie), &format!("/triage/homes?town={long}")).await.status(), 422);
    assert_eq!(app.get_as(None, "/triage/homes").await.status(), 303, "staff only");
}
