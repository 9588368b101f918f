//! One observation: what was seen, why it is this severity, the service and
//! its other observations, the steps that can be taken now, and the timeline.

use app::{
    domain::{
        device::ProfessionalRole,
        forms::{self, Summary, TextInput},
        register::Service,
        submission::reference,
        triage::{Outcome, ResponseTargets, Status, MAX_NOTE_CHARS},
        FieldError,
    },
    pages::feedback::error_summary::FieldErrorMessage,
};
use axum::response::Html;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::{checklist_summary, document, problems_summary, rating_tag, severity_tag, summary_row_owned, when, SummaryHeading};
use crate::store::{ConcernSummary, InboxItem, Observation, StaffSession, TriageEvent, User};

pub struct ObservationView<'a> {
    pub staff: &'a StaffSession,
    pub observation: Observation,
    pub service: Option<Service>,
    /// (question, answer in words), in form order.
    pub answers: Vec<(String, String)>,
    /// A checklist's own summary (domain, indicator or theme ratings).
    pub summary: Option<Summary>,
    pub risk_of_harm: bool,
    /// The same service's other observations, newest first.
    pub others: Vec<InboxItem>,
    pub officers: Vec<User>,
    pub targets: ResponseTargets,
    pub now: DateTime<Utc>,
    pub problem: Option<StepProblem>,
    /// A step was just taken: say what it did.
    pub step_taken: bool,
    /// The concern it is part of, if any.
    pub concern: Option<ConcernSummary>,
    /// The home's open concerns, to group it into.
    pub open_concerns: Vec<ConcernSummary>,
}

/// Why a step was not taken, with what was typed so nothing is lost.
#[derive(Clone, Debug, Default)]
pub struct StepProblem {
    /// The step's form: "assign", "note", "outcome", "close" or "reopen".
    pub step: String,
    /// The id of the field at fault.
    pub field: String,
    pub message: String,
    pub note: String,
    /// "Share this note with the visitor" was ticked.
    pub shared: bool,
}

