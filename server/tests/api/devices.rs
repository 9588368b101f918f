use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_professional_enrols_with_their_organisations_code_and_gets_a_token() {
    let app = spawn_app().await;
    let code = app.add_organisation("Puddlecombe Surgery").await;
    // People type codes in lower case, with spaces instead of dashes.
    let typed = code.to_lowercase().replace('-', " ");
    let response = app.enrol("Dr A Example", "gp", &typed).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["organisation"], "Puddlecombe Surgery");
    let token = body["token"].as_str().unwrap();
    assert_eq!(token.len(), 43);

    let stored: String = app.sql_value("SELECT token_hash FROM devices").await;
    assert_ne!(stored, token, "only the hash is stored");
    assert_eq!(stored, server::credentials::hash_secret(token));
}

#[tokio::test]
async fn a_wrong_access_code_is_refused_on_that_field() {
    let app = spawn_app().await;
    app.add_organisation("Puddlecombe Surgery").await;
    let response = app.enrol("Dr A Example", "gp", "AAAA-BBBB-CCCC").await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "access_code");
    assert_eq!(body["fields"][0]["message"], "Enter the access code your organisation gave you");
}

#[tokio::test]
async fn every_missing_enrolment_field_is_reported() {
    let app = spawn_app().await;
    let response = app.enrol(" ", "wizard", "").await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "role", "access_code"]);
}

#[tokio::test]
async fn two_organisations_cannot_share_a_name() {
    let app = spawn_app().await;
    app.add_organisation("Puddlecombe Surgery").await;
    let name = app::domain::device::OrganisationName::parse("puddlecombe surgery").unwrap();
    let err = app.store.add_organisation(&name, "another-hash").await.unwrap_err();
    assert!(matches!(err, server::store::StoreError::Conflict(_)), "{err:?}");
}
