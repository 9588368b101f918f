//! The shell every server-drawn page shares (the head, the header with "Log
//! out", the footer), the small views several audiences' pages use, and the
//! sign-in page everyone starts from. The pages themselves live with their
//! audience: `triage` (the unit), `provider` (a home's own account), `admin`.
//! They load no WebAssembly: these users work at desks, every action is an
//! ordinary form post, and keeping them out of the phone app keeps its bundle
//! small.

use app::{
    domain::{forms::Summary, FieldError},
    pages::{feedback::error_summary::ErrorSummary, register::RatingTag},
};
use axum::response::Html;
use leptos::{prelude::*, tachys::view::RenderHtml};

use crate::store::StaffSession;

mod login;

pub use login::{login, LoginForm};

/// A whole page: the head, the staff header (with "Log out" when logged in), and `body`.
pub(crate) fn document(title: &str, staff: Option<&StaffSession>, body: impl IntoView + 'static) -> Html<String> {
    document_with_script(title, staff, None, body)
}

/// [`document`], loading one of our own scripts (deferred; the page works without it).
pub(crate) fn document_with_script(
    title: &str,
    staff: Option<&StaffSession>,
    script: Option<&'static str>,
    body: impl IntoView + 'static,
) -> Html<String> {
    let title = format!("{title} – Care Home Feedback");
    let provider = staff.is_some_and(|staff| staff.user.role == app::domain::accounts::Role::Provider);
    let home = if provider { "/provider" } else { "/triage" };
    let nav = staff.map(|staff| {
        let csrf = staff.csrf_token.clone();
        let name = staff.user.name.clone();
        let links = if provider {
            view! {
                <a href="/provider">"Your homes"</a>
                <a href="/provider/self-assessments">"Self-assessment"</a>
            }
            .into_any()
        } else {
            view! {
                <a href="/triage">"Inbox"</a>
                <a href="/triage/homes">"All homes"</a>
                <a href="/triage/concerns">"Concerns"</a>
                <a href="/triage/forms">"Forms"</a>
                <a href="/">"Register of services"</a>
            }
            .into_any()
        };
        view! {
            <nav class="site-header__nav" aria-label="Main">
                {links}
                <form method="post" action="/logout" class="site-header__logout">
                    <input type="hidden" name="csrf" value=csrf/>
                    <button type="submit" class="site-header__button">
                        "Log out" <span class="nhsuk-u-visually-hidden">{format!(" {name}")}</span>
                    </button>
                </form>
            </nav>
        }
    });
    let page = view! {
        <html lang="en-GB">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>{title}</title>
                <meta name="description" content=app::DESCRIPTION/>
                <link rel="stylesheet" href=app::stylesheet_href()/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                {script.map(|src| view! { <script src=src defer></script> })}
            </head>
            <body>
                <a class="nhsuk-skip-link" href="#main">"Skip to main content"</a>
                <header class="site-header">
                    <div class="nhsuk-width-container">
                        <a class="site-header__name" href=home>"Care Home Feedback"</a>
                        {nav}
                    </div>
                </header>
                <main id="main" class="nhsuk-width-container">{body}</main>
            </body>
        </html>
    };
    let html = Owner::new().with(|| page.to_html());
    Html(format!("<!DOCTYPE html>{html}"))
}

/// A logged-in account on a page that is not for it (a provider on the
/// unit's pages, staff on a provider's).
pub(crate) fn not_for_this_account(account: &StaffSession, why: &str) -> Html<String> {
    let (home, name) = match account.user.role {
        app::domain::accounts::Role::Provider => ("/provider", "Go to your homes"),
        _ => ("/triage", "Go to the inbox"),
    };
    document(
        "Not available to your account",
        Some(account),
        view! {
            <h1>"Not available to your account"</h1>
            <p>{why.to_owned()}</p>
            <p><a href=home>{name}</a></p>
        },
    )
}

/// The problems of a posted form, at the top of the page.
pub(crate) fn problems_summary(problems: Vec<FieldError>) -> impl IntoView {
    view! { <ErrorSummary problems/> }
}

/// A severity as a tag: the word carries the meaning, the colour only helps.
pub(crate) fn severity_tag(severity: app::domain::forms::Severity) -> impl IntoView {
    use app::domain::forms::Severity;
    let class = match severity {
        Severity::Red => "nhsuk-tag nhsuk-tag--red",
        Severity::Amber => "nhsuk-tag nhsuk-tag--orange",
        Severity::Green => "nhsuk-tag nhsuk-tag--green",
    };
    view! { <strong class=class>{severity.label()}</strong> }
}

pub(crate) fn rating_tag(rating: Option<app::domain::register::CqcRating>) -> impl IntoView {
    view! { <RatingTag rating/> }
}

/// "23 November 2026, 10:04" (UTC, as the server stores it).
pub(crate) fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%-d %B %Y, %H:%M").to_string()
}

/// Where a checklist's summary sits: as a section of its observation's page,
/// or under a checklist's own heading on a service's page.
#[derive(Clone, Copy)]
pub(crate) enum SummaryHeading {
    Section,
    Nested,
}

/// A checklist's ratings at a glance, the overall first.
pub(crate) fn checklist_summary(summary: Summary, heading: SummaryHeading) -> impl IntoView {
    let rows = summary.overall.into_iter().chain(summary.rows).map(|row| {
        let key = match row.group {
            Some(group) => format!("{group}: {}", row.label),
            None => row.label,
        };
        summary_row_owned(key, row.value)
    });
    let heading = match heading {
        SummaryHeading::Section => view! { <h2 id="summary">{summary.title}</h2> }.into_any(),
        SummaryHeading::Nested => view! { <h4>{summary.title}</h4> }.into_any(),
    };
    view! {
        {heading}
        <dl class="nhsuk-summary-list" data-testid="checklist-summary">{rows.collect_view()}</dl>
    }
}

pub(crate) fn summary_row_owned(key: String, value: String) -> impl IntoView {
    view! {
        <div class="nhsuk-summary-list__row">
            <dt class="nhsuk-summary-list__key">{key}</dt>
            <dd class="nhsuk-summary-list__value">{value}</dd>
        </div>
    }
}
