//! The inbox: what came since you last looked, the filters folded away, then
//! observations most urgent first as a compact table, a page at a time.

use app::domain::submission::reference;
use app::domain::{
    device::ProfessionalRole,
    forms::{self, Severity},
    triage::{charted_area, ResponseTargets, Status, CHARTED_AREAS},
    FieldError,
};
use axum::response::Html;
use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;

use super::{document_with_script, problems_summary, severity_tag, when};
use crate::{
    http::triage::filter::InboxParams,
    store::{GroupingHint, InboxCounts, InboxItem, InboxPage, StaffSession},
};
use std::collections::HashMap;
use uuid::Uuid;

pub struct InboxView<'a> {
    pub staff: &'a StaffSession,
    pub params: &'a InboxParams,
    pub problems: Vec<FieldError>,
    pub page: InboxPage,
    pub per_page: u32,
    /// (CQC location ID, name) of every service, for the service filter; empty
    /// when the register is too large for a list, and the filter takes an ID.
    pub services: Vec<(String, String)>,
    /// (code, label) of each visitor role.
    pub roles: Vec<(String, String)>,
    pub targets: ResponseTargets,
    pub now: DateTime<Utc>,
    pub since: SinceLastLooked,
    /// What to suggest for rows that could join a concern.
    pub hints: HashMap<Uuid, GroupingHint>,
}

/// The "since you last looked" line: when that was (never: the last week), and what came.
pub struct SinceLastLooked {
    pub last_looked: Option<DateTime<Utc>>,
    pub counts: InboxCounts,
}

pub fn inbox(view: InboxView<'_>) -> Html<String> {
    let pages = view.page.total.div_ceil(u64::from(view.per_page)).max(1);
    let current = u64::from(view.params.page);
    let count = match view.page.total {
        1 => "1 observation".to_owned(),
        n => format!("{n} observations"),
    };
    let previous = (current > 1).then(|| view.params.href(view.params.page - 1));
    let next = (current < pages).then(|| view.params.href(view.params.page + 1));
    let export = view.params.href(1).replacen("/triage?", "/triage/export.csv?", 1);
    let (targets, now) = (view.targets, view.now);
    let active = active_filters(view.params, &view.services, &view.roles);
    // Folded unless the filters need fixing, so the first screen is observations.
    let open_filters = !view.problems.is_empty();
    let mut hints = view.hints;
    let rows = view
        .page
        .items
        .into_iter()
        .map(|item| {
            let hint = hints.remove(&item.id);
            inbox_row(item, hint, targets, now)
        })
        .collect_view();
    let body = view! {
        {problems_summary(view.problems)}
        <h1 class="inbox__heading">"Inbox"</h1>
        {since_line(view.since)}
        <details class="filters" open=open_filters>
            <summary class="filters__summary"><span>"Filter observations"</span></summary>
            {filters(view.params, view.services, view.roles)}
        </details>
        {active_filter_list(active)}
        <p class="results-summary" id="results" aria-live="polite">{count}</p>
        <div class="inbox">
            <table class="work-table inbox__table">
                <caption class="nhsuk-u-visually-hidden">"Observations, most urgent first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Severity"</th>
                        <th scope="col">"Home"</th>
                        <th scope="col">"Visitor and form"</th>
                        <th scope="col">"Visited"</th>
                        <th scope="col">"Received"</th>
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages of observations">
            {previous.map(|href| view! { <a class="pager__link" href=href rel="prev">"Previous page"</a> })}
            <span class="pager__position">{format!("Page {current} of {pages}")}</span>
            {next.map(|href| view! { <a class="pager__link" href=href rel="next">"Next page"</a> })}
        </nav>
        <p><a href=export>"Download these observations as CSV"</a></p>
    };
    document_with_script("Inbox", Some(view.staff), Some("/triage.js"), body)
}

fn since_line(since: SinceLastLooked) -> impl IntoView {
    let when_text = since.last_looked.map_or_else(|| "In the last 7 days".to_owned(), |at| format!("Since you last looked ({})", when(at)));
    let counts = since.counts;
    let plural = |n: u64, one: &str, many: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {many}") };
    view! {
        <p class="inbox__since" data-testid="since">
            <strong>{format!("{when_text}: ")}</strong>
            {plural(counts.red, "new red observation", "new red observations")}", "
            {plural(counts.risk_of_harm, "report of risk of harm", "reports of risk of harm")}"; "
            {plural(counts.overdue, "observation is overdue now", "observations are overdue now")}"."
        </p>
    }
}