pub fn observation(view: ObservationView<'_>) -> Html<String> {
    let obs = &view.observation;
    let receipt = &obs.submission.receipt;
    let service_name = view.service.as_ref().map_or_else(|| obs.submission.service.as_str().to_owned(), Service::name_and_town);
    let title = format!("Observation about {service_name}");
    let overdue = view.targets.is_overdue(receipt.severity, obs.status, receipt.received_at, view.now);
    let due = view.targets.due_by(receipt.severity, receipt.received_at).filter(|_| obs.status == Status::New);
    let all_good = receipt.severity == app::domain::forms::Severity::Green;
    let telling_shown: &[&str] = match (obs.sharing.is_some(), all_good) {
        (true, _) => &[],
        (false, true) => &["share", "compliment"],
        (false, false) => &["share"],
    };
    let problem = view.problem.clone().map(|problem| held_by_shown_form(problem, obs.status, telling_shown));
    let problems: Vec<FieldError> = problem.iter().map(|p| FieldError::new(&p.field, p.message.clone())).collect();
    let forms = StepForms {
        csrf: view.staff.csrf_token.clone(),
        version: obs.version,
        action: format!("/triage/observations/{}", receipt.id),
        problem,
        shareable: true,
    };
    let assignee = obs.assignee.as_ref().map_or_else(|| "Not assigned".to_owned(), |user| user.name.clone());
    let role = ProfessionalRole::label_of(&obs.visitor.role);
    let visitor = format!("{}, {role} ({})", obs.visitor.name, obs.visitor.organisation);
    let form = forms::find(&obs.submission.form_id, obs.submission.form_version)
        .map_or_else(|| obs.submission.form_id.clone(), |form| form.title.clone());
    // The trail's newest line is the step just taken (this page follows its redirect).
    let confirmation = view
        .step_taken
        .then(|| {
            obs.events.iter().rev().find(|event| !event.kind.starts_with("alert_")).map(|event| format!("Done: {}", what_happened(event)))
        })
        .flatten();
    let body = view! {
        <a class="nhsuk-back-link" href="/triage">"Back to the inbox"</a>
        {problems_summary(problems)}
        {confirmation.map(|text| view! {
            <div class="nhsuk-inset-text confirmation" role="status" data-testid="step-done"><p>{text}</p></div>
        })}
        <span class="nhsuk-caption-l">{format!("Reference {} · received {}", reference(receipt.id), when(receipt.received_at))}</span>
        <h1>{title.clone()}</h1>
        <p class="inbox__tags">
            {severity_tag(receipt.severity)}
            {overdue.then(|| view! { <strong class="nhsuk-tag tag--overdue">"Overdue"</strong> })}
            {view.risk_of_harm.then(|| view! { <strong class="nhsuk-tag tag--harm">"Risk of harm"</strong> })}
            <strong class="nhsuk-tag nhsuk-tag--grey">{obs.status.label()}</strong>
        </p>
        <p><strong>"Why: "</strong>{receipt.severity_reason.clone()}</p>
        {view.risk_of_harm.then(|| view! {
            <div class="nhsuk-warning-callout">
                <h2 class="nhsuk-warning-callout__label">"Risk of harm reported"</h2>
                <p>"The visitor said someone may be at immediate risk of harm and was shown the safeguarding route."</p>
            </div>
        })}
        <h2 id="seen">"What was seen"</h2>
        <dl class="nhsuk-summary-list">
            {view.answers.into_iter().map(|(question, answer)| answer_row(question, answer)).collect_view()}
        </dl>
        {view.summary.map(|summary| checklist_summary(summary, SummaryHeading::Section))}
        <h2>"Where it stands"</h2>
        <dl class="nhsuk-summary-list">
            {summary_row("Status", obs.status.label().to_owned())}
            {summary_row("Assigned to", assignee)}
            {obs.outcome.map(|outcome| summary_row("Outcome", outcome.label().to_owned()))}
            {due.map(|due| summary_row("Acknowledge by", when(due)))}
            {summary_row("Sent by", visitor)}
            {summary_row("Form", format!("{form} (version {})", obs.submission.form_version))}
            {summary_row("Visitor's clock", visitor_clock(obs.submission.submitted_at))}
        </dl>
        {view.concern.as_ref().map(|concern| view! {
            <p class="concern-link" data-testid="concern-link">
                <strong>"Part of a concern: "</strong>
                <a href=format!("/triage/concerns/{}", concern.id)>{concern.title.clone()}</a>
                {format!(" ({}, {} observations)", concern.status.label().to_lowercase(), concern.observations)}
            </p>
        })}
        <div class="step-forms">
            <h2>"What to do next"</h2>
            {forms.for_status(obs.status, &view.officers, obs.assignee.as_ref().map(|u| u.id))}
            {match obs.sharing {
                None => forms.tell_the_home(all_good).into_any(),
                Some(sharing) => sharing_line(sharing, view.now).into_any(),
            }}
            {view.concern.is_none().then(|| group_form(&forms, receipt.id, view.open_concerns.clone()))}
        </div>
        <h2 id="timeline">"Timeline"</h2>
        {timeline(&obs.events, receipt.received_at)}
        {view.service.map(service_panel)}
        {others(view.others, receipt.id)}
    };
    document(&title, Some(view.staff), body)
}

fn summary_row(key: &'static str, value: String) -> impl IntoView {
    summary_row_owned(key.to_owned(), value)
}

/// An answer; contact details the visitor gave become a link to call or email them.
fn answer_row(question: String, answer: String) -> impl IntoView {
    let href = contact_href(&answer);
    view! {
        <div class="nhsuk-summary-list__row">
            <dt class="nhsuk-summary-list__key">{question}</dt>
            <dd class="nhsuk-summary-list__value">
                {match href {
                    Some(href) => view! { <a href=href>{answer}</a> }.into_any(),
                    None => answer.into_any(),
                }}
            </dd>
        </div>
    }
}

/// `mailto:` for an answer that is one email address, `tel:` for one that is a
/// phone number; otherwise none.
fn contact_href(answer: &str) -> Option<String> {
    let text = answer.trim();
    // Characters that would change what a mailto: address does are left as text.
    if TextInput::Email.fits(text) && !text.contains(['<', '>', '"', '?']) {
        return Some(format!("mailto:{text}"));
    }
    TextInput::Phone.fits(text).then(|| format!("tel:{}", text.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>()))
}

