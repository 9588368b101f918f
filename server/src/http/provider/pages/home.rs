//! A care home's own pages: the observations the unit shared with it, each
//! with what was seen (never who saw it, beyond their role), the unit's
//! message, the home's replies and its action plan.

use std::collections::HashMap;

use app::{
    domain::{
        device::ProfessionalRole,
        forms,
        providers::{identifies_the_visitor, MAX_ACTION_CHARS, MAX_ACTION_OWNER_CHARS, MAX_REPLY_CHARS},
        submission::reference,
        FieldError,
    },
    pages::feedback::{error_summary::FieldErrorMessage, fields::DateBoxes},
};
use axum::response::Html;
use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;

use super::{document, problems_summary, severity_tag, summary_row_owned, when};
use crate::store::{Action, SharedItem, SharedObservation, StaffSession};

/// A posted form's problems with what was typed, so nothing is lost.
#[derive(Clone, Debug, Default)]
pub struct ProviderProblem {
    /// "reply", "action" or "done-{action id}".
    pub form: String,
    pub problems: Vec<FieldError>,
    pub typed: HashMap<String, String>,
}

impl ProviderProblem {
    fn typed(&self, field: &str) -> String {
        self.typed.get(field).cloned().unwrap_or_default()
    }

    fn error(&self, field: &str) -> Option<String> {
        self.problems.iter().find(|p| p.field == field).map(|p| p.message.clone())
    }
}

pub fn provider_home(session: &StaffSession, homes: Vec<String>, items: Vec<SharedItem>, now: DateTime<Utc>) -> Html<String> {
    let rows = items
        .into_iter()
        .map(|item| {
            let form = form_title(&item.form_id, item.form_version);
            view! {
                <tr data-testid="shared-row">
                    <td class="work-table__when">{short_date(item.shared_at)}</td>
                    <td data-label="Home">{item.service_name.clone()}</td>
                    <td data-label="Observation">
                        <a href=format!("/provider/observations/{}", item.id)>{form}</a>
                        " " {kind_tag(&item)}
                    </td>
                    <td data-label="Your reply">{reply_state(&item, now)}</td>
                </tr>
            }
        })
        .collect_view();
    let body = view! {
        <h1>"Your homes"</h1>
        <ul class="nhsuk-list nhsuk-list--bullet" data-testid="your-homes">
            {homes.into_iter().map(|home| view! { <li>{home}</li> }).collect_view()}
        </ul>
        <h2>"Shared with you by the quality team"</h2>
        <p>"Observations from visiting professionals that the integrated commissioning unit chose to share with you, "
            "and compliments. You can reply to each within the time shown and add an action plan."</p>
                    <table class="work-table">
                <caption class="nhsuk-u-visually-hidden">"Observations shared with you"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Shared"</th>
                        <th scope="col">"Home"</th>
                        <th scope="col">"Observation"</th>
                        <th scope="col">"Your reply"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
    };
    document("Your homes", Some(session), body)
}

pub fn provider_not_found(session: &StaffSession) -> Html<String> {
    document(
        "Page not found",
        Some(session),
        view! {
            <h1>"Page not found"</h1>
            <p>"This observation was not shared with your homes, or the address is wrong."</p>
            <p><a href="/provider">"Go to your homes"</a></p>
        },
    )
}

