//! `/feedback`: what the form is for, and the way in: enrol this device
//! first, or start (or carry on with) the form.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use super::LoadFailed;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StartData {
    pub title: String,
    pub description: String,
    /// (name, organisation) of the enrolled device.
    pub enrolled_as: Option<(String, String)>,
    pub revoked: bool,
    pub has_answers: bool,
}

#[server(endpoint = "v1/feedback/start")]
pub async fn feedback_start() -> Result<StartData, ServerFnError> {
    use super::ssr::Journey;
    use crate::domain::forms;
    let form = forms::latest(super::FORM_ID).ok_or_else(|| ServerFnError::new("form missing"))?;
    let journey = Journey::load().await?;
    let enrolled = journey.device_and_draft();
    Ok(StartData {
        title: form.title.clone(),
        description: form.description.clone().unwrap_or_default(),
        enrolled_as: enrolled.map(|(device, _)| (device.name.clone(), device.organisation.clone())),
        revoked: matches!(journey.gate(), super::Gate::Revoked) && enrolled.is_none(),
        // More than the role and organisation prefilled at enrolment.
        has_answers: enrolled.is_some_and(|(_, draft)| draft.answers.0.len() > 2),
    })
}

#[component]
pub fn StartPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| feedback_start());
    view! {
        <Title text="Tell us what you saw"/>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <Start data/> }.into_any(),
                    Err(_) => view! { <LoadFailed/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Start(data: StartData) -> impl IntoView {
    let action = match (&data.enrolled_as, data.has_answers) {
        (None, _) => view! {
            <p>"Before your first form, enrol this phone with the access code your organisation gave you. You only do this once."</p>
            <a class="nhsuk-button" href="/enrol" role="button" draggable="false">"Enrol this device"</a>
        }
        .into_any(),
        (Some(_), false) => view! {
            <a class="nhsuk-button" href="/feedback/service" role="button" draggable="false">"Start now"</a>
        }
        .into_any(),
        (Some(_), true) => view! {
            <p>"You have a form you have not sent yet."</p>
            <a class="nhsuk-button" href="/feedback/check" role="button" draggable="false">"Continue your form"</a>
            <form method="post" action="/feedback/discard">
                <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Delete it and start again"</button>
            </form>
        }
        .into_any(),
    };
    view! {
        <h1>{data.title}</h1>
        <p class="nhsuk-lede-text">{data.description}</p>
        {data.revoked.then(|| view! {
            <p class="nhsuk-warning-callout" role="alert">"This device's enrolment was withdrawn. Enrol it again with a new access code."</p>
        })}
        {data.enrolled_as.map(|(name, organisation)| view! {
            <p class="nhsuk-hint">"Enrolled as " {name} ", " {organisation} "."</p>
        })}
        {action}
    }
}
