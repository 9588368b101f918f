//! `GET /api/v1/devices/me/news`: what happened to the forms this phone
//! sent, since its cursor ("You said, we did"). A device reads only its own
//! submissions: the query is by the enrolled device's id, never by one named
//! in the request.

use app::domain::news::{NewsPage, NEWS_PAGE};
use axum::{
    extract::{Query, State},
    http::header::CACHE_CONTROL,
    response::IntoResponse,
    routing::get,
    Json, Router,
};
use serde::Deserialize;

use super::{error::AppError, extract::EnrolledDevice, AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/devices/me/news", get(news))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct NewsParams {
    /// The `cursor` of the last answer; absent or 0 the first time.
    #[serde(default)]
    since: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/devices/me/news", tag = "devices", security(("device" = [])),
    params(NewsParams),
    responses(
        (status = 200, body = NewsPage, description = "This device's sent forms that changed since the cursor"),
        (status = 401, body = crate::http::error::ErrorBody), (status = 403, body = crate::http::error::ErrorBody),
        (status = 422, body = crate::http::error::ErrorBody, description = "`since` is not a cursor; `fields` names it"),
    ))]
pub async fn news(
    State(state): State<AppState>,
    EnrolledDevice(device): EnrolledDevice,
    Query(params): Query<NewsParams>,
) -> Result<impl IntoResponse, AppError> {
    let since = match params.since.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|cursor| *cursor >= 0)
            .ok_or_else(|| AppError::invalid("since", "Send back the cursor of the last answer, a whole number of 0 or more"))?,
    };
    let page = state.store.news_for_device(device.id, since, NEWS_PAGE).await?;
    // Private to this phone, and stale as soon as a commissioner acts.
    Ok(([(CACHE_CONTROL, "no-store")], Json(page)))
}
