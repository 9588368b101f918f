//! The HTTP surface: Leptos pages and server functions, health checks, static
//! files, and the layers every response passes through.

mod admin;
mod attempts;
pub(crate) mod devices;
mod error;
mod extract;
mod health;
mod journey;
mod news;
pub(crate) mod offline;
mod openapi;
mod pages;
mod provider;
mod security;
mod server_fns;
mod site;
mod staff;
pub(crate) mod submissions;
pub(crate) mod sync;
mod triage;

pub use attempts::{Attempts, ClientAddressHeader};
pub use extract::DeviceTokenLifetime;
pub use offline::ServiceWorker;
pub use site::SiteFiles;
pub use sync::LostReplies;

pub use error::AppError;

use crate::arrivals::Arrivals;
use axum::{extract::DefaultBodyLimit, extract::FromRef, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_http::{
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    timeout::RequestBodyTimeoutLayer,
    trace::{DefaultOnResponse, TraceLayer},
};
use tracing::Level;

use app::{shell, App};

use crate::store::SharedStore;

/// Everything a handler may need, shared by all requests.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: SharedStore,
    /// Mark the device cookie `Secure` (behind TLS).
    pub secure_cookies: bool,
    /// The local safeguarding route, shown when someone may be at risk.
    pub safeguarding_route: String,
    /// Days before an unsent draft is deleted from a phone.
    pub draft_expiry_days: u32,
    /// Days a home has to reply to an observation shared with it.
    #[from_ref(skip)]
    pub reply_window_days: u32,
    pub service_worker: std::sync::Arc<ServiceWorker>,
    /// Working days to acknowledge red and amber observations.
    pub response_targets: app::domain::triage::ResponseTargets,
    /// When a service is flagged for a pattern of concerns.
    pub pattern_rule: app::domain::triage::PatternRule,
    /// How long a staff login lasts.
    #[from_ref(skip)]
    pub session_hours: u32,
    /// The header a load balancer in front puts the client's address in, if any.
    pub client_address_header: attempts::ClientAddressHeader,
    /// Largest request body accepted; phones cut their batches below it.
    #[from_ref(skip)]
    pub max_body_bytes: usize,
    /// How long a device token lasts unused.
    pub device_token_lifetime: extract::DeviceTokenLifetime,
    /// Limits on guessing passwords and access codes, and the password checkers.
    pub attempts: Attempts,
    /// Announces new observations to open inboxes.
    pub arrivals: Arrivals,
    /// Tells the other servers on the database what this one published.
    pub relay: crate::relay::Relay,
    /// Where a red observation's alert is queued to go.
    pub alert_channels: crate::intake::AlertChannels,
    /// Test-only fault injection; zero outside tests.
    pub lost_replies: LostReplies,
}

/// The Leptos pages' routes, worked out once per process.
///
/// Working them out renders the app with every `Resource` held back, and
/// leptos_server holds them back with one process-wide flag: a page rendering
/// meanwhile on another thread never gets its data and its response never
/// ends. A server builds its router once, before it serves, so this bites only
/// when several apps share a process (the API tests, one app per test), where it
/// hung about one test run in fifteen.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Every route Leptos answers, as (method, path): the app's pages (drawn
/// for GET) and its server functions. The authorisation table test walks
/// them beside the axum routes, so a new page or server function without an
/// entry in the table fails it.
pub fn leptos_routes() -> Vec<(String, String)> {
    let pages = page_routes().into_iter().map(|route| ("GET".to_owned(), route.path().to_owned()));
    let functions = leptos::server_fn::axum::server_fn_paths().map(|(path, method)| (method.to_string(), path.to_owned()));
    pages.chain(functions).collect()
}

/// The whole router with its layers.
pub fn router(state: AppState, body_timeout: std::time::Duration) -> Router {
    let store = state.store.clone();
    let max_body_bytes = state.max_body_bytes;
    let route = app::pages::feedback::ssr::SafeguardingRoute(state.safeguarding_route.clone());
    let provide_store = move || {
        provide_context(store.clone());
        provide_context(route.clone());
        app::use_page_nonce();
    };
    let options = state.leptos_options.clone();
    let hashed = options.hash_files;
    let routes = Router::new()
        .merge(health::router())
        .merge(devices::router())
        .merge(submissions::router())
        .merge(sync::router())
        .merge(offline::router())
        .merge(news::router())
        .merge(provider::router())
        .merge(journey::router())
        .merge(staff::router())
        .merge(triage::router())
        .merge(admin::router())
        .merge(openapi::router())
        .leptos_routes_with_context(&state, page_routes(), provide_store.clone(), move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(provide_store, shell));
    let routes = routes
        .layer(axum::middleware::from_fn(server_fns::argument_errors_are_bad_requests))
        .layer(axum::middleware::from_fn(move |request, next| site::caching(hashed, request, next)))
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(max_body_bytes))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(RequestBodyTimeoutLayer::new(body_timeout));
    // Outside the limits, so their refusals (413 and the like) carry the headers too.
    security::with_headers(routes, state.secure_cookies)
        // One span per request with its method and path. The query string is left
        // out because search text is free text. 5xx responses are logged once, here.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &axum::http::Request<axum::body::Body>| {
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(Level::DEBUG)),
        )
        .with_state(state)
}