/// One observation as a table row; on a narrow screen each cell shows its heading.
fn inbox_row(item: InboxItem, hint: Option<GroupingHint>, targets: ResponseTargets, now: DateTime<Utc>) -> impl IntoView {
    let overdue = targets.is_overdue(item.severity, item.status, item.received_at, now);
    let assigned = item.assignee.unwrap_or_else(|| "Not assigned".to_owned());
    let href = format!("/triage/observations/{}", item.id);
    let form = forms::find(&item.form_id, item.form_version).map_or_else(|| item.form_id.clone(), |form| form.title.clone());
    let visited = item
        .visit_date
        .as_deref()
        .and_then(|date| NaiveDate::parse_from_str(date, "%Y-%m-%d").ok())
        .map_or_else(|| "Not given".to_owned(), |date| day(date, now));
    let reason = item.severity_reason;
    let reason_in_full = reason.clone();
    // Short on the row (it must stay two lines); the link's name says it all.
    let hint = hint.map(|hint| {
        let (text, label) = match hint {
            GroupingHint::OpenConcern { title, .. } => ("Add to concern".to_owned(), format!("Add to concern \u{201c}{title}\u{201d}")),
            GroupingHint::Related(n) => {
                (format!("{n} related"), format!("{n} related: group with the other amber or red observations about this home lately"))
            }
        };
        let tooltip = label.clone();
        view! {
            " · "
            <a class="inbox__hint" href=format!("/triage/observations/{}#concern", item.id) aria-label=label title=tooltip>{text}</a>
        }
    });
    let place = if item.town.is_empty() { item.service.as_str().to_owned() } else { item.town };
    view! {
        <tr class="inbox__item" data-severity=item.severity.code() data-risk-of-harm=item.risk_of_harm.then_some("yes")>
            <td data-label="Severity">
                <span class="inbox__tags">
                    {severity_tag(item.severity)}
                    {item.risk_of_harm.then(|| view! { <strong class="nhsuk-tag tag--harm">"Risk of harm"</strong> })}
                    {overdue.then(|| view! { <strong class="nhsuk-tag tag--overdue">"Overdue"</strong> })}
                    {item.reply_overdue.then(|| view! { <strong class="nhsuk-tag tag--overdue" data-testid="reply-overdue">"Reply overdue"</strong> })}
                </span>
                <span class="inbox__reason" title=reason_in_full>{reason}</span>
            </td>
            <td data-label="Home">
                <a class="inbox__service" href=href>{item.service_name}</a>
                <span class="inbox__secondary">{place}{hint}</span>
            </td>
            <td data-label="Visitor and form">
                {ProfessionalRole::label_of(&item.visitor_role)}
                <span class="inbox__secondary">{form}</span>
            </td>
            <td data-label="Visited" class="work-table__when">{visited}</td>
            <td data-label="Received" class="work-table__when">
                {format!("{}, {}", day(item.received_at.date_naive(), now), item.received_at.format("%H:%M"))}
                <span class="inbox__secondary">{format!("Reference {}", reference(item.id))}</span>
            </td>
            <td data-label="Status">
                {item.status.label()}
                <span class="inbox__secondary">{assigned}</span>
            </td>
        </tr>
    }
}

/// "26 Nov", with the year only when it is not this year's.
fn day(date: NaiveDate, now: DateTime<Utc>) -> String {
    use chrono::Datelike;
    if date.year() == now.year() {
        date.format("%-d %b").to_string()
    } else {
        date.format("%-d %b %Y").to_string()
    }
}

/// Each filter in force, as (what it is, the inbox's address without it).
fn active_filters(params: &InboxParams, services: &[(String, String)], roles: &[(String, String)]) -> Vec<(String, String)> {
    let label_in = |list: &[(String, String)], code: &str| {
        list.iter().find(|(value, _)| value == code).map_or_else(|| code.to_owned(), |(_, l)| l.clone())
    };
    let mut active = Vec::new();
    for severity in &params.severities {
        let label = Severity::parse(severity).map_or(severity.as_str(), |severity| severity.label());
        active.push((format!("Severity: {label}"), without(params, |p| p.severities.retain(|s| s != severity))));
    }
    if params.status != "open" {
        let label = if params.status == "all" {
            "All"
        } else {
            Status::parse(&params.status).map_or(params.status.as_str(), |status| status.label())
        };
        active.push((format!("Status: {label}"), without(params, |p| p.status = "open".to_owned())));
    }
    if !params.service.is_empty() {
        active.push((format!("Service: {}", label_in(services, &params.service)), without(params, |p| p.service.clear())));
    }
    if !params.role.is_empty() {
        active.push((format!("Visitor's role: {}", label_in(roles, &params.role)), without(params, |p| p.role.clear())));
    }
    if !params.area.is_empty() {
        let label = charted_area(&params.area).map_or(params.area.as_str(), |(_, label)| label);
        active.push((format!("Concerns about: {label}"), without(params, |p| p.area.clear())));
    }
    if !params.text.is_empty() {
        active.push((format!("Words: \u{201c}{}\u{201d}", params.text), without(params, |p| p.text.clear())));
    }
    if !params.from.is_empty() {
        active.push((format!("Received from {}", params.from), without(params, |p| p.from.clear())));
    }
    if !params.to.is_empty() {
        active.push((format!("Received to {}", params.to), without(params, |p| p.to.clear())));
    }
    if params.mine {
        active.push(("Assigned to me".to_owned(), without(params, |p| p.mine = false)));
    }
    active
}

/// The inbox's first page with one filter changed.
fn without(params: &InboxParams, change: impl FnOnce(&mut InboxParams)) -> String {
    let mut rest = params.clone();
    change(&mut rest);
    rest.href(1)
}

