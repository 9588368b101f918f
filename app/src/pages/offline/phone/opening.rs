//! Opening the phone's store at start: the key made on first use, every
//! record read into memory, and what localStorage held before this version
//! moved in; and leaving the phone, which deletes it all.
use std::cell::RefCell;

use gloo_storage::{LocalStorage, Storage};
use js_sys::Promise;
use leptos::{prelude::window, task::spawn_local};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::{
    memory::{all_records, Changes, Memory, Vault, MEMORY, VAULT},
    records::Remembered,
    writes::{changes_made, persist, saved, stop_writing, tell_other_tabs, writes_under_way, written_within, WRITE_WAIT_MS},
};
use crate::pages::offline::{cipher, disk};

/// The name of the one key that seals everything.
const KEY_NAME: &str = "device";

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
        let before = changes_made();
        let Ok((memory, _)) = read_memory(&vault).await else { return };
        if changes_made() == before && !writes_under_way() {
            MEMORY.with(|slot| *slot.borrow_mut() = memory.sorted());
            return;
        }
    }
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

/// "Leave this phone": deletes everything the app keeps here, in every
/// store, including the app's cached files.
pub async fn wipe() -> Result<(), String> {
    stop_writing();
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