pub fn provider_observation(
    session: &StaffSession,
    shared: SharedObservation,
    problem: Option<ProviderProblem>,
    // What was just saved (`?done=reply|action|done`), so the page can say so.
    saved: Option<&str>,
    now: DateTime<Utc>,
) -> Html<String> {
    let item = &shared.item;
    let id = item.id;
    let title = format!("Observation about {}", item.service_name);
    let problem = problem.unwrap_or_default();
    let saved = saved.map(|what| match what {
        "reply" => "Your reply was sent to the quality team.",
        "action" => "The action was added to your plan.",
        _ => "The action was marked as done.",
    });
    // Past the window the form still shows a refused reply, so nothing typed is lost.
    let can_reply = !item.compliment && (item.reply_due_at.is_some_and(|due| now <= due) || problem.form == "reply");
    let answers = shared
        .submission
        .form()
        .map(|form| form.in_words(&shared.submission.answers, Some(&item.service_name)))
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, question, _)| !identifies_the_visitor(&question.id))
        .map(|(_, question, answer)| summary_row_owned(question.label.clone(), answer))
        .collect_view();
    let visitor = ProfessionalRole::label_of(&shared.visitor_role);
    let csrf = session.csrf_token.clone();
    let replies = shared
        .replies
        .iter()
        .map(|reply| {
            view! {
                <li class="timeline__item">
                    <p class="timeline__meta">{format!("{} by {}", when(reply.at), reply.by)}</p>
                    <p class="timeline__note">{reply.text.clone()}</p>
                </li>
            }
        })
        .collect_view();
    let body = view! {
        <a class="nhsuk-back-link" href="/provider">"Back to your homes"</a>
        {problems_summary(problem.problems.clone())}
        {saved.map(|text| view! { <div class="nhsuk-inset-text confirmation" role="status" data-testid="saved"><p>{text}</p></div> })}
        <span class="nhsuk-caption-l">{format!("Reference {} · shared {}", reference(id), when(item.shared_at))}</span>
        <h1>{title.clone()}</h1>
        {if item.compliment {
            view! {
                <div class="nhsuk-panel" data-testid="compliment">
                    <h2 class="nhsuk-panel__title">"A compliment"</h2>
                    <p class="nhsuk-panel__body">"A visiting professional saw good care here. The quality team wanted you to know."</p>
                </div>
            }.into_any()
        } else {
            view! { <p class="inbox__tags">{severity_tag(item.severity)} " " {reply_state(item, now)}</p> }.into_any()
        }}
        {(!shared.message.is_empty()).then(|| view! {
            <div class="nhsuk-inset-text" data-testid="unit-message">
                <h2 class="nhsuk-heading-s">"From the quality team"</h2>
                <p>{shared.message.clone()}</p>
            </div>
        })}
        <h2>"What was seen"</h2>
        <dl class="nhsuk-summary-list" data-testid="seen">
            {summary_row_owned("Visitor's role".to_owned(), visitor.to_owned())}
            {summary_row_owned("Received".to_owned(), when(item.received_at))}
            {answers}
        </dl>
        {(!item.compliment).then(|| view! {
            <h2 id="replies">"Your reply"</h2>
            {if shared.replies.is_empty() {
                view! { <p>"You have not replied yet."</p> }.into_any()
            } else {
                view! { <ol class="timeline" data-testid="replies">{replies}</ol> }.into_any()
            }}
        })}
        {can_reply.then(|| reply_form(id, &csrf, &problem, item.reply_due_at))}
        {(!item.compliment).then(|| action_plan(id, &csrf, &shared.actions, &problem, now.date_naive()))}
    };
    document(&title, Some(session), body)
}

fn reply_form(id: uuid::Uuid, csrf: &str, problem: &ProviderProblem, due: Option<DateTime<Utc>>) -> impl IntoView {
    let error = (problem.form == "reply").then(|| problem.error("reply")).flatten();
    let group = if error.is_some() { "nhsuk-form-group nhsuk-form-group--error" } else { "nhsuk-form-group" };
    let hint = due.map(|due| format!("Reply by {}. The quality team reads every reply.", when(due))).unwrap_or_default();
    let described = if error.is_some() { "reply-hint reply-error" } else { "reply-hint" };
    view! {
        <form method="post" action=format!("/provider/observations/{id}/replies") novalidate>
            <input type="hidden" name="csrf" value=csrf.to_owned()/>
            <div class=group>
                <label class="nhsuk-label nhsuk-label--s" for="reply">"Add a reply"</label>
                <div class="nhsuk-hint" id="reply-hint">{hint}</div>
                <FieldErrorMessage id="reply".to_owned() message=error/>
                <textarea class="nhsuk-textarea" id="reply" name="reply" rows="5" maxlength=MAX_REPLY_CHARS.to_string()
                    aria-describedby=described inner_html=app::textarea::content(&problem.typed("reply"))></textarea>
            </div>
            <button class="nhsuk-button" type="submit">"Send reply"</button>
        </form>
    }
}

fn action_plan(id: uuid::Uuid, csrf: &str, actions: &[Action], problem: &ProviderProblem, today: NaiveDate) -> impl IntoView {
    let rows = actions
        .iter()
        .map(|action| {
            let done = match (action.done_on, &action.done_by) {
                (Some(on), by) => format!("Done {}{}", on.format("%-d %B %Y"), by.as_ref().map(|b| format!(" ({b})")).unwrap_or_default()),
                (None, _) => String::new(),
            };
            let mark = action.done_on.is_none().then(|| done_form(id, csrf, action, problem, today));
            view! {
                <tr data-testid="action">
                    <td>{action.what.clone()}</td>
                    <td data-label="Who">{action.who.clone()}</td>
                    <td data-label="By when">{action.due_on.format("%-d %B %Y").to_string()}</td>
                    <td data-label="Done">{done}{mark}</td>
                </tr>
            }
        })
        .collect_view();
    let on_action = problem.form == "action";
    let field = |name: &str| on_action.then(|| problem.error(name)).flatten();
    let (what_error, who_error, due_error) = (field("what"), field("who"), field("due-day"));
    let group = |error: &Option<String>| if error.is_some() { "nhsuk-form-group nhsuk-form-group--error" } else { "nhsuk-form-group" };
    let typed = |name: &str| if on_action { problem.typed(name) } else { String::new() };
    view! {
        <h2 id="plan">"Action plan"</h2>
        {if actions.is_empty() {
            view! { <p>"No actions yet."</p> }.into_any()
        } else {
            view! {
                                    <table class="work-table">
                        <caption class="nhsuk-u-visually-hidden">"Your action plan"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"What"</th>
                                <th scope="col">"Who"</th>
                                <th scope="col">"By when"</th>
                                <th scope="col">"Done"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
            }.into_any()
        }}
        <form method="post" action=format!("/provider/observations/{id}/actions") novalidate class="step">
            <h3>"Add an action"</h3>
            <input type="hidden" name="csrf" value=csrf.to_owned()/>
            <div class=group(&what_error)>
                <label class="nhsuk-label" for="what">"What will be done"</label>
                <FieldErrorMessage id="what".to_owned() message=what_error.clone()/>
                <input class="nhsuk-input" id="what" name="what" type="text" maxlength=MAX_ACTION_CHARS.to_string() value=typed("what")/>
            </div>
            <div class=group(&who_error)>
                <label class="nhsuk-label" for="who">"Who will do it"</label>
                <div class="nhsuk-hint" id="who-hint">"A role is enough, like \"Registered manager\"."</div>
                <FieldErrorMessage id="who".to_owned() message=who_error.clone()/>
                <input class="nhsuk-input nhsuk-input--width-20" id="who" name="who" type="text" aria-describedby="who-hint"
                    maxlength=MAX_ACTION_OWNER_CHARS.to_string() value=typed("who")/>
            </div>
            {date_fields("due", "due", "By when", "For example, 27 3 2027", due_error, [typed("due-day"), typed("due-month"), typed("due-year")])}
            <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Add action"</button>
        </form>
    }
}