fn active_filter_list(active: Vec<(String, String)>) -> impl IntoView {
    (!active.is_empty()).then(|| {
        let items = active
            .into_iter()
            .map(|(label, href)| {
                view! {
                    <li>
                        <a class="active-filter" href=href>
                            <span class="nhsuk-u-visually-hidden">"Remove filter "</span>
                            {label}
                            <span aria-hidden="true">" ×"</span>
                        </a>
                    </li>
                }
            })
            .collect_view();
        view! {
            <div class="active-filters">
                <h2 class="active-filters__heading">"Filters in use"</h2>
                <ul class="active-filters__list">{items}</ul>
                <a href="/triage" class="filters__clear">"Clear all filters"</a>
            </div>
        }
    })
}

fn filters(params: &InboxParams, services: Vec<(String, String)>, roles: Vec<(String, String)>) -> impl IntoView {
    let severity_box = |severity: Severity, label: &'static str| {
        let id = format!("severity-{}", severity.code());
        let checked = params.severities.iter().any(|s| s == severity.code());
        view! {
            <div class="nhsuk-checkboxes__item">
                <input class="nhsuk-checkboxes__input" id=id.clone() name="severity" type="checkbox" value=severity.code() checked=checked/>
                <label class="nhsuk-label nhsuk-checkboxes__label" for=id>{label}</label>
            </div>
        }
    };
    let status_options = [("open", "Open (not closed)"), ("all", "All")]
        .into_iter()
        .chain(Status::ALL.map(|s| (s.code(), s.label())))
        .map(|(value, label)| view! { <option value=value selected=params.status == value>{label}</option> })
        .collect_view();
    let areas = CHARTED_AREAS.iter().map(|(value, label)| ((*value).to_owned(), (*label).to_owned())).collect::<Vec<_>>();
    view! {
        <form method="get" action="/triage" class="filters" novalidate>
            <fieldset class="nhsuk-fieldset" id="severity">
                <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">"Severity"</legend>
                <div class="nhsuk-checkboxes nhsuk-checkboxes--small filters__row">
                    {severity_box(Severity::Red, "Red")}
                    {severity_box(Severity::Amber, "Amber")}
                    {severity_box(Severity::Green, "Green")}
                </div>
            </fieldset>
            <div class="filters__grid">
                <div class="nhsuk-form-group">
                    <label class="nhsuk-label" for="status">"Status"</label>
                    <select class="nhsuk-select" id="status" name="status">{status_options}</select>
                </div>
                {if services.is_empty() {
                    view! {
                        <div class="nhsuk-form-group">
                            <label class="nhsuk-label" for="service">"Service's CQC location ID"</label>
                            <div class="nhsuk-hint" id="service-hint">"For example, 1-000000042. All homes lists every service with its ID."</div>
                            <input class="nhsuk-input" id="service" name="service" type="text" aria-describedby="service-hint" value=params.service.clone()/>
                        </div>
                    }
                    .into_any()
                } else {
                    choose_one("service", "Service", "Any service", services, &params.service).into_any()
                }}
                {choose_one("role", "Visitor's role", "Any role", roles, &params.role)}
                {choose_one("area", "Area with concerns", "Any area", areas, &params.area)}
                <div class="nhsuk-form-group">
                    <label class="nhsuk-label" for="q">"Words in the answers, or a reference"</label>
                    <input class="nhsuk-input" id="q" name="q" type="search" value=params.text.clone()/>
                </div>
                <div class="nhsuk-form-group">
                    <label class="nhsuk-label" for="from">"Received from"</label>
                    <input class="nhsuk-input" id="from" name="from" type="date" value=params.from.clone()/>
                </div>
                <div class="nhsuk-form-group">
                    <label class="nhsuk-label" for="to">"Received to"</label>
                    <input class="nhsuk-input" id="to" name="to" type="date" value=params.to.clone()/>
                </div>
            </div>
            <div class="nhsuk-checkboxes nhsuk-checkboxes--small">
                <div class="nhsuk-checkboxes__item">
                    <input class="nhsuk-checkboxes__input" id="mine" name="mine" type="checkbox" value="yes" checked=params.mine/>
                    <label class="nhsuk-label nhsuk-checkboxes__label" for="mine">"Only those assigned to me"</label>
                </div>
            </div>
            <button class="nhsuk-button nhsuk-button--secondary filters__apply" type="submit">"Apply filters"</button>
            " "
            <a href="/triage" class="filters__clear">"Clear filters"</a>
        </form>
    }
}

/// A filter's select: "any" first, then each (value, label), the current one selected.
fn choose_one(name: &'static str, label: &'static str, any: &'static str, options: Vec<(String, String)>, current: &str) -> impl IntoView {
    let options = options
        .into_iter()
        .map(|(value, label)| {
            let selected = current == value;
            view! { <option value=value selected=selected>{label}</option> }
        })
        .collect_view();
    view! {
        <div class="nhsuk-form-group">
            <label class="nhsuk-label" for=name>{label}</label>
            <select class="nhsuk-select" id=name name=name>
                <option value="">{any}</option>
                {options}
            </select>
        </div>
    }
}
