//! The Care Home Feedback app: domain types, pages and server functions, shared by
//! the server (feature `ssr`) and the browser (feature `hydrate`).

// The question field's view type, unerased (see `pages/feedback/fields.rs`),
// nests deeper than the compiler's default limit of 128.
#![recursion_limit = "256"]

pub mod domain;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod store;
pub mod textarea;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    ParamSegment, SsrMode, StaticSegment,
};

use pages::{
    feedback::{EnrolPage, QuestionPage, SentPage, StartPage},
    offline::AppPage,
    register::RegisterPage,
};

/// The one page with an island: the offline app. Every other page is
/// server-rendered HTML that needs no wasm, so it gets no hydration scripts and
/// the phone downloads no JS or wasm for it (the register's live search is a
/// small script of its own). Leptos still inlines its resources' data as small
/// nonce'd scripts; nothing reads them.
#[cfg(feature = "ssr")]
const ISLAND_PAGES: [&str; 1] = ["/app"];

/// The HTML document around the app. Leptos puts this response's nonce on its
/// own hydration scripts (see `use_page_nonce`), and the server's security
/// layer sends the policy naming it, so no other inline script can run.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let scripts = page_has_islands().then(|| app_scripts(options));
    view! {
        <!DOCTYPE html>
        <html lang="en-GB">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                {scripts}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The island page's scripts. Leptos's hydration scripts would fetch the wasm
/// at once; they wait inert in a `<template>` until the loader decides the
/// app should run (at once when opened from the service worker's cache, or
/// once the worker has fetched it on a first visit), so a first visit
/// downloads only the page the server drew.
fn app_scripts(options: LeptosOptions) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    view! {
        <template id="chf-app-scripts">
            <HydrationScripts options islands=true/>
        </template>
        <script nonce=nonce>{include_str!("pages/offline/loader.js")}</script>
    }
}

/// The policy for HTML pages. Scripts: our own files plus the nonce'd hydration
/// script; wasm needs 'wasm-unsafe-eval' to compile. No inline styles at all.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

fn page_has_islands() -> bool {
    #[cfg(feature = "ssr")]
    if let Some(parts) = use_context::<http::request::Parts>() {
        return ISLAND_PAGES.contains(&parts.uri.path());
    }
    true
}

/// Marks `<html>` once an island has hydrated: tests (and anyone debugging a
/// phone) can see the page is interactive. Call it from an island's effect,
/// which runs only in the browser.
pub fn mark_hydrated() {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-hydrated", "");
    }
}

/// The nonce of the response being drawn, made by the server's security layer
/// before the page renders and kept in the request. Before, Leptos made one
/// and the page set the policy header through its response options; some
/// responses of `/` then left with the strict default policy, and the browser
/// blocked hydration. Now the header and the scripts share one source.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageNonce(pub String);

/// Makes the request's `PageNonce` the one Leptos puts on its scripts; call it
/// in the context every page is drawn with.
#[cfg(feature = "ssr")]
pub fn use_page_nonce() {
    let nonce = use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<PageNonce>().cloned());
    if let Some(PageNonce(nonce)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce));
    }
}

/// Where the stylesheet is served, once the server has read the build's file
/// names: cargo-leptos names it by its content (`hash-files`), so browsers
/// may keep it for a year.
#[cfg(feature = "ssr")]
pub static STYLESHEET_HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();

pub fn stylesheet_href() -> String {
    #[cfg(feature = "ssr")]
    if let Some(href) = STYLESHEET_HREF.get() {
        return href.clone();
    }
    "/pkg/chf.css".to_owned()
}

/// What search engines and link previews say about every page.
pub const DESCRIPTION: &str = "Care Home Feedback: doctors, nurses and other professionals who visit a care home tell \
    the integrated commissioning unit what they saw, even with no signal, so homes get support when they need it.";

/// The app's routes and the frame every page shares.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href=stylesheet_href()/>
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Link rel="manifest" href="/manifest.webmanifest"/>
        <Link rel="apple-touch-icon" href="/icons/icon-192.png"/>
        <Meta name="theme-color" content="#005eb8"/>
        <Meta name="description" content=DESCRIPTION/>
        <Title formatter=page_title/>
        <Router>
            <a class="nhsuk-skip-link" href="#main">"Skip to main content"</a>
            <header class="site-header">
                <div class="nhsuk-width-container">
                    <a class="site-header__name" href="/app">"Care Home Feedback"</a>
                    <nav class="site-header__nav" aria-label="Main">
                        <a href="/app">"Give feedback"</a>
                        <a href="/">"Register of services"</a>
                    </nav>
                </div>
            </header>
            <main id="main" class="nhsuk-width-container">
                <Routes fallback=NotFound>
                    // Async: the whole page arrives as HTML, so it works without JavaScript.
                    <Route path=StaticSegment("") view=RegisterPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("enrol") view=EnrolPage ssr=SsrMode::Async/>
                    // The offline app: one cached shell, screens chosen in the browser.
                    <Route path=StaticSegment("app") view=AppPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("feedback") view=StartPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("feedback"), StaticSegment("sent"), ParamSegment("id")) view=SentPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("feedback"), ParamSegment("slug")) view=QuestionPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}

/// Each page's title names the service after the page, as the NHS pattern does.
pub fn page_title(page: String) -> String {
    format!("{page} – Care Home Feedback")
}

/// Makes the response being rendered a 404 (on the server; nothing in the browser).
pub fn answer_not_found() {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
}

/// Shown for any address the app does not know, with a 404 status.
#[component]
fn NotFound() -> impl IntoView {
    answer_not_found();
    view! {
        <Title text="Page not found"/>
        <h1>"Page not found"</h1>
        <p>"If you typed the web address, check it is correct."</p>
        <p><a href="/">"Go to the register of services"</a></p>
    }
}
