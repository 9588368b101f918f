//! Writing changes to disk: one write at a time, in the order made, and the
//! other tabs told once each is on disk.
use std::{cell::RefCell, collections::BTreeMap, rc::Rc};

use js_sys::Promise;
use leptos::{prelude::window, task::spawn_local};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::BroadcastChannel;

use super::{
    memory::{Changes, Memory, MEMORY, VAULT},
    opening::reload,
};
use crate::pages::offline::{
    cipher,
    disk::{self, Change},
};

/// Tells the other tabs (and hears from the service worker) that records changed.
const CHANNEL: &str = "chf-records";

/// Told of each write's outcome: `None` when on disk, else why not.
type WrittenReport = Rc<dyn Fn(Option<String>)>;

thread_local! {
    /// Changes not yet handed to a write.
    static PENDING: RefCell<Changes> = const { RefCell::new(BTreeMap::new()) };
    /// A write queued behind another and not yet started: new changes join it.
    static NEXT_WRITE: RefCell<Option<Promise>> = const { RefCell::new(None) };
    /// The last write; it resolves to `null`, or to the error's words.
    static LAST_WRITE: RefCell<Option<Promise>> = const { RefCell::new(None) };
    /// Counts changes, so a re-read that raced with one knows to read again.
    static CHANGES_MADE: RefCell<u64> = const { RefCell::new(0) };
    /// Writes started and not yet finished.
    static WRITING: RefCell<u32> = const { RefCell::new(0) };
    /// Set once the phone was left: nothing more is written.
    static LEFT: RefCell<bool> = const { RefCell::new(false) };
    static ON_WRITTEN: RefCell<Option<WrittenReport>> = const { RefCell::new(None) };
}

/// Changes the copy in memory and writes the records `edit` names.
pub(super) fn change<R>(edit: impl FnOnce(&mut Memory, &mut Changes) -> R) -> R {
    let mut changes = Changes::new();
    let result = MEMORY.with(|memory| edit(&mut memory.borrow_mut(), &mut changes));
    if !changes.is_empty() && !LEFT.with(|left| *left.borrow()) {
        persist(changes);
    }
    result
}

/// Hands changes to the next write, starting one if none is waiting.
pub(super) fn persist(changes: Changes) {
    CHANGES_MADE.with(|n| *n.borrow_mut() += 1);
    PENDING.with(|pending| pending.borrow_mut().extend(changes));
    if NEXT_WRITE.with(|next| next.borrow().is_some()) {
        return;
    }
    mark_unsaved(true);
    let previous = LAST_WRITE.with(|last| last.borrow().clone());
    let write = future_to_promise(async move {
        if let Some(previous) = previous {
            let _ = JsFuture::from(previous).await;
        }
        NEXT_WRITE.with(|next| next.borrow_mut().take());
        let changes = PENDING.with(|pending| std::mem::take(&mut *pending.borrow_mut()));
        WRITING.with(|n| *n.borrow_mut() += 1);
        let written = write_changes(changes).await;
        WRITING.with(|n| *n.borrow_mut() -= 1);
        if NEXT_WRITE.with(|next| next.borrow().is_none()) {
            mark_unsaved(false);
        }
        match written {
            Ok(()) => {
                tell_other_tabs();
                report_written(None);
                Ok(JsValue::NULL)
            }
            Err(message) => {
                // The copy in memory went ahead of the disk: bring it back to
                // what is kept (once this write is over: reload waits for it).
                let report = message.clone();
                spawn_local(async move {
                    reload().await;
                    report_written(Some(report));
                });
                Ok(JsValue::from_str(&message))
            }
        }
    });
    NEXT_WRITE.with(|next| *next.borrow_mut() = Some(write.clone()));
    LAST_WRITE.with(|last| *last.borrow_mut() = Some(write));
}

async fn write_changes(changes: Changes) -> Result<(), String> {
    let Some(vault) = VAULT.with(|vault| vault.borrow().clone()) else {
        return Err("This phone cannot keep forms: its browser storage did not open.".to_owned());
    };
    let mut writes = Vec::with_capacity(changes.len());
    for (key, value) in changes {
        writes.push(match value {
            Some(json) => Change::Put(key, cipher::seal(&vault.key, &json).await.map_err(|err| disk::explain(&err))?),
            None => Change::Delete(key),
        });
    }
    disk::write(&vault.db, writes).await.map_err(|err| disk::explain(&err))
}

/// `<html data-unsaved>` while a change is not yet on disk: tests (and
/// anyone curious) can see when the phone has caught up.
fn mark_unsaved(unsaved: bool) {
    let Some(root) = window().document().and_then(|document| document.document_element()) else { return };
    let _ = if unsaved { root.set_attribute("data-unsaved", "") } else { root.remove_attribute("data-unsaved") };
}

/// Resolves when every change made so far is on disk, or with the reason it is not.
pub async fn saved() -> Result<(), String> {
    let Some(last) = LAST_WRITE.with(|last| last.borrow().clone()) else { return Ok(()) };
    match JsFuture::from(last).await.ok().and_then(|outcome| outcome.as_string()) {
        Some(message) => Err(message),
        None => Ok(()),
    }
}

/// Called after each write: `None` when it is on disk, else why not (storage full, say).
pub fn on_written(report: impl Fn(Option<String>) + 'static) {
    ON_WRITTEN.with(|slot| *slot.borrow_mut() = Some(Rc::new(report)));
}

fn report_written(outcome: Option<String>) {
    if let Some(report) = ON_WRITTEN.with(|slot| slot.borrow().clone()) {
        report(outcome);
    }
}

/// One channel per page, for telling and for hearing: a channel never hears
/// its own messages, so a tab does not re-read after its own writes.
fn other_tabs() -> Option<BroadcastChannel> {
    thread_local! {
        static TABS: Option<BroadcastChannel> = BroadcastChannel::new(CHANNEL).ok();
    }
    TABS.with(Clone::clone)
}

pub(super) fn tell_other_tabs() {
    if let Some(channel) = other_tabs() {
        let _ = channel.post_message(&"changed".into());
    }
}

/// Calls `changed` whenever another tab or the service worker changed what is kept.
pub fn follow_other_tabs(changed: impl Fn() + 'static) {
    let Some(channel) = other_tabs() else { return };
    let on_message = wasm_bindgen::closure::Closure::<dyn Fn()>::new(changed);
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
}

/// How many changes were made so far, so a re-read that raced with one knows to read again.
pub(super) fn changes_made() -> u64 {
    CHANGES_MADE.with(|n| *n.borrow())
}

/// Stops all writing, once the phone is left.
pub(super) fn stop_writing() {
    LEFT.with(|left| *left.borrow_mut() = true);
}

/// How long a re-read waits for the writes under way.
pub(super) const WRITE_WAIT_MS: i32 = 5_000;

/// Whether the last write settled within `ms`. A write settles to `null` or
/// to its error's words; the timer to a number, so the two are told apart.
pub(super) async fn written_within(ms: i32) -> bool {
    let Some(last) = LAST_WRITE.with(|last| last.borrow().clone()) else { return true };
    let timer = Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_1(&resolve, ms, &JsValue::from_f64(-1.0));
    });
    let first = JsFuture::from(Promise::race(&js_sys::Array::of2(&last, &timer))).await;
    first.ok().and_then(|value| value.as_f64()).is_none()
}

/// Whether a change is waiting for a write or being written.
pub(super) fn writes_under_way() -> bool {
    !PENDING.with(|p| p.borrow().is_empty()) || NEXT_WRITE.with(|next| next.borrow().is_some()) || WRITING.with(|n| *n.borrow() > 0)
}
