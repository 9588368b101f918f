//! `/app`: the installable app that works with no signal. The server sends
//! the same small shell for every visit (so the service worker can cache it);
//! once the wasm runs, everything comes from the phone: the form definitions
//! compiled in, drafts and the outbox sealed in IndexedDB, the register cached.
//! Screens follow the address's `#` part, which never reaches the server:
//! `#/`, `#/new/{form}`, `#/draft/{id}/{page}`, `#/draft/{id}/{page}/change`,
//! `#/draft/{id}/check` and `#/done/{id}`.
//!
//! On a phone's first visit the server draws the start page itself
//! (`first.rs`) and the wasm waits: the page's loader starts it once the
//! service worker has fetched the app, or at once when a start link is
//! followed (see `lib.rs`, `loader.js`). Opened again, the app comes from the
//! worker's cache and runs at once.
//!
//! The server-rendered journey (`/feedback`) stays for phones without
//! JavaScript; both use the same definitions, validation and components.
//!
//! `OfflineApp` is a Leptos island: only it (and what it uses) is compiled to
//! wasm, which keeps the server-rendered pages free of any download.

mod address;
mod check;
mod cipher;
mod clock;
mod disk;
mod done;
mod first;
mod home;
mod leave;
mod network;
mod outbox;
mod phone;
mod sent;
mod state;
mod step;
mod sync;
mod worker;

use leptos::{either::EitherOf5, prelude::*, task::spawn_local};
use leptos_meta::Title;
use uuid::Uuid;

use self::{
    network::Reply,
    state::{Enrolment, OfflineState},
};
use wasm_bindgen::JsCast;

use crate::domain::{device::ENROLLED_COOKIE, forms, register::Service, submission::reference, sync::DeviceProfile};

pub use first::AppPage;
pub use sync::retry_delay_ms;

/// Which screen the address shows.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Screen {
    Home,
    /// A new draft of this form, started as soon as the app knows who the phone is enrolled as.
    New {
        form: String,
    },
    Step {
        draft: Uuid,
        slug: String,
        change: bool,
    },
    Check {
        draft: Uuid,
    },
    Done {
        id: Uuid,
    },
    Unknown,
}

fn screen_of(hash: &str) -> Screen {
    let path = hash.trim_start_matches('#').trim_start_matches('/');
    let parts: Vec<&str> = path.split('/').collect();
    let id = |raw: &str| Uuid::parse_str(raw).ok();
    match parts.as_slice() {
        [""] => Screen::Home,
        ["new", form] if !form.is_empty() => Screen::New { form: (*form).to_owned() },
        ["draft", draft, "check"] => id(draft).map_or(Screen::Unknown, |draft| Screen::Check { draft }),
        ["draft", draft, slug] => {
            id(draft).map_or(Screen::Unknown, |draft| Screen::Step { draft, slug: (*slug).to_owned(), change: false })
        }
        ["draft", draft, slug, "change"] => {
            id(draft).map_or(Screen::Unknown, |draft| Screen::Step { draft, slug: (*slug).to_owned(), change: true })
        }
        ["done", done] => id(done).map_or(Screen::Unknown, |id| Screen::Done { id }),
        _ => Screen::Unknown,
    }
}

/// Addresses of the app's screens.
fn new_href(form_id: &str) -> String {
    format!("/app#/new/{form_id}")
}

fn step_href(draft: Uuid, slug: &str) -> String {
    format!("/app#/draft/{draft}/{slug}")
}

fn change_href(draft: Uuid, slug: &str) -> String {
    format!("/app#/draft/{draft}/{slug}/change")
}

fn check_href(draft: Uuid) -> String {
    format!("/app#/draft/{draft}/check")
}

fn done_href(id: Uuid) -> String {
    format!("/app#/done/{id}")
}

const HOME_HREF: &str = "/app#/";

fn service_name(register: &[Service], location_id: &str) -> Option<String> {
    register.iter().find(|service| service.location_id.as_str() == location_id).map(Service::name_and_town)
}

