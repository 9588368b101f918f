//! What the app keeps on the phone: drafts, the outbox, recent receipts, the
//! device's profile, the register and published forms.
//!
//! Screens read a copy in memory, loaded once at start (`open`), so drawing
//! never waits. Every change updates that copy and is written at once to
//! IndexedDB (`disk`), sealed (`cipher`), one record per draft, outbox item
//! and receipt, in strict transactions; `saved` resolves when what was
//! changed so far is on disk, and "Saved" is said only after it. Writes run
//! one at a time in the order made, and changes made while one runs are
//! written together in the next. Two tabs change different records, so they
//! never overwrite each other's work; each tells the others (a
//! BroadcastChannel) to re-read. Phones that kept their forms in localStorage
//! (before this version) have them moved on first start.
use std::{cell::RefCell, collections::BTreeMap, rc::Rc};

use gloo_storage::{LocalStorage, Storage};
use js_sys::Promise;
use leptos::{prelude::window, task::spawn_local};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{BroadcastChannel, CryptoKey, IdbDatabase};

use super::{
    cipher,
    disk::{self, Change},
};

use crate::domain::{
    forms::{FormDefinition, RawAnswers},
    news::{NewsPage, SentState, SharedNote},
    register::Service,
    submission::{Receipt, SubmissionRequest},
    sync::DeviceProfile,
    FieldError,
};

const DRAFT: &str = "draft/";
const QUEUED: &str = "outbox/";
const RECEIPT: &str = "sent/";
const LOG: &str = "sync";
const PROFILE: &str = "profile";
const REMEMBERED: &str = "remembered";
const REGISTER: &str = "register";
const FORMS: &str = "forms";
const NEWS: &str = "news";
/// The name of the one key that seals everything.
const KEY_NAME: &str = "device";
/// Tells the other tabs (and hears from the service worker) that records changed.
const CHANNEL: &str = "chf-records";

/// Where each thing was kept before this version, in localStorage.
const LEGACY_KEYS: [&str; 8] = [
    "chf.drafts.v1",
    "chf.outbox.v1",
    "chf.sent.v1",
    "chf.sync.v1",
    "chf.profile.v1",
    "chf.remembered.v1",
    "chf.register.v1",
    "chf.forms.v1",
];

/// Receipts kept for the confirmation page and the start page's "Sent"
/// list, with what the unit did about each: a few months of visits.
const SENT_KEPT: usize = 100;
pub const DAY_MS: f64 = 24.0 * 60.0 * 60.0 * 1000.0;

/// A form being filled in on this phone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocalDraft {
    /// Becomes the submission's id, so a retry is recognised by the server.
    pub id: Uuid,
    pub form_id: String,
    pub form_version: u32,
    pub answers: RawAnswers,
    #[serde(default)]
    pub problems: BTreeMap<String, Vec<FieldError>>,
    /// When each timed tally's timer started (ms since 1970), so it resumes after a reload.
    #[serde(default)]
    pub timers: BTreeMap<String, f64>,
    /// Milliseconds since 1970, by the phone's clock.
    pub updated_at: f64,
}

/// A submission waiting for the server to confirm it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxItem {
    pub request: SubmissionRequest,
    pub queued_at: f64,
    /// Set when the server refused it for good; it stays until the person removes it.
    #[serde(default)]
    pub rejected: Option<Rejection>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    pub reason: String,
    #[serde(default)]
    pub fields: Vec<FieldError>,
}

/// A submission the server confirmed, and what the unit did about it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SentItem {
    pub receipt: Receipt,
    pub confirmed_at: f64,
    /// The home's CQC location ID and the form, to list it by (empty on
    /// receipts kept before 2 December 2026).
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub form_id: String,
    #[serde(default)]
    pub form_version: u32,
    /// Where it is, as the server last said; `None` until it has said.
    #[serde(default)]
    pub state: Option<SentState>,
    /// The notes the unit shared with the sender, oldest first.
    #[serde(default)]
    pub shared: Vec<SharedNote>,
}

/// The last outcome of syncing, shown on the start page, and the backoff
/// every tab (and every trigger) honours: failures in a row, and when the
/// next automatic attempt may start.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncLog {
    pub last_success: Option<f64>,
    pub last_error: Option<String>,
    #[serde(default)]
    pub failures: u32,
    #[serde(default)]
    pub retry_at: Option<f64>,
}