/// The steps whose forms show in each status; "note" is always there.
fn shown_steps(status: Status) -> &'static [&'static str] {
    match status {
        Status::New => &["assign", "note"],
        Status::Triaged => &["assign", "outcome", "note"],
        Status::Action => &["assign", "outcome", "close", "note"],
        Status::Closed => &["reopen", "note"],
    }
}

/// A refused step whose form is not on the page (say, closing a new
/// observation) hands its message and typed note to the "Add a note" form,
/// so the error links to a field and nothing typed is lost.
fn held_by_shown_form(problem: StepProblem, status: Status, telling_shown: &[&str]) -> StepProblem {
    let step = problem.step.as_str();
    if step == "concern" || shown_steps(status).contains(&step) || telling_shown.contains(&step) {
        return problem;
    }
    StepProblem { step: "note".to_owned(), field: "note-note".to_owned(), ..problem }
}

/// The forms of the steps the workflow allows now, each with its own note.
pub(super) struct StepForms {
    pub(super) csrf: String,
    pub(super) version: i64,
    pub(super) action: String,
    pub(super) problem: Option<StepProblem>,
    /// Each note may be shared with the visitor (an observation's steps; a
    /// concern has no one visitor).
    pub(super) shareable: bool,
}

impl StepForms {
    fn for_status(&self, status: Status, officers: &[User], assignee: Option<i64>) -> impl IntoView {
        let assign_label = if status == Status::New { "Acknowledge and assign" } else { "Assign to someone else" };
        let shown = shown_steps(status);
        view! {
            {shown.contains(&"assign").then(|| self.assign(assign_label, officers, assignee))}
            {shown.contains(&"outcome").then(|| self.outcome())}
            {shown.contains(&"close").then(|| self.simple("close", "Close this observation", "Close", false))}
            {shown.contains(&"reopen").then(|| self.simple("reopen", "Reopen this observation", "Reopen", true))}
            {self.simple("note", "Add a note", "Add note", true)}
        }
    }

    /// The problem, if it belongs to this step's `field`.
    pub(super) fn error(&self, step: &str, field: &str) -> Option<String> {
        self.problem.as_ref().filter(|p| p.step == step && p.field == field).map(|p| p.message.clone())
    }

    pub(super) fn typed_note(&self, step: &str) -> String {
        self.problem.as_ref().filter(|p| p.step == step).map(|p| p.note.clone()).unwrap_or_default()
    }

    fn hidden(&self, step: &'static str) -> impl IntoView {
        view! {
            <input type="hidden" name="csrf" value=self.csrf.clone()/>
            <input type="hidden" name="version" value=self.version.to_string()/>
            <input type="hidden" name="step" value=step/>
        }
    }

    fn note(&self, step: &'static str, required: bool) -> impl IntoView {
        let label = if required { "Note" } else { "Note (optional)" };
        view! {
            {self.note_field(step, label, None)}
            {self.shareable.then(|| self.share_box(step))}
        }
    }

    /// A step's text box (posted as `note`), with its hint, its problem and what was typed.
    fn note_field(&self, step: &'static str, label: &'static str, hint: Option<&'static str>) -> impl IntoView {
        let id = format!("{step}-note");
        let error = self.error(step, &id);
        let group = if error.is_some() { "nhsuk-form-group nhsuk-form-group--error" } else { "nhsuk-form-group" };
        let hint_id = format!("{id}-hint");
        let described: Vec<String> =
            [hint.map(|_| hint_id.clone()), error.as_ref().map(|_| format!("{id}-error"))].into_iter().flatten().collect();
        let described = (!described.is_empty()).then(|| described.join(" "));
        view! {
            <div class=group>
                <label class="nhsuk-label" for=id.clone()>{label}</label>
                {hint.map(|text| view! { <div class="nhsuk-hint" id=hint_id>{text}</div> })}
                <FieldErrorMessage id=id.clone() message=error/>
                <textarea class="nhsuk-textarea" id=id name="note" rows="3" maxlength=MAX_NOTE_CHARS.to_string() aria-describedby=described
                    inner_html=app::textarea::content(&self.typed_note(step))></textarea>
            </div>
        }
    }

