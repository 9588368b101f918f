//! `#/`: the app's start page: who this phone is enrolled as, "Give feedback
//! about a care home" first, then what is waiting to be sent, the drafts to
//! carry on with, and the checklists for this person's role.

use leptos::{either::EitherOf3, ev::MouseEvent, prelude::*};
use leptos_meta::Title;
use uuid::Uuid;

use super::{
    address, check_href, clock,
    leave::LeavePhone,
    new_href,
    outbox::{OutboxStatus, StorageProblem, StorageRisk, UpdateNotice},
    phone::{self, LocalDraft, DAY_MS},
    sent::SentList,
    service_name,
    state::{Enrolment, OfflineState},
    step_href, HOME_HREF,
};
use crate::domain::forms::{self, RawAnswers, RawValue, PROFESSIONAL_FEEDBACK};

/// Drafts this close to expiry carry a warning.
const WARN_DAYS_BEFORE_EXPIRY: i64 = 3;

#[component]
pub fn Home() -> impl IntoView {
    let state = expect_context::<OfflineState>();
    Effect::new(super::mark_interactive);
    let keeps_anything =
        move || state.profile.with(Option::is_some) || state.drafts.with(|d| !d.is_empty()) || state.outbox.with(|o| !o.is_empty());
    let can_start = move || state.profile.with(Option::is_some) && state.enrolment.get() != Enrolment::Revoked;
    view! {
        <Title text="Tell us what you saw"/>
        <UpdateNotice/>
        <StorageProblem/>
        <h1>"Tell us what you saw"</h1>
        <EnrolmentStatus/>
        // The one thing most visits come for, first and above the fold.
        <Show when=can_start>
            <StartFeedback start=starts(state, PROFESSIONAL_FEEDBACK.to_owned())/>
        </Show>
        <OutboxStatus/>
        <Drafts/>
        <Show when=can_start>
            <Checklists/>
        </Show>
        <SentList/>
        <Show when=keeps_anything>
            <LeavePhone/>
        </Show>
        // Before enrolment the phone keeps nothing the browser could evict. Last:
        // the browser answers a moment after the page is drawn, and said higher
        // up it would push down what was already there.
        <Show when=keeps_anything>
            <StorageRisk/>
        </Show>
    }
}

#[component]
fn EnrolmentStatus() -> impl IntoView {
    let state = expect_context::<OfflineState>();
    move || match (state.enrolment.get(), state.profile.get()) {
        (Enrolment::Revoked, _) => EitherOf3::A(view! { <EnrolmentWithdrawn/> }),
        (Enrolment::NotEnrolled, _) | (Enrolment::Unconfirmed | Enrolment::Confirmed, None) => EitherOf3::B(view! { <EnrolFirst/> }),
        (_, Some(profile)) => EitherOf3::C(view! { <EnrolledAs name=profile.name organisation=profile.organisation/> }),
    }
}

// The pieces below are drawn by the server too, before the app runs
// (`first.rs`), so the page does not change where the two agree.

#[component]
pub fn EnrolmentWithdrawn() -> impl IntoView {
    view! {
        <div class="nhsuk-warning-callout" role="alert">
            <h2 class="nhsuk-warning-callout__label">"Enrolment withdrawn"</h2>
            <p>"This device's enrolment was withdrawn. Enrol it again with a new access code."</p>
            <a href="/enrol?next=app">"Enrol this device"</a>
        </div>
    }
}

#[component]
pub fn EnrolFirst() -> impl IntoView {
    view! {
        <super::AppPurpose/>
        <p>"Before your first form, enrol this phone with the access code your organisation gave you. You only do this once, and you need a signal for it."</p>
        <a class="nhsuk-button" href="/enrol?next=app" role="button" draggable="false" rel="external">"Enrol this device"</a>
    }
}

#[component]
pub fn EnrolledAs(name: String, organisation: String) -> impl IntoView {
    view! { <p class="nhsuk-hint" data-testid="enrolled-as">{format!("Enrolled as {name}, {organisation}.")}</p> }
}

