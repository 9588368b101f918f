//! Sending the outbox. A flush runs on start, on the `online` event, when the
//! app comes back to the foreground, when the service worker's Background
//! Sync asks, after each "Send", from "Send now", and on a timer after a
//! failure (exponential backoff with jitter, at most 5 minutes apart).
//!
//! The backoff is kept with the sync log, so every tab shares it, and the
//! automatic triggers (start, foreground, Background Sync) wait for it: only
//! the person ("Send", "Send now") or the connection coming back sends
//! sooner. Before, a failure asked for a Background Sync, which fired at once
//! while online, and its flush ignored the backoff: a struggling server got
//! hundreds of requests.
//!
//! Only one tab sends at a time (the Web Locks API); even if two did, the
//! server stores each submission id once. An item leaves the outbox only
//! when the server's reply names it as accepted or already received.
//!
//! A sync that sent something also asks for newly published form versions,
//! and every sync that reached the server asks what happened to the forms
//! already sent ("You said, we did"), from the cursor it kept.

use std::{cell::RefCell, rc::Rc, time::Duration};

use js_sys::{Function, Promise, Reflect};
use leptos::{
    leptos_dom::helpers::{set_timeout_with_handle, TimeoutHandle},
    prelude::*,
    task::spawn_local,
};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::{
    clock,
    network::{self, Reply},
    phone::{self, Rejection},
    state::{Enrolment, OfflineState},
    worker,
};
use crate::domain::{
    forms::{self, FormDefinition},
    news::NewsPage,
    sync::{batch_len, ItemOutcome, SyncReply, DEFAULT_MAX_BODY_BYTES},
};

const LOCK_NAME: &str = "chf-outbox";
const FIRST_RETRY_MS: f64 = 2_000.0;
const LONGEST_RETRY_MS: f64 = 300_000.0;
/// When the lock was refused (a browser quirk), look again after this long.
const BUSY_RETRY_MS: f64 = 30_000.0;

/// How one flush ended.
#[derive(Debug)]
enum Attempt {
    Nothing,
    Sent { more: bool },
    Failed(String),
    NotEnrolled,
    Revoked,
}

thread_local! {
    /// This tab's timer for the next attempt.
    static TIMER: RefCell<Option<TimeoutHandle>> = const { RefCell::new(None) };
}

/// The wait before the next attempt after `failures` failures in a row:
/// doubling from 2 s, capped at 5 min, then scattered over its upper half so
/// that phones coming back online together do not all call at once.
pub fn retry_delay_ms(failures: u32, random: f64) -> f64 {
    let doubled = FIRST_RETRY_MS * 2f64.powi(failures.saturating_sub(1).min(16) as i32);
    doubled.min(LONGEST_RETRY_MS) * (0.5 + 0.5 * random.clamp(0.0, 1.0))
}

/// Wires the triggers up; call once, in the browser.
pub fn start(state: OfflineState) {
    // Coming back online is news, not a retry: send at once.
    let online = window_event_listener(leptos::ev::online, move |_| flush(state));
    let visible = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            flush_when_due(state);
        }
    });
    follow_other_tabs(state);
    on_cleanup(move || {
        online.remove();
        visible.remove();
    });
    flush_when_due(state);
}

/// Another tab, or the service worker, changed what the phone keeps: read it again.
fn follow_other_tabs(state: OfflineState) {
    phone::follow_other_tabs(move || {
        spawn_local(async move {
            phone::reload().await;
            state.reload();
        })
    });
}

/// An automatic trigger: sends now unless a failure's backoff (this tab's or
/// another's) says to wait, in which case the attempt waits for its time.
pub fn flush_when_due(state: OfflineState) {
    match phone::sync_log().retry_at {
        Some(at) if at > clock::now() => {
            state.next_retry.set(Some(at));
            schedule(state, at - clock::now());
        }
        _ => flush(state),
    }
}

