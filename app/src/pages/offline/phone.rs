//! What the app keeps on the phone, in localStorage (gloo-storage): drafts,
//! the outbox, recent receipts, the device's profile and the register. Every
//! change re-reads the stored value first and writes it back at once, with
//! no await between, so two open tabs never overwrite each other's work.

use std::collections::BTreeMap;

use gloo_storage::{LocalStorage, Storage};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{
    forms::{FormDefinition, RawAnswers, RawValue},
    register::Service,
    submission::{Receipt, SubmissionRequest},
    sync::DeviceProfile,
    FieldError,
};

const DRAFTS: &str = "chf.drafts.v1";
const OUTBOX: &str = "chf.outbox.v1";
const SENT: &str = "chf.sent.v1";
const SYNC_LOG: &str = "chf.sync.v1";
const PROFILE: &str = "chf.profile.v1";
const REMEMBERED: &str = "chf.remembered.v1";
const REGISTER: &str = "chf.register.v1";
const FORMS: &str = "chf.forms.v1";

/// Receipts kept for the confirmation page and the start page.
const SENT_KEPT: usize = 20;
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

/// A submission the server confirmed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SentItem {
    pub receipt: Receipt,
    pub confirmed_at: f64,
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

/// Role and organisation as last sent, to prefill the next form.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Remembered {
    pub role: Option<String>,
    pub organisation: Option<String>,
}

fn read<T: DeserializeOwned + Default>(key: &str) -> T {
    // A value another version wrote in a shape this one cannot read is left
    // in place (not overwritten) until something is saved under the key.
    LocalStorage::get(key).unwrap_or_default()
}

fn write<T: Serialize>(key: &str, value: &T) -> Result<(), String> {
    LocalStorage::set(key, value).map_err(|err| format!("Could not save on this phone: {err}"))
}

fn change<T: DeserializeOwned + Default + Serialize, R>(key: &str, edit: impl FnOnce(&mut T) -> R) -> Result<(T, R), String> {
    let mut value: T = read(key);
    let result = edit(&mut value);
    write(key, &value)?;
    Ok((value, result))
}

pub fn drafts() -> Vec<LocalDraft> {
    read(DRAFTS)
}

pub fn draft(id: Uuid) -> Option<LocalDraft> {
    drafts().into_iter().find(|draft| draft.id == id)
}

pub fn save_draft(draft: LocalDraft) -> Result<Vec<LocalDraft>, String> {
    change(DRAFTS, |drafts: &mut Vec<LocalDraft>| match drafts.iter_mut().find(|d| d.id == draft.id) {
        Some(existing) => *existing = draft,
        None => drafts.push(draft),
    })
    .map(|(drafts, ())| drafts)
}

/// Changes a stored draft; `None` when it is gone (sent or deleted in another tab).
pub fn edit_draft(id: Uuid, now: f64, edit: impl FnOnce(&mut LocalDraft)) -> Result<Option<LocalDraft>, String> {
    let (_, edited) = change(DRAFTS, |drafts: &mut Vec<LocalDraft>| {
        drafts.iter_mut().find(|d| d.id == id).map(|draft| {
            edit(draft);
            draft.updated_at = now;
            draft.clone()
        })
    })?;
    Ok(edited)
}

pub fn delete_draft(id: Uuid) -> Result<Vec<LocalDraft>, String> {
    change(DRAFTS, |drafts: &mut Vec<LocalDraft>| drafts.retain(|d| d.id != id)).map(|(drafts, ())| drafts)
}

/// Deletes drafts unchanged for `days`; returns those left.
pub fn expire_drafts(now: f64, days: u32) -> Result<Vec<LocalDraft>, String> {
    let limit = f64::from(days) * DAY_MS;
    let all = drafts();
    if all.iter().all(|d| now - d.updated_at < limit) {
        return Ok(all);
    }
    change(DRAFTS, |drafts: &mut Vec<LocalDraft>| drafts.retain(|d| now - d.updated_at < limit)).map(|(drafts, ())| drafts)
}

pub fn outbox() -> Vec<OutboxItem> {
    read(OUTBOX)
}

