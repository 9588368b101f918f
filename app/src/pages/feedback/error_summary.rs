//! The NHS error summary: at the top of the page, focused as it appears
//! (`autofocus`, so this works without JavaScript too), one link per problem
//! to its field.

use leptos::prelude::*;

use crate::domain::FieldError;

#[component]
pub fn ErrorSummary(problems: Vec<FieldError>) -> impl IntoView {
    (!problems.is_empty()).then(|| {
        view! {
            <div class="nhsuk-error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1" autofocus>
                <h2 class="nhsuk-error-summary__title" id="error-summary-title">"There is a problem"</h2>
                <ul class="nhsuk-list nhsuk-error-summary__list">
                    {problems
                        .into_iter()
                        .map(|problem| {
                            let field = problem.field.clone();
                            view! {
                                <li><a href=format!("#{}", problem.field) on:click=move |ev| focus_field(ev, &field)>{problem.message}</a></li>
                            }
                        })
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
            <p class="nhsuk-error-message" id=format!("{id}-error")>
                <span class="nhsuk-u-visually-hidden">"Error: "</span>
                {message}
            </p>
        }
    })
}

/// Once hydrated, the router would treat `#field` as a navigation; focus the
/// field instead, as the NHS error summary does.
fn focus_field(ev: leptos::ev::MouseEvent, field: &str) {
    use leptos::wasm_bindgen::JsCast;
    let Some(element) = document().get_element_by_id(field) else { return };
    ev.prevent_default();
    element.scroll_into_view();
    if let Ok(element) = element.dyn_into::<leptos::web_sys::HtmlElement>() {
        let _ = element.focus();
    }
}
