//! Security headers on every response. Every request gets a fresh nonce
//! before it is handled (`app::PageNonce`, which Leptos puts on its scripts);
//! an HTML response gets the page policy naming it, and every other response
//! the strict default below.

use axum::{
    extract::Request,
    http::{header, HeaderName, HeaderValue},
    middleware::{self, Next},
    response::Response,
    Router,
};
use tower_http::set_header::SetResponseHeaderLayer;

/// No scripts, no framing, nothing from elsewhere: right for JSON, CSS, JS and wasm files.
const DEFAULT_CSP: &str = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const ALWAYS: [(&str, &str); 5] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()"),
    ("cross-origin-opener-policy", "same-origin"),
];

/// Behind TLS, browsers are told to use nothing else for a year.
const HSTS: &str = "max-age=31536000";

/// Paths whose responses may hold personal or staff-only data: never kept in
/// a browser's or a proxy's cache. `/app` names the enrolled person on a
/// first visit (pages/offline/first.rs); the service worker keeps its own
/// copy that names no one. Scripts, styles and the register page are not
/// personal and keep their own caching.
const PERSONAL_PREFIXES: [&str; 7] = ["/triage", "/api/", "/login", "/logout", "/enrol", "/feedback", "/app"];

/// Adds the security headers to every response of `router`; HSTS when it is served over TLS.
pub fn with_headers<S: Clone + Send + Sync + 'static>(router: Router<S>, tls: bool) -> Router<S> {
    let router = router.layer(middleware::from_fn(page_policy)).layer(middleware::from_fn(no_store_if_personal));
    let router = match tls {
        true => router.layer(SetResponseHeaderLayer::overriding(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS))),
        false => router,
    };
    let router =
        router.layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(DEFAULT_CSP)));
    ALWAYS.into_iter().fold(router, |router, (name, value)| {
        router.layer(SetResponseHeaderLayer::overriding(HeaderName::from_static(name), HeaderValue::from_static(value)))
    })
}

/// A nonce for this request's page, and for an HTML response the policy that
/// lets only scripts carrying it (and our own files) run.
async fn page_policy(mut request: Request, next: Next) -> Response {
    let nonce = leptos::nonce::Nonce::new().to_string();
    request.extensions_mut().insert(app::PageNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let html = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if html {
        if let Ok(policy) = HeaderValue::from_str(&app::content_security_policy(&nonce)) {
            response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    response
}

/// `Cache-Control: no-store` on every response under a personal path.
async fn no_store_if_personal(request: Request, next: Next) -> Response {
    let personal = PERSONAL_PREFIXES.iter().any(|prefix| request.uri().path().starts_with(prefix));
    let mut response = next.run(request).await;
    // A handler that chose its own caching (the register the phone keeps offline) keeps it.
    if personal && !response.headers().contains_key(header::CACHE_CONTROL) {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