/// Sends what is waiting now, whatever the backoff says: the person asked
/// ("Send", "Send now"), or the backoff's own timer fired.
pub fn flush(state: OfflineState) {
    TIMER.with(|timer| {
        if let Some(timer) = timer.borrow_mut().take() {
            timer.clear();
        }
    });
    spawn_local(async move {
        let attempt = with_outbox_lock(move || async move {
            let attempt = send_batch(state).await;
            // Let go of the lock only once what was sent is off the outbox on
            // disk: the next holder (waiting for it) reads the outbox afresh,
            // and would otherwise send the same forms again.
            let _ = phone::saved().await;
            attempt
        })
        .await;
        after(state, attempt);
    });
}

async fn send_batch(state: OfflineState) -> Attempt {
    // Holding the lock, read what is kept: another tab may have sent some.
    phone::reload().await;
    let waiting: Vec<_> = phone::outbox().into_iter().filter(|item| item.rejected.is_none()).map(|item| item.request).collect();
    let limit = phone::profile().and_then(|p| p.max_body_bytes).unwrap_or(DEFAULT_MAX_BODY_BYTES);
    // Each item as it goes on the wire, once: its size decides the batch, and
    // the batch is these same strings.
    let (sendable, too_large): (Vec<_>, Vec<_>) = waiting
        .into_iter()
        .map(|item| {
            let json = serde_json::to_string(&item).unwrap_or_default();
            (item.id, json)
        })
        .partition(|(_, json)| batch_len(&[json.len() as u64], limit) == 1);
    if !too_large.is_empty() && !refuse_too_large(state, &too_large, limit) {
        return Attempt::Failed("Could not update this phone's outbox.".to_owned());
    }
    if sendable.is_empty() {
        return Attempt::Nothing;
    }
    let sizes: Vec<u64> = sendable.iter().map(|(_, json)| json.len() as u64).collect();
    let count = batch_len(&sizes, limit);
    let more = sendable.len() > count;
    let items: Vec<&str> = sendable.iter().take(count).map(|(_, json)| json.as_str()).collect();
    // The shape of `SyncBatch`, from the items already serialised.
    let body = format!("{{\"items\":[{}]}}", items.join(","));
    state.sending.set(true);
    let reply = network::post_json("/api/v1/sync", body).await;
    state.sending.set(false);
    match reply {
        Reply::NoConnection => Attempt::Failed(super::outbox::NO_CONNECTION.to_owned()),
        Reply::TimedOut => Attempt::Failed(format!("The server did not answer within {} seconds.", network::TIMEOUT_MS / 1000)),
        Reply::Answered { status: 200, body } => match serde_json::from_str::<SyncReply>(&body) {
            Ok(reply) => {
                let saved = settle(reply);
                state
                    .note(saved)
                    .map_or_else(|| Attempt::Failed("Could not update this phone's outbox.".to_owned()), |()| Attempt::Sent { more })
            }
            Err(_) => Attempt::Failed("The server's reply could not be read.".to_owned()),
        },
        Reply::Answered { status: 401, .. } => Attempt::NotEnrolled,
        Reply::Answered { status: 403, .. } => Attempt::Revoked,
        Reply::Answered { status, body } => Attempt::Failed(server_message(status, &body)),
    }
}

/// A form that alone is larger than the server takes can never be sent:
/// say so on it now, with the sizes, rather than retry it for ever.
fn refuse_too_large(state: OfflineState, items: &[(uuid::Uuid, String)], limit: u64) -> bool {
    let refused = items
        .iter()
        .map(|(id, json)| {
            let reason = format!(
                "This form is too large to send ({} KB; the server takes at most {} KB). Remove it, or shorten its longest answers in a new form.",
                json.len() / 1024,
                limit / 1024
            );
            (*id, Rejection { reason, fields: Vec::new() })
        })
        .collect();
    state.note(phone::settle(Vec::new(), refused, clock::now())).is_some()
}