/// What the visitor gave on forms sent before, to prefill the next one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Remembered {
    pub role: Option<String>,
    pub organisation: Option<String>,
    /// Their own email or phone number, kept when a later form says "No" to
    /// contact: it leaves the phone only on a form that says "Yes". Version 2
    /// of the form asked for either in one box (`contact`); version 3 asks
    /// for one or the other.
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// The homes of the last forms sent, newest first.
    #[serde(default)]
    pub recent_services: Vec<String>,
}

/// How many recently visited homes the service picker offers first.
pub const RECENT_SERVICES: usize = 5;

/// Everything the app keeps, as read from the phone.
#[derive(Clone, Debug, Default)]
struct Memory {
    drafts: Vec<LocalDraft>,
    outbox: Vec<OutboxItem>,
    sent: Vec<SentItem>,
    log: SyncLog,
    profile: Option<DeviceProfile>,
    remembered: Remembered,
    register: Vec<Service>,
    forms: Vec<FormDefinition>,
    /// The server's cursor for news of sent forms.
    news_cursor: i64,
}

impl Memory {
    /// Files one decrypted record under its key; false if it does not read.
    fn take(&mut self, key: &str, json: &str) -> bool {
        fn parsed<T: DeserializeOwned>(json: &str) -> Option<T> {
            serde_json::from_str(json).ok()
        }
        let taken = if key.starts_with(DRAFT) {
            parsed(json).map(|draft| self.drafts.push(draft))
        } else if key.starts_with(QUEUED) {
            parsed(json).map(|item| self.outbox.push(item))
        } else if key.starts_with(RECEIPT) {
            parsed(json).map(|item| self.sent.push(item))
        } else {
            match key {
                LOG => parsed(json).map(|log| self.log = log),
                PROFILE => parsed(json).map(|profile| self.profile = Some(profile)),
                REMEMBERED => parsed(json).map(|remembered| self.remembered = remembered),
                REGISTER => parsed(json).map(|register| self.register = register),
                FORMS => parsed(json).map(|forms| self.forms = forms),
                NEWS => parsed(json).map(|cursor| self.news_cursor = cursor),
                _ => Some(()),
            }
        };
        taken.is_some()
    }

    /// The order screens expect: the outbox as queued, receipts newest first.
    fn sorted(mut self) -> Self {
        self.outbox.sort_by(|a, b| a.queued_at.total_cmp(&b.queued_at));
        self.sent.sort_by(|a, b| b.confirmed_at.total_cmp(&a.confirmed_at));
        self
    }
}

/// The database and the key, once opened.
#[derive(Clone)]
struct Vault {
    db: IdbDatabase,
    key: CryptoKey,
}

type Changes = BTreeMap<String, Option<String>>;
/// Told of each write's outcome: `None` when on disk, else why not.
type WrittenReport = Rc<dyn Fn(Option<String>)>;

thread_local! {
    static MEMORY: RefCell<Memory> = RefCell::new(Memory::default());
    static VAULT: RefCell<Option<Vault>> = const { RefCell::new(None) };
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

fn memory<R>(look: impl FnOnce(&Memory) -> R) -> R {
    MEMORY.with(|memory| look(&memory.borrow()))
}

fn json<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_string(value).ok()
}

/// Changes the copy in memory and writes the records `edit` names.
fn change<R>(edit: impl FnOnce(&mut Memory, &mut Changes) -> R) -> R {
    let mut changes = Changes::new();
    let result = MEMORY.with(|memory| edit(&mut memory.borrow_mut(), &mut changes));
    if !changes.is_empty() && !LEFT.with(|left| *left.borrow()) {
        persist(changes);
    }
    result
}

