//! Leptos answers every server-function error 500, a bad argument included.
//! A request the client got wrong is a 400: the body (server_fn's own error
//! encoding, which its client reads whatever the status) is kept as it is.

use axum::{
    body::{to_bytes, Body},
    extract::Request,
    http::StatusCode,
    middleware::Next,
    response::Response,
};

/// Where our server functions live (`#[server(endpoint = "v1/…")]`).
const PREFIX: &str = "/api/v1/";
/// server_fn's error kinds that mean the request's arguments were wrong.
const CLIENT_ERRORS: [&str; 3] = ["Args|", "MissingArg|", "Deserialization|"];
/// An error body is one short line; anything longer is not one of them.
const MAX_ERROR_BYTES: usize = 64 * 1024;

pub async fn argument_errors_are_bad_requests(request: Request, next: Next) -> Response {
    let under_prefix = request.uri().path().starts_with(PREFIX);
    let response = next.run(request).await;
    if !under_prefix || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BYTES).await else {
        parts.status = StatusCode::INTERNAL_SERVER_ERROR;
        return Response::from_parts(parts, Body::empty());
    };
    if CLIENT_ERRORS.iter().any(|kind| bytes.starts_with(kind.as_bytes())) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}
