//! The wasm entry point. Leptos's island script calls `hydrate` once the wasm
//! has loaded, then each island's own export hydrates its part of the page.

// Nothing here names the app's items, yet its islands' exports must be linked in.
extern crate app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