/// Puts a finished form in the outbox and deletes its draft. The outbox is
/// written first: if the phone dies in between, the form is queued twice at
/// worst (once as a draft), never lost.
pub fn queue(request: SubmissionRequest, now: f64) -> Result<(), String> {
    let id = request.id;
    change(OUTBOX, |items: &mut Vec<OutboxItem>| {
        if !items.iter().any(|item| item.request.id == id) {
            items.push(OutboxItem { request, queued_at: now, rejected: None });
        }
    })?;
    delete_draft(id).map(|_| ())
}

/// Turns a form the server refused back into a draft, with the server's
/// problems on its pages, keeping its id (so the server still stores it
/// once). The draft is written first: if the phone dies in between, the form
/// is in both places at worst, never in neither.
pub fn reopen_refused(id: Uuid, problems: BTreeMap<String, Vec<FieldError>>, now: f64) -> Result<Option<LocalDraft>, String> {
    let Some(item) = outbox().into_iter().find(|item| item.request.id == id && item.rejected.is_some()) else { return Ok(None) };
    let request = item.request;
    let draft = LocalDraft { id, form_id: request.form_id, form_version: request.form_version, answers: request.answers, problems, updated_at: now };
    save_draft(draft.clone())?;
    remove_from_outbox(id)?;
    Ok(Some(draft))
}

pub fn remove_from_outbox(id: Uuid) -> Result<Vec<OutboxItem>, String> {
    change(OUTBOX, |items: &mut Vec<OutboxItem>| items.retain(|item| item.request.id != id)).map(|(items, ())| items)
}

/// Applies the server's confirmations and rejections to the outbox.
pub fn settle(confirmed: Vec<Receipt>, rejected: Vec<(Uuid, Rejection)>, now: f64) -> Result<(), String> {
    let ids: Vec<Uuid> = confirmed.iter().map(|receipt| receipt.id).collect();
    change(OUTBOX, |items: &mut Vec<OutboxItem>| {
        items.retain(|item| !ids.contains(&item.request.id));
        for (id, rejection) in rejected {
            if let Some(item) = items.iter_mut().find(|item| item.request.id == id) {
                item.rejected = Some(rejection);
            }
        }
    })?;
    change(SENT, |sent: &mut Vec<SentItem>| {
        for receipt in confirmed {
            if !sent.iter().any(|s| s.receipt.id == receipt.id) {
                sent.insert(0, SentItem { receipt, confirmed_at: now });
            }
        }
        sent.truncate(SENT_KEPT);
    })
    .map(|_| ())
}

pub fn sent() -> Vec<SentItem> {
    read(SENT)
}

pub fn sync_log() -> SyncLog {
    read(SYNC_LOG)
}

pub fn save_sync_log(log: &SyncLog) -> Result<(), String> {
    write(SYNC_LOG, log)
}

pub fn profile() -> Option<DeviceProfile> {
    read(PROFILE)
}

pub fn save_profile(profile: Option<&DeviceProfile>) -> Result<(), String> {
    match profile {
        Some(profile) => write(PROFILE, profile),
        None => {
            LocalStorage::delete(PROFILE);
            Ok(())
        }
    }
}

pub fn remembered() -> Remembered {
    read(REMEMBERED)
}

/// Keeps the role and organisation of a form just sent for the next one.
pub fn remember(answers: &RawAnswers) -> Result<(), String> {
    let one = |field: &str| match answers.0.get(field) {
        Some(RawValue::One(value)) if !value.trim().is_empty() => Some(value.clone()),
        _ => None,
    };
    write(REMEMBERED, &Remembered { role: one("role"), organisation: one("organisation") })
}

pub fn register() -> Vec<Service> {
    read(REGISTER)
}

pub fn save_register(services: &[Service]) -> Result<(), String> {
    write(REGISTER, &services)
}

/// Form versions published after this release, as the server last sent them.
pub fn forms() -> Vec<FormDefinition> {
    read(FORMS)
}

pub fn save_forms(definitions: &[FormDefinition]) -> Result<(), String> {
    write(FORMS, &definitions)
}

/// Which keys another tab changed, from a `storage` event.
pub fn is_ours(key: &str) -> bool {
    key.starts_with("chf.")
}
