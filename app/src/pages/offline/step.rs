//! `#/draft/{id}/{page}`: one page of the form, drawn by the same components
//! as the server-rendered journey. Every change is saved on the phone as it
//! is made; "Continue" checks the page with the shared validation and moves
//! on, all without the network.

use leptos::{either::Either, html, prelude::*};
use leptos_meta::Title;
use uuid::Uuid;
use wasm_bindgen::JsCast;

use super::{check_href, clock, home::Missing, phone, state::OfflineState, step_href, HOME_HREF};
use crate::{
    domain::{
        forms::{self, PageOutcome, QuestionKind, RawValue, Step},
        register::{RegisterPage as RegisterResults, RegisterQuery},
    },
    pages::feedback::{
        error_summary::ErrorSummary, field_context::FieldContext, fields::QuestionField, question::ServiceChoices, tally::TimerStarts,
    },
};

/// As many services as the online search shows.
const SEARCH_RESULTS: usize = 20;

#[component]
pub fn StepPage(draft: Uuid, slug: String, change: bool) -> impl IntoView {
    let state = expect_context::<OfflineState>();
    let Some(stored) = phone::draft(draft) else { return Either::Right(view! { <Missing/> }) };
    let Some(form) = forms::find(&stored.form_id, stored.form_version) else { return Either::Right(view! { <Missing/> }) };
    let Some(page) = form.page(&slug) else { return Either::Right(view! { <Missing/> }) };
    let today = clock::today();
    provide_context(TimerStarts {
        started: Callback::new(move |question: String| phone::draft(draft).and_then(|d| d.timers.get(&question).copied())),
        start: Callback::new(move |(question, at): (String, f64)| {
            let _ = phone::edit_draft(draft, clock::now(), |d| {
                d.timers.insert(question, at);
            });
        }),
    });
    let problems = RwSignal::new(stored.problems.get(&slug).cloned().unwrap_or_default());
    let form_ref = NodeRef::<html::Form>::new();

    let back_href = if change {
        check_href(draft)
    } else {
        let earlier = form.answers_before(&slug, &stored.answers, today);
        form.previous_page(&slug, &earlier).map_or_else(|| HOME_HREF.to_owned(), |previous| step_href(draft, &previous.slug))
    };
    let posted = move || form_ref.get_untracked().map(|form| form_pairs(&form)).unwrap_or_default();
    // Saved as typed or ticked, so closing the tab loses nothing. Both `input`
    // and `change` trigger it: older browsers fire only `change` for radios
    // and checkboxes; a second save of the same answers is harmless.
    let save_as_given = move || {
        let pairs = posted();
        let saved = phone::edit_draft(draft, clock::now(), |d| page.apply(&mut d.answers, &pairs));
        if let Some(Some(_)) = state.note(saved) {
            state.drafts.set(phone::drafts());
        }
    };
    let on_submit = {
        let slug = slug.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let pairs = posted();
            let mut outcome = None;
            let saved = phone::edit_draft(draft, clock::now(), |d| {
                page.apply(&mut d.answers, &pairs);
                let next = form.continue_past_remembered(page, &d.answers, today, change);
                match &next {
                    PageOutcome::Problems(found) => d.problems.insert(slug.clone(), found.clone()),
                    PageOutcome::Next(_) => d.problems.remove(&slug),
                };
                outcome = Some(next);
            });
            let Some(Some(_)) = state.note(saved) else { return };
            state.drafts.set(phone::drafts());
            match outcome {
                Some(PageOutcome::Problems(found)) => {
                    problems.set(found);
                    focus_error_summary();
                }
                Some(PageOutcome::Next(Step::Page(next))) => super::address::go(&step_href(draft, &next.slug)),
                Some(PageOutcome::Next(Step::CheckAnswers)) => super::address::go(&check_href(draft)),
                None => {}
            }
        }
    };

    // The service picker draws no label of its own, so its page needs the h1.
    let first_is_heading = page.questions.first().is_some_and(|q| q.label == page.title && !matches!(q.kind, QuestionKind::ServicePicker));
    let is_picker = page.questions.iter().any(|q| matches!(q.kind, QuestionKind::ServicePicker));
    let search = RwSignal::new(String::new());
    let title = move || {
        if problems.with(Vec::is_empty) {
            page.title.clone()
        } else {
            format!("Error: {}", page.title)
        }
    };
    let safeguarding = state.profile.get_untracked().map(|p| p.safeguarding_route).unwrap_or_default();
    // Redrawn only when the problems change (on "Continue"), never while typing.
    let fields = move || {
        let values = phone::draft(draft).map(|d| d.answers).unwrap_or_default();
        let cx = FieldContext {
            page: page.clone(),
            values,
            problems: problems.get(),
            today: today.to_string(),
            safeguarding: safeguarding.clone(),
        };
        page.questions
            .iter()
            .enumerate()
            .filter(|(_, q)| !cx.is_follow_up(q) && !matches!(q.kind, QuestionKind::ServicePicker))
            .map(|(n, q)| view! { <QuestionField question=q.clone() cx=cx.clone() as_heading=n == 0 && first_is_heading/> })
            .collect_view()
    };
    let services = move || {
        is_picker.then(|| {
            let chosen = phone::draft(draft).and_then(|d| d.answers.0.get("service").cloned());
            let recent = phone::remembered().recent_services;
            let results = search_register(&state.register.get(), &search.get(), chosen.as_ref(), &recent);
            view! { <ServiceChoices results chosen/> }
        })
    };
    Either::Left(view! {
        <Title text=title/>
        <a class="nhsuk-back-link" href=back_href>"Back"</a>
        {move || view! { <ErrorSummary problems=problems.get()/> }}
        <span class="nhsuk-caption-l">{form.title.clone()}</span>
        {(!first_is_heading).then(|| view! { <h1>{page.title.clone()}</h1> })}
        {is_picker.then(|| view! { <ServiceSearch search/> })}
        <form node_ref=form_ref novalidate on:submit=on_submit on:change=move |_| save_as_given() on:input=move |_| save_as_given()>
            {services}
            {fields}
            <button class="nhsuk-button" type="submit">"Continue"</button>
        </form>
    })
}