    /// "Share this note with the visitor": off unless ticked, and kept ticked
    /// when the step comes back with a problem.
    fn share_box(&self, step: &'static str) -> impl IntoView {
        let id = format!("{step}-share");
        let hint = format!("{id}-hint");
        let ticked = self.problem.as_ref().is_some_and(|p| p.step == step && p.shared);
        view! {
            <div class="nhsuk-form-group">
                <div class="nhsuk-checkboxes nhsuk-checkboxes--small">
                    <div class="nhsuk-checkboxes__item">
                        <input class="nhsuk-checkboxes__input" id=id.clone() name="share" type="checkbox" value="yes" checked=ticked
                            aria-describedby=hint.clone()/>
                        <label class="nhsuk-label nhsuk-checkboxes__label" for=id>"Share this note with the visitor"</label>
                        <div class="nhsuk-hint nhsuk-checkboxes__hint" id=hint>
                            "They see it on their phone with the observation's status. Write it for them: no staff or resident names."
                        </div>
                    </div>
                </div>
            </div>
        }
    }

    pub(super) fn assign(&self, heading: &'static str, officers: &[User], assignee: Option<i64>) -> impl IntoView {
        let error = self.error("assign", "assign-officer");
        let group = if error.is_some() { "nhsuk-form-group nhsuk-form-group--error" } else { "nhsuk-form-group" };
        let options = officers
            .iter()
            .map(|officer| {
                let selected = Some(officer.id) == assignee;
                view! { <option value=officer.id.to_string() selected=selected>{officer.name.clone()}</option> }
            })
            .collect_view();
        view! {
            <form method="post" action=self.action.clone() class="step" novalidate>
                <h3>{heading}</h3>
                {self.hidden("assign")}
                <div class=group>
                    <label class="nhsuk-label" for="assign-officer">"Officer"</label>
                    <FieldErrorMessage id="assign-officer".to_owned() message=error/>
                    <select class="nhsuk-select" id="assign-officer" name="officer">
                        <option value="">"Choose an officer"</option>
                        {options}
                    </select>
                </div>
                {self.note("assign", false)}
                <button class="nhsuk-button" type="submit">{heading}</button>
            </form>
        }
    }

    fn outcome(&self) -> impl IntoView {
        let error = self.error("outcome", "outcome-choice");
        let group = if error.is_some() { "nhsuk-form-group nhsuk-form-group--error" } else { "nhsuk-form-group" };
        let radios = Outcome::ALL
            .into_iter()
            .enumerate()
            .map(|(index, outcome)| {
                let id = if index == 0 { "outcome-choice".to_owned() } else { format!("outcome-{}", outcome.code()) };
                view! {
                    <div class="nhsuk-radios__item">
                        <input class="nhsuk-radios__input" id=id.clone() name="outcome" type="radio" value=outcome.code()/>
                        <label class="nhsuk-label nhsuk-radios__label" for=id>{outcome.label()}</label>
                    </div>
                }
            })
            .collect_view();
        view! {
            <form method="post" action=self.action.clone() class="step" novalidate>
                {self.hidden("outcome")}
                <div class=group>
                    <fieldset class="nhsuk-fieldset">
                        <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s"><h3 class="nhsuk-fieldset__heading">"Record an outcome"</h3></legend>
                        <FieldErrorMessage id="outcome-choice".to_owned() message=error/>
                        <div class="nhsuk-radios">{radios}</div>
                    </fieldset>
                </div>
                {self.note("outcome", false)}
                <button class="nhsuk-button" type="submit">"Record outcome"</button>
            </form>
        }
    }

    /// Sharing with the home (and, for an all-good observation, sending it as
    /// a compliment). The home never sees who the visitor was, only their role.
    fn tell_the_home(&self, all_good: bool) -> impl IntoView {
        const MESSAGE: &str = "Message to the home (optional)";
        const HINT: &str = "The home sees this, what was seen and the visitor's role: never their name, organisation or contact details.";
        view! {
            <form method="post" action=self.action.clone() class="step">
                <h3>"Share with the home"</h3>
                {self.hidden("share")}
                {self.note_field("share", MESSAGE, Some(HINT))}
                <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Share with the home"</button>
            </form>
            {all_good.then(|| view! {
                <form method="post" action=self.action.clone() class="step">
                    <h3>"Send to the home as a compliment"</h3>
                    {self.hidden("compliment")}
                    {self.note_field("compliment", MESSAGE, Some(HINT))}
                    <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Send as a compliment"</button>
                </form>
            })}
        }
    }

