//! All homes at a glance: one row per service with its last 90 days, the
//! column headings sorting the table, the filters above it.

use app::domain::{
    register::ServiceKind,
    triage::{PatternRule, CHARTED_AREAS},
    FieldError,
};
use axum::response::Html;
use leptos::prelude::*;

use super::{document, problems_summary, rating_tag};
use crate::{
    http::triage::homes::HomesParams,
    store::{HomeRow, HomesPage, HomesQuery, HomesSort, StaffSession},
};

pub struct HomesView<'a> {
    pub staff: &'a StaffSession,
    pub params: &'a HomesParams,
    pub problems: Vec<FieldError>,
    pub page: HomesPage,
    /// What was shown: the params as read, or every home if they could not be.
    pub query: HomesQuery,
    pub rule: PatternRule,
}

pub fn homes(view: HomesView<'_>) -> Html<String> {
    let params = view.params;
    let sort = view.query.sort;
    let pages = view.page.total.div_ceil(u64::from(view.query.per_page)).max(1);
    let current = u64::from(view.query.page);
    let count = match view.page.total {
        1 => "1 service".to_owned(),
        n => format!("{n} services"),
    };
    let previous = (current > 1).then(|| params.href(sort.code(), view.query.page - 1));
    let next = (current < pages).then(|| params.href(sort.code(), view.query.page + 1));
    let rule = view.rule;
    let rows = view.page.rows.into_iter().map(|row| home_row(row, rule)).collect_view();
    let heading = |label: &'static str, by: HomesSort| sort_heading(label, by, sort, params);
    let areas = CHARTED_AREAS.iter().map(|(_, label)| view! { <th scope="col">{*label}</th> }).collect_view();
    let body = view! {
        {problems_summary(view.problems)}
        <h1>"All homes"</h1>
        <p>{format!(
            "Each service's observations in the last 90 days. A service is flagged when it has {} or more amber or red observations in {} days.",
            rule.threshold, rule.window_days
        )}</p>
        {filters(params)}
        <p class="results-summary" id="results">{format!("{count}, sorted by {}", sort_label(sort))}</p>
        <div class="homes">
            <table class="work-table homes__table">
                <caption class="nhsuk-u-visually-hidden">"Services and their last 90 days; the column headings sort the table"</caption>
                <thead>
                    <tr>
                        {heading("Home", HomesSort::Name)}
                        {heading("Town", HomesSort::Town)}
                        <th scope="col">"CQC rating"</th>
                        {heading("Red, amber, green", HomesSort::Red)}
                        {heading("Trend", HomesSort::Trend)}
                        {heading("Open", HomesSort::Open)}
                        {heading("Last observation", HomesSort::LastObserved)}
                        {heading("Pattern", HomesSort::Risk)}
                        {areas}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages of services">
            {previous.map(|href| view! { <a class="pager__link" href=href rel="prev">"Previous page"</a> })}
            <span class="pager__position">{format!("Page {current} of {pages}")}</span>
            {next.map(|href| view! { <a class="pager__link" href=href rel="next">"Next page"</a> })}
        </nav>
    };
    document("All homes", Some(view.staff), body)
}

fn sort_label(sort: HomesSort) -> &'static str {
    match sort {
        HomesSort::Risk => "risk (flagged, then most red, most amber, most open)",
        HomesSort::Name => "name",
        HomesSort::Town => "town",
        HomesSort::Red => "most red",
        HomesSort::Open => "most open items",
        HomesSort::LastObserved => "longest since an observation",
        HomesSort::Trend => "most risen concerns",
    }
}

/// A column heading that sorts by it; the current sort says so to screen readers.
fn sort_heading(label: &'static str, by: HomesSort, current: HomesSort, params: &HomesParams) -> impl IntoView {
    let sorted = (by == current).then_some(match by {
        HomesSort::Name | HomesSort::Town | HomesSort::LastObserved => "ascending",
        _ => "descending",
    });
    let href = params.href(by.code(), 1);
    view! {
        <th scope="col" aria-sort=sorted>
            <a href=href class="homes__sort" aria-label=format!("{label}: sort by {}", sort_label(by))>{label}</a>
        </th>
    }
}