/// The one thing most visits come for. A link to `#/new/…`, so it works
/// from the server's page too: following it there starts the app, which then
/// starts the draft. In the running app, `start` starts it at once.
#[component]
pub fn StartFeedback(#[prop(optional)] start: Option<Callback<MouseEvent>>) -> impl IntoView {
    view! {
        <a class="nhsuk-button" href=new_href(PROFESSIONAL_FEEDBACK) role="button" draggable="false" on:click=move |ev| run(start, ev)>
            "Give feedback about a care home"
        </a>
    }
}

#[component]
pub fn ChecklistItem(
    id: String,
    title: String,
    description: String,
    #[prop(optional)] start: Option<Callback<MouseEvent>>,
) -> impl IntoView {
    view! {
        <li class="checklists__item">
            <a class="nhsuk-button nhsuk-button--secondary" href=new_href(&id) role="button" draggable="false" on:click=move |ev| run(start, ev)>
                {format!("Start: {title}")}
            </a>
            <p class="nhsuk-hint">{description}</p>
        </li>
    }
}

fn run(start: Option<Callback<MouseEvent>>, ev: MouseEvent) {
    if let Some(start) = start {
        start.run(ev);
    }
}

/// Starts a draft of the form and shows its first page, in place of
/// following the link (which would pass through `#/new/…`).
fn starts(state: OfflineState, form_id: String) -> Callback<MouseEvent> {
    Callback::new(move |ev: MouseEvent| {
        ev.prevent_default();
        if let Some((id, slug)) = start_draft(state, &form_id) {
            address::go(&step_href(id, &slug));
        }
    })
}

/// The observation checklists offered to a role (by id, version, title and
/// description): every form but the feedback form, newest version of each,
/// including those published since this release.
pub fn checklists_for(role: &str) -> Vec<(String, u32, String, String)> {
    let mut ids: Vec<&str> = Vec::new();
    for form in forms::definitions() {
        if !ids.contains(&form.id.as_str()) {
            ids.push(form.id.as_str());
        }
    }
    ids.into_iter()
        .filter(|id| *id != PROFESSIONAL_FEEDBACK && forms::checklist_offered_to(id, role))
        .filter_map(forms::latest)
        .map(|form| (form.id.as_str().to_owned(), form.version, form.title.clone(), form.description.clone().unwrap_or_default()))
        .collect()
}

#[component]
fn Drafts() -> impl IntoView {
    let state = expect_context::<OfflineState>();
    let sorted = move || {
        let mut drafts = state.drafts.get();
        drafts.sort_by(|a, b| b.updated_at.total_cmp(&a.updated_at));
        drafts
    };
    view! {
        <h2>"Drafts"</h2>
        <p data-testid="draft-count">{move || match state.drafts.with(Vec::len) {
            0 => "No drafts on this phone.".to_owned(),
            1 => "1 draft".to_owned(),
            n => format!("{n} drafts"),
        }}</p>
        <ul class="nhsuk-list drafts">
            <For each=sorted key=|draft| (draft.id, draft.updated_at.to_bits()) let:draft>
                <DraftItem draft/>
            </For>
        </ul>
    }
}

#[component]
fn DraftItem(draft: LocalDraft) -> impl IntoView {
    let state = expect_context::<OfflineState>();
    let id = draft.id;
    let chosen =
        draft.answers.one("service").and_then(|location| state.register.with_untracked(|register| service_name(register, location)));
    let title = chosen.unwrap_or_else(|| "Service not chosen yet".to_owned());
    let days_left = (f64::from(state.expiry_days()) - (clock::now() - draft.updated_at) / DAY_MS).ceil() as i64;
    let warning = (days_left <= WARN_DAYS_BEFORE_EXPIRY).then(|| {
        let days = days_left.max(1);
        let text =
            if days <= 1 { "Deleted tomorrow unless you send it".to_owned() } else { format!("Deleted in {days} days unless you send it") };
        view! { <strong class="nhsuk-tag nhsuk-tag--orange" data-testid="expiry-warning">{text}</strong> }
    });
    let resume = resume_href(&draft);
    let form = forms::find(&draft.form_id, draft.form_version).map_or_else(|| draft.form_id.clone(), |form| form.title.clone());
    let delete = move |_| {
        let sure = window().confirm_with_message("Delete this draft? Its answers cannot be recovered.").unwrap_or(false);
        if sure {
            if let Some(drafts) = state.note(phone::delete_draft(id)) {
                state.drafts.set(drafts);
            }
        }
    };
    let hidden = format!(" draft for {title}");
    view! {
        <li class="drafts__item" data-testid="draft">
            <h3 class="nhsuk-heading-s">{title.clone()}</h3>
            <p class="nhsuk-hint">{format!("{form} · last changed at {}", clock::describe(draft.updated_at))}</p>
            {warning}
            <div class="drafts__actions">
                <a class="nhsuk-button nhsuk-button--secondary" href=resume role="button" draggable="false">
                    "Continue"<span class="nhsuk-u-visually-hidden">{hidden.clone()}</span>
                </a>
                <button class="nhsuk-button nhsuk-button--warning" type="button" on:click=delete>
                    "Delete"<span class="nhsuk-u-visually-hidden">{hidden}</span>
                </button>
            </div>
        </li>
    }
}

