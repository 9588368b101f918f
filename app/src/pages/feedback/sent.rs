//! `/feedback/sent/:id`: the confirmation, with the reference the quality
//! team can be asked about.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SentData {
    pub reference: String,
    pub received: String,
}

/// The receipt of one of this device's submissions.
#[server(endpoint = "v1/feedback/sent")]
pub async fn feedback_sent(id: String) -> Result<Option<SentData>, ServerFnError> {
    use super::ssr::{internal, Journey};
    let Ok(id) = uuid::Uuid::parse_str(&id) else { return Ok(None) };
    let journey = Journey::load().await?;
    let Some((device, _)) = journey.device_and_draft() else { return Ok(None) };
    let stored = journey.store.submission(id).await.map_err(internal)?;
    Ok(stored.filter(|s| s.device_id == device.id).map(|s| SentData {
        reference: crate::domain::submission::reference(s.receipt.id),
        received: s.receipt.received_at.format("%-d %B %Y at %H:%M UTC").to_string(),
    }))
}

#[component]
pub fn SentPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(move || params.read().get("id").unwrap_or_default(), feedback_sent);
    view! {
        <Title text="Observation sent"/>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(data)) => view! {
                        <div class="nhsuk-panel">
                            <h1 class="nhsuk-panel__title">"Observation sent"</h1>
                            <p class="nhsuk-panel__body">"Your reference is " <strong data-testid="reference">{data.reference}</strong></p>
                        </div>
                        <p>{format!("The integrated commissioning unit received it on {}.", data.received)}</p>
                        <h2>"What happens next"</h2>
                        <p>"The quality team reviews every observation. Urgent ones are looked at within 1 working day."</p>
                        <p><a href="/feedback">"Tell us about another visit"</a></p>
                    }
                    .into_any(),
                    // Another device's id, or none: the same 404 as any unknown page.
                    _ => {
                        crate::answer_not_found();
                        view! {
                        <h1>"Page not found"</h1>
                        <p><a href="/feedback">"Go to the start of the form"</a></p>
                        }
                        .into_any()
                    }
                }
            })}
        </Transition>
    }
}
