//! `/feedback/:slug`: one page of the form. Its form posts to the same
//! address; the server saves the answers and redirects to the next page, or
//! back here with the problems.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    check::CheckAnswersPage, error_summary::ErrorSummary, feedback_page, field_context::FieldContext, fields::QuestionField, Gated,
    LoadFailed, PageData,
};
use crate::domain::{forms::QuestionKind, register::RegisterPage as RegisterResults};

/// `/feedback/:slug`, where the slug `check` is the check-your-answers page
/// (one route, so the server's and the browser's routers cannot disagree).
#[component]
pub fn QuestionPage() -> impl IntoView {
    let params = use_params_map();
    let is_check = Memo::new(move |_| params.read().get("slug").as_deref() == Some("check"));
    move || if is_check.get() { view! { <CheckAnswersPage/> }.into_any() } else { view! { <QuestionOnPage/> }.into_any() }
}

/// A question page, its data following the address as the router changes it.
#[component]
fn QuestionOnPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let query = query.read();
            (
                params.read().get("slug").unwrap_or_default(),
                query.get("q").unwrap_or_default(),
                query.get("return").as_deref() == Some("check"),
            )
        },
        |(slug, q, return_to_check)| feedback_page(slug, q, return_to_check),
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(data)) => view! { <Question data/> }.into_any(),
                    Ok(Err(gate)) => view! { <Gated gate/> }.into_any(),
                    Err(_) => view! { <LoadFailed/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Question(data: PageData) -> impl IntoView {
    let PageData { form_title, page, values, problems, back_href, return_to_check, services, safeguarding, today } = data;
    let action = format!("/feedback/{}{}", page.slug, if return_to_check { "?return=check" } else { "" });
    let back_href = if return_to_check { "/feedback/check".to_owned() } else { back_href };
    // The service picker draws no label of its own, so its page needs the h1.
    let first_is_heading = page.questions.first().is_some_and(|q| q.label == page.title && !matches!(q.kind, QuestionKind::ServicePicker));
    let title = if problems.is_empty() { page.title.clone() } else { format!("Error: {}", page.title) };
    let cx = FieldContext { page: page.clone(), values, problems: problems.clone(), today, safeguarding };
    let is_picker = page.questions.iter().any(|q| matches!(q.kind, QuestionKind::ServicePicker));
    let questions = page
        .questions
        .iter()
        .enumerate()
        .filter(|(_, q)| !cx.is_follow_up(q) && !matches!(q.kind, QuestionKind::ServicePicker))
        .map(|(n, q)| view! { <QuestionField question=q.clone() cx=cx.clone() as_heading=n == 0 && first_is_heading/> })
        .collect_view();
    view! {
        <Title text=title/>
        <a class="nhsuk-back-link" href=back_href>"Back"</a>
        <ErrorSummary problems/>
        <span class="nhsuk-caption-l">{form_title}</span>
        {(!first_is_heading).then(|| view! { <h1>{page.title.clone()}</h1> })}
        {is_picker.then(|| view! { <ServiceSearch slug=page.slug.clone()/> })}
        <form method="post" action=action novalidate>
            {services.map(|results| view! { <ServiceChoices results chosen=cx.values.0.get("service").cloned()/> })}
            {questions}
            <button class="nhsuk-button" type="submit">"Continue"</button>
        </form>
    }
}

/// The search box above the service choices: a GET form, so it works without JavaScript.
#[component]
fn ServiceSearch(slug: String) -> impl IntoView {
    view! {
        <form class="search" method="get" action=format!("/feedback/{slug}") role="search">
            <label class="nhsuk-label" for="q">"Search by name or town"</label>
            <div class="search__row">
                <input class="nhsuk-input" id="q" name="q" type="text" enterkeyhint="search" autocomplete="off" spellcheck="false" maxlength="100"/>
                <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Search"</button>
            </div>
        </form>
    }
}

#[component]
pub(crate) fn ServiceChoices(results: RegisterResults, chosen: Option<crate::domain::forms::RawValue>) -> impl IntoView {
    use crate::domain::forms::RawValue;
    let chosen = match chosen {
        Some(RawValue::One(value)) => value,
        _ => String::new(),
    };
    let only_chosen = results.services.iter().all(|service| service.location_id.as_str() == chosen);
    let heading = match results.query.as_str() {
        "" if only_chosen => "Your service".to_owned(),
        "" => "Recently visited".to_owned(),
        query => format!("Services matching “{query}”"),
    };
    view! {
        <fieldset class="nhsuk-fieldset">
            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">{heading}</legend>
            {results.services.is_empty().then(|| view! { <p class="nhsuk-hint" id="service">"Search for the service by its name or town."</p> })}
            <div class="nhsuk-radios">
                {results
                    .services
                    .into_iter()
                    .enumerate()
                    .map(|(n, service)| {
                        let id = if n == 0 { "service".to_owned() } else { format!("service-{}", n + 1) };
                        let value = service.location_id.as_str().to_owned();
                        let checked = value == chosen;
                        view! {
                            <div class="nhsuk-radios__item">
                                <input class="nhsuk-radios__input" id=id.clone() name="service" type="radio" value=value checked=checked/>
                                <label class="nhsuk-label nhsuk-radios__label" for=id>
                                    {service.name.as_str().to_owned()}
                                    <span class="nhsuk-hint nhsuk-radios__hint">{format!("{} · {}", service.kind.label(), service.town.as_str())}</span>
                                </label>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
}
