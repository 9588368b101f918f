//! Leaving a phone: "Leave this phone" on the start page (a phone passed on,
//! a placement ending) deletes everything the app keeps here after a warning
//! that lists what has not been sent; a phone whose enrolment the unit
//! withdrew (lost or stolen) does the same by itself and says why.

use leptos::{prelude::*, task::spawn_local};

use super::{network, phone, reference, service_name, state::OfflineState};

#[component]
pub fn LeavePhone() -> impl IntoView {
    let state = expect_context::<OfflineState>();
    let asking = RwSignal::new(false);
    let leaving = RwSignal::new(false);
    let leave = move |_| {
        if leaving.get_untracked() {
            return;
        }
        leaving.set(true);
        spawn_local(async move {
            // With signal, the enrolment ends too; without, the phone still forgets everything.
            let _ = network::delete("/api/v1/devices/me").await;
            forget_everything(state, "Everything this app kept on this phone has been deleted.").await;
        });
    };
    view! {
        <h2>"Leave this phone"</h2>
        <p>"If you will not use this phone for visits again, or it is going to someone else, delete everything the app keeps on it."</p>
        <Show when=move || asking.get()
            fallback=move || view! {
                <button class="nhsuk-button nhsuk-button--secondary" type="button" on:click=move |_| asking.set(true)>"Leave this phone"</button>
            }>
            <div class="nhsuk-warning-callout" data-testid="leave-warning">
                <h3 class="nhsuk-warning-callout__label">"This deletes everything"</h3>
                <p>"Drafts, forms not sent yet, receipts and this phone's enrolment are deleted. This cannot be undone."</p>
                <Unsent/>
                <button class="nhsuk-button nhsuk-button--warning" type="button" on:click=leave>"Delete everything and leave"</button>
                " "
                <button class="nhsuk-button nhsuk-button--secondary" type="button" on:click=move |_| asking.set(false)>"Cancel"</button>
            </div>
        </Show>
    }
}

/// The forms that would be lost, by home.
#[component]
fn Unsent() -> impl IntoView {
    let state = expect_context::<OfflineState>();
    move || {
        let register = state.register.get();
        let waiting = state.outbox.get();
        (!waiting.is_empty()).then(|| {
            let rows = waiting
                .into_iter()
                .map(|item| {
                    let home = item.request.answers.one("service").and_then(|id| service_name(&register, id));
                    let home = home.unwrap_or_else(|| "a care home".to_owned());
                    view! { <li>{format!("Form {} about {home}", reference(item.request.id))}</li> }
                })
                .collect_view();
            view! {
                <p><strong>{move || match state.outbox.with(Vec::len) {
                    1 => "1 form has not been sent and will be lost:".to_owned(),
                    n => format!("{n} forms have not been sent and will be lost:"),
                }}</strong></p>
                <ul data-testid="leave-unsent">{rows}</ul>
            }
        })
    }
}

/// The server says this phone's enrolment was withdrawn: what it keeps
/// could be in the wrong hands, so it is deleted, and the person told why.
pub fn forget_withdrawn(state: OfflineState) {
    spawn_local(forget_everything(
        state,
        "This phone's enrolment was withdrawn by the commissioning unit, so the app has deleted everything it kept here. Enrol it again with a new access code.",
    ));
}

async fn forget_everything(state: OfflineState, why: &'static str) {
    let outcome = phone::wipe().await;
    state.clear();
    state.storage_notice.set(Some(match outcome {
        Ok(()) => why.to_owned(),
        Err(err) => format!("{why} Part of it could not be deleted: {err}"),
    }));
}
