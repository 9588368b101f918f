//! A service over time: counts, open work, the pattern flag, a chart per
//! area, and every recent observation.

use app::domain::{register::Service, triage::CHARTED_AREAS};
use axum::response::Html;
use leptos::prelude::*;

use super::{checklist_summary, concern_item, document, rating_tag, severity_tag, when, SummaryHeading};
use crate::{
    http::triage::picture::{LatestChecklist, Picture},
    store::{AreaMonth, ConcernSummary, SelfAssessment, StaffSession},
};

pub struct ServiceView<'a> {
    pub staff: &'a StaffSession,
    pub service: Service,
    pub picture: Picture,
    /// The home's concerns, open first.
    pub concerns: Vec<ConcernSummary>,
    /// Self-assessments the home shared with the unit, newest first.
    pub self_assessments: Vec<SelfAssessment>,
}

/// The ratings a chart stacks, bottom up, with their colours' class names.
const STACK: [(&str, &str, &str); 3] = [
    ("good", "Good", "chart__good"),
    ("some_concerns", "Some concerns", "chart__some"),
    ("serious_concerns", "Serious concerns", "chart__serious"),
];

pub fn service(view: ServiceView<'_>) -> Html<String> {
    let title = view.service.name_and_town();
    let ratings = view.service.ratings.clone();
    let counts = view
        .picture
        .by_severity
        .iter()
        .map(|(severity, count)| view! { <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{severity_tag(*severity)}</dt><dd class="nhsuk-summary-list__value">{count.to_string()}</dd></div> })
        .collect_view();
    let charts = CHARTED_AREAS
        .iter()
        .map(|(area, label)| chart(label, &view.picture.ratings.iter().filter(|m| m.area == *area).cloned().collect::<Vec<_>>()))
        .collect_view();
    let recent = view
        .picture
        .recent
        .into_iter()
        .map(|item| {
            let href = format!("/triage/observations/{}", item.id);
            let text = format!("{}: {} ({})", when(item.received_at), item.severity_reason, item.status.label());
            view! { <li>{severity_tag(item.severity)}" "<a href=href>{text}</a></li> }
        })
        .collect_view();
    let key_questions = ratings
        .key_questions()
        .into_iter()
        .map(|(question, rating)| view! { <div class="ratings__row"><dt>{question}</dt><dd>{rating_tag(rating)}</dd></div> })
        .collect_view();
    let body = view! {
        <a class="nhsuk-back-link" href="/triage/homes">"All homes"</a>
        <span class="nhsuk-caption-l">{format!("{} · CQC location {}", view.service.kind.label(), view.service.location_id.as_str())}</span>
        <h1>{title.clone()}</h1>
        {view.picture.pattern.map(|why| view! {
            <div class="nhsuk-warning-callout">
                <h2 class="nhsuk-warning-callout__label">"Pattern of concerns"</h2>
                <p>{why}</p>
            </div>
        })}
        <h2>"Concerns"</h2>
        {if view.concerns.is_empty() {
            view! { <p>"No observations about this home have been grouped into a concern."</p> }.into_any()
        } else {
            view! { <ul class="nhsuk-list concern-list">{view.concerns.into_iter().map(concern_item).collect_view()}</ul> }.into_any()
        }}
        <h2>"Observations"</h2>
        <dl class="nhsuk-summary-list">
            {counts}
            <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">"Not yet closed"</dt><dd class="nhsuk-summary-list__value">{view.picture.open.to_string()}</dd></div>
        </dl>
        <h2>"CQC ratings"</h2>
        <dl class="ratings">
            <div class="ratings__row"><dt>"Overall"</dt><dd>{rating_tag(ratings.overall)}</dd></div>
            {key_questions}
        </dl>
        <h2>"Each area over time"</h2>
        <p>"Share of observations rating each area good, with some concerns or with serious concerns, by month received. Areas not observed are left out."</p>
        {charts}
        <h2>"Latest checklists"</h2>
        {latest_checklists(view.picture.checklists)}
        <h2>"The home's self-assessments"</h2>
        {shared_self_assessments(view.self_assessments)}
        <h2>"Recent observations"</h2>
        <ul class="nhsuk-list">{recent}</ul>
    };
    document(&title, Some(view.staff), body)
}

/// The My Home Life self-assessments the home chose to share, each as its summary.
fn shared_self_assessments(assessments: Vec<SelfAssessment>) -> impl IntoView {
    if assessments.is_empty() {
        return view! { <p>"The home has not shared a self-assessment."</p> }.into_any();
    }
    assessments
        .into_iter()
        .map(|assessment| {
            let summary =
                app::domain::forms::find(&assessment.form_id, assessment.form_version).and_then(|d| d.summarise(&assessment.answers));
            let shared = assessment.shared_at.map(when).unwrap_or_default();
            view! {
                <section class="latest-checklist" data-testid="shared-self-assessment">
                    <p>{format!("Completed {} by {}; shared {shared}", when(assessment.created_at), assessment.user_name)}</p>
                    {summary.map(|summary| checklist_summary(summary, SummaryHeading::Nested))}
                </section>
            }
        })
        .collect_view()
        .into_any()
}