/// An island: the only part of `/app` compiled to wasm and hydrated.
#[island]
pub fn OfflineApp() -> impl IntoView {
    if cfg!(feature = "hydrate") {
        mark("chf-store-opening");
        phone::begin_opening();
    }
    let state = OfflineState::new();
    provide_context(state);
    // False on the server and until the browser has read the phone's storage,
    // so the hydrated page starts exactly as the server drew it.
    let ready = RwSignal::new(false);
    Effect::new(move || {
        untrack(|| {
            spawn_local(async move {
                // Opening the store, from the island's start to records in memory (`scripts/bench` reads these).
                let opened = phone::open().await;
                mark("chf-store-open");
                // Versions published since this release, from the last sync, so a
                // draft on any of them can be carried on offline.
                phone::forms().into_iter().for_each(forms::register);
                phone::on_written(move |failure| {
                    if failure.is_some() {
                        state.reload();
                    }
                    state.storage_error.set(failure);
                });
                state.load(opened);
                worker::register(state);
                sync::start(state);
                spawn_local(refresh_register(state));
                spawn_local(sync::refresh_forms(state));
                // A first visit after enrolment: the server's page names the person
                // already, so the app waits for the same answer rather than show
                // "Enrol this device" for a moment.
                if state.profile.with_untracked(Option::is_none) && enrolled_here() {
                    ask_about_enrolment(state).await;
                } else {
                    spawn_local(ask_about_enrolment(state));
                }
                ready.set(true);
                first::step_aside();
                crate::mark_hydrated();
            });
        });
    });
    let hash = address::use_hash();
    let screen = Memo::new(move |_| screen_of(&hash.get()));
    start_new_drafts(state, screen, ready);
    // In the browser an island has its own head context, without the page's formatter.
    let title_formatter = view! { <Title formatter=crate::page_title/> };
    let screen_view = move || {
        if !ready.get() {
            // The server's page stands until the app is ready.
            return EitherOf5::A(None);
        }
        match screen.get() {
            Screen::Home => EitherOf5::B(view! { <home::Home/> }),
            Screen::New { .. } => EitherOf5::A(Some(view! { <StartingForm/> })),
            form @ (Screen::Step { .. } | Screen::Check { .. }) => EitherOf5::C(Suspend::new(form_screen(form))),
            Screen::Done { id } => EitherOf5::D(view! { <done::DonePage id/> }),
            Screen::Unknown => EitherOf5::E(view! { <home::Missing/> }),
        }
    };
    view! { {title_formatter} {screen_view} }
}

/// A form's screens (its questions and "Check your answers", with the fields,
/// QuIS and the validation they use) come in one piece of wasm of their own
/// (`cargo leptos build --split`), fetched when a form is first opened, so
/// the start page opens without them; the service worker keeps every piece
/// for use with no signal. One piece, not one per screen: each piece loaded
/// while a screen is open is another moment the app waits on the network.
#[lazy]
fn form_screen(screen: Screen) -> AnyView {
    // The address changed a moment ago, and focus went to the heading of the
    // screen before, which this one is about to replace: once it is drawn,
    // focus its own heading (or error summary).
    address::refocus_if_lost();
    match screen {
        Screen::Step { draft, slug, change } => view! { <step::StepPage draft slug change/> }.into_any(),
        Screen::Check { draft } => view! { <check::CheckPage draft/> }.into_any(),
        _ => view! { <home::Missing/> }.into_any(),
    }
}

/// `#/new/{form}`: starts a draft of the form once the phone's enrolment is
/// known (a first visit learns it from the server a moment after the app
/// starts), and swaps the address for the draft's first page, so Back does
/// not start another; without an enrolment, back to the start page.
fn start_new_drafts(state: OfflineState, screen: Memo<Screen>, ready: RwSignal<bool>) {
    // Set once this visit to `#/new/…` is dealt with, so a later change of
    // enrolment (the server's answer arriving) cannot start a second draft.
    let handled = StoredValue::new(false);
    Effect::new(move || {
        let Screen::New { form } = screen.get() else {
            handled.set_value(false);
            return;
        };
        if !ready.get() || handled.get_value() {
            return;
        }
        let enrolled = state.profile.with(Option::is_some) && state.enrolment.get() != Enrolment::Revoked;
        if !enrolled && !state.enrolment_asked.get() {
            return;
        }
        handled.set_value(true);
        let started = if enrolled { untrack(|| home::start_draft(state, &form)) } else { None };
        match started {
            Some((draft, slug)) => address::replace(&step_href(draft, &slug)),
            None => address::replace(HOME_HREF),
        }
    });
}

