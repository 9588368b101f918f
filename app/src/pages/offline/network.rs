//! Requests to our own server with the browser's `fetch`. A request that
//! gets no answer at all is how the app learns it is offline: it never
//! trusts `navigator.onLine`, which says "online" on a wifi with no internet.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

/// What came back: a status and a body, no connection at all, or nothing
/// within [`TIMEOUT_MS`].
#[derive(Debug)]
pub enum Reply {
    Answered { status: u16, body: String },
    NoConnection,
    TimedOut,
}

/// Longest a request may take, reply body included: a request the server
/// holds must not keep every other form (and "Send now") waiting with it.
pub const TIMEOUT_MS: u32 = 20_000;

pub async fn get(url: &str) -> Reply {
    send("GET", url, None).await
}

pub async fn post_json(url: &str, body: String) -> Reply {
    send("POST", url, Some(body)).await
}

pub async fn delete(url: &str) -> Reply {
    send("DELETE", url, None).await
}

async fn send(method: &str, url: &str, body: Option<String>) -> Reply {
    let Some(window) = web_sys::window() else { return Reply::NoConnection };
    let init = RequestInit::new();
    init.set_method(method);
    let signal = web_sys::AbortSignal::timeout_with_u32(TIMEOUT_MS);
    init.set_signal(Some(&signal));
    if let Some(body) = &body {
        init.set_body(&body.into());
    }
    let Ok(request) = Request::new_with_str_and_init(url, &init) else { return Reply::NoConnection };
    if body.is_some() {
        let _ = request.headers().set("content-type", "application/json");
    }
    let failed = |signal: &web_sys::AbortSignal| if signal.aborted() { Reply::TimedOut } else { Reply::NoConnection };
    let Ok(response) = JsFuture::from(window.fetch_with_request(&request)).await else { return failed(&signal) };
    let Ok(response) = response.dyn_into::<Response>() else { return Reply::NoConnection };
    let status = response.status();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise).await.ok().and_then(|text| text.as_string()),
        Err(_) => None,
    };
    match text {
        Some(body) => Reply::Answered { status, body },
        // The connection dropped (or the time ran out) while the body was arriving.
        None => failed(&signal),
    }
}
