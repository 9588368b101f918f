//! The app's screens follow the address's `#` part. The app is an island
//! (the rest of the page is server-rendered HTML), so there is no client-side
//! router: it listens for `hashchange` itself.

use leptos::prelude::*;

/// The current `#` part. Empty until the browser has run the island, which is
/// also how the server draws it (the `#` part never reaches the server).
pub fn use_hash() -> ReadSignal<String> {
    let (hash, set_hash) = signal(String::new());
    Effect::new(move || {
        set_hash.set(current_hash());
        let listener = window_event_listener(leptos::ev::hashchange, move |_| {
            set_hash.set(current_hash());
            // A new screen starts at its top, as a new page would.
            window().scroll_to_with_x_and_y(0.0, 0.0);
        });
        // The island lives as long as the page.
        std::mem::forget(listener);
    });
    hash
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
