//! The copy in memory that screens read, and the keys its records are kept under.
use std::{cell::RefCell, collections::BTreeMap};

use serde::{de::DeserializeOwned, Serialize};
use uuid::Uuid;
use web_sys::{CryptoKey, IdbDatabase};

use super::records::{LocalDraft, OutboxItem, Remembered, SentItem, SyncLog};
use crate::domain::{forms::FormDefinition, register::Service, sync::DeviceProfile};

pub(super) const DRAFT: &str = "draft/";
pub(super) const QUEUED: &str = "outbox/";
pub(super) const RECEIPT: &str = "sent/";
pub(super) const LOG: &str = "sync";
pub(super) const PROFILE: &str = "profile";
pub(super) const REMEMBERED: &str = "remembered";
pub(super) const REGISTER: &str = "register";
pub(super) const FORMS: &str = "forms";
pub(super) const NEWS: &str = "news";

/// Everything the app keeps, as read from the phone.
#[derive(Clone, Debug, Default)]
pub(super) struct Memory {
    pub(super) drafts: Vec<LocalDraft>,
    pub(super) outbox: Vec<OutboxItem>,
    pub(super) sent: Vec<SentItem>,
    pub(super) log: SyncLog,
    pub(super) profile: Option<DeviceProfile>,
    pub(super) remembered: Remembered,
    pub(super) register: Vec<Service>,
    pub(super) forms: Vec<FormDefinition>,
    /// The server's cursor for news of sent forms.
    pub(super) news_cursor: i64,
}

impl Memory {
    /// Files one decrypted record under its key; false if it does not read.
    pub(super) fn take(&mut self, key: &str, json: &str) -> bool {
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
    pub(super) fn sorted(mut self) -> Self {
        self.outbox.sort_by(|a, b| a.queued_at.total_cmp(&b.queued_at));
        self.sent.sort_by(|a, b| b.confirmed_at.total_cmp(&a.confirmed_at));
        self
    }
}

/// The database and the key, once opened.
#[derive(Clone)]
pub(super) struct Vault {
    pub(super) db: IdbDatabase,
    pub(super) key: CryptoKey,
}

pub(super) type Changes = BTreeMap<String, Option<String>>;

thread_local! {
    pub(super) static MEMORY: RefCell<Memory> = RefCell::new(Memory::default());
    pub(super) static VAULT: RefCell<Option<Vault>> = const { RefCell::new(None) };
}

pub(super) fn memory<R>(look: impl FnOnce(&Memory) -> R) -> R {
    MEMORY.with(|memory| look(&memory.borrow()))
}

pub(super) fn json<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_string(value).ok()
}

/// Every record `memory` holds, as changes to write.
pub(super) fn all_records(memory: &Memory, changes: &mut Changes) {
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

pub(super) fn draft_key(id: Uuid) -> String {
    format!("{DRAFT}{id}")
}

pub(super) fn queued_key(id: Uuid) -> String {
    format!("{QUEUED}{id}")
}

pub(super) fn receipt_key(id: Uuid) -> String {
    format!("{RECEIPT}{id}")
}