/// Hands changes to the next write, starting one if none is waiting.
fn persist(changes: Changes) {
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

fn tell_other_tabs() {
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

/// What opening the phone's storage found, for the person.
pub enum Opened {
    Ready,
    /// Records sealed under a key that is gone (site data partly cleared).
    StartedClean(String),
    Unavailable(String),
}

thread_local! {
    /// The opening under way, started as early as the page allows.
    static OPENING: RefCell<Option<Promise>> = const { RefCell::new(None) };
    static OPENED: RefCell<Option<Opened>> = const { RefCell::new(None) };
}

/// Starts opening the store at once (it overlaps the page's hydration); `open` waits for it.
pub fn begin_opening() {
    OPENING.with(|opening| {
        opening.borrow_mut().get_or_insert_with(|| {
            future_to_promise(async {
                let opened = open_store().await;
                OPENED.with(|slot| *slot.borrow_mut() = Some(opened));
                Ok(JsValue::NULL)
            })
        });
    });
}

/// Opens the store (once), makes the key on first use, moves what
/// localStorage held, and reads everything into memory. Await before drawing.
pub async fn open() -> Opened {
    begin_opening();
    if let Some(opening) = OPENING.with(|opening| opening.borrow().clone()) {
        let _ = JsFuture::from(opening).await;
    }
    OPENED.with(|slot| slot.borrow_mut().take()).unwrap_or(Opened::Ready)
}

async fn open_store() -> Opened {
    let vault = match open_vault().await {
        Ok(vault) => vault,
        Err(err) => {
            // Still usable for this visit; nothing is said to be saved.
            MEMORY.with(|memory| *memory.borrow_mut() = legacy_memory());
            return Opened::Unavailable(format!(
                "This phone cannot keep forms for you ({}). Send each form while you have signal.",
                disk::explain(&err)
            ));
        }
    };
    VAULT.with(|slot| *slot.borrow_mut() = Some(vault.clone()));
    let (mut memory, unreadable) = read_memory(&vault).await.unwrap_or_default();
    let opened = if unreadable.is_empty() {
        Opened::Ready
    } else {
        persist(unreadable.into_iter().map(|key| (key, None)).collect());
        Opened::StartedClean(
            "Some things kept on this phone could not be read (part of the browser's data was cleared), so the app has started clean."
                .to_owned(),
        )
    };
    move_from_local_storage(&mut memory);
    MEMORY.with(|slot| *slot.borrow_mut() = memory.sorted());
    opened
}

async fn open_vault() -> Result<Vault, JsValue> {
    let db = disk::open().await?;
    let key = match disk::stored_key(&db, KEY_NAME).await? {
        Some(key) => key,
        None => disk::keep_first_key(&db, KEY_NAME, cipher::new_key().await?.into()).await?,
    };
    Ok(Vault { db, key: key.dyn_into()? })
}

/// Every record, opened; and the keys of those that could not be.
async fn read_memory(vault: &Vault) -> Result<(Memory, Vec<String>), JsValue> {
    let mut memory = Memory::default();
    let mut unreadable = Vec::new();
    let records = disk::read_all(&vault.db).await?;
    // Every decryption started before the first is awaited: they run together.
    let opening: Vec<_> = records.iter().map(|(_, sealed)| cipher::open(&vault.key, sealed)).collect();
    for ((key, _), opened) in records.into_iter().zip(opening) {
        if !opened.await.ok().is_some_and(|json| memory.take(&key, &json)) {
            unreadable.push(key);
        }
    }
    Ok((memory, unreadable))
}

/// Re-reads everything (another tab or the service worker changed it).
pub async fn reload() {
    let Some(vault) = VAULT.with(|vault| vault.borrow().clone()) else { return };
    loop {
        // A read begun while a change is on its way to disk could see the disk
        // without it and put it back in memory (a deleted draft would come
        // back): read only when every change made so far is written, and keep
        // what was read only if no change was made meanwhile.
        if writes_under_way() {
            // Never wait on a write for ever: after a while, keep what is in
            // memory (this page's own latest) and re-read another time.
            if !written_within(WRITE_WAIT_MS).await {
                return;
            }
            continue;
        }
        let before = CHANGES_MADE.with(|n| *n.borrow());
        let Ok((memory, _)) = read_memory(&vault).await else { return };
        if CHANGES_MADE.with(|n| *n.borrow()) == before && !writes_under_way() {
            MEMORY.with(|slot| *slot.borrow_mut() = memory.sorted());
            return;
        }
    }
}

/// How long a re-read waits for the writes under way.
const WRITE_WAIT_MS: i32 = 5_000;

/// Whether the last write settled within `ms`. A write settles to `null` or
/// to its error's words; the timer to a number, so the two are told apart.
async fn written_within(ms: i32) -> bool {
    let Some(last) = LAST_WRITE.with(|last| last.borrow().clone()) else { return true };
    let timer = Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_1(&resolve, ms, &JsValue::from_f64(-1.0));
    });
    let first = JsFuture::from(Promise::race(&js_sys::Array::of2(&last, &timer))).await;
    first.ok().and_then(|value| value.as_f64()).is_none()
}

/// Whether a change is waiting for a write or being written.
fn writes_under_way() -> bool {
    !PENDING.with(|p| p.borrow().is_empty()) || NEXT_WRITE.with(|next| next.borrow().is_some()) || WRITING.with(|n| *n.borrow() > 0)
}

