//! The start page's "Sent" list: each form sent from this phone, newest
//! first, with its reference, where it is in the unit's workflow, and what
//! the unit chose to share ("You said, we did"). All of it is kept on the
//! phone, so it shows with no signal.

use leptos::prelude::*;

use super::{clock, phone::SentItem, reference, service_name, state::OfflineState};
use crate::domain::{
    forms,
    news::{SentState, SharedNote},
};

#[component]
pub fn SentList() -> impl IntoView {
    let state = expect_context::<OfflineState>();
    view! {
        <Show when=move || state.sent.with(|sent| !sent.is_empty())>
            <h2>"Sent"</h2>
            <p class="nhsuk-hint">"What the quality team did about each form, as they last told this phone."</p>
            <ul class="nhsuk-list sent">
                <For each=move || state.sent.get() key=|item| (item.receipt.id, item.state, item.shared.len()) let:item>
                    <SentEntry item/>
                </For>
            </ul>
        </Show>
    }
}

#[component]
fn SentEntry(item: SentItem) -> impl IntoView {
    let state = expect_context::<OfflineState>();
    let home = state.register.with_untracked(|register| service_name(register, &item.service)).unwrap_or_else(|| {
        if item.service.is_empty() {
            "A care home".to_owned()
        } else {
            item.service.clone()
        }
    });
    let form = forms::find(&item.form_id, item.form_version).map_or_else(|| "Form".to_owned(), |form| form.title.clone());
    view! {
        <li class="sent__item" data-testid="sent-item">
            <h3 class="nhsuk-heading-s">{home}</h3>
            <p class="nhsuk-hint">
                {format!("{form} · sent at {} · reference ", clock::describe(item.confirmed_at))}
                <strong data-testid="sent-reference">{reference(item.receipt.id)}</strong>
            </p>
            <Progress state=item.state shared=item.shared/>
        </li>
    }
}

/// Where a sent form is, and the notes shared about it.
#[component]
pub fn Progress(state: Option<SentState>, shared: Vec<SharedNote>) -> impl IntoView {
    let state = state.unwrap_or(SentState::Received);
    let tag = match state {
        SentState::Received => "nhsuk-tag nhsuk-tag--grey",
        SentState::BeingLookedAt => "nhsuk-tag nhsuk-tag--blue",
        SentState::ActionTaken => "nhsuk-tag nhsuk-tag--purple",
        SentState::Closed => "nhsuk-tag nhsuk-tag--green",
    };
    let said = (!shared.is_empty()).then(|| {
        let notes = shared
            .into_iter()
            .map(|note| {
                let outcome = note.outcome.map(|outcome| view! { <strong>{format!("{outcome}. ")}</strong> });
                view! {
                    <li>
                        <p class="sent__note">{outcome}{note.text}</p>
                        <p class="nhsuk-hint">{note.at.format("%-d %B %Y").to_string()}</p>
                    </li>
                }
            })
            .collect_view();
        view! {
            <div class="nhsuk-inset-text sent__said" data-testid="you-said">
                <h4 class="nhsuk-heading-xs">"You said, we did"</h4>
                <ul class="nhsuk-list">{notes}</ul>
            </div>
        }
    });
    view! {
        <p class="sent__state"><strong class=tag data-testid="sent-state">{state.label()}</strong></p>
        {said}
    }
}