    pub(super) fn simple(&self, step: &'static str, heading: &'static str, button: &'static str, note_required: bool) -> impl IntoView {
        let class = if step == "note" { "nhsuk-button nhsuk-button--secondary" } else { "nhsuk-button" };
        view! {
            <form method="post" action=self.action.clone() class="step" novalidate>
                <h3>{heading}</h3>
                {self.hidden(step)}
                {self.note(step, note_required)}
                <button class=class type="submit">{button}</button>
            </form>
        }
    }
}

/// "Group into a concern": the home's open concerns, or a new one with a title.
fn group_form(forms: &StepForms, id: uuid::Uuid, open: Vec<ConcernSummary>) -> impl IntoView {
    let choice_error = forms.error("concern", "concern-choice");
    let title_error = forms.error("concern", "concern-title");
    let group = |error: &Option<String>| if error.is_some() { "nhsuk-form-group nhsuk-form-group--error" } else { "nhsuk-form-group" };
    let none_open = open.is_empty();
    let radios = open
        .into_iter()
        .enumerate()
        .map(|(index, concern)| {
            let radio = if index == 0 { "concern-choice".to_owned() } else { format!("concern-{}", concern.id) };
            view! {
                <div class="nhsuk-radios__item">
                    <input class="nhsuk-radios__input" id=radio.clone() name="concern" type="radio" value=concern.id.to_string()/>
                    <label class="nhsuk-label nhsuk-radios__label" for=radio>
                        {format!("Add to \u{201c}{}\u{201d} ({} observations)", concern.title, concern.observations)}
                    </label>
                </div>
            }
        })
        .collect_view();
    let new_id = if none_open { "concern-choice" } else { "concern-new" };
    view! {
        <form method="post" action=format!("/triage/observations/{id}/concern") class="step" id="concern" novalidate>
            <input type="hidden" name="csrf" value=forms.csrf.clone()/>
            <div class=group(&choice_error)>
                <fieldset class="nhsuk-fieldset">
                    <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s"><h3 class="nhsuk-fieldset__heading">"Group into a concern"</h3></legend>
                    <p class="nhsuk-hint">"Related reports about this home, worked as one."</p>
                    <FieldErrorMessage id="concern-choice".to_owned() message=choice_error.clone()/>
                    <div class="nhsuk-radios">
                        {radios}
                        <div class="nhsuk-radios__item">
                            <input class="nhsuk-radios__input" id=new_id name="concern" type="radio" value="new" checked=none_open/>
                            <label class="nhsuk-label nhsuk-radios__label" for=new_id>"A new concern"</label>
                        </div>
                    </div>
                </fieldset>
            </div>
            <div class=group(&title_error)>
                <label class="nhsuk-label" for="concern-title">"Title of a new concern"</label>
                <FieldErrorMessage id="concern-title".to_owned() message=title_error.clone()/>
                <input class="nhsuk-input" id="concern-title" name="title" type="text" maxlength="120" value=forms.typed_note("concern")/>
            </div>
            <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Group"</button>
        </form>
    }
}

/// Where the home's part stands, once the observation was sent to it.
fn sharing_line(sharing: crate::store::Sharing, now: DateTime<Utc>) -> impl IntoView {
    let text = match (sharing.compliment, sharing.replied_at, sharing.reply_due_at) {
        (true, ..) => format!("Sent to the home as a compliment on {}.", when(sharing.at)),
        (false, Some(at), _) => format!("Shared with the home on {}. The home replied on {}.", when(sharing.at), when(at)),
        (false, None, Some(due)) if now > due => {
            format!("Shared with the home on {}. Its reply was due by {}: overdue.", when(sharing.at), when(due))
        }
        (false, None, due) => {
            format!("Shared with the home on {}. Its reply is due by {}.", when(sharing.at), due.map(when).unwrap_or_default())
        }
    };
    view! { <p class="nhsuk-inset-text" data-testid="sharing">{text}</p> }
}

