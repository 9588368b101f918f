//! The NHS error summary: at the top of the page, focused as it appears
//! (`autofocus`, so this works without JavaScript too), one link per problem
//! to its field.

use leptos::prelude::*;

use crate::domain::FieldError;

#[component]
pub fn ErrorSummary(problems: Vec<FieldError>) -> impl IntoView {
    (!problems.is_empty()).then(|| {
        view! {
            <div class="error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1" autofocus>
                <h2 class="error-summary__title" id="error-summary-title">"There is a problem"</h2>
                <ul class="error-summary__list">
                    {problems
                        .into_iter()
                        .map(|problem| view! { <li><a href=format!("#{}", problem.field)>{problem.message}</a></li> })
                        .collect_view()}
                </ul>
            </div>
        }
    })
}

/// The error shown above a field, if it has one.
#[component]
pub fn FieldErrorMessage(id: String, message: Option<String>) -> impl IntoView {
    message.map(|message| {
        view! {
            <p class="error-message" id=format!("{id}-error")>
                <span class="visually-hidden">"Error: "</span>
                {message}
            </p>
        }
    })
}
