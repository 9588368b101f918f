//! `/feedback/check`: every answer with a "Change" link, then "Send".

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use super::{fields::SafeguardingPanel, Gate, Gated, LoadFailed};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckData {
    pub form_title: String,
    /// (question, answer in words, change link)
    pub rows: Vec<(String, String, String)>,
    pub risk_of_harm: bool,
    pub safeguarding: String,
}

#[server(endpoint = "v1/feedback/check")]
pub async fn feedback_check() -> Result<Result<CheckData, Gate>, ServerFnError> {
    use super::ssr::{internal, Journey};
    use crate::domain::forms;
    let journey = Journey::load().await?;
    let Some((_, draft)) = journey.device_and_draft() else { return Ok(Err(journey.gate())) };
    let form = forms::find(&draft.form_id, draft.form_version).ok_or_else(|| ServerFnError::new("form missing"))?;
    let answers = form.valid_answers(&draft.answers, chrono::Utc::now().date_naive());
    let service_name = match answers.service() {
        Some(id) => journey.store.service(id).await.map_err(internal)?.map(|service| service.name_and_town()),
        None => None,
    };
    let rows = form
        .in_words(&answers, service_name.as_deref())
        .into_iter()
        .map(|(slug, question, text)| (question.label.clone(), text, format!("/feedback/{slug}?return=check")))
        .collect();
    Ok(Ok(CheckData {
        form_title: form.title.clone(),
        rows,
        risk_of_harm: form.at_risk_of_harm(&answers),
        safeguarding: journey.safeguarding(),
    }))
}

#[component]
pub fn CheckAnswersPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| feedback_check());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(data)) => view! { <Check data/> }.into_any(),
                    Ok(Err(gate)) => view! { <Gated gate/> }.into_any(),
                    Err(_) => view! { <LoadFailed/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Check(data: CheckData) -> impl IntoView {
    view! {
        <Title text="Check your answers before sending"/>
        <a class="nhsuk-back-link" href="/feedback/contact">"Back"</a>
        <span class="nhsuk-caption-l">{data.form_title}</span>
        <h1>"Check your answers before sending"</h1>
        {data.risk_of_harm.then(|| view! { <SafeguardingPanel route=data.safeguarding.clone()/> })}
        <AnswerSummary rows=data.rows/>
        <h2>"Now send your observation"</h2>
        <p>"The integrated commissioning unit's quality team will see it. You cannot change it once it is sent."</p>
        <form method="post" action="/feedback/check" novalidate>
            <button class="nhsuk-button" type="submit">"Send observation"</button>
        </form>
    }
}

/// Each answer with its "Change" link: (question, answer in words, link).
#[component]
pub(crate) fn AnswerSummary(rows: Vec<(String, String, String)>) -> impl IntoView {
    view! {
        <dl class="nhsuk-summary-list">
            {rows
                .into_iter()
                .map(|(question, answer, href)| {
                    let hidden = question.to_lowercase();
                    view! {
                        <div class="nhsuk-summary-list__row">
                            <dt class="nhsuk-summary-list__key">{question}</dt>
                            <dd class="nhsuk-summary-list__value">{answer}</dd>
                            <dd class="nhsuk-summary-list__actions">
                                <a href=href>"Change"<span class="nhsuk-u-visually-hidden">{format!(" {hidden}")}</span></a>
                            </dd>
                        </div>
                    }
                })
                .collect_view()}
        </dl>
    }
}
