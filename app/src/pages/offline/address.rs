//! The app's screens follow the address's `#` part. The app is an island
//! (the rest of the page is server-rendered HTML), so there is no client-side
//! router: it listens for `hashchange` itself.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The current `#` part. Empty until the browser has run the island, which is
/// also how the server draws it (the `#` part never reaches the server).
pub fn use_hash() -> ReadSignal<String> {
    let (hash, set_hash) = signal(String::new());
    Effect::new(move || {
        set_hash.set(current_hash());
        let listener = window_event_listener(leptos::ev::hashchange, move |_| {
            set_hash.set(current_hash());
            request_animation_frame(focus_new_screen);
        });
        // The island lives as long as the page.
        std::mem::forget(listener);
    });
    hash
}

/// A new screen is announced as a new page would be: focus moves to its
/// error summary, or else its heading, so a screen reader reads where the
/// person now is, and the screen starts at its top.
fn focus_new_screen() {
    let document = document();
    let target = document
        .query_selector("main .nhsuk-error-summary")
        .ok()
        .flatten()
        .or_else(|| document.query_selector("main h1").ok().flatten())
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(target) = target {
        if !target.has_attribute("tabindex") {
            let _ = target.set_attribute("tabindex", "-1");
        }
        let _ = target.focus();
    }
    window().scroll_to_with_x_and_y(0.0, 0.0);
}

/// A screen that redraws its heading in place (the confirmation, once the
/// form is received) would drop focus to the page; put it back on the heading.
pub fn refocus_if_lost() {
    request_animation_frame(|| {
        let document = document();
        let active = document.active_element();
        let body = document.body().map(|b| b.unchecked_into::<web_sys::Element>());
        if active.is_none() || active == body {
            focus_new_screen();
        }
    });
}

fn current_hash() -> String {
    window().location().hash().unwrap_or_default()
}

/// Shows another screen: `href` is one of the app's own addresses
/// (`/app#/…`). Only the `#` part changes, so the page never reloads, and
/// Back returns to the screen before.
pub fn go(href: &str) {
    let hash = href.split_once('#').map_or("", |(_, hash)| hash);
    let _ = window().location().set_hash(hash);
}

/// Shows another screen in place of this one in the history, so Back skips it.
pub fn replace(href: &str) {
    let hash = href.split_once('#').map_or("", |(_, hash)| hash);
    let _ = window().location().replace(&format!("#{hash}"));
}