/// What an earlier version kept in localStorage.
fn legacy_memory() -> Memory {
    fn legacy<T: DeserializeOwned + Default>(key: &str) -> T {
        LocalStorage::get(key).unwrap_or_default()
    }
    Memory {
        drafts: legacy(LEGACY_KEYS[0]),
        outbox: legacy(LEGACY_KEYS[1]),
        sent: legacy(LEGACY_KEYS[2]),
        log: legacy(LEGACY_KEYS[3]),
        profile: legacy(LEGACY_KEYS[4]),
        remembered: legacy(LEGACY_KEYS[5]),
        register: legacy(LEGACY_KEYS[6]),
        forms: legacy(LEGACY_KEYS[7]),
        news_cursor: 0,
    }
}

/// Moves forms kept in localStorage by an earlier version into the store,
/// losing nothing: a draft newer here than there is kept; the old keys are
/// removed only once the move is on disk.
fn move_from_local_storage(memory: &mut Memory) {
    let Ok(storage) = window().local_storage() else { return };
    let Some(storage) = storage else { return };
    if !LEGACY_KEYS.iter().any(|key| storage.get_item(key).ok().flatten().is_some()) {
        return;
    }
    let old = legacy_memory();
    let mut changes = Changes::new();
    for draft in old.drafts {
        match memory.drafts.iter_mut().find(|d| d.id == draft.id) {
            Some(kept) if kept.updated_at >= draft.updated_at => {}
            Some(kept) => *kept = draft,
            None => memory.drafts.push(draft),
        }
    }
    for item in old.outbox {
        if !memory.outbox.iter().any(|kept| kept.request.id == item.request.id) {
            memory.outbox.push(item);
        }
    }
    for item in old.sent {
        if !memory.sent.iter().any(|kept| kept.receipt.id == item.receipt.id) {
            memory.sent.push(item);
        }
    }
    memory.profile = memory.profile.take().or(old.profile);
    if memory.register.is_empty() {
        memory.register = old.register;
    }
    if memory.forms.is_empty() {
        memory.forms = old.forms;
    }
    if memory.remembered == Remembered::default() {
        memory.remembered = old.remembered;
    }
    all_records(memory, &mut changes);
    persist(changes);
    spawn_local(async move {
        if saved().await.is_ok() {
            LEGACY_KEYS.iter().for_each(LocalStorage::delete);
        }
    });
}

/// Every record `memory` holds, as changes to write.
fn all_records(memory: &Memory, changes: &mut Changes) {
    for draft in &memory.drafts {
        changes.insert(draft_key(draft.id), json(draft));
    }
    for item in &memory.outbox {
        changes.insert(queued_key(item.request.id), json(item));
    }
    for item in &memory.sent {
        changes.insert(receipt_key(item.receipt.id), json(item));
    }
    changes.insert(LOG.to_owned(), json(&memory.log));
    changes.insert(PROFILE.to_owned(), memory.profile.as_ref().and_then(json));
    changes.insert(REMEMBERED.to_owned(), json(&memory.remembered));
    changes.insert(REGISTER.to_owned(), json(&memory.register));
    changes.insert(FORMS.to_owned(), json(&memory.forms));
    changes.insert(NEWS.to_owned(), json(&memory.news_cursor));
}

/// "Leave this phone": deletes everything the app keeps here, in every
/// store, including the app's cached files.
pub async fn wipe() -> Result<(), String> {
    LEFT.with(|left| *left.borrow_mut() = true);
    let _ = saved().await;
    MEMORY.with(|memory| *memory.borrow_mut() = Memory::default());
    let db = VAULT.with(|vault| vault.borrow_mut().take()).map(|vault| vault.db);
    LEGACY_KEYS.iter().for_each(LocalStorage::delete);
    let deleted = disk::delete_everything(db).await.map_err(|err| disk::explain(&err));
    tell_other_tabs();
    delete_caches().await;
    deleted
}

async fn delete_caches() {
    let Ok(caches) = window().caches() else { return };
    let Ok(names) = JsFuture::from(caches.keys()).await else { return };
    for name in js_sys::Array::from(&names).iter().filter_map(|name| name.as_string()) {
        let _ = JsFuture::from(caches.delete(&name)).await;
    }
}

pub fn drafts() -> Vec<LocalDraft> {
    memory(|m| m.drafts.clone())
}

pub fn draft(id: Uuid) -> Option<LocalDraft> {
    memory(|m| m.drafts.iter().find(|draft| draft.id == id).cloned())
}

fn draft_key(id: Uuid) -> String {
    format!("{DRAFT}{id}")
}

