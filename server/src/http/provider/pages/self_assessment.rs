//! A home's self-assessments: the list with a start link per home, the form
//! (every question of the definition on one page, drawn by the same field
//! components as the visitors' journey), and one assessment with its summary.

use app::{
    domain::{
        forms::{FormDefinition, QuestionKind, RawAnswers},
        register::CqcLocationId,
        FieldError,
    },
    pages::feedback::{field_context::FieldContext, fields::QuestionField},
};
use axum::response::Html;
use leptos::prelude::*;

use super::{checklist_summary, document, problems_summary, summary_row_owned, when, SummaryHeading};
use crate::store::{SelfAssessment, StaffSession};

/// The form as drawn: for which home, and what was typed with its problems.
#[derive(Clone, Debug)]
pub struct SelfAssessmentForm {
    pub service: CqcLocationId,
    pub home: String,
    pub values: RawAnswers,
    pub problems: Vec<FieldError>,
}

pub fn self_assessments(session: &StaffSession, homes: Vec<(CqcLocationId, String)>, earlier: Vec<SelfAssessment>) -> Html<String> {
    let starts = homes
        .into_iter()
        .map(|(id, name)| {
            view! {
                <li>
                    <a class="nhsuk-button nhsuk-button--secondary" href=format!("/provider/self-assessments/new?service={}", id.as_str())
                        role="button" draggable="false">
                        "Start a self-assessment" <span class="nhsuk-u-visually-hidden">{format!(" for {name}")}</span>
                    </a>
                    " " {name.clone()}
                </li>
            }
        })
        .collect_view();
    let rows = earlier
        .into_iter()
        .map(|a| {
            let shared = a.shared_at.map_or_else(|| "Not shared".to_owned(), |at| format!("Shared {}", when(at)));
            view! {
                <tr data-testid="self-assessment">
                    <td class="work-table__when"><a href=format!("/provider/self-assessments/{}", a.id)>{when(a.created_at)}</a></td>
                    <td data-label="Home">{a.service_name.clone()}</td>
                    <td data-label="By">{a.user_name.clone()}</td>
                    <td data-label="With the quality team">{shared}</td>
                </tr>
            }
        })
        .collect_view();
    let body = view! {
        <h1>"My Home Life self-assessment"</h1>
        <p>"Rate your home against the eight My Home Life themes and give your evidence. "
            "It stays with your home until you choose to share it with the quality team."</p>
        <ul class="nhsuk-list">{starts}</ul>
        <h2>"Earlier self-assessments"</h2>
                    <table class="work-table">
                <caption class="nhsuk-u-visually-hidden">"Earlier self-assessments"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Completed"</th>
                        <th scope="col">"Home"</th>
                        <th scope="col">"By"</th>
                        <th scope="col">"With the quality team"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
    };
    document("My Home Life self-assessment", Some(session), body)
}

pub fn self_assessment_form(session: &StaffSession, definition: &FormDefinition, form: SelfAssessmentForm) -> Html<String> {
    let title = format!("Self-assessment: {}", form.home);
    let today = chrono::Utc::now().date_naive().to_string();
    let questions = definition
        .pages
        .iter()
        .map(|page| {
            let cx = FieldContext {
                page: page.clone(),
                values: form.values.clone(),
                problems: form.problems.clone(),
                today: today.clone(),
                safeguarding: String::new(),
            };
            page.questions
                .iter()
                // The home is the one chosen; follow-ups are drawn inside their question.
                .filter(|q| !matches!(q.kind, QuestionKind::ServicePicker) && !cx.is_follow_up(q))
                .map(|question| view! { <QuestionField question=question.clone() cx=cx.clone() as_heading=false/> })
                .collect_view()
        })
        .collect_view();
    let body = view! {
        <a class="nhsuk-back-link" href="/provider/self-assessments">"Back to self-assessments"</a>
        {problems_summary(form.problems.clone())}
        <h1>{title.clone()}</h1>
        <p>{definition.description.clone().unwrap_or_default()}</p>
        <form method="post" action="/provider/self-assessments" novalidate>
            <input type="hidden" name="csrf" value=session.csrf_token.clone()/>
            <input type="hidden" name="service" value=form.service.as_str().to_owned()/>
            {questions}
            <button class="nhsuk-button" type="submit">"Save self-assessment"</button>
        </form>
    };
    document(&title, Some(session), body)
}

pub fn self_assessment(session: &StaffSession, assessment: SelfAssessment, done: Option<&str>) -> Html<String> {
    let title = format!("Self-assessment: {}", assessment.service_name);
    let definition = app::domain::forms::find(&assessment.form_id, assessment.form_version);
    let summary = definition.and_then(|d| d.summarise(&assessment.answers));
    let answers = definition
        .map(|d| d.in_words(&assessment.answers, Some(&assessment.service_name)))
        .unwrap_or_default()
        .into_iter()
        .map(|(_, question, answer)| summary_row_owned(question.label.clone(), answer))
        .collect_view();
    let confirmation = match done {
        Some("saved") => Some("Your self-assessment was saved. Only your home can see it until you share it."),
        Some("shared") => Some("Shared with the quality team."),
        _ => None,
    };
    let share = match assessment.shared_at {
        Some(at) => {
            view! { <p class="nhsuk-inset-text" data-testid="shared-at">{format!("Shared with the quality team on {}.", when(at))}</p> }
                .into_any()
        }
        None => view! {
            <form method="post" action=format!("/provider/self-assessments/{}/share", assessment.id)>
                <input type="hidden" name="csrf" value=session.csrf_token.clone()/>
                <button class="nhsuk-button" type="submit">"Share with the quality team"</button>
            </form>
        }
        .into_any(),
    };
    let body = view! {
        <a class="nhsuk-back-link" href="/provider/self-assessments">"Back to self-assessments"</a>
        {confirmation.map(|text| view! { <div class="nhsuk-inset-text confirmation" role="status" data-testid="saved"><p>{text}</p></div> })}
        <span class="nhsuk-caption-l">{format!("Completed {} by {}", when(assessment.created_at), assessment.user_name)}</span>
        <h1>{title.clone()}</h1>
        {share}
        {summary.map(|summary| checklist_summary(summary, SummaryHeading::Section))}
        <h2>"Your answers"</h2>
        <dl class="nhsuk-summary-list">{answers}</dl>
    };
    document(&title, Some(session), body)
}
