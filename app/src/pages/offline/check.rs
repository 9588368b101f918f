//! `#/draft/{id}/check`: every answer with a "Change" link, then "Send",
//! which puts the form in the outbox (on the phone) and tries to send it.

use leptos::{either::Either, prelude::*, task::spawn_local};
use leptos_meta::Title;
use uuid::Uuid;

use super::{change_href, clock, done_href, home::Missing, outbox::StorageRisk, phone, service_name, state::OfflineState, sync};
use crate::{
    domain::{forms, submission::SubmissionRequest},
    pages::feedback::{check::AnswerSummary, fields::SafeguardingPanel},
};

#[component]
pub fn CheckPage(draft: Uuid) -> impl IntoView {
    let state = expect_context::<OfflineState>();
    let Some(stored) = phone::draft(draft) else { return Either::Right(view! { <Missing/> }) };
    let Some(form) = forms::find(&stored.form_id, stored.form_version) else { return Either::Right(view! { <Missing/> }) };
    let today = clock::today();
    let answers = form.valid_answers(&stored.answers, today);
    let register = state.register.get_untracked();
    let service_name = answers.service().and_then(|id| service_name(&register, id.as_str()));
    let rows: Vec<(String, String, String)> = form
        .in_words(&answers, service_name.as_deref())
        .into_iter()
        .map(|(slug, question, text)| (question.label.clone(), text, change_href(draft, slug)))
        .collect();
    let risk_of_harm = form.at_risk_of_harm(&answers);
    let safeguarding = state.profile.get_untracked().map(|p| p.safeguarding_route).unwrap_or_default();
    let back = form.pages.last().map_or_else(|| super::HOME_HREF.to_owned(), |page| super::step_href(draft, &page.slug));

    let saving = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let send = move |_| {
        let Some(current) = phone::draft(draft) else { return };
        // A page left unanswered (or changed in another tab) goes back to be fixed.
        if let Some((page, problems)) = form.first_incomplete_page(&current.answers, clock::today()) {
            let slug = page.slug.clone();
            let saved = phone::edit_draft(draft, clock::now(), |d| {
                d.problems.insert(slug.clone(), problems);
            });
            if state.note(saved).is_some() {
                super::address::go(&change_href(draft, &slug));
            }
            return;
        }
        let answers = form.asked(&current.answers, clock::today());
        let request = SubmissionRequest {
            id: current.id,
            form_id: current.form_id.clone(),
            form_version: current.form_version,
            answers: answers.clone(),
            submitted_at: clock::now_with_offset(),
        };
        if saving.get_untracked() {
            return;
        }
        let _ = phone::queue(request, clock::now());
        let _ = phone::remember(&answers);
        saving.set(true);
        failed.set(None);
        // "Saved" only once the form is on disk: a browser killed a moment
        // after the tap must find it in the outbox.
        spawn_local(async move {
            let saved = phone::saved().await;
            saving.set(false);
            state.reload();
            match saved {
                Ok(()) => {
                    super::address::go(&done_href(draft));
                    sync::flush(state);
                }
                Err(message) => failed.set(Some(message)),
            }
        });
    };
    Either::Left(view! {
        <Title text="Check your answers before sending"/>
        <a class="nhsuk-back-link" href=back>"Back"</a>
        <span class="nhsuk-caption-l">{form.title.clone()}</span>
        <h1>"Check your answers before sending"</h1>
        {risk_of_harm.then(|| view! { <SafeguardingPanel route=safeguarding.clone()/> })}
        <AnswerSummary rows/>
        <h2>"Now send your observation"</h2>
        <p>"The integrated commissioning unit's quality team will see it. With no signal, it waits on this phone and is sent when you are back online."</p>
        {move || failed.get().map(|message| view! {
            <p class="nhsuk-error-message" role="alert" data-testid="send-failed">"Not saved: "{message}</p>
        })}
        <button class="nhsuk-button" type="button" on:click=send aria-disabled=move || saving.get().then_some("true")>
            {move || if saving.get() { "Saving…" } else { "Send observation" }}
        </button>
        <StorageRisk/>
    })
}