fn queued_key(id: Uuid) -> String {
    format!("{QUEUED}{id}")
}

fn receipt_key(id: Uuid) -> String {
    format!("{RECEIPT}{id}")
}

pub fn save_draft(draft: LocalDraft) -> Result<Vec<LocalDraft>, String> {
    Ok(change(|m, changes| {
        changes.insert(draft_key(draft.id), json(&draft));
        match m.drafts.iter_mut().find(|d| d.id == draft.id) {
            Some(existing) => *existing = draft,
            None => m.drafts.push(draft),
        }
        m.drafts.clone()
    }))
}

/// Changes a stored draft; `None` when it is gone (sent or deleted in another tab).
pub fn edit_draft(id: Uuid, now: f64, edit: impl FnOnce(&mut LocalDraft)) -> Result<Option<LocalDraft>, String> {
    Ok(change(|m, changes| {
        let draft = m.drafts.iter_mut().find(|d| d.id == id)?;
        edit(draft);
        draft.updated_at = now;
        changes.insert(draft_key(id), json(draft));
        Some(draft.clone())
    }))
}

pub fn delete_draft(id: Uuid) -> Result<Vec<LocalDraft>, String> {
    Ok(change(|m, changes| {
        m.drafts.retain(|d| d.id != id);
        changes.insert(draft_key(id), None);
        m.drafts.clone()
    }))
}

/// Deletes drafts unchanged for `days`; returns those left.
pub fn expire_drafts(now: f64, days: u32) -> Result<Vec<LocalDraft>, String> {
    let limit = f64::from(days) * DAY_MS;
    Ok(change(|m, changes| {
        for draft in m.drafts.iter().filter(|d| now - d.updated_at >= limit) {
            changes.insert(draft_key(draft.id), None);
        }
        m.drafts.retain(|d| now - d.updated_at < limit);
        m.drafts.clone()
    }))
}

pub fn outbox() -> Vec<OutboxItem> {
    memory(|m| m.outbox.clone())
}

/// Puts a finished form in the outbox and deletes its draft, in one
/// transaction: the form is in one place or the other, never in neither.
/// Await `saved` before saying it is saved.
pub fn queue(request: SubmissionRequest, now: f64) -> Result<(), String> {
    let id = request.id;
    change(|m, changes| {
        if !m.outbox.iter().any(|item| item.request.id == id) {
            let item = OutboxItem { request, queued_at: now, rejected: None };
            changes.insert(queued_key(id), json(&item));
            m.outbox.push(item);
        }
        m.drafts.retain(|d| d.id != id);
        changes.insert(draft_key(id), None);
    });
    Ok(())
}

/// Turns a form the server refused back into a draft, with the server's
/// problems on its pages, keeping its id (so the server still stores it
/// once); in one transaction, so it is never in neither place.
pub fn reopen_refused(id: Uuid, problems: BTreeMap<String, Vec<FieldError>>, now: f64) -> Result<Option<LocalDraft>, String> {
    Ok(change(|m, changes| {
        let position = m.outbox.iter().position(|item| item.request.id == id && item.rejected.is_some())?;
        let request = m.outbox.remove(position).request;
        let draft = LocalDraft {
            id,
            form_id: request.form_id,
            form_version: request.form_version,
            answers: request.answers,
            problems,
            timers: BTreeMap::new(),
            updated_at: now,
        };
        changes.insert(queued_key(id), None);
        changes.insert(draft_key(id), json(&draft));
        m.drafts.retain(|d| d.id != id);
        m.drafts.push(draft.clone());
        Some(draft)
    }))
}

pub fn remove_from_outbox(id: Uuid) -> Result<Vec<OutboxItem>, String> {
    Ok(change(|m, changes| {
        m.outbox.retain(|item| item.request.id != id);
        changes.insert(queued_key(id), None);
        m.outbox.clone()
    }))
}

/// Applies the server's confirmations and rejections to the outbox.
pub fn settle(confirmed: Vec<Receipt>, rejected: Vec<(Uuid, Rejection)>, now: f64) -> Result<(), String> {
    change(|m, changes| {
        for receipt in confirmed {
            let request = m.outbox.iter().find(|item| item.request.id == receipt.id).map(|item| item.request.clone());
            m.outbox.retain(|item| item.request.id != receipt.id);
            changes.insert(queued_key(receipt.id), None);
            if !m.sent.iter().any(|s| s.receipt.id == receipt.id) {
                let item = SentItem::new(receipt, request.as_ref(), now);
                changes.insert(receipt_key(item.receipt.id), json(&item));
                m.sent.insert(0, item);
            }
        }
        for old in m.sent.split_off(m.sent.len().min(SENT_KEPT)) {
            changes.insert(receipt_key(old.receipt.id), None);
        }
        for (id, rejection) in rejected {
            if let Some(item) = m.outbox.iter_mut().find(|item| item.request.id == id) {
                item.rejected = Some(rejection);
                changes.insert(queued_key(id), json(item));
            }
        }
    });
    Ok(())
}

