//! `/app` as the server draws it. On a phone's first visit this is the start
//! page until the app runs: who the phone is enrolled as and the links that
//! start a form (or the way to enrol), with nothing to download first. The
//! service worker keeps a copy that names no one (`/app?shell`), shown for
//! the moment the cached app takes to start on later visits.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{
    home::{ChecklistItem, EnrolFirst, EnrolledAs, EnrolmentWithdrawn, StartFeedback},
    OfflineApp,
};

/// The element the app removes once it has drawn its own screen.
const FIRST_SCREEN_ID: &str = "app-first";

/// What the server knows of the phone asking (only the server asks).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
pub enum Visitor {
    /// The service worker's copy, the same for everyone.
    Shell,
    NotEnrolled,
    Withdrawn,
    /// Checklists are (form id, title, description).
    Enrolled {
        name: String,
        organisation: String,
        checklists: Vec<(String, String, String)>,
    },
}

/// The `/app` route: the app (an island, which draws nothing until it is
/// ready) and the server's start page, which it then replaces.
#[component]
pub fn AppPage() -> impl IntoView {
    view! {
        <OfflineApp/>
        <Suspense fallback=|| ()>
            {Suspend::new(async move { view! { <FirstScreen visitor=visitor().await/> } })}
        </Suspense>
    }
}

#[component]
fn FirstScreen(visitor: Visitor) -> impl IntoView {
    // Read by loader.js: only an enrolled phone has a use for the app yet.
    let kind = match &visitor {
        Visitor::Shell => "shell",
        Visitor::NotEnrolled => "not-enrolled",
        Visitor::Withdrawn => "withdrawn",
        Visitor::Enrolled { .. } => "enrolled",
    };
    let body = match visitor {
        Visitor::Shell => view! {
            <p data-testid="app-starting">"Opening the app…"</p>
            <p>"If it does not open, your phone may have JavaScript turned off. You can still "
                <a href="/feedback">"give feedback with the online form"</a>"."</p>
        }
        .into_any(),
        Visitor::NotEnrolled => view! { <EnrolFirst/> }.into_any(),
        Visitor::Withdrawn => view! { <EnrolmentWithdrawn/> }.into_any(),
        Visitor::Enrolled { name, organisation, checklists } => {
            let any = !checklists.is_empty();
            view! {
                <EnrolledAs name organisation/>
                <StartFeedback/>
                // Said while the app starts after a link was followed (loader.js).
                <p class="nhsuk-hint" role="status" id="app-status"></p>
                <noscript>
                    <p>"The app needs JavaScript, which is turned off on this phone. You can still "
                        <a href="/feedback">"give feedback with the online form"</a>"."</p>
                </noscript>
                {any.then(|| view! { <h2>"Observation checklists"</h2> })}
                <ul class="nhsuk-list checklists">
                    {checklists.into_iter().map(|(id, title, description)| view! { <ChecklistItem id title description/> }).collect_view()}
                </ul>
            }
            .into_any()
        }
    };
    view! {
        <Title text="Tell us what you saw"/>
        <div id=FIRST_SCREEN_ID data-testid="app-opening" data-visitor=kind>
            <h1>"Tell us what you saw"</h1>
            {body}
        </div>
    }
}

/// Removes the server's page: the app has drawn its own screen.
pub fn step_aside() {
    if let Some(first) = document().get_element_by_id(FIRST_SCREEN_ID) {
        first.remove();
    }
}

#[cfg(feature = "ssr")]
async fn visitor() -> Visitor {
    use crate::store::SharedStore;
    let (Some(parts), Some(store)) = (use_context::<http::request::Parts>(), use_context::<SharedStore>()) else {
        return Visitor::Shell;
    };
    if parts.uri.query().is_some_and(|query| query.split('&').any(|pair| pair == "shell")) {
        return Visitor::Shell;
    }
    match crate::session::device(&store, &parts.headers).await {
        Ok(Some(device)) if device.revoked => Visitor::Withdrawn,
        Ok(Some(device)) => Visitor::Enrolled {
            checklists: super::home::checklists_for(&device.role)
                .into_iter()
                .map(|(id, _, title, description)| (id, title, description))
                .collect(),
            name: device.name,
            organisation: device.organisation,
        },
        Ok(None) => Visitor::NotEnrolled,
        Err(err) => {
            // The app itself asks again once it runs.
            leptos::logging::error!("reading the device for /app failed: {err}");
            Visitor::Shell
        }
    }
}

/// Never drawn in the browser: the route is the server's.
#[cfg(not(feature = "ssr"))]
async fn visitor() -> Visitor {
    Visitor::Shell
}
