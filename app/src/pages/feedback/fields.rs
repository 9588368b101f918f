//! One component per question kind, in the NHS design system's markup. A
//! follow-up question is revealed under the answer that asks for it; without
//! `:has()` support the follow-ups simply stay visible.

use leptos::{
    either::{Either, EitherOf3, EitherOf5},
    prelude::*,
};

use super::{enrol::group_class, error_summary::FieldErrorMessage, field_context::FieldContext, tally::Tally};
use crate::domain::forms::{comment_field, date_parts, Choice, Question, QuestionKind, TextInput};

/// `aria-describedby` for a field with an optional hint and error.
fn described_by(id: &str, hint: bool, error: bool) -> Option<String> {
    let parts: Vec<String> = [hint.then(|| format!("{id}-hint")), error.then(|| format!("{id}-error"))].into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

#[component]
pub fn QuestionField(question: Question, cx: FieldContext, as_heading: bool) -> impl IntoView {
    let id = question.id.clone();
    let error = cx.error_of(&id);
    let hint = question.hint.clone();
    let describedby = described_by(&id, hint.is_some(), error.is_some());
    let legend_class =
        if as_heading { "nhsuk-fieldset__legend nhsuk-fieldset__legend--l" } else { "nhsuk-fieldset__legend nhsuk-fieldset__legend--s" };
    let legend = if as_heading {
        Either::Left(view! { <h1 class="nhsuk-fieldset__heading">{question.label.clone()}</h1> })
    } else {
        Either::Right(question.label.clone())
    };
    let label = {
        let (id, text) = (id.clone(), question.label.clone());
        move || {
            if as_heading {
                Either::Left(view! { <h1 class="nhsuk-label-wrapper"><label class="nhsuk-label nhsuk-label--l" for=id>{text}</label></h1> })
            } else {
                Either::Right(view! { <label class="nhsuk-label nhsuk-label--s" for=id>{text}</label> })
            }
        }
    };
    let hint_view = hint.map(|text| view! { <p class="nhsuk-hint" id=format!("{id}-hint")>{text}</p> });
    let error_view = view! { <FieldErrorMessage id=id.clone() message=error.clone()/> };
    let body = match question.kind.clone() {
        QuestionKind::SingleChoice { options } => EitherOf5::A(view! { <Radios id=id.clone() options cx=cx.clone()/> }),
        QuestionKind::Rating { options, comment_label, comment_max_chars, comment_required_for, .. } => {
            // Where the definition says a comment matters for some answers, it is
            // asked once a flagged answer is chosen (CSS, so without JavaScript
            // too), or when it holds text or a problem: "Good" stays short. A
            // checklist's evidence is always asked.
            let comment = comment_field(&id);
            let shown = comment_required_for.is_empty() || !cx.value_of(&comment).is_empty() || cx.error_of(&comment).is_some();
            // The question's hint may already say not to write names; once a screen is enough.
            let warn_names = !question.hint.as_deref().unwrap_or_default().contains("names");
            EitherOf5::B(view! {
                <Radios id=id.clone() options cx=cx.clone()/>
                <div class="rating__comment" class:rating__comment--shown=shown>
                    <LabelledText id=comment label=comment_label max=comment_max_chars multiline=true cx=cx.clone() warn_names/>
                </div>
            })
        }
        QuestionKind::YesNo { risk_of_harm, .. } => {
            let options = ["yes", "no"]
                .map(|value| Choice {
                    value: value.into(),
                    label: if value == "yes" { "Yes" } else { "No" }.into(),
                    hint: None,
                    flag: None,
                    not_rated: false,
                })
                .to_vec();
            EitherOf5::A(view! { <Radios id=id.clone() options cx=cx.clone() risk_of_harm/> })
        }
        QuestionKind::MultipleChoice { options } => EitherOf5::C(view! { <Checkboxes id=id.clone() options cx=cx.clone()/> }),
        QuestionKind::Text { multiline, input, .. } => {
            let value = cx.value_of(&id);
            return EitherOf3::B(view! {
                <div class=group_class(error.is_some())>
                    {label()}
                    {hint_view}
                    {error_view}
                    <TextControl id=id.clone() value multiline input describedby/>
                </div>
            });
        }
        QuestionKind::Date => {
            let value = Some(cx.value_of(&id)).filter(|v| !v.is_empty()).unwrap_or_else(|| cx.today.clone());
            let failed = error.is_some();
            return EitherOf3::C(view! {
                <div class=group_class(failed)>
                    <fieldset class="nhsuk-fieldset" role="group" aria-describedby=describedby>
                        <legend class=legend_class>{legend}</legend>
                        {hint_view}
                        {error_view}
                        <DateBoxes name=id.clone() ids=[id.clone(), format!("{id}-month"), format!("{id}-year")] values=date_parts(&value) failed/>
                    </fieldset>
                </div>
            });
        }
        QuestionKind::ServicePicker => EitherOf5::D(()),
        QuestionKind::Tally { categories, max_minutes } => {
            EitherOf5::E(view! { <Tally id=id.clone() categories max_minutes cx=cx.clone()/> })
        }
    };
    EitherOf3::A(view! {
        <div class=group_class(error.is_some())>
            <fieldset class="nhsuk-fieldset" aria-describedby=describedby>
                <legend class=legend_class>{legend}</legend>
                {hint_view}
                {error_view}
                {body}
            </fieldset>
        </div>
    })
}

#[component]
fn Radios(
    id: String,
    options: Vec<Choice>,
    cx: FieldContext,
    /// Yes shows the safeguarding route (a risk-of-harm question).
    #[prop(optional)]
    risk_of_harm: bool,
) -> impl IntoView {
    let chosen = cx.value_of(&id);
    view! {
        <div class="nhsuk-radios">
            {options
                .into_iter()
                .enumerate()
                .map(|(n, option)| {
                    let input_id = if n == 0 { id.clone() } else { format!("{id}-{}", n + 1) };
                    let follow_ups = cx.follow_ups(&id, &option.value);
                    let panel = (risk_of_harm && option.value == "yes").then(|| cx.safeguarding.clone());
                    let conditional = (!follow_ups.is_empty() || panel.is_some()).then(|| {
                        view! {
                            <div class="nhsuk-radios__conditional">
                                {panel.map(|route| view! { <SafeguardingPanel route/> })}
                                {follow_ups
                                    .into_iter()
                                    // Erased: a follow-up is itself a question field, and a type cannot contain itself.
                                    .map(|q| view! { <QuestionField question=q cx=cx.clone() as_heading=false/> }.into_any())
                                    .collect_view()}
                            </div>
                        }
                    });
                    view! {
                        <div class="nhsuk-radios__item">
                            <input class="nhsuk-radios__input" class:rating__flagged=option.flag.is_some() id=input_id.clone() name=id.clone() type="radio" value=option.value.clone() checked=chosen == option.value/>
                            <label class="nhsuk-label nhsuk-radios__label" for=input_id>{option.label}</label>
                        </div>
                        {conditional}
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn Checkboxes(id: String, options: Vec<Choice>, cx: FieldContext) -> impl IntoView {
    let chosen = cx.values_of(&id);
    view! {
        <div class="nhsuk-checkboxes">
            {options
                .into_iter()
                .enumerate()
                .map(|(n, option)| {
                    let input_id = if n == 0 { id.clone() } else { format!("{id}-{}", n + 1) };
                    let checked = chosen.contains(&option.value);
                    view! {
                        <div class="nhsuk-checkboxes__item">
                            <input class="nhsuk-checkboxes__input" id=input_id.clone() name=id.clone() type="checkbox" value=option.value checked=checked/>
                            <label class="nhsuk-label nhsuk-checkboxes__label" for=input_id>{option.label}</label>
                        </div>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// A labelled free-text field (a rating's comment, say).
#[component]
fn LabelledText(id: String, label: String, max: usize, multiline: bool, cx: FieldContext, warn_names: bool) -> impl IntoView {
    let error = cx.error_of(&id);
    let describedby = described_by(&id, true, error.is_some());
    let class = group_class(error.is_some());
    let names = if warn_names { "Do not include residents' names or other details that identify them. " } else { "" };
    view! {
        <div class=class>
            <label class="nhsuk-label" for=id.clone()>{label}</label>
            <p class="nhsuk-hint" id=format!("{id}-hint")>{format!("{names}Up to {max} characters.")}</p>
            <FieldErrorMessage id=id.clone() message=error/>
            <TextControl id=id.clone() value=cx.value_of(&id) multiline input=TextInput::Plain describedby/>
        </div>
    }
}

#[component]
fn TextControl(id: String, value: String, multiline: bool, input: TextInput, describedby: Option<String>) -> impl IntoView {
    // The phone's email or number keyboard, and the browser's own saved address or number.
    let (kind, autocomplete, spellcheck) = match input {
        TextInput::Plain => ("text", None, "true"),
        TextInput::Email => ("email", Some("email"), "false"),
        TextInput::Phone => ("tel", Some("tel"), "false"),
    };
    if multiline {
        Either::Left(
            view! { <textarea class="nhsuk-textarea" id=id.clone() name=id rows="4" aria-describedby=describedby inner_html=crate::textarea::content(&value)></textarea> },
        )
    } else {
        Either::Right(
            view! { <input class="nhsuk-input" id=id.clone() name=id type=kind autocomplete=autocomplete value=value spellcheck=spellcheck aria-describedby=describedby/> },
        )
    }
}

/// Shown when someone may be at immediate risk of harm.
#[component]
pub fn SafeguardingPanel(route: String) -> impl IntoView {
    view! {
        <div class="nhsuk-card nhsuk-card--care nhsuk-card--care--urgent" data-testid="safeguarding-panel">
            <div class="nhsuk-card--care__heading-container">
                <h2 class="nhsuk-card--care__heading">
                    <span role="text"><span class="nhsuk-u-visually-hidden">"Urgent: "</span>"Stop and call now if someone is at immediate risk"</span>
                </h2>
                <span class="nhsuk-card--care__arrow" aria-hidden="true"></span>
            </div>
            <div class="nhsuk-card__content">
                <p>{route.clone()}</p>
                <ul class="nhsuk-list call-numbers">
                    {phone_numbers(&route)
                        .into_iter()
                        .map(|number| {
                            let href = format!("tel:{}", number.replace(' ', ""));
                            view! { <li><a class="nhsuk-button nhsuk-button--secondary" href=href>{format!("Call {number}")}</a></li> }
                        })
                        .collect_view()}
                </ul>
                <p>"This form is not a safeguarding referral. Make the call first, then finish the form."</p>
            </div>
        </div>
    }
}

/// The telephone numbers in the unit's safeguarding route ("call 999",
/// "0300 123 4567"), so a visitor can call with one tap: runs of at least
/// three digits, single spaces allowed between groups, a leading + kept.
pub fn phone_numbers(text: &str) -> Vec<String> {
    let mut numbers = Vec::new();
    let mut current = String::new();
    let mut finish = |current: &mut String| {
        let number = current.trim().to_owned();
        if number.chars().filter(char::is_ascii_digit).count() >= 3 && !numbers.contains(&number) {
            numbers.push(number);
        }
        current.clear();
    };
    let chars: Vec<char> = text.chars().collect();
    for (n, &c) in chars.iter().enumerate() {
        let next_is_digit = chars.get(n + 1).is_some_and(char::is_ascii_digit);
        match c {
            '0'..='9' => current.push(c),
            '+' if current.is_empty() && next_is_digit => current.push(c),
            ' ' if !current.is_empty() && next_is_digit => current.push(c),
            _ => finish(&mut current),
        }
    }
    finish(&mut current);
    numbers
}

#[cfg(test)]
mod tests {
    use super::phone_numbers;

    #[test]
    fn the_numbers_in_a_safeguarding_route_are_found_for_tap_to_call() {
        let route = "If someone is in danger now, call 999. Otherwise call the safeguarding team on 0300 123 4567 \
            (out of hours +44 1632 960 000). Ask for duty 2.";
        assert_eq!(phone_numbers(route), ["999", "0300 123 4567", "+44 1632 960 000"]);
        assert!(phone_numbers("No numbers here, only 12 of them").is_empty());
    }
}

/// The NHS date input: day, month and year boxes, posted as `{name}-day` and
/// so on (a native date picker shows US order in some browsers). `ids` are
/// the boxes' ids: the day's is where an error summary's link should land.
#[component]
pub fn DateBoxes(name: String, ids: [String; 3], values: [String; 3], failed: bool) -> impl IntoView {
    let boxes =
        [("day", "Day", "nhsuk-input--width-2"), ("month", "Month", "nhsuk-input--width-2"), ("year", "Year", "nhsuk-input--width-4")];
    let inputs = boxes
        .into_iter()
        .zip(ids)
        .zip(values)
        .map(|(((part, label, width), box_id), value)| {
            let field = format!("{name}-{part}");
            let class = format!("nhsuk-input nhsuk-date-input__input {width}{}", if failed { " nhsuk-input--error" } else { "" });
            view! {
                <div class="nhsuk-date-input__item">
                    <div class="nhsuk-form-group">
                        <label class="nhsuk-label nhsuk-date-input__label" for=box_id.clone()>{label}</label>
                        <input class=class id=box_id name=field type="text" inputmode="numeric" autocomplete="off" value=value/>
                    </div>
                </div>
            }
        })
        .collect_view();
    view! { <div class="nhsuk-date-input">{inputs}</div> }
}