/// A line of the trail (an observation's or a concern's) in words.
pub(super) fn what_happened(event: &TriageEvent) -> String {
    match (event.kind.as_str(), event.detail.as_str()) {
        ("started", detail) => format!("Concern started: {detail}"),
        ("added", detail) => detail.to_owned(),
        ("acknowledged", detail) => format!("Acknowledged and assigned to {detail}"),
        ("assigned", detail) => format!("Assigned to {detail}"),
        ("outcome", detail) => format!("Outcome recorded: {detail}"),
        ("closed", _) => "Closed".to_owned(),
        ("reopened", _) => "Reopened".to_owned(),
        ("alert_sent", detail) => format!("Alert sent: {detail}"),
        ("shared_with_provider", _) => "Shared with the home".to_owned(),
        ("compliment_sent", _) => "Sent to the home as a compliment".to_owned(),
        ("provider_reply", _) => "Reply from the home".to_owned(),
        ("action_added", detail) => format!("Action planned by the home: {detail}"),
        ("action_done", detail) => format!("Action done by the home: {detail}"),
        ("alert_failed", detail) => format!("Alert not sent yet: {detail}"),
        _ => "Note added".to_owned(),
    }
}

/// Every step, oldest first, from the observation's arrival on.
fn timeline(events: &[TriageEvent], received: DateTime<Utc>) -> impl IntoView {
    let steps = events
        .iter()
        .map(|event| {
            let what = what_happened(event);
            let note = (!event.note.is_empty()).then(|| view! { <p class="timeline__note">{event.note.clone()}</p> });
            let shared = event.shared_with_visitor.then(
                || view! { <p class="timeline__meta"><strong class="nhsuk-tag nhsuk-tag--blue">"Shared with the visitor"</strong></p> },
            );
            view! {
                <li class="timeline__item">
                    <p class="timeline__what"><strong>{what}</strong></p>
                    <p class="timeline__meta">{format!("{} by {}", when(event.at), event.user_name)}</p>
                    {note}
                    {shared}
                </li>
            }
        })
        .collect_view();
    view! {
        <ol class="timeline">
            <li class="timeline__item">
                <p class="timeline__what"><strong>"Received"</strong></p>
                <p class="timeline__meta">{when(received)}</p>
            </li>
            {steps}
        </ol>
    }
}

fn service_panel(service: Service) -> impl IntoView {
    let ratings = service.ratings.clone();
    let rows = ratings
        .key_questions()
        .into_iter()
        .map(|(question, rating)| view! { <div class="ratings__row"><dt>{question}</dt><dd>{rating_tag(rating)}</dd></div> })
        .collect_view();
    view! {
        <h2>"The service"</h2>
        <p>
            <a href=format!("/triage/services/{}", service.location_id.as_str())>{service.name_and_town()}</a>
            {format!(" · {} · CQC location {}", service.kind.label(), service.location_id.as_str())}
        </p>
        <dl class="ratings">
            <div class="ratings__row"><dt>"CQC overall"</dt><dd>{rating_tag(ratings.overall)}</dd></div>
            {rows}
        </dl>
    }
}

fn others(items: Vec<InboxItem>, this: uuid::Uuid) -> impl IntoView {
    let items: Vec<InboxItem> = items.into_iter().filter(|item| item.id != this).collect();
    let list = match items.is_empty() {
        true => view! { <p>"There are no other observations about this service."</p> }.into_any(),
        false => view! {
            <ul class="nhsuk-list">
                {items
                    .into_iter()
                    .map(|item| {
                        let href = format!("/triage/observations/{}", item.id);
                        let text = format!("{}: {} ({})", when(item.received_at), item.severity_reason, item.status.label());
                        view! { <li>{severity_tag(item.severity)}" "<a href=href>{text}</a></li> }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any(),
    };
    view! {
        <h2>"Other recent observations about this service"</h2>
        {list}
    }
}

/// The phone's clock, or what is wrong with the stored value.
fn visitor_clock(at: Option<chrono::DateTime<chrono::FixedOffset>>) -> String {
    at.map_or_else(
        || "Not readable: the stored value is not a valid date. The time received above is reliable.".to_owned(),
        |at| at.format("%-d %B %Y, %H:%M %:z").to_string(),
    )
}
