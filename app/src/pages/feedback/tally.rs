//! A timed tally (QuIS): the period and a count per category, as number
//! fields that work without JavaScript. In the browser the whole count fits
//! one screen for one hand: the time left stays in view, one large button per
//! category shows its name and count, each has an undo, and a tap after time
//! is up asks first. The number fields stay behind a disclosure for typing.

use std::time::Duration;

use leptos::{
    html::Input,
    leptos_dom::helpers::{set_interval_with_handle, IntervalHandle},
    prelude::*,
};

use super::{enrol::group_class, error_summary::FieldErrorMessage, field_context::FieldContext};
use crate::domain::forms::{tally_field, Choice, MAX_TALLY};

/// Minutes offered when the period has not been set yet.
const SUGGESTED_MINUTES: &str = "20";

/// One category's count, as the button shows it and its number field holds it.
#[derive(Clone)]
struct Counter {
    label: String,
    count: RwSignal<u32>,
    input: NodeRef<Input>,
}

impl Counter {
    /// Sets the count and its field, and tells the form (which saves each
    /// change as it is given) as a keystroke would.
    fn set(&self, count: u32) {
        self.count.set(count);
        if let Some(input) = self.input.get_untracked() {
            input.set_value(&count.to_string());
            announce_change(&input);
        }
    }

    fn add(&self, step: i64) -> u32 {
        let count = (i64::from(self.count.get_untracked()) + step).clamp(0, i64::from(MAX_TALLY)) as u32;
        self.set(count);
        count
    }
}

#[component]
pub fn Tally(id: String, categories: Vec<Choice>, max_minutes: u32, cx: FieldContext) -> impl IntoView {
    // Only in the browser: the server draws the plain fields, and a phone
    // whose wasm did not load still has them.
    let live = RwSignal::new(false);
    Effect::new(move || live.set(true));
    let minutes_input = NodeRef::<Input>::new();
    let left = RwSignal::new(None::<u32>);
    // A tap after time is up, waiting for "Count it" or "Do not count it".
    let late_tap = RwSignal::new(None::<usize>);
    let said = RwSignal::new(String::new());
    let minutes = Some(cx.value_of(&id)).filter(|v| !v.is_empty()).unwrap_or_else(|| SUGGESTED_MINUTES.to_owned());
    let minutes_error = cx.error_of(&id);
    let minutes_class = group_class(minutes_error.is_some());
    let counters: Vec<Counter> = categories
        .iter()
        .map(|category| Counter {
            label: category.label.clone(),
            count: RwSignal::new(cx.value_of(&tally_field(&id, &category.value)).trim().parse().unwrap_or(0)),
            input: NodeRef::new(),
        })
        .collect();
    let counters = StoredValue::new(counters);
    let count_one = move |n: usize| {
        counters.with_value(|all| {
            let counter = &all[n];
            let count = counter.add(1);
            said.set(format!("{} {count}", counter.label));
        });
    };
    let buttons = (0..categories.len())
        .map(|n| {
            let Counter { label, count, .. } = counters.with_value(|all| all[n].clone());
            let tap = move |_| {
                if left.get_untracked() == Some(0) {
                    late_tap.set(Some(n));
                } else {
                    count_one(n);
                }
            };
            let undo = move |_| {
                counters.with_value(|all| {
                    let counter = &all[n];
                    let count = counter.add(-1);
                    said.set(format!("Undone: {} {count}", counter.label));
                });
            };
            view! {
                <li class="tally__cell">
                    // The name starts with what the button shows, for voice control.
                    <button class="nhsuk-button nhsuk-button--secondary tally__tap" type="button" on:click=tap>
                        <span class="tally__name">{label.clone()}</span>
                        " "
                        <span class="tally__count">{move || count.get()}</span>
                    </button>
                    <button class="tally__undo" type="button" on:click=undo disabled=move || count.get() == 0>
                        "Undo"<span class="nhsuk-u-visually-hidden">{format!(" {label}")}</span>
                    </button>
                </li>
            }
        })
        .collect_view();
    let late = move || {
        late_tap.get().map(|n| {
            let label = counters.with_value(|all| all[n].label.clone());
            view! {
                <div class="tally__late" role="alert">
                    <p>{format!("Time is up. Count this {label} interaction anyway?")}</p>
                    <button class="nhsuk-button nhsuk-button--secondary" type="button"
                        on:click=move |_| { late_tap.set(None); count_one(n); }>"Count it"</button>
                    " "
                    <button class="nhsuk-button nhsuk-button--secondary" type="button" on:click=move |_| late_tap.set(None)>"Do not count it"</button>
                </div>
            }
        })
    };
    let fields = categories
        .iter()
        .enumerate()
        .map(|(n, category)| {
            let field = tally_field(&id, &category.value);
            let Counter { count, input, .. } = counters.with_value(|all| all[n].clone());
            let error = cx.error_of(&field);
            let row_class = format!("tally__row {}", group_class(error.is_some()));
            let value = Some(cx.value_of(&field)).filter(|v| !v.is_empty()).unwrap_or_else(|| "0".to_owned());
            let typed = move |ev| count.set(event_target_value(&ev).trim().parse().unwrap_or(0));
            view! {
                <li class=row_class>
                    <label class="nhsuk-label tally__label" for=field.clone()>{category.label.clone()}</label>
                    <FieldErrorMessage id=field.clone() message=error/>
                    <input class="nhsuk-input nhsuk-input--width-3" id=field.clone() name=field type="number" inputmode="numeric"
                        min="0" max=MAX_TALLY.to_string() value=value node_ref=input on:input=typed/>
                </li>
            }
        })
        .collect_view();
    // A problem with a typed count must be in sight, so the fields open then.
    let typed_problem = categories.iter().any(|category| cx.error_of(&tally_field(&id, &category.value)).is_some());
    let definitions = categories
        .iter()
        .map(|category| {
            view! {
                <dt class="tally__term">{category.label.clone()}</dt>
                <dd class="tally__meaning">{category.hint.clone().unwrap_or_default()}</dd>
            }
        })
        .collect_view();
    view! {
        <div class=minutes_class>
            <label class="nhsuk-label" for=id.clone()>"Observation period, in minutes"</label>
            <FieldErrorMessage id=id.clone() message=minutes_error/>
            <input class="nhsuk-input nhsuk-input--width-3" id=id.clone() name=id.clone() type="number" inputmode="numeric"
                min="1" max=max_minutes.to_string() value=minutes node_ref=minutes_input/>
        </div>
        <Countdown live left minutes_input question=id/>
        <div hidden=move || !live.get()>
            <ul class="nhsuk-list tally__grid">{buttons}</ul>
            {late}
            <p class="nhsuk-u-visually-hidden" role="status">{move || said.get()}</p>
            <details class="nhsuk-details tally__definitions">
                <summary class="nhsuk-details__summary">
                    <span class="nhsuk-details__summary-text">"What counts as each kind of interaction"</span>
                </summary>
                <dl class="nhsuk-details__text">{definitions}</dl>
            </details>
        </div>
        <details class="nhsuk-details" open=move || !live.get() || typed_problem>
            <summary class="nhsuk-details__summary" hidden=move || !live.get()>
                <span class="nhsuk-details__summary-text">"Type or correct the counts"</span>
            </summary>
            <ul class="nhsuk-list tally">{fields}</ul>
        </details>
    }
}