/// The search box above the service choices; it filters the phone's copy of
/// the register as the person types.
#[component]
fn ServiceSearch(search: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="search" role="search">
            <label class="nhsuk-label" for="q">"Search by name or town"</label>
            <div class="search__row">
                <input class="nhsuk-input" id="q" type="text" enterkeyhint="search" autocomplete="off" spellcheck="false" maxlength="100"
                    on:input=move |ev| search.set(event_target_value(&ev))/>
            </div>
        </div>
    }
}

/// Services matching the search; with no search, the one already chosen and
/// then the homes of the last forms sent, so a regular visit is one tap.
fn search_register(
    register: &[crate::domain::register::Service],
    text: &str,
    chosen: Option<&RawValue>,
    recent: &[String],
) -> RegisterResults {
    let query = RegisterQuery::new(text);
    let services: Vec<_> = if query.text().is_empty() {
        let chosen = match chosen {
            Some(RawValue::One(id)) => Some(id.as_str()),
            _ => None,
        };
        let mut ids: Vec<&str> = chosen.into_iter().collect();
        ids.extend(recent.iter().map(String::as_str).filter(|id| Some(*id) != chosen));
        ids.into_iter().filter_map(|id| register.iter().find(|s| s.location_id.as_str() == id)).cloned().collect()
    } else {
        register.iter().filter(|s| query.matches(s)).take(SEARCH_RESULTS).cloned().collect()
    };
    RegisterResults {
        query: query.text().to_owned(),
        total_matching: services.len() as u32,
        total_in_register: register.len() as u32,
        services,
    }
}

/// The form's fields as name/value pairs, as a browser would post them.
fn form_pairs(form: &web_sys::HtmlFormElement) -> Vec<(String, String)> {
    let Ok(data) = web_sys::FormData::new_with_form(form) else { return Vec::new() };
    let Ok(Some(entries)) = js_sys::try_iter(&data) else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|entry| {
            let pair: js_sys::Array = entry.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// The error summary takes focus when it appears, as the service manual asks.
fn focus_error_summary() {
    request_animation_frame(|| {
        if let Some(summary) = document().query_selector(".nhsuk-error-summary").ok().flatten() {
            if let Ok(summary) = summary.dyn_into::<web_sys::HtmlElement>() {
                let _ = summary.focus();
            }
        }
        window().scroll_to_with_x_and_y(0.0, 0.0);
    });
}
