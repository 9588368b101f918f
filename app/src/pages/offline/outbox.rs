//! The outbox as the person sees it: how many forms are waiting, when the
//! last one got through, the last error, "Send now", and any form the server
//! refused, with its reason. Nothing leaves this list silently.

use leptos::prelude::*;

use crate::domain::forms;

use super::{
    clock,
    phone::{self, OutboxItem},
    reference,
    state::OfflineState,
    sync,
};

/// The failure a send records when the server could not be reached at all.
pub const NO_CONNECTION: &str = "No connection to the server.";

/// On the start page: a quiet line when nothing waits, and when something
/// does, a box listing it by home, in calm words. Being offline is normal on
/// a visit; the phone sends by itself when the signal returns.
#[component]
pub fn OutboxStatus() -> impl IntoView {
    let state = expect_context::<OfflineState>();
    let waiting = move || state.waiting();
    let rejected = move || state.outbox.get().into_iter().filter(|item| item.rejected.is_some()).collect::<Vec<_>>();
    let anything = move || waiting() > 0 || !rejected().is_empty();
    let status = view! {
        <p role="status" data-testid="outbox-status" class:nhsuk-hint=move || !anything()>
            {move || match waiting() {
                0 => "Nothing waiting to be sent.".to_owned(),
                1 => "1 form waiting to be sent.".to_owned(),
                n => format!("{n} forms waiting to be sent."),
            }}
            {move || state.sending.get().then_some(" Sending now…")}
        </p>
    };
    view! {
        <div class:outbox=anything data-testid="outbox">
            <Show when=anything>
                <h2>"Waiting to send"</h2>
            </Show>
            {status}
            <Show when=move || { waiting() > 0 }>
                <WaitingList/>
                <p class="nhsuk-hint" data-testid="sync-error">{move || why_waiting(state)}</p>
                <p class="nhsuk-hint" data-testid="last-sent">{move || match state.log.get().last_success {
                    Some(at) => format!("Last sent at {}.", clock::describe(at)),
                    None => "Nothing sent from this phone yet.".to_owned(),
                }}</p>
                <button class="nhsuk-button nhsuk-button--secondary" type="button" on:click=move |_| sync::flush(state)>"Send now"</button>
            </Show>
            <Show when=move || !rejected().is_empty()>
                <h3>"Not accepted by the server"</h3>
                <ul class="nhsuk-list">
                    <For each=rejected key=|item| item.request.id let:item>
                        <RejectedItem item/>
                    </For>
                </ul>
            </Show>
        </div>
    }
}

/// Why the forms are still here and what happens next, without alarm.
fn why_waiting(state: OfflineState) -> String {
    let retry = state.next_retry.get().map(|at| format!(" Trying again at {}.", clock::describe(at))).unwrap_or_default();
    if !window().navigator().on_line() {
        return "No signal. It will send by itself.".to_owned();
    }
    match state.log.get().last_error {
        None => String::new(),
        Some(error) if error == NO_CONNECTION => format!("The server cannot be reached just now. It will send by itself.{retry}"),
        Some(error) => format!("Not sent yet: {error} It will try again by itself.{retry}"),
    }
}

/// The forms waiting, by home, newest last.
#[component]
fn WaitingList() -> impl IntoView {
    let state = expect_context::<OfflineState>();
    let items = move || {
        let register = state.register.get();
        state
            .outbox
            .get()
            .into_iter()
            .filter(|item| item.rejected.is_none())
            .map(|item| {
                let home = item.request.answers.one("service").map_or_else(
                    || "Service not chosen".to_owned(),
                    |location| super::service_name(&register, location).unwrap_or_else(|| location.to_owned()),
                );
                let form = forms::find(&item.request.form_id, item.request.form_version)
                    .map_or_else(|| item.request.form_id.clone(), |f| f.title.clone());
                (item.request.id, home, format!("{form}, saved at {}", clock::describe(item.queued_at)))
            })
            .collect::<Vec<_>>()
    };
    view! {
        <ul class="nhsuk-list waiting" data-testid="waiting">
            <For each=items key=|(id, _, _)| *id let:((_, home, what))>
                <li><strong>{home}</strong><br/><span class="nhsuk-hint">{what}</span></li>
            </For>
        </ul>
    }
}

