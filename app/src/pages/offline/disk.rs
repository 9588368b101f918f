//! IndexedDB, where the phone keeps what it must not lose. localStorage is
//! not on disk when `setItem` returns (Chromium wrote it about once a minute,
//! and a form "saved" 0.3 s before the browser was killed was gone); an
//! IndexedDB transaction opened with `durability: "strict"` completes only
//! once the write is flushed to disk, so "Saved" waits for that.
//!
//! One database, `chf`, with two object stores: `records` (sealed values,
//! keyed by what they are: `draft/{id}`, `outbox/{id}`, `sent/{id}`,
//! `profile`, …) and `keys` (the non-extractable encryption key). The service
//! worker opens the same database (`server/assets/sw.js`); the names and the
//! version are shared with it.

use js_sys::{Array, Function, Object, Promise, Reflect};
use leptos::prelude::window;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbRequest, IdbTransaction};

const NAME: &str = "chf";
const VERSION: u32 = 1;
pub const RECORDS: &str = "records";
pub const KEYS: &str = "keys";

/// A change to the `records` store, applied with others in one transaction.
pub enum Change {
    Put(String, JsValue),
    Delete(String),
}

/// Turns an IndexedDB request into a future of its result.
async fn finished(request: &IdbRequest) -> Result<JsValue, JsValue> {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let done = request.clone();
        let on_success = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &done.result().unwrap_or(JsValue::UNDEFINED));
        });
        let failed = request.clone();
        let on_error = Closure::once_into_js(move || {
            let error = failed.error().ok().flatten().map_or(JsValue::NULL, JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise).await
}

/// Resolves when the transaction has committed (for a strict one, on disk).
/// The handlers are attached at the call, not when first polled, so an
/// abort that happens while awaiting one of its requests is not missed.
fn committed(transaction: &IdbTransaction) -> impl std::future::Future<Output = Result<(), JsValue>> {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let on_complete = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let failed = transaction.clone();
        let on_abort = Closure::<dyn Fn()>::new(move || {
            let error = failed.error().map_or(JsValue::NULL, JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        transaction.set_oncomplete(Some(on_complete.unchecked_ref()));
        transaction.set_onabort(Some(on_abort.as_ref().unchecked_ref()));
        transaction.set_onerror(Some(on_abort.as_ref().unchecked_ref()));
        on_abort.forget();
    });
    let done = JsFuture::from(promise);
    async move { done.await.map(|_| ()) }
}

/// Opens (and on first use creates) the database.
pub async fn open() -> Result<IdbDatabase, JsValue> {
    let factory = window().indexed_db()?.ok_or_else(|| JsValue::from_str("IndexedDB is not available"))?;
    let request = factory.open_with_u32(NAME, VERSION)?;
    let upgrading = request.clone();
    let on_upgrade = Closure::once_into_js(move || {
        let Ok(db) = upgrading.result() else { return };
        let db: IdbDatabase = db.unchecked_into();
        for store in [RECORDS, KEYS] {
            if !db.object_store_names().contains(store) {
                let _ = db.create_object_store(store);
            }
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    let db: IdbDatabase = finished(&request).await?.unchecked_into();
    // Another tab leaving the phone deletes the database: let it.
    let closing = db.clone();
    let on_version_change = Closure::<dyn Fn()>::new(move || closing.close());
    db.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
    on_version_change.forget();
    Ok(db)
}

/// A transaction over `stores`; a writing one is strict, so its completion
/// means the data is on disk. (web-sys has the options only as unstable API.)
fn transaction(db: &IdbDatabase, store: &str, write: bool) -> Result<(IdbTransaction, IdbObjectStore), JsValue> {
    let options = Object::new();
    Reflect::set(&options, &"durability".into(), &"strict".into())?;
    let open: Function = Reflect::get(db, &"transaction".into())?.dyn_into()?;
    let mode = if write { "readwrite" } else { "readonly" };
    let transaction: IdbTransaction = open.call3(db, &store.into(), &mode.into(), &options)?.dyn_into()?;
    let object_store = transaction.object_store(store)?;
    Ok((transaction, object_store))
}

/// Every record, as (key, sealed value).
pub async fn read_all(db: &IdbDatabase) -> Result<Vec<(String, JsValue)>, JsValue> {
    let (_transaction, store) = transaction(db, RECORDS, false)?;
    let keys_request = store.get_all_keys()?;
    let values_request = store.get_all()?;
    let keys: Array = finished(&keys_request).await?.dyn_into()?;
    let values: Array = finished(&values_request).await?.dyn_into()?;
    Ok(keys.iter().zip(values.iter()).filter_map(|(key, value)| key.as_string().map(|key| (key, value))).collect())
}

/// Applies the changes in one strict transaction: all or none, on disk when it returns.
pub async fn write(db: &IdbDatabase, changes: Vec<Change>) -> Result<(), JsValue> {
    let (transaction, store) = transaction(db, RECORDS, true)?;
    let done = committed(&transaction);
    let issued: Result<Vec<IdbRequest>, JsValue> = changes
        .into_iter()
        .map(|change| match change {
            Change::Put(key, value) => store.put_with_key(&value, &key.into()),
            Change::Delete(key) => store.delete(&key.into()),
        })
        .collect();
    if let Err(error) = issued {
        // All or none: what was already issued must not commit alone.
        let _ = transaction.abort();
        return Err(error);
    }
    done.await
}

/// The value under `key` in the `keys` store, if any.
pub async fn stored_key(db: &IdbDatabase, key: &str) -> Result<Option<JsValue>, JsValue> {
    let (_transaction, store) = transaction(db, KEYS, false)?;
    let value = finished(&store.get(&key.into())?).await?;
    Ok(Some(value).filter(|value| !value.is_undefined()))
}

/// Stores `value` under `key` in the `keys` store unless one is already
/// there (another tab may have made one meanwhile); returns the one kept.
pub async fn keep_first_key(db: &IdbDatabase, key: &str, value: JsValue) -> Result<JsValue, JsValue> {
    let (transaction, store) = transaction(db, KEYS, true)?;
    let done = committed(&transaction);
    // `add` fails on an existing key, which aborts the transaction: the other tab's key stands.
    let added = store.add_with_key(&value, &key.into())?;
    match (finished(&added).await, done.await) {
        (Ok(_), Ok(())) => Ok(value),
        _ => stored_key(db, key).await?.ok_or_else(|| JsValue::from_str("The phone's key could not be kept.")),
    }
}

/// Deletes the whole database: "Leave this phone".
pub async fn delete_everything(db: Option<IdbDatabase>) -> Result<(), JsValue> {
    if let Some(db) = db {
        db.close();
    }
    let factory = window().indexed_db()?.ok_or_else(|| JsValue::from_str("IndexedDB is not available"))?;
    let request: IdbRequest = factory.delete_database(NAME)?.into();
    finished(&request).await.map(|_| ())
}

/// Plain words for a failed write, naming a full phone as such.
pub fn explain(error: &JsValue) -> String {
    let name = Reflect::get(error, &"name".into()).ok().and_then(|name| name.as_string()).unwrap_or_default();
    if name == "QuotaExceededError" {
        "This phone's storage is full, so the form could not be saved. Free some space (delete photos or apps you do not need), then try again.".to_owned()
    } else {
        let detail =
            Reflect::get(error, &"message".into()).ok().and_then(|m| m.as_string()).or_else(|| error.as_string()).unwrap_or_default();
        format!("Could not save on this phone: {detail}")
    }
}
