//! The OpenAPI document of the whole JSON API at `/api/v1/openapi.json`:
//! phones' devices, sync and forms, and the triage API. It is generated from
//! the handlers' annotations and their types, so it cannot drift from them.

use axum::{routing::get, Json, Router};
use utoipa::{
    openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi,
};

use super::{admin::forms, devices, error::ErrorBody, news, offline, staff, submissions, sync, triage, AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(openapi))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Care Home Feedback: devices, triage and forms API",
        version = "1",
        description = "Observations from visiting professionals, for the integrated commissioning unit. \
            Log in through `/login` to get the `chf_session` cookie; a step also needs the session's CSRF token \
            (from `/api/v1/triage/me`) in the `X-CSRF-Token` header. Errors are `{\"error\": \"...\", \
            \"fields\": [{\"field\": \"...\", \"message\": \"...\"}]}`."
    ),
    paths(
        triage::api::me, triage::api::officers, triage::api::list, triage::api::detail, triage::api::step, triage::api::service,
        triage::api::concerns::list, triage::api::concerns::start, triage::api::concerns::detail, triage::api::concerns::add,
        triage::api::concerns::step,
        forms::list, forms::publish, devices::enrol, submissions::submit, sync::sync, offline::me, offline::leave, news::news
    ),
    components(schemas(ErrorBody)),
    modifiers(&SessionCookie),
    security(("session" = [])),
    tags(
        (name = "triage", description = "The inbox, observations, the workflow and services"),
        (name = "concerns", description = "Related observations about one home, grouped and worked as one"),
        (name = "forms", description = "Versioned form definitions: phones fetch them, admins publish them"),
    )
)]
pub struct ApiDoc;

/// Declares the session cookie as the API's security scheme.
struct SessionCookie;

impl Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let cookie = ApiKey::Cookie(ApiKeyValue::with_description(staff::SESSION_COOKIE, "The staff session cookie set by POST /login"));
        components.add_security_scheme("session", SecurityScheme::ApiKey(cookie));
        let device =
            HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("A device token from POST /api/v1/devices")).build();
        components.add_security_scheme("device", SecurityScheme::Http(device));
    }
}

/// The OpenAPI 3.1 document of this API.
async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
