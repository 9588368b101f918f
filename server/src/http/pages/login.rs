//! The staff login page.

use app::{domain::FieldError, pages::feedback::error_summary::FieldErrorMessage};
use axum::response::Html;
use leptos::prelude::*;

use super::{document, problems_summary};

/// What the login form shows again: the email typed, where to go next, and
/// the one problem found, as (field, message).
#[derive(Default)]
pub struct LoginForm {
    pub email: String,
    pub next: String,
    pub problem: Option<(&'static str, String)>,
    pub notice: Option<&'static str>,
}

pub fn login(form: &LoginForm) -> Html<String> {
    let problems: Vec<FieldError> = form.problem.iter().map(|(field, message)| FieldError::new(field, message.clone())).collect();
    let error_for = |field: &str| form.problem.as_ref().filter(|(f, _)| *f == field).map(|(_, m)| m.clone());
    let (email_error, password_error) = (error_for("email"), error_for("password"));
    let group = |error: &Option<String>| {
        if error.is_some() {
            "nhsuk-form-group nhsuk-form-group--error"
        } else {
            "nhsuk-form-group"
        }
    };
    let (email_group, password_group) = (group(&email_error), group(&password_error));
    let described = |field: &str, error: &Option<String>| error.as_ref().map(|_| format!("{field}-error"));
    let (email_described, password_described) = (described("email", &email_error), described("password", &password_error));
    let body = view! {
        {problems_summary(problems)}
        {form.notice.map(|notice| view! { <div class="nhsuk-inset-text"><p>{notice}</p></div> })}
        <h1>"Log in to triage observations"</h1>
        <p>"For the integrated commissioning unit's staff. Professionals giving feedback do not need to log in."</p>
        <form method="post" action="/login" novalidate>
            <input type="hidden" name="next" value=form.next.clone()/>
            <div class=email_group>
                <label class="nhsuk-label" for="email">"Email address"</label>
                <FieldErrorMessage id="email".to_owned() message=email_error/>
                <input class="nhsuk-input" id="email" name="email" type="email" autocomplete="username"
                    spellcheck="false" value=form.email.clone() aria-describedby=email_described/>
            </div>
            <div class=password_group>
                <label class="nhsuk-label" for="password">"Password"</label>
                <FieldErrorMessage id="password".to_owned() message=password_error/>
                <input class="nhsuk-input" id="password" name="password" type="password"
                    autocomplete="current-password" aria-describedby=password_described/>
            </div>
            <button class="nhsuk-button" type="submit">"Log in"</button>
        </form>
    };
    document("Log in", None, body)
}
