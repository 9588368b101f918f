//! A concern's page: its observations side by side, where it stands, its
//! steps and its trail; and the list of open concerns.

use app::domain::{concerns::ConcernStatus, submission::reference, triage::ResponseTargets, FieldError};
use axum::response::Html;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::{
    document,
    observation::{what_happened, StepForms},
    problems_summary, severity_tag, summary_row_owned, when, StepProblem,
};
use crate::store::{Concern, ConcernSummary, InboxItem, StaffSession, User};

pub struct ConcernView<'a> {
    pub staff: &'a StaffSession,
    pub concern: Concern,
    pub officers: Vec<User>,
    /// Each observation's answers in words, in the concern's order.
    pub seen: Vec<Vec<(String, String)>>,
    pub problem: Option<StepProblem>,
    pub step_taken: bool,
    pub targets: ResponseTargets,
    pub now: DateTime<Utc>,
}

pub fn concern(view: ConcernView<'_>) -> Html<String> {
    let concern = view.concern;
    let summary = &concern.summary;
    let title = format!("Concern: {}", summary.title);
    let problems: Vec<FieldError> = view.problem.iter().map(|p| FieldError::new(&p.field, p.message.clone())).collect();
    let forms = StepForms {
        csrf: view.staff.csrf_token.clone(),
        version: concern.version,
        action: format!("/triage/concerns/{}", summary.id),
        problem: view.problem.clone(),
        shareable: false,
    };
    let confirmation = view.step_taken.then(|| concern.events.last().map(|event| format!("Done: {}", what_happened(event)))).flatten();
    let assignee = concern.assignee.as_ref().map_or_else(|| "Not assigned".to_owned(), |user| user.name.clone());
    let (targets, now) = (view.targets, view.now);
    let cards =
        concern.observations.into_iter().zip(view.seen).map(|(item, seen)| observation_card(item, seen, targets, now)).collect_view();
    let trail = concern
        .events
        .iter()
        .map(|event| {
            let note = (!event.note.is_empty()).then(|| view! { <p class="timeline__note">{event.note.clone()}</p> });
            view! {
                <li class="timeline__item">
                    <p class="timeline__what"><strong>{what_happened(event)}</strong></p>
                    <p class="timeline__meta">{format!("{} by {}", when(event.at), event.user_name)}</p>
                    {note}
                </li>
            }
        })
        .collect_view();
    let open = summary.status == ConcernStatus::Open;
    let steps = if open {
        view! {
            {forms.assign("Assign", &view.officers, concern.assignee.as_ref().map(|u| u.id))}
            {forms.simple("close", "Close this concern", "Close concern", false)}
            {forms.simple("note", "Add a note", "Add note", true)}
        }
        .into_any()
    } else {
        view! {
            {forms.simple("reopen", "Reopen this concern", "Reopen", false)}
            {forms.simple("note", "Add a note", "Add note", true)}
        }
        .into_any()
    };
    let body = view! {
        <a class="nhsuk-back-link" href="/triage/concerns">"All open concerns"</a>
        {problems_summary(problems)}
        {confirmation.map(|text| view! {
            <div class="nhsuk-inset-text confirmation" role="status" data-testid="step-done"><p>{text}</p></div>
        })}
        <span class="nhsuk-caption-l">
            <a href=format!("/triage/services/{}", summary.service.as_str())>{summary.service_name.clone()}</a>
        </span>
        <h1>{title.clone()}</h1>
        <dl class="nhsuk-summary-list">
            {summary_row_owned("Status".to_owned(), summary.status.label().to_owned())}
            {summary_row_owned("Assigned to".to_owned(), assignee)}
            {summary_row_owned("Started".to_owned(), when(summary.created_at))}
        </dl>
        <h2>{format!("Observations ({})", summary.observations)}</h2>
        <div class="concern__observations">{cards}</div>
        <div class="step-forms">
            <h2>"What to do next"</h2>
            {steps}
        </div>
        <h2 id="trail">"Trail"</h2>
        <ol class="timeline">{trail}</ol>
    };
    document(&title, Some(view.staff), body)
}

/// One observation of the concern: its severity, when, why, and what was seen.
fn observation_card(item: InboxItem, seen: Vec<(String, String)>, targets: ResponseTargets, now: DateTime<Utc>) -> impl IntoView {
    let overdue = targets.is_overdue(item.severity, item.status, item.received_at, now);
    let rows = seen.into_iter().map(|(question, answer)| summary_row_owned(question, answer)).collect_view();
    view! {
        <section class="concern__observation" data-testid="concern-observation">
            <h3 class="nhsuk-heading-s">
                <a href=format!("/triage/observations/{}", item.id)>{format!("Reference {}", reference(item.id))}</a>
            </h3>
            <p class="inbox__tags">
                {severity_tag(item.severity)}
                {item.risk_of_harm.then(|| view! { <strong class="nhsuk-tag tag--harm">"Risk of harm"</strong> })}
                {overdue.then(|| view! { <strong class="nhsuk-tag tag--overdue">"Overdue"</strong> })}
                <strong class="nhsuk-tag nhsuk-tag--grey">{item.status.label()}</strong>
            </p>
            <p>{format!("Received {} · {}", when(item.received_at), item.severity_reason)}</p>
            <dl class="nhsuk-summary-list concern__answers">{rows}</dl>
        </section>
    }
}

/// Every open concern, newest first.
pub fn concerns(staff: &StaffSession, concerns: Vec<ConcernSummary>) -> Html<String> {
    let list = if concerns.is_empty() {
        view! { <p>"There are no open concerns. Group related observations from an observation's page."</p> }.into_any()
    } else {
        let items = concerns.into_iter().map(concern_item).collect_view();
        view! { <ul class="nhsuk-list concern-list">{items}</ul> }.into_any()
    };
    let body = view! {
        <h1>"Open concerns"</h1>
        {list}
    };
    document("Open concerns", Some(staff), body)
}

/// A concern as a line in a list: title, home, how many observations, who has it.
pub fn concern_item(concern: ConcernSummary) -> impl IntoView {
    let assigned = concern.assignee.map_or_else(|| "not assigned".to_owned(), |name| format!("assigned to {name}"));
    view! {
        <li>
            <a href=format!("/triage/concerns/{}", concern.id)>{concern.title}</a>
            {format!(
                " · {} · {} observations · {}, {assigned}",
                concern.service_name,
                concern.observations,
                concern.status.label().to_lowercase()
            )}
        </li>
    }
}

pub fn concern_not_found(staff: &StaffSession) -> Html<String> {
    document(
        "Concern not found",
        Some(staff),
        view! {
            <h1>"Concern not found"</h1>
            <p>"If you typed the web address, check it is correct."</p>
            <p><a href="/triage/concerns">"Go to the open concerns"</a></p>
        },
    )
}
