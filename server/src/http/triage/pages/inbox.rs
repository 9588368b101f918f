//! The inbox: filters, then observations most urgent first, a page at a time.

use app::domain::submission::reference;
use app::domain::{
    forms::Severity,
    triage::{ResponseTargets, Status, CHARTED_AREAS},
    FieldError,
};
use axum::response::Html;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::{document_with_script, problems_summary, severity_tag, when};
use crate::{
    http::triage::filter::InboxParams,
    store::{InboxItem, InboxPage, StaffSession},
};

pub struct InboxView<'a> {
    pub staff: &'a StaffSession,
    pub params: &'a InboxParams,
    pub problems: Vec<FieldError>,
    pub page: InboxPage,
    pub per_page: u32,
    /// (CQC location ID, name) of every service, for the service filter.
    pub services: Vec<(String, String)>,
    /// (code, label) of each visitor role.
    pub roles: Vec<(String, String)>,
    pub targets: ResponseTargets,
    pub now: DateTime<Utc>,
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
    let items = view.page.items.into_iter().map(|item| inbox_item(item, targets, now)).collect_view();
    let body = view! {
        {problems_summary(view.problems)}
        <h1>"Inbox"</h1>
        {filters(view.params, view.services, view.roles)}
        <p class="results-summary" id="results" aria-live="polite">{count}</p>
        <p><a href=export>"Download these observations as CSV"</a></p>
        <ol class="inbox">{items}</ol>
        <nav class="pager" aria-label="Pages of observations">
            {previous.map(|href| view! { <a class="pager__link" href=href rel="prev">"Previous page"</a> })}
            <span class="pager__position">{format!("Page {current} of {pages}")}</span>
            {next.map(|href| view! { <a class="pager__link" href=href rel="next">"Next page"</a> })}
        </nav>
    };
    document_with_script("Inbox", Some(view.staff), Some("/triage.js"), body)
}

fn inbox_item(item: InboxItem, targets: ResponseTargets, now: DateTime<Utc>) -> impl IntoView {
    let overdue = targets.is_overdue(item.severity, item.status, item.received_at, now);
    let assigned = item.assignee.map_or_else(|| "Not assigned".to_owned(), |name| format!("Assigned to {name}"));
    let href = format!("/triage/observations/{}", item.id);
    view! {
        <li class="inbox__item" data-severity=item.severity.code()>
            <h2 class="inbox__service"><a href=href>{item.service_name}</a></h2>
            <p class="inbox__tags">
                {severity_tag(item.severity)}
                {overdue.then(|| view! { <strong class="nhsuk-tag nhsuk-tag--red inbox__overdue">"Overdue"</strong> })}
                <strong class="nhsuk-tag nhsuk-tag--grey">{item.status.label()}</strong>
            </p>
            <p class="inbox__reason">{item.severity_reason}</p>
            <p class="inbox__meta">{format!("Reference {} · received {} · {assigned}", reference(item.id), when(item.received_at))}</p>
        </li>
    }
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
                {choose_one("service", "Service", "Any service", services, &params.service)}
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
