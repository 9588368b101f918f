use app::domain::register::{CqcRating, RegisterQuery};
use server::register::import;

use crate::helpers::{spawn_app, spawn_app_with_demo_register};

#[tokio::test]
async fn the_register_page_is_server_rendered_with_the_demo_register() {
    let app = spawn_app_with_demo_register().await;
    let html = app.get_html("/").await;
    assert!(html.contains("109 services in the register"), "{html}");
    // The results are in the HTML itself, not streamed in by a script later,
    // so a phone whose JavaScript fails still sees them.
    assert!(!html.contains("Loading the register"), "{html}");
    assert!(html.contains("Bluebell House"));
    assert_eq!(html.matches("class=\"service-card\"").count(), 50);
    assert!(html.contains("Showing the first 50"));
}

#[tokio::test]
async fn the_page_searches_by_the_query_string_without_javascript() {
    let app = spawn_app_with_demo_register().await;
    let html = app.get_html("/?q=Gullhaven").await;
    let expected = app.search_register_ok("Gullhaven").await.total_matching;
    assert!(expected > 1);
    assert!(html.contains(&format!("{expected} services match “Gullhaven”")), "{html}");
}

#[tokio::test]
async fn search_matches_name_or_town_ignoring_case() {
    let app = spawn_app_with_demo_register().await;
    let by_name = app.search_register_ok("HERON").await;
    let names: Vec<_> = by_name.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Heron Court", "Heron House", "Heron Lodge", "Heron Manor"]);
    assert_eq!(by_name.total_in_register, 109);

    let by_town = app.search_register_ok("saltmarsh").await;
    assert!(by_town.total_matching > 0);
    assert!(by_town.services.iter().all(|s| s.town.as_str() == "Saltmarsh Quay"));
}

#[tokio::test]
async fn search_wildcards_are_taken_literally() {
    let app = spawn_app_with_demo_register().await;
    assert_eq!(app.search_register_ok("%").await.total_matching, 0);
    assert_eq!(app.search_register_ok("_").await.total_matching, 0);
}

#[tokio::test]
async fn an_empty_search_lists_the_first_fifty_by_name() {
    let app = spawn_app_with_demo_register().await;
    let page = app.search_register_ok("").await;
    assert_eq!(page.total_matching, 109);
    assert_eq!(page.services.len(), 50);
    let names: Vec<_> = page.services.iter().map(|s| s.name.as_str().to_lowercase()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

#[tokio::test]
async fn hostile_search_text_is_escaped_in_the_page() {
    let app = spawn_app_with_demo_register().await;
    let html = app.get_html("/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[tokio::test]
async fn a_search_without_its_field_lists_the_whole_register() {
    let app = spawn_app_with_demo_register().await;
    let response = app
        .client
        .post(format!("{}/api/v1/register/search", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let page: app::domain::register::RegisterPage = response.json().await.unwrap();
    assert_eq!(page.total_matching, 109);
}

#[tokio::test]
async fn importing_the_same_file_twice_changes_nothing_the_second_time() {
    let app = spawn_app().await;
    let text = "location_id,name,kind,town,overall,safe,effective,caring,responsive,well_led,rated_on\n\
                1-500,Oak House,residential_home,Puddlecombe,good,good,good,good,good,requires_improvement,2024-05-01\n\
                1-501,Ash Care,home_care,Nettlebury,,,,,,,\n";
    let first = import::import(app.store.as_ref(), text.as_bytes()).await.unwrap();
    assert_eq!((first.added, first.updated, first.unchanged), (2, 0, 0));
    let second = import::import(app.store.as_ref(), text.as_bytes()).await.unwrap();
    assert_eq!((second.added, second.updated, second.unchanged), (0, 0, 2));

    let changed = text.replace("requires_improvement", "good");
    let third = import::import(app.store.as_ref(), changed.as_bytes()).await.unwrap();
    assert_eq!((third.added, third.updated, third.unchanged), (0, 1, 1));
    let oak = app.store.search_register(&RegisterQuery::new("Oak House"), 10).await.unwrap();
    assert_eq!(oak.services[0].ratings.well_led, Some(CqcRating::Good));
}

#[tokio::test]
async fn a_file_with_a_bad_row_imports_nothing_and_keeps_what_was_there() {
    let app = spawn_app_with_demo_register().await;
    let text = "location_id,name,kind,town,overall,safe,effective,caring,responsive,well_led,rated_on\n\
                1-000000001,Renamed House,residential_home,Puddlecombe,,,,,,,\n\
                1-600,New House,castle,Puddlecombe,,,,,,,\n";
    let err = import::import(app.store.as_ref(), text.as_bytes()).await.unwrap_err();
    let message = err.to_string();
    assert!(message.contains("1 bad row; nothing was imported"), "{message}");
    assert!(message.contains("line 3: kind:"), "{message}");
    assert_eq!(app.store.register_size().await.unwrap(), 109);
    let first = app.store.search_register(&RegisterQuery::new("Renamed"), 10).await.unwrap();
    assert_eq!(first.total_matching, 0);
}

#[tokio::test]
async fn a_service_is_found_by_its_exact_location_id_only() {
    let app = spawn_app_with_demo_register().await;
    let id = |raw: &str| app::domain::register::CqcLocationId::parse(raw).unwrap();
    let found = app.store.service(&id("1-000000003")).await.unwrap().expect("found");
    assert_eq!(found.name.as_str(), "Heron House");
    assert!(app.store.service(&id("1-00000000")).await.unwrap().is_none(), "no prefix match");
    assert!(app.store.service(&id("1-999999999")).await.unwrap().is_none());
}