/// For the moment between following a start link and the form's first page.
#[component]
fn StartingForm() -> impl IntoView {
    view! {
        <h1>"Tell us what you saw"</h1>
        <p role="status">"Opening the form…"</p>
    }
}

/// What the app is for, to someone who has not enrolled yet.
#[component]
pub fn AppPurpose() -> impl IntoView {
    view! {
        <p class="nhsuk-body-l">"Tell the integrated commissioning unit what you saw on a visit to a care home, so the home \
            gets support when it needs it. The app works with no signal: what you write stays on this phone, sealed, until \
            it is sent."</p>
    }
}

/// Marks the moment a screen of the app is drawn and usable, measured from
/// the navigation's start (`scripts/bench` reads it).
fn mark_interactive() {
    mark("chf-app-ready");
}

fn mark(name: &str) {
    if let Some(performance) = window().performance() {
        let _ = performance.mark(name);
    }
}

/// Asks the server who this phone is enrolled as; offline, the stored profile stands.
/// A phone with no profile that never enrolled in this browser has no one to ask about.
async fn check_enrolment(state: OfflineState) {
    if state.profile.with_untracked(Option::is_none) && !enrolled_here() {
        state.enrolment.set(Enrolment::NotEnrolled);
        return;
    }
    let enrolment = match network::get("/api/v1/devices/me").await {
        Reply::Answered { status: 200, body } => match serde_json::from_str::<DeviceProfile>(&body) {
            Ok(profile) => {
                state.note(phone::save_profile(Some(&profile)));
                state.profile.set(Some(profile));
                Enrolment::Confirmed
            }
            Err(_) => Enrolment::Unconfirmed,
        },
        Reply::Answered { status: 401, .. } => {
            state.note(phone::save_profile(None));
            state.profile.set(None);
            Enrolment::NotEnrolled
        }
        Reply::Answered { status: 403, .. } => {
            leave::forget_withdrawn(state);
            Enrolment::Revoked
        }
        _ => Enrolment::Unconfirmed,
    };
    state.enrolment.set(enrolment);
}

async fn ask_about_enrolment(state: OfflineState) {
    check_enrolment(state).await;
    state.enrolment_asked.set(true);
}

/// Whether this browser holds the marker set beside the device cookie at enrolment.
fn enrolled_here() -> bool {
    let cookies = document().dyn_into::<web_sys::HtmlDocument>().ok().and_then(|doc| doc.cookie().ok()).unwrap_or_default();
    cookies.split(';').map(str::trim).any(|cookie| {
        let named = cookie.strip_prefix("__Host-").unwrap_or(cookie);
        named.strip_prefix(ENROLLED_COOKIE).and_then(|rest| rest.strip_prefix('=')).is_some_and(|value| !value.is_empty())
    })
}

/// Keeps the phone's copy of the register fresh for the offline service picker.
async fn refresh_register(state: OfflineState) {
    if let Reply::Answered { status: 200, body } = network::get("/api/v1/register").await {
        if let Ok(services) = serde_json::from_str::<Vec<Service>>(&body) {
            state.note(phone::save_register(&services));
            state.register.set(services);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_map_to_screens_and_back() {
        let id = Uuid::new_v4();
        let hash = |href: String| href.trim_start_matches("/app").to_owned();
        assert_eq!(screen_of(""), Screen::Home);
        assert_eq!(screen_of(&hash(HOME_HREF.to_owned())), Screen::Home);
        assert_eq!(screen_of(&hash(step_href(id, "visit"))), Screen::Step { draft: id, slug: "visit".into(), change: false });
        assert_eq!(screen_of(&hash(change_href(id, "visit"))), Screen::Step { draft: id, slug: "visit".into(), change: true });
        assert_eq!(screen_of(&hash(check_href(id))), Screen::Check { draft: id });
        assert_eq!(screen_of(&hash(done_href(id))), Screen::Done { id });
        assert_eq!(screen_of(&hash(new_href("quis"))), Screen::New { form: "quis".into() });
        assert_eq!(screen_of("#/new/"), Screen::Unknown);
        assert_eq!(screen_of("#/draft/not-an-id/visit"), Screen::Unknown);
        assert_eq!(screen_of("#/elsewhere"), Screen::Unknown);
    }
}