fn done_form(id: uuid::Uuid, csrf: &str, action: &Action, problem: &ProviderProblem, today: NaiveDate) -> impl IntoView {
    let form = format!("done-{}", action.id);
    let mine = problem.form == form;
    let error = mine.then(|| problem.error(&format!("{form}-day"))).flatten();
    let typed = |part: &str, default: String| if mine { problem.typed(&format!("{form}-{part}")) } else { default };
    let values = [
        typed("day", today.format("%-d").to_string()),
        typed("month", today.format("%-m").to_string()),
        typed("year", today.format("%Y").to_string()),
    ];
    view! {
        <form method="post" action=format!("/provider/observations/{id}/actions/{}/done", action.id) novalidate>
            <input type="hidden" name="csrf" value=csrf.to_owned()/>
            {date_fields("done", &form, "Date done", "", error, values)}
            <button class="nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-0" type="submit">
                "Mark as done" <span class="nhsuk-u-visually-hidden">{format!(": {}", action.what)}</span>
            </button>
        </form>
    }
}

/// The NHS date input: day, month and year as three boxes in one fieldset,
/// posted as `{name}-day` and so on; `id` keeps the boxes apart when a page
/// has several such forms.
fn date_fields(name: &str, id: &str, legend: &str, hint: &str, error: Option<String>, values: [String; 3]) -> impl IntoView {
    let group = if error.is_some() { "nhsuk-form-group nhsuk-form-group--error" } else { "nhsuk-form-group" };
    let hint_id = format!("{id}-hint");
    let described = hint_id.clone();
    let ids = ["day", "month", "year"].map(|part| format!("{id}-{part}"));
    let failed = error.is_some();
    view! {
        <div class=group>
            <fieldset class="nhsuk-fieldset" role="group" aria-describedby=described>
                <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend.to_owned()}</legend>
                <div class="nhsuk-hint" id=hint_id>{hint.to_owned()}</div>
                <FieldErrorMessage id=format!("{id}-day") message=error/>
                <DateBoxes name=name.to_owned() ids values failed/>
            </fieldset>
        </div>
    }
}

fn form_title(form_id: &str, version: u32) -> String {
    forms::find(form_id, version).map_or_else(|| form_id.to_owned(), |form| form.title.clone())
}

fn kind_tag(item: &SharedItem) -> impl IntoView {
    if item.compliment {
        view! { <strong class="nhsuk-tag nhsuk-tag--green">"Compliment"</strong> }.into_any()
    } else {
        severity_tag(item.severity).into_any()
    }
}

/// Where the home's reply stands, in words.
fn reply_state(item: &SharedItem, now: DateTime<Utc>) -> impl IntoView {
    let (class, text) = match (item.compliment, item.replied_at, item.reply_due_at) {
        (true, ..) => ("nhsuk-tag nhsuk-tag--grey", "No reply needed".to_owned()),
        (false, Some(at), _) => ("nhsuk-tag nhsuk-tag--green", format!("Replied {}", short_date(at))),
        (false, None, Some(due)) if now > due => ("nhsuk-tag tag--overdue", format!("Reply overdue since {}", short_date(due))),
        (false, None, Some(due)) => ("nhsuk-tag nhsuk-tag--blue", format!("Reply by {}", short_date(due))),
        (false, None, None) => ("nhsuk-tag nhsuk-tag--grey", "No reply asked".to_owned()),
    };
    view! { <strong class=class data-testid="reply-state">{text}</strong> }
}

fn short_date(at: DateTime<Utc>) -> String {
    at.format("%-d %B %Y").to_string()
}