fn settle(reply: SyncReply) -> Result<(), String> {
    let mut confirmed = Vec::new();
    let mut rejected = Vec::new();
    for outcome in reply.outcomes {
        match outcome {
            ItemOutcome::Accepted { receipt, .. } | ItemOutcome::AlreadyReceived { receipt, .. } => confirmed.push(receipt),
            ItemOutcome::Rejected { id, reason, fields } => rejected.push((id, Rejection { reason, fields })),
        }
    }
    phone::settle(confirmed, rejected, clock::now())
}

/// The server's own words when it sent our error format, else the status.
fn server_message(status: u16, body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|value| value.get("error").and_then(|e| e.as_str()).map(str::to_owned))
        .unwrap_or_else(|| format!("The server could not take them just now (error {status})."))
}

/// Records the outcome and decides when to try again.
fn after(state: OfflineState, attempt: Option<Attempt>) {
    let mut log = phone::sync_log();
    let mut ask_background_sync = false;
    let retry_in = match attempt {
        None => Some(BUSY_RETRY_MS),
        Some(Attempt::Nothing) => {
            reset_failures(&mut log);
            spawn_local(refresh_news(state));
            None
        }
        Some(Attempt::Sent { more }) => {
            reset_failures(&mut log);
            log.last_success = Some(clock::now());
            log.last_error = None;
            if !more {
                spawn_local(refresh_forms(state));
                spawn_local(refresh_news(state));
            }
            more.then_some(0.0)
        }
        Some(Attempt::Failed(message)) => {
            log.last_error = Some(message);
            log.failures += 1;
            let delay = retry_delay_ms(log.failures, js_sys::Math::random());
            log.retry_at = Some(clock::now() + delay);
            ask_background_sync = true;
            Some(delay)
        }
        Some(refused @ (Attempt::NotEnrolled | Attempt::Revoked)) => {
            let revoked = matches!(refused, Attempt::Revoked);
            state.enrolment.set(if revoked { Enrolment::Revoked } else { Enrolment::NotEnrolled });
            if revoked {
                super::leave::forget_withdrawn(state);
                return;
            }
            log.last_error = Some(if revoked {
                "This device's enrolment was withdrawn. Enrol it again to send these.".to_owned()
            } else {
                "This device is not enrolled. Enrol it to send these.".to_owned()
            });
            None
        }
    };
    state.note(phone::save_sync_log(&log));
    if ask_background_sync {
        // With every tab closed, the browser wakes the worker when the
        // connection returns, and it sends. Asked once the backoff is on
        // disk, so the worker (woken at once while online) keeps to it.
        spawn_local(async {
            let _ = phone::saved().await;
            worker::request_background_sync();
        });
    }
    state.reload_queue();
    state.next_retry.set(retry_in.filter(|ms| *ms > 0.0).map(|ms| clock::now() + ms));
    if let Some(ms) = retry_in {
        schedule(state, ms);
    }
}

fn reset_failures(log: &mut phone::SyncLog) {
    log.failures = 0;
    log.retry_at = None;
}

/// Sets this tab's timer for the next attempt, replacing any earlier one.
fn schedule(state: OfflineState, ms: f64) {
    let timer = set_timeout_with_handle(move || flush(state), Duration::from_millis(ms.max(0.0) as u64)).ok();
    TIMER.with(|slot| {
        if let Some(old) = std::mem::replace(&mut *slot.borrow_mut(), timer) {
            old.clear();
        }
    });
}

/// Picks up form versions an admin published since this release, at start
/// and after each sync that sent something; the phone
/// keeps every version it has, so drafts on older ones can still be sent.
pub async fn refresh_forms(state: OfflineState) {
    #[derive(serde::Deserialize)]
    struct Known {
        definitions: Vec<FormDefinition>,
    }
    if let Reply::Answered { status: 200, body } = network::get("/api/v1/forms").await {
        if let Ok(known) = serde_json::from_str::<Known>(&body) {
            let built_in = forms::built_in();
            let published: Vec<FormDefinition> =
                known.definitions.into_iter().filter(|d| !built_in.iter().any(|b| b.id == d.id && b.version == d.version)).collect();
            state.note(phone::save_forms(&published));
            published.into_iter().for_each(forms::register);
            state.forms_changed.update(|n| *n += 1);
        }
    }
}