fn filters(params: &HomesParams) -> impl IntoView {
    let kinds = ServiceKind::ALL
        .into_iter()
        .map(|kind| view! { <option value=kind.code() selected=params.kind == kind.code()>{kind.label()}</option> })
        .collect_view();
    view! {
        <form method="get" action="/triage/homes" class="filters filters--open" novalidate>
            <div class="filters__grid">
                <div class="nhsuk-form-group">
                    <label class="nhsuk-label" for="kind">"Kind of service"</label>
                    <select class="nhsuk-select" id="kind" name="kind">
                        <option value="">"Any kind"</option>
                        {kinds}
                    </select>
                </div>
                <div class="nhsuk-form-group">
                    <label class="nhsuk-label" for="town">"Town"</label>
                    <input class="nhsuk-input" id="town" name="town" type="text" value=params.town.clone()/>
                </div>
            </div>
            <div class="nhsuk-checkboxes nhsuk-checkboxes--small">
                <div class="nhsuk-checkboxes__item">
                    <input class="nhsuk-checkboxes__input" id="flagged" name="flagged" type="checkbox" value="yes" checked=params.flagged/>
                    <label class="nhsuk-label nhsuk-checkboxes__label" for="flagged">"Only flagged services"</label>
                </div>
            </div>
            {(!params.sort.is_empty()).then(|| view! { <input type="hidden" name="sort" value=params.sort.clone()/> })}
            <button class="nhsuk-button nhsuk-button--secondary filters__apply" type="submit">"Show services"</button>
            " "
            <a href="/triage/homes" class="filters__clear">"Clear filters"</a>
        </form>
    }
}

fn home_row(row: HomeRow, rule: PatternRule) -> impl IntoView {
    let href = format!("/triage/services/{}", row.service.location_id.as_str());
    let rated_on = row.service.ratings.rated_on.map(|date| date.format("%b %Y").to_string());
    let trend = match row.concerns().cmp(&row.concerns_before) {
        std::cmp::Ordering::Greater => format!("Up {} on the 90 days before", row.concerns() - row.concerns_before),
        std::cmp::Ordering::Less => format!("Down {} on the 90 days before", row.concerns_before - row.concerns()),
        std::cmp::Ordering::Equal => "No change".to_owned(),
    };
    let flagged = row.pattern >= rule.threshold;
    let last = row.last_observed_at.map_or_else(|| "Never".to_owned(), |at| at.format("%-d %b %Y").to_string());
    let worst = row
        .worst
        .into_iter()
        .zip(CHARTED_AREAS)
        .map(|(rank, (_, label))| view! { <td data-label=label>{worst_tag(rank)}</td> })
        .collect_view();
    view! {
        <tr class="homes__row" data-flagged=flagged.then_some("yes")>
            <td data-label="Home">
                <a href=href class="homes__name">{row.service.name.as_str().to_owned()}</a>
                <span class="inbox__secondary">{row.service.kind.label()}</span>
            </td>
            <td data-label="Town">{row.service.town.as_str().to_owned()}</td>
            <td data-label="CQC rating">
                {rating_tag(row.service.ratings.overall)}
                {rated_on.map(|date| view! { <span class="inbox__secondary">{date}</span> })}
            </td>
            <td data-label="Red, amber, green">
                <span class="homes__counts">
                    <span>{row.red.to_string()}<span class="nhsuk-u-visually-hidden">" red,"</span></span>" · "
                    <span>{row.amber.to_string()}<span class="nhsuk-u-visually-hidden">" amber,"</span></span>" · "
                    <span>{row.green.to_string()}<span class="nhsuk-u-visually-hidden">" green"</span></span>
                </span>
            </td>
            <td data-label="Trend">{trend}</td>
            <td data-label="Open">{row.open_items.to_string()}</td>
            <td data-label="Last observation">{last}</td>
            <td data-label="Pattern">
                {if flagged {
                    view! { <strong class="nhsuk-tag nhsuk-tag--red">"Flagged"</strong><span class="inbox__secondary">{rule.describe(row.pattern)}</span> }.into_any()
                } else {
                    view! { "Not flagged" }.into_any()
                }}
            </td>
            {worst}
        </tr>
    }
}

/// The worst rating an area got, as a tag; a dash where it was never rated.
fn worst_tag(rank: Option<u8>) -> impl IntoView {
    match rank {
        Some(3) => view! { <strong class="nhsuk-tag nhsuk-tag--red">"Serious concerns"</strong> }.into_any(),
        Some(2) => view! { <strong class="nhsuk-tag nhsuk-tag--orange">"Some concerns"</strong> }.into_any(),
        Some(_) => view! { <strong class="nhsuk-tag nhsuk-tag--green">"Good"</strong> }.into_any(),
        None => view! { <span>"Not rated"</span> }.into_any(),
    }
}
