//! `/healthz`: the process is up. `/readyz`: the database answers a query.

use axum::{extract::State, http::StatusCode, routing::get, Router};

use super::AppState;
use crate::store::SharedStore;

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(|| async { "ok" })).route("/readyz", get(ready))
}

async fn ready(State(store): State<SharedStore>) -> (StatusCode, &'static str) {
    match store.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(err) => {
            tracing::error!(error = %err, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