pub fn sent() -> Vec<SentItem> {
    memory(|m| m.sent.clone())
}

impl SentItem {
    fn new(receipt: Receipt, request: Option<&SubmissionRequest>, now: f64) -> Self {
        let service = request.and_then(|r| r.answers.one("service")).unwrap_or_default().to_owned();
        Self {
            receipt,
            confirmed_at: now,
            service,
            form_id: request.map(|r| r.form_id.clone()).unwrap_or_default(),
            form_version: request.map_or(0, |r| r.form_version),
            state: None,
            shared: Vec::new(),
        }
    }
}

/// Where to ask for news from: the cursor of the last answer kept.
pub fn news_cursor() -> i64 {
    memory(|m| m.news_cursor)
}

/// Keeps what the server said about forms sent from here, and its cursor.
/// News of a form no longer kept (beyond the last receipts) is passed over.
pub fn apply_news(page: &NewsPage) -> Result<(), String> {
    change(|m, changes| {
        for news in &page.items {
            if let Some(item) = m.sent.iter_mut().find(|item| item.receipt.id == news.id) {
                item.state = Some(news.state);
                item.shared = news.shared.clone();
                changes.insert(receipt_key(item.receipt.id), json(item));
            }
        }
        m.news_cursor = m.news_cursor.max(page.cursor);
        changes.insert(NEWS.to_owned(), json(&m.news_cursor));
    });
    Ok(())
}

pub fn sync_log() -> SyncLog {
    memory(|m| m.log.clone())
}

pub fn save_sync_log(log: &SyncLog) -> Result<(), String> {
    change(|m, changes| {
        m.log = log.clone();
        changes.insert(LOG.to_owned(), json(log));
    });
    Ok(())
}

pub fn profile() -> Option<DeviceProfile> {
    memory(|m| m.profile.clone())
}

pub fn save_profile(profile: Option<&DeviceProfile>) -> Result<(), String> {
    change(|m, changes| {
        m.profile = profile.cloned();
        changes.insert(PROFILE.to_owned(), profile.and_then(json));
    });
    Ok(())
}

pub fn remembered() -> Remembered {
    memory(|m| m.remembered.clone())
}

/// Keeps what the visitor gave on a form just sent (only what it asked) for
/// the next one; a form that did not ask something leaves it as it was.
pub fn remember(answers: &RawAnswers) -> Result<(), String> {
    let one = |field: &str| answers.one(field).map(str::trim).filter(|value| !value.is_empty()).map(str::to_owned);
    change(|m, changes| {
        let before = &m.remembered;
        let mut recent_services = before.recent_services.clone();
        if let Some(service) = one("service") {
            recent_services.retain(|id| *id != service);
            recent_services.insert(0, service);
            recent_services.truncate(RECENT_SERVICES);
        }
        let remembered = Remembered {
            role: one("role").or_else(|| before.role.clone()),
            organisation: one("organisation").or_else(|| before.organisation.clone()),
            contact: one("contact_details").or_else(|| before.contact.clone()),
            email: one("contact_email").or_else(|| before.email.clone()),
            phone: one("contact_phone").or_else(|| before.phone.clone()),
            recent_services,
        };
        changes.insert(REMEMBERED.to_owned(), json(&remembered));
        m.remembered = remembered;
    });
    Ok(())
}

pub fn register() -> Vec<Service> {
    memory(|m| m.register.clone())
}

pub fn save_register(services: &[Service]) -> Result<(), String> {
    change(|m, changes| {
        m.register = services.to_vec();
        changes.insert(REGISTER.to_owned(), json(&services));
    });
    Ok(())
}

/// Form versions published after this release, as the server last sent them.
pub fn forms() -> Vec<FormDefinition> {
    memory(|m| m.forms.clone())
}

pub fn save_forms(definitions: &[FormDefinition]) -> Result<(), String> {
    change(|m, changes| {
        m.forms = definitions.to_vec();
        changes.insert(FORMS.to_owned(), json(&definitions));
    });
    Ok(())
}