/// Setting a field's value from code fires no event, so the form that saves
/// each change as it is given never heard of the tap: seven taps and a
/// reload left every count at 0. Fire the `input` event a keystroke would.
fn announce_change(input: &web_sys::HtmlInputElement) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    if let Ok(event) = web_sys::Event::new_with_event_init_dict("input", &init) {
        let _ = input.dispatch_event(&event);
    }
}

/// Where a timer's start is kept, so it carries on after a reload (the
/// phone locking, the tab killed). The offline app provides it, keeping the
/// start with the draft; without it (the server-rendered journey) the timer
/// lives as long as the page.
#[derive(Clone, Copy)]
pub struct TimerStarts {
    /// When the timer for a question started, in ms since 1970.
    pub started: Callback<String, Option<f64>>,
    pub start: Callback<(String, f64)>,
}

/// "Start the timer", then the time left, read out once a minute and when it
/// ends. The time left is worked out from the start each second, so it is
/// right after a reload or a phone asleep.
#[component]
fn Countdown(live: RwSignal<bool>, left: RwSignal<Option<u32>>, minutes_input: NodeRef<Input>, question: String) -> impl IntoView {
    let starts = use_context::<TimerStarts>();
    let ticking = StoredValue::new(None::<IntervalHandle>);
    let stop = move || {
        if let Some(handle) = ticking.get_value() {
            handle.clear();
            ticking.set_value(None);
        }
    };
    on_cleanup(stop);
    let run_from = move |started: f64| {
        stop();
        let minutes = minutes_input.get_untracked().and_then(|input| input.value().trim().parse::<u32>().ok()).unwrap_or(0);
        if minutes == 0 {
            return;
        }
        let tick = move || {
            let gone = ((js_sys::Date::now() - started) / 1000.0).max(0.0) as u32;
            let next = (minutes * 60).saturating_sub(gone);
            left.set(Some(next));
            if next == 0 {
                stop();
            }
        };
        tick();
        if left.get_untracked() != Some(0) {
            ticking.set_value(set_interval_with_handle(tick, Duration::from_secs(1)).ok());
        }
    };
    // A timer started before a reload carries on.
    let resumed = question.clone();
    Effect::new(move || {
        if let Some(started) = starts.and_then(|starts| starts.started.run(resumed.clone())) {
            run_from(started);
        }
    });
    let start = move |_| {
        let now = js_sys::Date::now();
        if let Some(starts) = starts {
            starts.start.run((question.clone(), now));
        }
        run_from(now);
    };
    let shown = move || match left.get() {
        None => String::new(),
        Some(0) => "Time is up. Stop counting.".to_owned(),
        Some(seconds) => format!("{}:{:02} left", seconds / 60, seconds % 60),
    };
    // Announced once a minute and at the end, not every second.
    let announced = move || match left.get() {
        Some(0) => "Time is up. Stop counting.".to_owned(),
        Some(seconds) if seconds % 60 == 0 => format!("{} minutes left", seconds / 60),
        _ => String::new(),
    };
    view! {
        <div class="tally__timer" hidden=move || !live.get()>
            <button class="nhsuk-button nhsuk-button--secondary tally__start" type="button" on:click=start
                hidden=move || left.get().is_some_and(|seconds| seconds > 0)>"Start the timer"</button>
            <p class="tally__time" data-testid="tally-time" aria-hidden="true">{shown}</p>
            <p class="nhsuk-u-visually-hidden" role="status">{announced}</p>
        </div>
    }
}
