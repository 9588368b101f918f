//! `#/done/{id}`: what became of a form after "Send": waiting on the phone,
//! received by the server (with its reference), or refused with the reason.

use leptos::{either::EitherOf4, prelude::*};
use leptos_meta::Title;
use uuid::Uuid;

use super::{outbox::OutboxStatus, phone::SentItem, reference, sent::Progress, state::OfflineState, HOME_HREF};

#[derive(Clone, PartialEq)]
enum Fate {
    Waiting,
    Received(SentItem),
    Refused(String),
    Unknown,
}

#[component]
pub fn DonePage(id: Uuid) -> impl IntoView {
    let state = expect_context::<OfflineState>();
    let fate = Memo::new(move |_| {
        if let Some(sent) = state.sent.with(|sent| sent.iter().find(|s| s.receipt.id == id).cloned()) {
            return Fate::Received(sent);
        }
        state.outbox.with(|items| match items.iter().find(|item| item.request.id == id) {
            Some(item) => item.rejected.as_ref().map_or(Fate::Waiting, |r| Fate::Refused(r.reason.clone())),
            None => Fate::Unknown,
        })
    });
    Effect::new(move |drawn: Option<()>| {
        fate.track();
        if drawn.is_some() {
            super::address::refocus_if_lost();
        }
    });
    let panel = move || match fate.get() {
        Fate::Received(sent) => EitherOf4::A(view! {
            <Title text="Observation sent"/>
            <div class="nhsuk-panel" data-testid="sent-panel">
                <h1 class="nhsuk-panel__title">"Observation sent"</h1>
                <p class="nhsuk-panel__body">"Your reference is " <strong data-testid="reference">{reference(id)}</strong></p>
            </div>
            <p>"The quality team will look at it. If they need to know more, they will contact you if you said they could."</p>
            <p>"What they do about it shows here and under \"Sent\" on the start page."</p>
            <Progress state=sent.state shared=sent.shared/>
        }),
        Fate::Waiting => EitherOf4::B(view! {
            <Title text="Saved on this device"/>
            <h1>"Saved on this device"</h1>
            <p class="nhsuk-inset-text" data-testid="queued">"Saved on this device. It will be sent when you are back online."</p>
            <p>"Your reference is " <strong data-testid="reference">{reference(id)}</strong>"."</p>
        }),
        Fate::Refused(reason) => EitherOf4::C(view! {
            <Title text="Not accepted"/>
            <h1>"Not accepted"</h1>
            <p class="nhsuk-error-message" data-testid="refused">{reason}</p>
        }),
        Fate::Unknown => EitherOf4::D(view! {
            <Title text="Form not found"/>
            <h1>"Form not found"</h1>
            <p>"This phone has no record of that form."</p>
        }),
    };
    view! {
        {panel}
        <OutboxStatus/>
        <p><a href=HOME_HREF>"Go to the start"</a></p>
    }
}