/// Where "Continue" takes a draft: its first page still to answer, or the check page.
fn resume_href(draft: &LocalDraft) -> String {
    let Some(form) = forms::find(&draft.form_id, draft.form_version) else { return HOME_HREF.to_owned() };
    match form.first_incomplete_page(&draft.answers, clock::today()) {
        Some((page, _)) => step_href(draft.id, &page.slug),
        None => check_href(draft.id),
    }
}

/// The observation checklists offered to this person's role, including
/// those the phone picked up at its last sync.
#[component]
fn Checklists() -> impl IntoView {
    let state = expect_context::<OfflineState>();
    let checklists = Memo::new(move |_| {
        state.forms_changed.track();
        let role = state.profile.with(|profile| profile.as_ref().map(|p| p.role.clone())).unwrap_or_default();
        checklists_for(&role)
    });
    let any = move || checklists.with(|list| !list.is_empty());
    view! {
        <Show when=any>
            <h2>"Observation checklists"</h2>
        </Show>
        <ul class="nhsuk-list checklists">
            // Keyed by version too: a newly published version replaces its row.
            <For each=move || checklists.get() key=|(id, version, _, _)| (id.clone(), *version) let:((id, _version, title, description))>
                <ChecklistItem start=starts(state, id.clone()) id title description/>
            </For>
        </ul>
    }
}

/// A new draft of the newest version of a form, with the role, organisation
/// and contact (where the form asks them) from the forms sent before on this
/// phone, or else from its enrolment.
pub fn start_draft(state: OfflineState, form_id: &str) -> Option<(Uuid, String)> {
    let form = forms::latest(form_id)?;
    let remembered = phone::remembered();
    let profile = state.profile.get_untracked();
    let mut answers = RawAnswers::default();
    let role = remembered.role.or_else(|| profile.as_ref().map(|p| p.role.clone()));
    let organisation = remembered.organisation.or_else(|| profile.as_ref().map(|p| p.organisation.clone()));
    // The contact waits behind "Can we contact you?": sent only after a "Yes".
    // A contact kept from version 2's one box fills the box it fits.
    let kept = remembered.contact.clone();
    let email = remembered.email.or_else(|| kept.clone().filter(|c| c.contains('@')));
    let phone = remembered.phone.or_else(|| kept.clone().filter(|c| !c.contains('@')));
    let fields =
        [("role", role), ("organisation", organisation), ("contact_details", kept), ("contact_email", email), ("contact_phone", phone)];
    for (field, value) in fields {
        if let Some(value) = value.filter(|_| form.question(field).is_some()) {
            answers.set(field, RawValue::One(value));
        }
    }
    let draft = LocalDraft {
        id: Uuid::new_v4(),
        form_id: form.id.as_str().to_owned(),
        form_version: form.version,
        answers,
        problems: Default::default(),
        timers: Default::default(),
        updated_at: clock::now(),
    };
    let id = draft.id;
    let drafts = state.note(phone::save_draft(draft))?;
    state.drafts.set(drafts);
    Some((id, form.pages.first()?.slug.clone()))
}

/// An address in the app that leads nowhere (a deleted draft, say).
#[component]
pub fn Missing() -> impl IntoView {
    view! {
        <Title text="Page not found"/>
        <h1>"Page not found"</h1>
        <p>"This form may have been sent or deleted already."</p>
        <p><a href=HOME_HREF>"Go to the start"</a></p>
    }
}