#[component]
fn RejectedItem(item: OutboxItem) -> impl IntoView {
    let state = expect_context::<OfflineState>();
    let id = item.request.id;
    let rejection = item.rejected.unwrap_or_else(|| phone::Rejection { reason: String::new(), fields: Vec::new() });
    let form = crate::domain::forms::find(&item.request.form_id, item.request.form_version);
    // The server's problems, on the pages that ask for those answers.
    let mut problems = std::collections::BTreeMap::<String, Vec<crate::domain::FieldError>>::new();
    for problem in &rejection.fields {
        if let Some(page) = form.and_then(|form| form.page_of_field(&problem.field)) {
            problems.entry(page.slug.clone()).or_default().push(problem.clone());
        }
    }
    let first_page = form.and_then(|form| form.pages.iter().find(|page| problems.contains_key(&page.slug))).map(|page| page.slug.clone());
    // Offered only where the server named answers this phone can show on a page.
    let correct = first_page.map(|slug| {
        move |_| {
            if let Some(Some(_)) = state.note(phone::reopen_refused(id, problems.clone(), clock::now())) {
                state.reload();
                super::address::go(&super::step_href(id, &slug));
            }
        }
    });
    let remove = move |_| {
        let sure = window().confirm_with_message("Remove this form from the phone? It has not been received.").unwrap_or(false);
        if sure {
            if let Some(items) = state.note(phone::remove_from_outbox(id)) {
                state.outbox.set(items);
            }
        }
    };
    view! {
        <li class="outbox__rejected" data-testid="rejected">
            <p><strong>{format!("Form {}", reference(id))}</strong>": "{rejection.reason}</p>
            <ul>{rejection.fields.into_iter().map(|field| view! { <li>{field.message}</li> }).collect_view()}</ul>
            {correct.map(|correct| view! {
                <button class="nhsuk-button nhsuk-button--secondary" type="button" on:click=correct>
                    "Correct and send again"<span class="nhsuk-u-visually-hidden">{format!(" form {}", reference(id))}</span>
                </button>
            })}
            <button class="nhsuk-button nhsuk-button--warning" type="button" on:click=remove>
                "Remove"<span class="nhsuk-u-visually-hidden">{format!(" form {}", reference(id))}</span>
            </button>
        </li>
    }
}

/// "An update is ready": the new version is installed and takes over next time.
#[component]
pub fn UpdateNotice() -> impl IntoView {
    let state = expect_context::<OfflineState>();
    view! {
        <Show when=move || state.update_ready.get()>
            <div class="nhsuk-inset-text" role="status" data-testid="update-ready">
                <p>"An update to this app is ready. It is used the next time you open the app. Your drafts and unsent forms are kept."</p>
            </div>
        </Show>
    }
}

/// A failure to save on the phone, which the person must know about.
#[component]
pub fn StorageProblem() -> impl IntoView {
    let state = expect_context::<OfflineState>();
    let problem = move || state.storage_error.get().or_else(|| state.storage_notice.get());
    move || problem().map(|error| view! { <p class="nhsuk-error-message" role="alert" data-testid="storage-problem">{error}</p> })
}

/// The browser may evict what the app keeps, or the phone is nearly full:
/// said calmly on the start page and beside "Send".
#[component]
pub fn StorageRisk() -> impl IntoView {
    let state = expect_context::<OfflineState>();
    move || state.storage_risk.get().map(|risk| view! { <p class="nhsuk-inset-text" data-testid="storage-risk">{risk}</p> })
}