/// Asks what happened to the forms sent from here since the kept cursor, and
/// keeps it for the "Sent" list (offline too). Several answers when much changed.
pub async fn refresh_news(state: OfflineState) {
    // Enough for any phone's backlog; the next sync carries on from the cursor.
    const MOST_ANSWERS: usize = 10;
    // A phone that sent nothing, or is not enrolled, has nothing to ask about.
    if phone::profile().is_none() || phone::sent().is_empty() {
        return;
    }
    for _ in 0..MOST_ANSWERS {
        let address = format!("/api/v1/devices/me/news?since={}", phone::news_cursor());
        let Reply::Answered { status: 200, body } = network::get(&address).await else { return };
        let Ok(page) = serde_json::from_str::<NewsPage>(&body) else { return };
        if state.note(phone::apply_news(&page)).is_none() {
            return;
        }
        state.sent.set(phone::sent());
        if !page.more {
            return;
        }
    }
}

/// Runs `run` holding the outbox lock, waiting for it while another tab or
/// the service worker holds it (then `run` sends whatever that one left).
/// Giving up at once instead lost the signal's return: a worker that held
/// the lock only to find its backoff not yet due left the form waiting for
/// this tab's next try, half a minute on. `None` if the lock was refused.
/// Without the Web Locks API it just runs: the server's idempotency still
/// keeps duplicates out.
async fn with_outbox_lock<F>(run: impl FnOnce() -> F + 'static) -> Option<Attempt>
where
    F: std::future::Future<Output = Attempt> + 'static,
{
    let locks = Reflect::get(&window().navigator(), &"locks".into()).ok().filter(|locks| locks.is_object());
    let Some(locks) = locks else { return Some(run().await) };
    let Some(request) = Reflect::get(&locks, &"request".into()).ok().and_then(|f| f.dyn_into::<Function>().ok()) else {
        return Some(run().await);
    };
    let result: Rc<RefCell<Option<Attempt>>> = Rc::default();
    let job = Rc::new(RefCell::new(Some(run)));
    let (slot, locked_job) = (result.clone(), job.clone());
    let callback = Closure::once_into_js(move |lock: JsValue| -> Promise {
        let run = locked_job.borrow_mut().take();
        match (lock.is_null(), run) {
            (false, Some(run)) => future_to_promise(async move {
                let attempt = run().await;
                *slot.borrow_mut() = Some(attempt);
                Ok(JsValue::TRUE)
            }),
            _ => Promise::resolve(&JsValue::NULL),
        }
    });
    let held = request.call2(&locks, &LOCK_NAME.into(), &callback).ok().and_then(|p| p.dyn_into::<Promise>().ok());
    match held {
        Some(promise) => {
            let _ = JsFuture::from(promise).await;
            result.take()
        }
        None => {
            let run = job.borrow_mut().take()?;
            Some(run().await)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::retry_delay_ms;

    #[test]
    fn retries_double_from_two_seconds_up_to_five_minutes() {
        assert_eq!(retry_delay_ms(1, 1.0), 2_000.0);
        assert_eq!(retry_delay_ms(2, 1.0), 4_000.0);
        assert_eq!(retry_delay_ms(5, 1.0), 32_000.0);
        assert_eq!(retry_delay_ms(9, 1.0), 300_000.0);
        assert_eq!(retry_delay_ms(500, 1.0), 300_000.0);
    }

    #[test]
    fn jitter_keeps_the_upper_half() {
        assert_eq!(retry_delay_ms(3, 0.0), 4_000.0);
        assert!((4_000.0..=8_000.0).contains(&retry_delay_ms(3, 0.37)));
    }
}