/// Each checklist's newest submission as its summary, linked to the observation.
fn latest_checklists(checklists: Vec<LatestChecklist>) -> impl IntoView {
    if checklists.is_empty() {
        return view! { <p>"No checklist has been sent about this service."</p> }.into_any();
    }
    checklists
        .into_iter()
        .map(|LatestChecklist { form_title, submission, summary }| {
            let href = format!("/triage/observations/{}", submission.receipt.id);
            let sent = format!("Sent {}, version {}", when(submission.receipt.received_at), submission.form_version);
            view! {
                <section class="latest-checklist" data-testid="latest-checklist">
                    <h3>{form_title}</h3>
                    <p>{severity_tag(submission.receipt.severity)}" "<a href=href>{sent}</a></p>
                    {checklist_summary(summary, SummaryHeading::Nested)}
                </section>
            }
        })
        .collect_view()
        .into_any()
}

/// One area's months as stacked bars (SVG) with a percentage axis, month
/// labels and a key, and the same numbers as a table for screen readers and
/// anyone who prefers figures.
fn chart(label: &'static str, months: &[AreaMonth]) -> impl IntoView {
    let mut names: Vec<String> = months.iter().map(|m| m.month.clone()).collect();
    names.dedup();
    let names: Vec<String> = names.into_iter().rev().take(12).rev().collect();
    let count = |month: &str, rating: &str| months.iter().filter(|m| m.month == month && m.rating == rating).map(|m| m.count).sum::<u32>();
    const BAR: f64 = 36.0;
    const GAP: f64 = 12.0;
    const PLOT: f64 = 140.0;
    const TOP: f64 = 10.0;
    const LEFT: f64 = 48.0;
    const BELOW: f64 = 40.0;
    let width = LEFT + (names.len().max(1) as f64) * (BAR + GAP);
    let height = TOP + PLOT + BELOW;
    let grid = [0.0, 50.0, 100.0]
        .into_iter()
        .map(|percent| {
            let y = TOP + PLOT - percent / 100.0 * PLOT;
            view! {
                <line class="chart__grid" x1=format!("{LEFT}") x2=format!("{width}") y1=format!("{y}") y2=format!("{y}")/>
                <text class="chart__label" x=format!("{}", LEFT - 6.0) y=format!("{}", y + 4.0) text-anchor="end">{format!("{percent}%")}</text>
            }
        })
        .collect_view();
    let bars = names
        .iter()
        .enumerate()
        .map(|(index, month)| {
            let total: u32 = STACK.iter().map(|(rating, _, _)| count(month, rating)).sum();
            let x = LEFT + index as f64 * (BAR + GAP) + GAP / 2.0;
            let mut top = TOP + PLOT;
            let stack = STACK
                .iter()
                .map(|(rating, _, class)| {
                    let share = if total == 0 { 0.0 } else { f64::from(count(month, rating)) / f64::from(total) };
                    let height = share * PLOT;
                    top -= height;
                    view! { <rect class=*class x=format!("{x}") y=format!("{top:.1}") width=format!("{BAR}") height=format!("{height:.1}")/> }
                })
                .collect_view();
            let (name, year) = month_label(month);
            let middle = x + BAR / 2.0;
            view! {
                {stack}
                <text class="chart__label" x=format!("{middle}") y=format!("{}", TOP + PLOT + 16.0) text-anchor="middle">{name}</text>
                <text class="chart__label" x=format!("{middle}") y=format!("{}", TOP + PLOT + 32.0) text-anchor="middle">{year}</text>
            }
        })
        .collect_view();
    let rows = names
        .iter()
        .map(|month| {
            let cells = STACK.iter().map(|(rating, _, _)| view! { <td>{count(month, rating).to_string()}</td> }).collect_view();
            view! { <tr><th scope="row">{month.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    let empty = names.is_empty();
    view! {
        <figure class="chart">
            <figcaption><h3>{label}</h3></figcaption>
            {if empty {
                view! { <p>"No ratings yet."</p> }.into_any()
            } else {
                view! {
                    <svg class="chart__bars" viewBox=format!("0 0 {width} {height}") width=format!("{width}") height=format!("{height}") aria-hidden="true" focusable="false">
                        {grid}
                        {bars}
                        <line class="chart__axis" x1=format!("{LEFT}") x2=format!("{LEFT}") y1=format!("{TOP}") y2=format!("{}", TOP + PLOT)/>
                    </svg>
                    <p class="chart__caption" aria-hidden="true">"Share of each month's observations, by month received."</p>
                    <p class="chart__key" aria-hidden="true">
                        <span class="chart__swatch chart__good"></span>"Good "
                        <span class="chart__swatch chart__some"></span>"Some concerns "
                        <span class="chart__swatch chart__serious"></span>"Serious concerns"
                    </p>
                    <table class="chart__table">
                        <caption class="nhsuk-u-visually-hidden">{format!("{label}: observations by month and rating")}</caption>
                        <thead><tr><th scope="col">"Month"</th><th scope="col">"Good"</th><th scope="col">"Some concerns"</th><th scope="col">"Serious concerns"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                .into_any()
            }}
        </figure>
    }
}

/// "2026-11" as ("Nov", "2026") for a chart's axis.
fn month_label(month: &str) -> (String, String) {
    chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .map(|date| (date.format("%b").to_string(), date.format("%Y").to_string()))
        .unwrap_or_else(|_| (month.to_owned(), String::new()))
}
