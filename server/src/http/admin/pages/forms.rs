//! Form definitions for staff: every version known, and for admins the
//! upload of a new version, with every problem of a bad file listed.

use app::domain::{forms::FormDefinition, FieldError};
use axum::response::Html;
use leptos::prelude::*;

use super::{document, problems_summary, when};
use crate::store::{PublishedDefinition, StaffSession};

pub struct FormsView<'a> {
    pub staff: &'a StaffSession,
    pub published: Vec<PublishedDefinition>,
    /// The problems of a file just uploaded, each with its place in the file.
    pub problems: Vec<FieldError>,
    /// "quality-audit version 2", just published.
    pub just_published: Option<String>,
}

pub fn forms(view: FormsView<'_>) -> Html<String> {
    let is_admin = view.staff.user.role == app::domain::accounts::Role::Admin;
    let rows = view
        .published
        .into_iter()
        .map(|published| {
            let title = serde_json::from_str::<FormDefinition>(&published.json).map(|form| form.title).unwrap_or_default();
            let by = published.published_by.unwrap_or_else(|| "Built into the release".to_owned());
            view! {
                <tr class="nhsuk-table__row">
                    <td class="nhsuk-table__cell">{title}<br/><span class="nhsuk-hint">{published.form_id}</span></td>
                    <td class="nhsuk-table__cell">{published.version.to_string()}</td>
                    <td class="nhsuk-table__cell">{format!("{} · {by}", when(published.published_at))}</td>
                </tr>
            }
        })
        .collect_view();
    // The summary links to the file field; each message names its place in the file.
    let problems: Vec<FieldError> = view
        .problems
        .into_iter()
        .map(|problem| match problem.field.as_str() {
            "definition" => FieldError::new("definition", problem.message),
            place => FieldError::new("definition", format!("{place}: {}", problem.message)),
        })
        .collect();
    let upload = is_admin.then(|| {
        let error = (!problems.is_empty()).then(|| format!("The file has {} problems; they are listed at the top of the page", problems.len()));
        let class = if error.is_some() { "nhsuk-form-group nhsuk-form-group--error" } else { "nhsuk-form-group" };
        view! {
            <h2>"Publish a new version"</h2>
            <form method="post" action="/triage/forms" enctype="multipart/form-data" novalidate>
                <input type="hidden" name="csrf" value=view.staff.csrf_token.clone()/>
                <div class=class>
                    <label class="nhsuk-label" for="definition">"Definition file (JSON)"</label>
                    <p class="nhsuk-hint" id="definition-hint">
                        "Give it a version higher than the one published. Phones pick it up the next time they open the app with a signal; drafts on older versions can still be sent."
                    </p>
                    {error.map(|message| view! { <p class="nhsuk-error-message" id="definition-error"><span class="nhsuk-u-visually-hidden">"Error: "</span>{message}</p> })}
                    <input class="nhsuk-file-upload" id="definition" name="definition" type="file" accept="application/json,.json" aria-describedby="definition-hint"/>
                </div>
                <button class="nhsuk-button" type="submit">"Publish"</button>
            </form>
        }
    });
    let mut versions: Vec<(String, String)> = app::domain::forms::definitions()
        .into_iter()
        .map(|form| (format!("{}@{}", form.id.as_str(), form.version), format!("{} (version {})", form.title, form.version)))
        .collect();
    versions.sort();
    versions.dedup();
    let export = view! {
        <h2 id="export">"Export answers for a report"</h2>
        <p>"One row per observation sent on one version of a form, one column per question, comments included: what a monthly quality report is built from."</p>
        <form method="get" action="/triage/export/answers.csv" novalidate>
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="export-form">"Form and version"</label>
                <select class="nhsuk-select" id="export-form" name="form">
                    {versions.into_iter().map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
                </select>
            </div>
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="export-from">"Received from (leave empty for the first)"</label>
                <input class="nhsuk-input nhsuk-input--width-10" id="export-from" name="from" type="date"/>
            </div>
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="export-to">"Received to (leave empty for today)"</label>
                <input class="nhsuk-input nhsuk-input--width-10" id="export-to" name="to" type="date"/>
            </div>
            <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Download the answers (CSV)"</button>
        </form>
    };
    let body = view! {
        {problems_summary(problems)}
        {view.just_published.map(|what| view! {
            <div class="nhsuk-inset-text" role="status"><p>{format!("Published {what}.")}</p></div>
        })}
        <h1>"Forms and checklists"</h1>
        <table class="nhsuk-table">
            <caption class="nhsuk-table__caption">"Every version known to the server"</caption>
            <thead class="nhsuk-table__head">
                <tr class="nhsuk-table__row">
                    <th class="nhsuk-table__header" scope="col">"Form"</th>
                    <th class="nhsuk-table__header" scope="col">"Version"</th>
                    <th class="nhsuk-table__header" scope="col">"Published"</th>
                </tr>
            </thead>
            <tbody class="nhsuk-table__body">{rows}</tbody>
        </table>
        {export}
        {upload}
    };
    document("Forms and checklists", Some(view.staff), body)
}
