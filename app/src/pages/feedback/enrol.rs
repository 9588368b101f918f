//! `/enrol`: a professional enrols this phone once, with their name, role
//! and their organisation's access code. The form posts to the server, which
//! sets the device cookie, or sends the person back here naming the problems.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::error_summary::{ErrorSummary, FieldErrorMessage};
use crate::domain::{device::ProfessionalRole, FieldError};

/// The message for each field the server may name in `?problems=`.
fn message_for(field: &str) -> Option<&'static str> {
    match field {
        "name" => Some("Enter your name"),
        "role" => Some("Select your role"),
        "access_code" => Some("Enter the access code your organisation gave you"),
        _ => None,
    }
}

#[component]
pub fn EnrolPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let name = query.get("name").unwrap_or_default();
    let role = query.get("role").unwrap_or_default();
    // Enrolling from the offline app returns there; otherwise to the online form.
    let from_app = query.get("next").as_deref() == Some("app");
    let (back, action) = if from_app { ("/app", "/enrol?next=app") } else { ("/feedback", "/enrol") };
    let problems: Vec<FieldError> = query
        .get("problems")
        .unwrap_or_default()
        .split(',')
        .filter_map(|field| message_for(field).map(|message| FieldError::new(field, message)))
        .collect();
    let error = |field: &str| problems.iter().find(|p| p.field == field).map(|p| p.message.clone());
    let (name_error, role_error, code_error) = (error("name"), error("role"), error("access_code"));
    let first_role = ProfessionalRole::options().first().map(|(value, _)| value.clone()).unwrap_or_default();

    view! {
        <Title text="Enrol this device"/>
        <a class="nhsuk-back-link" href=back>"Back"</a>
        <ErrorSummary problems=problems.clone()/>
        <h1>"Enrol this device"</h1>
        <p>"You only do this once on this phone. We remember your name, role and organisation so you are not asked again."</p>
        <form method="post" action=action novalidate>
            <div class=group_class(name_error.is_some())>
                <label class="nhsuk-label" for="name">"Your name"</label>
                <FieldErrorMessage id="name".into() message=name_error.clone()/>
                <input class="nhsuk-input" id="name" name="name" type="text" autocomplete="name" spellcheck="false"
                    value=name aria-describedby=name_error.as_ref().map(|_| "name-error")/>
            </div>
            <div class=group_class(role_error.is_some())>
                <fieldset class="nhsuk-fieldset" aria-describedby=role_error.as_ref().map(|_| "role-error")>
                    <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">"Your role"</legend>
                    <FieldErrorMessage id="role".into() message=role_error.clone()/>
                    <div class="nhsuk-radios">
                        {ProfessionalRole::options()
                            .into_iter()
                            .map(|(value, label)| {
                                let id = if value == first_role { "role".to_owned() } else { format!("role-{value}") };
                                let checked = value == role;
                                view! {
                                    <div class="nhsuk-radios__item">
                                        <input class="nhsuk-radios__input" id=id.clone() name="role" type="radio" value=value checked=checked/>
                                        <label class="nhsuk-label nhsuk-radios__label" for=id>{label}</label>
                                    </div>
                                }
                            })
                            .collect_view()}
                    </div>
                </fieldset>
            </div>
            <div class=group_class(code_error.is_some())>
                <label class="nhsuk-label" for="access_code">"Access code"</label>
                <p class="nhsuk-hint" id="access_code-hint">"Your organisation gave you this. It looks like K7QM-4RTX-9PWB."</p>
                <FieldErrorMessage id="access_code".into() message=code_error.clone()/>
                <input class="nhsuk-input nhsuk-input--width-10" id="access_code" name="access_code" type="text"
                    autocomplete="off" autocapitalize="characters" spellcheck="false"
                    aria-describedby=if code_error.is_some() { "access_code-hint access_code-error" } else { "access_code-hint" }/>
            </div>
            <button class="nhsuk-button" type="submit">"Enrol this device"</button>
        </form>
    }
}

pub(super) fn group_class(has_error: bool) -> &'static str {
    if has_error {
        "nhsuk-form-group nhsuk-form-group--error"
    } else {
        "nhsuk-form-group"
    }
}
