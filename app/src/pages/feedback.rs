//! The professionals feedback journey: enrol once, then one question per
//! page, check your answers, confirmation. Pages are server-rendered GETs;
//! each form POSTs to the server (`server/src/http/journey.rs`), which saves
//! the answers in the device's draft and redirects, so the journey works the
//! same with or without JavaScript.

pub(crate) mod check;
mod enrol;
pub mod error_summary;
pub mod field_context;
pub mod fields;
pub(crate) mod question;
mod sent;
mod start;
pub mod tally;

pub use enrol::EnrolPage;
pub use question::QuestionPage;
pub use sent::SentPage;
pub use start::StartPage;

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::domain::{
    forms::{Page, RawAnswers},
    register::RegisterPage as RegisterResults,
    FieldError,
};

/// Shown when a page's data could not be fetched (the server logged why).
#[component]
pub fn LoadFailed() -> impl IntoView {
    view! { <p class="nhsuk-error-message" role="alert">"This page could not be loaded. Try again shortly."</p> }
}

/// Why the page cannot be shown, and the way on.
#[component]
pub fn Gated(gate: Gate) -> impl IntoView {
    match gate {
        Gate::NotEnrolled | Gate::Revoked => view! {
            <Title text="Enrol this device first"/>
            <h1>"Enrol this device first"</h1>
            <p>"To send observations from this phone, enrol it once with the access code your organisation gave you."</p>
            <a class="nhsuk-button" href="/enrol" role="button" draggable="false">"Enrol this device"</a>
        }
        .into_any(),
        Gate::NoSuchPage => {
            crate::answer_not_found();
            view! {
                <Title text="Page not found"/>
                <h1>"Page not found"</h1>
                <p><a href="/feedback">"Go to the start of the form"</a></p>
            }
            .into_any()
        }
    }
}

/// The form this journey fills in.
pub const FORM_ID: &str = crate::domain::forms::PROFESSIONAL_FEEDBACK;

/// What a question page needs from the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageData {
    pub form_title: String,
    pub page: Page,
    /// Answers as typed, to fill the fields in again.
    pub values: RawAnswers,
    pub problems: Vec<FieldError>,
    pub back_href: String,
    pub return_to_check: bool,
    /// For the service picker: the search results, or the chosen service.
    pub services: Option<RegisterResults>,
    /// For the risk-of-harm page: the local safeguarding route.
    pub safeguarding: String,
    /// Today's date (YYYY-MM-DD), the default visit date.
    pub today: String,
}

/// Why a journey page cannot be shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Gate {
    NotEnrolled,
    Revoked,
    NoSuchPage,
}

/// Reads the journey's page for this device, creating its draft if needed.
#[server(endpoint = "v1/feedback/page")]
pub async fn feedback_page(
    slug: String,
    #[server(default)] q: String,
    #[server(default)] return_to_check: bool,
) -> Result<Result<PageData, Gate>, ServerFnError> {
    use crate::domain::{forms, register::RegisterQuery};
    let journey = ssr::Journey::load().await?;
    let Some((_, draft)) = journey.device_and_draft() else { return Ok(Err(journey.gate())) };
    let form = forms::find(&draft.form_id, draft.form_version).ok_or_else(|| ServerFnError::new("form missing"))?;
    let Some(page) = form.page(&slug) else { return Ok(Err(Gate::NoSuchPage)) };
    let today = chrono::Utc::now().date_naive();
    let earlier = form.answers_before(&slug, &draft.answers, today);
    let back_href = form.previous_page(&slug, &earlier).map_or_else(|| "/feedback".to_owned(), |page| format!("/feedback/{}", page.slug));
    let services = match page.questions.iter().any(|q| matches!(q.kind, forms::QuestionKind::ServicePicker)) {
        false => None,
        // No search yet: show the service already chosen, if any.
        true => {
            let chosen = match draft.answers.0.get("service") {
                Some(forms::RawValue::One(id)) if q.is_empty() => Some(id.clone()),
                _ => None,
            };
            match (q.trim().is_empty(), chosen) {
                (true, None) => Some(RegisterResults::default()),
                (_, chosen) => {
                    let text = chosen.unwrap_or(q);
                    Some(journey.store.search_register(&RegisterQuery::new(&text), 20).await.map_err(ssr::internal)?)
                }
            }
        }
    };
    Ok(Ok(PageData {
        form_title: form.title.clone(),
        page: page.clone(),
        values: draft.answers.clone(),
        problems: draft.problems.get(&slug).cloned().unwrap_or_default(),
        back_href,
        return_to_check,
        services,
        safeguarding: journey.safeguarding(),
        today: today.to_string(),
    }))
}

/// Server-only helpers shared by this journey's server functions.
#[cfg(feature = "ssr")]
pub mod ssr {
    use http::request::Parts;
    use leptos::prelude::*;
    use uuid::Uuid;

    use super::{Gate, FORM_ID};
    use crate::{
        domain::forms::{self, RawValue},
        store::{Device, Draft, SharedStore, StoreError},
    };

    /// The local safeguarding route, from the server's configuration.
    #[derive(Clone, Debug)]
    pub struct SafeguardingRoute(pub String);

    pub fn internal(err: StoreError) -> ServerFnError {
        leptos::logging::error!("journey storage failed: {err}");
        ServerFnError::new("Something went wrong on our side. Try again shortly.")
    }

    /// A request's device and draft, as the journey's pages see them.
    pub struct Journey {
        pub store: SharedStore,
        device: Option<Device>,
        draft: Option<Draft>,
    }

    impl Journey {
        pub async fn load() -> Result<Self, ServerFnError> {
            let store = use_context::<SharedStore>().ok_or_else(|| ServerFnError::new("no store"))?;
            let parts = use_context::<Parts>();
            let device = match &parts {
                Some(parts) => crate::session::device(&store, &parts.headers).await.map_err(internal)?,
                None => None,
            };
            let draft = match &device {
                Some(device) if !device.revoked => Some(load_or_start_draft(&store, device).await.map_err(internal)?),
                _ => None,
            };
            Ok(Self { store, device, draft })
        }

        pub fn device_and_draft(&self) -> Option<(&Device, &Draft)> {
            Some((self.device.as_ref()?, self.draft.as_ref()?))
        }

        pub fn gate(&self) -> Gate {
            match &self.device {
                Some(device) if device.revoked => Gate::Revoked,
                _ => Gate::NotEnrolled,
            }
        }

        pub fn safeguarding(&self) -> String {
            use_context::<SafeguardingRoute>().map(|route| route.0).unwrap_or_default()
        }
    }

    /// The device's draft, or a new one with its role and organisation
    /// filled in from enrolment, so nobody is asked them twice.
    pub async fn load_or_start_draft(store: &SharedStore, device: &Device) -> Result<Draft, StoreError> {
        if let Some(draft) = store.draft(device.id, FORM_ID).await? {
            return Ok(draft);
        }
        let version = forms::latest(FORM_ID).map_or(1, |form| form.version);
        let mut draft = Draft {
            id: Uuid::new_v4(),
            form_id: FORM_ID.to_owned(),
            form_version: version,
            answers: Default::default(),
            problems: Default::default(),
        };
        draft.answers.set("role", RawValue::One(device.role.clone()));
        draft.answers.set("organisation", RawValue::One(device.organisation.clone()));
        store.save_draft(device.id, &draft).await?;
        Ok(draft)
    }
}
